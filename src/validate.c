/* validate: `dbxmig validate`. Reads the target back (export engine, phase
 * "validation"), feeds both sides to the comparison engine kind by kind
 * with the settings of rules/validate.lua and the references of the kinds
 * registry, and hands counts, findings and follow-ups to the report. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "cli.h"
#include "compare.h"
#include "export.h"
#include "hive.h"
#include "http.h"
#include "idmap.h"
#include "kinds.h"
#include "log.h"
#include "report.h"
#include "rules.h"
#include "store.h"
#include "validate.h"


/* ------------------------------------------------------------------ */
/* the settings file                                                   */

static int file_exists(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

const char *validate_settings_path(const char *given, char *buf, size_t size, dbx_err *err)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (given) {
		if (!file_exists(given)) {
			err_set(err, ERR_USAGE, "--settings", "%s: no such file", given);
			return NULL;
		}
		snprintf(buf, size, "%s", given);
		return buf;
	}
	if (file_exists("rules/validate.lua")) {
		snprintf(buf, size, "rules/validate.lua");
		return buf;
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, size, "%s/rules/validate.lua", exe);
			if (file_exists(buf))
				return buf;
			snprintf(buf, size, "%s/../share/dbxmig/rules/validate.lua", exe);
			if (file_exists(buf))
				return buf;
		}
	}
	err_set(err, ERR_USAGE, "validate",
		"no rules/validate.lua here or beside the dbxmig executable: pass --settings FILE");
	return NULL;
}

cJSON *validate_load_settings(const char *path, dbx_err *err)
{
	rules_opts ro;
	rules *r = NULL;
	lj_buf b;
	cJSON *out = NULL;

	/* the rule engine's sandbox and limits, without any rule file */
	memset(&ro, 0, sizeof ro);
	lj_buf_init(&b);
	if (rules_open(&r, &ro, err) || rules_load_data(r, path, &b, err))
		goto out;
	out = cJSON_ParseWithLength(b.data ? b.data : "{}", b.data ? b.len : 2);
	if (!out)
		err_set(err, ERR_RULE, path, "the returned table did not encode to JSON");
out:
	rules_close(r);
	lj_buf_free(&b);
	return out;
}

/* Every key of the settings must name a kind (plural) or be "*". */
static int check_kinds(const cJSON *settings, const char *path, dbx_err *err)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, settings) {
		const kind_def *k;

		if (!it->string || !strcmp(it->string, "*"))
			continue;
		k = kind_find(it->string);
		if (!k)
			return err_set(err, ERR_RULE, path, "unknown kind '%s' (kinds are the plural "
				       "names of --only, or \"*\" for all)", it->string);
		if (strcmp(kind_name(k), it->string))
			return err_set(err, ERR_RULE, path, "'%s': write the kind's plural name '%s'",
				       it->string, kind_name(k));
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* session files                                                       */

/* Complete records of a JSONL file, -1 when the file is absent. */
static long count_file(const char *p)
{
	jsonl_in *in;
	const char *line;
	size_t len;
	long n = 0;
	dbx_err err;

	if (!file_exists(p))
		return -1;
	in = jsonl_in_open(p, &err);
	if (!in)
		return -1;
	while (jsonl_in_next_raw(in, &line, &len))
		n++;
	jsonl_in_close(in);
	return n;
}

/* Records in DIR/ID/<dir>/<pre><kind>.jsonl, -1 when absent. */
static long count_rel(store *st, const char *dir, const char *pre, const char *kind)
{
	char p[4096];

	if (!store_path(st, p, sizeof p, "%s/%s%s.jsonl", dir, pre, kind))
		return -1;
	return count_file(p);
}

static long nz(long v)
{
	return v < 0 ? 0 : v;
}

static int journal_entry(void *ud, const char *kind, const char *source_id, const char *target_id,
			 const char *name)
{
	(void)name;
	if (kind_find(kind))
		cmp_add_journal(ud, kind, source_id, target_id);
	return 0;
}

/* Removes the tree at p (never following a symbolic link). */
static void rm_tree(const char *p, int depth)
{
	struct stat sb;
	struct dirent *e;
	DIR *d;
	char sub[4096];

	if (lstat(p, &sb))
		return;
	if (S_ISDIR(sb.st_mode) && depth < 64 && (d = opendir(p))) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
			    snprintf(sub, sizeof sub, "%s/%s", p, e->d_name) < (int)sizeof sub)
				rm_tree(sub, depth + 1);
		closedir(d);
	}
	remove(p);
}

/* Removes what an earlier validation read back, so the target is read
 * afresh (the export checkpoint would otherwise keep old records, and an
 * old notebook content could stand in for one that was not read). */
static void clear_phase(store *st, const char *kind)
{
	char p[4096];

	if (store_path(st, p, sizeof p, "validation/%s.jsonl", kind))
		unlink(p);
	if (store_path(st, p, sizeof p, "logs/failed_validation_%s.jsonl", kind))
		unlink(p);
	if (!strcmp(kind, "workspace") && store_path(st, p, sizeof p, "validation/blobs"))
		rm_tree(p, 0);
}

static void now_iso(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tmv;

	gmtime_r(&t, &tmv);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tmv);
}

static int mkdir_p0700(const char *p)
{
	if (mkdir(p, 0700) && errno != EEXIST)
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* notebook and file contents                                          */

typedef struct blob_ctx {
	store *exp_st, *act_st;	/* expected content: the source export; actual: */
	const char *act_phase;	/* "validation" (or the other session's "export") */
} blob_ctx;

/* "line N: text" of the first line where a and b differ, as a JSON string. */
static char *line_text(const char *d, size_t len, size_t at, long lineno)
{
	size_t s = at, e;
	char buf[200];
	cJSON *str;
	char *out;

	while (s > 0 && d[s - 1] != '\n')
		s--;
	for (e = s; e < len && d[e] != '\n' && e - s < 120; e++)
		;
	snprintf(buf, sizeof buf, "%zu bytes, line %ld: %.*s", len, lineno, (int)(e - s), d + s);
	str = cJSON_CreateString(buf);
	out = str ? cJSON_PrintUnformatted(str) : NULL;
	cJSON_Delete(str);
	return out;
}

/* A cmp_extra_fn: a notebook's or file's content in the target against
 * the content export read from the source (what import sent). Records
 * name their content by key, or by "source_path" when a rule moved them. */
static long blob_extra(void *ud, const char *kind, const char *key, const cJSON *erec,
		       const cJSON *arec, cmp_sink sink, void *sud)
{
	blob_ctx *b = ud;
	const cJSON *eo = cJSON_GetObjectItemCaseSensitive(erec, "object");
	const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(eo, "object_type"));
	const char *sp = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(erec, "source_path"));
	const char *ekey = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(erec, "key"));
	const char *akey = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(arec, "key"));
	char *ed = NULL, *ad = NULL, *et = NULL, *at = NULL;
	size_t el = 0, al = 0, i;
	long line = 1, n = 0;
	dbx_err err;
	cmp_finding f;

	if (strcmp(kind, "workspace") || !type || (strcmp(type, "NOTEBOOK") && strcmp(type, "FILE")))
		return 0;
	if (!sp)
		sp = ekey ? ekey : key;
	if (!akey)
		akey = key;
	if (store_blob_read(b->exp_st, "export", sp, strlen(sp), &ed, &el, &err) < 0 ||
	    store_blob_read(b->act_st, b->act_phase, akey, strlen(akey), &ad, &al, &err) < 0)
		goto out;	/* nothing read: the object comparison said what it could */
	if (el == al && !memcmp(ed, ad, el))
		goto out;
	for (i = 0; i < el && i < al && ed[i] == ad[i]; i++)
		if (ed[i] == '\n')
			line++;
	et = line_text(ed, el, i < el ? i : (el ? el - 1 : 0), line);
	at = line_text(ad, al, i < al ? i : (al ? al - 1 : 0), line);
	memset(&f, 0, sizeof f);
	f.type = CMP_VALUE_MISMATCH;
	f.kind = kind;
	f.key = key;
	f.path = "content";
	f.expected = et;
	f.actual = at;
	if (sink)
		sink(sud, &f);
	n = 1;
out:
	free(ed);
	free(ad);
	free(et);
	free(at);
	return n;
}

/* ------------------------------------------------------------------ */
/* what import and cutover say about the target                        */

static const char *jstr(const cJSON *o, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
}

/* Objects import could not create by design (import/manual.jsonl entries
 * "<kind>/<id>" for an object that never landed: a Key Vault scope) may
 * be absent; they are follow-ups, not differences. */
static void manual_objects(store *st, cmp *c, const idmap *im)
{
	dbx_err err;
	jsonl_in *in = store_read(st, "import", "manual", &err);
	cJSON *rec;

	if (!in)
		return;
	while ((rec = jsonl_in_next(in))) {
		const char *key = jstr(rec, "key"), *kind = jstr(rec, "kind"), *name = jstr(rec, "name");
		size_t kl = kind ? strlen(kind) : 0;

		if (key && kind && name && kind_find(kind) && !strncmp(key, kind, kl) && key[kl] == '/' &&
		    !strchr(key + kl + 1, '/') && !idmap_target(im, kind, key + kl + 1))
			cmp_add_optional_object(c, kind, name);
		cJSON_Delete(rec);
	}
	jsonl_in_close(in);
}

/* Jobs import paused (import/cutover.jsonl) stay paused until `dbxmig
 * cutover` has restored them (cutover/<kind>.jsonl "target:<key>"):
 * until then their pause_status is not compared, and the cutover is a
 * follow-up. */
static void cutover_expectations(store *st, cmp *c, report *r)
{
	dbx_err err;
	jsonl_in *in = store_read(st, "import", "cutover", &err);
	cJSON *rec;

	if (!in)
		return;
	while ((rec = jsonl_in_next(in))) {
		const char *key = jstr(rec, "key"), *kind = jstr(rec, "kind");
		const char *sid = jstr(rec, "source_id"), *name = jstr(rec, "name");
		const cJSON *restore = cJSON_GetObjectItemCaseSensitive(rec, "restore"), *m;
		char dk[1200], path[300], msg[600];
		int done = 0;

		if (key && kind && sid && kind_find(kind) && cJSON_IsObject(restore)) {
			jsonl_in *ci = store_read(st, "cutover", kind, &err);
			cJSON *d;

			snprintf(dk, sizeof dk, "target:%s", key);
			while (ci && !done && (d = jsonl_in_next(ci))) {
				done = jstr(d, "key") && !strcmp(jstr(d, "key"), dk);
				cJSON_Delete(d);
			}
			jsonl_in_close(ci);
			if (!done) {
				msg[0] = '\0';
				cJSON_ArrayForEach(m, restore) {
					snprintf(path, sizeof path, "**.%s.pause_status", m->string);
					cmp_add_object_ignore(c, kind, sid, path, &err);
					snprintf(msg + strlen(msg), sizeof msg - strlen(msg), "%s%s",
						 *msg ? ", " : "", m->string);
				}
				snprintf(msg + strlen(msg), sizeof msg - strlen(msg),
					 " paused in the target until `dbxmig cutover` restores it");
				report_add_followup(r, "paused until cutover", kind, name ? name : key, msg);
			}
		}
		cJSON_Delete(rec);
	}
	jsonl_in_close(in);
}

/* The principal the target profile acts as (SCIM Me), or NULL. */
static char *whoami(const cfg_profile *prof)
{
	http_opts ho;
	ws *w = NULL;
	cJSON *me = NULL;
	dbx_err err;
	char *name = NULL;

	http_opts_default(&ho);
	if (ws_open(&w, prof, &ho, &err) ||
	    http_get_json(w, "/api/2.0/preview/scim/v2/Me", NULL, &me, &err)) {
		char buf[1600];

		log_warn("validate: cannot tell who imports (%s): rights the target gave the "
			 "importing user will show as differences", err_str(&err, buf, sizeof buf));
	} else if (jstr(me, "userName")) {
		name = strdup(jstr(me, "userName"));
	}
	cJSON_Delete(me);
	ws_close(w);
	return name;
}

/* ------------------------------------------------------------------ */
/* the run                                                             */

/* The target warehouse that reads the Hive metastore back (src/hive.h).
 * None known: a usage error when --only names the kind, else the kind is
 * not compared, with a warning. */
static int sql_warehouse(store *st, const validate_opts *o, kind_set *want, char *wh, size_t size,
			 dbx_err *err)
{
	char why[512];
	idmap *im = NULL;

	*wh = '\0';
	for (size_t i = 0; i < kind_count(); i++) {
		const kind_def *k = kind_at(i);
		if (!k->by_sql || !kind_in(*want, i))
			continue;
		if (!im && idmap_open(&im, st, 1, err) < 0)
			return -1;
		if (hive_target_warehouse(st, im, o->warehouse_id, wh, size, why, sizeof why))
			continue;
		if (hive_named(o->only)) {
			idmap_close(im);
			return err_set(err, ERR_USAGE, "--warehouse-id", "%s: %s", k->name, why);
		}
		log_warn("validate: %s not compared: %s", k->name, why);
		*want &= ~(1ULL << i);
	}
	idmap_close(im);
	return 0;
}

int validate_run(const validate_opts *o)
{
	const char *dir = o->dir ? o->dir : "./migration";
	char spath[4096], p[4096], q[4096], title[1024], only[2048], ts[32], wh[256];
	cJSON *settings = NULL;
	store *st = NULL, *other = NULL;
	cmp *c = NULL;
	report *r = NULL;
	idmap *im = NULL;
	blob_ctx bctx;
	cfg_profile prof;
	kind_set sel = 0, want = 0;
	dbx_err err;
	int rc = 2, prof_ok = 0, read_failed = 0;
	long checked = 0, clean = 0;
	size_t i;
	const char *exp_phase = o->against ? "export" : "mapped";
	const char *act_phase = o->against ? "export" : "validation";

	memset(&prof, 0, sizeof prof);
	err_clear(&err);
	if (o->against && o->profile) {
		err_set(&err, ERR_USAGE, "validate", "--against compares two sessions: no --profile");
		goto out;
	}
	if (kind_select(o->only, o->skip, &sel, &err))
		goto out;
	if (store_open(&st, dir, o->session, 0, &err))
		goto out;
	if (o->against && store_open(&other, dir, o->against, 0, &err))
		goto out;
	if (!validate_settings_path(o->settings, spath, sizeof spath, &err))
		goto out;
	settings = validate_load_settings(spath, &err);
	if (!settings || check_kinds(settings, spath, &err))
		goto out;
	c = cmp_new(settings, spath, &err);
	if (!c) {
		err.cls = ERR_RULE;
		goto out;
	}

	/* the kinds this migration holds: those with expected records */
	only[0] = '\0';
	for (i = 0; i < kind_count(); i++) {
		const char *k = kind_name(kind_at(i));
		int has;

		if (!kind_in(sel, i))
			continue;
		has = store_path(st, p, sizeof p, "%s/%s.jsonl", exp_phase, k) && file_exists(p);
		if (!has && other)
			has = store_path(other, p, sizeof p, "export/%s.jsonl", k) && file_exists(p);
		if (!has)
			continue;
		want |= 1ULL << i;
	}
	if (!o->against && sql_warehouse(st, o, &want, wh, sizeof wh, &err) < 0)
		goto out;
	for (i = 0; i < kind_count(); i++) {
		const char *k = kind_name(kind_at(i));
		if (kind_in(want, i) && strlen(only) + strlen(k) + 2 < sizeof only)
			snprintf(only + strlen(only), sizeof only - strlen(only), "%s%s", *only ? "," : "", k);
	}
	if (!want) {
		err_set(&err, ERR_USAGE, store_root(st), o->against
			? "neither session has exported anything to compare"
			: "nothing to validate: the session has no mapped/ records (run transform and "
			  "import first)");
		goto out;
	}

	if (!o->against) {
		export_opts eo;
		int erc;

		if (cfg_load_profile(o->profile, &prof, &err))
			goto out;
		prof_ok = 1;
		snprintf(title, sizeof title, "session %s against the target %s", o->session, prof.host);
		for (i = 0; i < kind_count(); i++)
			if (kind_in(want, i))
				clear_phase(st, kind_name(kind_at(i)));
		memset(&eo, 0, sizeof eo);
		eo.dir = dir;
		eo.session = o->session;
		eo.profile = o->profile;
		eo.only = only;
		eo.parallel = o->parallel;
		eo.rate_limit = o->rate_limit;
		eo.quiet_summary = 1;
		eo.phase = "validation";
		eo.warehouse_id = *wh ? wh : NULL;
		log_info("validate: reading the target %s back (%s)", prof.host, only);
		/* export_run reopens the session: ours sees its files afterwards */
		erc = export_run(&eo);
		if (erc == 2) {
			rc = 2;
			err_clear(&err);
			goto out_quiet;
		}
		read_failed = erc != 0;
		/* export_run saved session.json through its own handle: reload */
		store_close(st);
		st = NULL;
		if (store_open(&st, dir, o->session, 0, &err))
			goto out;
		if (idmap_open(&im, st, 1, &err))
			goto out;
		idmap_each(im, NULL, journal_entry, c);
		manual_objects(st, c, im);
		{
			char *me = whoami(&prof);

			if (me)
				cmp_set_self(c, me);
			free(me);
		}
	} else {
		snprintf(title, sizeof title, "session %s against session %s", o->session, o->against);
	}

	/* references compare as the keys of what they name: both sides' ids */
	for (i = 0; i < kind_count(); i++) {
		const kind_def *k = kind_at(i);
		const kind_ref *ref;
		const char *const *ro;

		for (ref = k->refs; ref && ref->path; ref++)
			if (cmp_add_ref(c, k->name, ref->path, ref->kind, &err))
				goto out;
		for (ro = k->read_only; ro && *ro; ro++)
			if (cmp_add_ignore(c, k->name, *ro, &err))
				goto out;
		if (store_path(st, p, sizeof p, "%s/%s.jsonl", exp_phase, k->name) &&
		    cmp_add_ids_file(c, CMP_EXPECTED, k->name, p, &err))
			goto out;
		if (store_path(other ? other : st, q, sizeof q, "%s/%s.jsonl", act_phase, k->name) &&
		    cmp_add_ids_file(c, CMP_ACTUAL, k->name, q, &err))
			goto out;
	}

	bctx.exp_st = st;
	bctx.act_st = other ? other : st;
	bctx.act_phase = act_phase;
	cmp_set_extra(c, blob_extra, &bctx);
	r = report_new(o->session, title);
	if (!r) {
		err_set(&err, ERR_IO, NULL, "out of memory");
		goto out;
	}
	if (!other)
		cutover_expectations(st, c, r);
	for (i = 0; i < kind_count(); i++) {
		const char *k = kind_name(kind_at(i));
		report_row row;
		cmp_stats s;

		if (!kind_in(want, i))
			continue;
		if (!store_path(st, p, sizeof p, "%s/%s.jsonl", exp_phase, k) ||
		    !store_path(other ? other : st, q, sizeof q, "%s/%s.jsonl", act_phase, k)) {
			err_set(&err, ERR_IO, store_root(st), "path too long");
			goto out;
		}
		if (cmp_kind(c, k, p, q, report_sink, r, &s, &err))
			goto out;
		memset(&row, 0, sizeof row);
		row.kind = k;
		row.exported = count_rel(st, "export", "", k);
		if (other) {
			row.source = row.transformed = row.imported = row.failed = -1;
		} else {
			long fe = count_rel(st, "logs", "failed_export_", k);

			row.source = row.exported < 0 && fe < 0 ? -1 : nz(row.exported) + nz(fe);
			row.transformed = count_rel(st, "mapped", "", k);
			row.imported = im ? idmap_count(im, k) : -1;
			row.failed = nz(fe) + nz(count_rel(st, "logs", "failed_transform_", k)) +
				     nz(count_rel(st, "logs", "failed_import_", k));
		}
		row.expected = s.expected;
		row.actual = s.actual;
		row.validated = s.clean;
		row.differences = s.findings;
		checked += s.expected;
		clean += s.clean;
		if (report_add_row(r, &row)) {
			err_set(&err, ERR_IO, NULL, "out of memory");
			goto out;
		}
	}
	if (!other)
		report_followups(r, st);

	/* outputs */
	if (!o->quiet)
		report_text(r, stdout);
	if (o->json && report_json(r, o->json, &err))
		goto out;
	if (!store_path(st, p, sizeof p, "report") || mkdir_p0700(p)) {
		err_set(&err, ERR_IO, p, "cannot create: %s", strerror(errno));
		goto out;
	}
	if (!store_path(st, p, sizeof p, "report/index.html") || report_html(r, p, &err))
		goto out;
	if (!o->quiet)
		printf("report: %s\n", p);
	if (!store_path(st, p, sizeof p, "logs") || mkdir_p0700(p) ||
	    !store_path(st, p, sizeof p, "logs/validation_findings.jsonl") ||
	    report_findings_jsonl(r, p, &err))
		goto out;
	{
		cJSON *meta = store_meta(st), *v = cJSON_CreateObject();

		now_iso(ts, sizeof ts);
		cJSON_AddStringToObject(v, "finished_at", ts);
		cJSON_AddStringToObject(v, "mode", other ? "against" : "target");
		if (other)
			cJSON_AddStringToObject(v, "against", o->against);
		else
			cJSON_AddStringToObject(v, "target", prof.host);
		cJSON_AddNumberToObject(v, "objects", (double)checked);
		cJSON_AddNumberToObject(v, "validated", (double)clean);
		cJSON_AddNumberToObject(v, "differences", (double)report_findings(r));
		cJSON_AddNumberToObject(v, "followups", (double)report_followup_count(r));
		/* where the details are, for `dbxmig status` */
		cJSON_AddStringToObject(v, "report", "report/index.html");
		cJSON_AddStringToObject(v, "findings", "logs/validation_findings.jsonl");
		if (o->json) {
			char *abs = realpath(o->json, NULL);

			cJSON_AddStringToObject(v, "json", abs ? abs : o->json);
			free(abs);
		}
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "validate");
		cJSON_AddItemToObject(meta, "validate", v);
		if (store_meta_save(st, &err))
			goto out;
	}
	if (read_failed)
		log_warn("validate: some objects of the target could not be read back: see %s/logs/"
			 "failed_validation_<kind>.jsonl", store_root(st));
	rc = report_findings(r) || read_failed ? 1 : 0;
	goto out_quiet;
out:
	if (err.cls != ERR_NONE) {
		err_print(&err);
		rc = err_exit_code(&err);
	}
out_quiet:
	report_free(r);
	idmap_close(im);
	cmp_free(c);
	cJSON_Delete(settings);
	if (prof_ok)
		cfg_profile_free(&prof);
	store_close(other);
	store_close(st);
	return rc;
}

int cmd_validate(int argc, char **argv)
{
	static const cli_cmd cmd = { "validate",
		"--profile DST --session S [--dir D] [--json FILE] [--settings FILE] [--only K,..] "
		"[--skip K,..] [--warehouse-id ID]  |  --session A --against B [--dir D] [--json FILE]",
		"read the target back and compare it with what the rules said it should hold" };
	validate_opts o;
	int rc;
	double rate = -1;
	cli_opt opts[] = {
		{ "--profile", 0, CLI_STR, &o.profile, "NAME", "target workspace profile" },
		{ "--dir", 0, CLI_STR, &o.dir, "DIR", "migration directory (default ./migration)" },
		{ "--session", 0, CLI_STR, &o.session, "ID", "session name" },
		{ "--against", 0, CLI_STR, &o.against, "ID",
		  "compare this session's export with another session's export instead" },
		{ "--json", 0, CLI_STR, &o.json, "FILE", "also write the report as JSON" },
		{ "--settings", 0, CLI_STR, &o.settings, "FILE",
		  "comparison settings (default rules/validate.lua)" },
		{ "--only", 0, CLI_STR, &o.only, "K,..", "validate only these kinds" },
		{ "--skip", 0, CLI_STR, &o.skip, "K,..", "do not validate these kinds" },
		{ "--parallel", 0, CLI_INT, &o.parallel, "N", "requests in flight (default 8)" },
		{ "--rate-limit", 0, CLI_DOUBLE, &rate, "RPS",
		  "requests per second, 0 for no limit (default 20)" },
		{ "--warehouse-id", 0, CLI_STR, &o.warehouse_id, "ID",
		  "target SQL warehouse that reads hive_metastore back (default: import's)" },
		{ 0 },
	};

	memset(&o, 0, sizeof o);
	rc = cli_session_cmd(&cmd, opts, argc, argv, &o.session);
	if (rc >= 0)
		return rc;
	o.rate_limit = rate;
	return validate_run(&o);
}
