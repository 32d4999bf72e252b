/* hive: the Hive metastore (kind hive_metastore), read and written by SQL
 * through a SQL warehouse (src/sqlstmt.h): no REST API lists or creates
 * Hive databases, tables or views.
 *
 * A record per database, keyed by its name:
 *   {"name", "comment", "location",
 *    "tables": [{"name", "table_type": "MANAGED"|"EXTERNAL"|"VIEW",
 *                "format", "location", "ddl"}]}
 * `location` is null where the metastore picks it (a database in
 * dbfs:/user/hive/warehouse/<name>.db, a managed table). `ddl` is what
 * SHOW CREATE TABLE answers, made comparable: the name without its
 * catalog (`db`.`t`), no LOCATION clause (the table's `location` is the
 * one place a path lives, so storage rules map it), whitespace runs
 * outside quotes and comments collapsed to one space. Import rebuilds the
 * statement from the record: CREATE TABLE|VIEW IF NOT EXISTS with the
 * record's names and LOCATION from the (mapped) `location`.
 *
 * The `default` database always exists: it is recorded only when it holds
 * tables. Which warehouse runs the statements: --warehouse-id, recorded in
 * session.json ("warehouse": {"source", "target"}); import and validate
 * default to the target warehouse the ID journal maps the source one to. */
#ifndef DBX_HIVE_H
#define DBX_HIVE_H

#include <cjson/cJSON.h>
#include "err.h"
#include "http.h"
#include "idmap.h"
#include "store.h"

#define HIVE_KIND "hive_metastore"
/* ID journal kind of single tables and views ("db.t"); databases are
 * journaled under HIVE_KIND once all their tables and views landed. */
#define HIVE_TABLE_KIND "hive_metastore/tables"

typedef struct hive_counts {
	long total;	/* records in the phase's file after the run */
	long added;	/* records written (export) / objects created (import) */
	long kept;	/* already there (import: journaled) */
	long failed;
} hive_counts;

/* 1 when the --only list names the Hive metastore kind. */
int hive_named(const char *only);

/* Reads every Hive database of the workspace into <phase>/hive_metastore.jsonl
 * (a re-run skips databases already there). A database or table that
 * cannot be read goes to logs/failed_<phase>_hive_metastore.jsonl and the
 * rest goes on. Returns -1 only when nothing can be read (the warehouse
 * is unknown, authentication, the session cannot be written). */
int hive_export(ws *w, store *st, const char *phase, const char *warehouse, hive_counts *c,
		dbx_err *err);

/* The target warehouse import and validate use (for the Hive metastore,
 * and for the Unity Catalog tables import creates by SQL): `given` when set, else
 * session.json's warehouse.target, else the target id the journal maps
 * session.json's warehouse.source to. Into buf; NULL when none is known
 * (why says what is missing). */
const char *hive_target_warehouse(store *st, const idmap *ids, const char *given, char *buf,
				  size_t size, char *why, size_t why_size);

/* Creates the mapped databases, then their tables, then every view (a view
 * whose tables are not there yet is tried again after the others),
 * journaling each; a re-run skips what the journal holds. A database or a
 * table a rule marked "manual" is not written: `manual` is called for it
 * (key "hive_metastore/DB" or "hive_metastore/tables/DB.TABLE"). With dry_run it
 * prints the statements and runs none. Failures go to
 * logs/failed_import_hive_metastore.jsonl. Returns -1 only for a hard
 * error (authentication, the journal cannot be written). */
typedef void (*hive_manual_fn)(void *ud, const char *key, const char *name, const char *why);
int hive_import(ws *w, store *st, idmap *ids, const char *warehouse, int dry_run, hive_counts *c,
		hive_manual_fn manual, void *ud, dbx_err *err);

/* Records in mapped/hive_metastore.jsonl (0 when there is none). */
long hive_mapped_count(store *st);

/* The parts of a SHOW CREATE TABLE answer (exposed for tests): the type
 * ("VIEW", "EXTERNAL" when it has a LOCATION or says EXTERNAL, else
 * "MANAGED"), the format after USING (lower case, NULL for none), the
 * LOCATION (NULL for none) and the rest after the name, LOCATION clause
 * removed and whitespace collapsed. Strings are malloc'd (caller frees);
 * returns -1 with err when it is not a CREATE TABLE/VIEW statement. */
typedef struct hive_ddl {
	const char *type;
	char *format, *location, *rest;
} hive_ddl;
int hive_ddl_parse(const char *ddl, hive_ddl *out, dbx_err *err);
void hive_ddl_free(hive_ddl *d);

#endif
