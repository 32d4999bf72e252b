/* export: reads a source workspace into the session (phase "export").
 *
 * One generic engine for every kind of the registry (src/kinds.h): list
 * pages stream their items into per-object fetches (get, permissions,
 * extras, notebook export) driven concurrently by http_submit/http_run; an
 * object is written to export/<kind>.jsonl only once all its fetches are
 * done, so the file is the checkpoint: a re-run skips finished objects
 * (by source id) and never writes a line twice. Failed objects go to
 * logs/failed_export_<kind>.jsonl and the run goes on.
 *
 * session.json gets "source": {"host", "cloud"} and "export":
 * {"started_at", "finished_at", "kinds": {KIND: {"exported", "skipped",
 * "failed", "skipped_why": {REASON: N}}}} (never a token), and
 * "warehouse": {"source": ID} when --warehouse-id read the Hive metastore. */
#ifndef DBX_EXPORT_H
#define DBX_EXPORT_H

#include "err.h"

typedef struct export_opts {
	const char *dir;	/* default "./migration" */
	const char *session;	/* required */
	const char *profile;	/* NULL: cfg's default rules */
	const char *cloud;	/* "azure"|"aws"|"gcp", NULL: detected from the host */
	const char *only;	/* comma lists or NULL */
	const char *skip;
	int parallel;		/* 0: http default */
	double rate_limit;	/* < 0: http default; 0: unlimited */
	int quiet_summary;	/* 1: no per-kind summary on stdout */
	const char *warehouse_id; /* SQL warehouse that reads the Hive metastore
				 * (kind hive_metastore, src/hive.h); NULL: that
				 * kind is left out with a note, or, named in
				 * --only, a usage error */
	const char *phase;	/* NULL: "export". validate reads the target into
				 * "validation": records, blobs, failures and the
				 * session.json section go there, and session.json's
				 * "source" is left alone. */
	int refresh;		/* --refresh: re-read the source into a session
				 * exported before (see export_refresh) */
} export_opts;

/* Runs an export; returns the CONTRACT.md exit code (0, 1 or 2) and prints
 * errors itself. Used by cmd_export and by migrate. With o->refresh, runs
 * export_refresh instead. */
int export_run(const export_opts *o);

/* `export --refresh`: re-reads the source into a session exported before.
 * The source is read by the same engine into the staging phase "refresh"
 * (DIR/ID/refresh/, checkpointed like an export: a killed refresh goes on
 * where it stopped), then merged into export/, one atomic rewrite per
 * kind: an object whose record differs replaces it (its blob too), a new
 * object is added, an object gone from the source keeps its record (it is
 * never deleted from the target) and is reported. Changes go to the
 * summary, the run log and logs/refresh.jsonl ({"key", "time", "change":
 * "changed"|"new"|"gone", "kind", "id", "name"}); session.json's
 * "refresh" holds {"state": "reading"|"merging"|"done", "started_at",
 * "finished_at", "changed", "new", "gone"}. A kind some of whose objects
 * could not be read reports none as gone (it cannot tell). transform then
 * maps everything again, and import updates what changed through the
 * kind's update call (import.h). A session never exported is exported. */
int export_refresh(const export_opts *o);

/* "azure", "gcp" or "aws" from the workspace host (suffix
 * azuredatabricks.net / gcp.databricks.com, anything else aws); NULL for
 * loopback hosts, whose cloud cannot be told: export then warns, asks for
 * --cloud and records "cloud": "unknown" (a later run with --cloud fixes
 * the record). */
const char *export_cloud_from_host(const char *host);

/* `dbxmig export ...`: argv[0] is "export". Returns the exit code. */
int cmd_export(int argc, char **argv);

#endif
