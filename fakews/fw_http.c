/* fw_http: libmicrohttpd glue of the fake workspace: request bodies,
 * routing, auth (PAT and OAuth M2M), faults, the request log and the
 * /__fake introspection endpoints. One mutex (fw_state.lock) serialises
 * handlers; MHD's internal thread pool does the I/O. */
#include "fw_http.h"
#include "fw_b64.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FW_MAX_BODY (64u * 1024 * 1024)

int (*fw_reset_hook)(fw_state *s);

static const fw_opts *g_opts;
static fw_state *g_state;
static int g_port;

/* Request log and auth bookkeeping, under g_state->lock. */
static fw_map g_counts;		/* "METHOD pattern" -> long* */
static cJSON *g_mutations;	/* every mutating call */
static fw_map g_oauth;		/* issued OAuth token -> long* use count */
static long g_oauth_seq;
static long g_rl_count;		/* --rate-limit fixed window */
static int64_t g_rl_window;

struct conn_data {
	char *buf;
	size_t len, cap;
	int too_big;
};

int64_t fw_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *fw_query(fw_ctx *c, const char *name)
{
	return MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *fw_arg(fw_ctx *c, const char *name, char *buf, size_t n)
{
	const char *q = fw_query(c, name);
	if (q)
		return q;
	const cJSON *v = c->json ? cJSON_GetObjectItemCaseSensitive(c->json, name) : NULL;
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsNumber(v)) {
		snprintf(buf, n, "%.0f", v->valuedouble);
		return buf;
	}
	return NULL;
}

void fw_reply(fw_ctx *c, int status, cJSON *body)
{
	cJSON_Delete(c->reply);
	free(c->reply_text);
	c->reply_text = NULL;
	c->status = status;
	c->reply = body ? body : cJSON_CreateObject();
}

void fw_error(fw_ctx *c, int status, const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "error_code", code);
	cJSON_AddStringToObject(b, "message", msg);
	fw_reply(c, status, b);
}

cJSON *fw_body(fw_ctx *c)
{
	if (!cJSON_IsObject(c->json)) {
		fw_error(c, 400, "MALFORMED_REQUEST", "Request body must be a JSON object");
		return NULL;
	}
	return c->json;
}

cJSON *fw_find(fw_ctx *c, const fw_lookup *k, const char *id)
{
	char msg[1024];
	cJSON *o = id ? fw_coll_get(fw_coll_of(c->s, k->coll), id) : NULL;
	if (o)
		return o;
	if (!id)
		snprintf(msg, sizeof msg, "Missing required field: %s", k->arg ? k->arg : "id");
	else
		snprintf(msg, sizeof msg, "%s%s%s", k->before, id, k->after);
	if (k->missing)
		k->missing(c, id ? k->status : 400, msg);
	else
		fw_error(c, id ? k->status : 400, id ? k->code : "INVALID_PARAMETER_VALUE", "%s", msg);
	return NULL;
}

cJSON *fw_target(fw_ctx *c, const fw_lookup *k, cJSON **body)
{
	char buf[64];
	const char *id;
	if (!k->arg) {
		id = c->params[0];
	} else if (!body) {
		id = fw_query(c, k->arg);
	} else {
		const cJSON *v = c->json ? cJSON_GetObjectItemCaseSensitive(c->json, k->arg) : NULL;
		id = cJSON_GetStringValue(v);
		if (!id && cJSON_IsNumber(v) && fw_coll_of(c->s, k->coll)->numeric_id) {
			snprintf(buf, sizeof buf, "%.0f", v->valuedouble);
			id = buf;
		}
	}
	if (body && !(*body = fw_body(c)))
		return NULL;
	return fw_find(c, k, id);
}

void fw_created(fw_ctx *c, const char *field, const char *id)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, field, id);
	c->mutated = 1;
	fw_reply(c, 200, r);
}

int fw_page_size(fw_ctx *c, int requested, int dflt)
{
	int n = requested > 0 ? requested : dflt;
	if (c->o->page_size > 0 && (n <= 0 || n > c->o->page_size))
		n = c->o->page_size;
	return n;
}

/* Tokens are opaque to clients: "pt" + offset in hex, so a client that
 * treats them as numbers or offsets notices. */
const char *fw_make_token(long off, char *buf, size_t n)
{
	snprintf(buf, n, "pt%lx", (unsigned long)off * 7 + 3);
	return buf;
}

long fw_page_token(fw_ctx *c, const char *tok)
{
	if (!tok || !*tok)
		return 0;
	char *end;
	unsigned long v = 0;
	if (strncmp(tok, "pt", 2) == 0) {
		v = strtoul(tok + 2, &end, 16);
		if (*end == '\0' && end != tok + 2 && v % 7 == 3)
			return (long)((v - 3) / 7);
	}
	fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid page token: %s", tok);
	return -1;
}

const char *fw_iso_time(int64_t ms, char *buf, size_t n)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

const char *fw_uuid(fw_state *s, char *buf, size_t n)
{
	uint64_t a = fw_rand(s), b = fw_rand(s);
	snprintf(buf, n, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
		 (unsigned)a & 0xfff, (unsigned)(0x8000 | ((b >> 48) & 0x3fff)),
		 (unsigned long long)(b & 0xffffffffffffULL));
	return buf;
}

const char *fw_need_str(fw_ctx *c, const cJSON *b, const char *f, const char *where)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, f));
	if (!v || !*v) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: %s%s%s", where ? where : "",
			 where && *where ? "." : "", f);
		return NULL;
	}
	return v;
}

/* UC's empty page: a token that resumes at OFF after an empty page. */
static const char *empty_token(long off, char *buf, size_t n)
{
	snprintf(buf, n, "pe%lx", (unsigned long)off * 7 + 3);
	return buf;
}

void fw_list_page(fw_ctx *c, fw_coll *col, const char *field, const char *size_param, int dflt,
		  int max, fw_keep_fn keep, fw_view_fn view, void *arg, int uc)
{
	const char *ps = fw_query(c, size_param), *tok = fw_query(c, "page_token");
	long off, req = 0;
	int resumed = 0;
	char *end = NULL, tb[40];

	if (ps) {
		req = strtol(ps, &end, 10);
		if (end == ps || *end || req < 0 || req > max) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s must be between 0 and %d, got %s", size_param, max, ps);
			return;
		}
	}
	if (tok && strncmp(tok, "pe", 2) == 0) {
		unsigned long v = strtoul(tok + 2, &end, 16);
		if (*end || end == tok + 2 || v % 7 != 3) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid page token: %s", tok);
			return;
		}
		off = (long)((v - 3) / 7);
		resumed = 1;
	} else if ((off = fw_page_token(c, tok)) < 0) {
		return;
	}
	int n = fw_page_size(c, (int)req, dflt);
	cJSON *r = cJSON_CreateObject();
	cJSON *arr = cJSON_CreateArray();
	/* skip OFF kept items, then take N */
	size_t i = 0;
	long seen = 0;
	for (; i < col->n && seen < off; i++)
		if (!keep || keep(col->items[i], arg))
			seen++;
	if (uc && tok && !resumed && off > 0 && (off / n) % 2 == 1 && i < col->n) {
		cJSON_AddItemToObject(r, field, arr);
		cJSON_AddStringToObject(r, "next_page_token", empty_token(off, tb, sizeof tb));
		fw_reply(c, 200, r);
		return;
	}
	int k = 0;
	for (; i < col->n && k < n; i++) {
		if (keep && !keep(col->items[i], arg))
			continue;
		cJSON_AddItemToArray(arr, view ? view(col->items[i], arg) : cJSON_Duplicate(col->items[i], 1));
		k++;
	}
	int more = 0;
	for (size_t j = i; j < col->n && !more; j++)
		if (!keep || keep(col->items[j], arg))
			more = 1;
	if (k || uc)
		cJSON_AddItemToObject(r, field, arr);
	else
		cJSON_Delete(arr);
	if (more)
		cJSON_AddStringToObject(r, "next_page_token", fw_make_token(off + k, tb, sizeof tb));
	fw_reply(c, 200, r);
}

/* ---- routing ---- */

static const fw_route *const tables[] = {
	fw_scim_routes, fw_compute_routes, fw_jobs_routes, fw_workspace_routes,
	fw_secrets_routes, fw_perms_routes, fw_sql_routes, fw_dbsql_routes, fw_uc_routes,
	fw_stmt_routes, fw_pipelines_routes,
};

static int match(const char *pat, const char *path, const char **caps, char *store, size_t storelen)
{
	int nc = 0;
	size_t used = 0;
	while (*pat && *path) {
		if (*pat == '{') {
			const char *pe = strchr(pat, '}');
			const char *se = strchr(path, '/');
			size_t sl = se ? (size_t)(se - path) : strlen(path);
			if (!pe || sl == 0 || nc >= 4 || used + sl + 1 > storelen)
				return 0;
			memcpy(store + used, path, sl);
			store[used + sl] = '\0';
			caps[nc++] = store + used;
			used += sl + 1;
			pat = pe + 1;
			path += sl;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	return *pat == '\0' && *path == '\0';
}

static const fw_route *find_route(const char *method, const char *path, const char **caps,
				  char *store, size_t storelen, int *path_known)
{
	*path_known = 0;
	for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
		for (const fw_route *r = tables[t]; r->method; r++) {
			if (!match(r->pattern, path, caps, store, storelen))
				continue;
			*path_known = 1;
			if (strcmp(r->method, method) == 0)
				return r;
		}
	return NULL;
}

/* ---- request log ---- */

static void count_request(const char *method, const char *pattern)
{
	char key[512];
	snprintf(key, sizeof key, "%s %s", method, pattern);
	long *n = fw_map_get(&g_counts, key);
	if (!n) {
		n = calloc(1, sizeof *n);
		if (!n || fw_map_put(&g_counts, key, n) < 0) {
			free(n);
			return;
		}
	}
	(*n)++;
}

/* Copies BODY without secret values and bulky content. */
static cJSON *redacted(const cJSON *body)
{
	static const char *const hide[] = {"string_value", "bytes_value", "client_secret", "token_value"};
	cJSON *r = cJSON_Duplicate(body, 1);
	for (size_t i = 0; i < sizeof hide / sizeof *hide; i++)
		if (cJSON_GetObjectItemCaseSensitive(r, hide[i]))
			cJSON_ReplaceItemInObjectCaseSensitive(r, hide[i], cJSON_CreateString("(redacted)"));
	const cJSON *ct = cJSON_GetObjectItemCaseSensitive(r, "content");
	if (cJSON_IsString(ct) && strlen(ct->valuestring) > 256)
		cJSON_ReplaceItemInObjectCaseSensitive(r, "content", cJSON_CreateString("(long content)"));
	return r;
}

static void record_mutation(fw_ctx *c, const char *pattern)
{
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "method", c->method);
	cJSON_AddStringToObject(m, "route", pattern);
	cJSON_AddStringToObject(m, "path", c->path);
	cJSON_AddNumberToObject(m, "status", c->status);
	if (c->json)
		cJSON_AddItemToObject(m, "body", redacted(c->json));
	cJSON_AddItemToArray(g_mutations, m);
}

static cJSON *requests_json(void)
{
	cJSON *r = cJSON_CreateObject();
	cJSON *counts = cJSON_AddObjectToObject(r, "counts");
	/* sorted keys for a stable order */
	size_t n = g_counts.len, k = 0, i = 0;
	const char **keys = malloc((n ? n : 1) * sizeof *keys);
	const char *key;
	void *val;
	while (keys && fw_map_next(&g_counts, &i, &key, &val))
		keys[k++] = key;
	for (size_t a = 1; keys && a < k; a++)
		for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
			const char *t = keys[b];
			keys[b] = keys[b - 1];
			keys[b - 1] = t;
		}
	long total = 0;
	for (size_t a = 0; keys && a < k; a++) {
		long *cnt = fw_map_get(&g_counts, keys[a]);
		cJSON_AddNumberToObject(counts, keys[a], (double)*cnt);
		total += *cnt;
	}
	free(keys);
	cJSON_AddNumberToObject(r, "total", (double)total);
	cJSON_AddItemToObject(r, "mutations", cJSON_Duplicate(g_mutations, 1));
	return r;
}

static void clear_log(void)
{
	size_t i = 0;
	const char *key;
	void *val;
	while (fw_map_next(&g_counts, &i, &key, &val))
		free(val);
	fw_map_free(&g_counts);
	cJSON_Delete(g_mutations);
	g_mutations = cJSON_CreateArray();
}

/* ---- auth ---- */

static const char *bearer(struct MHD_Connection *conn)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	if (!h || strncmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h ? h : NULL;
}

/* 0 when the request may proceed, else the reply is set. */
static int check_auth(fw_ctx *c)
{
	const char *tok = bearer(c->conn);
	if (!tok) {
		fw_error(c, 401, "UNAUTHENTICATED", "Missing or malformed Authorization header (expected a Bearer token)");
		return -1;
	}
	long *uses = fw_map_get(&g_oauth, tok);
	if (uses) {
		if (g_opts->auth_expire_after > 0 && *uses >= g_opts->auth_expire_after) {
			fw_error(c, 401, "UNAUTHENTICATED", "Token expired, fetch a new one from /oidc/v1/token");
			return -1;
		}
		(*uses)++;
		return 0;
	}
	if (g_opts->token ? strcmp(tok, g_opts->token) == 0 : !g_opts->client_id)
		return 0;
	fw_error(c, 401, "UNAUTHENTICATED", "Invalid access token.");
	return -1;
}

static char *form_value(const char *body, const char *name)
{
	size_t nl = strlen(name);
	const char *p = body;
	while (p && *p) {
		if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
			const char *v = p + nl + 1, *e = strchr(v, '&');
			size_t l = e ? (size_t)(e - v) : strlen(v);
			char *r = malloc(l + 1);
			size_t k = 0;
			for (size_t i = 0; r && i < l; i++) {
				if (v[i] == '+') {
					r[k++] = ' ';
				} else if (v[i] == '%' && i + 2 < l) {
					char hex[3] = {v[i + 1], v[i + 2], 0};
					r[k++] = (char)strtol(hex, NULL, 16);
					i += 2;
				} else {
					r[k++] = v[i];
				}
			}
			if (r)
				r[k] = '\0';
			return r;
		}
		p = strchr(p, '&');
		if (p)
			p++;
	}
	return NULL;
}

static void oauth_token(fw_ctx *c)
{
	char *id = NULL, *secret = NULL, *grant = NULL;
	const char *h = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, "Authorization");
	size_t blen = 0;
	unsigned char *basic = h && strncmp(h, "Basic ", 6) == 0 ? fw_b64_decode(h + 6, &blen) : NULL;
	char *colon = basic ? memchr(basic, ':', blen) : NULL;
	if (colon) {
		*colon = '\0';
		id = strdup((char *)basic);
		secret = strdup(colon + 1);
	}
	free(basic);
	const char *body = c->body ? c->body : "";
	if (!id)
		id = form_value(body, "client_id");
	if (!secret)
		secret = form_value(body, "client_secret");
	grant = form_value(body, "grant_type");
	cJSON *err = NULL;
	if (!grant || strcmp(grant, "client_credentials") != 0) {
		err = cJSON_CreateObject();
		cJSON_AddStringToObject(err, "error", "unsupported_grant_type");
		cJSON_AddStringToObject(err, "error_description", "grant_type must be client_credentials");
		fw_reply(c, 400, err);
	} else if (!id || !*id || !secret || !*secret ||
		   (g_opts->client_id && (strcmp(id, g_opts->client_id) != 0 ||
					  strcmp(secret, g_opts->client_secret ? g_opts->client_secret : "") != 0))) {
		err = cJSON_CreateObject();
		cJSON_AddStringToObject(err, "error", "invalid_client");
		cJSON_AddStringToObject(err, "error_description", "Client authentication failed");
		fw_reply(c, 401, err);
	} else {
		char tok[96];
		snprintf(tok, sizeof tok, "dkfake%08lx%016llx", ++g_oauth_seq,
			 (unsigned long long)fw_rand(c->s));
		long *uses = calloc(1, sizeof *uses);
		if (uses && fw_map_put(&g_oauth, tok, uses) == 0) {
			cJSON *r = cJSON_CreateObject();
			cJSON_AddStringToObject(r, "access_token", tok);
			cJSON_AddStringToObject(r, "token_type", "Bearer");
			cJSON_AddNumberToObject(r, "expires_in", 3600);
			cJSON_AddStringToObject(r, "scope", "all-apis");
			fw_reply(c, 200, r);
		} else {
			free(uses);
			fw_error(c, 500, "INTERNAL_ERROR", "out of memory");
		}
	}
	free(id);
	free(secret);
	free(grant);
}

static void oauth_metadata(fw_ctx *c)
{
	char buf[256];
	cJSON *r = cJSON_CreateObject();
	snprintf(buf, sizeof buf, "http://127.0.0.1:%d/oidc/v1/authorize", g_port);
	cJSON_AddStringToObject(r, "authorization_endpoint", buf);
	snprintf(buf, sizeof buf, "http://127.0.0.1:%d/oidc/v1/token", g_port);
	cJSON_AddStringToObject(r, "token_endpoint", buf);
	snprintf(buf, sizeof buf, "http://127.0.0.1:%d/oidc", g_port);
	cJSON_AddStringToObject(r, "issuer", buf);
	fw_reply(c, 200, r);
}

/* ---- dispatch ---- */

static void api_request(fw_ctx *c)
{
	const char *caps[4] = {0};
	char store[1024];
	int known;
	const fw_route *r;

	if (g_opts->rate_limit > 0) {
		int64_t now = mono_ms() / 1000;
		if (now != g_rl_window) {
			g_rl_window = now;
			g_rl_count = 0;
		}
		if (++g_rl_count > g_opts->rate_limit) {
			count_request(c->method, "(rate limited)");
			fw_error(c, 429, "REQUEST_LIMIT_EXCEEDED",
				 "Too many requests: the workspace allows %d requests per second", g_opts->rate_limit);
			return;
		}
	}
	if (check_auth(c) < 0) {
		count_request(c->method, "(unauthenticated)");
		return;
	}
	r = find_route(c->method, c->path, caps, store, sizeof store, &known);
	if (!r) {
		count_request(c->method, c->path);
		if (known)
			fw_error(c, 405, "BAD_REQUEST", "Method %s not allowed for %s", c->method, c->path);
		else
			fw_error(c, 404, "ENDPOINT_NOT_FOUND", "No API found for '%s %s'", c->method, c->path);
		return;
	}
	count_request(c->method, r->pattern);
	if (g_opts->fail_rate > 0 && fw_rand01(c->s) < g_opts->fail_rate) {
		fw_error(c, 503, "TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable, please retry");
		return;
	}
	int mutating = strcmp(c->method, "GET") != 0;
	if (mutating && c->body_len > 0) {
		c->json = cJSON_ParseWithLength(c->body, c->body_len);
		if (!c->json) {
			fw_error(c, 400, "MALFORMED_REQUEST", "Invalid JSON given in the body of the request");
			goto log;
		}
	}
	memcpy((void *)c->params, caps, sizeof caps);
	r->fn(c);
	if (!c->reply && !c->reply_text)
		fw_reply(c, 200, NULL);
	if (mutating && c->mutated && c->status / 100 == 2 && g_opts->ghost_rate > 0 &&
	    fw_rand01(c->s) < g_opts->ghost_rate)
		fw_error(c, 500, "INTERNAL_ERROR", "Internal error (the change was applied)");
log:
	if (mutating)
		record_mutation(c, r->pattern);
}

static void handle(fw_ctx *c)
{
	pthread_mutex_lock(&c->s->lock);
	if (strncmp(c->path, "/__fake/", 8) == 0) {
		if (strcmp(c->path, "/__fake/state") == 0 && strcmp(c->method, "GET") == 0) {
			fw_reply(c, 200, fw_state_dump(c->s));
		} else if (strcmp(c->path, "/__fake/requests") == 0 && strcmp(c->method, "GET") == 0) {
			fw_reply(c, 200, requests_json());
		} else if (strcmp(c->path, "/__fake/reset") == 0 && strcmp(c->method, "POST") == 0) {
			clear_log();
			if (fw_reset_hook && fw_reset_hook(c->s) < 0)
				fw_error(c, 500, "INTERNAL_ERROR", "reset failed: seed could not be reloaded");
			else
				fw_reply(c, 200, NULL);
		} else {
			fw_error(c, 404, "ENDPOINT_NOT_FOUND", "No introspection endpoint '%s %s'", c->method, c->path);
		}
	} else if (strcmp(c->path, "/oidc/v1/token") == 0 && strcmp(c->method, "POST") == 0) {
		count_request(c->method, c->path);
		oauth_token(c);
	} else if (strcmp(c->path, "/oidc/.well-known/oauth-authorization-server") == 0) {
		count_request(c->method, c->path);
		oauth_metadata(c);
	} else if (strncmp(c->path, "/api/", 5) == 0) {
		api_request(c);
	} else {
		fw_error(c, 404, "ENDPOINT_NOT_FOUND", "No API found for '%s %s'", c->method, c->path);
	}
	pthread_mutex_unlock(&c->s->lock);
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, fw_ctx *c)
{
	char *text = c->reply ? cJSON_PrintUnformatted(c->reply) : c->reply_text;
	if (c->reply)
		free(c->reply_text);
	c->reply_text = NULL;
	if (!text)
		text = strdup("{}");
	if (text && c->status == 204)
		text[0] = '\0';	/* No Content has no body */
	struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "application/json");
	if (c->status == 429)
		MHD_add_response_header(resp, "Retry-After", "1");
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)c->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void sleep_latency(void)
{
	if (g_opts->latency_ms <= 0 && g_opts->latency_jitter_ms <= 0)
		return;
	long ms = g_opts->latency_ms;
	if (g_opts->latency_jitter_ms > 0) {
		pthread_mutex_lock(&g_state->lock);
		ms += (long)(fw_rand(g_state) % (uint64_t)(g_opts->latency_jitter_ms + 1));
		pthread_mutex_unlock(&g_state->lock);
	}
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct conn_data *cd = *con_cls;
	if (!cd) {
		cd = calloc(1, sizeof *cd);
		if (!cd)
			return MHD_NO;
		*con_cls = cd;
		return MHD_YES;
	}
	if (*upload_size) {
		if (cd->len + *upload_size > FW_MAX_BODY) {
			cd->too_big = 1;
		} else {
			if (cd->len + *upload_size + 1 > cd->cap) {
				size_t ncap = (cd->len + *upload_size + 1) * 2;
				char *nb = realloc(cd->buf, ncap);
				if (!nb)
					return MHD_NO;
				cd->buf = nb;
				cd->cap = ncap;
			}
			memcpy(cd->buf + cd->len, upload, *upload_size);
			cd->len += *upload_size;
			cd->buf[cd->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	fw_ctx c;
	memset(&c, 0, sizeof c);
	c.s = g_state;
	c.o = g_opts;
	c.method = method;
	c.path = url;
	c.conn = conn;
	c.body = cd->buf;
	c.body_len = cd->len;
	c.user = "admin@fake.local";
	if (strncmp(url, "/__fake/", 8) != 0)
		sleep_latency();
	if (cd->too_big)
		fw_error(&c, 413, "REQUEST_ENTITY_TOO_LARGE", "Request body exceeds %u bytes", FW_MAX_BODY);
	else
		handle(&c);
	enum MHD_Result ret = send_reply(conn, &c);
	cJSON_Delete(c.reply);
	cJSON_Delete(c.json);
	return ret;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct conn_data *cd = *con_cls;
	if (cd) {
		free(cd->buf);
		free(cd);
		*con_cls = NULL;
	}
}

void *fw_http_start(fw_state *s, const fw_opts *o, int *port_out)
{
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)o->port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g_opts = o;
	g_state = s;
	fw_map_init(&g_counts);
	fw_map_init(&g_oauth);
	g_mutations = cJSON_CreateArray();
	unsigned flags = MHD_USE_ERROR_LOG;
	struct MHD_Daemon *d;
	if (o->latency_ms > 0 || o->latency_jitter_ms > 0) {
		/* handlers sleep: one thread per connection keeps others moving */
		flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
		d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				     MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_END);
	} else {
		flags |= MHD_USE_AUTO_INTERNAL_THREAD;
		d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)4,
				     MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_END);
	}
	if (!d)
		return NULL;
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	g_port = info ? info->port : o->port;
	*port_out = g_port;
	return d;
}

void fw_http_stop(void *daemon)
{
	if (daemon)
		MHD_stop_daemon(daemon);
	clear_log();
	cJSON_Delete(g_mutations);
	g_mutations = NULL;
	fw_stmt_free();
	size_t i = 0;
	const char *key;
	void *val;
	while (fw_map_next(&g_oauth, &i, &key, &val))
		free(val);
	fw_map_free(&g_oauth);
}
