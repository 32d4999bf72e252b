/* fw_http: libmicrohttpd glue of the fake workspace: request bodies,
 * routing by method and path pattern, bearer/OAuth auth, fault injection,
 * the request log and the /__fake introspection endpoints. Handlers in the
 * fw_<area>.c modules run with the state lock held and answer through
 * fw_reply / fw_error. */
#ifndef FW_HTTP_H
#define FW_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "fw_state.h"

typedef struct fw_opts {
	fw_cloud cloud;
	int port;
	const char *seed_dir;
	const char *token;		/* accepted PAT, or NULL for any */
	const char *client_id, *client_secret;
	int page_size;			/* 0 = API defaults */
	int latency_ms, latency_jitter_ms;
	double fail_rate, ghost_rate;
	int rate_limit;			/* requests per second, 0 = none */
	uint64_t random_seed;
	long auth_expire_after;		/* requests per OAuth token, 0 = never */
	const char *state_out;
	const char *generate;
} fw_opts;

/* One request being answered. */
typedef struct fw_ctx {
	fw_state *s;
	const fw_opts *o;
	const char *method;
	const char *path;		/* without query */
	const char *params[4];		/* {name} captures of the route pattern */
	void *conn;			/* struct MHD_Connection * */
	const char *body;		/* raw body, NUL-terminated */
	size_t body_len;
	cJSON *json;			/* parsed body, or NULL */
	const char *user;		/* the caller, for creator_user_name */
	/* reply */
	int status;
	cJSON *reply;			/* owned */
	char *reply_text;		/* owned, used when reply is NULL */
	int mutated;			/* the handler changed the state */
} fw_ctx;

typedef void (*fw_handler)(fw_ctx *c);

typedef struct fw_route {
	const char *method;
	const char *pattern;	/* "/api/2.0/repos/{id}"; {x} matches one segment */
	fw_handler fn;
} fw_route;

/* The query parameter NAME, or NULL. */
const char *fw_query(fw_ctx *c, const char *name);
/* A parameter from the query string (GET) or the JSON body (others). */
const char *fw_arg(fw_ctx *c, const char *name, char *buf, size_t n);
/* Replies with BODY (consumed) and STATUS. */
void fw_reply(fw_ctx *c, int status, cJSON *body);
/* Replies {"error_code": CODE, "message": ...}. */
void fw_error(fw_ctx *c, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A required JSON body; answers 400 and returns NULL when missing. */
cJSON *fw_body(fw_ctx *c);
/* Page size for a list: the requested one capped by --page-size. */
int fw_page_size(fw_ctx *c, int requested, int dflt);
/* Decodes an opaque page token into an offset; -1 and a 400 when bad. */
long fw_page_token(fw_ctx *c, const char *tok);
/* Encodes an offset as a page token into BUF. */
const char *fw_make_token(long off, char *buf, size_t n);
int64_t fw_now_ms(void);
/* An RFC 3339 UTC time ("2024-05-01T12:00:00Z") of MS into BUF. */
const char *fw_iso_time(int64_t ms, char *buf, size_t n);

/* One page of a token-paged list (SQL queries/alerts, Lakeview, Unity
 * Catalog, pipelines): the items of COL that KEEP accepts (all when NULL),
 * each shown through VIEW (a deep copy when NULL), under FIELD. The size
 * comes from the query parameter SIZE_PARAM (DFLT when absent or 0, at
 * most MAX) capped by --page-size; the token from "page_token". With UC
 * set, a client that follows a token to an odd page first gets an empty
 * page whose next_page_token is still set, as Unity Catalog does. */
typedef int (*fw_keep_fn)(const cJSON *o, void *arg);
typedef cJSON *(*fw_view_fn)(const cJSON *o, void *arg);
void fw_list_page(fw_ctx *c, fw_coll *col, const char *field, const char *size_param, int dflt,
		  int max, fw_keep_fn keep, fw_view_fn view, void *arg, int uc);
/* How a module finds the object a request acts on, and how the real API
 * words it when the object is not there. */
typedef struct fw_lookup {
	int coll;		/* FW_CLUSTERS, ... */
	const char *arg;	/* the argument naming it: the query (GET) or the body
				 * field; NULL: the path capture {id} */
	int status;		/* when absent: 404, or 400 where the API answers so */
	const char *code;	/* its error_code */
	const char *before, *after;	/* its message around the id */
	/* when set, answers instead of fw_error (SCIM's own error shape) */
	void (*missing)(fw_ctx *c, int status, const char *msg);
} fw_lookup;
/* The object of K's collection with id ID, or NULL after the error reply
 * (400 "Missing required field: ARG" when ID is NULL). */
cJSON *fw_find(fw_ctx *c, const fw_lookup *k, const char *id);
/* The handler prologue: the object the request names, or NULL after the
 * error reply. With BODY set, the JSON body is required first (fw_body)
 * and stored in *BODY, and K->arg is read from it (a string, or a number
 * for numeric ids); without, K->arg is the query parameter. K->arg NULL:
 * the path capture {id}. */
cJSON *fw_target(fw_ctx *c, const fw_lookup *k, cJSON **body);
/* The handler epilogue of a create: marks the state changed and answers
 * 200 {FIELD: ID}. */
void fw_created(fw_ctx *c, const char *field, const char *id);
/* A required non-empty string field F of body B; NULL and a 400 naming
 * WHERE.F when missing. */
const char *fw_need_str(fw_ctx *c, const cJSON *b, const char *f, const char *where);

/* Route tables of the modules. */
extern const fw_route fw_scim_routes[];
extern const fw_route fw_compute_routes[];
extern const fw_route fw_jobs_routes[];
extern const fw_route fw_workspace_routes[];
extern const fw_route fw_secrets_routes[];
extern const fw_route fw_perms_routes[];
extern const fw_route fw_sql_routes[];
extern const fw_route fw_dbsql_routes[];
extern const fw_route fw_uc_routes[];
extern const fw_route fw_stmt_routes[];
extern const fw_route fw_pipelines_routes[];

/* Adds a SQL warehouse's connection details (jdbc_url, odbc_params) for
 * ID to WH, as the fake serves them (fw_sql.c; the generator too). */
void fw_wh_endpoints(cJSON *wh, const char *id);
/* Frees the finished SQL statements kept for GET (fw_stmt.c). */
void fw_stmt_free(void);

/* Starts the server on 127.0.0.1; returns the daemon or NULL. */
void *fw_http_start(fw_state *s, const fw_opts *o, int *port_out);
void fw_http_stop(void *daemon);
/* Reloads the seed (for POST /__fake/reset); set by fw_main. */
extern int (*fw_reset_hook)(fw_state *s);

#endif
