/* sqlstmt: SQL statements on a warehouse (see sqlstmt.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "sqlstmt.h"

static long g_first_ms = 250, g_max_ms = 5000;

void sqlbuf_addn(sqlbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 256;
		while (nc < b->n + n + 1)
			nc *= 2;
		char *ns = realloc(b->s, nc);
		if (!ns) {
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

void sqlbuf_add(sqlbuf *b, const char *s) { sqlbuf_addn(b, s, strlen(s)); }
void sqlbuf_addc(sqlbuf *b, char c) { sqlbuf_addn(b, &c, 1); }

void sqlbuf_ident(sqlbuf *b, const char *name)
{
	sqlbuf_addc(b, '`');
	for (; *name; name++) {
		if (*name == '`')
			sqlbuf_addc(b, '`');
		sqlbuf_addc(b, *name);
	}
	sqlbuf_addc(b, '`');
}

void sqlbuf_ident3(sqlbuf *b, const char *dotted)
{
	sqlbuf_addc(b, '`');
	for (; *dotted; dotted++) {
		if (*dotted == '.')
			sqlbuf_add(b, "`.`");
		else if (*dotted == '`')
			sqlbuf_add(b, "``");
		else
			sqlbuf_addc(b, *dotted);
	}
	sqlbuf_addc(b, '`');
}

void sqlbuf_lit(sqlbuf *b, const char *s)
{
	sqlbuf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			sqlbuf_addc(b, '\\');
		sqlbuf_addc(b, *s);
	}
	sqlbuf_addc(b, '\'');
}

void sqlstmt_set_backoff(long first_ms, long max_ms)
{
	g_first_ms = first_ms > 0 ? first_ms : 1;
	g_max_ms = max_ms >= g_first_ms ? max_ms : g_first_ms;
}

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&t, &t) != 0)
		;
}

/* "SQL CREATE TABLE db.t (...": the statement as context, cut short and on
 * one line, for messages. */
static void where_of(const char *sql, char *buf, size_t size)
{
	size_t k = (size_t)snprintf(buf, size, "SQL ");
	const char *s = sql;
	for (; *s && k + 4 < size; s++)
		buf[k++] = (*s == '\n' || *s == '\r' || *s == '\t') ? ' ' : *s;
	if (*s && k + 3 < size)
		buf[k++] = '.', buf[k++] = '.', buf[k++] = '.';
	buf[k] = '\0';
}

static const char *state_of(const cJSON *reply)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(reply, "status"), "state"));
}

/* Appends the rows of one result chunk (data_array) to `rows` as objects
 * keyed by the column names. */
static int add_rows(cJSON *rows, const cJSON *names, const cJSON *result, const char *where, dbx_err *err)
{
	const cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(result, "data_array")) {
		cJSON *o = cJSON_CreateObject();
		const cJSON *v, *n = names ? names->child : NULL;
		if (!o)
			return err_set(err, ERR_IO, where, "out of memory");
		if (!cJSON_IsArray(r)) {
			cJSON_Delete(o);
			return err_set(err, ERR_PARSE, where, "result.data_array holds a non-array row");
		}
		cJSON_ArrayForEach(v, r) {
			const char *name = n ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n, "name")) : NULL;
			if (!name) {
				cJSON_Delete(o);
				return err_set(err, ERR_PARSE, where, "a row has more values than the manifest has columns");
			}
			cJSON_AddItemToObject(o, name, cJSON_IsString(v) ? cJSON_CreateString(v->valuestring)
								 : cJSON_CreateNull());
			n = n->next;
		}
		cJSON_AddItemToArray(rows, o);
	}
	return 0;
}

static int next_chunk(const cJSON *result, int *idx)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(result, "next_chunk_index");
	if (!cJSON_IsNumber(n))
		return 0;
	*idx = (int)n->valuedouble;
	return 1;
}

int sqlstmt_run(ws *w, const char *warehouse_id, const char *sql, cJSON **rows, dbx_err *err)
{
	cJSON *body = cJSON_CreateObject(), *reply = NULL, *out = NULL;
	char where[256], path[512], id[128];
	const char *state;
	long start = now_ms(), delay = g_first_ms;
	int rc = -1, idx;

	*rows = NULL;
	where_of(sql, where, sizeof where);
	if (!body)
		return err_set(err, ERR_IO, where, "out of memory");
	cJSON_AddStringToObject(body, "warehouse_id", warehouse_id);
	cJSON_AddStringToObject(body, "statement", sql);
	cJSON_AddStringToObject(body, "wait_timeout", "10s");
	cJSON_AddStringToObject(body, "on_wait_timeout", "CONTINUE");
	cJSON_AddStringToObject(body, "disposition", "INLINE");
	cJSON_AddStringToObject(body, "format", "JSON_ARRAY");
	/* reads and IF NOT EXISTS creates: sending one twice does no harm */
	if (http_call_json(w, "POST", "/api/2.0/sql/statements", NULL, body, HTTP_RETRY_UNSAFE, &reply, err) < 0) {
		err_prefix(err, "%s", where);
		goto out;
	}
	const char *sid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(reply, "statement_id"));
	if (!sid || !*sid || strlen(sid) >= sizeof id || strchr(sid, '/')) {
		err_set(err, ERR_PARSE, where, "the statement reply carries no usable statement_id");
		goto out;
	}
	snprintf(id, sizeof id, "%s", sid);
	snprintf(path, sizeof path, "/api/2.0/sql/statements/%s", id);
	while ((state = state_of(reply)) && (!strcmp(state, "PENDING") || !strcmp(state, "RUNNING"))) {
		if (now_ms() - start > SQLSTMT_DEADLINE_MS) {
			cJSON *cr = NULL;
			dbx_err ce;
			char cp[600];
			snprintf(cp, sizeof cp, "%s/cancel", path);
			http_call_json(w, "POST", cp, NULL, NULL, 0, &cr, &ce);
			cJSON_Delete(cr);
			err_set(err, ERR_HTTP, where, "statement %s still %s after %ld s: canceled", id, state,
				SQLSTMT_DEADLINE_MS / 1000);
			goto out;
		}
		sleep_ms(delay);
		delay = delay * 2 > g_max_ms ? g_max_ms : delay * 2;
		cJSON_Delete(reply);
		reply = NULL;
		if (http_get_json(w, path, NULL, &reply, err) < 0) {
			err_prefix(err, "%s", where);
			goto out;
		}
	}
	if (!state || strcmp(state, "SUCCEEDED") != 0) {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(reply, "status"), "error");
		const char *m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "message"));
		const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "error_code"));
		err_set(err, ERR_HTTP, where, "statement %s: %s", state ? state : "(no status.state)",
			m ? m : "no message");
		if (code)
			snprintf(err->error_code, sizeof err->error_code, "%s", code);
		goto out;
	}
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(reply, "manifest"), "schema"),
		"columns");
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(reply, "result");
	if (!(out = cJSON_CreateArray())) {
		err_set(err, ERR_IO, where, "out of memory");
		goto out;
	}
	if (add_rows(out, names, result, where, err) < 0)
		goto out;
	/* a large result comes in chunks: each names the next one */
	cJSON *chunk = NULL;
	int seen = 0;
	while (next_chunk(result, &idx)) {
		char cp[600];
		if (++seen > 100000 || idx <= 0) {
			cJSON_Delete(chunk);
			err_set(err, ERR_PARSE, where, "statement %s: next_chunk_index %d goes nowhere", id, idx);
			goto out;
		}
		snprintf(cp, sizeof cp, "%s/result/chunks/%d", path, idx);
		cJSON_Delete(chunk);
		chunk = NULL;
		if (http_get_json(w, cp, NULL, &chunk, err) < 0) {
			err_prefix(err, "%s", where);
			goto out;
		}
		if (add_rows(out, names, chunk, where, err) < 0) {
			cJSON_Delete(chunk);
			goto out;
		}
		result = chunk;
		int next;
		if (next_chunk(chunk, &next) && next <= idx) {
			cJSON_Delete(chunk);
			err_set(err, ERR_PARSE, where, "statement %s: chunk %d names chunk %d next", id, idx, next);
			goto out;
		}
	}
	cJSON_Delete(chunk);
	log_debug("sql: %s: %d row(s)", where, cJSON_GetArraySize(out));
	*rows = out;
	out = NULL;
	rc = 0;
out:
	cJSON_Delete(out);
	cJSON_Delete(reply);
	cJSON_Delete(body);
	return rc;
}
