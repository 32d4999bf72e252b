/* cutover: un-pauses in the target what import paused, and optionally
 * pauses the originals in the source (see cutover.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "cfg.h"
#include "cli.h"
#include "cmd.h"
#include "cutover.h"
#include "http.h"
#include "kinds.h"
#include "log.h"
#include "store.h"

static const char *jstr(const cJSON *o, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
}

/* {update_id: id, update_wrap: {member: value...}}; `pause` sets every
 * member's pause_status to PAUSED instead of restoring the original. */
static cJSON *partial_body(const kind_def *k, const char *id, const cJSON *restore, int pause)
{
	cJSON *b = cJSON_CreateObject(), *w = b;
	char *end;
	double d = strtod(id, &end);
	if (*id && !*end)
		cJSON_AddNumberToObject(b, k->imp.update_id, d);
	else
		cJSON_AddStringToObject(b, k->imp.update_id, id);
	if (k->imp.update_wrap)
		w = cJSON_AddObjectToObject(b, k->imp.update_wrap);
	const cJSON *m;
	cJSON_ArrayForEach(m, restore) {
		cJSON *v = cJSON_Duplicate(m, 1);
		if (pause) {
			cJSON_DeleteItemFromObjectCaseSensitive(v, "pause_status");
			cJSON_AddStringToObject(v, "pause_status", "PAUSED");
		}
		cJSON_AddItemToObject(w, m->string, v);
	}
	return b;
}

/* Records a failed record: 0 when recorded, -2 with *stop set when even
 * that cannot be written (the run stops: see apply). */
static int fail_rec(store *st, const kind_def *k, const char *key, const dbx_err *e, dbx_err *stop)
{
	if (!store_fail(st, "cutover", kind_name(k), key, e, stop))
		return -1;
	err_prefix(stop, "cutover stopped, the session cannot be written");
	return -2;
}

/* One side of one record: returns 0 done (or already done), -1 failed
 * (recorded in logs/), -2 when the session cannot be written (*stop says
 * why: the run stops, the change made so far is redone harmlessly by a
 * re-run). */
static int apply(store *st, jsonl_out *done, ws *w, const kind_def *k, const cJSON *rec,
		 const char *side, int dry_run, long *changed, dbx_err *stop)
{
	const char *key = jstr(rec, "key");
	const char *id = jstr(rec, strcmp(side, "target") == 0 ? "target_id" : "source_id");
	const cJSON *restore = cJSON_GetObjectItemCaseSensitive(rec, "restore");
	const char *name = jstr(rec, "name");
	char dk[1200];
	dbx_err e = { 0 };
	int pause = strcmp(side, "source") == 0;

	snprintf(dk, sizeof dk, "%s:%s", side, key);
	if (done && jsonl_out_has(done, dk))
		return 0;
	if (!id || !cJSON_IsObject(restore)) {
		err_set(&e, ERR_PARSE, key, "cutover record without %s id or restore",
			pause ? "source" : "target");
		return fail_rec(st, k, key, &e, stop);
	}
	if (dry_run) {
		const cJSON *m;
		cJSON_ArrayForEach(m, restore)
			printf("%s %s \"%s\" in the %s: %s -> %s\n", pause ? "pause" : "restore",
			       kind_name(k), name ? name : key, side, m->string,
			       pause ? "PAUSED" : (jstr(m, "pause_status") ? jstr(m, "pause_status")
									   : "UNPAUSED"));
		return 0;
	}
	cJSON *body = partial_body(k, id, restore, pause), *reply = NULL;
	int r = http_call_json(w, "POST", k->imp.partial_path, NULL, body, HTTP_RETRY_UNSAFE, &reply, &e);
	cJSON_Delete(body);
	cJSON_Delete(reply);
	if (r < 0) {
		err_prefix(&e, "%s %s \"%s\" in the %s", pause ? "pausing" : "un-pausing",
			   k->singular, name ? name : key, side);
		return fail_rec(st, k, dk, &e, stop);
	}
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "key", dk);
	cJSON_AddStringToObject(d, "side", side);
	cJSON_AddStringToObject(d, "id", id);
	r = jsonl_out_put(done, d, stop);
	cJSON_Delete(d);
	(*changed)++;
	if (r < 0) {
		err_prefix(stop, "cutover stopped, the session cannot be written");
		return -2;
	}
	log_verbose("%s %s \"%s\" in the %s", pause ? "paused" : "restored", k->singular,
		    name ? name : key, side);
	return 0;
}

static int open_ws(const char *profile, ws **w, cfg_profile *p, dbx_err *err)
{
	http_opts ho;
	http_opts_default(&ho);
	if (cfg_load_profile(profile, p, err) < 0)
		return -1;
	if (ws_open(w, p, &ho, err) < 0) {
		cfg_profile_free(p);
		return -1;
	}
	return 0;
}

int cutover_run(const cutover_opts *o)
{
	int rc = 2, have_t = 0, have_s = 0;
	dbx_err err = { 0 };
	store *st = NULL;
	ws *tw = NULL, *sw = NULL;
	cfg_profile tp = { 0 }, sp = { 0 };
	long changed = 0, failed = 0, records = 0;

	if (store_open(&st, o->dir ? o->dir : "./migration", o->session, 0, &err) < 0) {
		err.cls = ERR_CONFIG;
		goto out;
	}
	if (o->dry_run)
		log_close_file();	/* store_open opened the run log: a dry run writes nothing */
	if (open_ws(o->profile, &tw, &tp, &err) < 0)
		goto out;
	have_t = 1;
	if (o->source) {
		if (open_ws(o->source, &sw, &sp, &err) < 0)
			goto out;
		have_s = 1;
	}
	rc = 0;
	for (size_t i = 0; i < kind_count(); i++) {
		const kind_def *k = kind_at(i);
		if (!k->imp.partial_path || !k->imp.update_id)
			continue;
		jsonl_in *in = store_read(st, "import", "cutover", &err);
		jsonl_out *done = NULL;
		cJSON *rec;
		if (!in) {
			rc = 2;
			goto out;
		}
		if (!o->dry_run && !(done = store_append(st, "cutover", kind_name(k), &err))) {
			jsonl_in_close(in);
			rc = 2;
			goto out;
		}
		while ((rec = jsonl_in_next(in))) {
			const char *kn = jstr(rec, "kind");
			int r = 0;
			if (kn && strcmp(kn, kind_name(k)) == 0) {
				records++;
				r = apply(st, done, tw, k, rec, "target", o->dry_run, &changed, &err);
				if (!r && sw)
					r = apply(st, done, sw, k, rec, "source", o->dry_run, &changed, &err);
				if (r)
					failed++;
			}
			cJSON_Delete(rec);
			if (r == -2) {
				jsonl_in_close(in);
				jsonl_out_abort(done);
				goto out;
			}
		}
		jsonl_in_close(in);
		if (done && jsonl_out_close(done, &err) < 0) {
			err_print(&err);
			err_clear(&err);
			failed++;
		}
	}
	if (!o->dry_run)
		printf("cutover: %ld paused objects recorded, %ld changes made, %ld failed%s\n", records,
		       changed, failed, o->source ? "" : " (source left running: pass --source SRC to pause it)");
	rc = failed ? 1 : 0;
out:
	if (err.cls != ERR_NONE) {
		err_print(&err);
		rc = err_exit_code(&err);
	}
	if (tw)
		ws_close(tw);
	if (sw)
		ws_close(sw);
	if (have_t)
		cfg_profile_free(&tp);
	if (have_s)
		cfg_profile_free(&sp);
	if (st)
		store_close(st);
	return rc;
}

int cmd_cutover(int argc, char **argv)
{
	cutover_opts o = { 0 };
	static const cli_cmd cmd = {
		"cutover", "--session S [--profile DST] [--source SRC] [--dry-run]",
		"un-pause in the target what import paused; with --source, pause it in the source",
	};
	const cli_opt opts[] = {
		{ "--dir", 0, CLI_STR, &o.dir, "DIR", "session directory (default ./migration)" },
		{ "--session", 0, CLI_STR, &o.session, "ID", "the migration session" },
		{ "--profile", 0, CLI_STR, &o.profile, "DST", "target workspace profile" },
		{ "--source", 0, CLI_STR, &o.source, "SRC", "source profile: pause the originals there" },
		{ "--dry-run", 0, CLI_FLAG, &o.dry_run, NULL, "say what would change, change nothing" },
		{ 0 },
	};
	int r = cli_session_cmd(&cmd, opts, argc, argv, &o.session);
	if (r >= 0)
		return r;
	return cutover_run(&o);
}
