/* sqlstmt: one SQL statement on a SQL warehouse through the Statement
 * Execution API (POST /api/2.0/sql/statements, then GET
 * /api/2.0/sql/statements/{id} while it is PENDING or RUNNING, then GET
 * .../result/chunks/{n} while the result names a next chunk).
 *
 * Results are asked INLINE in JSON_ARRAY format and handed back as an
 * array of objects keyed by the manifest's column names, every value a
 * string or null (as the API sends them). A statement that ends FAILED,
 * CANCELED or CLOSED is an error carrying the server's message and the
 * start of the statement (never a token: the statement is SQL we built). */
#ifndef DBX_SQLSTMT_H
#define DBX_SQLSTMT_H

#include <cjson/cJSON.h>
#include "err.h"
#include "http.h"

/* How long sqlstmt_run waits for a statement in all (then it asks the
 * server to cancel it and fails): DDL and SHOW/DESCRIBE on a warehouse
 * that has to start first can take minutes. */
#define SQLSTMT_DEADLINE_MS (15L * 60 * 1000)

/* Runs `sql` on the warehouse. On success *rows is a new array (caller
 * frees; empty for a statement without a result set) and 0 is returned;
 * on failure *rows is NULL, err says why (ERR_HTTP for a failed statement,
 * error_code the statement's), -1 is returned. POSTs are retried like
 * idempotent calls: callers send only reads and IF NOT EXISTS creates. */
int sqlstmt_run(ws *w, const char *warehouse_id, const char *sql, cJSON **rows, dbx_err *err);

/* Building statements: a growing string; oom is set (and further adds
 * ignored) when memory runs out. s is malloc'd (the caller frees it). */
typedef struct sqlbuf {
	char *s;
	size_t n, cap;
	int oom;
} sqlbuf;
void sqlbuf_addn(sqlbuf *b, const char *s, size_t n);
void sqlbuf_add(sqlbuf *b, const char *s);
void sqlbuf_addc(sqlbuf *b, char c);
/* `name`, backquotes inside doubled. */
void sqlbuf_ident(sqlbuf *b, const char *name);
/* a.b.c as `a`.`b`.`c`. */
void sqlbuf_ident3(sqlbuf *b, const char *dotted);
/* A Spark SQL string literal: quotes and backslashes escaped. */
void sqlbuf_lit(sqlbuf *b, const char *s);

/* First-poll delay and its cap, in ms (tests shorten them). */
void sqlstmt_set_backoff(long first_ms, long max_ms);

#endif
