/* kinds: the registry of object kinds, one entry per kind, in import
 * (dependency) order. Export, transform, import, validate, status and the
 * --only/--skip parser all read it; adding a kind means adding an entry.
 * Everything the host must know about a kind lives in its entry: names,
 * endpoints and paging scheme, natural key, id field, read-only fields,
 * references to other kinds, permissions object type.
 *
 * The entry is a plain struct (below) so that each phase reads the fields
 * it needs; the accessors stay for code that only needs names. Entries are
 * static and immutable: never free or modify one. */
#ifndef DBX_KINDS_H
#define DBX_KINDS_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "err.h"

typedef struct kind_def kind_def;

/* How a list endpoint pages (see docs/API_NOTES "Paging"). */
enum kind_paging {
	KIND_PAGE_NONE = 0,	/* whole list in one reply */
	KIND_PAGE_SCIM,		/* startIndex (1-based) + count; Resources; advance by len */
	KIND_PAGE_TOKEN,	/* page_size + page_token; next_page_token */
	KIND_PAGE_HAS_MORE,	/* limit + page_token; has_more + next_page_token (jobs) */
	KIND_PAGE_REPOS,	/* request param next_page_token; reply next_page_token */
	KIND_PAGE_TREE,		/* workspace/list per directory, walked recursively */
	KIND_PAGE_NUMBER,	/* page (1-based) + page_size; count = total (legacy DBSQL) */
};

/* A field of an object that holds the id (or name) of an object of another
 * kind, for import remapping. `path` is a dotted path from the object root
 * where "[]" means "every element of this array":
 * "settings.tasks[].existing_cluster_id". `kind` is a registry name, or
 * "principals" for an id that may be a user, group or service principal
 * (SCIM members), or "principal_names" for a user name / SP application id
 * / group name (secret ACLs). */
typedef struct kind_ref {
	const char *path;
	const char *kind;
} kind_ref;

/* An extra GET export makes per object, stored inside `object` under `dest`.
 *   GET path?param=<value of the object's field `from`>
 * The reply's array `field` is stored (missing array: []); when `unwrap` is
 * set each element is replaced by its member `unwrap` (cluster-status:
 * library_statuses[].library), and elements with a true
 * `skip_if_true` member are dropped. `mark` / `mark_value`, when set, are
 * added to each element (secret keys: "value_status": "NEEDS_REENTRY"). */
typedef struct kind_extra {
	const char *dest;
	const char *path;
	const char *param;
	const char *from;
	const char *field;
	const char *unwrap;
	const char *skip_if_true;
	const char *mark;
	const char *mark_value;
	int whole;		/* store the reply object itself (field unused); a 404
				 * means there is none: dest is left out (Lakeview
				 * dashboards' /published) */
} kind_extra;

/* Returns NULL when export keeps the list item `obj`, else a short reason
 * why it is skipped ("job cluster"): the reason is counted per kind and
 * said in the summary. */
typedef const char *(*kind_skip_fn)(const cJSON *obj);
/* Called on the complete object (after get, permissions and extras) before
 * it is recorded; may add fields: "manual" (a string: import does not
 * write the object and reports it as a manual follow-up: Key Vault
 * scopes), "follow_up" (a string: import writes the object and reports
 * the text as a manual follow-up: a job's Git credentials). */
typedef void (*kind_finish_fn)(cJSON *obj);

/* How import writes objects of a kind (src/import.c reads this; the
 * import engineer's additive part of the entry). */
enum kind_write {
	KIND_WRITE_NONE = 0,	/* import does not write this kind */
	KIND_WRITE_REST,	/* POST create_path (reply: created_id), update by target id */
	KIND_WRITE_SCIM,	/* REST, plus group members replayed once every group exists */
	KIND_WRITE_WORKSPACE,	/* mkdirs / workspace import (overwrite), get-status for object_id */
	KIND_WRITE_SECRETS,	/* scope, then ACLs, then keys whose values --secrets-file gives */
};

typedef struct kind_import {
	enum kind_write write;
	const char *create_path;	/* POST, body = the stripped object */
	const char *created_id;		/* field of the create reply with the new id; NULL: key is the id */
	const char *body_field;		/* member of the object that is the body ("settings"), or NULL */
	const char *update_method;	/* "POST"/"PUT"/"PATCH"; NULL: an existing object is kept as is */
	const char *update_path;	/* "{id}" is replaced by the escaped target id */
	const char *update_id;		/* body field that carries the target id ("cluster_id"), or NULL */
	const char *update_wrap;	/* the body goes under this member ("new_settings"), or NULL */
	const char *const *update_keep;	/* only these top-level fields are sent on update, or NULL */
	const char *stop_path;		/* POST after create/update so it is left stopped ("{id}" or
					 * body {update_id: id}); NULL: nothing runs */
	const char *stopped_state;	/* list item "state" that needs no stop ("TERMINATED") */
	const char *libraries_path;	/* POST {update_id, libraries} when the object has libraries */
	const char *key_alt;		/* natural key used when key_field is absent ("displayName") */
	const char *const *pause;	/* body members whose pause_status import sets to PAUSED */
	int update_after_create;	/* create ignores some fields (repos: branch): update after it */
	int key_nocase;			/* the target matches natural keys case-insensitively (userName) */
	const char *partial_path;	/* POST {update_id: id, update_wrap: {member: value}}: changes
					 * only the members sent (cutover un-pauses through it) */
	const char *create_wrap;	/* the create body goes under this member ("query"), or NULL */
	const char *update_mask;	/* update bodies carry "update_mask": this ("*"), or NULL */
	const char *post_path;		/* after create/update: POST the object's member post_field
					 * (only the post_keep members) here ("{id}"), when present */
	const char *post_field;
	const char *const *post_keep;
	const char *const *sql_types;	/* "table_type" values the REST API cannot create: import
					 * creates them by SQL on the target SQL warehouse
					 * (src/ucsql.h; views after the tables), or reports them
					 * as manual when it knows no warehouse */
	const char *grants_path;	/* Unity Catalog permissions ("{id}"): after create/update,
					 * PATCH {"changes": [{principal, add}]} from the object's
					 * "grants" (export's extra: privilege_assignments) */
} kind_import;

struct kind_def {
	const char *name;		/* plural: --only names, file names: "jobs" */
	const char *singular;		/* rule handler name: "job" */
	int supported;			/* export/import handle it in this build */

	/* listing */
	const char *list_path;		/* "/api/2.2/jobs/list" */
	const char *list_query;		/* fixed query added to every page, or NULL */
	enum kind_paging paging;
	const char *list_field;		/* array in the list reply: "jobs", "Resources" */
	int page_size;			/* count/limit/page_size asked for (0: server default) */

	/* per-object get when the list item is not the whole object (NULL:
	 * the list item is recorded as is). "{id}" in get_path is replaced by
	 * the escaped id; otherwise the id goes in get_param. When the get
	 * reply carries next_page_token, the arrays named in get_more (NULL
	 * terminated, dotted paths) are fetched page by page and appended. */
	const char *get_path;
	const char *get_param;
	const char *const *get_more;

	const char *key_field;		/* dotted path of the natural key: "settings.name" */
	int key_unique;			/* the API guarantees unique keys */
	const char *id_field;		/* dotted path of the id ("job_id"), NULL: key is the id */

	/* permissions: GET /api/2.0/permissions/<perm_type>/<id>. For the
	 * workspace tree the type follows object_type (perm_by_type). */
	const char *perm_type;
	int perm_by_type;

	const char *const *read_only;	/* dotted paths create/update refuse; NULL-terminated */
	const kind_ref *refs;		/* {NULL} terminated */
	const kind_extra *extras;	/* {NULL} terminated, or NULL */
	kind_skip_fn skip;		/* or NULL */
	kind_finish_fn finish;		/* or NULL */

	kind_import imp;		/* import: how objects are written (zero: not written) */

	/* Listed once per object of another kind (Unity Catalog schemas per
	 * catalog): `parent` names that kind (earlier in the registry);
	 * `parent_query` holds pairs, NULL terminated, of a list query
	 * parameter and the parent list item's field that gives its value.
	 * Selecting such a kind with --only selects its parents too; without
	 * its parent selected (--skip catalogs) it is left out. */
	const char *parent;
	const char *const *parent_query;

	/* Read and written by SQL statements on a SQL warehouse (src/hive.c),
	 * not by the REST engine: export, import and validate hand the kind
	 * to that module, which needs --warehouse-id (or one the session
	 * knows). The Hive metastore. */
	int by_sql;
};

/* Every kind, in dependency order; kind_count() entries. */
const kind_def *kind_at(size_t i);
size_t kind_count(void);
/* Index of k in the registry (for kind_set bits). */
size_t kind_index(const kind_def *k);
/* By plural name ("jobs", as in --only and file names) or singular
 * ("job", as in rule handlers and rule test cases). NULL when unknown. */
const kind_def *kind_find(const char *name);
const char *kind_name(const kind_def *k);	/* "jobs" */
const char *kind_singular(const kind_def *k);	/* "job" */
/* 1 when export/import handle this kind in this build. */
int kind_supported(const kind_def *k);

/* Permission object type for a workspace object_type ("NOTEBOOK" →
 * "notebooks", "DIRECTORY" → "directories", "FILE" → "files"); NULL for
 * types that carry no permissions of their own. */
const char *kind_ws_perm_type(const char *object_type);

/* Follows a dotted path ("settings.name") from obj; no "[]" here. NULL
 * when a step is missing. Does not consume obj. */
const cJSON *kind_get_path(const cJSON *obj, const char *path);
/* Deletes the member a dotted path ("a.b.c", no "[]") names from obj, if
 * there is one (import strips read-only fields with it). */
void kind_delete_path(cJSON *obj, const char *path);
/* The natural key / id of obj as a string into buf ("%.0f" for numbers).
 * Return buf, or NULL when absent, not a string/number, or too long. */
const char *kind_key_of(const kind_def *k, const cJSON *obj, char *buf, size_t size);
const char *kind_id_of(const kind_def *k, const cJSON *obj, char *buf, size_t size);

/* A set of kinds as a bit mask over kind_at() indexes. */
typedef unsigned long long kind_set;
/* Parses the --only and --skip values (comma lists, NULL for none) into
 * the set to work on. Unknown kinds and kinds this build does not support
 * yet are usage errors naming the kind (and the nearest valid name).
 * Without --only, the set is every supported kind (minus --skip). */
int kind_select(const char *only, const char *skip, kind_set *out, dbx_err *err);
static inline int kind_in(kind_set s, size_t i) { return (int)((s >> i) & 1u); }

#endif
