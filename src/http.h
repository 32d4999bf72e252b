/* http: talking to one Databricks workspace over its REST API (libcurl).
 *
 * A `ws` is a connected workspace: host, credentials (PAT, or OAuth M2M
 * with a cached token refreshed before expiry and after a 401), a token
 * bucket rate limit, a curl multi handle with keep-alive connections.
 *
 * Two ways to call:
 *  - blocking: http_call_json() for one request (used between phases);
 *  - concurrent: http_submit() queues requests, http_run() drives up to
 *    `parallel` transfers at once from this one thread and calls each
 *    request's callback when it finishes; callbacks may submit more.
 *
 * Retries: GET/PUT/PATCH/DELETE are retried with exponential backoff and
 * jitter on 429, 503, 504, REQUEST_LIMIT_EXCEEDED (whatever the status),
 * connection errors and timeouts, honouring Retry-After. POST is retried
 * only when it certainly did not land (429, connection refused) unless the
 * caller passes HTTP_RETRY_UNSAFE; otherwise the error comes back with
 * err->maybe_applied set, and the caller looks the object up by its key.
 *
 * A reply is an error when its status is not 2xx or its body carries an
 * `error_code` (a 200 with an error body is an error too). Messages read
 * "<server message> (HTTP 404 RESOURCE_DOES_NOT_EXIST)", where = "GET /path".
 *
 * A 401 (after one token refresh for OAuth) is fatal for the workspace: the
 * request and every request still queued fail with ERR_AUTH (callbacks are
 * still called), and http_run() returns -1 with that error. */
#ifndef DBX_HTTP_H
#define DBX_HTTP_H

#include <cjson/cJSON.h>
#include "cfg.h"
#include "err.h"

typedef struct http_opts {
	int parallel;		/* transfers in flight, default 8 */
	double rate_limit;	/* requests/s, 0 = unlimited, default 20 */
	int insecure;		/* skip TLS verification (warns) */
	long timeout_ms;	/* per attempt, default 60000 */
	long retry_budget_ms;	/* stop retrying after, default 300000 */
	size_t max_body;	/* larger replies fail, default 256 MiB */
	long retry_base_ms;	/* first backoff step (then doubled, full jitter), default 500 */
	int max_attempts;	/* per request, the first included, default 10 */
} http_opts;

/* Fills o with the defaults above. */
void http_opts_default(http_opts *o);
/* Makes http_opts_default() set `insecure` (the global --insecure option,
 * applied by cli_parse, so every command honours it). */
void http_default_insecure(int on);

typedef struct ws ws;

/* Connects (no request is made for PAT; OAuth fetches its first token).
 * The profile is copied. */
int ws_open(ws **out, const cfg_profile *p, const http_opts *o, dbx_err *err);
void ws_close(ws *w);
const char *ws_host(const ws *w);

enum http_flags {
	HTTP_RETRY_UNSAFE = 1 << 0,	/* retry a POST like an idempotent call */
	HTTP_QUIET_404 = 1 << 1,	/* a 404 is expected: not logged as a failure */
};

/* One blocking request. `path` starts with /api/ (or /oidc/); `query` is
 * "a=1&b=2" already escaped (NULL for none); `body` is sent as JSON (NULL
 * for none). On success *out is the parsed reply (caller frees; an empty
 * body gives an empty object) and 0 is returned. On failure *out is NULL,
 * err says what happened (status, error_code, message), -1 is returned. */
int http_call_json(ws *w, const char *method, const char *path, const char *query,
		   const cJSON *body, int flags, cJSON **out, dbx_err *err);
/* GET shorthand. */
int http_get_json(ws *w, const char *path, const char *query, cJSON **out, dbx_err *err);

/* Called once per submitted request when it is finished (after retries).
 * `json` is the reply on success (the callback owns it and must free or
 * keep it), NULL on failure with `err` describing why. */
typedef void (*http_cb)(ws *w, void *ud, cJSON *json, const dbx_err *err);

/* Queues a request; copies method, path, query and body. Returns 0, or -1
 * when the queue cannot grow. */
int http_submit(ws *w, const char *method, const char *path, const char *query,
		const cJSON *body, int flags, http_cb cb, void *ud);
/* Runs queued requests until none is queued or in flight. Returns 0, or -1
 * on a fatal client error (authentication lost: err says so). Per-request
 * failures go to the callbacks, not here. */
int http_run(ws *w, dbx_err *err);
/* Makes `e` fatal for the workspace, as a lost authentication is: nothing
 * queued is sent any more (each callback gets `e`), requests already in
 * flight finish, and http_run() returns -1 with `e`. For a caller that can
 * no longer record what its requests do (its journal cannot be written). */
void http_abort(ws *w, const dbx_err *e);

/* A NUL inside a JSON string of a reply ("\u0000") cannot live in a C
 * string: cJSON would cut the string there without a word. Replies are
 * parsed with every such escape read as U+10FFFF (a noncharacter, never a
 * real name), so a caller can tell and refuse the object (export fails
 * any object holding it; http_submit never sends it). */
#define HTTP_NUL_MARK "\xF4\x8F\xBF\xBF"
/* Parses a reply body the same way (NULL when it is not valid JSON). */
cJSON *http_parse_reply(const char *body, size_t len);
/* 1 when a key or a string anywhere in j holds HTTP_NUL_MARK; path gets
 * the first such place as a JSON path ("settings.name", "tags[\"a b\"]",
 * "" for j itself; cut to size). Requests are checked with it too: one
 * whose URL or body holds the mark is never sent (its callback gets an
 * ERR_PARSE saying where), so no NUL read from a reply reaches a target. */
int http_nul_find(const cJSON *j, char *path, size_t size);
/* Copies s into out (size bytes, always terminated) with each
 * HTTP_NUL_MARK written as the six characters \u0000; returns out. */
char *http_nul_shown(const char *s, char *out, size_t size);

/* URL-escapes s into a new string (caller frees). */
char *http_escape(const char *s);

/* Parses an error reply (Databricks, SCIM, API 1.2 `{"error"}`, plain text
 * or HTML) into err, with `where` as context. Exposed for tests/fuzzing. */
void http_parse_error(long status, const char *body, size_t len, const char *where, dbx_err *err);

typedef struct http_stats {
	long requests;		/* attempts sent */
	long retries;
	long throttled;		/* 429 or REQUEST_LIMIT_EXCEEDED seen */
	long failures;		/* requests given up */
	long token_fetches;	/* OAuth tokens obtained */
	double rate;		/* current token-bucket rate (req/s), 0 = unlimited */
} http_stats;
void ws_stats(const ws *w, http_stats *out);

#endif
