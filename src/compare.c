/* compare: normalises two versions of the same objects and lists where
 * they differ (see compare.h). It owns the path patterns of the validate
 * settings, the id → key maps used to compare references, and the
 * key/offset index of the actual side of a kind. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "compare.h"
#include "log.h"

#define VALUE_MAX 512	/* longest expected/actual text kept in a finding */

/* ------------------------------------------------------------------ */
/* a small string map (open addressing), used for every index here     */

typedef struct smap_ent {
	char *k;
	char *v;	/* owned string value, or NULL */
	long n;		/* numeric value */
} smap_ent;

typedef struct smap {
	smap_ent *e;
	size_t cap, len;
} smap;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static smap_ent *smap_slot(const smap *m, const char *k)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = hash_str(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
		if (!m->e[i].k || !strcmp(m->e[i].k, k))
			return &m->e[i];
}

static const smap_ent *smap_get(const smap *m, const char *k)
{
	const smap_ent *e = smap_slot(m, k);

	return e && e->k ? e : NULL;
}

static int smap_grow(smap *m)
{
	smap old = *m;
	size_t i;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->e = calloc(m->cap, sizeof *m->e);
	if (!m->e) {
		*m = old;
		return -1;
	}
	for (i = 0; i < old.cap; i++)
		if (old.e[i].k)
			*smap_slot(m, old.e[i].k) = old.e[i];
	free(old.e);
	return 0;
}

/* Sets k (copied) to v (copied, may be NULL) and n; an existing entry is
 * kept unless `replace`. Returns 0, 1 when k was already there, -1. */
static int smap_put(smap *m, const char *k, const char *v, long n, int replace)
{
	smap_ent *e;

	if ((m->len + 1) * 2 > m->cap && smap_grow(m))
		return -1;
	e = smap_slot(m, k);
	if (e->k) {
		if (!replace)
			return 1;
		free(e->v);
		e->v = v ? strdup(v) : NULL;
		e->n = n;
		return v && !e->v ? -1 : 1;
	}
	e->k = strdup(k);
	e->v = v ? strdup(v) : NULL;
	if (!e->k || (v && !e->v)) {
		free(e->k);
		free(e->v);
		e->k = e->v = NULL;
		return -1;
	}
	e->n = n;
	m->len++;
	return 0;
}

static void smap_free(smap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		free(m->e[i].k);
		free(m->e[i].v);
	}
	free(m->e);
	memset(m, 0, sizeof *m);
}

/* "kind\x1fid": the compound keys of the id maps. */
static const char *pair_key(char *buf, size_t size, const char *a, const char *b)
{
	int n = snprintf(buf, size, "%s\x1f%s", a, b);

	return n < 0 || (size_t)n >= size ? NULL : buf;
}

/* ------------------------------------------------------------------ */
/* growable text                                                       */

typedef struct sbuf {
	char *s;
	size_t len, cap;
} sbuf;

static void sb_addn(sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->s, cap);
		if (!p)
			return;	/* the text is cut short, never overrun */
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_add(sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

/* ------------------------------------------------------------------ */
/* path patterns                                                       */

enum pseg_type { PS_KEY, PS_INDEX, PS_ANY, PS_DEEP };

typedef struct pseg {
	enum pseg_type t;
	char *key;
} pseg;

typedef struct pat {
	pseg *s;
	size_t n;
	char *text;
} pat;

static void pat_free(pat *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->s[i].key);
	free(p->s);
	free(p->text);
	memset(p, 0, sizeof *p);
}

static int pat_push(pat *p, enum pseg_type t, const char *key, size_t klen)
{
	pseg *s = realloc(p->s, (p->n + 1) * sizeof *s);

	if (!s)
		return -1;
	p->s = s;
	s[p->n].t = t;
	s[p->n].key = NULL;
	if (key) {
		s[p->n].key = strndup(key, klen);
		if (!s[p->n].key)
			return -1;
	}
	p->n++;
	return 0;
}

/* Parses "a.b[].c", "**.user_name", "spark_conf[\"a.b\"]". Returns NULL on
 * success or a short reason. */
static const char *pat_parse(pat *p, const char *text)
{
	const char *s = text;

	memset(p, 0, sizeof *p);
	p->text = strdup(text);
	if (!p->text)
		return "out of memory";
	if (!*s)
		return "empty path";
	while (*s) {
		if (*s == '[') {
			if (!strncmp(s, "[]", 2) || !strncmp(s, "[*]", 3)) {
				if (pat_push(p, PS_INDEX, NULL, 0))
					return "out of memory";
				s += s[1] == ']' ? 2 : 3;
			} else if (s[1] == '"') {
				const char *q = strchr(s + 2, '"');

				if (!q || q[1] != ']')
					return "unterminated [\"key\"]";
				if (pat_push(p, PS_KEY, s + 2, (size_t)(q - s - 2)))
					return "out of memory";
				s = q + 2;
			} else {
				return "'[' must be followed by ']', '*]' or '\"key\"]'";
			}
		} else {
			size_t n = strcspn(s, ".[");

			if (!n)
				return "empty step";
			if (n == 1 && *s == '*') {
				if (pat_push(p, PS_ANY, NULL, 0))
					return "out of memory";
			} else if (n == 2 && !strncmp(s, "**", 2)) {
				if (pat_push(p, PS_DEEP, NULL, 0))
					return "out of memory";
			} else {
				if (memchr(s, '"', n) || memchr(s, ']', n))
					return "stray '\"' or ']'";
				if (pat_push(p, PS_KEY, s, n))
					return "out of memory";
			}
			s += n;
		}
		if (*s == '.') {
			s++;
			if (!*s || *s == '.' || *s == '[')
				return "empty step after '.'";
		} else if (*s && *s != '[') {
			return "bad character";
		}
	}
	return NULL;
}

/* One step of the path being walked: a key, or an array position. */
typedef struct step {
	int is_idx;
	const char *key;	/* key steps */
	long idx;		/* index steps */
	const char *label;	/* shown instead of [idx]: 'task_key="a"' or set element JSON */
} step;

typedef struct path {
	step *s;
	size_t n, cap;
} path;

static int path_push(path *p, int is_idx, const char *key, long idx, const char *label)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		step *s = realloc(p->s, cap * sizeof *s);

		if (!s)
			return -1;
		p->s = s;
		p->cap = cap;
	}
	p->s[p->n].is_idx = is_idx;
	p->s[p->n].key = key;
	p->s[p->n].idx = idx;
	p->s[p->n].label = label;
	p->n++;
	return 0;
}

static int match_at(const pseg *p, size_t np, const step *s, size_t ns)
{
	size_t k;

	if (!np)
		return ns == 0;
	if (p->t == PS_DEEP) {
		/* k ? s + k : s: at the top the path is empty and s may be NULL,
		 * and NULL + 0 is undefined behaviour (found by fuzz_compare) */
		for (k = 0; k <= ns; k++)
			if (match_at(p + 1, np - 1, k ? s + k : s, ns - k))
				return 1;
		return 0;
	}
	if (!ns)
		return 0;
	switch (p->t) {
	case PS_KEY:
		if (s->is_idx || strcmp(p->key, s->key))
			return 0;
		break;
	case PS_INDEX:
		if (!s->is_idx)
			return 0;
		break;
	case PS_ANY:
	case PS_DEEP:
		break;
	}
	return match_at(p + 1, np - 1, s + 1, ns - 1);
}

static int pat_match(const pat *p, const path *at)
{
	return match_at(p->s, p->n, at->s, at->n);
}

static int is_ident(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '$' && *s != '-' && *s != ':')
			return 0;
	return 1;
}

/* The display form of a path: settings.tasks[task_key="a"].new_cluster,
 * spark_conf["spark.x"], access_control_list[{"group_name":"g"}]. */
static void path_render(const path *p, sbuf *b)
{
	size_t i;
	char num[32];

	for (i = 0; i < p->n; i++) {
		const step *s = &p->s[i];

		if (s->is_idx) {
			sb_add(b, "[");
			if (s->label) {
				sb_add(b, s->label);
			} else {
				snprintf(num, sizeof num, "%ld", s->idx);
				sb_add(b, num);
			}
			sb_add(b, "]");
		} else if (is_ident(s->key)) {
			if (i)
				sb_add(b, ".");
			sb_add(b, s->key);
		} else {
			cJSON *str = cJSON_CreateString(s->key);
			char *q = str ? cJSON_PrintUnformatted(str) : NULL;

			sb_add(b, "[");
			sb_add(b, q ? q : "?");
			sb_add(b, "]");
			free(q);
			cJSON_Delete(str);
		}
	}
	if (!b->s)
		sb_add(b, "");
}

/* ------------------------------------------------------------------ */
/* settings                                                            */

typedef struct pat_val {
	pat p;
	cJSON *value;	/* defaults */
	char *str;	/* keyed: field name; refs: kind */
} pat_val;

typedef struct pat_list {
	pat_val *v;
	size_t n;
} pat_list;

typedef struct kset {
	char *kind;
	pat_list ignore, sets, ci, defaults, keyed, refs, optional, self_entries;
	char **ignore_keys;
	size_t n_ignore_keys;
	int emails_ci;	/* -1 unset */
} kset;

struct cmp {
	kset *k;
	size_t nk;
	smap ids[2];	/* "kind\x1fid" → key, per side */
	smap keys[2];	/* "kind\x1fkey" → id, per side */
	smap journal;	/* "kind\x1fsource id" → target id */
	int emails_ci;
	cmp_extra_fn extra;
	void *extra_ud;
	char *self;		/* the importing principal, or NULL */
	struct obj_ignore {
		char *kind, *id;
		pat_list pats;
	} *oi;			/* per-object ignored paths */
	size_t noi;
	smap optional_objs;	/* "kind\x1fkey" of objects the target may lack */
};

void cmp_set_extra(cmp *c, cmp_extra_fn fn, void *ud)
{
	c->extra = fn;
	c->extra_ud = ud;
}

static void pl_free(pat_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		pat_free(&l->v[i].p);
		cJSON_Delete(l->v[i].value);
		free(l->v[i].str);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

static pat_val *pl_add(pat_list *l)
{
	pat_val *v = realloc(l->v, (l->n + 1) * sizeof *v);

	if (!v)
		return NULL;
	l->v = v;
	memset(&v[l->n], 0, sizeof v[l->n]);
	return &v[l->n++];
}

static void kset_free(kset *k)
{
	size_t i;

	free(k->kind);
	pl_free(&k->ignore);
	pl_free(&k->sets);
	pl_free(&k->ci);
	pl_free(&k->defaults);
	pl_free(&k->keyed);
	pl_free(&k->refs);
	pl_free(&k->optional);
	pl_free(&k->self_entries);
	for (i = 0; i < k->n_ignore_keys; i++)
		free(k->ignore_keys[i]);
	free(k->ignore_keys);
}

void cmp_free(cmp *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nk; i++)
		kset_free(&c->k[i]);
	free(c->k);
	smap_free(&c->ids[0]);
	smap_free(&c->ids[1]);
	smap_free(&c->keys[0]);
	smap_free(&c->keys[1]);
	smap_free(&c->journal);
	smap_free(&c->optional_objs);
	for (i = 0; i < c->noi; i++) {
		free(c->oi[i].kind);
		free(c->oi[i].id);
		pl_free(&c->oi[i].pats);
	}
	free(c->oi);
	free(c->self);
	free(c);
}

static kset *kset_get(cmp *c, const char *kind, int create)
{
	size_t i;
	kset *k;

	for (i = 0; i < c->nk; i++)
		if (!strcmp(c->k[i].kind, kind))
			return &c->k[i];
	if (!create)
		return NULL;
	k = realloc(c->k, (c->nk + 1) * sizeof *k);
	if (!k)
		return NULL;
	c->k = k;
	k = &c->k[c->nk];
	memset(k, 0, sizeof *k);
	k->emails_ci = -1;
	k->kind = strdup(kind);
	if (!k->kind)
		return NULL;
	c->nk++;
	return k;
}

/* A list of paths: a JSON array of strings (an empty Lua table may arrive
 * as {}). */
static int load_paths(pat_list *l, const cJSON *v, const char *origin, const char *kind,
		      const char *field, dbx_err *err)
{
	const cJSON *it;
	int i = 0;

	if (cJSON_IsObject(v) && !v->child)
		return 0;
	if (!cJSON_IsArray(v))
		return err_set(err, ERR_CONFIG, origin, "%s.%s: must be a list of paths", kind, field);
	cJSON_ArrayForEach(it, v) {
		pat_val *pv;
		const char *why;

		i++;
		if (!cJSON_IsString(it))
			return err_set(err, ERR_CONFIG, origin, "%s.%s[%d]: must be a string path",
				       kind, field, i);
		pv = pl_add(l);
		if (!pv)
			return err_set(err, ERR_IO, origin, "out of memory");
		why = pat_parse(&pv->p, it->valuestring);
		if (why)
			return err_set(err, ERR_CONFIG, origin, "%s.%s[%d]: bad path '%s': %s",
				       kind, field, i, it->valuestring, why);
	}
	return 0;
}

/* A map path → value (defaults), path → string (keyed, refs). */
static int load_map(pat_list *l, const cJSON *v, int want_string, const char *origin,
		    const char *kind, const char *field, dbx_err *err)
{
	const cJSON *it;

	if (cJSON_IsArray(v) && !v->child)
		return 0;
	if (!cJSON_IsObject(v))
		return err_set(err, ERR_CONFIG, origin, "%s.%s: must be a table {path = %s}",
			       kind, field, want_string ? "name" : "value");
	cJSON_ArrayForEach(it, v) {
		pat_val *pv = pl_add(l);
		const char *why;

		if (!pv)
			return err_set(err, ERR_IO, origin, "out of memory");
		why = pat_parse(&pv->p, it->string);
		if (why)
			return err_set(err, ERR_CONFIG, origin, "%s.%s: bad path '%s': %s",
				       kind, field, it->string, why);
		if (want_string) {
			if (!cJSON_IsString(it) || !*it->valuestring)
				return err_set(err, ERR_CONFIG, origin, "%s.%s[\"%s\"]: must be a name",
					       kind, field, it->string);
			pv->str = strdup(it->valuestring);
			if (!pv->str)
				return err_set(err, ERR_IO, origin, "out of memory");
		} else {
			size_t j;

			for (j = 0; j < pv->p.n; j++)
				if (pv->p.s[j].t == PS_DEEP)
					return err_set(err, ERR_CONFIG, origin,
						       "%s.%s: '%s': '**' cannot name where a default goes",
						       kind, field, it->string);
			if (pv->p.s[pv->p.n - 1].t != PS_KEY)
				return err_set(err, ERR_CONFIG, origin,
					       "%s.%s: '%s' must end in a field name", kind, field, it->string);
			pv->value = cJSON_Duplicate(it, 1);
			if (!pv->value)
				return err_set(err, ERR_IO, origin, "out of memory");
		}
	}
	return 0;
}

/* optional: a list of paths, or a table path → true | {field = value}
 * (then only elements holding those values may be absent). */
static int load_optional(pat_list *l, const cJSON *v, const char *origin, const char *kind,
			 dbx_err *err)
{
	const cJSON *it;

	if (cJSON_IsArray(v))
		return load_paths(l, v, origin, kind, "optional", err);
	if (!cJSON_IsObject(v))
		return err_set(err, ERR_CONFIG, origin,
			       "%s.optional: must be a list of paths or a table {path = true|{field = value}}",
			       kind);
	cJSON_ArrayForEach(it, v) {
		pat_val *pv = pl_add(l);
		const char *why;

		if (!pv)
			return err_set(err, ERR_IO, origin, "out of memory");
		why = pat_parse(&pv->p, it->string);
		if (why)
			return err_set(err, ERR_CONFIG, origin, "%s.optional: bad path '%s': %s", kind,
				       it->string, why);
		if (cJSON_IsObject(it)) {
			pv->value = cJSON_Duplicate(it, 1);
			if (!pv->value)
				return err_set(err, ERR_IO, origin, "out of memory");
		} else if (!cJSON_IsTrue(it)) {
			return err_set(err, ERR_CONFIG, origin,
				       "%s.optional[\"%s\"]: must be true or a table of field values", kind,
				       it->string);
		}
	}
	return 0;
}

static int load_kind(cmp *c, const cJSON *v, const char *origin, dbx_err *err)
{
	const char *kind = v->string;
	const cJSON *it;
	kset *k;

	if (!cJSON_IsObject(v))
		return err_set(err, ERR_CONFIG, origin, "%s: must be a table of settings", kind);
	k = kset_get(c, kind, 1);
	if (!k)
		return err_set(err, ERR_IO, origin, "out of memory");
	cJSON_ArrayForEach(it, v) {
		const char *f = it->string;
		int rc;

		if (!strcmp(f, "ignore"))
			rc = load_paths(&k->ignore, it, origin, kind, f, err);
		else if (!strcmp(f, "sets"))
			rc = load_paths(&k->sets, it, origin, kind, f, err);
		else if (!strcmp(f, "case_insensitive"))
			rc = load_paths(&k->ci, it, origin, kind, f, err);
		else if (!strcmp(f, "defaults"))
			rc = load_map(&k->defaults, it, 0, origin, kind, f, err);
		else if (!strcmp(f, "keyed"))
			rc = load_map(&k->keyed, it, 1, origin, kind, f, err);
		else if (!strcmp(f, "refs"))
			rc = load_map(&k->refs, it, 1, origin, kind, f, err);
		else if (!strcmp(f, "optional"))
			rc = load_optional(&k->optional, it, origin, kind, err);
		else if (!strcmp(f, "self_entries"))
			rc = load_paths(&k->self_entries, it, origin, kind, f, err);
		else if (!strcmp(f, "emails_case_insensitive")) {
			if (!cJSON_IsBool(it))
				return err_set(err, ERR_CONFIG, origin, "%s.%s: must be true or false",
					       kind, f);
			k->emails_ci = cJSON_IsTrue(it);
			rc = 0;
		} else if (!strcmp(f, "ignore_keys")) {
			const cJSON *g;
			int i = 0;

			rc = 0;
			if (cJSON_IsObject(it) && !it->child)
				continue;
			if (!cJSON_IsArray(it))
				return err_set(err, ERR_CONFIG, origin,
					       "%s.%s: must be a list of key patterns", kind, f);
			cJSON_ArrayForEach(g, it) {
				char **ks;

				i++;
				if (!cJSON_IsString(g))
					return err_set(err, ERR_CONFIG, origin, "%s.%s[%d]: must be a string",
						       kind, f, i);
				ks = realloc(k->ignore_keys, (k->n_ignore_keys + 1) * sizeof *ks);
				if (!ks)
					return err_set(err, ERR_IO, origin, "out of memory");
				k->ignore_keys = ks;
				ks[k->n_ignore_keys] = strdup(g->valuestring);
				if (!ks[k->n_ignore_keys])
					return err_set(err, ERR_IO, origin, "out of memory");
				k->n_ignore_keys++;
			}
		} else {
			return err_set(err, ERR_CONFIG, origin,
				       "%s: unknown setting '%s' (known: ignore, sets, case_insensitive, "
				       "keyed, defaults, refs, optional, self_entries, ignore_keys, "
				       "emails_case_insensitive)",
				       kind, f);
		}
		if (rc)
			return rc;
	}
	return 0;
}

cmp *cmp_new(const cJSON *settings, const char *origin, dbx_err *err)
{
	cmp *c = calloc(1, sizeof *c);
	const cJSON *it;
	kset *all;

	if (!c) {
		err_set(err, ERR_IO, origin, "out of memory");
		return NULL;
	}
	if (!origin)
		origin = "validate settings";
	if (settings && !cJSON_IsNull(settings)) {
		if (!cJSON_IsObject(settings) && !(cJSON_IsArray(settings) && !settings->child)) {
			err_set(err, ERR_CONFIG, origin, "must be a table of kinds");
			goto fail;
		}
		cJSON_ArrayForEach(it, settings)
			if (load_kind(c, it, origin, err))
				goto fail;
	}
	all = kset_get(c, "*", 0);
	c->emails_ci = all && all->emails_ci >= 0 ? all->emails_ci : 1;
	return c;
fail:
	cmp_free(c);
	return NULL;
}

int cmp_add_ref(cmp *c, const char *kind, const char *path_text, const char *ref_kind, dbx_err *err)
{
	kset *k = kset_get(c, kind, 1);
	pat_val *pv;
	const char *why;

	if (!k || !(pv = pl_add(&k->refs)))
		return err_set(err, ERR_IO, kind, "out of memory");
	why = pat_parse(&pv->p, path_text);
	if (why)
		return err_set(err, ERR_CONFIG, kind, "reference path '%s': %s", path_text, why);
	pv->str = strdup(ref_kind);
	return pv->str ? 0 : err_set(err, ERR_IO, kind, "out of memory");
}

int cmp_add_ignore(cmp *c, const char *kind, const char *path_text, dbx_err *err)
{
	kset *k = kset_get(c, kind, 1);
	pat_val *pv;
	const char *why;

	if (!k || !(pv = pl_add(&k->ignore)))
		return err_set(err, ERR_IO, kind, "out of memory");
	why = pat_parse(&pv->p, path_text);
	if (why)
		return err_set(err, ERR_CONFIG, kind, "ignored path '%s': %s", path_text, why);
	return 0;
}

int cmp_set_self(cmp *c, const char *name)
{
	free(c->self);
	c->self = name ? strdup(name) : NULL;
	return name && !c->self ? -1 : 0;
}

int cmp_add_object_ignore(cmp *c, const char *kind, const char *id, const char *path_text,
			  dbx_err *err)
{
	struct obj_ignore *o = NULL;
	pat_val *pv;
	const char *why;
	size_t i;

	for (i = 0; i < c->noi; i++)
		if (!strcmp(c->oi[i].kind, kind) && !strcmp(c->oi[i].id, id))
			o = &c->oi[i];
	if (!o) {
		o = realloc(c->oi, (c->noi + 1) * sizeof *o);
		if (!o)
			return err_set(err, ERR_IO, kind, "out of memory");
		c->oi = o;
		o = &c->oi[c->noi];
		memset(o, 0, sizeof *o);
		o->kind = strdup(kind);
		o->id = strdup(id);
		c->noi++;
		if (!o->kind || !o->id)
			return err_set(err, ERR_IO, kind, "out of memory");
	}
	if (!(pv = pl_add(&o->pats)))
		return err_set(err, ERR_IO, kind, "out of memory");
	why = pat_parse(&pv->p, path_text);
	if (why)
		return err_set(err, ERR_CONFIG, kind, "ignored path '%s': %s", path_text, why);
	return 0;
}

int cmp_add_optional_object(cmp *c, const char *kind, const char *key)
{
	char buf[1024];

	if (!pair_key(buf, sizeof buf, kind, key))
		return 0;
	return smap_put(&c->optional_objs, buf, NULL, 0, 0) < 0 ? -1 : 0;
}

int cmp_add_id(cmp *c, enum cmp_side side, const char *kind, const char *id, const char *key)
{
	char buf[1024];

	if (!pair_key(buf, sizeof buf, kind, id))
		return 0;	/* an id that long names nothing we could match */
	if (smap_put(&c->ids[side], buf, key, 0, 0) < 0)
		return -1;
	if (!pair_key(buf, sizeof buf, kind, key))
		return 0;
	return smap_put(&c->keys[side], buf, id, 0, 0) < 0 ? -1 : 0;
}

int cmp_add_journal(cmp *c, const char *kind, const char *source_id, const char *target_id)
{
	char buf[1024];

	if (!pair_key(buf, sizeof buf, kind, source_id))
		return 0;
	return smap_put(&c->journal, buf, target_id, 0, 1) < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* settings lookups: the kind's own entry, then "*"                     */

typedef struct kctx {
	cmp *c;
	const kset *k[2];	/* the kind's settings and "*" (either may be NULL) */
	const pat_list *obj_ignore;	/* this object's own ignored paths, or NULL */
	enum cmp_side side;
	const char *kind;
} kctx;

static void kctx_init(kctx *x, cmp *c, const char *kind, enum cmp_side side)
{
	x->c = c;
	x->kind = kind;
	x->side = side;
	x->k[0] = kset_get(c, kind, 0);
	x->k[1] = kset_get(c, "*", 0);
	x->obj_ignore = NULL;
}

/* The per-object ignored paths of kind/id (expected side's id). */
static const pat_list *obj_ignores(const cmp *c, const char *kind, const char *id)
{
	size_t i;

	for (i = 0; id && i < c->noi; i++)
		if (!strcmp(c->oi[i].kind, kind) && !strcmp(c->oi[i].id, id))
			return &c->oi[i].pats;
	return NULL;
}

enum which { W_IGNORE, W_SETS, W_CI, W_KEYED, W_REFS, W_OPTIONAL, W_SELF };

static const pat_val *lookup(const kctx *x, enum which w, const path *at)
{
	int i;
	size_t j;

	for (i = 0; i < 2; i++) {
		const pat_list *l;

		if (!x->k[i])
			continue;
		switch (w) {
		case W_IGNORE: l = &x->k[i]->ignore; break;
		case W_SETS: l = &x->k[i]->sets; break;
		case W_CI: l = &x->k[i]->ci; break;
		case W_KEYED: l = &x->k[i]->keyed; break;
		case W_OPTIONAL: l = &x->k[i]->optional; break;
		case W_SELF: l = &x->k[i]->self_entries; break;
		default: l = &x->k[i]->refs; break;
		}
		for (j = 0; j < l->n; j++)
			if (pat_match(&l->v[j].p, at))
				return &l->v[j];
	}
	if (w == W_IGNORE && x->obj_ignore)
		for (j = 0; j < x->obj_ignore->n; j++)
			if (pat_match(&x->obj_ignore->v[j].p, at))
				return &x->obj_ignore->v[j];
	return NULL;
}

/* fnmatch with "${self}" standing for the importing principal (a pattern
 * naming it matches nothing while it is unknown). */
static void lower(char *s);

static int key_glob(const cmp *c, const char *glob, const char *key)
{
	const char *at = strstr(glob, "${self}");
	char buf[2048], k[2048];

	if (!at)
		return !fnmatch(glob, key, 0);
	if (!c->self || snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - glob), glob, c->self,
				 at + 7) >= (int)sizeof buf ||
	    snprintf(k, sizeof k, "%s", key) >= (int)sizeof k)
		return 0;
	/* user names ignore case: so does a pattern naming one */
	lower(buf);
	lower(k);
	return !fnmatch(buf, k, 0);
}

/* Objects left out: the settings' ignore_keys, and the principal that
 * imports (its own user or service principal was never the source's). */
static int key_ignored(const kctx *x, const char *key)
{
	int i;
	size_t j;

	if (x->c->self && !strcasecmp(key, x->c->self))
		return 1;
	for (i = 0; i < 2; i++)
		if (x->k[i])
			for (j = 0; j < x->k[i]->n_ignore_keys; j++)
				if (key_glob(x->c, x->k[i]->ignore_keys[j], key))
					return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* normalisation                                                       */

static int looks_like_email(const char *s)
{
	const char *at = strchr(s, '@');

	if (!at || at == s || !at[1] || strchr(at + 1, '@'))
		return 0;
	for (; *s; s++)
		if (isspace((unsigned char)*s) || *s == '/' || *s == ':')
			return 0;
	return 1;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static const char *id_key(const cmp *c, enum cmp_side side, const char *kind, const char *id)
{
	char buf[1024];
	const smap_ent *e;

	if (!pair_key(buf, sizeof buf, kind, id))
		return NULL;
	e = smap_get(&c->ids[side], buf);
	return e ? e->v : NULL;
}

/* The natural key an id of ref_kind stands for on this side. The expected
 * side goes through the journal first, so a key the rules or the target
 * changed still compares equal. */
static const char *resolve_one(const kctx *x, const char *ref_kind, const char *id)
{
	char buf[1024];
	const smap_ent *j;
	const char *k;

	if (x->side == CMP_EXPECTED && pair_key(buf, sizeof buf, ref_kind, id) &&
	    (j = smap_get(&x->c->journal, buf)) && j->v &&
	    (k = id_key(x->c, CMP_ACTUAL, ref_kind, j->v)))
		return k;
	return id_key(x->c, x->side, ref_kind, id);
}

/* A principal named by its key (user name, group name, SP application
 * id) on the expected side: the name the journal says it has in the
 * target, so that an SP's new application id compares equal. */
static const char *resolve_name(const kctx *x, const char *kind, const char *name)
{
	char buf[1024];
	const smap_ent *e, *j;

	if (x->side != CMP_EXPECTED || !pair_key(buf, sizeof buf, kind, name) ||
	    !(e = smap_get(&x->c->keys[CMP_EXPECTED], buf)) || !e->v ||
	    !pair_key(buf, sizeof buf, kind, e->v) || !(j = smap_get(&x->c->journal, buf)) || !j->v)
		return NULL;
	return id_key(x->c, CMP_ACTUAL, kind, j->v);
}

static const char *resolve(const kctx *x, const char *ref_kind, const char *id)
{
	static const char *const principals[] = { "users", "groups", "service_principals", NULL };
	const char *k;
	int i;

	if (!strcmp(ref_kind, "principals")) {
		for (i = 0; principals[i]; i++)
			if ((k = resolve_one(x, principals[i], id)))
				return k;
		return NULL;
	}
	if (!strcmp(ref_kind, "principal_names")) {
		for (i = 0; principals[i]; i++)
			if ((k = resolve_name(x, principals[i], id)))
				return k;
		return NULL;
	}
	return resolve_one(x, ref_kind, id);
}

static char *canon(const cJSON *v)
{
	return cJSON_PrintUnformatted(v);
}

static int cmp_child_names(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;

	return strcmp(x->string ? x->string : "", y->string ? y->string : "");
}

typedef struct keyed_child {
	cJSON *item;
	char *text;
} keyed_child;

static int cmp_keyed_text(const void *a, const void *b)
{
	const keyed_child *x = a, *y = b;

	return strcmp(x->text ? x->text : "", y->text ? y->text : "");
}

/* Relinks the children of node in the order of v (cJSON keeps the last
 * child in the first one's prev). */
static void relink(cJSON *node, cJSON **v, size_t n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n; i++) {
		v[i]->prev = i ? v[i - 1] : v[n - 1];
		v[i]->next = i + 1 < n ? v[i + 1] : NULL;
	}
	node->child = v[0];
}

static void sort_object(cJSON *node)
{
	size_t n = 0, i = 0;
	cJSON *ch, **v;

	for (ch = node->child; ch; ch = ch->next)
		n++;
	if (n < 2 || !(v = malloc(n * sizeof *v)))
		return;
	for (ch = node->child; ch; ch = ch->next)
		v[i++] = ch;
	qsort(v, n, sizeof *v, cmp_child_names);
	relink(node, v, n);
	free(v);
}

/* A set: elements in the order of their canonical text, so that equal
 * sets print equally (and nest). */
static void sort_set(cJSON *node)
{
	size_t n = 0, i = 0;
	cJSON *ch, **v;
	keyed_child *kc;

	for (ch = node->child; ch; ch = ch->next)
		n++;
	if (n < 2)
		return;
	kc = calloc(n, sizeof *kc);
	v = malloc(n * sizeof *v);
	if (!kc || !v)
		goto out;
	for (ch = node->child; ch; ch = ch->next, i++) {
		kc[i].item = ch;
		kc[i].text = canon(ch);
	}
	qsort(kc, n, sizeof *kc, cmp_keyed_text);
	for (i = 0; i < n; i++)
		v[i] = kc[i].item;
	relink(node, v, n);
out:
	if (kc)
		for (i = 0; i < n; i++)
			free(kc[i].text);
	free(kc);
	free(v);
}

/* Replaces id-valued `node` (string or number) under parent by the key it
 * names, when known; returns the node now in its place. */
static cJSON *resolve_node(const kctx *x, cJSON *parent, cJSON *node, const char *ref_kind)
{
	char num[64];
	const char *id = NULL, *key;
	cJSON *rep;

	if (cJSON_IsString(node))
		id = node->valuestring;
	else if (cJSON_IsNumber(node)) {
		snprintf(num, sizeof num, "%.0f", cJSON_GetNumberValue(node));
		id = num;
	}
	if (!id || !(key = resolve(x, ref_kind, id)))
		return node;
	rep = cJSON_CreateString(key);
	if (!rep)
		return node;
	if (cJSON_IsObject(parent))	/* keeps the member's name */
		cJSON_ReplaceItemInObjectCaseSensitive(parent, node->string, rep);
	else
		cJSON_ReplaceItemViaPointer(parent, node, rep);
	return rep;
}

static void normalise(const kctx *x, cJSON *node, path *at);

/* 1 when an entry (an ACL line) names the importing principal: the
 * target gives it rights on everything it creates. */
static int names_self(const cJSON *entry, const char *self)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, entry)
		if (cJSON_IsString(m) && !strcasecmp(m->valuestring, self))
			return 1;
	return 0;
}

static void normalise_child(const kctx *x, cJSON *parent, cJSON *child, path *at)
{
	const pat_val *ref;

	if (lookup(x, W_IGNORE, at) || (cJSON_IsNull(child) && cJSON_IsObject(parent)) ||
	    (x->c->self && cJSON_IsObject(child) && names_self(child, x->c->self) &&
	     lookup(x, W_SELF, at))) {
		cJSON_Delete(cJSON_DetachItemViaPointer(parent, child));
		return;
	}
	if ((cJSON_IsString(child) || cJSON_IsNumber(child)) && (ref = lookup(x, W_REFS, at))) {
		child = resolve_node(x, parent, child, ref->str);
		/* the old member and its name are gone: the path names the new one */
		if (at->n && !at->s[at->n - 1].is_idx)
			at->s[at->n - 1].key = child->string ? child->string : "";
	}
	if (cJSON_IsString(child)) {
		if (lookup(x, W_CI, at) || (x->c->emails_ci && looks_like_email(child->valuestring)))
			lower(child->valuestring);
		return;
	}
	normalise(x, child, at);
}

static void normalise(const kctx *x, cJSON *node, path *at)
{
	cJSON *ch, *next;
	long i = 0;

	if (cJSON_IsObject(node)) {
		for (ch = node->child; ch; ch = next) {
			next = ch->next;
			if (path_push(at, 0, ch->string ? ch->string : "", 0, NULL))
				return;
			normalise_child(x, node, ch, at);
			at->n--;
		}
		sort_object(node);
	} else if (cJSON_IsArray(node)) {
		for (ch = node->child; ch; ch = next, i++) {
			next = ch->next;
			if (path_push(at, 1, NULL, i, NULL))
				return;
			normalise_child(x, node, ch, at);
			at->n--;
		}
		if (lookup(x, W_SETS, at))
			sort_set(node);
	}
}

/* Adds the default `value` at p[i..] below node where the field is absent. */
static void apply_default(cJSON *node, const pat *p, size_t i, const cJSON *value)
{
	const pseg *s = &p->s[i];
	cJSON *ch;

	if (i + 1 == p->n) {
		if (cJSON_IsObject(node) && s->t == PS_KEY) {
			ch = cJSON_GetObjectItemCaseSensitive(node, s->key);
			if (!ch || cJSON_IsNull(ch)) {
				cJSON_DeleteItemFromObjectCaseSensitive(node, s->key);
				cJSON_AddItemToObject(node, s->key, cJSON_Duplicate(value, 1));
			}
		}
		return;
	}
	switch (s->t) {
	case PS_KEY:
		if (cJSON_IsObject(node) && (ch = cJSON_GetObjectItemCaseSensitive(node, s->key)))
			apply_default(ch, p, i + 1, value);
		break;
	case PS_INDEX:
		if (cJSON_IsArray(node))
			cJSON_ArrayForEach(ch, node)
				apply_default(ch, p, i + 1, value);
		break;
	case PS_ANY:
		if (cJSON_IsObject(node) || cJSON_IsArray(node))
			cJSON_ArrayForEach(ch, node)
				apply_default(ch, p, i + 1, value);
		break;
	case PS_DEEP:
		break;
	}
}

/* A normalised copy of obj (caller frees). */
static cJSON *normalised(const kctx *x, const cJSON *obj, path *at)
{
	cJSON *copy = obj ? cJSON_Duplicate(obj, 1) : cJSON_CreateNull();
	int i;
	size_t j;

	if (!copy)
		return NULL;
	for (i = 0; i < 2; i++)
		if (x->k[i])
			for (j = 0; j < x->k[i]->defaults.n; j++)
				apply_default(copy, &x->k[i]->defaults.v[j].p, 0,
					      x->k[i]->defaults.v[j].value);
	at->n = 0;
	normalise(x, copy, at);
	return copy;
}

/* ------------------------------------------------------------------ */
/* the diff                                                            */

typedef struct dctx {
	const kctx *x;
	const char *key;
	cmp_sink sink;
	void *ud;
	long n;
	int stopped;
	path at;
} dctx;

static char *value_text(const cJSON *v)
{
	char *s;
	size_t n;

	if (!v)
		return NULL;
	s = cJSON_PrintUnformatted(v);
	if (s && (n = strlen(s)) > VALUE_MAX) {
		memcpy(s + VALUE_MAX - 3, "...", 4);
	}
	return s;
}

/* 1 when `value`, absent from the target at the current path, may be:
 * an optional path with no condition, or with field values it holds. */
static int optional_here(const dctx *d, const cJSON *value)
{
	const pat_val *pv = lookup(d->x, W_OPTIONAL, &d->at);
	const cJSON *want, *got;

	if (!pv)
		return 0;
	if (!pv->value)
		return 1;
	if (!cJSON_IsObject(value))
		return 0;
	cJSON_ArrayForEach(want, pv->value) {
		got = cJSON_GetObjectItemCaseSensitive(value, want->string);
		if (!got || !cJSON_Compare(want, got, 1))
			return 0;
	}
	return 1;
}

/* 1 when `value`, absent from the target, is an object a rule marked
 * "manual" (a Hive table whose storage no map names: import left it to
 * a person, a follow-up), or that mark itself (the object made by hand
 * since): "manual" is dbxmig's note, never the API's. */
static int manual_here(const dctx *d, const cJSON *value)
{
	const step *last = d->at.n ? &d->at.s[d->at.n - 1] : NULL;

	if (last && !last->is_idx && !strcmp(last->key, "manual") && cJSON_IsString(value))
		return 1;
	return cJSON_IsObject(value) &&
	       cJSON_IsString(cJSON_GetObjectItemCaseSensitive(value, "manual"));
}

static void emit(dctx *d, enum cmp_type t, const cJSON *exp, const cJSON *act)
{
	cmp_finding f;
	sbuf p = { 0 };
	char *e, *a;

	if (t == CMP_MISSING_IN_TARGET && (optional_here(d, exp) || manual_here(d, exp)))
		return;
	e = value_text(exp);
	a = value_text(act);

	path_render(&d->at, &p);
	f.type = t;
	f.kind = d->x->kind;
	f.key = d->key;
	f.path = p.s ? p.s : "";
	f.expected = e;
	f.actual = a;
	d->n++;
	if (!d->stopped && d->sink && d->sink(d->ud, &f))
		d->stopped = 1;
	free(p.s);
	free(e);
	free(a);
}

static int type_class(const cJSON *v)
{
	if (cJSON_IsBool(v))
		return cJSON_True;
	return v->type & 0xFF;
}

static void diff(dctx *d, const cJSON *e, const cJSON *a);

static void diff_object(dctx *d, const cJSON *e, const cJSON *a)
{
	const cJSON *ch, *o;

	cJSON_ArrayForEach(ch, e) {
		if (path_push(&d->at, 0, ch->string, 0, NULL))
			return;
		o = cJSON_GetObjectItemCaseSensitive(a, ch->string);
		if (o)
			diff(d, ch, o);
		else
			emit(d, CMP_MISSING_IN_TARGET, ch, NULL);
		d->at.n--;
	}
	cJSON_ArrayForEach(o, a) {
		if (cJSON_GetObjectItemCaseSensitive(e, o->string))
			continue;
		if (path_push(&d->at, 0, o->string, 0, NULL))
			return;
		emit(d, CMP_UNEXPECTED_IN_TARGET, NULL, o);
		d->at.n--;
	}
}

/* Sets: each side's elements by canonical text; what one side has more
 * of is missing or unexpected, named by the element itself. Both sides
 * are sorted and merged, so a group of 100k members costs n log n. */
typedef struct set_el {
	char *text;
	const cJSON *item;
	int idx, used;
} set_el;

static int cmp_set_el(const void *x, const void *y)
{
	const set_el *a = x, *b = y;
	int c = strcmp(a->text ? a->text : "", b->text ? b->text : "");

	return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

static set_el *set_elements(const cJSON *arr, int *n)
{
	set_el *v;
	const cJSON *ch;
	int i = 0;

	*n = cJSON_GetArraySize(arr);
	v = calloc((size_t)*n + 1, sizeof *v);
	if (!v)
		return NULL;
	cJSON_ArrayForEach(ch, arr) {
		v[i].text = canon(ch);
		v[i].item = ch;
		v[i].idx = i;
		i++;
	}
	qsort(v, (size_t)*n, sizeof *v, cmp_set_el);
	return v;
}

static int cmp_set_idx(const void *x, const void *y)
{
	const set_el *a = x, *b = y;

	return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Emits the unmatched elements of v in their original order. */
static int emit_unused(dctx *d, set_el *v, int n, enum cmp_type t)
{
	int i;

	qsort(v, (size_t)n, sizeof *v, cmp_set_idx);
	for (i = 0; i < n; i++) {
		if (v[i].used)
			continue;
		if (path_push(&d->at, 1, NULL, v[i].idx, v[i].text ? v[i].text : "?"))
			return -1;
		if (t == CMP_MISSING_IN_TARGET)
			emit(d, t, v[i].item, NULL);
		else
			emit(d, t, NULL, v[i].item);
		d->at.n--;
	}
	return 0;
}

static void diff_set(dctx *d, const cJSON *e, const cJSON *a)
{
	int ne = 0, na = 0, i = 0, j = 0, c;
	set_el *ve = set_elements(e, &ne), *va = set_elements(a, &na);

	if (!ve || !va)
		goto out;
	while (i < ne && j < na) {
		c = strcmp(ve[i].text ? ve[i].text : "", va[j].text ? va[j].text : "");
		if (!c) {
			ve[i++].used = 1;
			va[j++].used = 1;
		} else if (c < 0) {
			i++;
		} else {
			j++;
		}
	}
	if (!emit_unused(d, ve, ne, CMP_MISSING_IN_TARGET))
		emit_unused(d, va, na, CMP_UNEXPECTED_IN_TARGET);
out:
	for (i = 0; ve && i < ne; i++)
		free(ve[i].text);
	for (j = 0; va && j < na; j++)
		free(va[j].text);
	free(ve);
	free(va);
}

/* The label of a keyed element: field="value" (NULL when it has none). */
static char *keyed_label(const cJSON *el, const char *field)
{
	const cJSON *v = cJSON_IsObject(el) ? cJSON_GetObjectItemCaseSensitive(el, field) : NULL;
	char *t, *s;
	size_t n;

	if (!v || (!cJSON_IsString(v) && !cJSON_IsNumber(v)))
		return NULL;
	t = cJSON_PrintUnformatted(v);
	if (!t)
		return NULL;
	n = strlen(field) + strlen(t) + 2;
	s = malloc(n);
	if (s)
		snprintf(s, n, "%s=%s", field, t);
	free(t);
	return s;
}

/* Lists of objects named by a field (tasks by task_key): matched by that
 * name, so one inserted task does not shift every later one. */
static void diff_keyed(dctx *d, const cJSON *e, const cJSON *a, const char *field)
{
	int ne = cJSON_GetArraySize(e), na = cJSON_GetArraySize(a), i, j;
	char **le = calloc((size_t)ne + 1, sizeof *le), **la = calloc((size_t)na + 1, sizeof *la);
	char *used = calloc((size_t)na + 1, 1);
	const cJSON *ch, *o;

	if (!le || !la || !used)
		goto out;
	i = 0;
	cJSON_ArrayForEach(ch, e)
		le[i++] = keyed_label(ch, field);
	i = 0;
	cJSON_ArrayForEach(ch, a)
		la[i++] = keyed_label(ch, field);
	for (i = 0, ch = e->child; i < ne; i++, ch = ch->next) {
		o = NULL;
		for (j = 0; j < na; j++)
			if (!used[j] && ((le[i] && la[j] && !strcmp(le[i], la[j])) ||
					 (!le[i] && !la[j] && j == i)))
				break;
		if (j < na) {
			used[j] = 1;
			o = cJSON_GetArrayItem(a, j);
		}
		if (path_push(&d->at, 1, NULL, i, le[i]))
			goto out;
		if (o)
			diff(d, ch, o);
		else
			emit(d, CMP_MISSING_IN_TARGET, ch, NULL);
		d->at.n--;
	}
	for (j = 0, ch = a->child; j < na; j++, ch = ch->next) {
		if (used[j])
			continue;
		if (path_push(&d->at, 1, NULL, j, la[j]))
			goto out;
		emit(d, CMP_UNEXPECTED_IN_TARGET, NULL, ch);
		d->at.n--;
	}
out:
	for (i = 0; le && i < ne; i++)
		free(le[i]);
	for (j = 0; la && j < na; j++)
		free(la[j]);
	free(le);
	free(la);
	free(used);
}

static void diff_list(dctx *d, const cJSON *e, const cJSON *a)
{
	const cJSON *x = e->child, *y = a->child;
	long i = 0;

	for (; x || y; i++) {
		if (path_push(&d->at, 1, NULL, i, NULL))
			return;
		if (x && y)
			diff(d, x, y);
		else if (x)
			emit(d, CMP_MISSING_IN_TARGET, x, NULL);
		else
			emit(d, CMP_UNEXPECTED_IN_TARGET, NULL, y);
		d->at.n--;
		x = x ? x->next : NULL;
		y = y ? y->next : NULL;
	}
}

static void diff(dctx *d, const cJSON *e, const cJSON *a)
{
	const pat_val *pv;

	if (d->stopped)
		return;
	if (type_class(e) != type_class(a)) {
		emit(d, CMP_TYPE_MISMATCH, e, a);
		return;
	}
	if (cJSON_IsObject(e)) {
		diff_object(d, e, a);
	} else if (cJSON_IsArray(e)) {
		if (lookup(d->x, W_SETS, &d->at))
			diff_set(d, e, a);
		else if ((pv = lookup(d->x, W_KEYED, &d->at)))
			diff_keyed(d, e, a, pv->str);
		else
			diff_list(d, e, a);
	} else if (cJSON_IsString(e)) {
		if (strcmp(e->valuestring, a->valuestring))
			emit(d, CMP_VALUE_MISMATCH, e, a);
	} else if (cJSON_IsNumber(e)) {
		if (cJSON_GetNumberValue(e) != cJSON_GetNumberValue(a))
			emit(d, CMP_VALUE_MISMATCH, e, a);
	} else if (cJSON_IsBool(e)) {
		if (cJSON_IsTrue(e) != cJSON_IsTrue(a))
			emit(d, CMP_VALUE_MISMATCH, e, a);
	}
}

static long compare_pair(cmp *c, const char *kind, const char *key, const char *id,
			 const cJSON *expected, const cJSON *actual, cmp_sink sink, void *ud,
			 int *stopped)
{
	kctx xe, xa;
	dctx d;
	cJSON *ne = NULL, *na = NULL;

	kctx_init(&xe, c, kind, CMP_EXPECTED);
	kctx_init(&xa, c, kind, CMP_ACTUAL);
	xe.obj_ignore = xa.obj_ignore = obj_ignores(c, kind, id);
	memset(&d, 0, sizeof d);
	d.x = &xe;
	d.key = key;
	d.sink = sink;
	d.ud = ud;
	ne = normalised(&xe, expected, &d.at);
	na = normalised(&xa, actual, &d.at);
	d.at.n = 0;
	if (ne && na)
		diff(&d, ne, na);
	cJSON_Delete(ne);
	cJSON_Delete(na);
	free(d.at.s);
	if (stopped)
		*stopped = d.stopped;
	return d.n;
}

long cmp_objects(cmp *c, const char *kind, const char *key, const cJSON *expected,
		 const cJSON *actual, cmp_sink sink, void *ud)
{
	return compare_pair(c, kind, key, NULL, expected, actual, sink, ud, NULL);
}

const char *cmp_type_name(enum cmp_type t)
{
	switch (t) {
	case CMP_MISSING_IN_TARGET: return "MISSING_IN_TARGET";
	case CMP_UNEXPECTED_IN_TARGET: return "UNEXPECTED_IN_TARGET";
	case CMP_VALUE_MISMATCH: return "VALUE_MISMATCH";
	case CMP_TYPE_MISMATCH: return "TYPE_MISMATCH";
	}
	return "?";
}

/* ------------------------------------------------------------------ */
/* record files                                                        */

typedef struct rfile {
	FILE *f;
	const char *path;
	char *line;
	size_t cap;
	long lineno;
} rfile;

/* Opens a JSONL file; a missing one is an empty stream (f NULL). */
static int rf_open(rfile *r, const char *p, dbx_err *err)
{
	memset(r, 0, sizeof *r);
	r->path = p;
	if (!p)
		return 0;
	r->f = fopen(p, "r");
	if (!r->f && errno != ENOENT)
		return err_set(err, ERR_IO, p, "cannot open: %s", strerror(errno));
	return 0;
}

static void rf_close(rfile *r)
{
	if (r->f)
		fclose(r->f);
	free(r->line);
}

/* The next complete, parseable record with a string key; *off gets the
 * offset of its line. Bad lines are warned about and skipped. NULL at
 * the end. */
static cJSON *rf_next(rfile *r, off_t *off)
{
	ssize_t n;

	while (r->f) {
		cJSON *rec, *key;
		off_t at = ftello(r->f);

		n = getline(&r->line, &r->cap, r->f);
		if (n < 0)
			return NULL;
		r->lineno++;
		if (n == 0 || r->line[n - 1] != '\n') {
			log_warn("%s:%ld: incomplete line (skipped)", r->path, r->lineno);
			continue;
		}
		if (n == 1)
			continue;
		rec = cJSON_ParseWithLength(r->line, (size_t)n);
		if (!rec || !cJSON_IsObject(rec)) {
			log_warn("%s:%ld: not a JSON object (skipped)", r->path, r->lineno);
			cJSON_Delete(rec);
			continue;
		}
		key = cJSON_GetObjectItemCaseSensitive(rec, "key");
		if (!cJSON_IsString(key)) {
			log_warn("%s:%ld: record without a string \"key\" (skipped)", r->path, r->lineno);
			cJSON_Delete(rec);
			continue;
		}
		if (off)
			*off = at;
		return rec;
	}
	return NULL;
}

/* The record's id as text ("%.0f" for numbers), or NULL. */
static const char *rec_id(const cJSON *rec, char *buf, size_t size)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(rec, "id");

	if (cJSON_IsString(id))
		return id->valuestring;
	if (cJSON_IsNumber(id)) {
		snprintf(buf, size, "%.0f", cJSON_GetNumberValue(id));
		return buf;
	}
	return NULL;
}

int cmp_add_ids_file(cmp *c, enum cmp_side side, const char *kind, const char *p, dbx_err *err)
{
	rfile r;
	cJSON *rec;
	int rc = 0;

	if (rf_open(&r, p, err))
		return -1;
	while ((rec = rf_next(&r, NULL))) {
		char buf[64];
		const char *id = rec_id(rec, buf, sizeof buf);

		if (id && cmp_add_id(c, side, kind, id,
				     cJSON_GetObjectItemCaseSensitive(rec, "key")->valuestring)) {
			rc = err_set(err, ERR_IO, p, "out of memory");
			cJSON_Delete(rec);
			break;
		}
		cJSON_Delete(rec);
	}
	rf_close(&r);
	return rc;
}

/* The form a key is matched in: e-mail-like keys (user names) ignore
 * case when e-mails do. Returns key itself or buf. */
static const char *match_key(const cmp *c, const char *key, char *buf, size_t size)
{
	if (!c->emails_ci || !looks_like_email(key) || strlen(key) >= size)
		return key;
	snprintf(buf, size, "%s", key);
	lower(buf);
	return buf;
}

typedef struct aent {
	off_t off;
	long line;
	int matched;
	char *key;
} aent;

static cJSON *read_at(rfile *r, off_t off, dbx_err *err)
{
	ssize_t n;

	if (fseeko(r->f, off, SEEK_SET)) {
		err_set(err, ERR_IO, r->path, "seek: %s", strerror(errno));
		return NULL;
	}
	n = getline(&r->line, &r->cap, r->f);
	if (n <= 0) {
		err_set(err, ERR_IO, r->path, "changed while being read");
		return NULL;
	}
	return cJSON_ParseWithLength(r->line, (size_t)n);
}

int cmp_kind(cmp *c, const char *kind, const char *expected_path, const char *actual_path,
	     cmp_sink sink, void *ud, cmp_stats *st, dbx_err *err)
{
	rfile ra, re;
	smap by_key = { 0 }, by_id = { 0 };
	aent *ents = NULL;
	size_t n_ents = 0, i;
	cmp_stats s;
	cJSON *rec;
	off_t off;
	kctx x;
	int rc = -1, stopped = 0;
	cmp_finding f;

	memset(&s, 0, sizeof s);
	kctx_init(&x, c, kind, CMP_ACTUAL);
	if (rf_open(&ra, actual_path, err))
		return -1;
	if (rf_open(&re, expected_path, err)) {
		rf_close(&ra);
		return -1;
	}

	/* index the actual side: key and id → entry */
	while ((rec = rf_next(&ra, &off))) {
		const char *key = cJSON_GetObjectItemCaseSensitive(rec, "key")->valuestring, *id;
		char buf[64], mk[1024];
		aent *ne;

		if (key_ignored(&x, key)) {
			s.ignored++;
			cJSON_Delete(rec);
			continue;
		}
		ne = realloc(ents, (n_ents + 1) * sizeof *ents);
		if (!ne)
			goto oom;
		ents = ne;
		ents[n_ents].off = off;
		ents[n_ents].line = ra.lineno;
		ents[n_ents].matched = 0;
		ents[n_ents].key = strdup(key);
		if (!ents[n_ents].key)
			goto oom;
		if (smap_put(&by_key, match_key(c, key, mk, sizeof mk), NULL, (long)n_ents, 0) == 1)
			log_warn("%s:%ld: key \"%s\" seen before: the first one is compared",
				 actual_path, ra.lineno, key);
		id = rec_id(rec, buf, sizeof buf);
		if (id && smap_put(&by_id, id, NULL, (long)n_ents, 0) < 0)
			goto oom;
		n_ents++;
		s.actual++;
		cJSON_Delete(rec);
		continue;
oom:
		cJSON_Delete(rec);
		err_set(err, ERR_IO, actual_path, "out of memory");
		goto out;
	}

	/* stream the expected side */
	while ((rec = rf_next(&re, NULL))) {
		const char *key = cJSON_GetObjectItemCaseSensitive(rec, "key")->valuestring, *id;
		const smap_ent *hit = NULL, *j;
		char buf[64], jk[1024], mk[1024];
		long n;

		if (key_ignored(&x, key)) {
			s.ignored++;
			cJSON_Delete(rec);
			continue;
		}
		s.expected++;
		id = rec_id(rec, buf, sizeof buf);
		if (id && pair_key(jk, sizeof jk, kind, id) && (j = smap_get(&c->journal, jk)) && j->v)
			hit = smap_get(&by_id, j->v);
		if (!hit)
			hit = smap_get(&by_key, match_key(c, key, mk, sizeof mk));
		if (hit && !ents[hit->n].matched) {
			aent *a = &ents[hit->n];
			cJSON *arec = read_at(&ra, a->off, err), *ao;

			if (!arec) {
				cJSON_Delete(rec);
				goto out;
			}
			a->matched = 1;
			s.matched++;
			ao = cJSON_GetObjectItemCaseSensitive(arec, "object");
			/* a pair is named as the target names it (the rules may
			 * have moved a path or renamed a user) */
			n = compare_pair(c, kind, a->key, id, cJSON_GetObjectItemCaseSensitive(rec, "object"),
					 ao, sink, ud, &stopped);
			if (c->extra && !stopped)
				n += c->extra(c->extra_ud, kind, a->key, rec, arec, sink, ud);
			cJSON_Delete(arec);
			s.findings += n;
			if (!n)
				s.clean++;
		} else if (pair_key(jk, sizeof jk, kind, key) && smap_get(&c->optional_objs, jk)) {
			s.optional++;
		} else {
			memset(&f, 0, sizeof f);
			f.type = CMP_MISSING_IN_TARGET;
			f.kind = kind;
			f.key = key;
			f.path = "";
			s.findings++;
			stopped = sink && sink(ud, &f);
		}
		cJSON_Delete(rec);
		if (stopped)
			break;
	}
	for (i = 0; i < n_ents && !stopped; i++) {
		if (ents[i].matched)
			continue;
		memset(&f, 0, sizeof f);
		f.type = CMP_UNEXPECTED_IN_TARGET;
		f.kind = kind;
		f.key = ents[i].key;
		f.path = "";
		s.findings++;
		stopped = sink && sink(ud, &f);
	}
	if (stopped) {
		err_set(err, ERR_FAILED, kind, "comparison stopped");
		goto out;
	}
	rc = 0;
out:
	if (st)
		*st = s;
	for (i = 0; i < n_ents; i++)
		free(ents[i].key);
	free(ents);
	smap_free(&by_key);
	smap_free(&by_id);
	rf_close(&ra);
	rf_close(&re);
	return rc;
}
