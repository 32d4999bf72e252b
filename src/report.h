/* report: what `dbxmig validate` tells a Databricks admin — a text report
 * (counts first, then the findings grouped per kind), a machine-readable
 * JSON file and one self-contained HTML page (inline CSS and an inline SVG
 * bar chart, no external assets; every string HTML-escaped).
 *
 * A report collects per-kind counts (report_row), the findings of the
 * comparison (report_sink, a cmp_sink) and the manual follow-ups read from
 * the session (report_followups), then writes them out. */
#ifndef DBX_REPORT_H
#define DBX_REPORT_H

#include <stdio.h>
#include "compare.h"
#include "err.h"
#include "store.h"

/* One kind's line of the table. Counts are -1 when unknown. */
typedef struct report_row {
	const char *kind;
	long source;		/* objects in the source: exported + failed to export */
	long exported;		/* export/<kind>.jsonl */
	long transformed;	/* mapped/<kind>.jsonl */
	long imported;		/* import/ids.jsonl entries of the kind */
	long failed;		/* logs/failed_{export,transform,import}_<kind>.jsonl */
	long expected;		/* records compared on each side */
	long actual;
	long validated;		/* matched with no finding */
	long differences;	/* findings */
} report_row;

/* One manual follow-up. */
typedef struct report_followup {
	char *category;		/* "rule warning", "dropped by a rule", "secret value", ... */
	char *kind;		/* may be "" */
	char *key;		/* may be "" */
	char *message;
} report_followup;

typedef struct report report;

/* `title` heads every output ("session s1 against the target
 * https://host"); `session` is the session's id. Both copied. */
report *report_new(const char *session, const char *title);
void report_free(report *r);

/* Adds (copies) a kind's row; rows keep the order they are added in. */
int report_add_row(report *r, const report_row *row);
/* A cmp_sink: ud is the report; keeps a copy of the finding (the first
 * 100000 in detail, the rest counted). Never stops the comparison. */
int report_sink(void *ud, const cmp_finding *f);
/* Adds one follow-up (strings copied; NULL counts as ""). */
int report_add_followup(report *r, const char *category, const char *kind, const char *key,
			const char *message);
/* Collects the follow-ups of a session: mapped/warnings.jsonl (dbx.warn),
 * mapped/dropped.jsonl, mapped/lint.txt, import/manual.jsonl, secret keys
 * that need their
 * value re-entered and objects export marked "manual" (mapped/secrets,
 * export/<kind>). Lines it cannot read are warned about (file:line). */
int report_followups(report *r, store *st);

long report_findings(const report *r);
long report_followup_count(const report *r);

/* The text report (counts first, findings grouped per kind). */
void report_text(const report *r, FILE *out);
/* {"session", "title", "ok" (no differences), "differences", "failed"
 * (objects earlier phases gave up on), "complete" (neither), "kinds":
 * [...], "findings": [...], "followups": [...]}; written atomically. */
int report_json(const report *r, const char *path, dbx_err *err);
/* The self-contained HTML page; written atomically. */
int report_html(const report *r, const char *path, dbx_err *err);
/* One JSON line per finding (the session log of the differences). */
int report_findings_jsonl(const report *r, const char *path, dbx_err *err);

#endif
