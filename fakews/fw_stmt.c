/* fw_stmt: SQL Statement Execution (/api/2.0/sql/statements) over a small,
 * honest SQL subset: DDL for the Hive metastore (catalog hive_metastore,
 * alias spark_catalog) and for Unity Catalog schemas, tables and views,
 * plus SHOW DATABASES|SCHEMAS, SHOW TABLES, SHOW CREATE TABLE, DESCRIBE
 * DATABASE and DESCRIBE TABLE EXTENDED so an exporter can read
 * definitions back.
 * Anything else FAILS with a message saying so; nothing is pretended.
 * Results use the INLINE JSON_ARRAY shape (manifest + result.data_array).
 * A real warehouse cuts a large result into chunks (by bytes); the fake
 * cuts it every --page-size rows, so clients must follow
 * result.next_chunk_index through GET .../result/chunks/{n}.
 * Hive databases live in the hive_metastore collection:
 * {name, comment, location, tables: [{name, table_type, columns,
 * data_source_format, location, comment, partition_columns,
 * view_definition}]}. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fw_check.h"
#include "fw_http.h"
#include "fw_state.h"
#include "fw_uc.h"

#define MAX_TOK 4096
#define KEEP_STMTS 1000	/* finished statements kept for GET */

/* ---- tokens ---- */

enum { T_END, T_WORD, T_QWORD, T_STR, T_NUM, T_PUNCT };

typedef struct tok {
	int type;
	char *text;	/* owned; words as written, strings unquoted */
	size_t off;	/* byte offset in the statement */
} tok;

typedef struct lexed {
	tok *t;
	size_t n, cap;
} lexed;

typedef struct sqlerr {
	char msg[1024];
} sqlerr;

static void lex_free(lexed *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->t[i].text);
	free(l->t);
}

static int push(lexed *l, int type, const char *s, size_t len, size_t off)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		tok *nt = realloc(l->t, nc * sizeof *nt);
		if (!nt)
			return -1;
		l->t = nt;
		l->cap = nc;
	}
	char *t = malloc(len + 1);
	if (!t)
		return -1;
	memcpy(t, s, len);
	t[len] = '\0';
	l->t[l->n++] = (tok){type, t, off};
	return 0;
}

static int lex(const char *s, lexed *l, sqlerr *e)
{
	size_t i = 0, n = strlen(s);
	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		if (isspace(ch)) {
			i++;
		} else if (ch == '-' && s[i + 1] == '-') {
			while (i < n && s[i] != '\n')
				i++;
		} else if (isalpha(ch) || ch == '_') {
			size_t b = i;
			while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
				i++;
			if (push(l, T_WORD, s + b, i - b, b) < 0)
				return -1;
		} else if (isdigit(ch)) {
			size_t b = i;
			while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '.'))
				i++;
			if (push(l, T_NUM, s + b, i - b, b) < 0)
				return -1;
		} else if (ch == '`' || ch == '\'' || ch == '"') {
			char q = (char)ch, buf[MAX_TOK];
			size_t b = i++, k = 0;
			while (i < n && k + 1 < sizeof buf) {
				if (s[i] == q && s[i + 1] == q) {
					buf[k++] = q;
					i += 2;
				} else if (s[i] == q) {
					break;
				} else if (s[i] == '\\' && q != '`' && i + 1 < n) {
					buf[k++] = s[i + 1];
					i += 2;
				} else {
					buf[k++] = s[i++];
				}
			}
			if (i >= n) {
				snprintf(e->msg, sizeof e->msg, "[PARSE_SYNTAX_ERROR] Syntax error: unterminated %c at offset %zu.", q, b);
				return -1;
			}
			i++;
			if (push(l, q == '`' ? T_QWORD : T_STR, buf, k, b) < 0)
				return -1;
		} else {
			if (push(l, T_PUNCT, s + i, 1, i) < 0)
				return -1;
			i++;
		}
	}
	return push(l, T_END, "", 0, n);
}

/* ---- parser state ---- */

typedef struct P {
	fw_ctx *c;
	const char *sql;
	lexed lx;
	size_t i;
	sqlerr err;
	const char *cur_cat, *cur_sch;	/* from the request */
	/* result */
	cJSON *cols;	/* [{name, type}] */
	cJSON *rows;	/* [[...]] */
} P;

static tok *peek(P *p) { return &p->lx.t[p->i]; }

static int is_kw(const tok *t, const char *kw)
{
	return t->type == T_WORD && strcasecmp(t->text, kw) == 0;
}

static int accept(P *p, const char *kw)
{
	if (is_kw(peek(p), kw)) {
		p->i++;
		return 1;
	}
	return 0;
}

static int accept_p(P *p, char ch)
{
	tok *t = peek(p);
	if (t->type == T_PUNCT && t->text[0] == ch) {
		p->i++;
		return 1;
	}
	return 0;
}

static int syntax(P *p)
{
	tok *t = peek(p);
	snprintf(p->err.msg, sizeof p->err.msg, "[PARSE_SYNTAX_ERROR] Syntax error at or near '%s' (offset %zu).",
		 t->type == T_END ? "end of input" : t->text, t->off);
	return -1;
}

static int expect(P *p, const char *kw)
{
	return accept(p, kw) ? 0 : syntax(p);
}

static int expect_p(P *p, char ch)
{
	return accept_p(p, ch) ? 0 : syntax(p);
}

static int if_not_exists(P *p)
{
	if (!accept(p, "IF"))
		return 0;
	if (expect(p, "NOT") < 0 || expect(p, "EXISTS") < 0)
		return -1;
	return 1;
}

static int if_exists(P *p)
{
	if (!accept(p, "IF"))
		return 0;
	return expect(p, "EXISTS") < 0 ? -1 : 1;
}

/* A qualified name of up to 3 parts, lower-cased. */
typedef struct qname {
	char part[3][256];
	int n;
} qname;

static int name(P *p, qname *q)
{
	q->n = 0;
	do {
		tok *t = peek(p);
		if ((t->type != T_WORD && t->type != T_QWORD) || q->n == 3)
			return syntax(p);
		if (fw_uc_name(t->text, q->part[q->n], sizeof q->part[0]) < 0) {
			snprintf(p->err.msg, sizeof p->err.msg, "[INVALID_IDENTIFIER] The identifier '%s' is invalid.", t->text);
			return -1;
		}
		q->n++;
		p->i++;
	} while (accept_p(p, '.'));
	return 0;
}

static int is_hive(const char *cat)
{
	return strcmp(cat, "hive_metastore") == 0 || strcmp(cat, "spark_catalog") == 0;
}

/* Resolves a schema name (1 or 2 parts) to catalog + schema. */
static int schema_of(P *p, const qname *q, char *cat, char *sch)
{
	if (q->n > 2) {
		snprintf(p->err.msg, sizeof p->err.msg, "[INVALID_IDENTIFIER] A schema name has at most 2 parts.");
		return -1;
	}
	snprintf(cat, 256, "%s", q->n == 2 ? q->part[0] : p->cur_cat);
	snprintf(sch, 256, "%s", q->part[q->n - 1]);
	if (is_hive(cat))
		snprintf(cat, 256, "hive_metastore");
	return 0;
}

static void table_of(P *p, const qname *q, char *cat, char *sch, char *tab)
{
	snprintf(cat, 256, "%s", q->n == 3 ? q->part[0] : p->cur_cat);
	snprintf(sch, 256, "%s", q->n >= 2 ? q->part[q->n - 2] : p->cur_sch);
	snprintf(tab, 256, "%s", q->part[q->n - 1]);
	if (is_hive(cat))
		snprintf(cat, 256, "hive_metastore");
}

/* ---- the stores ---- */

static cJSON *hive_db(fw_state *s, const char *db)
{
	cJSON *d = fw_coll_get(fw_coll_of(s, FW_HIVE), db);
	if (!d && strcmp(db, "default") == 0) {
		/* every metastore has "default": materialised on first use */
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "name", "default");
		cJSON_AddStringToObject(d, "comment", "Default Hive database");
		cJSON_AddArrayToObject(d, "tables");
		fw_coll_add(fw_coll_of(s, FW_HIVE), d);
		d = fw_coll_get(fw_coll_of(s, FW_HIVE), "default");
	}
	return d;
}

static cJSON *hive_table(cJSON *db, const char *t, int *idx)
{
	cJSON *e;
	int i = 0;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(db, "tables")) {
		if (fw_str(e, "name") && strcmp(fw_str(e, "name"), t) == 0) {
			if (idx)
				*idx = i;
			return e;
		}
		i++;
	}
	return NULL;
}

/* A table in either store, or NULL. */
static cJSON *find_table(P *p, const char *cat, const char *sch, const char *tab)
{
	if (strcmp(cat, "hive_metastore") == 0) {
		cJSON *db = fw_coll_get(fw_coll_of(p->c->s, FW_HIVE), sch);
		return db ? hive_table(db, tab, NULL) : NULL;
	}
	char full[800];
	snprintf(full, sizeof full, "%s.%s.%s", cat, sch, tab);
	return fw_coll_get(fw_coll_of(p->c->s, FW_TABLES), full);
}

static int schema_exists(P *p, const char *cat, const char *sch)
{
	if (strcmp(cat, "hive_metastore") == 0)
		return strcmp(sch, "default") == 0 || fw_coll_get(fw_coll_of(p->c->s, FW_HIVE), sch) != NULL;
	char full[600];
	snprintf(full, sizeof full, "%s.%s", cat, sch);
	return fw_coll_get(fw_coll_of(p->c->s, FW_SCHEMAS), full) != NULL;
}

static int no_schema(P *p, const char *cat, const char *sch)
{
	if (strcmp(cat, "hive_metastore") != 0 && !fw_coll_get(fw_coll_of(p->c->s, FW_CATALOGS), cat))
		snprintf(p->err.msg, sizeof p->err.msg, "[NO_SUCH_CATALOG_EXCEPTION] Catalog '%s' was not found.", cat);
	else
		snprintf(p->err.msg, sizeof p->err.msg, "[SCHEMA_NOT_FOUND] The schema `%s`.`%s` cannot be found.", cat, sch);
	return -1;
}

/* ---- results ---- */

static void set_cols(P *p, const char *const *names)
{
	p->cols = cJSON_CreateArray();
	for (size_t i = 0; names[i]; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "name", names[i]);
		cJSON_AddStringToObject(c, "type_text", strcmp(names[i], "isTemporary") == 0 ? "BOOLEAN" : "STRING");
		cJSON_AddStringToObject(c, "type_name", strcmp(names[i], "isTemporary") == 0 ? "BOOLEAN" : "STRING");
		cJSON_AddNumberToObject(c, "position", (double)i);
		cJSON_AddItemToArray(p->cols, c);
	}
	p->rows = cJSON_CreateArray();
}

static void row(P *p, int n, ...)
{
	va_list ap;
	va_start(ap, n);
	cJSON *r = cJSON_CreateArray();
	for (int i = 0; i < n; i++) {
		const char *v = va_arg(ap, const char *);
		cJSON_AddItemToArray(r, v ? cJSON_CreateString(v) : cJSON_CreateNull());
	}
	va_end(ap);
	cJSON_AddItemToArray(p->rows, r);
}

/* ---- DDL ---- */

/* Raw text of tokens [from, to) as written in the statement. */
static char *span(P *p, size_t from, size_t to)
{
	size_t b = p->lx.t[from].off, e = to < p->lx.n ? p->lx.t[to].off : strlen(p->sql);
	while (e > b && (isspace((unsigned char)p->sql[e - 1]) || p->sql[e - 1] == ';'))
		e--;
	char *r = malloc(e - b + 1);
	if (r) {
		memcpy(r, p->sql + b, e - b);
		r[e - b] = '\0';
	}
	return r;
}

static int location_ok(P *p, const char *cat, const char *url)
{
	/* the URL check answers through fw_error: take its message */
	fw_ctx *c = p->c;
	int rc = strcmp(cat, "hive_metastore") == 0 ? fw_check_storage_url(c, url, "LOCATION", 1)
						    : fw_uc_check_location(c, url, "LOCATION");
	if (rc < 0) {
		const char *m = fw_str(c->reply, "message");
		snprintf(p->err.msg, sizeof p->err.msg, "[INVALID_LOCATION] %s", m ? m : url);
		cJSON_Delete(c->reply);
		c->reply = NULL;
		c->status = 0;
	}
	return rc;
}

static int create_schema(P *p)
{
	qname q;
	char cat[256], sch[256], comment[1024] = "", loc[2048] = "";
	int ine = if_not_exists(p);
	if (ine < 0 || name(p, &q) < 0 || schema_of(p, &q, cat, sch) < 0)
		return -1;
	for (;;) {
		if (accept(p, "COMMENT")) {
			if (peek(p)->type != T_STR)
				return syntax(p);
			snprintf(comment, sizeof comment, "%s", peek(p)->text);
			p->i++;
		} else if (accept(p, "LOCATION") || accept(p, "MANAGED")) {
			if (is_kw(&p->lx.t[p->i - 1], "MANAGED") && expect(p, "LOCATION") < 0)
				return -1;
			if (peek(p)->type != T_STR)
				return syntax(p);
			snprintf(loc, sizeof loc, "%s", peek(p)->text);
			p->i++;
		} else {
			break;
		}
	}
	accept_p(p, ';');
	if (peek(p)->type != T_END)
		return syntax(p);
	if (strcmp(cat, "hive_metastore") != 0 && !fw_coll_get(fw_coll_of(p->c->s, FW_CATALOGS), cat))
		return no_schema(p, cat, sch);
	if (schema_exists(p, cat, sch)) {
		if (ine)
			return 0;
		snprintf(p->err.msg, sizeof p->err.msg, "[SCHEMA_ALREADY_EXISTS] Cannot create schema `%s` because it already exists.", sch);
		return -1;
	}
	if (*loc && location_ok(p, cat, loc) < 0)
		return -1;
	if (strcmp(cat, "hive_metastore") == 0) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "name", sch);
		if (*comment)
			cJSON_AddStringToObject(d, "comment", comment);
		if (*loc)
			cJSON_AddStringToObject(d, "location", loc);
		cJSON_AddArrayToObject(d, "tables");
		fw_coll_add(fw_coll_of(p->c->s, FW_HIVE), d);
	} else {
		char full[600];
		fw_uc_add_schema(p->c, cat, sch, *comment ? comment : NULL, NULL);
		snprintf(full, sizeof full, "%s.%s", cat, sch);
		cJSON *o = fw_coll_get(fw_coll_of(p->c->s, FW_SCHEMAS), full);
		if (o && *loc) {
			cJSON_AddStringToObject(o, "storage_root", loc);
			cJSON_AddStringToObject(o, "storage_location", loc);
		}
	}
	p->c->mutated = 1;
	return 0;
}

/* The columns of a CREATE TABLE: "(name type [NOT NULL] [COMMENT 's'], ...)". */
static cJSON *columns(P *p)
{
	cJSON *cols = cJSON_CreateArray();
	if (expect_p(p, '(') < 0)
		goto bad;
	do {
		tok *t = peek(p);
		char nm[256];
		if ((t->type != T_WORD && t->type != T_QWORD) || fw_uc_name(t->text, nm, sizeof nm) < 0) {
			syntax(p);
			goto bad;
		}
		p->i++;
		/* the type: tokens up to ',' or ')' at depth 0, or NOT/COMMENT */
		size_t b = p->i;
		int depth = 0;
		for (;;) {
			tok *x = peek(p);
			if (x->type == T_END) {
				syntax(p);
				goto bad;
			}
			if (x->type == T_PUNCT && (x->text[0] == '(' || x->text[0] == '<'))
				depth++;
			if (x->type == T_PUNCT && (x->text[0] == ')' || x->text[0] == '>')) {
				if (depth == 0)
					break;
				depth--;
			}
			if (depth == 0 && ((x->type == T_PUNCT && x->text[0] == ',') || is_kw(x, "NOT") || is_kw(x, "COMMENT")))
				break;
			p->i++;
		}
		if (p->i == b) {
			syntax(p);
			goto bad;
		}
		char *ty = span(p, b, p->i);
		for (char *q = ty; q && *q; q++)
			*q = (char)toupper((unsigned char)*q);
		cJSON *col = cJSON_CreateObject();
		cJSON_AddStringToObject(col, "name", nm);
		cJSON_AddStringToObject(col, "type", ty ? ty : "");
		free(ty);
		int nullable = 1;
		if (accept(p, "NOT")) {
			if (expect(p, "NULL") < 0) {
				cJSON_Delete(col);
				goto bad;
			}
			nullable = 0;
		}
		cJSON_AddBoolToObject(col, "nullable", nullable);
		if (accept(p, "COMMENT")) {
			if (peek(p)->type != T_STR) {
				cJSON_Delete(col);
				syntax(p);
				goto bad;
			}
			cJSON_AddStringToObject(col, "comment", peek(p)->text);
			p->i++;
		}
		cJSON_AddItemToArray(cols, col);
	} while (accept_p(p, ','));
	if (expect_p(p, ')') < 0)
		goto bad;
	return cols;
bad:
	cJSON_Delete(cols);
	return NULL;
}

static const char *const formats[] = {"DELTA", "PARQUET", "CSV", "JSON", "ORC", "AVRO", "TEXT", NULL};

/* Stores table T (consumed) as CAT.SCH.TAB in its store. */
static void store_table(P *p, const char *cat, const char *sch, const char *tab, cJSON *t)
{
	if (strcmp(cat, "hive_metastore") == 0) {
		cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(hive_db(p->c->s, sch), "tables"), t);
		return;
	}
	/* Unity Catalog: the TableInfo shape */
	char full[800], id[48];
	snprintf(full, sizeof full, "%s.%s.%s", cat, sch, tab);
	cJSON_AddStringToObject(t, "catalog_name", cat);
	cJSON_AddStringToObject(t, "schema_name", sch);
	cJSON_AddStringToObject(t, "full_name", full);
	cJSON_AddStringToObject(t, "table_id", fw_uuid(p->c->s, id, sizeof id));
	cJSON *cols = cJSON_GetObjectItemCaseSensitive(t, "columns"), *e;
	int pos = 0;
	cJSON_ArrayForEach(e, cols) {
		/* UC spells a column's type type_text/type_name */
		const char *ty = fw_str(e, "type");
		char tn[64];
		size_t k = 0;
		for (; ty && ty[k] && k + 1 < sizeof tn && isalpha((unsigned char)ty[k]); k++)
			tn[k] = ty[k];
		tn[k] = '\0';
		cJSON_AddStringToObject(e, "type_text", ty ? ty : "");
		cJSON_AddStringToObject(e, "type_name", strcmp(tn, "BIGINT") == 0 ? "LONG" : strcmp(tn, "INTEGER") == 0 ? "INT" : tn);
		cJSON_AddNumberToObject(e, "position", pos++);
		cJSON_DeleteItemFromObjectCaseSensitive(e, "type");
	}
	if (!fw_str(t, "storage_location") && strcmp(fw_str(t, "table_type"), "VIEW") != 0) {
		char loc[1200];
		snprintf(loc, sizeof loc, "%s/tables/%s",
			 p->c->s->cloud == FW_AWS ? "s3://fake-metastore-root" :
			 p->c->s->cloud == FW_GCP ? "gs://fake-metastore-root" :
			 "abfss://metastore@fakemetastore.dfs.core.windows.net", id);
		cJSON_AddStringToObject(t, "storage_location", loc);
	}
	fw_uc_stamp(p->c, t);
	fw_coll_add(fw_coll_of(p->c->s, FW_TABLES), t);
}

static int create_table(P *p, int or_replace)
{
	qname q;
	char cat[256], sch[256], tab[256], fmt[32] = "DELTA", loc[2048] = "", comment[1024] = "";
	cJSON *parts = NULL;
	int ine = if_not_exists(p);
	if (ine < 0 || name(p, &q) < 0)
		return -1;
	table_of(p, &q, cat, sch, tab);
	cJSON *cols = columns(p);
	if (!cols)
		return -1;
	for (;;) {
		if (accept(p, "USING")) {
			tok *t = peek(p);
			int ok = 0;
			for (size_t i = 0; t->type == T_WORD && formats[i]; i++)
				if (strcasecmp(t->text, formats[i]) == 0) {
					snprintf(fmt, sizeof fmt, "%s", formats[i]);
					ok = 1;
				}
			if (!ok) {
				snprintf(p->err.msg, sizeof p->err.msg, "[UNSUPPORTED_DATASOURCE] USING %s: the fake knows DELTA, PARQUET, CSV, JSON, ORC, AVRO, TEXT.",
					 t->text);
				goto bad;
			}
			p->i++;
		} else if (accept(p, "LOCATION")) {
			if (peek(p)->type != T_STR) {
				syntax(p);
				goto bad;
			}
			snprintf(loc, sizeof loc, "%s", peek(p)->text);
			p->i++;
		} else if (accept(p, "COMMENT")) {
			if (peek(p)->type != T_STR) {
				syntax(p);
				goto bad;
			}
			snprintf(comment, sizeof comment, "%s", peek(p)->text);
			p->i++;
		} else if (accept(p, "PARTITIONED")) {
			if (expect(p, "BY") < 0 || expect_p(p, '(') < 0)
				goto bad;
			cJSON_Delete(parts);
			parts = cJSON_CreateArray();
			do {
				tok *t = peek(p);
				char nm[256];
				if ((t->type != T_WORD && t->type != T_QWORD) || fw_uc_name(t->text, nm, sizeof nm) < 0) {
					syntax(p);
					goto bad;
				}
				cJSON_AddItemToArray(parts, cJSON_CreateString(nm));
				p->i++;
			} while (accept_p(p, ','));
			if (expect_p(p, ')') < 0)
				goto bad;
		} else {
			break;
		}
	}
	accept_p(p, ';');
	if (peek(p)->type != T_END) {
		syntax(p);
		goto bad;
	}
	if (!schema_exists(p, cat, sch)) {
		no_schema(p, cat, sch);
		goto bad;
	}
	cJSON *old = find_table(p, cat, sch, tab);
	if (old && ine) {
		cJSON_Delete(cols);
		cJSON_Delete(parts);
		return 0;
	}
	if (old && !or_replace) {
		snprintf(p->err.msg, sizeof p->err.msg,
			 "[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view `%s`.`%s` because it already exists.", sch, tab);
		goto bad;
	}
	if (*loc && location_ok(p, cat, loc) < 0)
		goto bad;
	if (old) {	/* OR REPLACE */
		if (strcmp(cat, "hive_metastore") == 0) {
			int idx = -1;
			cJSON *db = fw_coll_get(fw_coll_of(p->c->s, FW_HIVE), sch);
			if (hive_table(db, tab, &idx))
				cJSON_DeleteItemFromArray(cJSON_GetObjectItemCaseSensitive(db, "tables"), idx);
		} else {
			char full[800];
			snprintf(full, sizeof full, "%s.%s.%s", cat, sch, tab);
			fw_coll_del(fw_coll_of(p->c->s, FW_TABLES), full);
		}
	}
	cJSON *t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "name", tab);
	cJSON_AddStringToObject(t, "table_type", *loc ? "EXTERNAL" : "MANAGED");
	cJSON_AddStringToObject(t, "data_source_format", fmt);
	cJSON_AddItemToObject(t, "columns", cols);
	if (parts)
		cJSON_AddItemToObject(t, "partition_columns", parts);
	if (*loc)
		cJSON_AddStringToObject(t, "storage_location", loc);
	if (*comment)
		cJSON_AddStringToObject(t, "comment", comment);
	store_table(p, cat, sch, tab, t);
	p->c->mutated = 1;
	return 0;
bad:
	cJSON_Delete(cols);
	cJSON_Delete(parts);
	return -1;
}

/* The tables a SELECT reads: names after FROM and JOIN (and commas in a
 * FROM list) must exist. */
static int check_refs(P *p, size_t from, const char *vcat, const char *vsch)
{
	/* FROM counts at the top level and inside subqueries, not inside a
	 * function call such as EXTRACT(YEAR FROM ts) */
	unsigned char subq[64];
	int depth = 0;
	/* names a WITH clause defines ("name AS (") are no tables either */
	char ctes[16][256];
	int ncte = 0;
	for (size_t i = from; i + 2 < p->lx.n && ncte < 16; i++) {
		const tok *t = &p->lx.t[i];
		if ((t->type == T_WORD || t->type == T_QWORD) && is_kw(&p->lx.t[i + 1], "AS") &&
		    p->lx.t[i + 2].type == T_PUNCT && p->lx.t[i + 2].text[0] == '(' &&
		    fw_uc_name(t->text, ctes[ncte], sizeof ctes[0]) == 0)
			ncte++;
	}
	for (size_t i = from; i < p->lx.n; i++) {
		const tok *t = &p->lx.t[i];
		if (t->type == T_PUNCT && t->text[0] == '(') {
			if (depth < (int)sizeof subq)
				subq[depth] = is_kw(&p->lx.t[i + 1], "SELECT") || is_kw(&p->lx.t[i + 1], "WITH");
			depth++;
			continue;
		}
		if (t->type == T_PUNCT && t->text[0] == ')') {
			depth -= depth > 0;
			continue;
		}
		if (!is_kw(t, "FROM") && !is_kw(t, "JOIN"))
			continue;
		if (depth > 0 && (depth > (int)sizeof subq || !subq[depth - 1]))
			continue;
		size_t save = p->i;
		p->i = i + 1;
		for (;;) {
			if (peek(p)->type == T_PUNCT && peek(p)->text[0] == '(')
				break;	/* a subquery: its own FROM is checked in turn */
			qname q;
			if (name(p, &q) < 0) {
				p->i = save;
				return -1;
			}
			int is_cte = 0;
			for (int k = 0; q.n == 1 && k < ncte; k++)
				if (strcmp(ctes[k], q.part[0]) == 0)
					is_cte = 1;
			char cat[256], sch[256], tab[256];
			const char *oc = p->cur_cat, *os = p->cur_sch;
			p->cur_cat = vcat;
			p->cur_sch = vsch;
			table_of(p, &q, cat, sch, tab);
			p->cur_cat = oc;
			p->cur_sch = os;
			if (!is_cte && !find_table(p, cat, sch, tab)) {
				snprintf(p->err.msg, sizeof p->err.msg,
					 "[TABLE_OR_VIEW_NOT_FOUND] The table or view `%s`.`%s`.`%s` cannot be found (referenced by the view).",
					 cat, sch, tab);
				p->i = save;
				return -1;
			}
			/* an alias, then maybe ", next" */
			if (accept(p, "AS") || (peek(p)->type == T_WORD && !is_kw(peek(p), "WHERE") && !is_kw(peek(p), "JOIN") &&
						!is_kw(peek(p), "GROUP") && !is_kw(peek(p), "ORDER") && !is_kw(peek(p), "ON") &&
						!is_kw(peek(p), "LEFT") && !is_kw(peek(p), "RIGHT") && !is_kw(peek(p), "INNER") &&
						!is_kw(peek(p), "FULL") && !is_kw(peek(p), "CROSS") && !is_kw(peek(p), "LIMIT") &&
						!is_kw(peek(p), "UNION") && !is_kw(peek(p), "HAVING")))
				p->i++;
			if (!accept_p(p, ','))
				break;
		}
		p->i = save;
	}
	return 0;
}

static int create_view(P *p, int or_replace)
{
	qname q;
	char cat[256], sch[256], tab[256], comment[1024] = "";
	int ine = if_not_exists(p);
	if (ine < 0 || name(p, &q) < 0)
		return -1;
	table_of(p, &q, cat, sch, tab);
	if (accept(p, "COMMENT")) {
		if (peek(p)->type != T_STR)
			return syntax(p);
		snprintf(comment, sizeof comment, "%s", peek(p)->text);
		p->i++;
	}
	if (expect(p, "AS") < 0)
		return -1;
	size_t b = p->i;
	if (!is_kw(peek(p), "SELECT") && !is_kw(peek(p), "WITH"))
		return syntax(p);
	if (!schema_exists(p, cat, sch))
		return no_schema(p, cat, sch);
	if (check_refs(p, b, cat, sch) < 0)
		return -1;
	cJSON *old = find_table(p, cat, sch, tab);
	if (old && ine)
		return 0;
	if (old && (!or_replace || strcmp(fw_str(old, "table_type"), "VIEW") != 0)) {
		snprintf(p->err.msg, sizeof p->err.msg,
			 "[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view `%s`.`%s` because it already exists.", sch, tab);
		return -1;
	}
	if (old) {
		if (strcmp(cat, "hive_metastore") == 0) {
			int idx = -1;
			cJSON *db = fw_coll_get(fw_coll_of(p->c->s, FW_HIVE), sch);
			if (hive_table(db, tab, &idx))
				cJSON_DeleteItemFromArray(cJSON_GetObjectItemCaseSensitive(db, "tables"), idx);
		} else {
			char full[800];
			snprintf(full, sizeof full, "%s.%s.%s", cat, sch, tab);
			fw_coll_del(fw_coll_of(p->c->s, FW_TABLES), full);
		}
	}
	char *text = span(p, b, p->lx.n - 1);
	cJSON *t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "name", tab);
	cJSON_AddStringToObject(t, "table_type", "VIEW");
	cJSON_AddArrayToObject(t, "columns");
	cJSON_AddStringToObject(t, "view_definition", text ? text : "");
	free(text);
	if (*comment)
		cJSON_AddStringToObject(t, "comment", comment);
	store_table(p, cat, sch, tab, t);
	p->c->mutated = 1;
	return 0;
}

static int drop(P *p)
{
	int table = 0, view = 0;
	if (accept(p, "TABLE"))
		table = 1;
	else if (accept(p, "VIEW"))
		view = 1;
	else if (!accept(p, "DATABASE") && !accept(p, "SCHEMA"))
		return syntax(p);
	int ie = if_exists(p);
	qname q;
	if (ie < 0 || name(p, &q) < 0)
		return -1;
	char cat[256], sch[256], tab[256];
	if (table || view) {
		accept_p(p, ';');
		if (peek(p)->type != T_END)
			return syntax(p);
		table_of(p, &q, cat, sch, tab);
		cJSON *t = find_table(p, cat, sch, tab);
		if (!t) {
			if (ie)
				return 0;
			snprintf(p->err.msg, sizeof p->err.msg, "[TABLE_OR_VIEW_NOT_FOUND] The table or view `%s`.`%s`.`%s` cannot be found.",
				 cat, sch, tab);
			return -1;
		}
		int isview = strcmp(fw_str(t, "table_type") ? fw_str(t, "table_type") : "", "VIEW") == 0;
		if (isview != view) {
			snprintf(p->err.msg, sizeof p->err.msg, "[%s] `%s`.`%s` is a %s: use DROP %s.",
				 view ? "EXPECT_VIEW_NOT_TABLE" : "EXPECT_TABLE_NOT_VIEW", sch, tab, isview ? "view" : "table",
				 isview ? "VIEW" : "TABLE");
			return -1;
		}
		if (strcmp(cat, "hive_metastore") == 0) {
			int idx = -1;
			cJSON *db = fw_coll_get(fw_coll_of(p->c->s, FW_HIVE), sch);
			hive_table(db, tab, &idx);
			cJSON_DeleteItemFromArray(cJSON_GetObjectItemCaseSensitive(db, "tables"), idx);
		} else {
			char full[800];
			snprintf(full, sizeof full, "%s.%s.%s", cat, sch, tab);
			fw_uc_drop_grants(p->c->s, "table", full, 0);
			fw_coll_del(fw_coll_of(p->c->s, FW_TABLES), full);
		}
		p->c->mutated = 1;
		return 0;
	}
	int cascade = accept(p, "CASCADE");
	if (!cascade)
		accept(p, "RESTRICT");
	accept_p(p, ';');
	if (peek(p)->type != T_END)
		return syntax(p);
	if (schema_of(p, &q, cat, sch) < 0)
		return -1;
	if (!schema_exists(p, cat, sch)) {
		if (ie)
			return 0;
		return no_schema(p, cat, sch);
	}
	if (strcmp(cat, "hive_metastore") != 0) {
		snprintf(p->err.msg, sizeof p->err.msg,
			 "[UNSUPPORTED_FEATURE] DROP SCHEMA on a Unity Catalog schema: use DELETE /api/2.1/unity-catalog/schemas/%s.%s.", cat, sch);
		return -1;
	}
	if (strcmp(sch, "default") == 0) {
		snprintf(p->err.msg, sizeof p->err.msg, "[UNSUPPORTED_FEATURE] Cannot drop the default database.");
		return -1;
	}
	cJSON *db = fw_coll_get(fw_coll_of(p->c->s, FW_HIVE), sch);
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(db, "tables")) > 0 && !cascade) {
		snprintf(p->err.msg, sizeof p->err.msg,
			 "[SCHEMA_NOT_EMPTY] Cannot drop a schema `%s` because it contains objects. Use DROP SCHEMA ... CASCADE to drop the schema and all its objects.",
			 sch);
		return -1;
	}
	fw_coll_del(fw_coll_of(p->c->s, FW_HIVE), sch);
	p->c->mutated = 1;
	return 0;
}

/* ---- SHOW / DESCRIBE ---- */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int show_databases(P *p)
{
	char cat[256];
	snprintf(cat, sizeof cat, "%s", p->cur_cat);
	if (accept(p, "IN") || accept(p, "FROM")) {
		qname q;
		if (name(p, &q) < 0)
			return -1;
		snprintf(cat, sizeof cat, "%s", q.part[0]);
		if (is_hive(cat))
			snprintf(cat, sizeof cat, "hive_metastore");
	}
	accept_p(p, ';');
	if (peek(p)->type != T_END)
		return syntax(p);
	static const char *const cols[] = {"databaseName", NULL};
	const char **names = NULL;
	size_t n = 0;
	fw_coll *col = fw_coll_of(p->c->s, strcmp(cat, "hive_metastore") == 0 ? FW_HIVE : FW_SCHEMAS);
	if (strcmp(cat, "hive_metastore") != 0 && !fw_coll_get(fw_coll_of(p->c->s, FW_CATALOGS), cat)) {
		snprintf(p->err.msg, sizeof p->err.msg, "[NO_SUCH_CATALOG_EXCEPTION] Catalog '%s' was not found.", cat);
		return -1;
	}
	names = malloc((col->n + 1) * sizeof *names);
	if (!names)
		return -1;
	int has_default = 0;
	for (size_t i = 0; i < col->n; i++) {
		if (col == fw_coll_of(p->c->s, FW_SCHEMAS) && strcmp(fw_str(col->items[i], "catalog_name"), cat) != 0)
			continue;
		names[n] = fw_str(col->items[i], "name");
		if (names[n] && strcmp(names[n], "default") == 0)
			has_default = 1;
		if (names[n])
			n++;
	}
	if (strcmp(cat, "hive_metastore") == 0 && !has_default)
		names[n++] = "default";
	qsort(names, n, sizeof *names, cmp_names);
	set_cols(p, cols);
	for (size_t i = 0; i < n; i++)
		row(p, 1, names[i]);
	free(names);
	return 0;
}

static int show_tables(P *p)
{
	char cat[256], sch[256];
	snprintf(cat, sizeof cat, "%s", p->cur_cat);
	snprintf(sch, sizeof sch, "%s", p->cur_sch);
	if (accept(p, "IN") || accept(p, "FROM")) {
		qname q;
		if (name(p, &q) < 0 || schema_of(p, &q, cat, sch) < 0)
			return -1;
	}
	accept_p(p, ';');
	if (peek(p)->type != T_END)
		return syntax(p);
	if (!schema_exists(p, cat, sch))
		return no_schema(p, cat, sch);
	static const char *const cols[] = {"database", "tableName", "isTemporary", NULL};
	set_cols(p, cols);
	const char **names;
	size_t n = 0;
	if (strcmp(cat, "hive_metastore") == 0) {
		cJSON *db = fw_coll_get(fw_coll_of(p->c->s, FW_HIVE), sch), *e;
		names = malloc(((size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(db, "tables")) + 1) * sizeof *names);
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(db, "tables"))
			if (names && fw_str(e, "name"))
				names[n++] = fw_str(e, "name");
	} else {
		fw_coll *t = fw_coll_of(p->c->s, FW_TABLES);
		names = malloc((t->n + 1) * sizeof *names);
		for (size_t i = 0; names && i < t->n; i++)
			if (strcmp(fw_str(t->items[i], "catalog_name"), cat) == 0 && strcmp(fw_str(t->items[i], "schema_name"), sch) == 0)
				names[n++] = fw_str(t->items[i], "name");
	}
	if (!names)
		return -1;
	qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		cJSON *r = cJSON_CreateArray();
		cJSON_AddItemToArray(r, cJSON_CreateString(sch));
		cJSON_AddItemToArray(r, cJSON_CreateString(names[i]));
		cJSON_AddItemToArray(r, cJSON_CreateString("false"));
		cJSON_AddItemToArray(p->rows, r);
	}
	free(names);
	return 0;
}

static const char *col_type(const cJSON *col)
{
	return fw_str(col, "type") ? fw_str(col, "type") : fw_str(col, "type_text") ? fw_str(col, "type_text") : "STRING";
}

/* The table named next in the statement, resolved; NULL + error. */
static cJSON *named_table(P *p, char *cat, char *sch, char *tab)
{
	qname q;
	if (name(p, &q) < 0)
		return NULL;
	table_of(p, &q, cat, sch, tab);
	accept_p(p, ';');
	if (peek(p)->type != T_END) {
		syntax(p);
		return NULL;
	}
	cJSON *t = find_table(p, cat, sch, tab);
	if (!t)
		snprintf(p->err.msg, sizeof p->err.msg, "[TABLE_OR_VIEW_NOT_FOUND] The table or view `%s`.`%s`.`%s` cannot be found.",
			 cat, sch, tab);
	return t;
}

static void quote_sql(char *out, size_t n, const char *s)
{
	size_t k = 0;
	for (; *s && k + 3 < n; s++) {
		if (*s == '\'' || *s == '\\')
			out[k++] = '\\';
		out[k++] = *s;
	}
	out[k] = '\0';
}

static int show_create(P *p)
{
	char cat[256], sch[256], tab[256];
	if (expect(p, "TABLE") < 0)
		return -1;
	cJSON *t = named_table(p, cat, sch, tab);
	if (!t)
		return -1;
	const char *shown = strcmp(cat, "hive_metastore") == 0 ? "spark_catalog" : cat;
	size_t cap = 65536, len = 0;
	char *ddl = malloc(cap), q[4096];
	if (!ddl)
		return -1;
#define ADD(...) (len += (size_t)snprintf(ddl + len, len < cap ? cap - len : 0, __VA_ARGS__), len = len < cap ? len : cap - 1)
	if (strcmp(fw_str(t, "table_type"), "VIEW") == 0) {
		ADD("CREATE VIEW %s.%s.%s", shown, sch, tab);
		if (fw_str(t, "comment")) {
			quote_sql(q, sizeof q, fw_str(t, "comment"));
			ADD("\nCOMMENT '%s'", q);
		}
		ADD("\nAS %s\n", fw_str(t, "view_definition") ? fw_str(t, "view_definition") : "");
	} else {
		ADD("CREATE TABLE %s.%s.%s (", shown, sch, tab);
		const cJSON *e;
		int first = 1;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(t, "columns")) {
			ADD("%s\n  %s %s", first ? "" : ",", fw_str(e, "name"), col_type(e));
			if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(e, "nullable")))
				ADD(" NOT NULL");
			if (fw_str(e, "comment")) {
				quote_sql(q, sizeof q, fw_str(e, "comment"));
				ADD(" COMMENT '%s'", q);
			}
			first = 0;
		}
		ADD(")\nUSING %s\n", fw_str(t, "data_source_format") ? fw_str(t, "data_source_format") : "DELTA");
		const cJSON *parts = cJSON_GetObjectItemCaseSensitive(t, "partition_columns");
		if (cJSON_GetArraySize(parts) > 0) {
			ADD("PARTITIONED BY (");
			first = 1;
			cJSON_ArrayForEach(e, parts) {
				ADD("%s%s", first ? "" : ", ", cJSON_GetStringValue(e));
				first = 0;
			}
			ADD(")\n");
		}
		if (fw_str(t, "comment")) {
			quote_sql(q, sizeof q, fw_str(t, "comment"));
			ADD("COMMENT '%s'\n", q);
		}
		if (strcmp(fw_str(t, "table_type"), "EXTERNAL") == 0 && fw_str(t, "storage_location")) {
			quote_sql(q, sizeof q, fw_str(t, "storage_location"));
			ADD("LOCATION '%s'\n", q);
		}
	}
#undef ADD
	for (char *f = ddl; *f; f++)	/* USING delta, as Spark prints it */
		if (strncmp(f, "USING ", 6) == 0)
			for (char *g = f + 6; *g && *g != '\n'; g++)
				*g = (char)tolower((unsigned char)*g);
	static const char *const cols[] = {"createtab_stmt", NULL};
	set_cols(p, cols);
	row(p, 1, ddl);
	free(ddl);
	return 0;
}

/* DESCRIBE DATABASE|SCHEMA [EXTENDED] name: where a database lives. */
static int describe_schema(P *p)
{
	qname q;
	char cat[256], sch[256];
	accept(p, "EXTENDED");
	if (name(p, &q) < 0 || schema_of(p, &q, cat, sch) < 0)
		return -1;
	accept_p(p, ';');
	if (peek(p)->type != T_END)
		return syntax(p);
	if (!schema_exists(p, cat, sch))
		return no_schema(p, cat, sch);
	const cJSON *o;
	char full[600];
	if (strcmp(cat, "hive_metastore") == 0) {
		o = fw_coll_get(fw_coll_of(p->c->s, FW_HIVE), sch);
	} else {
		snprintf(full, sizeof full, "%s.%s", cat, sch);
		o = fw_coll_get(fw_coll_of(p->c->s, FW_SCHEMAS), full);
	}
	static const char *const cols[] = {"database_description_item", "database_description_value", NULL};
	set_cols(p, cols);
	row(p, 2, "Catalog Name", strcmp(cat, "hive_metastore") == 0 ? "spark_catalog" : cat);
	row(p, 2, "Namespace Name", sch);
	row(p, 2, "Comment", fw_str(o, "comment") ? fw_str(o, "comment") : "");
	const char *loc = fw_str(o, "location") ? fw_str(o, "location") : fw_str(o, "storage_root");
	if (!loc && strcmp(cat, "hive_metastore") == 0) {
		snprintf(full, sizeof full, "dbfs:/user/hive/warehouse/%s.db", sch);
		loc = strcmp(sch, "default") == 0 ? "dbfs:/user/hive/warehouse" : full;
	}
	row(p, 2, "Location", loc ? loc : "");
	row(p, 2, "Owner", fw_str(o, "owner") ? fw_str(o, "owner") : "root");
	return 0;
}

static int describe(P *p)
{
	char cat[256], sch[256], tab[256];
	if (accept(p, "DATABASE") || accept(p, "SCHEMA"))
		return describe_schema(p);
	accept(p, "TABLE");
	int ext = accept(p, "EXTENDED");
	if (!ext)
		ext = accept(p, "FORMATTED");
	cJSON *t = named_table(p, cat, sch, tab);
	if (!t)
		return -1;
	static const char *const cols[] = {"col_name", "data_type", "comment", NULL};
	set_cols(p, cols);
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(t, "columns"))
		row(p, 3, fw_str(e, "name"), col_type(e), fw_str(e, "comment"));
	if (!ext)
		return 0;
	const char *ty = fw_str(t, "table_type");
	row(p, 3, "", "", "");
	row(p, 3, "# Detailed Table Information", "", "");
	row(p, 3, "Catalog", strcmp(cat, "hive_metastore") == 0 ? "spark_catalog" : cat, "");
	row(p, 3, "Database", sch, "");
	row(p, 3, "Table", tab, "");
	row(p, 3, "Owner", fw_str(t, "owner") ? fw_str(t, "owner") : "root", "");
	row(p, 3, "Type", ty, "");
	if (strcmp(ty, "VIEW") == 0) {
		row(p, 3, "View Text", fw_str(t, "view_definition"), "");
	} else {
		char prov[32];
		snprintf(prov, sizeof prov, "%s", fw_str(t, "data_source_format") ? fw_str(t, "data_source_format") : "DELTA");
		for (char *x = prov; *x; x++)
			*x = (char)tolower((unsigned char)*x);
		row(p, 3, "Provider", prov, "");
		if (fw_str(t, "storage_location"))
			row(p, 3, "Location", fw_str(t, "storage_location"), "");
	}
	if (fw_str(t, "comment"))
		row(p, 3, "Comment", fw_str(t, "comment"), "");
	return 0;
}

static int run(P *p)
{
	if (accept(p, "CREATE")) {
		int orr = 0;
		if (accept(p, "OR")) {
			if (expect(p, "REPLACE") < 0)
				return -1;
			orr = 1;
		}
		if (accept(p, "DATABASE") || accept(p, "SCHEMA"))
			return orr ? syntax(p) : create_schema(p);
		accept(p, "EXTERNAL");
		if (accept(p, "TABLE"))
			return create_table(p, orr);
		if (accept(p, "VIEW"))
			return create_view(p, orr);
		if (is_kw(peek(p), "CATALOG")) {
			snprintf(p->err.msg, sizeof p->err.msg,
				 "[UNSUPPORTED_FEATURE] The fake workspace does not run CREATE CATALOG: use POST /api/2.1/unity-catalog/catalogs.");
			return -1;
		}
		return syntax(p);
	}
	if (accept(p, "DROP"))
		return drop(p);
	if (accept(p, "SHOW")) {
		if (accept(p, "DATABASES") || accept(p, "SCHEMAS"))
			return show_databases(p);
		if (accept(p, "TABLES"))
			return show_tables(p);
		if (accept(p, "CREATE"))
			return show_create(p);
	}
	if (accept(p, "DESCRIBE") || accept(p, "DESC"))
		return describe(p);
	tok *t = peek(p);
	snprintf(p->err.msg, sizeof p->err.msg,
		 "[UNSUPPORTED_FEATURE] The fake workspace runs only DDL (CREATE/DROP SCHEMA, TABLE, VIEW) and SHOW/DESCRIBE statements; '%s%s' is not one of them and was not run.",
		 t->type == T_END ? "(empty statement)" : t->text,
		 t->type == T_END ? "" : " ...");
	return -1;
}

/* ---- the API ---- */

static cJSON *g_stmts;	/* statement_id -> finished StatementResponse */
static cJSON *g_chunks;	/* statement_id -> [result chunk 0, 1, ...] when chunked */

void fw_stmt_free(void)
{
	cJSON_Delete(g_stmts);
	g_stmts = NULL;
	cJSON_Delete(g_chunks);
	g_chunks = NULL;
}

/* Cuts the result of a SUCCEEDED response r into chunks of `per` rows:
 * r keeps chunk 0 (with next_chunk_index / next_chunk_internal_link),
 * the manifest lists every chunk, and the returned array holds every
 * chunk's result object for GET .../result/chunks/{n}. NULL when the
 * result fits in one chunk. */
static cJSON *rechunk(const char *id, cJSON *r, int per)
{
	cJSON *res = cJSON_GetObjectItemCaseSensitive(r, "result");
	cJSON *rows = cJSON_GetObjectItemCaseSensitive(res, "data_array");
	int n = cJSON_GetArraySize(rows);
	if (per <= 0 || n <= per)
		return NULL;
	int nchunks = (n + per - 1) / per;
	cJSON *m = cJSON_GetObjectItemCaseSensitive(r, "manifest"), *list = cJSON_CreateArray();
	cJSON *all = cJSON_CreateArray();
	for (int c = 0; c < nchunks; c++) {
		cJSON *ch = cJSON_CreateObject(), *data = cJSON_CreateArray(), *info = cJSON_CreateObject();
		int from = c * per, cnt = n - from < per ? n - from : per;
		for (int i = 0; i < cnt; i++)
			cJSON_AddItemToArray(data, cJSON_Duplicate(cJSON_GetArrayItem(rows, from + i), 1));
		cJSON_AddNumberToObject(ch, "chunk_index", c);
		cJSON_AddNumberToObject(ch, "row_offset", from);
		cJSON_AddNumberToObject(ch, "row_count", cnt);
		cJSON_AddItemToObject(ch, "data_array", data);
		if (c + 1 < nchunks) {
			char link[160];
			snprintf(link, sizeof link, "/api/2.0/sql/statements/%s/result/chunks/%d", id, c + 1);
			cJSON_AddNumberToObject(ch, "next_chunk_index", c + 1);
			cJSON_AddStringToObject(ch, "next_chunk_internal_link", link);
		}
		cJSON_AddNumberToObject(info, "chunk_index", c);
		cJSON_AddNumberToObject(info, "row_offset", from);
		cJSON_AddNumberToObject(info, "row_count", cnt);
		cJSON_AddItemToArray(list, info);
		cJSON_AddItemToArray(all, ch);
	}
	cJSON_ReplaceItemInObjectCaseSensitive(m, "chunks", list);
	cJSON_ReplaceItemInObjectCaseSensitive(m, "total_chunk_count", cJSON_CreateNumber(nchunks));
	cJSON_ReplaceItemInObjectCaseSensitive(r, "result", cJSON_Duplicate(cJSON_GetArrayItem(all, 0), 1));
	return all;
}

static cJSON *response(const char *id, P *p, int ok)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "statement_id", id);
	cJSON *st = cJSON_AddObjectToObject(r, "status");
	cJSON_AddStringToObject(st, "state", ok ? "SUCCEEDED" : "FAILED");
	if (!ok) {
		cJSON *e = cJSON_AddObjectToObject(st, "error");
		cJSON_AddStringToObject(e, "error_code", "BAD_REQUEST");
		cJSON_AddStringToObject(e, "message", p->err.msg);
		return r;
	}
	int nrows = p->rows ? cJSON_GetArraySize(p->rows) : 0;
	cJSON *m = cJSON_AddObjectToObject(r, "manifest");
	cJSON_AddStringToObject(m, "format", "JSON_ARRAY");
	cJSON *sc = cJSON_AddObjectToObject(m, "schema");
	cJSON_AddNumberToObject(sc, "column_count", p->cols ? cJSON_GetArraySize(p->cols) : 0);
	cJSON_AddItemToObject(sc, "columns", p->cols ? p->cols : cJSON_CreateArray());
	p->cols = NULL;
	cJSON_AddNumberToObject(m, "total_chunk_count", 1);
	cJSON *chunks = cJSON_AddArrayToObject(m, "chunks"), *ch = cJSON_CreateObject();
	cJSON_AddNumberToObject(ch, "chunk_index", 0);
	cJSON_AddNumberToObject(ch, "row_offset", 0);
	cJSON_AddNumberToObject(ch, "row_count", nrows);
	cJSON_AddItemToArray(chunks, ch);
	cJSON_AddNumberToObject(m, "total_row_count", nrows);
	cJSON_AddBoolToObject(m, "truncated", 0);
	cJSON *res = cJSON_AddObjectToObject(r, "result");
	cJSON_AddNumberToObject(res, "chunk_index", 0);
	cJSON_AddNumberToObject(res, "row_offset", 0);
	cJSON_AddNumberToObject(res, "row_count", nrows);
	if (nrows) {
		cJSON_AddItemToObject(res, "data_array", p->rows);
		p->rows = NULL;
	}
	return r;
}

/* wait_timeout: "0s" or 5s..50s. */
static int wait_ok(const char *w, int *zero)
{
	char *end;
	long v = strtol(w, &end, 10);
	if (end == w || strcmp(end, "s") != 0)
		return 0;
	*zero = v == 0;
	return v == 0 || (v >= 5 && v <= 50);
}

static void st_execute(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	const char *wh = b ? fw_need_str(c, b, "warehouse_id", NULL) : NULL;
	const char *sql = wh ? fw_need_str(c, b, "statement", NULL) : NULL;
	if (!sql)
		return;
	if (!fw_coll_get(fw_coll_of(c->s, FW_WAREHOUSES), wh)) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "warehouse_id: warehouse %s does not exist.", wh);
		return;
	}
	const char *w = fw_str(b, "wait_timeout");
	int zero = 0;
	if (w && !wait_ok(w, &zero)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "wait_timeout must be 0s or between 5s and 50s, got %s", w);
		return;
	}
	const char *disp = fw_str(b, "disposition"), *fmt = fw_str(b, "format");
	if ((disp && strcmp(disp, "INLINE") != 0) || (fmt && strcmp(fmt, "JSON_ARRAY") != 0)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "the fake serves disposition INLINE with format JSON_ARRAY only");
		return;
	}
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(b, "parameters")) > 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "parameters: the fake runs statements without parameter markers only");
		return;
	}
	P p;
	memset(&p, 0, sizeof p);
	p.c = c;
	p.sql = sql;
	char cat[256], sch[256];
	if (fw_uc_name(fw_str(b, "catalog") ? fw_str(b, "catalog") : "hive_metastore", cat, sizeof cat) < 0 ||
	    fw_uc_name(fw_str(b, "schema") ? fw_str(b, "schema") : "default", sch, sizeof sch) < 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "catalog and schema must be valid names");
		return;
	}
	if (is_hive(cat))
		snprintf(cat, sizeof cat, "hive_metastore");
	p.cur_cat = cat;
	p.cur_sch = sch;
	int ok = lex(sql, &p.lx, &p.err) == 0 && run(&p) == 0;
	if (!ok && !p.err.msg[0])
		snprintf(p.err.msg, sizeof p.err.msg, "[INTERNAL_ERROR] out of memory");
	char id[48];
	fw_uuid(c->s, id, sizeof id);
	cJSON *r = response(id, &p, ok);
	cJSON_Delete(p.cols);
	cJSON_Delete(p.rows);
	lex_free(&p.lx);
	if (!g_stmts)
		g_stmts = cJSON_CreateObject();
	if (cJSON_GetArraySize(g_stmts) >= KEEP_STMTS) {
		if (g_chunks && g_stmts->child)
			cJSON_DeleteItemFromObjectCaseSensitive(g_chunks, g_stmts->child->string);
		cJSON_DeleteItemFromArray(g_stmts, 0);
	}
	cJSON *chunks = ok ? rechunk(id, r, c->o->page_size) : NULL;
	if (chunks) {
		if (!g_chunks)
			g_chunks = cJSON_CreateObject();
		cJSON_AddItemToObject(g_chunks, id, chunks);
	}
	cJSON_AddItemToObject(g_stmts, id, cJSON_Duplicate(r, 1));
	if (zero) {
		/* asked not to wait: the client polls GET for the result */
		cJSON_Delete(r);
		r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "statement_id", id);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "status"), "state", "PENDING");
	}
	fw_reply(c, 200, r);
}

static void st_get(fw_ctx *c)
{
	const cJSON *r = g_stmts ? cJSON_GetObjectItemCaseSensitive(g_stmts, c->params[0]) : NULL;
	if (!r) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Statement %s does not exist (or expired).", c->params[0]);
		return;
	}
	fw_reply(c, 200, cJSON_Duplicate(r, 1));
}

/* GET .../result/chunks/{n}: one chunk's result object (chunk 0 too). */
static void st_chunk(fw_ctx *c)
{
	const cJSON *r = g_stmts ? cJSON_GetObjectItemCaseSensitive(g_stmts, c->params[0]) : NULL;
	if (!r) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Statement %s does not exist (or expired).", c->params[0]);
		return;
	}
	char *end;
	long n = strtol(c->params[1], &end, 10);
	const cJSON *all = g_chunks ? cJSON_GetObjectItemCaseSensitive(g_chunks, c->params[0]) : NULL;
	const cJSON *res = all ? cJSON_GetArrayItem(all, (int)n) : n == 0 ? cJSON_GetObjectItemCaseSensitive(r, "result") : NULL;
	if (*end || end == c->params[1] || n < 0 || n > 100000 || !res) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "chunk_index %s: the result has no such chunk", c->params[1]);
		return;
	}
	fw_reply(c, 200, cJSON_Duplicate(res, 1));
}

static void st_cancel(fw_ctx *c)
{
	if (!g_stmts || !cJSON_GetObjectItemCaseSensitive(g_stmts, c->params[0])) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Statement %s does not exist (or expired).", c->params[0]);
		return;
	}
	fw_reply(c, 200, NULL);	/* every statement has finished already */
}

const fw_route fw_stmt_routes[] = {
	{"POST", "/api/2.0/sql/statements", st_execute},
	{"POST", "/api/2.0/sql/statements/", st_execute},
	{"GET", "/api/2.0/sql/statements/{id}", st_get},
	{"GET", "/api/2.0/sql/statements/{id}/result/chunks/{n}", st_chunk},
	{"POST", "/api/2.0/sql/statements/{id}/cancel", st_cancel},
	{NULL, NULL, NULL},
};
