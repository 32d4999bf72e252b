/* cutover: the last step of a migration, once the target is validated.
 *
 * Import created every schedule, trigger and continuous job PAUSED and
 * recorded the originals in import/cutover.jsonl (see import.h). Cutover
 * restores those originals in the target (un-pausing what ran in the
 * source) and, with a source profile, pauses the same objects in the
 * source so that only one workspace runs them. Changes go through the
 * kind's partial update (registry imp.partial_path), so nothing else of
 * the object is touched. Done steps are recorded in cutover/<kind>.jsonl
 * (keys "target:<kind>/<source id>" and "source:<kind>/<source id>"): a
 * re-run does only what is left. */
#ifndef DBX_CUTOVER_H
#define DBX_CUTOVER_H

typedef struct cutover_opts {
	const char *dir;	/* default "./migration" */
	const char *session;	/* required */
	const char *profile;	/* target profile; NULL: cfg's default rules */
	const char *source;	/* source profile: pause the originals there too; NULL: leave it */
	int dry_run;		/* say what would change, change nothing */
} cutover_opts;

/* Returns the CONTRACT.md exit code (0, 1 or 2); prints errors itself. */
int cutover_run(const cutover_opts *o);

/* `dbxmig cutover ...`: argv[0] is "cutover". */
int cmd_cutover(int argc, char **argv);

#endif
