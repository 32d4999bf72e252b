/* migrate: export → transform (+ lint) → import → validate on one session,
 * in one run. Each phase is the module's own entry point (export_run,
 * transform, import_run, validate_run) and keeps its own checkpoint, so a
 * second migrate of the same --dir/--session continues where the first
 * stopped and creates nothing twice.
 *
 * A phase that fails hard (exit 2: usage, configuration, authentication;
 * exit 3: a rule file) stops the run with that code. A phase that finished
 * with failed objects (exit 1) lets the next phases run; migrate then exits
 * 1. Lint findings of the mapped objects are reported as follow-ups (like
 * rule warnings in CONTRACT.md): what the target rejects fails at import,
 * what it accepts is checked by validate. With `refresh`, export re-reads
 * the source into the session (export_refresh): import then updates what
 * changed and creates what is new. */
#ifndef DBX_MIGRATE_H
#define DBX_MIGRATE_H

typedef struct migrate_opts {
	const char *dir;		/* default "./migration" */
	const char *session;		/* required */
	const char *from, *to;		/* source and target profiles (required) */
	const char *cloud;		/* source cloud for export (loopback hosts need it) */
	const char *const *rules;	/* --rules files, in order (at least one) */
	int nrules;
	const char *const *vars;	/* "KEY=VALUE" */
	int nvars;
	const char *only, *skip;	/* kinds, for export and import */
	int parallel;			/* 0: http default */
	double rate_limit;		/* < 0: http default; 0: unlimited */
	const char *secrets_file;	/* import --secrets-file */
	int skip_missing_principals;	/* import --skip-missing-principals */
	const char *json;		/* validate --json FILE */
	int refresh;			/* export --refresh: re-read the source first */
	const char *warehouse_id;	/* source SQL warehouse (export --warehouse-id) */
	const char *target_warehouse_id; /* target one (import/validate --warehouse-id);
					 * NULL: the source one, mapped through the journal */
} migrate_opts;

/* Returns the CONTRACT.md exit code; prints errors and summaries. */
int migrate_run(const migrate_opts *o);

/* `dbxmig migrate ...`: argv[0] is "migrate". */
int cmd_migrate(int argc, char **argv);

#endif
