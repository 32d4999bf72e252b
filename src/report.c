/* report: the text, JSON and HTML outputs of `dbxmig validate`, and the
 * collection of manual follow-ups from the session's files. Everything
 * the HTML page shows goes through html_escape; the page needs nothing
 * beyond itself (inline CSS, inline SVG). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kinds.h"
#include "log.h"
#include "report.h"

#define KEEP_FINDINGS 100000L
#define HTML_FINDINGS 5000L

typedef struct rfind {
	enum cmp_type type;
	char *kind, *key, *path, *expected, *actual;
} rfind;

struct report {
	char *session, *title;
	report_row *rows;
	size_t nrows;
	rfind *f;
	size_t nf, capf;
	long total;		/* findings, kept or not */
	report_followup *fu;
	size_t nfu, capfu;
};

static char *dup0(const char *s)
{
	return strdup(s ? s : "");
}

report *report_new(const char *session, const char *title)
{
	report *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->session = dup0(session);
	r->title = dup0(title);
	if (!r->session || !r->title) {
		report_free(r);
		return NULL;
	}
	return r;
}

void report_free(report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nrows; i++)
		free((char *)r->rows[i].kind);
	free(r->rows);
	for (i = 0; i < r->nf; i++) {
		free(r->f[i].kind);
		free(r->f[i].key);
		free(r->f[i].path);
		free(r->f[i].expected);
		free(r->f[i].actual);
	}
	free(r->f);
	for (i = 0; i < r->nfu; i++) {
		free(r->fu[i].category);
		free(r->fu[i].kind);
		free(r->fu[i].key);
		free(r->fu[i].message);
	}
	free(r->fu);
	free(r->session);
	free(r->title);
	free(r);
}

int report_add_row(report *r, const report_row *row)
{
	report_row *n = realloc(r->rows, (r->nrows + 1) * sizeof *n);

	if (!n)
		return -1;
	r->rows = n;
	n[r->nrows] = *row;
	n[r->nrows].kind = dup0(row->kind);
	if (!n[r->nrows].kind)
		return -1;
	r->nrows++;
	return 0;
}

int report_sink(void *ud, const cmp_finding *f)
{
	report *r = ud;
	rfind *x;

	r->total++;
	if ((long)r->nf >= KEEP_FINDINGS)
		return 0;
	if (r->nf == r->capf) {
		size_t cap = r->capf ? r->capf * 2 : 64;
		rfind *n = realloc(r->f, cap * sizeof *n);

		if (!n)
			return 0;
		r->f = n;
		r->capf = cap;
	}
	x = &r->f[r->nf];
	x->type = f->type;
	x->kind = dup0(f->kind);
	x->key = dup0(f->key);
	x->path = dup0(f->path);
	x->expected = f->expected ? strdup(f->expected) : NULL;
	x->actual = f->actual ? strdup(f->actual) : NULL;
	/* an object may quote a credential the run knows (a token in a Spark
	 * setting): no output of the report ever shows one */
	if (x->key)
		log_redact(x->key);
	if (x->path)
		log_redact(x->path);
	if (x->expected)
		log_redact(x->expected);
	if (x->actual)
		log_redact(x->actual);
	r->nf++;
	return 0;
}

int report_add_followup(report *r, const char *category, const char *kind, const char *key,
			const char *message)
{
	report_followup *x;

	if (r->nfu == r->capfu) {
		size_t cap = r->capfu ? r->capfu * 2 : 32;
		report_followup *n = realloc(r->fu, cap * sizeof *n);

		if (!n)
			return -1;
		r->fu = n;
		r->capfu = cap;
	}
	x = &r->fu[r->nfu];
	x->category = dup0(category);
	x->kind = dup0(kind);
	x->key = dup0(key);
	x->message = dup0(message);
	if (x->message)
		log_redact(x->message);
	r->nfu++;
	return 0;
}

long report_findings(const report *r)
{
	return r->total;
}

long report_followup_count(const report *r)
{
	return (long)r->nfu;
}

/* ------------------------------------------------------------------ */
/* follow-ups                                                          */

static const char *str_field(const cJSON *o, const char *const *names)
{
	for (; *names; names++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, *names);

		if (cJSON_IsString(v) && *v->valuestring)
			return v->valuestring;
	}
	return NULL;
}

/* A follow-up file of JSON lines with kind, key and a message under one
 * of a few names (the writers are the rule engine, transform and import). */
static int followups_file(report *r, store *st, const char *rel, const char *category,
			  const char *const *key_names)
{
	static const char *const msg_names[] = { "message", "warning", "why", "reason", "msg", "text", NULL };
	static const char *const where_names[] = { "where", "rule", NULL };
	char p[4096];
	jsonl_in *in;
	cJSON *rec;
	dbx_err err;

	if (!store_path(st, p, sizeof p, "%s", rel) || access(p, F_OK))
		return 0;
	in = jsonl_in_open(p, &err);
	if (!in) {
		err_print(&err);
		return 0;
	}
	while ((rec = jsonl_in_next(in))) {
		const char *msg = str_field(rec, msg_names), *where = str_field(rec, where_names);
		char buf[2048];

		if (!msg) {
			char *t = cJSON_PrintUnformatted(rec);

			snprintf(buf, sizeof buf, "%s", t ? t : "");
			free(t);
		} else if (where && !strstr(msg, where)) {
			snprintf(buf, sizeof buf, "%s: %s", where, msg);
		} else {
			snprintf(buf, sizeof buf, "%s", msg);
		}
		report_add_followup(r, category, str_field(rec, (const char *const[]){ "kind", NULL }),
				    str_field(rec, key_names), buf);
		cJSON_Delete(rec);
	}
	jsonl_in_close(in);
	return 1;
}

/* The rules' lint, text lines "kind key path: message" (transform writes
 * mapped/lint.txt): the kind is the first word, the rest is shown. */
static void followups_lint(report *r, store *st)
{
	char p[4096], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (!store_path(st, p, sizeof p, "mapped/lint.txt") || !(f = fopen(p, "r")))
		return;
	while ((n = getline(&line, &cap, f)) > 0) {
		char *sp;

		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n)
			continue;
		sp = strchr(line, ' ');
		if (sp) {
			*sp = '\0';
			report_add_followup(r, "lint", line, "", sp + 1);
		} else {
			report_add_followup(r, "lint", "", "", line);
		}
	}
	free(line);
	fclose(f);
}

/* Secret keys carry value_status NEEDS_REENTRY (export marks them: values
 * cannot be read over REST); objects may carry a "manual" note. */
static void followups_records(report *r, store *st, const char *phase, const char *kind,
			      int secret_values)
{
	dbx_err err;
	jsonl_in *in = store_read(st, phase, kind, &err);
	cJSON *rec;

	if (!in)
		return;
	while ((rec = jsonl_in_next(in))) {
		const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "key"));
		const cJSON *obj = cJSON_GetObjectItemCaseSensitive(rec, "object");
		const cJSON *manual = cJSON_GetObjectItemCaseSensitive(obj, "manual");
		const cJSON *keys = cJSON_GetObjectItemCaseSensitive(obj, "keys"), *k;

		if (cJSON_IsString(manual))
			report_add_followup(r, "manual step", kind, key, manual->valuestring);
		if (secret_values && cJSON_IsArray(keys)) {
			cJSON_ArrayForEach(k, keys) {
				const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "key"));
				const char *status = cJSON_GetStringValue(
					cJSON_GetObjectItemCaseSensitive(k, "value_status"));
				char buf[1024];

				if (!name || !status || strcmp(status, "NEEDS_REENTRY"))
					continue;
				snprintf(buf, sizeof buf, "re-enter the value of secret '%s' in scope '%s'",
					 name, key ? key : "?");
				report_add_followup(r, "secret value", kind, key, buf);
			}
		}
		cJSON_Delete(rec);
	}
	jsonl_in_close(in);
}

int report_followups(report *r, store *st)
{
	static const char *const by_key[] = { "key", "name", NULL };
	static const char *const by_name[] = { "name", "key", NULL };
	size_t i;
	int imported;

	/* import's own list names what it could not do (secret values among
	 * them); without it, the records say which secrets need values */
	imported = followups_file(r, st, "import/manual.jsonl", "import follow-up", by_name);
	followups_file(r, st, "mapped/warnings.jsonl", "rule warning", by_key);
	followups_file(r, st, "mapped/dropped.jsonl", "dropped by a rule", by_key);
	followups_lint(r, st);
	/* what the rules kept is what must be finished by hand; the export
	 * of a kind the rules never saw still counts */
	for (i = 0; i < kind_count(); i++) {
		const char *k = kind_name(kind_at(i));
		char p[4096];

		if (store_path(st, p, sizeof p, "mapped/%s.jsonl", k) && !access(p, F_OK))
			followups_records(r, st, "mapped", k, !imported);
		else
			followups_records(r, st, "export", k, !imported);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* text                                                                */

static void num(FILE *out, int width, long v)
{
	if (v < 0)
		fprintf(out, " %*s", width, "-");
	else
		fprintf(out, " %*ld", width, v);
}

/* 1 when the path already ends in the value (a set element named by
 * itself: access_control_list[{...}]), so it need not be said twice. */
static int names_value(const char *path, const char *value)
{
	size_t pl = strlen(path), vl = strlen(value);

	return pl >= vl + 2 && path[pl - 1] == ']' && path[pl - vl - 2] == '[' &&
	       !memcmp(path + pl - vl - 1, value, vl);
}

void report_text(const report *r, FILE *out)
{
	size_t i, j;
	long validated = 0, kinds_with = 0, failed = 0, expected = 0;

	for (i = 0; i < r->nrows; i++) {
		validated += r->rows[i].validated > 0 ? r->rows[i].validated : 0;
		expected += r->rows[i].expected > 0 ? r->rows[i].expected : 0;
		failed += r->rows[i].failed > 0 ? r->rows[i].failed : 0;
		kinds_with += r->rows[i].differences > 0;
	}
	fprintf(out, "validate: %s\n", r->title);
	if (r->total)
		fprintf(out, "%ld difference(s) in %ld kind(s); %ld of %ld object(s) validated\n",
			r->total, kinds_with, validated, expected);
	else
		fprintf(out, "no differences; %ld of %ld object(s) validated\n", validated, expected);
	if (failed)
		fprintf(out, "%ld object(s) failed in earlier phases: not in the target (see "
			"logs/failed_<phase>_<kind>.jsonl)\n", failed);
	fprintf(out, "%-20s %7s %8s %11s %8s %6s %9s %11s\n", "kind", "source", "exported",
		"transformed", "imported", "failed", "validated", "differences");
	for (i = 0; i < r->nrows; i++) {
		const report_row *w = &r->rows[i];

		fprintf(out, "%-20s", w->kind);
		num(out, 7, w->source);
		num(out, 8, w->exported);
		num(out, 11, w->transformed);
		num(out, 8, w->imported);
		num(out, 6, w->failed);
		num(out, 9, w->validated);
		num(out, 11, w->differences);
		fputc('\n', out);
	}
	for (i = 0; i < r->nrows; i++) {
		const report_row *w = &r->rows[i];

		if (w->differences <= 0)
			continue;
		fprintf(out, "\n%s: %ld difference(s)\n", w->kind, w->differences);
		for (j = 0; j < r->nf; j++) {
			const rfind *f = &r->f[j];

			if (strcmp(f->kind, w->kind))
				continue;
			fprintf(out, "  %s %s \"%s\"", cmp_type_name(f->type), f->kind, f->key);
			if (*f->path)
				fprintf(out, " %s", f->path);
			if (f->type == CMP_VALUE_MISMATCH || f->type == CMP_TYPE_MISMATCH)
				fprintf(out, ": %s \u2192 %s", f->expected ? f->expected : "null",
					f->actual ? f->actual : "null");
			else if (f->expected && *f->path && !names_value(f->path, f->expected))
				fprintf(out, ": expected %s", f->expected);
			else if (f->actual && *f->path && !names_value(f->path, f->actual))
				fprintf(out, ": found %s", f->actual);
			fputc('\n', out);
		}
	}
	if ((long)r->nf < r->total)
		fprintf(out, "(%ld more finding(s) not listed)\n", r->total - (long)r->nf);
	if (r->nfu)
		fprintf(out, "\n%zu manual follow-up(s): not failures, but someone must do them "
			"(see the HTML report)\n", r->nfu);
}

/* ------------------------------------------------------------------ */
/* files written atomically                                            */

typedef struct afile {
	FILE *f;
	char tmp[4200];
	const char *path;
} afile;

static int af_open(afile *a, const char *path, dbx_err *err)
{
	int fd;

	a->path = path;
	if (snprintf(a->tmp, sizeof a->tmp, "%s.tmp", path) >= (int)sizeof a->tmp)
		return err_set(err, ERR_IO, path, "path too long");
	fd = open(a->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || !(a->f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return err_set(err, ERR_IO, path, "cannot write: %s", strerror(errno));
	}
	return 0;
}

static int af_close(afile *a, dbx_err *err)
{
	int bad = ferror(a->f);

	if (fclose(a->f) || bad) {
		unlink(a->tmp);
		return err_set(err, ERR_IO, a->path, "write failed: %s", strerror(errno));
	}
	if (rename(a->tmp, a->path)) {
		unlink(a->tmp);
		return err_set(err, ERR_IO, a->path, "cannot rename: %s", strerror(errno));
	}
	return 0;
}

/* The finding's value as JSON: the text parsed back, or the text itself
 * when it was cut short. */
static cJSON *value_json(const char *s)
{
	cJSON *v;

	if (!s)
		return cJSON_CreateNull();
	v = cJSON_Parse(s);
	return v ? v : cJSON_CreateString(s);
}

static cJSON *finding_json(const rfind *f)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", cmp_type_name(f->type));
	cJSON_AddStringToObject(o, "kind", f->kind);
	cJSON_AddStringToObject(o, "key", f->key);
	cJSON_AddStringToObject(o, "path", f->path);
	cJSON_AddItemToObject(o, "expected", value_json(f->expected));
	cJSON_AddItemToObject(o, "actual", value_json(f->actual));
	return o;
}

static void add_count(cJSON *o, const char *name, long v)
{
	if (v < 0)
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddNumberToObject(o, name, (double)v);
}

int report_json(const report *r, const char *path, dbx_err *err)
{
	cJSON *root = cJSON_CreateObject(), *kinds, *fs, *fus;
	afile a;
	char *text;
	size_t i;
	int rc = -1;

	cJSON_AddStringToObject(root, "session", r->session);
	cJSON_AddStringToObject(root, "title", r->title);
	cJSON_AddBoolToObject(root, "ok", r->total == 0);
	cJSON_AddNumberToObject(root, "differences", (double)r->total);
	{
		long failed = 0;

		for (i = 0; i < r->nrows; i++)
			failed += r->rows[i].failed > 0 ? r->rows[i].failed : 0;
		cJSON_AddNumberToObject(root, "failed", (double)failed);
		cJSON_AddBoolToObject(root, "complete", r->total == 0 && failed == 0);
	}
	kinds = cJSON_AddArrayToObject(root, "kinds");
	for (i = 0; i < r->nrows; i++) {
		const report_row *w = &r->rows[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "kind", w->kind);
		add_count(o, "source", w->source);
		add_count(o, "exported", w->exported);
		add_count(o, "transformed", w->transformed);
		add_count(o, "imported", w->imported);
		add_count(o, "failed", w->failed);
		add_count(o, "expected", w->expected);
		add_count(o, "actual", w->actual);
		add_count(o, "validated", w->validated);
		add_count(o, "differences", w->differences);
		cJSON_AddItemToArray(kinds, o);
	}
	fs = cJSON_AddArrayToObject(root, "findings");
	for (i = 0; i < r->nf; i++)
		cJSON_AddItemToArray(fs, finding_json(&r->f[i]));
	fus = cJSON_AddArrayToObject(root, "followups");
	for (i = 0; i < r->nfu; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "category", r->fu[i].category);
		cJSON_AddStringToObject(o, "kind", r->fu[i].kind);
		cJSON_AddStringToObject(o, "key", r->fu[i].key);
		cJSON_AddStringToObject(o, "message", r->fu[i].message);
		cJSON_AddItemToArray(fus, o);
	}
	text = cJSON_Print(root);
	if (!text) {
		err_set(err, ERR_IO, path, "out of memory");
		goto out;
	}
	if (af_open(&a, path, err))
		goto out;
	fputs(text, a.f);
	fputc('\n', a.f);
	rc = af_close(&a, err);
out:
	free(text);
	cJSON_Delete(root);
	return rc;
}

int report_findings_jsonl(const report *r, const char *path, dbx_err *err)
{
	afile a;
	size_t i;

	if (af_open(&a, path, err))
		return -1;
	for (i = 0; i < r->nf; i++) {
		cJSON *o = finding_json(&r->f[i]);
		char *t = cJSON_PrintUnformatted(o);

		if (t)
			fprintf(a.f, "%s\n", t);
		free(t);
		cJSON_Delete(o);
	}
	return af_close(&a, err);
}

/* ------------------------------------------------------------------ */
/* HTML                                                                */

static void esc(FILE *o, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", o); break;
		case '<': fputs("&lt;", o); break;
		case '>': fputs("&gt;", o); break;
		case '"': fputs("&quot;", o); break;
		case '\'': fputs("&#39;", o); break;
		default:
			/* control characters are not allowed in XML-clean HTML */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc('?', o);
			else
				fputc(*s, o);
		}
	}
}

static void cell(FILE *o, long v)
{
	if (v < 0)
		fputs("<td class=\"n\">-</td>", o);
	else
		fprintf(o, "<td class=\"n\">%ld</td>", v);
}

static const char *const series[] = { "source", "exported", "transformed", "imported", "failed",
	"validated", "differences" };
static const char *const colours[] = { "#8c96a8", "#4a7fc1", "#6f5bb5", "#2f9e8f", "#d9822b",
	"#3f9b4b", "#c8423b" };

static long row_value(const report_row *w, int s)
{
	switch (s) {
	case 0: return w->source;
	case 1: return w->exported;
	case 2: return w->transformed;
	case 3: return w->imported;
	case 4: return w->failed;
	case 5: return w->validated;
	default: return w->differences;
	}
}

/* Horizontal grouped bars: one group per kind, one bar per column of the
 * table, scaled to the largest count. */
static void svg_chart(FILE *o, const report *r)
{
	const int label_w = 150, bar_max = 520, bar_h = 8, gap = 10, legend_h = 26;
	int n = (int)(sizeof series / sizeof series[0]), group_h = n * bar_h + gap, s;
	long max = 1;
	size_t i;
	int h = legend_h + (int)r->nrows * group_h + 4, w = label_w + bar_max + 60;

	for (i = 0; i < r->nrows; i++)
		for (s = 0; s < n; s++)
			if (row_value(&r->rows[i], s) > max)
				max = row_value(&r->rows[i], s);
	fprintf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"objects per kind and phase\">\n",
		w, h, w, h);
	for (s = 0; s < n; s++)
		fprintf(o, "<rect x=\"%d\" y=\"4\" width=\"10\" height=\"10\" fill=\"%s\"/>"
			"<text x=\"%d\" y=\"13\" class=\"lg\">%s</text>\n", 4 + s * 95, colours[s],
			18 + s * 95, series[s]);
	for (i = 0; i < r->nrows; i++) {
		int y0 = legend_h + (int)i * group_h;

		fprintf(o, "<text x=\"%d\" y=\"%d\" class=\"kl\" text-anchor=\"end\">", label_w - 8,
			y0 + group_h / 2);
		esc(o, r->rows[i].kind);
		fputs("</text>\n", o);
		for (s = 0; s < n; s++) {
			long v = row_value(&r->rows[i], s);
			int bw = v > 0 ? (int)((double)v * bar_max / (double)max) : 0;

			if (v > 0 && bw < 1)
				bw = 1;
			fprintf(o, "<rect class=\"bar\" data-kind=\"");
			esc(o, r->rows[i].kind);
			fprintf(o, "\" data-series=\"%s\" data-value=\"%ld\" x=\"%d\" y=\"%d\" width=\"%d\" "
				"height=\"%d\" fill=\"%s\"><title>", series[s], v < 0 ? 0 : v, label_w,
				y0 + s * bar_h, bw, bar_h - 1, colours[s]);
			esc(o, r->rows[i].kind);
			fprintf(o, " %s: %ld</title></rect>", series[s], v < 0 ? 0 : v);
			if (v > 0)
				fprintf(o, "<text x=\"%d\" y=\"%d\" class=\"bv\">%ld</text>",
					label_w + bw + 4, y0 + s * bar_h + bar_h - 1, v);
			fputc('\n', o);
		}
	}
	fputs("</svg>\n", o);
}

static const char css[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;"
	"color:#1d2330;background:#f5f6f8}\n"
	"header{padding:18px 28px;color:#fff}\n"
	"header.ok{background:#2e7d4f}header.bad{background:#b23a32}\n"
	"header h1{margin:0 0 4px;font-size:22px}header p{margin:0}\n"
	"main{padding:12px 28px 40px}\n"
	"section{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:12px 18px;"
	"margin:14px 0}\n"
	"h2{font-size:17px;margin:4px 0 10px}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{border-bottom:1px solid #e5e8ee;padding:4px 8px;text-align:left;vertical-align:top}\n"
	"th{background:#eef1f5;font-weight:600}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"tr.diff td{background:#fdf0ef}\n"
	"code{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}\n"
	".t{font-weight:600;white-space:nowrap}\n"
	".MISSING_IN_TARGET{color:#b23a32}.UNEXPECTED_IN_TARGET{color:#a05a00}\n"
	".VALUE_MISMATCH{color:#6f3bb5}.TYPE_MISMATCH{color:#1b5fa8}\n"
	"svg text{font:11px system-ui,sans-serif;fill:#1d2330}\n"
	"svg .kl{font-size:12px;font-weight:600}svg .bv{font-size:9px}\n"
	".muted{color:#6b7385}\n";

int report_html(const report *r, const char *path, dbx_err *err)
{
	afile a;
	FILE *o;
	size_t i;
	long validated = 0, shown = 0, failed = 0, expected = 0;
	char ts[64];
	time_t now = time(NULL);
	struct tm tmv;

	if (af_open(&a, path, err))
		return -1;
	o = a.f;
	gmtime_r(&now, &tmv);
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S UTC", &tmv);
	for (i = 0; i < r->nrows; i++) {
		validated += r->rows[i].validated > 0 ? r->rows[i].validated : 0;
		expected += r->rows[i].expected > 0 ? r->rows[i].expected : 0;
		failed += r->rows[i].failed > 0 ? r->rows[i].failed : 0;
	}

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>", o);
	fputs("dbxmig validation: ", o);
	esc(o, r->session);
	fprintf(o, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);

	/* complete: nothing differs and no phase gave up on an object (one
	 * that failed before mapped/ is expected nowhere, so only the
	 * failed column tells) */
	fprintf(o, "<header class=\"%s\" id=\"status\" data-differences=\"%ld\" "
		"data-failed=\"%ld\" data-followups=\"%zu\">\n<h1>",
		r->total || failed ? "bad" : "ok", r->total, failed, r->nfu);
	if (r->total)
		fprintf(o, "%ld difference(s) found", r->total);
	else if (failed)
		fprintf(o, "No differences, but %ld object(s) failed in earlier phases "
			"(logs/failed_*)", failed);
	else
		fputs("Migration validated: no differences", o);
	fputs("</h1>\n<p>", o);
	esc(o, r->title);
	fprintf(o, " &#8212; %ld of %ld object(s) validated, %zu manual follow-up(s) &#8212; %s</p>\n"
		"</header>\n<main>\n", validated, expected, r->nfu, ts);

	/* the per-kind table */
	fputs("<section>\n<h2>Objects per kind</h2>\n<table id=\"kinds\">\n<thead><tr><th>kind</th>", o);
	for (i = 0; i < sizeof series / sizeof series[0]; i++)
		fprintf(o, "<th class=\"n\">%s</th>", series[i]);
	fputs("</tr></thead>\n<tbody>\n", o);
	for (i = 0; i < r->nrows; i++) {
		const report_row *w = &r->rows[i];
		int s;

		fprintf(o, "<tr%s data-kind=\"", w->differences > 0 ? " class=\"diff\"" : "");
		esc(o, w->kind);
		fputs("\"><td>", o);
		esc(o, w->kind);
		fputs("</td>", o);
		for (s = 0; s < (int)(sizeof series / sizeof series[0]); s++)
			cell(o, row_value(w, s));
		fputs("</tr>\n", o);
	}
	fputs("</tbody>\n</table>\n<p class=\"muted\">source: objects read from the source "
	      "(exported or failed); exported, transformed, imported: records of each phase; "
	      "failed: objects a phase gave up on (logs/failed_*); validated: objects the target "
	      "holds as the rules said; differences: findings below.</p>\n</section>\n", o);

	fputs("<section>\n<h2>Chart</h2>\n", o);
	svg_chart(o, r);
	fputs("</section>\n", o);

	/* findings */
	fprintf(o, "<section>\n<h2>Differences (%ld)</h2>\n", r->total);
	if (!r->total) {
		fputs("<p class=\"muted\">The target holds what the rules said it should.</p>\n", o);
	} else {
		fputs("<table id=\"findings\">\n<thead><tr><th>type</th><th>kind</th><th>object</th>"
		      "<th>path</th><th>expected</th><th>actual</th></tr></thead>\n<tbody>\n", o);
		for (i = 0; i < r->nf && shown < HTML_FINDINGS; i++, shown++) {
			const rfind *f = &r->f[i];

			fprintf(o, "<tr class=\"finding\"><td class=\"t %s\">%s</td><td>",
				cmp_type_name(f->type), cmp_type_name(f->type));
			esc(o, f->kind);
			fputs("</td><td><code>", o);
			esc(o, f->key);
			fputs("</code></td><td><code>", o);
			esc(o, f->path);
			fputs("</code></td><td><code>", o);
			esc(o, f->expected ? f->expected : "");
			fputs("</code></td><td><code>", o);
			esc(o, f->actual ? f->actual : "");
			fputs("</code></td></tr>\n", o);
		}
		fputs("</tbody>\n</table>\n", o);
		if (r->total > shown)
			fprintf(o, "<p class=\"muted\">%ld more not shown here: see the --json file or "
				"logs/validation_findings.jsonl.</p>\n", r->total - shown);
	}
	fputs("</section>\n", o);

	/* follow-ups */
	fprintf(o, "<section>\n<h2>Manual follow-ups (%zu)</h2>\n", r->nfu);
	if (!r->nfu) {
		fputs("<p class=\"muted\">None.</p>\n", o);
	} else {
		size_t j, k;

		fputs("<ul id=\"followup-summary\">\n", o);
		for (j = 0; j < r->nfu; j++) {
			long n = 0;

			for (k = 0; k < j && strcmp(r->fu[k].category, r->fu[j].category); k++)
				;
			if (k < j)
				continue;	/* counted at its first appearance */
			for (k = j; k < r->nfu; k++)
				n += !strcmp(r->fu[k].category, r->fu[j].category);
			fputs("<li data-category=\"", o);
			esc(o, r->fu[j].category);
			fprintf(o, "\" data-count=\"%ld\"><b>%ld</b> ", n, n);
			esc(o, r->fu[j].category);
			fputs("</li>\n", o);
		}
		fputs("</ul>\n", o);
		fputs("<p class=\"muted\">Not failures: steps someone must take by hand.</p>\n"
		      "<table id=\"followups\">\n<thead><tr><th>what</th><th>kind</th><th>object</th>"
		      "<th>details</th></tr></thead>\n<tbody>\n", o);
		for (i = 0; i < r->nfu; i++) {
			fputs("<tr class=\"followup\"><td class=\"t\">", o);
			esc(o, r->fu[i].category);
			fputs("</td><td>", o);
			esc(o, r->fu[i].kind);
			fputs("</td><td><code>", o);
			esc(o, r->fu[i].key);
			fputs("</code></td><td>", o);
			esc(o, r->fu[i].message);
			fputs("</td></tr>\n", o);
		}
		fputs("</tbody>\n</table>\n", o);
	}
	fputs("</section>\n</main>\n</body>\n</html>\n", o);
	return af_close(&a, err);
}
