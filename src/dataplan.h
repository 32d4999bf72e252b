/* dataplan: `dbxmig data-plan`, the statements and copies that move a
 * session's data (table contents, volume files) to the target. dbxmig
 * moves no data itself: it writes the plan for a person (or a job) to run.
 *
 * Reads export/ (where the data is) and mapped/ (where the rules say it
 * goes) of tables and volumes; writes DIR/ID/data-plan.sql. */
#ifndef DBX_DATAPLAN_H
#define DBX_DATAPLAN_H

typedef struct dataplan_opts {
	const char *dir;	/* default ./migration */
	const char *session;
	const char *share;	/* Delta Sharing share name (default dbxmig_<session>) */
	const char *provider;	/* the source as a provider on the target (default <share>_provider) */
} dataplan_opts;

/* Writes the plan and prints a summary. Returns the exit code (0; 2 for a
 * usage error or a missing session; 1 when the plan cannot be written). */
int dataplan_run(const dataplan_opts *o);

#endif
