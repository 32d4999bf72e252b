/* idmap: the ID journal (import/ids.jsonl): loading, lookups, appends.
 * An open-addressing hash keyed by "<kind>/<source id>"; a journal also
 * keeps the reverse, "<kind>/<target id>" -> source id, so that no two
 * source objects can land on one target object. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "idmap.h"
#include "log.h"

typedef struct ent {
	char *key;	/* "<kind>/<source id>" */
	size_t kind_len;
	char *target;
	char *name;
	char *hash;	/* of what was sent, or NULL */
} ent;

/* reverse entry of a journal: "<kind>/<target id>" -> source id. Never
 * removed: an entry whose source now maps elsewhere is stale, and
 * claim() tells by looking the source up. */
typedef struct rent {
	char *key;
	char *src;
} rent;

struct idmap {
	store *st;
	int readonly;
	jsonl_out *out;	/* opened on the first put */
	ent *tab;
	size_t cap;	/* power of two */
	size_t n;
	int journal;	/* idmap_open: targets are checked one to one */
	rent *rev;
	size_t rcap, rn;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static char *join_key(const char *kind, const char *source_id)
{
	size_t a = strlen(kind), b = strlen(source_id);
	char *k = malloc(a + b + 2);
	if (!k)
		return NULL;
	memcpy(k, kind, a);
	k[a] = '/';
	memcpy(k + a + 1, source_id, b + 1);
	return k;
}

static ent *slot(const idmap *m, const char *key)
{
	size_t i = (size_t)hash_str(key) & (m->cap - 1);
	for (;;) {
		ent *e = &m->tab[i];
		if (!e->key || strcmp(e->key, key) == 0)
			return e;
		i = (i + 1) & (m->cap - 1);
	}
}

static int grow(idmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 256;
	ent *old = m->tab;
	size_t ocap = m->cap;
	m->tab = calloc(ncap, sizeof *m->tab);
	if (!m->tab) {
		m->tab = old;
		return -1;
	}
	m->cap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].key)
			*slot(m, old[i].key) = old[i];
	free(old);
	return 0;
}

/* Inserts or replaces in memory; *is_new says which. */
static int mem_put(idmap *m, const char *kind, const char *source_id, const char *target_id,
		   const char *name, const char *hash, int *is_new)
{
	char *key = join_key(kind, source_id);
	if (!key)
		return -1;
	if ((m->n + 1) * 2 > m->cap && grow(m) < 0) {
		free(key);
		return -1;
	}
	ent *e = slot(m, key);
	char *t = strdup(target_id), *nm = strdup(name ? name : ""), *h = hash ? strdup(hash) : NULL;
	if (!t || !nm || (hash && !h)) {
		free(t);
		free(nm);
		free(h);
		free(key);
		return -1;
	}
	if (e->key) {
		*is_new = 0;
		free(key);
		free(e->target);
		free(e->name);
		free(e->hash);
	} else {
		*is_new = 1;
		e->key = key;
		e->kind_len = strlen(kind);
		m->n++;
	}
	e->target = t;
	e->name = nm;
	e->hash = h;
	return 0;
}

static const ent *find(const idmap *m, const char *kind, const char *source_id);

static rent *rslot(rent *tab, size_t cap, const char *key)
{
	size_t i = (size_t)hash_str(key) & (cap - 1);
	while (tab[i].key && strcmp(tab[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static int rgrow(idmap *m)
{
	size_t ncap = m->rcap ? m->rcap * 2 : 256;
	rent *nt = calloc(ncap, sizeof *nt);
	if (!nt)
		return -1;
	for (size_t i = 0; i < m->rcap; i++)
		if (m->rev[i].key)
			*rslot(nt, ncap, m->rev[i].key) = m->rev[i];
	free(m->rev);
	m->rev = nt;
	m->rcap = ncap;
	return 0;
}

/* The source id that holds kind/target_id in a journal, other than
 * source_id; NULL when none does (or the map is not a journal). */
static const char *claimed_by(const idmap *m, const char *kind, const char *source_id,
			      const char *target_id)
{
	if (!m->journal || !m->rcap)
		return NULL;
	char *key = join_key(kind, target_id);
	if (!key)
		return NULL;
	const rent *r = rslot(m->rev, m->rcap, key);
	free(key);
	if (!r->key || strcmp(r->src, source_id) == 0)
		return NULL;
	const ent *e = find(m, kind, r->src);
	return e && strcmp(e->target, target_id) == 0 ? r->src : NULL;	/* else stale */
}

/* Records kind/target_id as held by source_id (a journal only). */
static int claim(idmap *m, const char *kind, const char *source_id, const char *target_id)
{
	if (!m->journal)
		return 0;
	if ((m->rn + 1) * 2 > m->rcap && rgrow(m) < 0)
		return -1;
	char *key = join_key(kind, target_id), *src = strdup(source_id);
	if (!key || !src) {
		free(key);
		free(src);
		return -1;
	}
	rent *r = rslot(m->rev, m->rcap, key);
	if (r->key) {
		free(key);
		free(r->src);
	} else {
		r->key = key;
		m->rn++;
	}
	r->src = src;
	return 0;
}

int idmap_open(idmap **out, store *st, int readonly, dbx_err *err)
{
	int rc = -1;
	jsonl_in *in = NULL;
	idmap *m = calloc(1, sizeof *m);
	*out = NULL;
	if (!m || grow(m) < 0) {
		err_set(err, ERR_IO, "import/ids.jsonl", "out of memory");
		goto out;
	}
	m->st = st;
	m->readonly = readonly;
	m->journal = 1;
	in = store_read(st, "import", "ids", err);
	if (!in)
		goto out;
	cJSON *rec;
	while ((rec = jsonl_in_next(in))) {
		const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "kind"));
		const char *src = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "source_id"));
		const char *tgt = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "target_id"));
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "name"));
		const char *hash = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "hash"));
		const char *holder = kind && src && tgt ? claimed_by(m, kind, src, tgt) : NULL;
		int is_new;
		if (!kind || !src || !tgt) {
			log_warn("%s:%ld: journal line without kind, source_id or target_id: skipped",
				 jsonl_in_path(in), jsonl_in_line(in));
		} else if (holder) {
			/* written by a build that paired same-name objects by name
			 * only: the first source keeps the target, this one is
			 * imported again */
			log_warn("%s:%ld: %s/%s maps to target id %s, which %s/%s already holds: "
				 "ignored (%s/%s is imported again)", jsonl_in_path(in),
				 jsonl_in_line(in), kind, src, tgt, kind, holder, kind, src);
		} else if (mem_put(m, kind, src, tgt, name, hash, &is_new) < 0 ||
			   claim(m, kind, src, tgt) < 0) {
			cJSON_Delete(rec);
			err_set(err, ERR_IO, jsonl_in_path(in), "out of memory");
			goto out;
		}
		cJSON_Delete(rec);
	}
	*out = m;
	m = NULL;
	rc = 0;
out:
	if (in)
		jsonl_in_close(in);
	idmap_close(m);
	return rc;
}

idmap *idmap_mem(void)
{
	idmap *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->readonly = 1;
	if (grow(m) < 0) {
		free(m);
		return NULL;
	}
	return m;
}

void idmap_close(idmap *m)
{
	if (!m)
		return;
	if (m->out) {
		dbx_err e = { 0 };
		if (jsonl_out_close(m->out, &e) < 0) {
			char buf[1600];
			log_error("%s", err_str(&e, buf, sizeof buf));
		}
	}
	for (size_t i = 0; i < m->cap; i++) {
		free(m->tab[i].key);
		free(m->tab[i].target);
		free(m->tab[i].name);
		free(m->tab[i].hash);
	}
	free(m->tab);
	for (size_t i = 0; i < m->rcap; i++) {
		free(m->rev[i].key);
		free(m->rev[i].src);
	}
	free(m->rev);
	free(m);
}

static const ent *find(const idmap *m, const char *kind, const char *source_id)
{
	if (!kind || !source_id)
		return NULL;
	char *key = join_key(kind, source_id);
	if (!key)
		return NULL;
	const ent *e = slot(m, key);
	free(key);
	return e->key ? e : NULL;
}

const char *idmap_target(const idmap *m, const char *kind, const char *source_id)
{
	const ent *e = find(m, kind, source_id);
	return e ? e->target : NULL;
}

const char *idmap_name(const idmap *m, const char *kind, const char *source_id)
{
	const ent *e = find(m, kind, source_id);
	return e ? e->name : NULL;
}

const char *idmap_hash(const idmap *m, const char *kind, const char *source_id)
{
	const ent *e = find(m, kind, source_id);
	return e ? e->hash : NULL;
}

int idmap_put(idmap *m, const char *kind, const char *source_id, const char *target_id,
	      const char *name, dbx_err *err)
{
	return idmap_put_hash(m, kind, source_id, target_id, name, NULL, err);
}

int idmap_put_hash(idmap *m, const char *kind, const char *source_id, const char *target_id,
		   const char *name, const char *hash, dbx_err *err)
{
	int is_new = 0, rc = -1;
	char *key = NULL;
	cJSON *rec = NULL;
	const ent *old = find(m, kind, source_id);
	/* a new line only when something changed: first landing, or new content */
	int changed = !old || (hash && (!old->hash || strcmp(old->hash, hash) != 0)) ||
		      strcmp(old->target, target_id) != 0;
	const char *holder = claimed_by(m, kind, source_id, target_id);
	if (holder)
		return err_set(err, ERR_FAILED, "import/ids.jsonl",
			       "%s/%s would map to target id %s, which %s/%s already holds: two "
			       "source objects never share one target object", kind, source_id,
			       target_id, kind, holder);
	if (mem_put(m, kind, source_id, target_id, name, hash, &is_new) < 0 ||
	    claim(m, kind, source_id, target_id) < 0)
		return err_set(err, ERR_IO, "import/ids.jsonl", "out of memory");
	if (m->readonly)
		return 0;
	if (!m->out) {
		m->out = store_append(m->st, "import", "ids", err);
		if (!m->out)
			return -1;
	}
	key = join_key(kind, source_id);
	if (!key)
		return err_set(err, ERR_IO, "import/ids.jsonl", "out of memory");
	if (jsonl_out_has(m->out, key)) {
		/* landed before: a later landing (new content) gets its own key,
		 * the last line of a source wins on load */
		if (!changed) {
			rc = 0;
			goto out;
		}
		size_t kl = strlen(key), hl = strlen(hash ? hash : target_id);
		char *k2 = malloc(kl + hl + 2);
		if (!k2) {
			err_set(err, ERR_IO, "import/ids.jsonl", "out of memory");
			goto out;
		}
		snprintf(k2, kl + hl + 2, "%s@%s", key, hash ? hash : target_id);
		free(key);
		key = k2;
		if (jsonl_out_has(m->out, key)) {
			rc = 0;
			goto out;
		}
	}
	rec = cJSON_CreateObject();
	if (!rec || !cJSON_AddStringToObject(rec, "key", key) ||
	    !cJSON_AddStringToObject(rec, "kind", kind) ||
	    !cJSON_AddStringToObject(rec, "source_id", source_id) ||
	    !cJSON_AddStringToObject(rec, "target_id", target_id) ||
	    !cJSON_AddStringToObject(rec, "name", name ? name : "") ||
	    (hash && !cJSON_AddStringToObject(rec, "hash", hash))) {
		err_set(err, ERR_IO, "import/ids.jsonl", "out of memory");
		goto out;
	}
	rc = jsonl_out_put(m->out, rec, err);
out:
	cJSON_Delete(rec);
	free(key);
	return rc;
}

long idmap_count(const idmap *m, const char *kind)
{
	long n = 0;
	size_t kl = kind ? strlen(kind) : 0;
	for (size_t i = 0; i < m->cap; i++) {
		const ent *e = &m->tab[i];
		if (!e->key)
			continue;
		if (!kind || (e->kind_len == kl && memcmp(e->key, kind, kl) == 0))
			n++;
	}
	return n;
}

int idmap_each(const idmap *m, const char *kind, idmap_fn fn, void *ud)
{
	size_t kl = kind ? strlen(kind) : 0;
	for (size_t i = 0; i < m->cap; i++) {
		const ent *e = &m->tab[i];
		if (!e->key)
			continue;
		if (kind && !(e->kind_len == kl && memcmp(e->key, kind, kl) == 0))
			continue;
		char kbuf[128];
		size_t n = e->kind_len < sizeof kbuf - 1 ? e->kind_len : sizeof kbuf - 1;
		memcpy(kbuf, e->key, n);
		kbuf[n] = 0;
		int r = fn(ud, kbuf, e->key + e->kind_len + 1, e->target, e->name);
		if (r)
			return r;
	}
	return 0;
}
