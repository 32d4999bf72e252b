/* export: the export phase. One engine reads every kind of the registry:
 *
 *   list page ──► per-object fetches (get [+ more pages], permissions,
 *                 extras, workspace export) ──► record when all are done
 *
 * all on the HTTP client's multi interface (one thread, callbacks). Memory
 * stays bounded: a kind stops asking for list pages while too many of its
 * objects are in flight, and only the ids of finished objects are kept
 * (the checkpoint), never the objects. The workspace tree is the one kind
 * walked rather than paged: each directory listing is a "page". */
#include "export.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "cli.h"
#include "hive.h"
#include "http.h"
#include "idmap.h"
#include "kinds.h"
#include "log.h"
#include "progress.h"
#include "store.h"

#define MAX_EXTRAS 4
#define MAX_REASONS 8
#define ID_MAX 512
#define KEY_MAX 8192
#define BATCH 128	/* records whose blobs are made durable by one store_sync */

/* ---- a set of strings (finished ids): open addressing, grows ---- */
typedef struct strset {
	char **slot;
	size_t cap, n;
} strset;

static size_t str_hash(const char *s)
{
	size_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int strset_has(const strset *s, const char *v)
{
	if (!s->cap)
		return 0;
	for (size_t i = str_hash(v) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (!s->slot[i])
			return 0;
		if (strcmp(s->slot[i], v) == 0)
			return 1;
	}
}

static int strset_add(strset *s, const char *v)
{
	if ((s->n + 1) * 10 >= s->cap * 7) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		char **ns = calloc(ncap, sizeof *ns);
		if (!ns)
			return -1;
		for (size_t j = 0; j < s->cap; j++) {
			if (!s->slot[j])
				continue;
			size_t i = str_hash(s->slot[j]) & (ncap - 1);
			while (ns[i])
				i = (i + 1) & (ncap - 1);
			ns[i] = s->slot[j];
		}
		free(s->slot);
		s->slot = ns;
		s->cap = ncap;
	}
	size_t i = str_hash(v) & (s->cap - 1);
	for (; s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (strcmp(s->slot[i], v) == 0)
			return 0;
	s->slot[i] = strdup(v);
	if (!s->slot[i])
		return -1;
	s->n++;
	return 0;
}

static void strset_free(strset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
	s->slot = NULL;
	s->cap = s->n = 0;
}

/* ---- the blob writer: notebook contents go to disk on a thread ----
 * Writing a blob costs a few file-system calls that would otherwise stall
 * the request loop; the thread takes them off it. It only calls
 * store_blob_write (which touches no shared store state but the root
 * path); jobs are handed over and taken back under one mutex. */
typedef struct blob_job {
	struct blob_job *next;
	char *name;
	char *data;
	size_t len;
	int done, failed;
	dbx_err err;
} blob_job;

typedef struct blob_writer {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	blob_job *head, *tail;
	int stop, running;
	store *st;
	const char *phase;
} blob_writer;

static void *blob_thread(void *arg)
{
	blob_writer *bw = arg;

	pthread_mutex_lock(&bw->mu);
	for (;;) {
		blob_job *j;
		while (!bw->head && !bw->stop)
			pthread_cond_wait(&bw->work, &bw->mu);
		if (!bw->head)
			break;
		j = bw->head;
		bw->head = j->next;
		if (!bw->head)
			bw->tail = NULL;
		pthread_mutex_unlock(&bw->mu);
		j->failed = store_blob_write(bw->st, bw->phase, j->name, strlen(j->name), j->data,
					     j->len, &j->err) != 0;
		free(j->data);
		j->data = NULL;
		pthread_mutex_lock(&bw->mu);
		j->done = 1;
		pthread_cond_broadcast(&bw->done);
	}
	pthread_mutex_unlock(&bw->mu);
	return NULL;
}

static int blob_writer_start(blob_writer *bw, store *st, const char *phase)
{
	bw->st = st;
	bw->phase = phase;
	if (pthread_mutex_init(&bw->mu, NULL))
		return -1;
	if (pthread_cond_init(&bw->work, NULL) || pthread_cond_init(&bw->done, NULL) ||
	    pthread_create(&bw->th, NULL, blob_thread, bw)) {
		pthread_mutex_destroy(&bw->mu);
		return -1;
	}
	bw->running = 1;
	return 0;
}

/* Queues a job (the writer frees j->data; the caller frees j after done). */
static void blob_writer_put(blob_writer *bw, blob_job *j)
{
	pthread_mutex_lock(&bw->mu);
	if (bw->tail)
		bw->tail->next = j;
	else
		bw->head = j;
	bw->tail = j;
	pthread_cond_signal(&bw->work);
	pthread_mutex_unlock(&bw->mu);
}

static void blob_writer_wait(blob_writer *bw, blob_job *j)
{
	pthread_mutex_lock(&bw->mu);
	while (!j->done)
		pthread_cond_wait(&bw->done, &bw->mu);
	pthread_mutex_unlock(&bw->mu);
}

static void blob_writer_stop(blob_writer *bw)
{
	if (!bw->running)
		return;
	pthread_mutex_lock(&bw->mu);
	bw->stop = 1;
	pthread_cond_signal(&bw->work);
	pthread_mutex_unlock(&bw->mu);
	pthread_join(bw->th, NULL);
	pthread_cond_destroy(&bw->work);
	pthread_cond_destroy(&bw->done);
	pthread_mutex_destroy(&bw->mu);
	bw->running = 0;
}

/* ---- run state ---- */
typedef struct exp_run exp_run;

typedef struct exp_kind {
	exp_run *run;
	const kind_def *k;
	jsonl_out *out;
	strset done;		/* ids (or keys) already recorded */
	long exported, already, skipped, failed;
	long total;		/* lines in the file at the end */
	int opened;
	progress *prog;
	struct { const char *why; long n; } reasons[MAX_REASONS];
	int inflight;		/* objects being fetched */
	/* paged lists: one page at a time */
	int list_busy, list_deferred, list_done;
	long next_start;	/* SCIM */
	char *next_token;	/* token schemes */
	/* tree: directories still to list */
	char **dirs;
	size_t ndirs, capdirs;
	int dirs_busy;
} exp_kind;

struct exp_run {
	ws *w;
	store *st;
	exp_kind kinds[64];
	int parallel;
	int high_water;		/* objects in flight per kind before listing pauses */
	int fatal;		/* authentication lost */
	/* group commit: records of objects with a blob wait here until one
	 * store_sync() made their blobs durable (a record never refers to a
	 * blob that a power cut could lose); a kill loses them, and the
	 * re-run fetches those objects again */
	cJSON *pending[BATCH];
	struct exp_kind *pending_kind[BATCH];
	blob_job *pending_job[BATCH];
	int npending;
	blob_writer bw;
	const char *phase;	/* "export", or "validation" (export_opts.phase) */
	dbx_err fatal_err;
	int dead;		/* a failure could not be recorded: stopped */
	dbx_err dead_err;
};

enum fetch_what { F_GET, F_GET_MORE, F_PERMS, F_EXTRA, F_CONTENT };

typedef struct exp_obj {
	exp_kind *ek;
	cJSON *obj;		/* list item, then the get reply */
	cJSON *acl;
	cJSON *extra[MAX_EXTRAS];
	char extra_none[MAX_EXTRAS];	/* a "whole" extra answered 404: left out */
	char *content;		/* decoded notebook/file source */
	size_t content_len;
	int has_blob;		/* content handed to the blob writer */
	char id[ID_MAX];
	char *name;		/* key as seen in the list (workspace: the path) */
	int pending;
	int failed;
	dbx_err err;
} exp_obj;

typedef struct fetch_ctx {
	exp_obj *o;
	enum fetch_what what;
	int extra;		/* index into k->extras */
} fetch_ctx;

typedef struct list_ctx {
	exp_kind *ek;
	char *dir;		/* tree: the directory listed */
} list_ctx;

static void list_next(exp_kind *ek);
static void tree_pump(exp_kind *ek);

static void count_skip(exp_kind *ek, const char *why)
{
	int i;

	ek->skipped++;
	progress_tick(ek->prog, PROG_SKIP);
	for (i = 0; i < MAX_REASONS && ek->reasons[i].why; i++)
		if (strcmp(ek->reasons[i].why, why) == 0)
			break;
	if (i == MAX_REASONS)
		i = MAX_REASONS - 1;
	if (!ek->reasons[i].why)
		ek->reasons[i].why = why;
	ek->reasons[i].n++;
}

/* Records a failed object in logs/failed_<phase>_<kind>.jsonl. When even
 * that cannot be written the run stops, as import does on its journal:
 * nothing queued is sent any more and the run exits 1 with the reason. */
static void exp_fail(exp_run *run, const char *kind, const char *key, const dbx_err *e)
{
	dbx_err ferr;

	if (run->dead || !store_fail(run->st, run->phase, kind, key, e, &ferr))
		return;
	run->dead = 1;
	run->dead_err = ferr;
	err_prefix(&run->dead_err, "%s stopped, the session cannot be written", run->phase);
	if (run->w)
		http_abort(run->w, &run->dead_err);
}

/* A list-level failure (a page or a directory listing): logged under a key
 * that says so; 401 means the credentials were refused: fatal. */
static void list_failed(exp_kind *ek, const char *what, const dbx_err *e)
{
	if (e->cls == ERR_AUTH || e->http_status == 401) {
		if (!ek->run->fatal) {
			ek->run->fatal = 1;
			ek->run->fatal_err = *e;
		}
		return;
	}
	exp_fail(ek->run, ek->k->name, what, e);
	ek->failed++;
	progress_tick(ek->prog, PROG_FAIL);
}

/* ---- base64 (workspace export content) ---- */
static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Decodes s into a malloc'd buffer; -1 on a character outside base64. */
static int b64_decode(const char *s, char **out, size_t *len)
{
	size_t n = strlen(s), o = 0;
	unsigned acc = 0;
	int bits = 0;
	char *buf = malloc(n / 4 * 3 + 4);

	if (!buf)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int v;
		if (s[i] == '=' || s[i] == '\n' || s[i] == '\r')
			continue;
		v = b64val((unsigned char)s[i]);
		if (v < 0) {
			free(buf);
			return -1;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	buf[o] = '\0';
	*out = buf;
	*len = o;
	return 0;
}

/* ---- object completion ---- */
static void obj_free(exp_obj *o)
{
	cJSON_Delete(o->obj);
	cJSON_Delete(o->acl);
	for (int i = 0; i < MAX_EXTRAS; i++)
		cJSON_Delete(o->extra[i]);
	free(o->content);
	free(o->name);
	free(o);
}

static void obj_fail(exp_obj *o, const dbx_err *e, const char *what)
{
	if (o->failed)
		return;
	o->failed = 1;
	o->err = *e;
	if (what)
		err_prefix(&o->err, "%s", what);
}

/* Makes the pending blobs durable, then appends their records. */
static void flush_pending(exp_run *run)
{
	dbx_err e;
	int synced;

	if (!run->npending)
		return;
	for (int i = 0; i < run->npending; i++)
		blob_writer_wait(&run->bw, run->pending_job[i]);
	synced = store_sync(run->st, &e) == 0;
	for (int i = 0; i < run->npending; i++) {
		exp_kind *ek = run->pending_kind[i];
		cJSON *rec = run->pending[i];
		blob_job *j = run->pending_job[i];
		if (j->failed)
			e = j->err;
		if (j->failed || !synced || jsonl_out_put(ek->out, rec, &e)) {
			const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "key"));
			exp_fail(run, ek->k->name, key ? key : "?", &e);
			ek->exported--;
			ek->failed++;
		}
		cJSON_Delete(rec);
		free(j->name);
		free(j);
	}
	run->npending = 0;
}

/* All fetches of o are done: merge, record (or log the failure), free. */
static void obj_finish(exp_obj *o)
{
	exp_kind *ek = o->ek;
	const kind_def *k = ek->k;
	exp_run *run = ek->run;
	char key[KEY_MAX + ID_MAX + 2], kb[KEY_MAX];
	const char *kk;
	cJSON *rec = NULL;
	dbx_err e;

	err_clear(&e);
	if (o->failed)
		goto failed;
	if (!cJSON_IsObject(o->obj)) {
		err_set(&o->err, ERR_PARSE, NULL, "the reply is not a JSON object");
		goto failed;
	}
	if (o->acl)
		cJSON_AddItemToObject(o->obj, "access_control_list", o->acl);
	o->acl = NULL;
	for (int i = 0; k->extras && k->extras[i].dest; i++) {
		cJSON_DeleteItemFromObjectCaseSensitive(o->obj, k->extras[i].dest);
		if (o->extra_none[i])
			continue;
		cJSON_AddItemToObject(o->obj, k->extras[i].dest,
				      o->extra[i] ? o->extra[i] : cJSON_CreateArray());
		o->extra[i] = NULL;
	}
	if (k->finish)
		k->finish(o->obj);
	{
		/* a "\u0000" in the reply (read as HTTP_NUL_MARK): no request
		 * could carry the object to the target as it is */
		char where[600];
		if (http_nul_find(o->obj, where, sizeof where)) {
			err_set(&o->err, ERR_PARSE, NULL, "%s holds a NUL byte (\\u0000), which the target "
				"cannot be given: not exported (fix it in the source workspace)",
				where[0] ? where : "the object");
			goto failed;
		}
	}

	kk = kind_key_of(k, o->obj, kb, sizeof kb);
	if (!kk && k->key_unique) {
		err_set(&o->err, ERR_PARSE, NULL, "no usable \"%s\" (the natural key)", k->key_field);
		goto failed;
	}
	snprintf(key, sizeof key, "%s", kk ? kk : "");
	/* Names that the API lets repeat get the id appended when taken, so
	 * that two jobs called "nightly" are two records. */
	if (!kk || (!k->key_unique && jsonl_out_has(ek->out, key)))
		snprintf(key, sizeof key, "%s#%s", kk ? kk : "", o->id);
	if (jsonl_out_has(ek->out, key)) {
		/* same key, other id: the object was replaced since an earlier run */
		log_warn("export: %s '%s' is already in the session under another id; kept the first",
			 k->name, key);
		ek->already++;
		goto out;
	}
	if (o->content) {
		blob_job *j = calloc(1, sizeof *j);
		if (!j || !(j->name = strdup(key))) {
			free(j);
			err_set(&o->err, ERR_IO, NULL, "out of memory");
			goto failed;
		}
		j->data = o->content;
		j->len = o->content_len;
		o->content = NULL;
		run->pending_job[run->npending] = j;
		blob_writer_put(&run->bw, j);
		o->has_blob = 1;
	}
	rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "key", key);
	if (k->id_field)
		cJSON_AddItemToObject(rec, "id", cJSON_Duplicate(kind_get_path(o->obj, k->id_field), 1));
	else
		cJSON_AddNullToObject(rec, "id");
	if (!cJSON_GetObjectItemCaseSensitive(rec, "id"))
		cJSON_AddNullToObject(rec, "id");
	cJSON_AddItemToObject(rec, "object", o->obj);
	o->obj = NULL;
	if (o->has_blob) {
		run->pending[run->npending] = rec;
		run->pending_kind[run->npending++] = ek;
		rec = NULL;
		strset_add(&ek->done, o->id);
		ek->exported++;
		progress_tick(ek->prog, PROG_OK);
		if (run->npending == BATCH)
			flush_pending(run);
		goto out;
	}
	if (jsonl_out_put(ek->out, rec, &e)) {
		o->err = e;
		goto failed;
	}
	strset_add(&ek->done, o->id);
	ek->exported++;
	progress_tick(ek->prog, PROG_OK);
	goto out;
failed:
	http_nul_shown(o->name ? o->name : o->id, key, sizeof key);
	err_prefix(&o->err, "%s '%s'", k->singular, key);
	exp_fail(run, k->name, key, &o->err);
	ek->failed++;
	progress_tick(ek->prog, PROG_FAIL);
out:
	cJSON_Delete(rec);
	ek->inflight--;
	obj_free(o);
	if (k->paging == KIND_PAGE_TREE || k->parent)
		tree_pump(ek);
	else if (ek->list_deferred && ek->inflight <= run->high_water / 2)
		list_next(ek);
}

static void obj_done_one(exp_obj *o)
{
	if (--o->pending == 0)
		obj_finish(o);
}

/* ---- per-object fetches ---- */
static void fetch_cb(ws *w, void *ud, cJSON *json, const dbx_err *err);

static int submit_fetch(exp_obj *o, enum fetch_what what, int extra, const char *path,
			const char *query)
{
	fetch_ctx *c = malloc(sizeof *c);

	if (!c)
		return -1;
	c->o = o;
	c->what = what;
	c->extra = extra;
	o->pending++;
	if (http_submit(o->ek->run->w, "GET", path, query, NULL, 0, fetch_cb, c)) {
		o->pending--;
		free(c);
		return -1;
	}
	return 0;
}

/* query "param=<escaped value>[&page_token=<escaped>]" into buf */
static int make_query(char *buf, size_t size, const char *param, const char *value,
		      const char *extra_param, const char *extra_value)
{
	char *v = http_escape(value), *x = extra_value ? http_escape(extra_value) : NULL;
	int n, rc = 0;

	if (!v || (extra_value && !x)) {
		rc = -1;
		goto out;
	}
	if (x)
		n = snprintf(buf, size, "%s=%s&%s=%s", param, v, extra_param, x);
	else
		n = snprintf(buf, size, "%s=%s", param, v);
	if (n < 0 || (size_t)n >= size)
		rc = -1;
out:
	free(v);
	free(x);
	return rc;
}

static int submit_get(exp_obj *o, const char *page_token)
{
	const kind_def *k = o->ek->k;
	char path[1024], query[2048];
	const char *brace = strstr(k->get_path, "{id}");

	if (brace) {
		char *v = http_escape(o->id);
		int n;
		if (!v)
			return -1;
		n = snprintf(path, sizeof path, "%.*s%s%s", (int)(brace - k->get_path), k->get_path,
			     v, brace + 4);
		free(v);
		if (n < 0 || (size_t)n >= sizeof path)
			return -1;
		if (page_token && make_query(query, sizeof query, "page_token", page_token, NULL, NULL))
			return -1;
		return submit_fetch(o, page_token ? F_GET_MORE : F_GET, 0, path,
				    page_token ? query : NULL);
	}
	if (make_query(query, sizeof query, k->get_param, o->id, page_token ? "page_token" : NULL,
		       page_token))
		return -1;
	return submit_fetch(o, page_token ? F_GET_MORE : F_GET, 0, k->get_path, query);
}

/* Appends the arrays named in get_more from a later page of a get. */
static void merge_more(const kind_def *k, cJSON *into, cJSON *page)
{
	for (size_t i = 0; k->get_more[i]; i++) {
		const char *path = k->get_more[i], *dot = strrchr(path, '.');
		char parent[128];
		cJSON *src, *dst, *pdst;

		src = (cJSON *)kind_get_path(page, path);
		if (!cJSON_IsArray(src))
			continue;
		if (dot) {
			snprintf(parent, sizeof parent, "%.*s", (int)(dot - path), path);
			pdst = (cJSON *)kind_get_path(into, parent);
		} else {
			pdst = into;
		}
		if (!cJSON_IsObject(pdst))
			continue;
		dst = cJSON_GetObjectItemCaseSensitive(pdst, dot ? dot + 1 : path);
		if (!cJSON_IsArray(dst)) {
			dst = cJSON_CreateArray();
			cJSON_DeleteItemFromObjectCaseSensitive(pdst, dot ? dot + 1 : path);
			cJSON_AddItemToObject(pdst, dot ? dot + 1 : path, dst);
		}
		while (src->child) {
			cJSON *it = cJSON_DetachItemViaPointer(src, src->child);
			cJSON_AddItemToArray(dst, it);
		}
	}
}

/* The next_page_token of a paged get, or NULL when it is the last page. */
static const char *get_token(const cJSON *reply)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(reply, "next_page_token");

	return cJSON_IsString(t) && t->valuestring[0] ? t->valuestring : NULL;
}

static cJSON *extra_array(const kind_extra *x, cJSON *reply)
{
	cJSON *arr = cJSON_CreateArray(), *src = cJSON_GetObjectItemCaseSensitive(reply, x->field);

	if (!cJSON_IsArray(src))
		return arr;
	while (src->child) {
		cJSON *it = cJSON_DetachItemViaPointer(src, src->child);
		if (x->skip_if_true && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, x->skip_if_true))) {
			cJSON_Delete(it);
			continue;
		}
		if (x->unwrap) {
			cJSON *inner = cJSON_DetachItemFromObjectCaseSensitive(it, x->unwrap);
			cJSON_Delete(it);
			if (!inner)
				continue;
			it = inner;
		}
		if (x->mark && cJSON_IsObject(it)) {
			cJSON_DeleteItemFromObjectCaseSensitive(it, x->mark);
			cJSON_AddStringToObject(it, x->mark, x->mark_value);
		}
		cJSON_AddItemToArray(arr, it);
	}
	return arr;
}

static void fetch_cb(ws *w, void *ud, cJSON *json, const dbx_err *err)
{
	fetch_ctx *c = ud;
	exp_obj *o = c->o;
	const kind_def *k = o->ek->k;
	static const char *const what[] = { "get", "get (next page)", "permissions", "extra",
		"export" };

	(void)w;
	if (!json && c->what == F_EXTRA && k->extras[c->extra].whole && err->http_status == 404) {
		/* an optional part the object does not have (an unpublished
		 * dashboard): left out of the record */
		o->extra_none[c->extra] = 1;
		goto out;
	}
	if (!json) {
		if (err->cls == ERR_AUTH || err->http_status == 401) {
			if (!o->ek->run->fatal) {
				o->ek->run->fatal = 1;
				o->ek->run->fatal_err = *err;
			}
		}
		obj_fail(o, err, c->what == F_EXTRA ? k->extras[c->extra].path : what[c->what]);
		goto out;
	}
	if (o->failed) {
		cJSON_Delete(json);
		goto out;
	}
	switch (c->what) {
	case F_GET:
	case F_GET_MORE: {
		const char *tok;
		char tokbuf[1024];
		if (c->what == F_GET) {
			cJSON_Delete(o->obj);
			o->obj = json;
		} else {
			merge_more(k, o->obj, json);
		}
		tok = k->get_more ? get_token(json) : NULL;
		if (tok && snprintf(tokbuf, sizeof tokbuf, "%s", tok) < (int)sizeof tokbuf) {
			if (c->what == F_GET_MORE)
				cJSON_Delete(json);
			if (submit_get(o, tokbuf)) {
				dbx_err e;
				err_set(&e, ERR_FAILED, NULL, "cannot queue the next page of the get");
				obj_fail(o, &e, NULL);
			}
			json = NULL;
		} else if (c->what == F_GET_MORE) {
			cJSON_Delete(json);
		}
		if (!tok || c->what == F_GET) {
			cJSON_DeleteItemFromObjectCaseSensitive(o->obj, "next_page_token");
			cJSON_DeleteItemFromObjectCaseSensitive(o->obj, "has_more");
		}
		break;
	}
	case F_PERMS: {
		cJSON *acl = cJSON_DetachItemFromObjectCaseSensitive(json, "access_control_list");
		cJSON_Delete(json);
		o->acl = cJSON_IsArray(acl) ? acl : (cJSON_Delete(acl), cJSON_CreateArray());
		break;
	}
	case F_EXTRA:
		if (k->extras[c->extra].whole) {
			o->extra[c->extra] = json;
			break;
		}
		o->extra[c->extra] = extra_array(&k->extras[c->extra], json);
		cJSON_Delete(json);
		break;
	case F_CONTENT: {
		const cJSON *ct = cJSON_GetObjectItemCaseSensitive(json, "content");
		if (!cJSON_IsString(ct) || b64_decode(ct->valuestring, &o->content, &o->content_len)) {
			dbx_err e;
			err_set(&e, ERR_PARSE, "GET /api/2.0/workspace/export",
				"\"content\" is missing or not base64");
			obj_fail(o, &e, NULL);
		}
		cJSON_Delete(json);
		break;
	}
	}
out:
	free(c);
	obj_done_one(o);
}

/* Starts the fetches of one listed item (consumed). */
static void obj_start(exp_kind *ek, cJSON *item)
{
	const kind_def *k = ek->k;
	char idb[ID_MAX], pq[ID_MAX + 64], path[3 * KEY_MAX + 64];
	const char *id = kind_id_of(k, item, idb, sizeof idb), *why, *ptype = k->perm_type;
	exp_obj *o;
	dbx_err e;

	if (!id) {
		char kb[KEY_MAX];
		err_set(&e, ERR_PARSE, NULL, "listed %s has no usable \"%s\"", k->singular,
			k->id_field ? k->id_field : k->key_field);
		exp_fail(ek->run, k->name, kind_key_of(k, item, kb, sizeof kb) ? kb : "(unnamed)", &e);
		ek->failed++;
		progress_tick(ek->prog, PROG_FAIL);
		cJSON_Delete(item);
		return;
	}
	if (strset_has(&ek->done, id)) {
		ek->already++;
		cJSON_Delete(item);
		return;
	}
	if (k->skip && (why = k->skip(item))) {
		count_skip(ek, why);
		cJSON_Delete(item);
		return;
	}
	o = calloc(1, sizeof *o);
	if (!o) {
		cJSON_Delete(item);
		return;
	}
	o->ek = ek;
	o->obj = item;
	snprintf(o->id, sizeof o->id, "%s", id);
	{
		char kb[KEY_MAX];
		if (kind_key_of(k, item, kb, sizeof kb) && !(o->name = strdup(kb))) {
			cJSON_Delete(item);
			free(o);
			return;
		}
	}
	ek->inflight++;
	o->pending = 1;	/* held until every fetch is queued */
	if (k->perm_by_type)
		ptype = kind_ws_perm_type(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item,
												"object_type")));
	if (k->get_path && submit_get(o, NULL))
		goto queue_failed;
	if (ptype) {
		char *v = http_escape(id);
		int n = v ? snprintf(pq, sizeof pq, "/api/2.0/permissions/%s/%s", ptype, v) : -1;
		free(v);
		if (n < 0 || (size_t)n >= sizeof pq || submit_fetch(o, F_PERMS, 0, pq, NULL))
			goto queue_failed;
	}
	for (int i = 0; k->extras && k->extras[i].dest && i < MAX_EXTRAS; i++) {
		const kind_extra *x = &k->extras[i];
		char xb[ID_MAX];
		const cJSON *fv = kind_get_path(item, x->from);
		const char *v = cJSON_IsString(fv) ? fv->valuestring
			: cJSON_IsNumber(fv) ? (snprintf(xb, sizeof xb, "%.0f", fv->valuedouble), xb) : NULL;
		const char *brace = x->path ? strstr(x->path, "{id}") : NULL;
		if (v && brace) {
			/* the value goes in the path: .../{id}/published */
			char xp[3 * KEY_MAX + 64], *ev = http_escape(v);
			int n = ev ? snprintf(xp, sizeof xp, "%.*s%s%s", (int)(brace - x->path), x->path,
					      ev, brace + 4) : -1;
			free(ev);
			if (n < 0 || (size_t)n >= sizeof xp || submit_fetch(o, F_EXTRA, i, xp, NULL))
				goto queue_failed;
			continue;
		}
		if (!v || make_query(path, sizeof path, x->param, v, NULL, NULL) ||
		    submit_fetch(o, F_EXTRA, i, x->path, path))
			goto queue_failed;
	}
	if (k->paging == KIND_PAGE_TREE) {
		const char *ot = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, "object_type"));
		if (ot && (strcmp(ot, "NOTEBOOK") == 0 || strcmp(ot, "FILE") == 0)) {
			if (!o->name || make_query(path, sizeof path, "path", o->name, "format", "SOURCE") ||
			    submit_fetch(o, F_CONTENT, 0, "/api/2.0/workspace/export", path))
				goto queue_failed;
		}
	}
	obj_done_one(o);
	return;
queue_failed:
	err_set(&e, ERR_FAILED, NULL, "cannot queue its requests (out of memory or name too long)");
	obj_fail(o, &e, NULL);
	obj_done_one(o);
}

/* ---- lists ---- */
static void list_cb(ws *w, void *ud, cJSON *json, const dbx_err *err);

static int list_submit(exp_kind *ek, const char *dir)
{
	const kind_def *k = ek->k;
	char q[3 * KEY_MAX + 256];
	size_t n = 0;
	list_ctx *c;

#define QADD(...) do { \
		int m_ = snprintf(q + n, sizeof q - n, "%s", n ? "&" : ""); \
		if (m_ < 0 || (size_t)m_ >= sizeof q - n) return -1; \
		n += (size_t)m_; \
		m_ = snprintf(q + n, sizeof q - n, __VA_ARGS__); \
		if (m_ < 0 || (size_t)m_ >= sizeof q - n) return -1; \
		n += (size_t)m_; \
	} while (0)

	q[0] = '\0';
	if (k->list_query)
		QADD("%s", k->list_query);
	if (k->parent) {
		/* listed per parent: the "directory" is the parent's query
		 * (catalog_name=x[&page_token=t]) */
		QADD("%s", dir);
		goto submit;
	}
	switch (k->paging) {
	case KIND_PAGE_SCIM:
		QADD("startIndex=%ld", ek->next_start);
		if (k->page_size)
			QADD("count=%d", k->page_size);
		break;
	case KIND_PAGE_NUMBER:
		QADD("page=%ld", ek->next_start);
		if (k->page_size)
			QADD("page_size=%d", k->page_size);
		break;
	case KIND_PAGE_TOKEN:
	case KIND_PAGE_HAS_MORE:
		if (k->page_size)
			QADD("%s=%d", k->paging == KIND_PAGE_TOKEN ? "page_size" : "limit", k->page_size);
		/* fall through */
	case KIND_PAGE_REPOS:
		if (ek->next_token) {
			char *t = http_escape(ek->next_token);
			if (!t)
				return -1;
			/* repos take the token back under the reply's name */
			QADD("%s=%s", k->paging == KIND_PAGE_REPOS ? "next_page_token" : "page_token", t);
			free(t);
		}
		break;
	case KIND_PAGE_TREE: {
		char *t = http_escape(dir);
		if (!t)
			return -1;
		QADD("path=%s", t);
		free(t);
		break;
	}
	case KIND_PAGE_NONE:
		break;
	}
submit:
#undef QADD
	c = calloc(1, sizeof *c);
	if (!c)
		return -1;
	c->ek = ek;
	if (dir && !(c->dir = strdup(dir))) {
		free(c);
		return -1;
	}
	if (http_submit(ek->run->w, "GET", k->list_path, n ? q : NULL, NULL, 0, list_cb, c)) {
		free(c->dir);
		free(c);
		return -1;
	}
	return 0;
}

/* Asks for the next page of a paged list, unless too much is in flight. */
static void list_next(exp_kind *ek)
{
	dbx_err e;

	if (ek->list_done || ek->list_busy)
		return;
	if (ek->inflight > ek->run->high_water) {
		ek->list_deferred = 1;
		return;
	}
	ek->list_deferred = 0;
	if (list_submit(ek, NULL)) {
		err_set(&e, ERR_FAILED, NULL, "cannot queue the list request");
		list_failed(ek, "(list)", &e);
		ek->list_done = 1;
		return;
	}
	ek->list_busy = 1;
}

static int push_dir(exp_kind *ek, const char *dir)
{
	if (ek->ndirs == ek->capdirs) {
		size_t nc = ek->capdirs ? ek->capdirs * 2 : 64;
		char **nd = realloc(ek->dirs, nc * sizeof *nd);
		if (!nd)
			return -1;
		ek->dirs = nd;
		ek->capdirs = nc;
	}
	if (!(ek->dirs[ek->ndirs] = strdup(dir)))
		return -1;
	ek->ndirs++;
	return 0;
}

/* Lists more directories while there is room: depth first (a stack), so
 * the pending set stays small. */
static void tree_pump(exp_kind *ek)
{
	exp_run *run = ek->run;

	while (ek->ndirs && ek->dirs_busy < 4 && ek->inflight <= run->high_water) {
		char *d = ek->dirs[--ek->ndirs];
		if (list_submit(ek, d)) {
			dbx_err e;
			err_set(&e, ERR_FAILED, NULL, "cannot queue the listing");
			list_failed(ek, d, &e);
		} else {
			ek->dirs_busy++;
		}
		free(d);
	}
}

/* Workspace objects that are not exported as workspace objects. */
static const char *tree_skip(const char *type, const char *path)
{
	if (strcmp(path, "/Repos") == 0 || strncmp(path, "/Repos/", 7) == 0 || strcmp(type, "REPO") == 0)
		return "in /Repos (exported as repos)";
	if (strcmp(type, "DASHBOARD") == 0)
		return "Lakeview dashboard (exported as dashboards)";
	if (!kind_ws_perm_type(type))
		return strcmp(type, "LIBRARY") == 0 ? "workspace library" : "other workspace object";
	return NULL;
}

/* 1 when path is a proper child of dir: a listing that names anything
 * else (itself, a parent, a sibling tree) would make the walk loop or
 * wander, so it is refused. */
static int tree_child(const char *dir, const char *path)
{
	size_t n = strcmp(dir, "/") == 0 ? 0 : strlen(dir);
	const char *name = path + n + 1;

	if (strncmp(path, dir, n) != 0 || path[n] != '/' || !*name || strchr(name, '/'))
		return 0;
	return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static void tree_items(exp_kind *ek, const char *dir, cJSON *arr)
{
	while (arr->child) {
		cJSON *it = cJSON_DetachItemViaPointer(arr, arr->child);
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "object_type"));
		const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "path"));
		const char *why;

		if (!type || !path) {
			dbx_err e;
			err_set(&e, ERR_PARSE, "GET /api/2.0/workspace/list",
				"listed object without path or object_type");
			exp_fail(ek->run, ek->k->name, path ? path : "(unnamed)", &e);
			ek->failed++;
			progress_tick(ek->prog, PROG_FAIL);
			cJSON_Delete(it);
			continue;
		}
		if (strstr(path, HTTP_NUL_MARK)) {
			/* "\u0000" in the listing: no file, blob or API call can
			 * name it; named with the NUL escaped */
			char shown[2048];
			http_nul_shown(path, shown, sizeof shown);
			dbx_err e;
			err_set(&e, ERR_PARSE, "GET /api/2.0/workspace/list",
				"the listing of %s names \"%s\", a path with a NUL byte: it cannot be "
				"exported (rename it in the source workspace)", dir, shown);
			exp_fail(ek->run, ek->k->name, shown, &e);
			ek->failed++;
			progress_tick(ek->prog, PROG_FAIL);
			cJSON_Delete(it);
			continue;
		}
		if (!tree_child(dir, path)) {
			dbx_err e;
			err_set(&e, ERR_PARSE, "GET /api/2.0/workspace/list",
				"the listing of %s names %s, which is not a child of it (ignored)", dir,
				path);
			exp_fail(ek->run, ek->k->name, path, &e);
			ek->failed++;
			progress_tick(ek->prog, PROG_FAIL);
			cJSON_Delete(it);
			continue;
		}
		if ((why = tree_skip(type, path))) {
			count_skip(ek, why);
			cJSON_Delete(it);
			continue;
		}
		if (strcmp(type, "DIRECTORY") == 0 && push_dir(ek, path)) {
			dbx_err e;
			err_set(&e, ERR_FAILED, NULL, "out of memory");
			list_failed(ek, path, &e);
		}
		obj_start(ek, it);
	}
}

/* For each selected kind listed per object of ek's kind (UC schemas per
 * catalog), queues the list query of every item of this page. */
static void child_dirs(exp_kind *ek, const cJSON *arr)
{
	exp_run *run = ek->run;
	const cJSON *it;

	for (size_t i = 0; arr && i < kind_count(); i++) {
		exp_kind *ck = &run->kinds[i];
		const kind_def *c = kind_at(i);
		if (!ck->opened || !c->parent || strcmp(c->parent, ek->k->name) != 0)
			continue;
		cJSON_ArrayForEach(it, arr) {
			char q[3 * KEY_MAX + 64];
			size_t n = 0;
			int ok = 1;
			for (const char *const *pq = c->parent_query; pq && pq[0] && ok; pq += 2) {
				const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, pq[1]));
				char *esc = v ? http_escape(v) : NULL;
				int m = esc ? snprintf(q + n, sizeof q - n, "%s%s=%s", n ? "&" : "", pq[0], esc) : -1;
				free(esc);
				if (m < 0 || (size_t)m >= sizeof q - n)
					ok = 0;
				else
					n += (size_t)m;
			}
			if (!ok || !n)
				continue;	/* an item without the field names no parent */
			if (push_dir(ck, q)) {
				dbx_err e;
				err_set(&e, ERR_FAILED, NULL, "cannot queue the listing");
				list_failed(ck, q, &e);
			}
		}
		tree_pump(ck);
	}
}

static void list_cb(ws *w, void *ud, cJSON *json, const dbx_err *err)
{
	list_ctx *c = ud;
	exp_kind *ek = c->ek;
	const kind_def *k = ek->k;
	cJSON *arr;
	long got = 0;

	(void)w;
	if (k->paging == KIND_PAGE_TREE || k->parent)
		ek->dirs_busy--;
	else
		ek->list_busy = 0;
	if (!json) {
		list_failed(ek, c->dir ? c->dir : "(list)", err);
		if (k->paging != KIND_PAGE_TREE && !k->parent)
			ek->list_done = 1;
		goto out;
	}
	arr = cJSON_GetObjectItemCaseSensitive(json, k->list_field);
	if (arr && !cJSON_IsArray(arr)) {
		dbx_err e;
		err_set(&e, ERR_PARSE, k->list_path, "\"%s\" is not an array", k->list_field);
		list_failed(ek, c->dir ? c->dir : "(list)", &e);
		if (k->paging != KIND_PAGE_TREE && !k->parent)
			ek->list_done = 1;
		goto out;
	}
	got = arr ? cJSON_GetArraySize(arr) : 0;
	child_dirs(ek, arr);
	if (k->parent) {
		/* one parent's page: the next page of the same parent is
		 * another "directory"; an empty page with a token goes on */
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(json, "next_page_token");
		if (cJSON_IsString(t) && t->valuestring[0] && c->dir) {
			char *esc = http_escape(t->valuestring), *nd = NULL;
			const char *pt = strstr(c->dir, "&page_token=");
			size_t base = pt ? (size_t)(pt - c->dir) : strlen(c->dir);
			if (esc && (nd = malloc(base + strlen(esc) + 16))) {
				memcpy(nd, c->dir, base);
				snprintf(nd + base, strlen(esc) + 16, "&page_token=%s", esc);
			}
			if (!nd || push_dir(ek, nd)) {
				dbx_err e;
				err_set(&e, ERR_FAILED, NULL, "cannot queue the next page");
				list_failed(ek, c->dir, &e);
			}
			free(nd);
			free(esc);
		}
		while (arr && arr->child)
			obj_start(ek, cJSON_DetachItemViaPointer(arr, arr->child));
		goto out;
	}
	/* the next page first: it then travels with this page's fetches */
	if (k->paging != KIND_PAGE_TREE) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(json, "next_page_token");
		const cJSON *more = cJSON_GetObjectItemCaseSensitive(json, "has_more");
		const cJSON *total = cJSON_GetObjectItemCaseSensitive(json, "totalResults");
		free(ek->next_token);
		ek->next_token = NULL;
		switch (k->paging) {
		case KIND_PAGE_SCIM:
			ek->next_start += got;
			ek->list_done = got == 0 ||
				(cJSON_IsNumber(total) && (double)(ek->next_start - 1) >= total->valuedouble);
			if (cJSON_IsNumber(total))
				progress_set_total(ek->prog, (long)total->valuedouble);
			break;
		case KIND_PAGE_NUMBER: {
			/* pages of page_size until count objects were answered */
			const cJSON *cnt = cJSON_GetObjectItemCaseSensitive(json, "count");
			const cJSON *psz = cJSON_GetObjectItemCaseSensitive(json, "page_size");
			double size = cJSON_IsNumber(psz) && psz->valuedouble >= 1 ? psz->valuedouble
				: (double)(k->page_size ? k->page_size : 25);
			ek->list_done = got == 0 || !cJSON_IsNumber(cnt) ||
				(double)ek->next_start * size >= cnt->valuedouble;
			ek->next_start++;
			if (cJSON_IsNumber(cnt))
				progress_set_total(ek->prog, (long)cnt->valuedouble);
			break;
		}
		case KIND_PAGE_HAS_MORE:
			/* has_more:false ends it even when a token is sent; without
			 * has_more, the token decides */
			ek->list_done = cJSON_IsFalse(more) || !cJSON_IsString(t) || !t->valuestring[0];
			break;
		case KIND_PAGE_TOKEN:
		case KIND_PAGE_REPOS:
			ek->list_done = !cJSON_IsString(t) || !t->valuestring[0];
			break;
		default:
			ek->list_done = 1;
		}
		if (!ek->list_done && cJSON_IsString(t))
			ek->next_token = strdup(t->valuestring);
		if (!ek->list_done && k->paging != KIND_PAGE_SCIM && k->paging != KIND_PAGE_NUMBER &&
		    !ek->next_token)
			ek->list_done = 1;
		ek->inflight += (int)got;	/* count this page before deciding */
		list_next(ek);
		ek->inflight -= (int)got;
		while (arr && arr->child)
			obj_start(ek, cJSON_DetachItemViaPointer(arr, arr->child));
		/* A page whose objects were all recorded by an earlier run starts
		 * no fetch, so no finishing object will ask for the deferred next
		 * page: ask now (a resumed export stopped after one page). */
		if (ek->list_deferred && ek->inflight <= ek->run->high_water / 2)
			list_next(ek);
	} else if (arr) {
		tree_items(ek, c->dir, arr);
	}
out:
	cJSON_Delete(json);
	if (k->paging == KIND_PAGE_TREE || k->parent)
		tree_pump(ek);
	free(c->dir);
	free(c);
}

/* ---- the run ---- */
static int load_done(exp_kind *ek, dbx_err *err)
{
	jsonl_in *in = store_read(ek->run->st, ek->run->phase, ek->k->name, err);
	cJSON *rec;

	if (!in)
		return -1;
	while ((rec = jsonl_in_next(in))) {
		char b[ID_MAX];
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(rec, "id");
		const char *s = NULL;
		if (cJSON_IsString(id))
			s = id->valuestring;
		else if (cJSON_IsNumber(id))
			s = (snprintf(b, sizeof b, "%lld", (long long)id->valuedouble), b);
		else
			s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "key"));
		if (s && strset_add(&ek->done, s)) {
			cJSON_Delete(rec);
			jsonl_in_close(in);
			return err_set(err, ERR_IO, NULL, "out of memory");
		}
		cJSON_Delete(rec);
	}
	jsonl_in_close(in);
	return 0;
}

const char *export_cloud_from_host(const char *host)
{
	const char *h = strstr(host, "://"), *end;
	char name[256];
	size_t n;

	h = h ? h + 3 : host;
	end = h + strcspn(h, ":/");
	n = (size_t)(end - h);
	if (n >= sizeof name)
		n = sizeof name - 1;
	memcpy(name, h, n);
	name[n] = '\0';
	for (char *p = name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (cfg_host_is_loopback(host))
		return NULL;
	n = strlen(name);
#define ENDS(s) (n >= sizeof(s) - 1 && strcmp(name + n - (sizeof(s) - 1), s) == 0)
	if (ENDS("azuredatabricks.net"))
		return "azure";
	if (ENDS("gcp.databricks.com"))
		return "gcp";
#undef ENDS
	return "aws";
}

static void now_iso(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static cJSON *obj_child(cJSON *parent, const char *name)
{
	cJSON *c = cJSON_GetObjectItemCaseSensitive(parent, name);

	if (!cJSON_IsObject(c)) {
		cJSON_DeleteItemFromObjectCaseSensitive(parent, name);
		c = cJSON_AddObjectToObject(parent, name);
	}
	return c;
}

/* Records source host and cloud; refuses a session exported from another
 * workspace (the same --dir/--session is the same migration). */
static int meta_source(store *st, const char *host, const char *cloud, dbx_err *err)
{
	cJSON *meta = store_meta(st), *src = obj_child(meta, "source");
	const char *old = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(src, "host"));
	const char *oldc = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(src, "cloud"));

	if (old && strcmp(old, host) != 0)
		return err_set(err, ERR_USAGE, store_root(st),
			       "this session was exported from %s, not %s: use another --session", old,
			       host);
	if (!old)
		cJSON_AddStringToObject(src, "host", host);
	if (cloud && (!oldc || strcmp(oldc, cloud) != 0)) {
		cJSON_DeleteItemFromObjectCaseSensitive(src, "cloud");
		cJSON_AddStringToObject(src, "cloud", cloud);
	} else if (!cloud && !oldc) {
		cJSON_AddStringToObject(src, "cloud", "unknown");
	}
	return 0;
}

static void summary(exp_run *run, kind_set sel, const export_opts *o, const char *cloud)
{
	cJSON *meta = store_meta(run->st), *ex = obj_child(meta, run->phase), *kinds = obj_child(ex, "kinds");
	char ts[32];
	long tot_fail = 0;

	now_iso(ts, sizeof ts);
	cJSON_DeleteItemFromObjectCaseSensitive(ex, "finished_at");
	cJSON_AddStringToObject(ex, "finished_at", ts);
	if (!o->quiet_summary)
		printf("export of %s (%s) into %s\n%-20s %9s %6s %8s %7s\n", ws_host(run->w),
		       cloud ? cloud : "cloud unknown", store_root(run->st), "kind", "exported", "new",
		       "skipped", "failed");
	for (size_t i = 0; i < kind_count(); i++) {
		exp_kind *ek = &run->kinds[i];
		cJSON *kj, *why;
		if (!kind_in(sel, i))
			continue;
		tot_fail += ek->failed;
		kj = cJSON_CreateObject();
		cJSON_AddNumberToObject(kj, "exported", (double)ek->total);
		cJSON_AddNumberToObject(kj, "skipped", (double)ek->skipped);
		cJSON_AddNumberToObject(kj, "failed", (double)ek->failed);
		why = cJSON_AddObjectToObject(kj, "skipped_why");
		for (int r = 0; r < MAX_REASONS && ek->reasons[r].why; r++)
			cJSON_AddNumberToObject(why, ek->reasons[r].why, (double)ek->reasons[r].n);
		cJSON_DeleteItemFromObjectCaseSensitive(kinds, ek->k->name);
		cJSON_AddItemToObject(kinds, ek->k->name, kj);
		if (!o->quiet_summary) {
			printf("%-20s %9ld %6ld %8ld %7ld", ek->k->name, ek->total,
			       ek->exported, ek->skipped, ek->failed);
			for (int r = 0; r < MAX_REASONS && ek->reasons[r].why; r++)
				printf("%s%ld %s", r ? ", " : "   (skipped: ", ek->reasons[r].n,
				       ek->reasons[r].why);
			printf("%s\n", ek->reasons[0].why ? ")" : "");
		}
	}
	if (tot_fail)
		printf("%ld object(s) failed: see %s/logs/failed_%s_<kind>.jsonl\n", tot_fail,
		       store_root(run->st), run->phase);
}

/* --warehouse-id and the Hive metastore: without a warehouse the kind is
 * left out (a usage error when --only names it). Returns -1 with err for
 * the usage error; *note says when it was left out. */
static int sql_kinds_select(const export_opts *o, kind_set *sel, int *note, dbx_err *err)
{
	*note = 0;
	for (size_t i = 0; i < kind_count(); i++) {
		const kind_def *k = kind_at(i);
		if (!k->by_sql || !kind_in(*sel, i) || (o->warehouse_id && *o->warehouse_id))
			continue;
		if (hive_named(o->only))
			return err_set(err, ERR_USAGE, "--only",
				       "%s is read by SQL on a SQL warehouse: pass --warehouse-id ID "
				       "(a warehouse of the workspace)", k->name);
		*sel &= ~(1ULL << i);
		*note = 1;
	}
	return 0;
}

/* The kinds read by SQL (the Hive metastore), once the REST engine is
 * done. Returns -1 (err) only for what stops the export: authentication,
 * the session cannot be written; a warehouse that cannot run the
 * statements fails the kind, logged like a failed list. */
static int export_by_sql(exp_run *run, kind_set sel, const export_opts *o, dbx_err *err)
{
	for (size_t i = 0; i < kind_count(); i++) {
		exp_kind *ek = &run->kinds[i];
		hive_counts hc;
		dbx_err e = { 0 };
		if (!kind_in(sel, i) || !ek->k->by_sql)
			continue;
		if (hive_export(run->w, run->st, run->phase, o->warehouse_id, &hc, &e) < 0) {
			if (e.cls == ERR_IO || e.cls == ERR_AUTH || e.http_status == 401) {
				*err = e;
				return -1;
			}
			list_failed(ek, "(SHOW DATABASES)", &e);
		}
		ek->total = hc.total;
		ek->exported += hc.added;
		ek->failed += hc.failed;
		if (!strcmp(run->phase, "export")) {
			cJSON *wm = obj_child(store_meta(run->st), "warehouse");
			cJSON_DeleteItemFromObjectCaseSensitive(wm, "source");
			cJSON_AddStringToObject(wm, "source", o->warehouse_id);
		}
	}
	return 0;
}

int export_run(const export_opts *o)
{
	exp_run *run = NULL;
	cfg_profile prof;
	http_opts ho;
	kind_set sel;
	store *st = NULL;
	dbx_err err;
	const char *cloud = o->cloud;
	char ts[32];
	int rc = 2, prof_ok = 0, any_failed = 0, sql_note = 0;

	if (o->refresh)
		return export_refresh(o);
	memset(&prof, 0, sizeof prof);
	err_clear(&err);
	if (kind_select(o->only, o->skip, &sel, &err) || sql_kinds_select(o, &sel, &sql_note, &err))
		goto out;
	if (cloud && strcmp(cloud, "azure") && strcmp(cloud, "aws") && strcmp(cloud, "gcp")) {
		err_set(&err, ERR_USAGE, "--cloud", "'%s' is not one of azure, aws, gcp", cloud);
		goto out;
	}
	if (cfg_load_profile(o->profile, &prof, &err))
		goto out;
	prof_ok = 1;
	if (!cloud && !o->phase) {	/* only the source's cloud is recorded */
		cloud = export_cloud_from_host(prof.host);
		if (!cloud)
			log_warn("export: cannot tell the cloud of %s (a loopback host): recorded as "
				 "\"unknown\"; pass --cloud azure|aws|gcp to record it", prof.host);
	}
	http_opts_default(&ho);
	if (o->parallel > 0)
		ho.parallel = o->parallel;
	if (o->rate_limit >= 0)
		ho.rate_limit = o->rate_limit;
	if (!(run = calloc(1, sizeof *run))) {
		err_set(&err, ERR_IO, NULL, "out of memory");
		goto out;
	}
	run->phase = o->phase ? o->phase : "export";
	run->parallel = ho.parallel;
	run->high_water = 4 * ho.parallel + 64;
	if (store_open(&st, o->dir ? o->dir : "./migration", o->session, 1, &err))
		goto out;
	run->st = st;
	/* Reading the target back for validate: the session's source stays. */
	if (!strcmp(run->phase, "export") && meta_source(st, prof.host, cloud, &err))
		goto out;
	now_iso(ts, sizeof ts);
	{
		cJSON *ex = obj_child(store_meta(st), run->phase);
		cJSON_DeleteItemFromObjectCaseSensitive(ex, "started_at");
		cJSON_AddStringToObject(ex, "started_at", ts);
		cJSON_DeleteItemFromObjectCaseSensitive(ex, "finished_at");
	}
	if (store_meta_save(st, &err))
		goto out;
	store_blob_defer_sync(st, 1);
	if (blob_writer_start(&run->bw, st, run->phase)) {
		err_set(&err, ERR_IO, NULL, "cannot start the blob writer thread");
		goto out;
	}
	if (ws_open(&run->w, &prof, &ho, &err))
		goto out;

	for (size_t i = 0; i < kind_count(); i++) {
		exp_kind *ek = &run->kinds[i];
		ek->run = run;
		ek->k = kind_at(i);
		ek->next_start = 1;
		if (!kind_in(sel, i))
			continue;
		ek->opened = 1;
		if (ek->k->by_sql)
			continue;	/* export_by_sql writes its own file */
		ek->prog = progress_begin(run->phase, ek->k->name, -1);
		if (!(ek->out = store_append(st, run->phase, ek->k->name, &err)) || load_done(ek, &err)) {
			rc = 1;
			goto out;
		}
	}
	for (size_t i = 0; i < kind_count(); i++) {
		exp_kind *ek = &run->kinds[i];
		if (!kind_in(sel, i))
			continue;
		if (ek->k->parent || ek->k->by_sql)
			continue;	/* listed as its parents' list items arrive; by SQL after */
		if (ek->k->paging == KIND_PAGE_TREE) {
			if (push_dir(ek, "/")) {
				err_set(&err, ERR_IO, NULL, "out of memory");
				goto out;
			}
			tree_pump(ek);
		} else {
			list_next(ek);
		}
	}
	if (http_run(run->w, &err)) {
		flush_pending(run);
		rc = err.cls == ERR_AUTH || err.cls == ERR_CONFIG ? 2 : 1;
		goto out;
	}
	flush_pending(run);
	if (run->dead) {
		err = run->dead_err;
		rc = 1;
		goto out;
	}
	/* the Hive metastore by SQL once the REST kinds are in, unless the
	 * credentials were refused (by REST or by SQL: said once, below) */
	if (!run->fatal && export_by_sql(run, sel, o, &err)) {
		rc = err.cls == ERR_IO ? 1 : 2;
		goto out;
	}
	if (run->fatal) {
		err = run->fatal_err;
		err_prefix(&err, "the workspace refused the credentials");
		rc = 2;
		goto out;
	}
	for (size_t i = 0; i < kind_count(); i++) {
		exp_kind *ek = &run->kinds[i];
		if (!kind_in(sel, i) || ek->k->by_sql)
			continue;
		ek->total = jsonl_out_count(ek->out);
		if (jsonl_out_close(ek->out, &err)) {
			err_print(&err);
			any_failed = 1;
		}
		ek->out = NULL;
	}
	rc = 0;
out:
	if (run) {
		flush_pending(run);
		blob_writer_stop(&run->bw);
	}
	/* the live line goes before the summary is printed */
	for (size_t i = 0; run && i < kind_count(); i++)
		if (run->kinds[i].prog) {
			progress_end(run->kinds[i].prog);
			run->kinds[i].prog = NULL;
		}
	if (run && st) {
		int have_outs = 0;
		for (size_t i = 0; i < kind_count(); i++)
			if (run->kinds[i].opened)
				have_outs = 1;
		if (rc == 0 && have_outs) {
			summary(run, sel, o, cloud);
			if (sql_note && !o->quiet_summary)
				printf("note: hive_metastore not read: it is read by SQL on a SQL warehouse "
				       "(--warehouse-id ID)\n");
			for (size_t i = 0; i < kind_count(); i++)
				if (kind_in(sel, i) && run->kinds[i].failed)
					any_failed = 1;
			if (store_meta_save(st, &err)) {
				err_print(&err);
				any_failed = 1;
			}
		}
	}
	if (rc != 0)
		err_print(&err);
	if (run) {
		for (size_t i = 0; i < kind_count(); i++) {
			exp_kind *ek = &run->kinds[i];
			if (ek->out) {
				dbx_err e2;
				jsonl_out_close(ek->out, &e2);
			}
			strset_free(&ek->done);
			free(ek->next_token);
			for (size_t d = 0; d < ek->ndirs; d++)
				free(ek->dirs[d]);
			free(ek->dirs);
		}
		if (run->w)
			ws_close(run->w);
		free(run);
	}
	store_close(st);	/* also closes the run log store_open opened */
	if (prof_ok)
		cfg_profile_free(&prof);
	if (rc == 0 && any_failed)
		rc = 1;
	return rc;
}

/* ---- export --refresh: the source read again into refresh/, merged ---- */

typedef struct frec {
	char *id;
	cJSON *rec;
	int used;
} frec;

typedef struct refresh_ctx {
	store *st;
	idmap *ids;		/* import's journal, read-only */
	jsonl_out *log;		/* logs/refresh.jsonl */
	char started[32];
	long changed, added, gone, dropped;
} refresh_ctx;

/* A record's source id as export's checkpoint spells it (load_done). */
static const char *rec_id(const cJSON *rec, char *buf, size_t size)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(rec, "id");

	if (cJSON_IsString(id))
		return id->valuestring;
	if (cJSON_IsNumber(id)) {
		snprintf(buf, size, "%lld", (long long)id->valuedouble);
		return buf;
	}
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "key"));
}

static const char *rec_key(const cJSON *rec)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "key"));
}

/* Notebooks and files keep their content in a blob named by the key. */
static int has_content(const kind_def *k, const cJSON *rec)
{
	const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(rec, "object"), "object_type"));

	return k->paging == KIND_PAGE_TREE && t && (!strcmp(t, "NOTEBOOK") || !strcmp(t, "FILE"));
}

/* 1 when the refreshed content (refresh/ under fkey) equals the exported
 * one (export/ under okey). */
static int same_content(store *st, const char *okey, const char *fkey)
{
	char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	dbx_err e;
	int same = !store_blob_read(st, "export", okey, strlen(okey), &a, &la, &e) &&
		   !store_blob_read(st, "refresh", fkey, strlen(fkey), &b, &lb, &e) && la == lb &&
		   (la == 0 || !memcmp(a, b, la));

	free(a);
	free(b);
	return same;
}

static int copy_content(store *st, const char *fkey, const char *okey, dbx_err *err)
{
	char *data = NULL;
	size_t len = 0;
	int rc = store_blob_read(st, "refresh", fkey, strlen(fkey), &data, &len, err) ||
		 store_blob_write(st, "export", okey, strlen(okey), data, len, err) ? -1 : 0;

	free(data);
	return rc;
}

/* One change: the run log, and a line of logs/refresh.jsonl (once per
 * refresh, whatever the re-runs; an object gone is said once, by the
 * refresh that found it gone). Returns 0 for a gone object said before,
 * else 1. */
static int refresh_note(refresh_ctx *r, const char *change, const kind_def *k, const char *id,
			const char *name)
{
	char key[KEY_MAX + 256];
	dbx_err e;
	cJSON *rec;
	int gone = !strcmp(change, "gone");

	if (gone)
		snprintf(key, sizeof key, "gone/%s/%s", k->name, id);
	else
		snprintf(key, sizeof key, "%s/%s/%s/%s", r->started, change, k->name, id);
	if (!r->log && !(r->log = store_append(r->st, "logs", "refresh", &e)))
		goto bad;
	if (gone && jsonl_out_has(r->log, key))
		return 0;
	if (gone)
		log_warn("refresh: %s \"%s\" (id %s) is gone from the source: kept in the target, "
			 "never deleted", k->name, name, id);
	else
		log_info("refresh: %s %s \"%s\" (id %s)", change, k->name, name, id);
	if (jsonl_out_has(r->log, key))
		return 1;
	rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "key", key);
	cJSON_AddStringToObject(rec, "time", r->started);
	cJSON_AddStringToObject(rec, "change", change);
	cJSON_AddStringToObject(rec, "kind", k->name);
	cJSON_AddStringToObject(rec, "id", id);
	cJSON_AddStringToObject(rec, "name", name);
	if (jsonl_out_put(r->log, rec, &e)) {
		cJSON_Delete(rec);
		goto bad;
	}
	cJSON_Delete(rec);
	return 1;
bad:
	err_print(&e);
	return 1;
}

/* 1 when the two objects agree in what import would write: read-only
 * fields (a cluster's state, its last activity) are not a change. */
static int same_object(const kind_def *k, const cJSON *a, const cJSON *b)
{
	cJSON *x = cJSON_Duplicate(a, 1), *y = cJSON_Duplicate(b, 1);
	int same;

	for (const char *const *ro = k->read_only; ro && *ro && x && y; ro++) {
		kind_delete_path(x, *ro);
		kind_delete_path(y, *ro);
	}
	same = x && y && cJSON_Compare(x, y, 1);
	cJSON_Delete(x);
	cJSON_Delete(y);
	return same;
}

static int frec_cmp(const void *a, const void *b)
{
	return strcmp(((const frec *)a)->id, ((const frec *)b)->id);
}

/* The key of a changed or new record: its natural key, or "key#id" where
 * the kind's names may repeat and another record holds it. */
static const char *refresh_key(const kind_def *k, const cJSON *obj, const char *id,
			       const char *own, const strset *old_keys, const jsonl_out *out,
			       char *buf, size_t size)
{
	char kb[KEY_MAX];
	const char *kk = kind_key_of(k, obj, kb, sizeof kb);
	int free_key = kk && !jsonl_out_has(out, kk) &&
		       (k->key_unique || !strset_has(old_keys, kk) || (own && !strcmp(own, kk)));

	if (free_key)
		snprintf(buf, size, "%s", kk);
	else
		snprintf(buf, size, "%s#%s", kk ? kk : "", id);
	return buf;
}

/* Writes rec's id and object under `key` into out (a new record). */
static int put_fresh(jsonl_out *out, const char *key, const cJSON *fresh, dbx_err *err)
{
	cJSON *rec = cJSON_CreateObject();
	int rc;

	cJSON_AddStringToObject(rec, "key", key);
	cJSON_AddItemReferenceToObject(rec, "id", cJSON_GetObjectItemCaseSensitive((cJSON *)fresh, "id"));
	cJSON_AddItemReferenceToObject(rec, "object",
				       cJSON_GetObjectItemCaseSensitive((cJSON *)fresh, "object"));
	rc = jsonl_out_put(out, rec, err);
	cJSON_Delete(rec);
	return rc;
}

/* Merges refresh/<kind>.jsonl into export/<kind>.jsonl (one atomic
 * rewrite). `sure`: every object of the kind was read, so one missing
 * from refresh/ is gone from the source. */
static int merge_kind(refresh_ctx *r, const kind_def *k, int sure, dbx_err *err)
{
	frec *v = NULL;
	size_t n = 0, cap = 0;
	strset old_keys = { 0 };
	jsonl_in *in = NULL;
	jsonl_out *out = NULL;
	cJSON *rec;
	char ib[ID_MAX], key[KEY_MAX + ID_MAX + 2];
	int rc = -1, blobs = 0;

	if (!(in = store_read(r->st, "refresh", k->name, err)))
		goto out;
	while ((rec = jsonl_in_next(in))) {
		const char *id = rec_id(rec, ib, sizeof ib);
		if (!id || !rec_key(rec)) {
			cJSON_Delete(rec);
			continue;
		}
		if (n == cap) {
			frec *nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof *v);
			if (!nv) {
				cJSON_Delete(rec);
				goto oom;
			}
			v = nv;
		}
		v[n] = (frec){ strdup(id), rec, 0 };
		if (!v[n++].id)
			goto oom;
	}
	jsonl_in_close(in);
	if (n)
		qsort(v, n, sizeof *v, frec_cmp);
	if (!(in = store_read(r->st, "export", k->name, err)))
		goto out;
	while ((rec = jsonl_in_next(in))) {
		if (rec_key(rec) && strset_add(&old_keys, rec_key(rec))) {
			cJSON_Delete(rec);
			goto oom;
		}
		cJSON_Delete(rec);
	}
	jsonl_in_close(in);
	if (!(in = store_read(r->st, "export", k->name, err)) ||
	    !(out = store_rewrite(r->st, "export", k->name, err)))
		goto out;
	while ((rec = jsonl_in_next(in))) {
		const char *id = rec_id(rec, ib, sizeof ib), *okey = rec_key(rec);
		frec probe = { (char *)id, NULL, 0 }, *f = id && n ? bsearch(&probe, v, n, sizeof *v, frec_cmp)
								  : NULL;
		int put;

		if (!okey || !id) {
			cJSON_Delete(rec);
			continue;
		}
		if (!f) {
			/* gone: kept when it reached the target (validate still
			 * finds it there), dropped when it never did (import must
			 * not create it now) */
			int landed = idmap_target(r->ids, k->name, id) != NULL;
			if (sure && refresh_note(r, "gone", k, id, okey))
				r->gone++;
			put = !sure || landed ? jsonl_out_put(out, rec, err) : 0;
			r->dropped += sure && !landed;
		} else {
			f->used = 1;
			if (same_object(k, cJSON_GetObjectItemCaseSensitive(rec, "object"),
					cJSON_GetObjectItemCaseSensitive(f->rec, "object")) &&
			    (!has_content(k, f->rec) || same_content(r->st, okey, rec_key(f->rec)))) {
				put = jsonl_out_put(out, rec, err);
			} else {
				refresh_key(k, cJSON_GetObjectItemCaseSensitive(f->rec, "object"), id, okey,
					    &old_keys, out, key, sizeof key);
				put = has_content(k, f->rec) &&
				      copy_content(r->st, rec_key(f->rec), key, err) ? -1 : 0;
				blobs |= has_content(k, f->rec);
				if (!put)
					put = put_fresh(out, key, f->rec, err);
				refresh_note(r, "changed", k, id, key);
				r->changed++;
			}
		}
		cJSON_Delete(rec);
		if (put)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *fkey = rec_key(v[i].rec);
		if (v[i].used)
			continue;
		refresh_key(k, cJSON_GetObjectItemCaseSensitive(v[i].rec, "object"), v[i].id, NULL,
			    &old_keys, out, key, sizeof key);
		if (has_content(k, v[i].rec) && copy_content(r->st, fkey, key, err))
			goto out;
		blobs |= has_content(k, v[i].rec);
		if (put_fresh(out, key, v[i].rec, err))
			goto out;
		refresh_note(r, "new", k, v[i].id, key);
		r->added++;
	}
	/* the blobs a record names are on disk before the record is */
	if (blobs && store_sync(r->st, err))
		goto out;
	rc = jsonl_out_close(out, err);
	out = NULL;
	goto out;
oom:
	err_set(err, ERR_IO, k->name, "out of memory");
out:
	if (in)
		jsonl_in_close(in);
	if (out)
		jsonl_out_abort(out);
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		cJSON_Delete(v[i].rec);
	}
	free(v);
	strset_free(&old_keys);
	return rc;
}

/* session.json "refresh": {"state", ...} */
static int refresh_state(store *st, const char *state, const refresh_ctx *r, dbx_err *err)
{
	cJSON *rf = obj_child(store_meta(st), "refresh");
	char ts[32];

	cJSON_DeleteItemFromObjectCaseSensitive(rf, "state");
	cJSON_AddStringToObject(rf, "state", state);
	if (r) {
		const char *f[] = { "changed", "new", "gone" };
		long v[] = { r->changed, r->added, r->gone };
		now_iso(ts, sizeof ts);
		cJSON_DeleteItemFromObjectCaseSensitive(rf, "finished_at");
		cJSON_AddStringToObject(rf, "finished_at", ts);
		for (int i = 0; i < 3; i++) {
			cJSON_DeleteItemFromObjectCaseSensitive(rf, f[i]);
			cJSON_AddNumberToObject(rf, f[i], (double)v[i]);
		}
	}
	return store_meta_save(st, err);
}

int export_refresh(const export_opts *o)
{
	const char *dir = o->dir ? o->dir : "./migration";
	export_opts eo = *o;
	store *st = NULL;
	refresh_ctx r;
	kind_set sel;
	dbx_err err;
	char p[4096];
	int rc = 2, erc;
	const cJSON *rf;
	const char *state;

	memset(&r, 0, sizeof r);
	err_clear(&err);
	eo.refresh = 0;
	if (kind_select(o->only, o->skip, &sel, &err))
		goto out;
	if (store_open(&st, dir, o->session, 1, &err))
		goto out;
	{
		/* the source the session was exported from, nothing else */
		cfg_profile prof;
		const char *was = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(store_meta(st), "source"), "host"));
		int bad;

		memset(&prof, 0, sizeof prof);
		if (cfg_load_profile(o->profile, &prof, &err))
			goto out;
		bad = was && strcmp(was, prof.host) != 0;
		if (bad)
			err_set(&err, ERR_USAGE, store_root(st), "this session was exported from %s, "
				"not %s: --refresh re-reads the same source", was, prof.host);
		cfg_profile_free(&prof);
		if (bad)
			goto out;
	}
	if (!cJSON_GetObjectItemCaseSensitive(store_meta(st), "export")) {
		/* nothing to refresh: the first export */
		store_close(st);
		st = NULL;
		log_info("export --refresh: session %s was never exported: exporting it", o->session);
		return export_run(&eo);
	}
	rf = cJSON_GetObjectItemCaseSensitive(store_meta(st), "refresh");
	state = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rf, "state"));
	if (!state || !strcmp(state, "done")) {
		/* a new refresh: what an earlier one read is stale */
		for (size_t i = 0; i < kind_count(); i++) {
			if (store_path(st, p, sizeof p, "refresh/%s.jsonl", kind_name(kind_at(i))))
				unlink(p);
			if (store_path(st, p, sizeof p, "logs/failed_refresh_%s.jsonl", kind_name(kind_at(i))))
				unlink(p);
		}
		cJSON_DeleteItemFromObjectCaseSensitive(store_meta(st), "refresh");
		now_iso(r.started, sizeof r.started);
		cJSON_AddStringToObject(obj_child(store_meta(st), "refresh"), "since", r.started);
		if (refresh_state(st, "reading", NULL, &err))
			goto out;
	} else {
		log_info("export --refresh: going on with the refresh that stopped while %s", state);
	}
	store_close(st);	/* export_run opens the session itself */
	st = NULL;

	eo.phase = "refresh";
	eo.quiet_summary = 1;
	erc = export_run(&eo);
	if (erc >= 2)
		return erc;
	if (store_open(&st, dir, o->session, 0, &err))
		goto out;
	rf = cJSON_GetObjectItemCaseSensitive(store_meta(st), "refresh");
	snprintf(r.started, sizeof r.started, "%s",
		 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rf, "since"))
		 ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rf, "since")) : "?");
	r.st = st;
	if (refresh_state(st, "merging", NULL, &err) || idmap_open(&r.ids, st, 1, &err))
		goto out_io;
	printf("refresh of %s into %s\n%-20s %8s %8s %8s\n", o->profile ? o->profile : "the source",
	       store_root(st), "kind", "changed", "new", "gone");
	for (size_t i = 0; i < kind_count(); i++) {
		const kind_def *k = kind_at(i);
		long c0 = r.changed, a0 = r.added, g0 = r.gone;
		long failed = (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(rf, "kinds"),
							 k->name), "failed"));
		/* gone only when the whole read went through: a run that
		 * stopped early (the network) leaves objects unread */
		int sure = erc == 0 && failed == 0;

		if (!kind_in(sel, i))
			continue;
		if (!sure)
			log_warn("refresh: not every one of the %s could be read: none is reported as "
				 "gone", k->name);
		if (merge_kind(&r, k, sure, &err))
			goto out_io;
		if (r.changed > c0 || r.added > a0 || r.gone > g0)
			printf("%-20s %8ld %8ld %8ld\n", k->name, r.changed - c0, r.added - a0, r.gone - g0);
	}
	if (refresh_state(st, "done", &r, &err))
		goto out_io;
	/* merged: the staging records are spent (blobs stay, overwritten by
	 * the next refresh) */
	for (size_t i = 0; i < kind_count(); i++)
		if (store_path(st, p, sizeof p, "refresh/%s.jsonl", kind_name(kind_at(i))))
			unlink(p);
	printf("%ld changed, %ld new, %ld gone from the source%s\n", r.changed, r.added, r.gone,
	       r.gone ? " (kept in the target, never deleted: logs/refresh.jsonl)" : "");
	if (r.changed || r.added)
		printf("next: transform and import (or migrate --refresh) carry the changes over\n");
	rc = erc;
	goto out;
out_io:
	rc = 1;
out:
	if (err.cls != ERR_NONE) {
		err_print(&err);
		if (rc == 2)
			rc = err_exit_code(&err);
	}
	if (r.log) {
		dbx_err e2;
		if (jsonl_out_close(r.log, &e2))
			err_print(&e2);
	}
	idmap_close(r.ids);
	store_close(st);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	static const cli_cmd cmd = { "export",
		"--profile SRC --session S [--dir D] [--cloud azure|aws|gcp] [--only K,..] "
		"[--skip K,..] [--parallel N] [--rate-limit RPS] [--warehouse-id ID] [--refresh]",
		"read the source workspace into the session" };
	export_opts o;
	dbx_err err;
	int rc;
	double rate = -1;
	cli_opt opts[] = {
		{ "--profile", 0, CLI_STR, &o.profile, "NAME", "source workspace profile" },
		{ "--dir", 0, CLI_STR, &o.dir, "DIR", "migration directory (default ./migration)" },
		{ "--session", 0, CLI_STR, &o.session, "ID", "session name" },
		{ "--cloud", 0, CLI_STR, &o.cloud, "CLOUD",
		  "source cloud: azure, aws or gcp (default: from the host)" },
		{ "--only", 0, CLI_STR, &o.only, "K,..", "export only these kinds" },
		{ "--skip", 0, CLI_STR, &o.skip, "K,..", "do not export these kinds" },
		{ "--parallel", 0, CLI_INT, &o.parallel, "N", "requests in flight (default 8)" },
		{ "--rate-limit", 0, CLI_DOUBLE, &rate, "RPS",
		  "requests per second, 0 for no limit (default 20)" },
		{ "--refresh", 0, CLI_FLAG, &o.refresh, NULL,
		  "re-read the source into the exported session: changed objects replace "
		  "their records, new ones are added, gone ones reported" },
		{ "--warehouse-id", 0, CLI_STR, &o.warehouse_id, "ID",
		  "SQL warehouse that reads the Hive metastore (hive_metastore)" },
		{ 0 },
	};

	memset(&o, 0, sizeof o);
	err_clear(&err);
	rc = cli_session_cmd(&cmd, opts, argc, argv, &o.session);
	if (rc >= 0)
		return rc;
	if (o.parallel > 1024) {
		err_set(&err, ERR_USAGE, "--parallel", "%d is too many (at most 1024)", o.parallel);
		err_print(&err);
		return 2;
	}
	o.rate_limit = rate;
	return export_run(&o);
}
