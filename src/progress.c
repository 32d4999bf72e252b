/* progress: live line on a terminal, summary rows for every run.
 *
 * The live line is a courtesy, the summary is the result: the line is
 * drawn only on a TTY and throttled; the rows are always kept. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "progress.h"

struct progress {
	struct progress *next;
	char phase[32], kind[48];
	long total, ok, failed, skipped;
	long long started;
	int dummy;
};

typedef struct row {
	char phase[32], kind[48];
	long ok, failed, skipped;
} row;

static progress *open_list, *last_ticked;
static progress dummy = { .dummy = 1 };
static row *rows;
static size_t nrows, caprows;
static long long drawn_at;
static int line_shown;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void progress_clear_line(void)
{
	if (line_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		line_shown = 0;
	}
}

static void draw(int force)
{
	progress *p = last_ticked, *q;
	long long t = now_ms();
	char line[160], tot[24];
	int others = 0;
	double secs, rate;

	if (!p || !log_is_tty() || (!force && t - drawn_at < 100))
		return;
	drawn_at = t;
	for (q = open_list; q; q = q->next)
		others += q != p;
	secs = (double)(t - p->started) / 1000.0;
	rate = secs > 0.05 ? (double)(p->ok + p->failed + p->skipped) / secs : 0;
	if (p->total >= 0)
		snprintf(tot, sizeof tot, "%ld", p->total);
	else
		snprintf(tot, sizeof tot, "?");
	if (snprintf(line, sizeof line, "%s  %s %ld/%s  %.1f/s%s%.0ld%s%s%.0d%s", p->phase, p->kind,
		     p->ok + p->failed + p->skipped, tot, rate, p->failed ? "  " : "", p->failed,
		     p->failed ? " failed" : "", others ? "  (+" : "", others,
		     others ? (others == 1 ? " kind)" : " kinds)") : "") < 0)
		return;
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	line_shown = 1;
}

progress *progress_begin(const char *phase, const char *kind, long total)
{
	progress *p = calloc(1, sizeof *p);

	if (!p)
		return &dummy;
	snprintf(p->phase, sizeof p->phase, "%s", phase ? phase : "");
	snprintf(p->kind, sizeof p->kind, "%s", kind ? kind : "");
	p->total = total;
	p->started = now_ms();
	p->next = open_list;
	open_list = p;
	last_ticked = p;
	draw(1);
	return p;
}

void progress_set_total(progress *p, long total)
{
	if (p && !p->dummy)
		p->total = total;
}

void progress_add_total(progress *p, long n)
{
	if (p && !p->dummy)
		p->total = (p->total < 0 ? 0 : p->total) + n;
}

void progress_count(progress *p, enum prog_result r, long n)
{
	if (!p || p->dummy || n < 0)
		return;
	if (r == PROG_OK)
		p->ok += n;
	else if (r == PROG_FAIL)
		p->failed += n;
	else
		p->skipped += n;
	last_ticked = p;
	draw(0);
}

void progress_tick(progress *p, enum prog_result r)
{
	progress_count(p, r, 1);
}

void progress_row(const char *phase, const char *kind, long ok, long failed, long skipped)
{
	size_t i;

	for (i = 0; i < nrows; i++)
		if (!strcmp(rows[i].phase, phase) && !strcmp(rows[i].kind, kind))
			break;
	if (i == nrows) {
		if (nrows == caprows) {
			size_t ncap = caprows ? caprows * 2 : 32;
			row *nr = realloc(rows, ncap * sizeof *nr);
			if (!nr)
				return;
			rows = nr;
			caprows = ncap;
		}
		memset(&rows[nrows], 0, sizeof rows[nrows]);
		snprintf(rows[nrows].phase, sizeof rows[nrows].phase, "%s", phase);
		snprintf(rows[nrows].kind, sizeof rows[nrows].kind, "%s", kind);
		nrows++;
	}
	rows[i].ok += ok;
	rows[i].failed += failed;
	rows[i].skipped += skipped;
}

void progress_end(progress *p)
{
	progress **pp;

	if (!p || p->dummy)
		return;
	for (pp = &open_list; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	progress_row(p->phase, p->kind, p->ok, p->failed, p->skipped);
	if (last_ticked == p)
		last_ticked = open_list;
	free(p);
	if (!open_list)
		progress_clear_line();
	else
		draw(1);
}

static const char *verb(const char *phase)
{
	static const char *const v[][2] = { { "export", "exported" }, { "mapped", "transformed" },
					    { "transform", "transformed" }, { "import", "imported" },
					    { "validate", "validated" }, { "validation", "validated" } };
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		if (!strcmp(v[i][0], phase))
			return v[i][1];
	return "done";
}

long progress_summary(FILE *f)
{
	size_t i, j;
	long failed = 0;

	progress_clear_line();
	for (i = 0; i < nrows; i++) {
		long ok = 0, fl = 0, sk = 0;
		int first = 1;

		for (j = 0; j < i; j++)
			if (!strcmp(rows[j].phase, rows[i].phase))
				break;
		if (j < i)
			continue;	/* phase printed already */
		for (j = i; j < nrows; j++) {
			row *r = &rows[j];
			if (strcmp(r->phase, rows[i].phase))
				continue;
			if (first) {
				fprintf(f, "%s%-22s %11s %8s %8s\n", i ? "\n" : "", r->phase,
					verb(r->phase), "failed", "skipped");
				first = 0;
			}
			fprintf(f, "  %-20s %11ld %8ld %8ld\n", r->kind, r->ok, r->failed, r->skipped);
			log_file_only("summary %s %s: %ld %s, %ld failed, %ld skipped", r->phase,
				      r->kind, r->ok, verb(r->phase), r->failed, r->skipped);
			ok += r->ok;
			fl += r->failed;
			sk += r->skipped;
		}
		fprintf(f, "  %-20s %11ld %8ld %8ld\n", "total", ok, fl, sk);
		failed += fl;
	}
	fflush(f);
	return failed;
}

void progress_reset(void)
{
	free(rows);
	rows = NULL;
	nrows = caprows = 0;
}
