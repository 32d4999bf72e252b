/* compare: the normalising comparison engine behind `dbxmig validate`.
 *
 * Pure: two streams of session records (JSONL files of one kind, lines
 * {"key": K, "id": ID, "object": {...}}) in, findings out. Nothing here
 * talks to a workspace or knows a cloud: what to ignore, which lists are
 * sets, which strings compare case-insensitively, which defaults the
 * server fills in and which fields refer to other kinds all come from the
 * settings (rules/validate.lua, converted to JSON by the caller) and from
 * the kinds registry's refs.
 *
 * Settings, one object per kind (plural name) plus "*" for every kind:
 *   { "jobs": { "ignore":  ["job_id", "settings.tasks[].run_if"],
 *               "sets":    ["access_control_list", "**.all_permissions"],
 *               "case_insensitive": ["creator_user_name"],
 *               "keyed":   { "settings.tasks": "task_key" },
 *               "defaults":{ "settings.max_concurrent_runs": 1 },
 *               "refs":    { "settings.tasks[].existing_cluster_id": "clusters" },
 *               "optional": { "keys[]": { "value_status": "NEEDS_REENTRY" } },
 *               "self_entries": ["access_control_list[]"],
 *               "ignore_keys": ["admins", "job-*", "/Users/${self}"] },
 *     "*":    { "emails_case_insensitive": true } }
 * Paths: dotted keys from the object root; "[]" (or "[*]") any element of
 * an array; "*" any one key; "**" any number of steps; ["a.b"] a key with
 * dots. Null values count as absent. "optional": what may be absent from
 * the target without a finding (a table: only elements holding those
 * field values; true or a list of paths: always). "self_entries": list
 * entries naming the importing principal (cmp_set_self) are dropped on
 * both sides; "${self}" in an ignore_keys pattern stands for it too.
 * Strings that look like e-mail addresses, keys included,
 * compare ignoring case unless "*".emails_case_insensitive is false.
 *
 * Matching: an expected record finds its actual one through the id
 * journal (cmp_add_journal: source id → target id → the actual record
 * with that id), else by equal key. References are compared as the
 * natural keys of the objects they name, so ids that differ between
 * workspaces do not show up as differences.
 *
 * Memory: the actual side is indexed by key and id (keys plus file
 * offsets); the expected side is streamed; one object pair at a time is
 * held in memory. */
#ifndef DBX_COMPARE_H
#define DBX_COMPARE_H

#include <cjson/cJSON.h>
#include "err.h"

enum cmp_type {
	CMP_MISSING_IN_TARGET = 0,	/* expected object, field or set element absent */
	CMP_UNEXPECTED_IN_TARGET,	/* in the target, not expected */
	CMP_VALUE_MISMATCH,		/* same place, same type, other value */
	CMP_TYPE_MISMATCH,		/* same place, other JSON type */
};
/* "MISSING_IN_TARGET", ... */
const char *cmp_type_name(enum cmp_type t);

typedef struct cmp_finding {
	enum cmp_type type;
	const char *kind;	/* "jobs" */
	const char *key;	/* the object's natural key: the target's for a matched
				 * pair, the expected one for a missing object */
	const char *path;	/* JSON path inside the object, "" for the object itself */
	const char *expected;	/* compact JSON of the expected value, or NULL */
	const char *actual;	/* compact JSON of the actual value, or NULL */
} cmp_finding;

/* Receives each finding (strings valid during the call only). Returns 0
 * to go on, non-zero to stop the comparison (cmp_kind then fails). */
typedef int (*cmp_sink)(void *ud, const cmp_finding *f);

/* Counts for one kind, filled by cmp_kind. */
typedef struct cmp_stats {
	long expected;		/* expected records (after ignore_keys) */
	long actual;		/* actual records (after ignore_keys) */
	long matched;		/* pairs found */
	long clean;		/* pairs without any finding */
	long findings;		/* findings of every type */
	long ignored;		/* records skipped by ignore_keys */
	long optional;		/* expected records absent from the target, allowed to be */
} cmp_stats;

enum cmp_side { CMP_EXPECTED = 0, CMP_ACTUAL = 1 };

typedef struct cmp cmp;

/* Checks the settings (see above; NULL for none) and builds a comparer.
 * `origin` names the settings in messages ("rules/validate.lua"); a bad
 * entry is an ERR_CONFIG naming kind, field and index. Does not consume
 * settings. Caller frees with cmp_free. */
cmp *cmp_new(const cJSON *settings, const char *origin, dbx_err *err);
void cmp_free(cmp *c);

/* Adds a reference field for `kind` (as the registry's kind_ref: path with
 * "[]", target kind, "principals" for a user/group/SP id, or
 * "principal_names" for a user name / group name / SP application id,
 * which the expected side maps through the journal to the target's name).
 * Copied. */
int cmp_add_ref(cmp *c, const char *kind, const char *path, const char *ref_kind, dbx_err *err);

/* Adds a path to ignore for `kind` (the registry's read-only fields:
 * what the server sets is not the migration's to match). Copied. */
int cmp_add_ignore(cmp *c, const char *kind, const char *path, dbx_err *err);

/* The principal (user name or application id) that imports: the target
 * gives it rights on what it creates, so entries naming it at the
 * settings' self_entries paths are dropped from both sides, and an
 * object whose key it is (its own user) is left out like ignore_keys. */
int cmp_set_self(cmp *c, const char *name);
/* Ignores `path` in the one object of `kind` whose expected record has id
 * `id` (jobs paused until cutover: their pause_status). Copied. */
int cmp_add_object_ignore(cmp *c, const char *kind, const char *id, const char *path, dbx_err *err);
/* The object of `kind` with key `key` may be absent from the target (a
 * manual follow-up, such as a Key Vault scope import could not create):
 * counted in cmp_stats.optional instead of a finding. Copied. */
int cmp_add_optional_object(cmp *c, const char *kind, const char *key);

/* Records that the object `id` of `kind` has natural key `key` on `side`
 * (used to compare references as keys). Copied. */
int cmp_add_id(cmp *c, enum cmp_side side, const char *kind, const char *id, const char *key);
/* Same for every record of a JSONL file; a missing file adds nothing. */
int cmp_add_ids_file(cmp *c, enum cmp_side side, const char *kind, const char *path, dbx_err *err);
/* Records the import journal's source id → target id for `kind`. Copied. */
int cmp_add_journal(cmp *c, const char *kind, const char *source_id, const char *target_id);

/* Called for every matched pair of records after their objects were
 * compared: what the records point at beyond the object (a notebook's
 * content in the session's blobs) is compared here. Sends its findings to
 * sink(sink_ud, ...) and returns how many it sent. */
typedef long (*cmp_extra_fn)(void *ud, const char *kind, const char *key, const cJSON *expected_rec,
			     const cJSON *actual_rec, cmp_sink sink, void *sink_ud);
void cmp_set_extra(cmp *c, cmp_extra_fn fn, void *ud);

/* Compares the records of `kind` in two JSONL files (either may be
 * missing: an empty kind). Findings go to sink; *st (may be NULL) gets
 * the counts. Corrupt lines are warned about with file:line and skipped.
 * Returns 0, or -1 on an I/O error or when the sink stopped it. */
int cmp_kind(cmp *c, const char *kind, const char *expected_path, const char *actual_path,
	     cmp_sink sink, void *ud, cmp_stats *st, dbx_err *err);

/* Compares two objects of `kind` with key `key` (normalising copies; the
 * inputs are not consumed or changed). Returns the number of findings. */
long cmp_objects(cmp *c, const char *kind, const char *key, const cJSON *expected,
		 const cJSON *actual, cmp_sink sink, void *ud);

#endif
