/* status: reports, per kind, what a session holds: records of each phase
 * (export/, mapped/, the import ID journal) and the failures that no later
 * run fixed. Streams every file; memory holds only key sets. */
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "err.h"
#include "kinds.h"
#include "store.h"

/* A small string set (keys of one kind in one phase). */
typedef struct sset {
	char **v;
	size_t cap, n;
} sset;

static size_t h64(const char *s)
{
	size_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int sset_has(const sset *s, const char *k)
{
	if (!s->cap)
		return 0;
	for (size_t i = h64(k) & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (strcmp(s->v[i], k) == 0)
			return 1;
	return 0;
}

/* Returns 1 when added, 0 when present, -1 out of memory. */
static int sset_add(sset *s, const char *k)
{
	if ((s->n + 1) * 10 >= s->cap * 7) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		char **nv = calloc(nc, sizeof *nv);
		if (!nv)
			return -1;
		for (size_t j = 0; j < s->cap; j++) {
			if (!s->v[j])
				continue;
			size_t i = h64(s->v[j]) & (nc - 1);
			while (nv[i])
				i = (i + 1) & (nc - 1);
			nv[i] = s->v[j];
		}
		free(s->v);
		s->v = nv;
		s->cap = nc;
	}
	size_t i = h64(k) & (s->cap - 1);
	for (; s->v[i]; i = (i + 1) & (s->cap - 1))
		if (strcmp(s->v[i], k) == 0)
			return 0;
	if (!(s->v[i] = strdup(k)))
		return -1;
	s->n++;
	return 1;
}

static void sset_free(sset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

static const char *scalar(const cJSON *v, char *b, size_t n)
{
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsNumber(v)) {
		snprintf(b, n, "%lld", (long long)v->valuedouble);
		return b;
	}
	return NULL;
}

/* Manual follow-ups found in exported records: objects export marked
 * "manual" (Key Vault scopes) and secret values to re-enter. */
static long g_manual_objects, g_reentry_values;

static void count_manual(const cJSON *rec)
{
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(rec, "object"), *k;

	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(obj, "manual")))
		g_manual_objects++;
	cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(obj, "keys")) {
		const char *vs = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "value_status"));
		if (vs && strcmp(vs, "NEEDS_REENTRY") == 0)
			g_reentry_values++;
	}
}

/* Adds the "key" (and "id") of every record of <phase>/<kind>.jsonl to
 * `done`; returns the number of records. */
static long read_phase(store *st, const char *phase, const char *kind, sset *done)
{
	dbx_err err;
	jsonl_in *in = store_read(st, phase, kind, &err);
	cJSON *rec;
	long n = 0;

	if (!in)
		return 0;
	while ((rec = jsonl_in_next(in))) {
		char b[64];
		const char *k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "key"));
		const char *id = scalar(cJSON_GetObjectItemCaseSensitive(rec, "id"), b, sizeof b);
		if (k) {
			n++;
			sset_add(done, k);
		}
		if (strcmp(phase, "export") == 0)
			count_manual(rec);
		if (id)
			sset_add(done, id);
		cJSON_Delete(rec);
	}
	jsonl_in_close(in);
	return n;
}

/* Distinct keys in logs/failed_<phase>_<kind>.jsonl not in `done`. */
static long read_failed(store *st, const char *phase, const char *kind, const sset *done)
{
	char path[4096];
	dbx_err err;
	jsonl_in *in;
	cJSON *rec;
	sset seen = { 0 };
	long n = 0;

	if (!store_path(st, path, sizeof path, "logs/failed_%s_%s.jsonl", phase, kind))
		return 0;
	{
		FILE *f = fopen(path, "r");
		if (!f)
			return 0;
		fclose(f);
	}
	if (!(in = jsonl_in_open(path, &err)))
		return 0;
	while ((rec = jsonl_in_next(in))) {
		const char *k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "key"));
		if (k && !sset_has(done, k) && sset_add(&seen, k) == 1)
			n++;
		cJSON_Delete(rec);
	}
	jsonl_in_close(in);
	sset_free(&seen);
	return n;
}

typedef struct kstat {
	long exported, skipped, transformed, imported;
	long f_export, f_transform, f_import;
	sset imp;	/* source ids / names / keys journaled by import */
} kstat;

/* The import journal (import/ids.jsonl, see idmap.h): one line per landed
 * object, {"kind", "source_id", "name"}; "permissions/<kind>" lines are not
 * objects. */
static void read_imports(store *st, kstat *ks)
{
	dbx_err err;
	jsonl_in *in = store_read(st, "import", "ids", &err);
	cJSON *rec;

	if (!in)
		return;
	while ((rec = jsonl_in_next(in))) {
		char b[64];
		const kind_def *k = kind_find(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "kind")));
		const char *kn = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "kind"));
		if (k && kn && strcmp(kn, kind_name(k)) == 0) {
			kstat *s = &ks[kind_index(k)];
			const char *sid = scalar(cJSON_GetObjectItemCaseSensitive(rec, "source_id"), b, sizeof b);
			const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "name"));
			if (sid && sset_add(&s->imp, sid) == 1)
				s->imported++;
			if (name && *name)
				sset_add(&s->imp, name);
		}
		cJSON_Delete(rec);
	}
	jsonl_in_close(in);
}

/* o.a.b.c (o.a.b when c is NULL) as a number, 0 when absent. */
static long num(const cJSON *o, const char *a, const char *b, const char *c)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, a), b);

	if (c)
		v = cJSON_GetObjectItemCaseSensitive(v, c);

	return cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
}

/* ------------------------------------------------ the last validation */

#define FIRST_FINDINGS 5

/* The first FIRST_FINDINGS lines of logs/validation_findings.jsonl (what
 * the last validate found) as an array; empty when there is none. */
static cJSON *first_findings(store *st, const char *rel)
{
	char path[4096];
	dbx_err err;
	jsonl_in *in;
	cJSON *arr = cJSON_CreateArray(), *rec;
	FILE *f;

	if (!arr || !rel || !store_path(st, path, sizeof path, "%s", rel) || !(f = fopen(path, "r")))
		return arr;
	fclose(f);
	if (!(in = jsonl_in_open(path, &err)))
		return arr;
	while (cJSON_GetArraySize(arr) < FIRST_FINDINGS && (rec = jsonl_in_next(in)))
		cJSON_AddItemToArray(arr, rec);
	jsonl_in_close(in);
	return arr;
}

/* The session file `rel` as an absolute path into buf (as the store
 * names it when it cannot be resolved: the file is gone); NULL when the
 * path is too long. */
static const char *session_file(store *st, const char *rel, char *buf, size_t size)
{
	char p[4096], *abs;

	if (!rel || !store_path(st, p, sizeof p, "%s", rel))
		return NULL;
	abs = realpath(p, NULL);
	snprintf(buf, size, "%s", abs ? abs : p);
	free(abs);
	return buf;
}

/* A finding's value as text (caller frees); "null" when absent. */
static char *value_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return strdup(v->valuestring);
	return v ? cJSON_PrintUnformatted(v) : strdup("null");
}

/* One finding as validate's text report prints it. */
static void print_finding(const cJSON *f)
{
	const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "type"));
	const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "kind"));
	const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "key"));
	const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "path"));
	char *exp = value_text(cJSON_GetObjectItemCaseSensitive(f, "expected"));
	char *act = value_text(cJSON_GetObjectItemCaseSensitive(f, "actual"));

	printf("  %s %s \"%s\"", type ? type : "?", kind ? kind : "?", key ? key : "?");
	if (path && *path)
		printf(" %s", path);
	if (type && (!strcmp(type, "VALUE_MISMATCH") || !strcmp(type, "TYPE_MISMATCH")))
		printf(": %s \u2192 %s", exp ? exp : "null", act ? act : "null");
	printf("\n");
	free(exp);
	free(act);
}

/* 1 when import finished after the validation (its verdict is older than
 * the target's content). ISO-8601 UTC times compare as strings. */
static int validation_stale(const cJSON *meta, const char *validated_at)
{
	const char *imp = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(meta, "import"), "finished_at"));

	return imp && validated_at && strcmp(imp, validated_at) > 0;
}

/* The last validate run of the session (session.json "validate", see
 * src/validate.h) as the "validation" member of the --json output: null
 * when the session was never validated. */
static void validation_json(store *st, const cJSON *meta, cJSON *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(meta, "validate");
	const char *at = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "finished_at"));
	const char *rel[] = { "report", "findings" };
	cJSON *o;
	char path[4096];

	if (!cJSON_IsObject(v)) {
		cJSON_AddNullToObject(out, "validation");
		return;
	}
	o = cJSON_AddItemToObject(out, "validation", cJSON_Duplicate(v, 1))
		? cJSON_GetObjectItemCaseSensitive(out, "validation") : NULL;
	if (!o)
		return;
	for (size_t i = 0; i < 2; i++) {
		const char *r = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, rel[i]));
		if (session_file(st, r, path, sizeof path))
			cJSON_ReplaceItemInObjectCaseSensitive(o, rel[i], cJSON_CreateString(path));
	}
	cJSON_AddBoolToObject(o, "stale", validation_stale(meta, at));
	cJSON_AddItemToObject(o, "first_differences", first_findings(st,
		cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "findings"))));
}

/* The same, as text after the per-kind table. */
static void validation_text(store *st, const cJSON *meta)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(meta, "validate");
	const char *at = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "finished_at"));
	const char *target = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "target"));
	const char *against = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "against"));
	const char *report = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "report"));
	const char *findings = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "findings"));
	const char *json = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "json"));
	const cJSON *objects = cJSON_GetObjectItemCaseSensitive(v, "objects");
	const cJSON *validated = cJSON_GetObjectItemCaseSensitive(v, "validated");
	long diffs = num(meta, "validate", "differences", NULL);
	long fus = num(meta, "validate", "followups", NULL);
	char path[4096];

	if (!cJSON_IsObject(v)) {
		printf("validation: not validated yet\n");
		return;
	}
	printf("validation: %s", at ? at : "time unknown");
	if (target)
		printf(" against the target %s", target);
	else if (against)
		printf(" against session %s", against);
	printf("\n  ");
	if (cJSON_IsNumber(objects))
		printf("%ld object(s) checked, %ld validated, ", (long)objects->valuedouble,
		       cJSON_IsNumber(validated) ? (long)validated->valuedouble : 0);
	printf("%ld difference(s), %ld manual follow-up(s)\n", diffs, fus);
	if (validation_stale(meta, at))
		printf("  import ran after this validation: run validate again for a current verdict\n");
	if (diffs > 0) {
		cJSON *first = first_findings(st, findings), *f;
		cJSON_ArrayForEach(f, first)
			print_finding(f);
		if (diffs > cJSON_GetArraySize(first) && session_file(st, findings, path, sizeof path))
			printf("  (%ld more: %s)\n", diffs - cJSON_GetArraySize(first), path);
		cJSON_Delete(first);
	}
	if (session_file(st, report, path, sizeof path))
		printf("  report: %s\n", path);
	if (json)
		printf("  json: %s\n", json);
}

int cmd_status(int argc, char **argv)
{
	static const cli_cmd cmd = { "status", "--session S [--dir D] [--json]",
		"what is exported, transformed, imported and failed, per kind" };
	const char *dir = "./migration", *session = NULL;
	int json = 0, rc;
	dbx_err err;
	store *st = NULL;
	kstat *ks = NULL;
	cJSON *meta, *out = NULL;
	size_t nk = kind_count();
	cli_opt opts[] = {
		{ "--dir", 0, CLI_STR, &dir, "DIR", "migration directory (default ./migration)" },
		{ "--session", 0, CLI_STR, &session, "ID", "session name" },
		{ "--json", 0, CLI_FLAG, &json, NULL, "print JSON instead of a table" },
		{ 0 },
	};

	err_clear(&err);
	rc = cli_parse(&cmd, opts, argc, argv, NULL, &err);
	if (rc == 1)
		return 0;
	if (rc < 0 || cli_require(&cmd, session, "--session", &err) ||
	    store_open(&st, dir, session, 0, &err)) {
		err_print(&err);
		return 2;
	}
	rc = 0;
	ks = calloc(nk, sizeof *ks);
	if (!ks) {
		fprintf(stderr, "dbxmig: status: out of memory\n");
		rc = 1;
		goto out;
	}
	meta = store_meta(st);
	read_imports(st, ks);
	for (size_t i = 0; i < nk; i++) {
		const char *name = kind_name(kind_at(i));
		kstat *s = &ks[i];
		sset ex = { 0 }, tr = { 0 };

		s->exported = read_phase(st, "export", name, &ex);
		s->skipped = num(cJSON_GetObjectItemCaseSensitive(meta, "export"), "kinds", name, "skipped");
		s->transformed = read_phase(st, "mapped", name, &tr);
		s->f_export = read_failed(st, "export", name, &ex);
		s->f_transform = read_failed(st, "transform", name, &tr) +
				 read_failed(st, "mapped", name, &tr);
		s->f_import = read_failed(st, "import", name, &s->imp);
		sset_free(&ex);
		sset_free(&tr);
	}
	if (json) {
		cJSON *kinds;
		char *txt;
		out = cJSON_CreateObject();
		cJSON_AddStringToObject(out, "session", session);
		cJSON_AddItemToObject(out, "source",
				      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(meta, "source"), 1));
		{
			const cJSON *ex = cJSON_GetObjectItemCaseSensitive(meta, "export");
			cJSON *e = cJSON_AddObjectToObject(out, "export");
			const char *f[] = { "started_at", "finished_at" };
			for (int j = 0; j < 2; j++) {
				const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ex, f[j]));
				if (v)
					cJSON_AddStringToObject(e, f[j], v);
				else
					cJSON_AddNullToObject(e, f[j]);
			}
		}
		{
			cJSON *m = cJSON_AddObjectToObject(out, "manual");
			cJSON_AddNumberToObject(m, "objects", (double)g_manual_objects);
			cJSON_AddNumberToObject(m, "secret_values_to_reenter", (double)g_reentry_values);
		}
		kinds = cJSON_AddObjectToObject(out, "kinds");
		for (size_t i = 0; i < nk; i++) {
			kstat *s = &ks[i];
			cJSON *k = cJSON_AddObjectToObject(kinds, kind_name(kind_at(i))), *f;
			cJSON_AddNumberToObject(k, "exported", (double)s->exported);
			cJSON_AddNumberToObject(k, "skipped", (double)s->skipped);
			cJSON_AddNumberToObject(k, "transformed", (double)s->transformed);
			cJSON_AddNumberToObject(k, "imported", (double)s->imported);
			f = cJSON_AddObjectToObject(k, "failed");
			cJSON_AddNumberToObject(f, "export", (double)s->f_export);
			cJSON_AddNumberToObject(f, "transform", (double)s->f_transform);
			cJSON_AddNumberToObject(f, "import", (double)s->f_import);
		}
		validation_json(st, meta, out);
		txt = cJSON_Print(out);
		if (txt)
			printf("%s\n", txt);
		free(txt);
	} else {
		const cJSON *src = cJSON_GetObjectItemCaseSensitive(meta, "source");
		const cJSON *ex = cJSON_GetObjectItemCaseSensitive(meta, "export");
		const char *host = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(src, "host"));
		const char *cloud = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(src, "cloud"));
		const char *started = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ex, "started_at"));
		const char *fin = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ex, "finished_at"));

		printf("session %s (%s)\n", session, store_root(st));
		if (host)
			printf("source: %s (%s)\n", host, cloud ? cloud : "cloud unknown");
		printf("export: %s\n", fin ? fin : started ? "interrupted or running (not finished)"
							   : "not run");
		printf("%-20s %9s %8s %12s %9s %8s\n", "kind", "exported", "skipped", "transformed",
		       "imported", "failed");
		for (size_t i = 0; i < nk; i++) {
			kstat *s = &ks[i];
			long f = s->f_export + s->f_transform + s->f_import;
			if (!kind_supported(kind_at(i)) && !s->exported && !f)
				continue;
			printf("%-20s %9ld %8ld %12ld %9ld %8ld", kind_name(kind_at(i)), s->exported,
			       s->skipped, s->transformed, s->imported, f);
			if (f)
				printf("   (export %ld, transform %ld, import %ld)", s->f_export,
				       s->f_transform, s->f_import);
			printf("\n");
		}
		if (g_manual_objects || g_reentry_values)
			printf("manual follow-ups: %ld secret value(s) to re-enter, %ld object(s) to "
			       "recreate by hand (\"manual\" in the export records)\n",
			       g_reentry_values, g_manual_objects);
		validation_text(st, meta);
	}
out:
	if (ks)
		for (size_t i = 0; i < nk; i++)
			sset_free(&ks[i].imp);
	free(ks);
	cJSON_Delete(out);
	store_close(st);
	return rc;
}
