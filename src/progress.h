/* progress: the live one-line display per phase and the final summary.
 *
 * A phase opens one handle per kind it works on (several may be open at
 * once, as export works on kinds concurrently from curl-multi callbacks)
 * and ticks it once per object. On a terminal (stderr is a TTY and not -q)
 * one line is redrawn at most ten times a second:
 *   export  jobs 120/400  35.2/s  2 failed  (+1 kind)
 * Nothing is drawn otherwise. progress_end() records the handle's counts
 * as a summary row; progress_summary() prints the rows as a table per
 * phase (always, also with -q: it is the run's result) and into the run
 * log. Everything runs on the caller's thread; no call can fail. */
#ifndef DBX_PROGRESS_H
#define DBX_PROGRESS_H

#include <stdio.h>

enum prog_result { PROG_OK, PROG_FAIL, PROG_SKIP };

typedef struct progress progress;

/* Opens a handle (total < 0: unknown yet). Never NULL: on out-of-memory a
 * static dummy handle is returned that ignores everything. Strings are
 * copied. */
progress *progress_begin(const char *phase, const char *kind, long total);
/* Sets or grows the total when paging reveals it. */
void progress_set_total(progress *p, long total);
void progress_add_total(progress *p, long n);
/* Counts one object. */
void progress_tick(progress *p, enum prog_result r);
/* Counts n objects at once (n >= 0). */
void progress_count(progress *p, enum prog_result r, long n);
/* Closes the handle (frees it), adds its counts to the summary row of
 * (phase, kind), and clears the line when no handle is left. */
void progress_end(progress *p);
/* Adds counts to a summary row directly (phases that count otherwise). */
void progress_row(const char *phase, const char *kind, long ok, long failed, long skipped);
/* Prints the table of every row to f (and the run log); returns the total
 * of failed objects. */
long progress_summary(FILE *f);
/* Forgets every row (tests, and `migrate` between phases if it wants). */
void progress_reset(void);
/* Erases the live line (log.c calls it before printing a message, so the
 * message and the line do not mix); the next tick redraws it. */
void progress_clear_line(void);

#endif
