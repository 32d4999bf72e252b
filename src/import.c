/* import: the import phase. One generic engine driven by the registry's
 * `imp` fields (src/kinds.h): per kind, list the target once (natural key
 * -> id), then create or update every mapped object concurrently, in
 * rounds: a create that may have landed (err.maybe_applied) or a
 * reference to an object of the same kind not created yet sends the
 * object to the next round, after the target has been listed again. Then
 * group memberships and permissions. The ID journal (idmap) is the
 * checkpoint. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>

#include "cfg.h"
#include "cli.h"
#include "cmd.h"
#include "hive.h"
#include "http.h"
#include "idmap.h"
#include "import.h"
#include "kinds.h"
#include "log.h"
#include "progress.h"
#include "sqlstmt.h"
#include "store.h"
#include "ucsql.h"

#define MAX_ROUNDS 6

enum item_state { IT_PENDING = 0, IT_DEFER, IT_UNSURE, IT_DONE, IT_FAILED };

/* Steps of one object, in order; advance() skips those that do not apply. */
enum item_step {
	ST_MAIN = 0,	/* create or update */
	ST_AFTER,	/* update after a create that ignores some fields (repos' branch) */
	ST_STATUS,	/* workspace: get-status for the object_id */
	ST_POST,	/* POST a member after create/update (Lakeview: publish) */
	ST_STOP,	/* leave it stopped (clusters, warehouses) */
	ST_LIBS,	/* cluster libraries */
	ST_ACLS,	/* secret scope ACLs */
	ST_KEYS,	/* secret values from --secrets-file */
	ST_GRANTS,	/* Unity Catalog grants */
	ST_LAND,	/* journal it */
};

typedef struct counts {
	long created, updated, kept, skipped, failed, manual;
} counts;

typedef struct imp imp;

typedef struct item {
	imp *x;
	const kind_def *k;
	char *key;		/* record key */
	char *src_id;		/* source id (string) */
	char *name;		/* natural key in the target */
	char *blob;		/* workspace: blob name of the source content */
	char *hash;		/* digest of the mapped object (or of the ACL/members sent) */
	cJSON *obj;		/* mapped object, references rewritten once resolved */
	char *tid;		/* target id, once known */
	char *tstate;		/* target "state" from the listing */
	cJSON *restore;		/* jobs: original schedule/trigger/continuous */
	cJSON *plan;		/* groups: the members pass's {"want": [..], "remove": [..]} */
	enum item_state st;
	enum item_step step;
	int creating;		/* the main request is a create */
	int resolved;		/* references already rewritten */
	int attempts;		/* creates sent */
	int outstanding;	/* requests in flight for a multi-request step */
	int step_failed;
	int retry;		/* an idempotent step failed transiently: redo next round */
	int created;		/* a create of ours returned its id (it->tid): never create again */
	dbx_err err;
} item;

struct imp {
	const import_opts *o;
	store *st;
	ws *w;
	idmap *ids;
	cJSON *secrets;		/* --secrets-file, or NULL */
	char me[512];		/* the importing principal's userName */
	jsonl_out *cutover, *manual;
	counts *cnt;		/* per kind, kind_count() entries */
	int round;
	int final;		/* last round: transient failures are failures */
	int progress;		/* objects landed in the current round */
	idmap *pending;		/* source ids of the kind being imported */
	idmap *gave_up;		/* members/permissions that failed for good: not retried */
	progress *prog;		/* live line of the kind being imported, or NULL */
	idmap *cut_done;	/* "target:<kind>/<id>" un-paused by cutover: never paused again */
	idmap *paired;		/* names that may repeat: "s" source id -> target id (name:
				 * its state), see pair_same_names */
	int dead;		/* a journal write failed: nothing more is sent */
	dbx_err dead_err;	/* why (names the file, says the errno) */
};

/* ---------------------------------------------------------------- utils */

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A digest of a JSON value (FNV-1a 64 of its compact text) as 16 hex
 * digits: the journal keeps it to tell an object changed since it landed.
 * Caller frees; NULL when out of memory. */
static char *digest(const cJSON *v)
{
	char *text = cJSON_PrintUnformatted(v), *out = malloc(17);
	unsigned long long h = 1469598103934665603ULL;
	if (!text || !out) {
		free(text);
		free(out);
		return NULL;
	}
	for (const char *p = text; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 1099511628211ULL;
	}
	snprintf(out, 17, "%016llx", h);
	free(text);
	return out;
}

static const char *jstr(const cJSON *o, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
}

/* A scalar as a string ("%.0f"-style for numbers) into buf, or NULL. */
static const char *scalar(const cJSON *v, char *buf, size_t size)
{
	int n;
	if (cJSON_IsString(v) && v->valuestring)
		n = snprintf(buf, size, "%s", v->valuestring);
	else if (cJSON_IsNumber(v))
		n = snprintf(buf, size, "%.0f", cJSON_GetNumberValue(v));
	else
		return NULL;
	return n >= 0 && (size_t)n < size ? buf : NULL;
}

static char *b64(const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((n + 2) / 3 * 4 + 1), *q = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		*q++ = tab[(v >> 18) & 63];
		*q++ = tab[(v >> 12) & 63];
		*q++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		*q++ = i + 2 < n ? tab[v & 63] : '=';
	}
	*q = 0;
	return out;
}

/* "/api/x/{id}/y" with {id} replaced by the escaped id, into buf. */
static const char *fill_id(const char *pattern, const char *id, char *buf, size_t size)
{
	const char *at = strstr(pattern, "{id}");
	if (!at) {
		snprintf(buf, size, "%s", pattern);
		return buf;
	}
	char *esc = http_escape(id);
	if (!esc)
		return NULL;
	int n = snprintf(buf, size, "%.*s%s%s", (int)(at - pattern), pattern, esc, at + 4);
	free(esc);
	return n >= 0 && (size_t)n < size ? buf : NULL;
}

/* A target id as JSON: a number when `like` (the source id value) is one. */
static cJSON *id_value(const char *tid, const cJSON *like)
{
	if (cJSON_IsNumber(like)) {
		char *end;
		double d = strtod(tid, &end);
		if (*tid && !*end)
			return cJSON_CreateNumber(d);
	}
	return cJSON_CreateString(tid);
}

/* Calls fn on every value reached by a registry path ("a[].b.c"). */
typedef int (*leaf_fn)(void *ud, cJSON *parent, cJSON *leaf, const char *where);

static int walk(cJSON *node, const char *path, char *where, size_t wlen, size_t wsize,
		leaf_fn fn, void *ud)
{
	if (!node)
		return 0;
	if (!*path)
		return 0;
	const char *dot = strchr(path, '.');
	size_t n = dot ? (size_t)(dot - path) : strlen(path);
	int arr = n > 2 && path[n - 2] == '[' && path[n - 1] == ']';
	char seg[128];
	size_t sn = arr ? n - 2 : n;
	if (sn >= sizeof seg || !cJSON_IsObject(node))
		return 0;
	memcpy(seg, path, sn);
	seg[sn] = 0;
	cJSON *c = cJSON_GetObjectItemCaseSensitive(node, seg);
	if (!c)
		return 0;
	int wn = snprintf(where + wlen, wsize - wlen, "%s%s", wlen ? "." : "", seg);
	size_t wl = wn > 0 && (size_t)wn < wsize - wlen ? wlen + (size_t)wn : wlen;
	if (arr) {
		if (!cJSON_IsArray(c))
			return 0;
		int i = 0;
		for (cJSON *e = c->child; e; e = e->next, i++) {
			int en = snprintf(where + wl, wsize - wl, "[%d]", i);
			size_t el = en > 0 && (size_t)en < wsize - wl ? wl + (size_t)en : wl;
			int r = dot ? walk(e, dot + 1, where, el, wsize, fn, ud) : fn(ud, c, e, where);
			if (r)
				return r;
		}
		where[wl] = 0;
		return 0;
	}
	int r = dot ? walk(c, dot + 1, where, wl, wsize, fn, ud) : fn(ud, node, c, where);
	where[wlen] = 0;
	return r;
}

static int walk_path(cJSON *obj, const char *path, leaf_fn fn, void *ud)
{
	char where[512] = "";
	return walk(obj, path, where, 0, sizeof where, fn, ud);
}

/* A reference to kind rk holds an id we must translate (not a name or a
 * path, which the rules already rewrote). */
static int remappable(const kind_def *rk)
{
	return rk && rk->id_field && rk->key_field && strcmp(rk->id_field, rk->key_field) != 0 &&
	       rk->imp.write != KIND_WRITE_WORKSPACE;
}

static counts *cnt_of(imp *x, const kind_def *k)
{
	return &x->cnt[kind_index(k)];
}

/* The index key of a natural key: lower-cased where the target compares
 * keys without case (SCIM userName). Into buf; returns buf. */
static const char *index_key(const kind_def *k, const char *key, char *buf, size_t size)
{
	size_t i = 0;
	if (!key)
		return NULL;
	if (!k->imp.key_nocase)
		return key;
	for (; key[i] && i + 1 < size; i++)
		buf[i] = (key[i] >= 'A' && key[i] <= 'Z') ? (char)(key[i] - 'A' + 'a') : key[i];
	buf[i] = 0;
	return buf;
}

/* ------------------------------------------------------- target listing */

/* Kinds whose names may repeat (jobs, clusters, pools, init scripts,
 * queries, alerts) keep every target object in the listing index, not
 * only the last of a name: kind "all", target id -> natural key (the
 * entry's name: the object's state). pair_same_names reads them. */
static int same_name_index(idmap *idx, const char *key, const char *id, const char *state,
			   dbx_err *err)
{
	return idmap_put(idx, "all", id, key, state, err);
}

/* Lists every object of k in the target into idx: kind "k" natural key ->
 * id (name: the object's state), kind "alt" key_alt -> id. */
/* Lists every page of k on the target (with the parent query pq for kinds
 * listed per parent, else NULL) into idx (when not NULL) and, duplicated,
 * into the array `items` (when not NULL). */
static int list_pages(imp *x, const kind_def *k, const char *pq, idmap *idx, cJSON *items,
		      dbx_err *err)
{
	int rc = -1;
	char *token = NULL;
	long start = 1;
	cJSON *page = NULL;
	for (;;) {
		char q[1024];
		int n = 0;
		const char *lq = pq ? pq : k->list_query ? k->list_query : "";
		const char *sep = *lq ? "&" : "";
		char *tok = token ? http_escape(token) : NULL;
		switch (k->paging) {
		case KIND_PAGE_SCIM:
			n = snprintf(q, sizeof q, "%s%sstartIndex=%ld&count=%d", lq, sep, start,
				     k->page_size ? k->page_size : 100);
			break;
		case KIND_PAGE_TOKEN:
			n = snprintf(q, sizeof q, "%s%spage_size=%d%s%s", lq, sep,
				     k->page_size ? k->page_size : 100, tok ? "&page_token=" : "",
				     tok ? tok : "");
			break;
		case KIND_PAGE_HAS_MORE:
			n = snprintf(q, sizeof q, "%s%slimit=%d%s%s", lq, sep,
				     k->page_size ? k->page_size : 100, tok ? "&page_token=" : "",
				     tok ? tok : "");
			break;
		case KIND_PAGE_REPOS:
			n = snprintf(q, sizeof q, "%s%s%s", lq, tok ? (*lq ? "&next_page_token=" :
								   "next_page_token=") : "",
				     tok ? tok : "");
			break;
		default:
			n = snprintf(q, sizeof q, "%s", lq);
			break;
		}
		free(tok);
		if (n < 0 || (size_t)n >= sizeof q) {
			err_set(err, ERR_FAILED, k->list_path, "page token too long");
			goto out;
		}
		cJSON_Delete(page);
		page = NULL;
		if (http_get_json(x->w, k->list_path, *q ? q : NULL, &page, err) < 0)
			goto out;
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(page, k->list_field);
		int len = cJSON_GetArraySize(arr);
		const cJSON *it;
		cJSON_ArrayForEach(it, arr) {
			char kb[1024], ib[1024];
			const char *key = kind_key_of(k, it, kb, sizeof kb);
			if (items)
				cJSON_AddItemToArray(items, cJSON_Duplicate(it, 1));
			if (!idx)
				continue;
			const char *id = kind_id_of(k, it, ib, sizeof ib);
			const char *state = jstr(it, "state");
			char lk[1024];
			key = index_key(k, key, lk, sizeof lk);
			if (key && id && idmap_put(idx, "k", key, id, state, err) < 0)
				goto out;
			if (!k->key_unique && key && id && same_name_index(idx, key, id, state, err) < 0)
				goto out;
			if (k->imp.key_alt && id) {
				const char *alt = scalar(kind_get_path(it, k->imp.key_alt), kb, sizeof kb);
				if (alt && idmap_put(idx, "alt", alt, id, state, err) < 0)
					goto out;
			}
		}
		free(token);
		token = NULL;
		if (k->paging == KIND_PAGE_SCIM) {
			double total = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(page, "totalResults"));
			start += len;
			if (len == 0 || (total == total && start > (long)total))
				break;
			continue;
		}
		if (k->paging == KIND_PAGE_TOKEN || k->paging == KIND_PAGE_HAS_MORE ||
		    k->paging == KIND_PAGE_REPOS) {
			const char *next = jstr(page, "next_page_token");
			if (k->paging == KIND_PAGE_HAS_MORE &&
			    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(page, "has_more")))
				next = NULL;
			if (next && *next) {
				token = strdup(next);
				continue;
			}
		}
		break;
	}
	rc = 0;
out:
	free(token);
	cJSON_Delete(page);
	return rc;
}

/* The list query of one parent item for the child kind c
 * ("catalog_name=x&schema_name=y"); NULL when a field is missing. */
static const char *parent_query(const kind_def *c, const cJSON *parent, char *q, size_t size)
{
	size_t n = 0;
	for (const char *const *pq = c->parent_query; pq && pq[0]; pq += 2) {
		const char *v = jstr(parent, pq[1]);
		char *esc = v ? http_escape(v) : NULL;
		int m = esc ? snprintf(q + n, size - n, "%s%s=%s", n ? "&" : "", pq[0], esc) : -1;
		free(esc);
		if (m < 0 || (size_t)m >= size - n)
			return NULL;
		n += (size_t)m;
	}
	return n ? q : NULL;
}

/* Every item of k on the target into `items`, parents first for kinds
 * listed per parent (tables: catalogs, then schemas, then tables). */
static int list_all(imp *x, const kind_def *k, idmap *idx, cJSON *items, dbx_err *err)
{
	if (!k->parent)
		return list_pages(x, k, NULL, idx, items, err);
	const kind_def *pk = kind_find(k->parent);
	cJSON *parents = cJSON_CreateArray();
	const cJSON *p;
	int rc = -1;
	if (!pk || !parents || list_all(x, pk, NULL, parents, err))
		goto out;
	cJSON_ArrayForEach(p, parents) {
		char q[1024];
		if (!parent_query(k, p, q, sizeof q))
			continue;
		if (list_pages(x, k, q, idx, items, err))
			goto out;
	}
	rc = 0;
out:
	cJSON_Delete(parents);
	return rc;
}

static int list_target(imp *x, const kind_def *k, idmap *idx, dbx_err *err)
{
	return list_all(x, k, idx, NULL, err);
}

/* ------------------------------------------------------- items: records */

static void item_free(item *it)
{
	if (!it)
		return;
	free(it->key);
	free(it->src_id);
	free(it->name);
	free(it->blob);
	free(it->hash);
	free(it->tid);
	free(it->tstate);
	cJSON_Delete(it->obj);
	cJSON_Delete(it->restore);
	cJSON_Delete(it->plan);
	free(it);
}

static void say_plan(imp *x, const char *verb, const item *it, const char *why)
{
	(void)x;
	printf("%-7s %s \"%s\"%s%s%s\n", verb, kind_name(it->k), it->name ? it->name : it->key,
	       why ? " (" : "", why ? why : "", why ? ")" : "");
}

/* Records a manual follow-up (not a failure). */
static void stop_run(imp *x, const dbx_err *e);

static void manual(imp *x, const kind_def *k, const char *key, const char *name, const char *why)
{
	cnt_of(x, k)->manual++;
	log_warn("manual: %s \"%s\": %s", kind_name(k), name, why);
	if (x->o->dry_run)
		return;
	dbx_err e = { 0 };
	if (!x->manual && !(x->manual = store_append(x->st, "import", "manual", &e)))
		goto bad;
	if (jsonl_out_has(x->manual, key))
		return;
	cJSON *rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "key", key);
	cJSON_AddStringToObject(rec, "kind", kind_name(k));
	cJSON_AddStringToObject(rec, "name", name);
	cJSON_AddStringToObject(rec, "why", why);
	int r = jsonl_out_put(x->manual, rec, &e);
	cJSON_Delete(rec);
	if (r == 0)
		return;
bad:
	if (e.cls == ERR_IO) {
		stop_run(x, &e);
		return;
	}
	char buf[1600];
	log_error("%s", err_str(&e, buf, sizeof buf));
}

/* A write to the session (the journal, cutover, manual) failed: an object
 * created now would land with no record of it, so the run stops here.
 * Requests still queued are not sent; those in flight finish unrecorded
 * (the next run finds them in the target by their natural key). */
static void stop_run(imp *x, const dbx_err *e)
{
	if (x->dead)
		return;
	x->dead = 1;
	x->dead_err = *e;
	if (x->dead_err.cls == ERR_NONE)
		x->dead_err.cls = ERR_IO;
	err_prefix(&x->dead_err, "import stopped, the session cannot be written");
	if (x->w)
		http_abort(x->w, &x->dead_err);
}

static void item_fail(item *it, const dbx_err *e)
{
	imp *x = it->x;
	dbx_err copy = *e;
	if (x->dead)
		return;	/* stopped: not a failure of this object */
	char where[512];
	snprintf(where, sizeof where, "%s \"%s\"", kind_name(it->k), it->name ? it->name : it->key);
	if (!copy.where[0] || copy.cls != ERR_HTTP)
		snprintf(copy.where, sizeof copy.where, "%s", where);
	else
		err_prefix(&copy, "%s", where);
	if (copy.cls == ERR_NONE)
		copy.cls = ERR_FAILED;
	it->st = IT_FAILED;
	cnt_of(x, it->k)->failed++;
	if (x->prog)
		progress_tick(x->prog, PROG_FAIL);
	if (x->o->dry_run) {
		/* a dry run writes nothing, not even the failure log */
		say_plan(x, "fail", it, copy.msg);
		return;
	}
	dbx_err ferr;
	if (store_fail(x->st, "import", kind_name(it->k), it->key, &copy, &ferr))
		stop_run(x, &ferr);
}

/* A journal (or cutover) write failed: the file system stops the run; a
 * refused mapping (a target another source holds) fails the object. */
static void journal_failed(item *it, const dbx_err *e)
{
	if (e->cls == ERR_IO)
		stop_run(it->x, e);
	else
		item_fail(it, e);
}

static void item_failf(item *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void item_failf(item *it, const char *fmt, ...)
{
	dbx_err e = { 0 };
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof e.msg, fmt, ap);
	va_end(ap);
	e.cls = ERR_FAILED;
	item_fail(it, &e);
}

/* ---------------------------------------------------- references, body */

typedef struct refctx {
	imp *x;
	item *it;
	const kind_def *rk;
	const char *path;
	int rewrite;
	int defer;
	int missing;
	char msg[768];
} refctx;

static int ref_leaf(void *ud, cJSON *parent, cJSON *leaf, const char *where)
{
	refctx *r = ud;
	char sb[512];
	const char *sid = scalar(leaf, sb, sizeof sb);
	(void)parent;
	if (!sid || !*sid)
		return 0;
	const char *tid = idmap_target(r->x->ids, kind_name(r->rk), sid);
	if (!r->rewrite) {
		if (tid)
			return 0;
		if (r->rk == r->it->k && r->x->pending && idmap_target(r->x->pending, "p", sid)) {
			r->defer = 1;
			return 0;
		}
		r->missing = 1;
		if (!kind_supported(r->rk)) {
			snprintf(r->msg, sizeof r->msg,
				 "%s refers to %s %s, and %s are not migrated by this build: "
				 "map or drop the reference with a rule", where, kind_name(r->rk), sid,
				 kind_name(r->rk));
			return 1;
		}
		snprintf(r->msg, sizeof r->msg,
			 "%s refers to %s %s, which has no id in the target (not imported: see "
			 "logs/failed_import_%s.jsonl or import it first)",
			 where, kind_name(r->rk), sid, kind_name(r->rk));
		return 1;
	}
	if (!tid)
		return 0;
	if (cJSON_IsNumber(leaf)) {
		char *end;
		double d = strtod(tid, &end);
		if (*tid && !*end) {
			cJSON_SetNumberHelper(leaf, d);
			return 0;
		}
	}
	if (cJSON_IsString(leaf)) {
		cJSON_SetValuestring(leaf, tid);
		return 0;
	}
	/* a number whose target id is not one: replace, keeping the member name */
	cJSON *nv = cJSON_CreateString(tid);
	if (!nv)
		return 0;
	if (cJSON_IsArray(parent))
		cJSON_ReplaceItemViaPointer(parent, leaf, nv);
	else
		cJSON_ReplaceItemInObjectCaseSensitive(parent, leaf->string, nv);
	return 0;
}

/* Rewrites the item's references through the journal. Returns 0 when done,
 * 1 when an object of the same kind it refers to is not created yet, -1
 * (item failed) when one cannot be resolved. */
static int resolve_refs(imp *x, item *it)
{
	if (it->resolved || !it->k->refs)
		return 0;
	for (int pass = 0; pass < 2; pass++) {
		int defer = 0;
		for (const kind_ref *ref = it->k->refs; ref->path; ref++) {
			const kind_def *rk = kind_find(ref->kind);
			if (!remappable(rk))
				continue;
			refctx r = { .x = x, .it = it, .rk = rk, .path = ref->path, .rewrite = pass };
			walk_path(it->obj, ref->path, ref_leaf, &r);
			if (r.missing) {
				item_failf(it, "%s", r.msg);
				return -1;
			}
			defer |= r.defer;
		}
		if (defer)
			return 1;
	}
	it->resolved = 1;
	return 0;
}

/* SCIM groups: members name principals (maybe other groups, created in
 * the same pass), so they are replayed once every group exists. */
static int has_members(const kind_def *k)
{
	if (k->imp.write != KIND_WRITE_SCIM || !k->refs)
		return 0;
	for (const kind_ref *r = k->refs; r->path; r++)
		if (strcmp(r->kind, "principals") == 0 && strncmp(r->path, "members", 7) == 0)
			return 1;
	return 0;
}

/* Fields export gathered beside the API object: never sent. */
static const char *const reserved[] = { "access_control_list", "libraries", "keys", "acls",
	"manual", "follow_up", NULL };

/* The body of the create or update request (caller frees). */
static cJSON *make_body(imp *x, item *it, int update)
{
	const kind_def *k = it->k;
	cJSON *o = cJSON_Duplicate(it->obj, 1);
	(void)x;
	if (!o)
		return NULL;
	for (size_t i = 0; reserved[i]; i++)
		cJSON_DeleteItemFromObjectCaseSensitive(o, reserved[i]);
	for (const char *const *ro = k->read_only; ro && *ro; ro++)
		kind_delete_path(o, *ro);
	if (has_members(k))
		cJSON_DeleteItemFromObjectCaseSensitive(o, "members");	/* replayed later */
	if (k->imp.post_field)
		cJSON_DeleteItemFromObjectCaseSensitive(o, k->imp.post_field);	/* sent after it */
	if (k->imp.grants_path)
		cJSON_DeleteItemFromObjectCaseSensitive(o, "grants");	/* ST_GRANTS */
	cJSON *body = o;
	if (k->imp.body_field) {
		body = cJSON_DetachItemFromObjectCaseSensitive(o, k->imp.body_field);
		cJSON_Delete(o);
		if (!body)
			body = cJSON_CreateObject();
	}
	if (!update) {
		if (k->imp.create_wrap) {
			cJSON *w = cJSON_CreateObject();
			cJSON_AddItemToObject(w, k->imp.create_wrap, body);
			body = w;
		}
		return body;
	}
	if (k->imp.update_keep) {
		cJSON *keep = cJSON_CreateObject();
		for (const char *const *f = k->imp.update_keep; *f; f++) {
			cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(body, *f);
			if (v)
				cJSON_AddItemToObject(keep, *f, v);
		}
		cJSON_Delete(body);
		body = keep;
	}
	if (k->imp.update_wrap) {
		cJSON *w = cJSON_CreateObject();
		cJSON_AddItemToObject(w, k->imp.update_wrap, body);
		body = w;
	}
	if (k->imp.update_mask)
		cJSON_AddStringToObject(body, "update_mask", k->imp.update_mask);
	if (k->imp.update_id) {
		cJSON_DeleteItemFromObjectCaseSensitive(body, k->imp.update_id);
		cJSON_AddItemToObject(body, k->imp.update_id,
				      id_value(it->tid, k->id_field ? kind_get_path(it->obj, k->id_field) : NULL));
	}
	return body;
}

/* Jobs: schedules, triggers and continuous runs are created PAUSED; the
 * originals go to import/cutover.jsonl when the object lands. */
static void pause_members(item *it)
{
	const kind_def *k = it->k;
	if (!k->imp.pause)
		return;
	char ck[1024];
	snprintf(ck, sizeof ck, "target:%s/%s", kind_name(k), it->src_id);
	if (it->x->cut_done && idmap_target(it->x->cut_done, "c", ck))
		return;	/* cut over already: the target runs it, keep it so */
	cJSON *body = it->obj;
	if (k->imp.body_field)
		body = cJSON_GetObjectItemCaseSensitive(it->obj, k->imp.body_field);
	if (!cJSON_IsObject(body))
		return;
	for (const char *const *m = k->imp.pause; *m; m++) {
		cJSON *v = cJSON_GetObjectItemCaseSensitive(body, *m);
		if (!cJSON_IsObject(v))
			continue;
		const char *ps = jstr(v, "pause_status");
		if (ps && strcmp(ps, "PAUSED") == 0)
			continue;
		if (!it->restore)
			it->restore = cJSON_CreateObject();
		cJSON *orig = cJSON_Duplicate(v, 1);
		if (!cJSON_HasObjectItem(orig, "pause_status"))
			cJSON_AddStringToObject(orig, "pause_status", "UNPAUSED");
		cJSON_AddItemToObject(it->restore, *m, orig);
		cJSON_DeleteItemFromObjectCaseSensitive(v, "pause_status");
		cJSON_AddStringToObject(v, "pause_status", "PAUSED");
	}
}

/* ------------------------------------------------------ request driving */

static void advance(item *it);
static void on_reply(ws *w, void *ud, cJSON *json, const dbx_err *e);

/* A failure worth another try of an idempotent call: the server broke
 * (5xx, which http does not retry for every method), the transfer broke,
 * or the call may have been applied. Creates are not retried blindly: the
 * object is looked up by its key first (IT_UNSURE). */
static int transient(const dbx_err *e)
{
	return e->http_status >= 500 || e->http_status == -1 || e->http_status == 429 ||
	       e->maybe_applied;
}

static int submit(item *it, const char *method, const char *path, const char *query,
		  const cJSON *body, int flags)
{
	it->outstanding++;
	if (http_submit(it->x->w, method, path, query, body, flags, on_reply, it) < 0) {
		it->outstanding--;
		item_failf(it, "cannot queue %s %s (out of memory)", method, path);
		return -1;
	}
	return 0;
}

static void land(item *it)
{
	imp *x = it->x;
	dbx_err e = { 0 };
	if (it->restore) {
		if (!x->cutover && !(x->cutover = store_append(x->st, "import", "cutover", &e)))
			goto bad;
		char key[1024];
		snprintf(key, sizeof key, "%s/%s", kind_name(it->k), it->src_id);
		if (!jsonl_out_has(x->cutover, key)) {
			cJSON *rec = cJSON_CreateObject();
			cJSON_AddStringToObject(rec, "key", key);
			cJSON_AddStringToObject(rec, "kind", kind_name(it->k));
			cJSON_AddStringToObject(rec, "source_id", it->src_id);
			cJSON_AddStringToObject(rec, "target_id", it->tid);
			cJSON_AddStringToObject(rec, "name", it->name);
			cJSON_AddItemReferenceToObject(rec, "restore", it->restore);
			int r = jsonl_out_put(x->cutover, rec, &e);
			cJSON_Delete(rec);
			if (r < 0)
				goto bad;
		}
	}
	if (idmap_put_hash(x->ids, kind_name(it->k), it->src_id, it->tid, it->name, it->hash, &e) < 0)
		goto bad;
	it->st = IT_DONE;
	x->progress++;
	if (x->prog)
		progress_tick(x->prog, PROG_OK);
	if (it->creating)
		cnt_of(x, it->k)->created++;
	else if (it->k->imp.update_method)
		cnt_of(x, it->k)->updated++;
	else
		cnt_of(x, it->k)->kept++;
	log_verbose("%s %s \"%s\" -> %s", it->creating ? "created" : "updated", kind_name(it->k),
		    it->name, it->tid);
	return;
bad:
	journal_failed(it, &e);
}

static const cJSON *secret_value(imp *x, const char *scope, const char *key)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(x->secrets, scope);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, key);
	return cJSON_IsString(v) ? v : NULL;
}

/* Submits the requests of the next applicable step, or lands the item. */
/* The PATCH body that adds the object's "grants" (export's read of its
 * privilege_assignments), or NULL when there is none to add. */
static cJSON *grants_body(const cJSON *grants)
{
	const cJSON *a;
	cJSON *b = cJSON_CreateObject(), *ch = cJSON_AddArrayToObject(b, "changes");
	cJSON_ArrayForEach(a, grants) {
		const char *pr = jstr(a, "principal");
		const cJSON *privs = cJSON_GetObjectItemCaseSensitive(a, "privileges");
		if (!pr || !cJSON_IsArray(privs) || cJSON_GetArraySize(privs) == 0)
			continue;
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "principal", pr);
		cJSON_AddItemToObject(c, "add", cJSON_Duplicate(privs, 1));
		cJSON_AddItemToArray(ch, c);
	}
	if (cJSON_GetArraySize(ch) == 0) {
		cJSON_Delete(b);
		return NULL;
	}
	return b;
}

static void advance(item *it)
{
	imp *x = it->x;
	const kind_def *k = it->k;
	char path[1024];
	for (;;) {
		if (it->st == IT_FAILED)
			return;
		it->step++;
		switch (it->step) {
		case ST_MAIN:
			break;
		case ST_AFTER: {
			if (!it->creating || !k->imp.update_after_create || !k->imp.update_method)
				continue;
			cJSON *b = make_body(x, it, 1);
			if (!b || !fill_id(k->imp.update_path, it->tid, path, sizeof path)) {
				cJSON_Delete(b);
				item_failf(it, "cannot build the update after the create");
				return;
			}
			submit(it, k->imp.update_method, path, NULL, b, HTTP_RETRY_UNSAFE);
			cJSON_Delete(b);
			return;
		}
		case ST_STATUS: {
			if (k->imp.write != KIND_WRITE_WORKSPACE)
				continue;
			char *esc = http_escape(it->name);
			char q[4200];
			snprintf(q, sizeof q, "path=%s", esc ? esc : "");
			free(esc);
			submit(it, "GET", "/api/2.0/workspace/get-status", q, NULL, 0);
			return;
		}
		case ST_POST: {
			const cJSON *m = k->imp.post_field
				? cJSON_GetObjectItemCaseSensitive(it->obj, k->imp.post_field) : NULL;
			if (!k->imp.post_path || !cJSON_IsObject(m))
				continue;
			if (!fill_id(k->imp.post_path, it->tid, path, sizeof path)) {
				item_failf(it, "target id too long");
				return;
			}
			cJSON *b = cJSON_CreateObject();
			for (const char *const *f = k->imp.post_keep; f && *f; f++) {
				const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, *f);
				if (v)
					cJSON_AddItemToObject(b, *f, cJSON_Duplicate(v, 1));
			}
			submit(it, "POST", path, NULL, b, HTTP_RETRY_UNSAFE);
			cJSON_Delete(b);
			return;
		}
		case ST_STOP: {
			if (!k->imp.stop_path)
				continue;
			if (!it->creating && it->tstate && k->imp.stopped_state &&
			    strcmp(it->tstate, k->imp.stopped_state) == 0)
				continue;
			if (!fill_id(k->imp.stop_path, it->tid, path, sizeof path))
				continue;
			cJSON *b = cJSON_CreateObject();
			if (!strstr(k->imp.stop_path, "{id}") && k->imp.update_id)
				cJSON_AddItemToObject(b, k->imp.update_id, id_value(it->tid, NULL));
			submit(it, "POST", path, NULL, b, HTTP_RETRY_UNSAFE);
			cJSON_Delete(b);
			return;
		}
		case ST_LIBS: {
			const cJSON *libs = cJSON_GetObjectItemCaseSensitive(it->obj, "libraries");
			if (!k->imp.libraries_path || cJSON_GetArraySize(libs) == 0)
				continue;
			cJSON *b = cJSON_CreateObject();
			cJSON_AddItemToObject(b, k->imp.update_id ? k->imp.update_id : "id",
					      cJSON_CreateString(it->tid));
			cJSON_AddItemToObject(b, "libraries", cJSON_Duplicate(libs, 1));
			submit(it, "POST", k->imp.libraries_path, NULL, b, HTTP_RETRY_UNSAFE);
			cJSON_Delete(b);
			return;
		}
		case ST_ACLS: {
			const cJSON *acls = cJSON_GetObjectItemCaseSensitive(it->obj, "acls");
			const cJSON *a;
			if (k->imp.write != KIND_WRITE_SECRETS || cJSON_GetArraySize(acls) == 0)
				continue;
			cJSON_ArrayForEach(a, acls) {
				const char *pr = jstr(a, "principal"), *pm = jstr(a, "permission");
				if (!pr || !pm)
					continue;
				cJSON *b = cJSON_CreateObject();
				cJSON_AddStringToObject(b, "scope", it->name);
				cJSON_AddStringToObject(b, "principal", pr);
				cJSON_AddStringToObject(b, "permission", pm);
				submit(it, "POST", "/api/2.0/secrets/acls/put", NULL, b, HTTP_RETRY_UNSAFE);
				cJSON_Delete(b);
			}
			if (it->outstanding)
				return;
			continue;
		}
		case ST_GRANTS: {
			/* grants only add: privileges the target gave on its own
			 * (its creator's) stay, as on the source */
			const cJSON *g = cJSON_GetObjectItemCaseSensitive(it->obj, "grants");
			if (!k->imp.grants_path || cJSON_GetArraySize(g) == 0)
				continue;
			if (!fill_id(k->imp.grants_path, it->tid, path, sizeof path)) {
				item_failf(it, "target id too long");
				return;
			}
			cJSON *b = grants_body(g);
			if (!b)
				continue;
			submit(it, "PATCH", path, NULL, b, HTTP_RETRY_UNSAFE);
			cJSON_Delete(b);
			return;
		}
		case ST_KEYS: {
			const cJSON *keys = cJSON_GetObjectItemCaseSensitive(it->obj, "keys");
			const cJSON *kk;
			if (k->imp.write != KIND_WRITE_SECRETS || cJSON_GetArraySize(keys) == 0)
				continue;
			cJSON_ArrayForEach(kk, keys) {
				const char *key = jstr(kk, "key");
				if (!key)
					continue;
				const cJSON *v = secret_value(x, it->name, key);
				if (!v) {
					char mk[1024], why[1024];
					snprintf(mk, sizeof mk, "secrets/%s/%s", it->name, key);
					snprintf(why, sizeof why,
						 "secret value of key '%s' cannot be read from the source: "
						 "re-enter it (or give it in --secrets-file)", key);
					manual(x, k, mk, it->name, why);
					continue;
				}
				cJSON *b = cJSON_CreateObject();
				cJSON_AddStringToObject(b, "scope", it->name);
				cJSON_AddStringToObject(b, "key", key);
				cJSON_AddStringToObject(b, "string_value", v->valuestring);
				submit(it, "POST", "/api/2.0/secrets/put", NULL, b, HTTP_RETRY_UNSAFE);
				cJSON_Delete(b);
			}
			if (it->outstanding)
				return;
			continue;
		}
		default:
			land(it);
			return;
		}
	}
}

static void on_reply(ws *w, void *ud, cJSON *json, const dbx_err *e)
{
	item *it = ud;
	const kind_def *k = it->k;
	(void)w;
	it->outstanding--;
	if (it->st == IT_FAILED) {
		cJSON_Delete(json);
		return;
	}
	if (!json) {
		if (it->step == ST_MAIN && it->creating) {
			/* the create may have landed, or the object exists: look again */
			if (e->maybe_applied || e->http_status == 409 ||
			    strcmp(e->error_code, "RESOURCE_ALREADY_EXISTS") == 0) {
				if (!k->imp.created_id && strcmp(e->error_code, "RESOURCE_ALREADY_EXISTS") == 0)
					goto main_ok;	/* keyed by name: it is there */
				it->err = *e;
				it->st = IT_UNSURE;
				return;
			}
		}
		if (it->step == ST_STOP && strcmp(e->error_code, "INVALID_STATE") == 0)
			goto next;	/* already stopped */
		if (transient(e) && !it->x->final)
			it->retry = 1;
		else
			it->step_failed = 1;
		it->err = *e;
		goto next;
	}
	switch (it->step) {
	case ST_MAIN:
	main_ok:
		if (it->creating) {
			char ib[512];
			const char *id = NULL;
			if (k->imp.created_id)
				id = scalar(cJSON_GetObjectItemCaseSensitive(json, k->imp.created_id), ib,
					    sizeof ib);
			else
				id = it->name;
			if (!id && k->imp.write != KIND_WRITE_WORKSPACE) {
				cJSON_Delete(json);
				item_failf(it, "create reply has no '%s'", k->imp.created_id);
				return;
			}
			if (id) {
				free(it->tid);
				it->tid = strdup(id);
				it->created = k->imp.write != KIND_WRITE_WORKSPACE;
			}
		}
		break;
	case ST_STATUS: {
		char ib[64];
		const char *id = scalar(cJSON_GetObjectItemCaseSensitive(json, "object_id"), ib, sizeof ib);
		if (!id) {
			cJSON_Delete(json);
			item_failf(it, "get-status of %s has no object_id", it->name);
			return;
		}
		free(it->tid);
		it->tid = strdup(id);
		break;
	}
	default:
		break;
	}
	cJSON_Delete(json);
next:
	if (it->outstanding > 0)
		return;
	if (it->step_failed) {
		item_fail(it, &it->err);
		return;
	}
	if (it->retry) {
		/* every step but a create is idempotent: redo it all next round */
		it->st = IT_UNSURE;
		return;
	}
	advance(it);
}

/* Sends the main request of one item (or, dry-run, says what it would do). */
static void start_item(imp *x, item *it, idmap *idx)
{
	const kind_def *k = it->k;
	const char *tid = NULL, *state = NULL;
	char path[1024];

	if (k->imp.write != KIND_WRITE_WORKSPACE && !k->key_unique) {
		tid = idmap_target(x->paired, "s", it->src_id);
		state = idmap_name(x->paired, "s", it->src_id);
	} else if (k->imp.write != KIND_WRITE_WORKSPACE) {
		char lk[1024];
		const char *ik = index_key(k, it->name, lk, sizeof lk);
		tid = idmap_target(idx, "k", ik);
		state = idmap_name(idx, "k", ik);
		if (!tid && k->imp.key_alt) {
			const char *alt = jstr(it->obj, k->imp.key_alt);
			tid = idmap_target(idx, "alt", alt);
			state = idmap_name(idx, "alt", alt);
		}
	}
	/* created by an earlier round whose later step failed: the id is
	 * known even if a listing does not show the object yet */
	char *mine = !tid && it->created ? it->tid : NULL;
	if (!mine)
		free(it->tid);
	free(it->tstate);
	it->tid = mine ? mine : xstrdup(tid);
	it->tstate = state && *state ? strdup(state) : NULL;
	it->creating = it->tid == NULL;
	tid = it->tid;
	it->step = ST_MAIN;
	it->step_failed = 0;
	it->retry = 0;
	it->outstanding = 0;
	it->st = IT_PENDING;

	if (x->o->dry_run) {
		if (k->imp.write == KIND_WRITE_WORKSPACE)
			say_plan(x, "write", it, "created, or overwritten when present");
		else if (tid && !k->imp.update_method)
			say_plan(x, "keep", it, "exists in the target");
		else if (tid) {
			char why[600];
			snprintf(why, sizeof why, "exists in the target as %s", tid);
			say_plan(x, "update", it, why);
		} else
			say_plan(x, "create", it, NULL);
		/* later references resolve against a placeholder id (one per
		 * object: the journal pairs targets one to one) */
		char ph[600];
		snprintf(ph, sizeof ph, "(new %s)", it->src_id);
		idmap_put(x->ids, kind_name(k), it->src_id, tid ? tid : ph, it->name, &it->err);
		it->st = IT_DONE;
		x->progress++;
		if (it->creating)
			cnt_of(x, k)->created++;
		else
			cnt_of(x, k)->updated++;
		return;
	}

	cJSON *body = NULL;
	if (k->imp.write == KIND_WRITE_WORKSPACE) {
		const char *type = jstr(it->obj, "object_type");
		it->creating = 1;
		body = cJSON_CreateObject();
		cJSON_AddStringToObject(body, "path", it->name);
		if (strcmp(type, "DIRECTORY") == 0) {
			submit(it, "POST", "/api/2.0/workspace/mkdirs", NULL, body, HTTP_RETRY_UNSAFE);
			cJSON_Delete(body);
			return;
		}
		char *data = NULL;
		size_t len = 0;
		dbx_err e = { 0 };
		if (store_blob_read(x->st, "export", it->blob, strlen(it->blob), &data, &len, &e) < 0) {
			cJSON_Delete(body);
			err_prefix(&e, "content of %s", it->blob);
			item_fail(it, &e);
			return;
		}
		char *enc = b64((const unsigned char *)data, len);
		free(data);
		if (!enc) {
			cJSON_Delete(body);
			item_failf(it, "out of memory");
			return;
		}
		if (strcmp(type, "NOTEBOOK") == 0) {
			cJSON_AddStringToObject(body, "format", "SOURCE");
			const char *lang = jstr(it->obj, "language");
			if (lang)
				cJSON_AddStringToObject(body, "language", lang);
		} else {
			/* RAW, not AUTO: AUTO turns a file whose first line looks
			 * like a notebook header into a notebook */
			cJSON_AddStringToObject(body, "format", "RAW");
		}
		cJSON_AddStringToObject(body, "content", enc);
		cJSON_AddBoolToObject(body, "overwrite", 1);
		free(enc);
		submit(it, "POST", "/api/2.0/workspace/import", NULL, body, HTTP_RETRY_UNSAFE);
		cJSON_Delete(body);
		return;
	}
	if (k->imp.write == KIND_WRITE_SECRETS) {
		if (tid) {
			it->step = ST_MAIN;
			advance(it);
			return;
		}
		body = cJSON_CreateObject();
		cJSON_AddStringToObject(body, "scope", it->name);
		const char *bt = jstr(it->obj, "backend_type");
		if (bt)
			cJSON_AddStringToObject(body, "scope_backend_type", bt);
		it->tid = strdup(it->name);
		it->attempts++;
		submit(it, "POST", "/api/2.0/secrets/scopes/create", NULL, body, 0);
		cJSON_Delete(body);
		return;
	}
	if (tid && !k->imp.update_method) {
		/* kept as is (groups: members are replayed afterwards) */
		it->step = ST_MAIN;
		advance(it);
		return;
	}
	body = make_body(x, it, tid != NULL);
	if (!body) {
		item_failf(it, "out of memory");
		return;
	}
	if (tid) {
		if (!fill_id(k->imp.update_path, tid, path, sizeof path)) {
			cJSON_Delete(body);
			item_failf(it, "target id too long");
			return;
		}
		submit(it, k->imp.update_method, path, NULL, body, HTTP_RETRY_UNSAFE);
	} else {
		it->attempts++;
		submit(it, "POST", k->imp.create_path, NULL, body, 0);
	}
	cJSON_Delete(body);
}

/* ------------------------------------------------------------ one kind */

typedef struct itemv {
	item **v;
	size_t n, cap;
} itemv;

static void itemv_free(itemv *v)
{
	for (size_t i = 0; i < v->n; i++)
		item_free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

static int itemv_push(itemv *v, item *it)
{
	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 64;
		item **nv = realloc(v->v, nc * sizeof *nv);
		if (!nv)
			return -1;
		v->v = nv;
		v->cap = nc;
	}
	v->v[v->n++] = it;
	return 0;
}

/* A landed object that changed since, of a kind import cannot update
 * (no update call in the registry: groups, tables): kept as it is in the
 * target, and a manual follow-up says so (once per content). */
static void changed_not_updated(imp *x, item *it)
{
	const kind_def *k = it->k;
	char mk[1024], why[512];

	if (k->imp.update_method || (k->imp.write != KIND_WRITE_REST && k->imp.write != KIND_WRITE_SCIM))
		return;
	snprintf(mk, sizeof mk, "%s/%s/changed@%s", kind_name(k), it->src_id, it->hash);
	snprintf(why, sizeof why, "changed in source, not updated: this build has no update call "
		 "for %s (change it by hand on the target)", kind_name(k));
	if (x->o->dry_run)
		say_plan(x, "manual", it, why);
	manual(x, k, mk, it->name ? it->name : it->key, why);
}

/* Reads mapped/<kind>.jsonl into items; journaled and manual ones are
 * counted and said, not returned. */
static int load_items(imp *x, const kind_def *k, itemv *out, int all, dbx_err *err)
{
	jsonl_in *in = store_read(x->st, "mapped", kind_name(k), err);
	cJSON *rec;
	if (!in)
		return -1;
	while ((rec = jsonl_in_next(in))) {
		item *it = calloc(1, sizeof *it);
		char ib[512], kb[2048];
		const char *key = jstr(rec, "key");
		cJSON *obj = cJSON_DetachItemFromObjectCaseSensitive(rec, "object");
		if (!it || !key || !cJSON_IsObject(obj)) {
			log_warn("%s:%ld: record without key or object: skipped", jsonl_in_path(in),
				 jsonl_in_line(in));
			free(it);
			cJSON_Delete(obj);
			cJSON_Delete(rec);
			continue;
		}
		it->x = x;
		it->k = k;
		it->obj = obj;
		it->key = strdup(key);
		const char *sid = scalar(cJSON_GetObjectItemCaseSensitive(rec, "id"), ib, sizeof ib);
		it->src_id = strdup(sid ? sid : key);
		const char *nm = kind_key_of(k, obj, kb, sizeof kb);
		if (!nm && k->imp.key_alt)
			nm = scalar(kind_get_path(obj, k->imp.key_alt), kb, sizeof kb);
		it->name = xstrdup(nm);
		const char *sp = jstr(rec, "source_path");
		it->blob = xstrdup(sp ? sp : key);
		cJSON_Delete(rec);

		const char *tid = idmap_target(x->ids, kind_name(k), it->src_id);
		if (all) {
			itemv_push(out, it);
			continue;
		}
		/* the ACL is replayed (and digested) on its own, and so are a
		 * group's members (earlier builds digested them with the group:
		 * a journal line of that form still counts) */
		cJSON *acl = cJSON_DetachItemFromObjectCaseSensitive(obj, "access_control_list");
		char *with_members = has_members(k) ? digest(obj) : NULL;
		cJSON *mem = has_members(k) ? cJSON_DetachItemFromObjectCaseSensitive(obj, "members") : NULL;
		it->hash = digest(obj);
		if (mem)
			cJSON_AddItemToObject(obj, "members", mem);
		if (acl)
			cJSON_AddItemToObject(obj, "access_control_list", acl);
		const char *was = idmap_hash(x->ids, kind_name(k), it->src_id);
		int same = !was || !it->hash || strcmp(was, it->hash) == 0 ||
			   (with_members && strcmp(was, with_members) == 0);
		free(with_members);
		if (tid && !same) {
			/* landed before, changed since (the rules changed, or
			 * export --refresh read a change): update it where it
			 * is, never create it again */
			it->tid = strdup(tid);
			it->created = 1;
			tid = NULL;
			changed_not_updated(x, it);
		}
		if (tid) {
			cnt_of(x, k)->skipped++;
			if (x->o->dry_run) {
				char why[600];
				snprintf(why, sizeof why, "already imported as %s", tid);
				say_plan(x, "skip", it, why);
			}
			item_free(it);
			continue;
		}
		if (!it->name) {
			it->st = IT_FAILED;
			item_failf(it, "object has no %s (its natural key)", k->key_field);
			item_free(it);
			continue;
		}
		const char *why = jstr(obj, "manual");
		const char *bt = jstr(obj, "backend_type");
		char bwhy[256];
		if (!why && k->imp.write == KIND_WRITE_SECRETS && bt && strcmp(bt, "DATABRICKS") != 0) {
			/* only Databricks-backed scopes can be created through the API */
			snprintf(bwhy, sizeof bwhy, "%s-backed scope: recreate it by hand on the target", bt);
			why = bwhy;
		}
		if (why) {
			char mk[1024];
			snprintf(mk, sizeof mk, "%s/%s", kind_name(k), it->src_id);
			if (x->o->dry_run)
				say_plan(x, "manual", it, why);
			manual(x, k, mk, it->name, why);
			item_free(it);
			continue;
		}
		const char *fu = jstr(obj, "follow_up");
		if (fu) {
			/* written, and something about it is for a person to do */
			char mk[1024];
			snprintf(mk, sizeof mk, "%s/%s/follow_up", kind_name(k), it->src_id);
			if (x->o->dry_run)
				say_plan(x, "follow", it, fu);
			manual(x, k, mk, it->name, fu);
		}
		if (k->imp.write == KIND_WRITE_WORKSPACE) {
			const char *type = jstr(obj, "object_type");
			if (!type || (strcmp(type, "DIRECTORY") && strcmp(type, "NOTEBOOK") &&
				      strcmp(type, "FILE"))) {
				cnt_of(x, k)->skipped++;
				if (x->o->dry_run)
					say_plan(x, "skip", it, "not a directory, notebook or file");
				item_free(it);
				continue;
			}
		}
		if (itemv_push(out, it) < 0) {
			item_free(it);
			jsonl_in_close(in);
			return err_set(err, ERR_IO, kind_name(k), "out of memory");
		}
	}
	jsonl_in_close(in);
	return 0;
}

/* list_target into a fresh *idx, tried again after a transient failure
 * (http does not retry a 500 on a GET). */
static int list_target_retry(imp *x, const kind_def *k, idmap **idx, dbx_err *err)
{
	for (int attempt = 1;; attempt++) {
		if (list_target(x, k, *idx, err) == 0)
			return 0;
		if (attempt >= 3 || !transient(err))
			return -1;
		log_verbose("listing %s again after: %s", kind_name(k), err->msg);
		idmap_close(*idx);
		*idx = idmap_mem();
		if (!*idx)
			return err_set(err, ERR_IO, kind_name(k), "out of memory");
		err_clear(err);
	}
}

/* ------------------------------------------------- same-name pairing */

/* Ids in order: numeric ids (job ids) by value, others as strings. */
static int id_cmp(const char *a, const char *b)
{
	size_t la = strspn(a, "0123456789"), lb = strspn(b, "0123456789");
	if (la && lb && !a[la] && !b[lb] && la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

typedef struct tobj {
	const char *name, *id, *state;	/* owned by the listing index */
} tobj;

typedef struct pairing {
	idmap *claimed;		/* "t": target ids a journal line or this run holds */
	tobj *v;
	size_t n, cap;
	int oom;
} pairing;

static int collect_claimed(void *ud, const char *kind, const char *source_id,
			   const char *target_id, const char *name)
{
	pairing *p = ud;
	dbx_err e;
	(void)kind;
	(void)name;
	if (idmap_put(p->claimed, "t", target_id, source_id, NULL, &e) < 0)
		p->oom = 1;
	return 0;
}

static int collect_target(void *ud, const char *kind, const char *id, const char *key,
			  const char *state)
{
	pairing *p = ud;
	(void)kind;
	if (idmap_target(p->claimed, "t", id))
		return 0;
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 64;
		tobj *nv = realloc(p->v, nc * sizeof *nv);
		if (!nv) {
			p->oom = 1;
			return 1;
		}
		p->v = nv;
		p->cap = nc;
	}
	p->v[p->n++] = (tobj){ key, id, state };
	return 0;
}

static int tobj_cmp(const void *a, const void *b)
{
	const tobj *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : id_cmp(x->id, y->id);
}

static int item_cmp(const void *a, const void *b)
{
	const item *x = *(item *const *)a, *y = *(item *const *)b;
	int c = strcmp(x->name, y->name);
	return c ? c : id_cmp(x->src_id, y->src_id);
}

/* Kinds whose names may repeat: pairs source and target objects of one
 * name one to one, into x->paired. The source objects of a name, by
 * source id ascending, take the target objects of that name that no
 * journal line and no object of this run holds, by target id ascending;
 * the ones left over are created. Journaled objects keep their target
 * (journal first), so a re-run keeps the pairing. Called after every
 * listing of the target (idx, with its "all" entries). */
static int pair_same_names(imp *x, const kind_def *k, const itemv *items, idmap *idx, dbx_err *err)
{
	int rc = -1;
	pairing p = { 0 };
	item **cand = malloc((items->n ? items->n : 1) * sizeof *cand);
	size_t nc = 0;
	idmap_close(x->paired);
	x->paired = idmap_mem();
	p.claimed = idmap_mem();
	if (!cand || !x->paired || !p.claimed)
		goto oom;
	idmap_each(x->ids, kind_name(k), collect_claimed, &p);
	for (size_t i = 0; i < items->n; i++) {
		item *it = items->v[i];
		if (it->created && it->tid)
			collect_claimed(&p, NULL, it->src_id, it->tid, NULL);
		else if (it->st != IT_DONE && it->st != IT_FAILED && it->name)
			cand[nc++] = it;
	}
	if (!p.oom)
		idmap_each(idx, "all", collect_target, &p);
	if (p.oom)
		goto oom;
	if (p.n)	/* qsort takes no NULL, even for nothing */
		qsort(p.v, p.n, sizeof *p.v, tobj_cmp);
	if (nc)
		qsort(cand, nc, sizeof *cand, item_cmp);
	for (size_t c = 0, t = 0; c < nc; c++) {
		item *it = cand[c];
		while (t < p.n && strcmp(p.v[t].name, it->name) < 0)
			t++;
		if (t < p.n && strcmp(p.v[t].name, it->name) == 0) {
			if (idmap_put(x->paired, "s", it->src_id, p.v[t].id, p.v[t].state, err) < 0)
				goto out;
			t++;
		}
	}
	rc = 0;
	goto out;
oom:
	err_set(err, ERR_IO, kind_name(k), "out of memory");
out:
	idmap_close(p.claimed);
	free(p.v);
	free(cand);
	return rc;
}

static int split_sql(const kind_def *k, itemv *items, itemv *sql, dbx_err *err);
static int import_sql(imp *x, const kind_def *k, itemv *v, dbx_err *err);

static int import_kind(imp *x, const kind_def *k, dbx_err *err)
{
	int rc = -1;
	itemv items = { 0 }, sqlv = { 0 };
	idmap *idx = NULL;
	x->pending = idmap_mem();
	if (!x->pending)
		return err_set(err, ERR_IO, kind_name(k), "out of memory");
	if (load_items(x, k, &items, 0, err) < 0 || split_sql(k, &items, &sqlv, err) < 0)
		goto out;
	if (items.n == 0) {
		rc = 0;
		goto sql;
	}
	for (size_t i = 0; i < items.n; i++)
		if (idmap_put(x->pending, "p", items.v[i]->src_id, "", NULL, err) < 0)
			goto out;
	log_verbose("import: %s: %zu objects", kind_name(k), items.n);
	if (!x->o->dry_run)
		x->prog = progress_begin("import", kind_name(k), (long)items.n);

	int need_list = k->imp.write != KIND_WRITE_WORKSPACE;
	for (x->round = 0; x->round < MAX_ROUNDS; x->round++) {
		if (need_list) {
			idmap_close(idx);
			idx = idmap_mem();
			if (!idx) {
				err_set(err, ERR_IO, kind_name(k), "out of memory");
				goto out;
			}
			if (list_target_retry(x, k, &idx, err) < 0) {
				err_prefix(err, "listing %s in the target", kind_name(k));
				goto out;
			}
			need_list = 0;
			if (!k->key_unique && pair_same_names(x, k, &items, idx, err) < 0)
				goto out;
		}
		x->progress = 0;
		x->final = x->round == MAX_ROUNDS - 1;
		size_t started = 0;
		for (size_t i = 0; i < items.n && !x->dead; i++) {
			item *it = items.v[i];
			if (it->st == IT_DONE || it->st == IT_FAILED)
				continue;
			if (it->st == IT_UNSURE && it->attempts >= 4) {
				item_fail(it, &it->err);
				continue;
			}
			/* the tree: directories first, then what goes in them */
			if (k->imp.write == KIND_WRITE_WORKSPACE && x->round == 0 &&
			    strcmp(jstr(it->obj, "object_type"), "DIRECTORY") != 0) {
				it->st = IT_DEFER;
				continue;
			}
			int r = resolve_refs(x, it);
			if (r < 0)
				continue;
			if (r > 0) {
				it->st = IT_DEFER;
				continue;
			}
			if (!it->restore)
				pause_members(it);
			start_item(x, it, idx);
			started++;
		}
		if (started && !x->o->dry_run && http_run(x->w, err) < 0)
			goto out;
		if (x->dead) {
			*err = x->dead_err;
			goto out;
		}
		size_t unsure = 0, deferred = 0;
		for (size_t i = 0; i < items.n; i++) {
			item *it = items.v[i];
			if (it->st == IT_DONE && x->pending)
				idmap_put(x->pending, "p", it->src_id, "", NULL, err);
			unsure += it->st == IT_UNSURE;
			deferred += it->st == IT_DEFER;
		}
		if (!unsure && !deferred)
			break;
		if (unsure && k->imp.write != KIND_WRITE_WORKSPACE)
			need_list = 1;	/* the tree needs none: writes there overwrite */
		if (!unsure && !x->progress && x->round > 0) {
			/* references inside the kind that never resolve (a cycle) */
			for (size_t i = 0; i < items.n; i++)
				if (items.v[i]->st == IT_DEFER)
					item_failf(items.v[i], "refers to another %s that could not be "
						   "created first (a reference cycle?)", kind_name(k));
			break;
		}
		/* done items leave `pending`: rebuild it */
		idmap_close(x->pending);
		x->pending = idmap_mem();
		for (size_t i = 0; x->pending && i < items.n; i++)
			if (items.v[i]->st != IT_DONE && items.v[i]->st != IT_FAILED)
				idmap_put(x->pending, "p", items.v[i]->src_id, "", NULL, err);
	}
	for (size_t i = 0; i < items.n; i++) {
		item *it = items.v[i];
		if (it->st == IT_UNSURE || it->st == IT_DEFER || it->st == IT_PENDING) {
			if (it->st == IT_UNSURE)
				item_fail(it, &it->err);
			else
				item_failf(it, "not imported after %d rounds", MAX_ROUNDS);
		}
	}
	rc = 0;
sql:
	/* after the REST rounds: the tables a view reads are there */
	if (sqlv.n && import_sql(x, k, &sqlv, err) < 0)
		rc = -1;
out:
	if (x->prog)
		progress_end(x->prog);
	x->prog = NULL;
	idmap_close(idx);
	idmap_close(x->pending);
	x->pending = NULL;
	idmap_close(x->paired);
	x->paired = NULL;
	itemv_free(&items);
	itemv_free(&sqlv);
	return rc;
}

/* A kind export reads but import cannot write yet: its objects are said,
 * one manual follow-up each, never silently left out. */
static int not_written(imp *x, const kind_def *k, dbx_err *err)
{
	itemv items = { 0 };
	char why[256], mk[1024];
	if (load_items(x, k, &items, 1, err) < 0)
		return -1;
	snprintf(why, sizeof why, "this build does not import %s: recreate it by hand", kind_name(k));
	for (size_t i = 0; i < items.n; i++) {
		item *it = items.v[i];
		snprintf(mk, sizeof mk, "%s/%s", kind_name(k), it->src_id);
		const char *own = jstr(it->obj, "manual");	/* the kind's own reason */
		if (x->o->dry_run)
			say_plan(x, "manual", it, own ? own : why);
		manual(x, k, mk, it->name ? it->name : it->key, own ? own : why);
	}
	itemv_free(&items);
	return 0;
}

/* ------------------------------------------------- kinds written by SQL */

/* Moves the items import creates by SQL (k->imp.sql_types: Unity Catalog
 * managed tables and views) from items to sql. */
static int split_sql(const kind_def *k, itemv *items, itemv *sql, dbx_err *err)
{
	size_t keep = 0;
	if (!k->imp.sql_types)
		return 0;
	for (size_t i = 0; i < items->n; i++) {
		item *it = items->v[i];
		if (!ucsql_by_sql(k, it->obj)) {
			items->v[keep++] = it;
			continue;
		}
		if (itemv_push(sql, it) < 0) {
			for (size_t j = i; j < items->n; j++)
				items->v[keep++] = items->v[j];
			items->n = keep;
			return err_set(err, ERR_IO, kind_name(k), "out of memory");
		}
	}
	items->n = keep;
	return 0;
}

/* Creates one SQL item: the statement, then its grants, then the journal.
 * 0 done (or printed, dry), 1 failed for now (it->err), -1 hard error. */
static int sql_item(imp *x, item *it, const char *wh, dbx_err *err)
{
	dbx_err e = { 0 };
	cJSON *rows = NULL, *reply = NULL;
	char *sql = ucsql_create(it->obj, &e);
	char path[2048];
	int rc = 1;

	if (!sql)
		goto out;
	if (x->o->dry_run) {
		say_plan(x, "create", it, "by SQL");
		printf("sql     %s;\n", sql);
		idmap_put(x->ids, kind_name(it->k), it->src_id, it->name, it->name, &e);
		rc = 0;
		goto out;
	}
	if (sqlstmt_run(x->w, wh, sql, &rows, &e) < 0) {
		if (e.cls == ERR_AUTH || e.http_status == 401) {
			*err = e;
			rc = -1;
		}
		goto out;
	}
	/* a table created by SQL belongs to us: give it its owner (the only
	 * field PATCH tables takes), then its grants */
	const char *owner = jstr(it->obj, "owner");
	if (owner && fill_id("/api/2.1/unity-catalog/tables/{id}", it->name, path, sizeof path)) {
		cJSON *ob = cJSON_CreateObject();
		cJSON_AddStringToObject(ob, "owner", owner);
		int r = http_call_json(x->w, "PATCH", path, NULL, ob, 0, &reply, &e);
		cJSON_Delete(ob);
		cJSON_Delete(reply);
		reply = NULL;
		if (r < 0) {
			err_prefix(&e, "created, but its owner");
			goto out;
		}
	}
	cJSON *g = grants_body(cJSON_GetObjectItemCaseSensitive(it->obj, "grants"));
	if (g && it->k->imp.grants_path && fill_id(it->k->imp.grants_path, it->name, path, sizeof path) &&
	    http_call_json(x->w, "PATCH", path, NULL, g, HTTP_RETRY_UNSAFE, &reply, &e) < 0) {
		cJSON_Delete(g);
		err_prefix(&e, "created, but its grants");
		goto out;
	}
	cJSON_Delete(g);
	if (idmap_put_hash(x->ids, kind_name(it->k), it->src_id, it->name, it->name, it->hash, err) < 0) {
		stop_run(x, err);
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	if (rc == 1)
		it->err = e;
	cJSON_Delete(rows);
	cJSON_Delete(reply);
	free(sql);
	return rc;
}

/* Unity Catalog managed tables and views, by SQL on the target warehouse:
 * tables first, then views, a view that reads one not created yet tried
 * again after the others. Without a warehouse each is a manual follow-up
 * that says how import would create it. */
static int import_sql(imp *x, const kind_def *k, itemv *v, dbx_err *err)
{
	char wh[256], why[512], mk[1024], text[1600];
	counts *c = cnt_of(x, k);

	if (!hive_target_warehouse(x->st, x->ids, x->o->warehouse_id, wh, sizeof wh, why, sizeof why)) {
		for (size_t i = 0; i < v->n; i++) {
			item *it = v->v[i];
			snprintf(mk, sizeof mk, "%s/%s", kind_name(k), it->src_id);
			snprintf(text, sizeof text, "%s: created by SQL on a SQL warehouse: import with "
				 "--warehouse-id ID (a target warehouse) creates it (%.300s)",
				 ucsql_is_view(it->obj) ? "view" : "managed table", why);
			if (x->o->dry_run)
				say_plan(x, "manual", it, text);
			manual(x, k, mk, it->name, text);
		}
		return 0;
	}
	for (int views = 0; views <= 1; views++) {
		for (int moved = 1; moved;) {
			moved = 0;
			for (size_t i = 0; i < v->n; i++) {
				item *it = v->v[i];
				if (it->st == IT_DONE || it->st == IT_FAILED || ucsql_is_view(it->obj) != views)
					continue;
				int r = sql_item(x, it, wh, err);
				if (r < 0)
					return -1;
				if (r == 0) {
					it->st = IT_DONE;
					c->created++;
					moved = 1;
				} else if (!views || !strstr(it->err.msg, "TABLE_OR_VIEW_NOT_FOUND")) {
					item_fail(it, &it->err);
				}
			}
		}
	}
	for (size_t i = 0; i < v->n; i++)
		if (v->v[i]->st != IT_DONE && v->v[i]->st != IT_FAILED)
			item_fail(v->v[i], &v->v[i]->err);
	return 0;
}

/* --only names the Hive metastore, and no warehouse is known nor can be
 * (sql_warehouses is not imported in this run): a usage error before
 * anything is changed. */
static int sql_usage(imp *x, kind_set sel, dbx_err *err)
{
	char wh[256], why[512];
	const kind_def *kw = kind_find("sql_warehouses");
	for (size_t i = 0; i < kind_count(); i++) {
		const kind_def *k = kind_at(i);
		if (!k->by_sql || !kind_in(sel, i) || !hive_named(x->o->only) ||
		    (kw && kind_in(sel, kind_index(kw))))
			continue;
		if (!hive_target_warehouse(x->st, x->ids, x->o->warehouse_id, wh, sizeof wh, why, sizeof why))
			return err_set(err, ERR_USAGE, "--warehouse-id", "%s: %s", k->name, why);
	}
	return 0;
}

/* hive_import's manual follow-ups (a database or table a rule marked manual). */
static void sql_manual(void *ud, const char *key, const char *name, const char *why)
{
	imp *x = ud;
	manual(x, kind_find(HIVE_KIND), key, name, why);
}

/* The Hive metastore, by SQL on the target warehouse (src/hive.c). No
 * warehouse: a usage error when --only names the kind, else one note and
 * the kind is left for a later run. */
static int import_by_sql(imp *x, const kind_def *k, dbx_err *err)
{
	char wh[256], why[512];
	hive_counts hc;
	counts *c = cnt_of(x, k);

	if (hive_mapped_count(x->st) == 0)
		return 0;	/* export did not read it: nothing to say */
	if (!hive_target_warehouse(x->st, x->ids, x->o->warehouse_id, wh, sizeof wh, why, sizeof why)) {
		if (hive_named(x->o->only))
			return err_set(err, ERR_USAGE, "--warehouse-id", "%s: %s", k->name, why);
		printf("note: %s not imported: %s\n", k->name, why);
		return 0;
	}
	if (hive_import(x->w, x->st, x->ids, wh, x->o->dry_run, &hc, sql_manual, x, err) < 0)
		return -1;
	c->created += hc.added;
	c->skipped += hc.kept;
	c->failed += hc.failed;
	if (!x->o->dry_run) {
		cJSON *meta = store_meta(x->st), *wm = cJSON_GetObjectItemCaseSensitive(meta, "warehouse");
		if (!wm)
			wm = cJSON_AddObjectToObject(meta, "warehouse");
		cJSON_DeleteItemFromObjectCaseSensitive(wm, "target");
		cJSON_AddStringToObject(wm, "target", wh);
	}
	return 0;
}

/* ------------------------------------------------- group memberships */

static const char *const member_kinds[] = { "users", "service_principals", "groups", NULL };

/* The common start of a follow-up step's callback: a failed reply is
 * either retried in the next round (transient, rounds left) or fails the
 * item. Returns 1 when the reply failed; frees a successful one. */
static int step_failed(item *it, cJSON *json, const dbx_err *e)
{
	if (!json) {
		if (transient(e) && !it->x->final)
			it->x->progress++;	/* counts the retries wanted */
		else
			item_fail(it, e);
		return 1;
	}
	cJSON_Delete(json);
	return 0;
}

/* Group memberships in the journal: "group_members" <group source id>
 * (hash: digest of the source members last replayed), and one line per
 * member this session added, kind "group_member/<group source id>",
 * member source id -> member target id, hash "added" (written before the
 * PATCH that adds it) or "removed" (after the PATCH that took it out).
 * Only members with an "added" line are ever removed: members the target
 * group had on its own are left alone (validate shows them). */
static void member_kind(const item *it, char *buf, size_t size)
{
	snprintf(buf, size, "group_member/%s", it->src_id);
}

static void on_members(ws *w, void *ud, cJSON *json, const dbx_err *e)
{
	item *it = ud;
	char gk[600];
	const cJSON *r;
	(void)w;
	if (step_failed(it, json, e))
		return;
	dbx_err pe = { 0 };
	member_kind(it, gk, sizeof gk);
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(it->plan, "remove"))
		if (idmap_put_hash(it->x->ids, gk, jstr(r, "sid"), jstr(r, "tid"), jstr(r, "name"),
				   "removed", &pe) < 0) {
			journal_failed(it, &pe);
			return;
		}
	if (idmap_put_hash(it->x->ids, "group_members", it->src_id, it->tid, it->name, it->hash, &pe) < 0) {
		journal_failed(it, &pe);
		return;
	}
	it->st = IT_DONE;
}

typedef struct added_ctx {
	imp *x;
	const char *gk;
	const cJSON *want, *present;
	cJSON *remove;
} added_ctx;

static int has_value(const cJSON *arr, const char *field, const char *v)
{
	const cJSON *e;
	char b[512];
	cJSON_ArrayForEach(e, arr) {
		const char *s = scalar(cJSON_GetObjectItemCaseSensitive(e, field), b, sizeof b);
		if (s && strcmp(s, v) == 0)
			return 1;
	}
	return 0;
}

/* A member this session added: removed when the source no longer has it
 * and the target group still does. */
static int added_member(void *ud, const char *kind, const char *source_id, const char *target_id,
			const char *name)
{
	added_ctx *a = ud;
	const char *h = idmap_hash(a->x->ids, a->gk, source_id);
	(void)kind;	/* a->gk in full: idmap_each may cut long kinds short */
	if (!h || strcmp(h, "added") != 0 || has_value(a->want, "tid", target_id) ||
	    !has_value(a->present, "value", target_id))
		return 0;
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "sid", source_id);
	cJSON_AddStringToObject(r, "tid", target_id);
	cJSON_AddStringToObject(r, "name", name ? name : "");
	cJSON_AddItemToArray(a->remove, r);
	return 0;
}

/* The target group as it is: adds what the source has and it lacks
 * (journaled first), removes what this session added and the source
 * dropped, in one PATCH. */
static void on_group_read(ws *w, void *ud, cJSON *json, const dbx_err *e)
{
	item *it = ud;
	imp *x = it->x;
	char gk[600], path[1024];
	const cJSON *m, *want = cJSON_GetObjectItemCaseSensitive(it->plan, "want");
	cJSON *present, *body, *ops, *add;
	added_ctx a = { .x = x, .gk = gk, .want = want };
	dbx_err pe = { 0 };
	(void)w;
	if (!json) {
		step_failed(it, NULL, e);
		return;
	}
	present = cJSON_GetObjectItemCaseSensitive(json, "members");
	member_kind(it, gk, sizeof gk);
	body = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(body, "schemas"),
			     cJSON_CreateString("urn:ietf:params:scim:api:messages:2.0:PatchOp"));
	ops = cJSON_AddArrayToObject(body, "Operations");
	add = cJSON_CreateArray();
	cJSON_ArrayForEach(m, want) {
		const char *tid = jstr(m, "tid");
		if (has_value(present, "value", tid))
			continue;
		if (idmap_put_hash(x->ids, gk, jstr(m, "sid"), tid, jstr(m, "name"), "added", &pe) < 0) {
			cJSON_Delete(add);
			cJSON_Delete(body);
			cJSON_Delete(json);
			journal_failed(it, &pe);
			return;
		}
		cJSON *v = cJSON_CreateObject();
		cJSON_AddStringToObject(v, "value", tid);
		cJSON_AddItemToArray(add, v);
	}
	if (cJSON_GetArraySize(add)) {
		cJSON *op = cJSON_CreateObject();
		cJSON_AddStringToObject(op, "op", "add");
		cJSON_AddStringToObject(op, "path", "members");
		cJSON_AddItemToObject(op, "value", add);
		cJSON_AddItemToArray(ops, op);
	} else {
		cJSON_Delete(add);
	}
	a.present = present;
	a.remove = cJSON_AddArrayToObject(it->plan, "remove");
	idmap_each(x->ids, gk, added_member, &a);
	cJSON_ArrayForEach(m, a.remove) {
		char fp[700];
		cJSON *op = cJSON_CreateObject();
		snprintf(fp, sizeof fp, "members[value eq \"%s\"]", jstr(m, "tid"));
		cJSON_AddStringToObject(op, "op", "remove");
		cJSON_AddStringToObject(op, "path", fp);
		cJSON_AddItemToArray(ops, op);
		log_info("group \"%s\": removing member \"%s\" (this session added it; the source "
			 "group no longer has it)", it->name, jstr(m, "name"));
	}
	cJSON_Delete(json);
	if (cJSON_GetArraySize(ops) == 0) {
		/* nothing to change: the target already matches */
		cJSON_Delete(body);
		on_members(NULL, it, cJSON_CreateObject(), NULL);
		return;
	}
	if (!fill_id("/api/2.0/preview/scim/v2/Groups/{id}", it->tid, path, sizeof path) ||
	    http_submit(x->w, "PATCH", path, NULL, body, 0, on_members, it) < 0)
		item_failf(it, "cannot queue the members update");
	cJSON_Delete(body);
}

static int members_pass(imp *x, const kind_def *k, dbx_err *err)
{
	int rc = -1;
	itemv items = { 0 };
	if (load_items(x, k, &items, 1, err) < 0)
		goto out;
	for (size_t i = 0; i < items.n; i++) {
		item *it = items.v[i];
		const cJSON *members = cJSON_GetObjectItemCaseSensitive(it->obj, "members");
		const cJSON *m;
		const char *tid = idmap_target(x->ids, kind_name(k), it->src_id);
		int before = idmap_target(x->ids, "group_members", it->src_id) != NULL;
		if ((cJSON_GetArraySize(members) == 0 && !before) || !tid ||
		    idmap_target(x->gave_up, "group_members", it->src_id))
			continue;
		/* replayed before: again only when the members changed since */
		cJSON *none = members ? NULL : cJSON_CreateArray();
		it->hash = digest(members ? members : none);
		cJSON_Delete(none);
		const char *was = idmap_hash(x->ids, "group_members", it->src_id);
		if (before && (!was || !it->hash || strcmp(was, it->hash) == 0))
			continue;
		it->tid = strdup(tid);
		it->plan = cJSON_CreateObject();
		cJSON *want = cJSON_AddArrayToObject(it->plan, "want");
		int bad = 0;
		cJSON_ArrayForEach(m, members) {
			char sb[512];
			const char *sid = scalar(cJSON_GetObjectItemCaseSensitive(m, "value"), sb, sizeof sb);
			const char *mt = NULL;
			const char *disp = jstr(m, "display");
			for (size_t j = 0; sid && member_kinds[j] && !mt; j++)
				mt = idmap_target(x->ids, member_kinds[j], sid);
			if (!mt) {
				item_failf(it, "member %s (\"%s\") was not imported: no user, service "
					   "principal or group with that source id in import/ids.jsonl",
					   sid ? sid : "?", disp ? disp : "?");
				bad = 1;
				break;
			}
			cJSON *v = cJSON_CreateObject();
			cJSON_AddStringToObject(v, "sid", sid);
			cJSON_AddStringToObject(v, "tid", mt);
			cJSON_AddStringToObject(v, "name", disp ? disp : "");
			cJSON_AddItemToArray(want, v);
		}
		if (bad)
			continue;
		if (x->o->dry_run) {
			char why[64];
			snprintf(why, sizeof why, "%d members", cJSON_GetArraySize(want));
			say_plan(x, "members", it, why);
			continue;
		}
		char full[1024];
		if (!fill_id("/api/2.0/preview/scim/v2/Groups/{id}", tid, full, sizeof full) ||
		    http_submit(x->w, "GET", full, NULL, NULL, 0, on_group_read, it) < 0)
			item_failf(it, "cannot queue the members update");
	}
	if (!x->o->dry_run && http_run(x->w, err) < 0)
		goto out;
	if (x->dead) {
		*err = x->dead_err;
		goto out;
	}
	for (size_t i = 0; i < items.n; i++)
		if (items.v[i]->st == IT_FAILED)
			idmap_put(x->gave_up, "group_members", items.v[i]->src_id, "", NULL, err);
	rc = 0;
out:
	itemv_free(&items);
	return rc;
}

/* Memberships, in rounds: a transient failure is tried again (the journal
 * skips what is done). */
static int import_members(imp *x, const kind_def *k, dbx_err *err)
{
	for (x->round = 0; x->round < MAX_ROUNDS; x->round++) {
		x->final = x->round == MAX_ROUNDS - 1;
		x->progress = 0;
		if (members_pass(x, k, err) < 0)
			return -1;
		if (!x->progress)
			break;
	}
	return 0;
}

/* -------------------------------------------------------- permissions */

typedef struct principals {
	idmap *users, *groups, *sps;
	int known;	/* the target's principals could be listed */
} principals;

static void on_perms(ws *w, void *ud, cJSON *json, const dbx_err *e)
{
	item *it = ud;
	(void)w;
	if (step_failed(it, json, e))
		return;
	char pk[128];
	dbx_err pe = { 0 };
	snprintf(pk, sizeof pk, "permissions/%s", kind_name(it->k));
	if (idmap_put_hash(it->x->ids, pk, it->src_id, it->tid, it->name, it->hash, &pe) < 0)
		journal_failed(it, &pe);
}

/* Every workspace has these two groups (any cloud); SCIM does not list them. */
static int builtin_group(const char *name)
{
	return strcmp(name, "users") == 0 || strcmp(name, "admins") == 0;
}

/* The PUT entries for one object: inherited entries and the importing
 * principal's own are left out; absent principals fail the object or,
 * with --skip-missing-principals, are dropped and reported. NULL when the
 * item failed. */
static cJSON *acl_entries(imp *x, item *it, const cJSON *acl, const principals *pr)
{
	static const char *const fields[] = { "user_name", "group_name", "service_principal_name", NULL };
	cJSON *out = cJSON_CreateArray();
	const cJSON *e;
	cJSON_ArrayForEach(e, acl) {
		const char *field = NULL, *who = NULL;
		for (size_t i = 0; fields[i] && !who; i++)
			if ((who = jstr(e, fields[i])))
				field = fields[i];
		if (!who)
			continue;
		if (strcmp(field, "user_name") == 0 && x->me[0] && strcmp(who, x->me) == 0)
			continue;
		/* levels: the PUT shape, or the GET shape's non-inherited all_permissions */
		const char *levels[8];
		size_t nl = 0;
		const char *pl = jstr(e, "permission_level");
		if (pl) {
			if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "inherited")))
				levels[nl++] = pl;
		} else {
			const cJSON *ap;
			cJSON_ArrayForEach(ap, cJSON_GetObjectItemCaseSensitive(e, "all_permissions")) {
				const char *l = jstr(ap, "permission_level");
				if (l && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ap, "inherited")) &&
				    nl < 8)
					levels[nl++] = l;
			}
		}
		if (nl == 0)
			continue;
		if (pr->known && !(strcmp(field, "group_name") == 0 && builtin_group(who))) {
			const idmap *set = strcmp(field, "user_name") == 0 ? pr->users
					 : strcmp(field, "group_name") == 0 ? pr->groups : pr->sps;
			char lk[1024];
			const char *ik = strcmp(field, "user_name") == 0 && kind_find("users")
					 ? index_key(kind_find("users"), who, lk, sizeof lk) : who;
			if (!idmap_target(set, "k", ik)) {
				char why[1024];
				snprintf(why, sizeof why, "%s '%s' does not exist in the target", field, who);
				if (!x->o->skip_missing_principals) {
					cJSON_Delete(out);
					item_failf(it, "permissions: %s (create it, fix the rules, or pass "
						   "--skip-missing-principals)", why);
					return NULL;
				}
				char mk[1024];
				snprintf(mk, sizeof mk, "permissions/%s/%s/%s", kind_name(it->k), it->src_id, who);
				char w2[1100];
				snprintf(w2, sizeof w2, "permission entry dropped: %s", why);
				manual(x, it->k, mk, it->name, w2);
				continue;
			}
		}
		for (size_t i = 0; i < nl; i++) {
			cJSON *ne = cJSON_CreateObject();
			cJSON_AddStringToObject(ne, field, who);
			cJSON_AddStringToObject(ne, "permission_level", levels[i]);
			cJSON_AddItemToArray(out, ne);
		}
	}
	return out;
}

static int add_name(void *ud, const char *kind, const char *source_id, const char *target_id,
		    const char *name)
{
	dbx_err e;
	(void)source_id;
	char lk[1024];
	const kind_def *k = kind_find(kind);
	if (name && *name && k)
		idmap_put(ud, "k", index_key(k, name, lk, sizeof lk), target_id, NULL, &e);
	return 0;
}

static int has_perms(const kind_def *k)
{
	return k->imp.write != KIND_WRITE_NONE && (k->perm_type || k->perm_by_type);
}

/* One PUT per object of every selected kind, all in flight together (the
 * objects exist by now, permissions do not depend on one another). */
static int perms_pass(imp *x, kind_set sel, const principals *pr, dbx_err *err)
{
	int rc = -1;
	itemv items = { 0 };
	char pk[128];
	for (size_t i = 0; i < kind_count(); i++)
		if (kind_in(sel, i) && has_perms(kind_at(i)) && load_items(x, kind_at(i), &items, 1, err) < 0)
			goto out;
	size_t started = 0;
	for (size_t i = 0; i < items.n; i++) {
		item *it = items.v[i];
		const kind_def *k = it->k;
		const cJSON *acl = cJSON_GetObjectItemCaseSensitive(it->obj, "access_control_list");
		const char *tid = idmap_target(x->ids, kind_name(k), it->src_id);
		snprintf(pk, sizeof pk, "permissions/%s", kind_name(k));
		if (cJSON_GetArraySize(acl) == 0 || !tid || idmap_target(x->gave_up, pk, it->src_id))
			continue;
		it->hash = digest(acl);
		/* replayed before: again only when the ACL changed since */
		const char *was = idmap_target(x->ids, pk, it->src_id) ? idmap_hash(x->ids, pk, it->src_id) : NULL;
		if (idmap_target(x->ids, pk, it->src_id) && (!was || !it->hash || strcmp(was, it->hash) == 0))
			continue;
		const char *type = k->perm_type;
		if (k->perm_by_type)
			type = kind_ws_perm_type(jstr(it->obj, "object_type"));
		if (!type)
			continue;
		it->tid = strdup(tid);
		cJSON *entries = acl_entries(x, it, acl, pr);
		if (!entries)
			continue;
		if (cJSON_GetArraySize(entries) == 0) {
			/* only inherited or implicit entries: nothing to replay */
			cJSON_Delete(entries);
			continue;
		}
		if (x->o->dry_run) {
			char why[64];
			snprintf(why, sizeof why, "%d entries", cJSON_GetArraySize(entries));
			say_plan(x, "acl", it, why);
			cJSON_Delete(entries);
			continue;
		}
		cJSON *body = cJSON_CreateObject();
		cJSON_AddItemToObject(body, "access_control_list", entries);
		char path[1024];
		char *esc = http_escape(tid);
		snprintf(path, sizeof path, "/api/2.0/permissions/%s/%s", type, esc ? esc : "");
		free(esc);
		if (http_submit(x->w, "PUT", path, NULL, body, 0, on_perms, it) < 0)
			item_failf(it, "cannot queue the permissions update");
		else
			started++;
		cJSON_Delete(body);
	}
	if (started && http_run(x->w, err) < 0)
		goto out;
	if (x->dead) {
		*err = x->dead_err;
		goto out;
	}
	for (size_t i = 0; i < items.n; i++)
		if (items.v[i]->st == IT_FAILED) {
			snprintf(pk, sizeof pk, "permissions/%s", kind_name(items.v[i]->k));
			idmap_put(x->gave_up, pk, items.v[i]->src_id, "", NULL, err);
		}
	rc = 0;
out:
	itemv_free(&items);
	return rc;
}

static int import_perms(imp *x, kind_set sel, const principals *pr, dbx_err *err)
{
	for (x->round = 0; x->round < MAX_ROUNDS; x->round++) {
		x->final = x->round == MAX_ROUNDS - 1;
		x->progress = 0;
		if (perms_pass(x, sel, pr, err) < 0)
			return -1;
		if (!x->progress)
			break;
	}
	return 0;
}

/* ------------------------------------------------------------ the run */

static int load_secrets(const char *path, cJSON **out, dbx_err *err)
{
	int rc = -1, fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	struct stat sb;
	*out = NULL;
	if (fd < 0)
		return err_set(err, ERR_CONFIG, path, "cannot open the secrets file: %s", strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		err_set(err, ERR_CONFIG, path, "not a regular file");
		goto out;
	}
	if (sb.st_mode & 077) {
		err_set(err, ERR_CONFIG, path,
			"secrets file is readable by others (mode %04o): chmod 600 %s",
			(unsigned)(sb.st_mode & 07777), path);
		goto out;
	}
	if (sb.st_size > 64 * 1024 * 1024) {
		err_set(err, ERR_CONFIG, path, "secrets file too large");
		goto out;
	}
	buf = malloc((size_t)sb.st_size + 1);
	size_t got = 0;
	while (buf && got < (size_t)sb.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (!buf || got != (size_t)sb.st_size) {
		err_set(err, ERR_CONFIG, path, "cannot read the secrets file");
		goto out;
	}
	buf[got] = 0;
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithOpts(buf, &end, 1);
	if (!cJSON_IsObject(j)) {
		long line = 1;
		for (const char *p = buf; end && p < end; p++)
			line += *p == '\n';
		cJSON_Delete(j);
		err_set(err, ERR_CONFIG, path, "line %ld: not a JSON object {scope: {key: value}}", line);
		goto out;
	}
	const cJSON *scope, *kv;
	cJSON_ArrayForEach(scope, j) {
		if (!cJSON_IsObject(scope)) {
			err_set(err, ERR_CONFIG, path, "scope '%s': not an object {key: value}", scope->string);
			cJSON_Delete(j);
			goto out;
		}
		cJSON_ArrayForEach(kv, scope) {
			if (!cJSON_IsString(kv)) {
				err_set(err, ERR_CONFIG, path, "scope '%s' key '%s': value is not a string",
					scope->string, kv->string);
				cJSON_Delete(j);
				goto out;
			}
			log_add_secret(kv->valuestring);
		}
	}
	*out = j;
	rc = 0;
out:
	if (buf)
		memset(buf, 0, got < (size_t)sb.st_size ? got : (size_t)sb.st_size);
	free(buf);
	close(fd);
	return rc;
}

/* What cutover already un-paused in the target (cutover/<kind>.jsonl):
 * a later import of a changed object must not pause it again. */
static int load_cut_done(imp *x, dbx_err *err)
{
	x->cut_done = idmap_mem();
	if (!x->cut_done)
		return err_set(err, ERR_IO, "import", "out of memory");
	for (size_t i = 0; i < kind_count(); i++) {
		const kind_def *k = kind_at(i);
		if (!k->imp.pause)
			continue;
		jsonl_in *in = store_read(x->st, "cutover", kind_name(k), err);
		cJSON *rec;
		if (!in)
			return -1;
		while ((rec = jsonl_in_next(in))) {
			const char *key = jstr(rec, "key");
			if (key && strncmp(key, "target:", 7) == 0)
				idmap_put(x->cut_done, "c", key, "", NULL, err);
			cJSON_Delete(rec);
		}
		jsonl_in_close(in);
	}
	return 0;
}

/* One import per session at a time: two would each miss the other's
 * creates and make duplicates. A POSIX record lock on DIR/ID/import.lock
 * goes away with the process, kill -9 included. Returns the fd or -1. */
static int lock_session(store *st, dbx_err *err)
{
	char path[4096];
	if (!store_path(st, path, sizeof path, "import.lock"))
		return err_set(err, ERR_IO, store_root(st), "session path too long");
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(err, ERR_IO, path, "cannot open the lock file: %s", strerror(errno));
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		int e = errno;
		close(fd);
		if (e == EACCES || e == EAGAIN)
			return err_set(err, ERR_CONFIG, store_root(st),
				       "another dbxmig is importing this session right now: wait for it");
		return err_set(err, ERR_IO, path, "cannot lock: %s", strerror(e));
	}
	return fd;
}

static void now_iso(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void summary(imp *x, kind_set sel)
{
	long failed = 0, manuals = 0;
	printf("%-20s %8s %8s %8s %8s %8s %8s\n", "kind", "created", "updated", "kept", "already",
	       "failed", "manual");
	for (size_t i = 0; i < kind_count(); i++) {
		const counts *c = &x->cnt[i];
		if (!kind_in(sel, i))
			continue;
		if (!c->created && !c->updated && !c->kept && !c->skipped && !c->failed && !c->manual)
			continue;
		printf("%-20s %8ld %8ld %8ld %8ld %8ld %8ld\n", kind_name(kind_at(i)), c->created,
		       c->updated, c->kept, c->skipped, c->failed, c->manual);
		failed += c->failed;
		manuals += c->manual;
	}
	if (x->o->dry_run)
		return;
	if (failed)
		printf("%ld failed: logs/failed_import_<kind>.jsonl in %s\n", failed, store_root(x->st));
	if (manuals)
		printf("%ld manual follow-up(s), not failures: %s/import/manual.jsonl\n", manuals,
		       store_root(x->st));
}

static void save_meta(imp *x, kind_set sel, const char *started)
{
	cJSON *meta = store_meta(x->st);
	char now[32];
	dbx_err e = { 0 };
	if (!meta)
		return;
	now_iso(now, sizeof now);
	cJSON_DeleteItemFromObjectCaseSensitive(meta, "target");
	cJSON *t = cJSON_AddObjectToObject(meta, "target");
	cJSON_AddStringToObject(t, "host", ws_host(x->w));
	cJSON *prev = cJSON_GetObjectItemCaseSensitive(meta, "import");
	const char *first = jstr(prev, "started_at");
	char firstbuf[64];
	snprintf(firstbuf, sizeof firstbuf, "%s", first ? first : started);
	cJSON_DeleteItemFromObjectCaseSensitive(meta, "import");
	cJSON *im = cJSON_AddObjectToObject(meta, "import");
	cJSON_AddStringToObject(im, "started_at", firstbuf);
	cJSON_AddStringToObject(im, "finished_at", now);
	cJSON *ks = cJSON_AddObjectToObject(im, "kinds");
	for (size_t i = 0; i < kind_count(); i++) {
		const counts *c = &x->cnt[i];
		const kind_def *k = kind_at(i);
		if (!kind_in(sel, i))
			continue;
		cJSON *o = cJSON_AddObjectToObject(ks, kind_name(k));
		cJSON_AddNumberToObject(o, "imported", (double)idmap_count(x->ids, kind_name(k)));
		cJSON_AddNumberToObject(o, "created", (double)c->created);
		cJSON_AddNumberToObject(o, "updated", (double)c->updated);
		cJSON_AddNumberToObject(o, "failed", (double)c->failed);
		cJSON_AddNumberToObject(o, "manual", (double)c->manual);
	}
	if (store_meta_save(x->st, &e) < 0)
		err_print(&e);
}

int import_run(const import_opts *o)
{
	int rc = 2;
	dbx_err err = { 0 };
	imp x = { .o = o };
	cfg_profile prof = { 0 };
	int have_prof = 0, lock_fd = -1;
	kind_set sel = 0;
	principals pr = { 0 };
	char started[32], path[4096];
	const char *dir = o->dir ? o->dir : "./migration";

	now_iso(started, sizeof started);
	if (!o->session) {
		err_set(&err, ERR_USAGE, "import", "--session is required");
		goto out;
	}
	if (kind_select(o->only, o->skip, &sel, &err) < 0)
		goto out;
	if (o->secrets_file && load_secrets(o->secrets_file, &x.secrets, &err) < 0)
		goto out;
	if (store_open(&x.st, dir, o->session, 0, &err) < 0) {
		err.cls = ERR_CONFIG;
		err_prefix(&err, "session %s in %s (run export and transform first)", o->session, dir);
		goto out;
	}
	if (store_path(x.st, path, sizeof path, "mapped") && access(path, F_OK) != 0) {
		err_set(&err, ERR_CONFIG, path, "no transformed objects: run `dbxmig transform` first");
		goto out;
	}
	if (o->dry_run)
		log_close_file();	/* store_open opened the run log: a dry run writes nothing */
	else if ((lock_fd = lock_session(x.st, &err)) < 0)
		goto out;
	if (cfg_load_profile(o->profile, &prof, &err) < 0)
		goto out;
	have_prof = 1;
	http_opts ho;
	http_opts_default(&ho);
	if (o->parallel > 0)
		ho.parallel = o->parallel;
	if (o->rate_limit >= 0)
		ho.rate_limit = o->rate_limit;
	if (ws_open(&x.w, &prof, &ho, &err) < 0)
		goto out;
	if (idmap_open(&x.ids, x.st, o->dry_run, &err) < 0)
		goto out;
	if (load_cut_done(&x, &err) < 0)
		goto out;
	if (sql_usage(&x, sel, &err) < 0)
		goto out;
	x.cnt = calloc(kind_count(), sizeof *x.cnt);
	x.gave_up = idmap_mem();
	if (!x.cnt || !x.gave_up) {
		err_set(&err, ERR_IO, "import", "out of memory");
		goto out;
	}
	/* who we are: our own implicit ACL entries are not replayed */
	cJSON *me = NULL;
	if (http_get_json(x.w, "/api/2.0/preview/scim/v2/Me", NULL, &me, &err) == 0) {
		const char *u = jstr(me, "userName");
		snprintf(x.me, sizeof x.me, "%s", u ? u : "");
	} else if (err.cls == ERR_CONFIG) {	/* TLS verification failed */
		goto out;
	} else if (err.cls == ERR_AUTH || err.http_status == 401 || err.http_status == 403) {
		err.cls = ERR_AUTH;
		goto out;
	} else {
		char b[1600];
		log_warn("cannot tell the importing user (%s): its ACL entries are replayed",
			 err_str(&err, b, sizeof b));
	}
	cJSON_Delete(me);
	err_clear(&err);
	if (o->dry_run)
		printf("import plan for %s (dry run: nothing is changed)\n", ws_host(x.w));

	rc = 1;
	for (size_t i = 0; i < kind_count(); i++) {
		const kind_def *k = kind_at(i);
		if (!kind_in(sel, i))
			continue;
		if (k->by_sql) {
			if (import_by_sql(&x, k, &err) < 0)
				goto hard;
			continue;
		}
		if (k->imp.write == KIND_WRITE_NONE) {
			if (not_written(&x, k, &err) < 0)
				goto hard;
			continue;
		}
		if (import_kind(&x, k, &err) < 0)
			goto hard;
		if (has_members(k) && import_members(&x, k, &err) < 0)
			goto hard;
		if (x.dead) {
			err = x.dead_err;
			goto hard;
		}
	}
	/* permissions of every object, once every kind exists */
	pr.users = idmap_mem();
	pr.groups = idmap_mem();
	pr.sps = idmap_mem();
	if (!pr.users || !pr.groups || !pr.sps) {
		err_set(&err, ERR_IO, "import", "out of memory");
		goto hard;
	}
	{
		const kind_def *ku = kind_find("users"), *kg = kind_find("groups"),
			       *ks = kind_find("service_principals");
		dbx_err le = { 0 };
		pr.known = ku && kg && ks && list_target_retry(&x, ku, &pr.users, &le) == 0 &&
			   list_target_retry(&x, kg, &pr.groups, &le) == 0 &&
			   list_target_retry(&x, ks, &pr.sps, &le) == 0;
		if (!pr.known) {
			char b[1600];
			log_warn("cannot list the target's principals (%s): ACL entries are sent unchecked",
				 err_str(&le, b, sizeof b));
		}
		if (o->dry_run) {
			/* principals this run would create count as present */
			idmap_each(x.ids, "users", add_name, pr.users);
			idmap_each(x.ids, "groups", add_name, pr.groups);
			idmap_each(x.ids, "service_principals", add_name, pr.sps);
		}
	}
	if (import_perms(&x, sel, &pr, &err) < 0)
		goto hard;
	rc = 0;
	for (size_t i = 0; i < kind_count(); i++)
		if (x.cnt[i].failed)
			rc = 1;
	goto done;
hard:
	err_print(&err);
	rc = err_exit_code(&err);
done:
	if (!o->quiet_summary)
		summary(&x, sel);
	if (!o->dry_run)
		save_meta(&x, sel, started);
	err_clear(&err);
out:
	if (err.cls != ERR_NONE) {
		err_print(&err);
		rc = err_exit_code(&err);
	}
	idmap_close(pr.users);
	idmap_close(pr.groups);
	idmap_close(pr.sps);
	if (x.cutover)
		jsonl_out_close(x.cutover, &err);
	if (x.manual)
		jsonl_out_close(x.manual, &err);
	idmap_close(x.ids);
	idmap_close(x.gave_up);
	idmap_close(x.cut_done);
	free(x.cnt);
	cJSON_Delete(x.secrets);
	if (x.w)
		ws_close(x.w);
	if (have_prof)
		cfg_profile_free(&prof);
	if (lock_fd >= 0)
		close(lock_fd);
	if (x.st)
		store_close(x.st);
	return rc;
}

int cmd_import(int argc, char **argv)
{
	import_opts o = { .rate_limit = -1 };
	static const cli_cmd cmd = {
		"import",
		"--profile DST --session S [--only K,..] [--skip K,..] [--parallel N] [--dry-run] "
		"[--secrets-file FILE] [--skip-missing-principals] [--warehouse-id ID]",
		"create or update the transformed objects in the target",
	};
	const cli_opt opts[] = {
		{ "--dir", 0, CLI_STR, &o.dir, "DIR", "session directory (default ./migration)" },
		{ "--session", 0, CLI_STR, &o.session, "ID", "the migration session" },
		{ "--profile", 0, CLI_STR, &o.profile, "DST", "target workspace profile" },
		{ "--only", 0, CLI_STR, &o.only, "K,..", "import only these kinds" },
		{ "--skip", 0, CLI_STR, &o.skip, "K,..", "do not import these kinds" },
		{ "--parallel", 0, CLI_INT, &o.parallel, "N", "requests in flight (default 8)" },
		{ "--rate-limit", 0, CLI_DOUBLE, &o.rate_limit, "RPS", "requests per second, 0 = unlimited" },
		{ "--dry-run", 0, CLI_FLAG, &o.dry_run, NULL, "print the plan, change nothing" },
		{ "--secrets-file", 0, CLI_STR, &o.secrets_file, "FILE",
		  "secret values: JSON {scope: {key: value}}, mode 0600" },
		{ "--skip-missing-principals", 0, CLI_FLAG, &o.skip_missing_principals, NULL,
		  "drop (and report) ACL entries naming principals absent from the target" },
		{ "--warehouse-id", 0, CLI_STR, &o.warehouse_id, "ID",
		  "target SQL warehouse for hive_metastore (default: the source's, mapped)" },
		{ 0 },
	};
	int r = cli_session_cmd(&cmd, opts, argc, argv, &o.session);
	if (r >= 0)
		return r;
	return import_run(&o);
}
