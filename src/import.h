/* import: rebuilds the transformed objects (mapped/<kind>.jsonl) in the
 * target workspace (phase "import").
 *
 * Kinds go in registry (dependency) order; within a kind objects go in
 * parallel through http_submit/http_run. Each object is created, or
 * updated when the target already holds one with its natural key (the
 * target is listed once per kind, and again after a create that may have
 * landed). Read-only fields are stripped, references rewritten through
 * the ID journal (src/idmap.h), and the object is journaled in
 * import/ids.jsonl once it has fully landed (created, stopped, libraries
 * installed): the journal is the checkpoint. A re-run skips journaled
 * objects whose mapped object is unchanged (the journal keeps a digest of
 * it, the ACL aside) and updates in place those that changed since (the
 * rules were fixed, or export --refresh read a change): never a second
 * create. A changed object of a kind without an update call (groups,
 * tables) is kept and reported as a manual follow-up "changed in source,
 * not updated". Kinds whose names may repeat pair source and target
 * objects one to one (pair_same_names in import.c). After every kind:
 * group memberships (journal kind "group_members", and one line per
 * member import added, kind "group_member/<group source id>", hash
 * "added"/"removed": the target group is read, missing members added,
 * and members this session added that the source group no longer has
 * removed; others are left alone), then permissions of every
 * kind in one concurrent pass (journal kind "permissions/<kind>", replayed
 * again when the ACL changed). Jobs that cutover un-paused are not paused
 * again by a later import. One import per session runs at a time
 * (DIR/ID/import.lock).
 *
 * Files written: import/ids.jsonl, import/cutover.jsonl (jobs whose
 * schedule/trigger/continuous was paused: {"key", "kind", "source_id",
 * "target_id", "name", "restore": {"schedule": {original}, ...}}),
 * import/manual.jsonl (follow-ups: secret values to re-enter, Key Vault
 * scopes, dropped permissions: {"key", "kind", "name", "why"}),
 * logs/failed_import_<kind>.jsonl, and "import" in session.json. */
#ifndef DBX_IMPORT_H
#define DBX_IMPORT_H

typedef struct import_opts {
	const char *dir;		/* default "./migration" */
	const char *session;		/* required */
	const char *profile;		/* target profile; NULL: cfg's default rules */
	const char *only;		/* comma lists or NULL */
	const char *skip;
	int parallel;			/* 0: http default */
	double rate_limit;		/* < 0: http default; 0: unlimited */
	int dry_run;			/* print the plan, call no mutating endpoint, write nothing */
	const char *secrets_file;	/* JSON {scope: {key: value}}, mode 0600 or stricter */
	int skip_missing_principals;	/* drop ACL entries naming absent principals */
	int quiet_summary;		/* 1: no per-kind summary on stdout */
	const char *warehouse_id;	/* target SQL warehouse for the Hive metastore; NULL: the
					 * one session.json / the ID journal give (src/hive.h) */
} import_opts;

/* Runs an import; returns the CONTRACT.md exit code (0, 1 or 2) and
 * prints errors itself. Used by cmd_import and by migrate. */
int import_run(const import_opts *o);

/* `dbxmig import ...`: argv[0] is "import". Returns the exit code. */
int cmd_import(int argc, char **argv);

#endif
