/* hive: the Hive metastore by SQL (see hive.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hive.h"
#include "log.h"
#include "sqlstmt.h"

static const char *jstr(const cJSON *o, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
}

/* ---------------------------------------------------------------- DDL */

static int word_at(const char *p, const char *w)
{
	size_t n = strlen(w);
	return strncasecmp(p, w, n) == 0 && !(isalnum((unsigned char)p[n]) || p[n] == '_');
}

static const char *skip_ws(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* Reads a quoted literal at p (' or "), unescaped into *out (malloc'd);
 * returns the position after it, or NULL when unterminated. */
static const char *read_lit(const char *p, char **out)
{
	char q = *p++;
	sqlbuf b = { 0 };
	for (; *p && *p != q; p++) {
		if (*p == '\\' && p[1])
			p++;
		sqlbuf_addc(&b, *p);
	}
	if (!*p || b.oom) {
		free(b.s);
		return NULL;
	}
	*out = b.s ? b.s : calloc(1, 1);
	return p + 1;
}

void hive_ddl_free(hive_ddl *d)
{
	free(d->format);
	free(d->location);
	free(d->rest);
	memset(d, 0, sizeof *d);
}

int hive_ddl_parse(const char *ddl, hive_ddl *out, dbx_err *err)
{
	const char *p = skip_ws(ddl);
	int view = 0, ext = 0, depth = 0;
	sqlbuf b = { 0 };

	memset(out, 0, sizeof *out);
	if (!word_at(p, "CREATE"))
		goto bad;
	p = skip_ws(p + 6);
	for (;;) {
		if (word_at(p, "OR"))
			p = skip_ws(p + 2);
		else if (word_at(p, "REPLACE"))
			p = skip_ws(p + 7);
		else if (word_at(p, "EXTERNAL"))
			p = skip_ws(p + 8), ext = 1;
		else
			break;
	}
	if (word_at(p, "TABLE"))
		p = skip_ws(p + 5);
	else if (word_at(p, "VIEW"))
		p = skip_ws(p + 4), view = 1;
	else
		goto bad;
	if (word_at(p, "IF")) {
		p = skip_ws(skip_ws(p + 2) + 3);	/* NOT EXISTS */
		p = skip_ws(p + 6);
	}
	/* the name: parts, each a word or `quoted`, joined by dots */
	for (;;) {
		if (*p == '`') {
			for (p++; *p && !(*p == '`' && p[1] != '`'); p += *p == '`' ? 2 : 1)
				;
			if (!*p)
				goto bad;
			p++;
		} else if (isalnum((unsigned char)*p) || *p == '_') {
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
		} else {
			goto bad;
		}
		if (*p != '.')
			break;
		p++;
	}
	/* the rest: quotes kept as they are, whitespace collapsed, the
	 * LOCATION clause taken out, the format after USING noted */
	while (*p) {
		char c = *p;
		int boundary = b.n == 0 || !(isalnum((unsigned char)b.s[b.n - 1]) || b.s[b.n - 1] == '_');
		if (c == '\'' || c == '"' || c == '`') {
			const char *s = p++;
			while (*p && *p != c) {
				if (*p == '\\' && c != '`' && p[1])
					p++;
				p++;
			}
			if (!*p)
				goto bad;
			p++;
			sqlbuf_addn(&b, s, (size_t)(p - s));
		} else if (c == '-' && p[1] == '-') {
			const char *s = p;
			while (*p && *p != '\n')
				p++;
			sqlbuf_addn(&b, s, (size_t)(p - s));
			if (*p)
				sqlbuf_addc(&b, '\n'), p++;
		} else if (isspace((unsigned char)c)) {
			p = skip_ws(p);
			if (b.n && b.s[b.n - 1] != ' ' && b.s[b.n - 1] != '\n' && b.s[b.n - 1] != '(' && *p && *p != ')')
				sqlbuf_addc(&b, ' ');
		} else if (!view && depth == 0 && boundary && word_at(p, "LOCATION") &&
			   (*skip_ws(p + 8) == '\'' || *skip_ws(p + 8) == '"') && !out->location) {
			p = read_lit(skip_ws(p + 8), &out->location);
			if (!p)
				goto bad;
			p = skip_ws(p);
			if (b.n && b.s[b.n - 1] == ' ' && !*p)
				b.s[--b.n] = '\0';
		} else if (!view && depth == 0 && boundary && word_at(p, "USING") && !out->format) {
			const char *f = skip_ws(p + 5), *e = f;
			while (isalnum((unsigned char)*e) || *e == '_' || *e == '.')
				e++;
			if (e > f && (out->format = strndup(f, (size_t)(e - f))))
				for (char *x = out->format; *x; x++)
					*x = (char)tolower((unsigned char)*x);
			sqlbuf_addn(&b, p, 5);
			p += 5;
		} else {
			depth += c == '(' ? 1 : c == ')' ? -1 : 0;
			sqlbuf_addc(&b, c);
			p++;
		}
	}
	while (b.n && (b.s[b.n - 1] == ' ' || b.s[b.n - 1] == ';'))
		b.s[--b.n] = '\0';
	if (b.oom)
		goto bad;
	out->rest = b.s ? b.s : calloc(1, 1);
	out->type = view ? "VIEW" : (ext || out->location) ? "EXTERNAL" : "MANAGED";
	return 0;
bad:
	free(b.s);
	hive_ddl_free(out);
	return err_set(err, ERR_PARSE, "SHOW CREATE TABLE", "not a CREATE TABLE or CREATE VIEW statement: %.120s",
		       ddl);
}

/* ------------------------------------------------------------- export */

int hive_named(const char *only)
{
	const char *p = only;
	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == strlen(HIVE_KIND) && !strncmp(p, HIVE_KIND, n))
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

/* The value of the first of two columns a row has (real warehouses and
 * runtimes name some SHOW/DESCRIBE columns differently). */
static const char *col(const cJSON *row, const char *a, const char *b)
{
	const char *v = jstr(row, a);
	return v ? v : b ? jstr(row, b) : NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The values of column a (or b) of every row, sorted (they belong to
 * rows); rows whose column `unless` is "true" are left out (temporary
 * views). NULL when out of memory. */
static const char **column_sorted(const cJSON *rows, const char *a, const char *b, const char *unless,
				  size_t *n)
{
	const char **v = calloc((size_t)cJSON_GetArraySize(rows) + 1, sizeof *v);
	const cJSON *r;
	*n = 0;
	if (!v)
		return NULL;
	cJSON_ArrayForEach(r, rows) {
		const char *x = col(r, a, b), *u = unless ? col(r, unless, NULL) : NULL;
		if (x && !(u && !strcmp(u, "true")))
			v[(*n)++] = x;
	}
	qsort(v, *n, sizeof *v, cmp_str);
	return v;
}

/* Runs one statement built in b (freed here). */
static int run_sb(ws *w, const char *wh, sqlbuf *b, cJSON **rows, dbx_err *err)
{
	int rc;
	if (b->oom) {
		free(b->s);
		memset(b, 0, sizeof *b);
		return err_set(err, ERR_IO, "hive", "out of memory");
	}
	rc = sqlstmt_run(w, wh, b->s, rows, err);
	free(b->s);
	memset(b, 0, sizeof *b);
	return rc;
}

/* Names the object an error is about: "hive_metastore table db.t: SQL
 * <statement>: <why>" (the statement was the error's where). */
static void about(dbx_err *e, const char *what, const char *name)
{
	if (e->where[0])
		err_prefix(e, "%s", e->where);
	snprintf(e->where, sizeof e->where, "%s %s %.400s", HIVE_KIND, what, name);
}

/* One table's record from SHOW CREATE TABLE. */
static cJSON *read_table(ws *w, const char *wh, const char *db, const char *t, dbx_err *err)
{
	sqlbuf b = { 0 };
	cJSON *rows = NULL, *o = NULL;
	hive_ddl d;
	const char *ddl;

	sqlbuf_add(&b, "SHOW CREATE TABLE ");
	sqlbuf_ident(&b, db);
	sqlbuf_addc(&b, '.');
	sqlbuf_ident(&b, t);
	if (run_sb(w, wh, &b, &rows, err) < 0)
		return NULL;
	ddl = col(cJSON_GetArrayItem(rows, 0), "createtab_stmt", NULL);
	if (!ddl) {
		err_set(err, ERR_PARSE, "SHOW CREATE TABLE", "no createtab_stmt in the answer");
		goto out;
	}
	if (hive_ddl_parse(ddl, &d, err) < 0)
		goto out;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", t);
	cJSON_AddStringToObject(o, "table_type", d.type);
	cJSON_AddItemToObject(o, "format", d.format ? cJSON_CreateString(d.format) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "location", d.location ? cJSON_CreateString(d.location) : cJSON_CreateNull());
	sqlbuf_add(&b, strcmp(d.type, "VIEW") == 0 ? "CREATE VIEW " : "CREATE TABLE ");
	sqlbuf_ident(&b, db);
	sqlbuf_addc(&b, '.');
	sqlbuf_ident(&b, t);
	if (*d.rest) {
		sqlbuf_addc(&b, ' ');
		sqlbuf_add(&b, d.rest);
	}
	cJSON_AddStringToObject(o, "ddl", b.s ? b.s : "");
	free(b.s);
	hive_ddl_free(&d);
out:
	cJSON_Delete(rows);
	return o;
}

/* One database: DESCRIBE DATABASE, SHOW TABLES, SHOW CREATE TABLE of each.
 * Any table that cannot be read fails the database (a re-run reads it
 * again), naming the table. NULL with *skip set: an empty `default`. */
static cJSON *read_db(ws *w, const char *wh, const char *db, int *skip, dbx_err *err)
{
	sqlbuf b = { 0 };
	cJSON *rows = NULL, *obj = NULL, *tables, *r;
	const char *comment = NULL, *loc = NULL, **names = NULL;
	char dflt[1200];
	size_t n = 0;

	*skip = 0;
	sqlbuf_add(&b, "DESCRIBE DATABASE EXTENDED ");
	sqlbuf_ident(&b, db);
	if (run_sb(w, wh, &b, &rows, err) < 0)
		return NULL;
	obj = cJSON_CreateObject();
	cJSON_AddStringToObject(obj, "name", db);
	cJSON_ArrayForEach(r, rows) {
		const char *k = col(r, "database_description_item", "info_name");
		const char *v = col(r, "database_description_value", "info_value");
		if (k && v && !strcasecmp(k, "Comment") && *v)
			comment = v;
		else if (k && v && !strcasecmp(k, "Location") && *v)
			loc = v;
	}
	/* where the metastore puts a database by default: not a choice */
	snprintf(dflt, sizeof dflt, "dbfs:/user/hive/warehouse/%s.db", db);
	if (loc && (!strcmp(loc, dflt) || (!strcmp(db, "default") && !strcmp(loc, "dbfs:/user/hive/warehouse"))))
		loc = NULL;
	cJSON_AddItemToObject(obj, "comment", comment ? cJSON_CreateString(comment) : cJSON_CreateNull());
	cJSON_AddItemToObject(obj, "location", loc ? cJSON_CreateString(loc) : cJSON_CreateNull());
	cJSON_Delete(rows);
	rows = NULL;

	sqlbuf_add(&b, "SHOW TABLES IN ");
	sqlbuf_ident(&b, db);
	if (run_sb(w, wh, &b, &rows, err) < 0)
		goto bad;
	if (!(names = column_sorted(rows, "tableName", "table_name", "isTemporary", &n))) {
		err_set(err, ERR_IO, db, "out of memory");
		goto bad;
	}
	if (n == 0 && !strcmp(db, "default")) {
		*skip = 1;
		goto bad;
	}
	tables = cJSON_AddArrayToObject(obj, "tables");
	for (size_t i = 0; i < n; i++) {
		cJSON *t = read_table(w, wh, db, names[i], err);
		if (!t) {
			char tn[1200];
			snprintf(tn, sizeof tn, "%s.%s", db, names[i]);
			about(err, "table", tn);
			goto bad;
		}
		cJSON_AddItemToArray(tables, t);
	}
	free(names);
	cJSON_Delete(rows);
	return obj;
bad:
	free(names);
	cJSON_Delete(rows);
	cJSON_Delete(obj);
	return NULL;
}

/* Logs a failed database/table to logs/failed_<phase>_hive_metastore.jsonl
 * (a dry run only says it). -1 with err when that record cannot be
 * written: the caller stops. */
static int record_fail(store *st, const char *phase, int dry, const char *key, const dbx_err *e,
		       dbx_err *err)
{
	char b[1600];
	if (dry) {
		log_warn("%s", err_str(e, b, sizeof b));
		return 0;
	}
	return store_fail(st, phase, HIVE_KIND, key, e, err);
}

static int hard(const dbx_err *e)
{
	return e->cls == ERR_AUTH || e->cls == ERR_CONFIG ||
	       (e->cls == ERR_HTTP && (e->http_status == 401 || e->http_status == 403));
}

int hive_export(ws *w, store *st, const char *phase, const char *warehouse, hive_counts *c,
		dbx_err *err)
{
	jsonl_out *out = NULL;
	cJSON *rows = NULL;
	const char **names = NULL;
	size_t n = 0;
	int rc = -1;

	memset(c, 0, sizeof *c);
	if (!(out = store_append(st, phase, HIVE_KIND, err)))
		return -1;
	if (sqlstmt_run(w, warehouse, "SHOW DATABASES", &rows, err) < 0) {
		err_prefix(err, "hive_metastore: listing the databases on warehouse %s", warehouse);
		goto out;
	}
	if (!(names = column_sorted(rows, "databaseName", "namespace", NULL, &n))) {
		err_set(err, ERR_IO, HIVE_KIND, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		dbx_err e = { 0 };
		int skip;
		cJSON *obj, *rec;

		if (jsonl_out_has(out, names[i]))
			continue;
		if (!(obj = read_db(w, warehouse, names[i], &skip, &e))) {
			if (skip)
				continue;
			if (hard(&e)) {
				*err = e;
				goto out;
			}
			if (strncmp(e.where, HIVE_KIND, strlen(HIVE_KIND)) != 0)
				about(&e, "database", names[i]);
			if (record_fail(st, phase, 0, names[i], &e, err) < 0)
				goto out;
			c->failed++;
			continue;
		}
		rec = cJSON_CreateObject();
		cJSON_AddStringToObject(rec, "key", names[i]);
		cJSON_AddStringToObject(rec, "id", names[i]);
		cJSON_AddItemToObject(rec, "object", obj);
		if (jsonl_out_put(out, rec, err) < 0) {
			cJSON_Delete(rec);
			goto out;
		}
		cJSON_Delete(rec);
		c->added++;
	}
	rc = 0;
out:
	c->total = jsonl_out_count(out);
	if (jsonl_out_close(out, rc == 0 ? err : &(dbx_err){ 0 }) < 0)
		rc = -1;
	free(names);
	cJSON_Delete(rows);
	return rc;
}

/* ------------------------------------------------------------- import */

const char *hive_target_warehouse(store *st, const idmap *ids, const char *given, char *buf,
				  size_t size, char *why, size_t why_size)
{
	const cJSON *wm = cJSON_GetObjectItemCaseSensitive(store_meta(st), "warehouse");
	const char *t = jstr(wm, "target"), *s = jstr(wm, "source");

	if (given && *given) {
		snprintf(buf, size, "%s", given);
		return buf;
	}
	if (t && *t) {
		snprintf(buf, size, "%s", t);
		return buf;
	}
	if (s && ids && (t = idmap_target(ids, "sql_warehouses", s))) {
		snprintf(buf, size, "%s", t);
		return buf;
	}
	if (s)
		snprintf(why, why_size, "the source warehouse %s has no target counterpart in the ID journal "
			 "(import sql_warehouses first, or pass --warehouse-id)", s);
	else
		snprintf(why, why_size, "no SQL warehouse is known: export did not read the Hive "
			 "metastore through one (pass --warehouse-id)");
	return NULL;
}

typedef struct hview {
	const char *db, *name;
	char *ddl;		/* the CREATE VIEW statement */
	int done;		/* 1 created, -1 failed for good */
	dbx_err err;
} hview;

/* The statement that creates table/view `t` of database `db`. */
static int create_stmt(const char *db, const cJSON *t, sqlbuf *b, dbx_err *err)
{
	const char *ddl = jstr(t, "ddl"), *name = jstr(t, "name"), *loc = jstr(t, "location");
	hive_ddl d;

	if (!ddl || !name)
		return err_set(err, ERR_PARSE, db, "a table without \"name\" or \"ddl\"");
	if (hive_ddl_parse(ddl, &d, err) < 0)
		return -1;
	int view = !strcmp(d.type, "VIEW");
	sqlbuf_add(b, view ? "CREATE VIEW IF NOT EXISTS " : "CREATE TABLE IF NOT EXISTS ");
	sqlbuf_ident(b, db);
	sqlbuf_addc(b, '.');
	sqlbuf_ident(b, name);
	if (*d.rest) {
		sqlbuf_addc(b, ' ');
		sqlbuf_add(b, d.rest);
	}
	/* the record's location (which rules mapped), else one left in the DDL */
	if (!loc)
		loc = d.location;
	if (!view && loc) {
		sqlbuf_add(b, " LOCATION ");
		sqlbuf_lit(b, loc);
	}
	hive_ddl_free(&d);
	return 0;
}

static int not_found(const dbx_err *e)
{
	return strstr(e->msg, "TABLE_OR_VIEW_NOT_FOUND") != NULL;
}

typedef struct himp {
	ws *w;
	store *st;
	idmap *ids;
	const char *wh;
	int dry_run;
	long tables, views;
} himp;

/* Runs (or, dry, prints) one statement; journals `key` under `kind` once
 * it ran. 0 done, -1 failed (e), -2 hard error (err). */
static int apply(himp *h, sqlbuf *b, const char *kind, const char *key, dbx_err *e, dbx_err *err)
{
	cJSON *rows = NULL;
	if (b->oom) {
		free(b->s);
		memset(b, 0, sizeof *b);
		err_set(err, ERR_IO, key, "out of memory");
		return -2;
	}
	if (h->dry_run) {
		printf("sql     %s;\n", b->s);
		free(b->s);
		memset(b, 0, sizeof *b);
		return 0;
	}
	if (run_sb(h->w, h->wh, b, &rows, e) < 0)
		return hard(e) ? (*err = *e, -2) : -1;
	cJSON_Delete(rows);
	if (kind && idmap_put(h->ids, kind, key, key, key, err) < 0)
		return -2;
	return 0;
}

long hive_mapped_count(store *st)
{
	dbx_err e = { 0 };
	jsonl_in *in = store_read(st, "mapped", HIVE_KIND, &e);
	const char *line;
	size_t len;
	long n = 0;
	if (!in)
		return 0;
	while (jsonl_in_next_raw(in, &line, &len))
		n++;
	jsonl_in_close(in);
	return n;
}

int hive_import(ws *w, store *st, idmap *ids, const char *warehouse, int dry_run, hive_counts *c,
		hive_manual_fn manual, void *ud, dbx_err *err)
{
	himp h = { .w = w, .st = st, .ids = ids, .wh = warehouse, .dry_run = dry_run };
	jsonl_in *in;
	cJSON *recs = cJSON_CreateArray(), *rec;
	hview *views = NULL;
	size_t nv = 0, cap = 0;
	char key[1200];
	int rc = -1;

	memset(c, 0, sizeof *c);
	if (!recs || !(in = store_read(st, "mapped", HIVE_KIND, err))) {
		cJSON_Delete(recs);
		return -1;
	}
	while ((rec = jsonl_in_next(in)))
		cJSON_AddItemToArray(recs, rec);
	jsonl_in_close(in);

	/* databases, then their tables; views wait for every table */
	cJSON_ArrayForEach(rec, recs) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(rec, "object"), *t;
		const char *db = jstr(o, "name");
		dbx_err e = { 0 };
		sqlbuf b = { 0 };
		int r;

		c->total++;
		if (!db) {
			err_set(&e, ERR_PARSE, jstr(rec, "key"), "a database record without \"name\"");
			if (record_fail(st, "import", dry_run, jstr(rec, "key") ? jstr(rec, "key") : "?", &e, err) < 0)
				goto out;
			cJSON_AddBoolToObject(rec, "_failed", 1);
			continue;
		}
		if (idmap_target(ids, HIVE_KIND, db)) {
			c->kept++;
			cJSON_AddBoolToObject(rec, "_kept", 1);
			continue;
		}
		if (jstr(o, "manual")) {
			snprintf(key, sizeof key, "%s/%s", HIVE_KIND, db);
			manual(ud, key, db, jstr(o, "manual"));
			cJSON_AddBoolToObject(rec, "_kept", 1);
			continue;
		}
		sqlbuf_add(&b, "CREATE DATABASE IF NOT EXISTS ");
		sqlbuf_ident(&b, db);
		if (jstr(o, "comment")) {
			sqlbuf_add(&b, " COMMENT ");
			sqlbuf_lit(&b, jstr(o, "comment"));
		}
		if (jstr(o, "location")) {
			sqlbuf_add(&b, " LOCATION ");
			sqlbuf_lit(&b, jstr(o, "location"));
		}
		if ((r = apply(&h, &b, NULL, db, &e, err)) == -2)
			goto out;
		if (r < 0) {
			about(&e, "database", db);
			if (record_fail(st, "import", dry_run, db, &e, err) < 0)
				goto out;
			cJSON_AddBoolToObject(rec, "_failed", 1);
			continue;
		}
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(o, "tables")) {
			const char *tn = jstr(t, "name");
			snprintf(key, sizeof key, "%s.%s", db, tn ? tn : "?");
			if (tn && idmap_target(ids, HIVE_TABLE_KIND, key))
				continue;
			if (jstr(t, "manual")) {	/* a rule left it to a person */
				char mk[1300];
				snprintf(mk, sizeof mk, "%s/%s", HIVE_TABLE_KIND, key);
				manual(ud, mk, key, jstr(t, "manual"));
				continue;
			}
			dbx_err te = { 0 };
			if (create_stmt(db, t, &b, &te) < 0) {
				free(b.s);
				memset(&b, 0, sizeof b);
				if (record_fail(st, "import", dry_run, key, &te, err) < 0)
					goto out;
				cJSON_AddBoolToObject(rec, "_failed", 1);
				continue;
			}
			if (!strcmp(jstr(t, "table_type") ? jstr(t, "table_type") : "", "VIEW") ||
			    !strncmp(b.s ? b.s : "", "CREATE VIEW", 11)) {
				if (nv == cap) {
					size_t ncap = cap ? cap * 2 : 16;
					hview *nvw = realloc(views, ncap * sizeof *nvw);
					if (!nvw) {
						free(b.s);
						err_set(err, ERR_IO, key, "out of memory");
						goto out;
					}
					views = nvw;
					cap = ncap;
				}
				views[nv++] = (hview){ .db = db, .name = tn, .ddl = b.s };
				memset(&b, 0, sizeof b);
				continue;
			}
			if ((r = apply(&h, &b, HIVE_TABLE_KIND, key, &te, err)) == -2)
				goto out;
			if (r < 0) {
				about(&te, "table", key);
				if (record_fail(st, "import", dry_run, key, &te, err) < 0)
					goto out;
				cJSON_AddBoolToObject(rec, "_failed", 1);
				continue;
			}
			h.tables++;
		}
	}
	/* views: one that reads a view not created yet is tried again after
	 * the others, as long as a round creates something */
	for (int progress = 1; progress;) {
		progress = 0;
		for (size_t i = 0; i < nv; i++) {
			hview *v = &views[i];
			sqlbuf b = { 0 };
			int r;
			if (v->done)
				continue;
			snprintf(key, sizeof key, "%s.%s", v->db, v->name);
			sqlbuf_add(&b, v->ddl);
			err_clear(&v->err);
			if ((r = apply(&h, &b, HIVE_TABLE_KIND, key, &v->err, err)) == -2)
				goto out;
			if (r == 0) {
				v->done = 1;
				progress = 1;
				h.views++;
			} else if (!not_found(&v->err)) {
				v->done = -1;
			}
		}
	}
	for (size_t i = 0; i < nv; i++) {
		if (views[i].done == 1)
			continue;
		snprintf(key, sizeof key, "%s.%s", views[i].db, views[i].name);
		about(&views[i].err, "view", key);
		if (record_fail(st, "import", dry_run, key, &views[i].err, err) < 0)
			goto out;
		cJSON_ArrayForEach(rec, recs) {
			const char *db = jstr(cJSON_GetObjectItemCaseSensitive(rec, "object"), "name");
			if (db && !strcmp(db, views[i].db) && !cJSON_HasObjectItem(rec, "_failed"))
				cJSON_AddBoolToObject(rec, "_failed", 1);
		}
	}
	/* a database is journaled once everything in it landed */
	cJSON_ArrayForEach(rec, recs) {
		const char *db = jstr(cJSON_GetObjectItemCaseSensitive(rec, "object"), "name");
		if (cJSON_HasObjectItem(rec, "_kept"))
			continue;
		if (cJSON_HasObjectItem(rec, "_failed") || !db) {
			c->failed++;
			continue;
		}
		if (!dry_run && idmap_put(ids, HIVE_KIND, db, db, db, err) < 0)
			goto out;
		c->added++;
	}
	if (h.tables || h.views)
		log_info("hive_metastore: %s %ld table(s) and %ld view(s) on warehouse %s",
			 dry_run ? "would create" : "created", h.tables, h.views, warehouse);
	rc = 0;
out:
	for (size_t i = 0; i < nv; i++)
		free(views[i].ddl);
	free(views);
	cJSON_Delete(recs);
	return rc;
}
