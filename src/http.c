/* http: one Databricks workspace over libcurl's multi interface.
 *
 * Everything runs on the caller's thread: pump() starts queued requests
 * (while fewer than `parallel` are in flight and the token bucket has a
 * token), lets curl move bytes, and finishes completed attempts, which
 * either schedule a retry (backoff with full jitter, or Retry-After) or
 * call the request's callback. The blocking http_call_json is the same
 * machinery driven until its one request is done, so it shares the rate
 * limit, the retries and the connection cache. */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "log.h"

#define DBXMIG_UA "dbxmig/0.1"
#define RETRY_CAP_MS 30000
#define RECOVER_AFTER_MS 5000

typedef struct req {
	struct req *next;
	char *method, *path, *query, *body;
	int flags;
	http_cb cb;
	void *ud;
	int attempts;
	int auth_retried;
	unsigned token_gen;	/* w->token_gen when this attempt was sent */
	long long started, not_before;
	/* per attempt */
	CURL *easy;
	struct curl_slist *hdrs;
	char *buf;
	size_t len, cap;
	int too_big;
	size_t max_body;
	long retry_after_s;	/* -1: none */
	long long sent_at;
	char errbuf[CURL_ERROR_SIZE];
	char *nul;		/* why it is never sent (it names a NUL: see http_submit) */
} req;

struct ws {
	cfg_profile prof;
	http_opts o;
	CURLM *multi;
	req *queue, *queue_tail;	/* waiting to start (FIFO; retries keep not_before) */
	int inflight;
	double rate, tokens;	/* current rate limit and bucket content */
	long long refill_at, throttled_at;
	char *access_token;
	long long token_expires;
	char *auth_header;
	unsigned token_gen;	/* bumped by every new auth header */
	int answered;		/* the host has answered once: refusals are transient */
	uint64_t rng;
	int fatal;
	dbx_err fatal_err;
	http_stats st;
	int depth;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
	struct timespec ts;
	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static uint64_t rnd(ws *w)
{
	/* xorshift64*: jitter only, no security role */
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545F4914F6CDD1DULL;
}

static int default_insecure;

void http_default_insecure(int on)
{
	default_insecure = on;
}

/* Reads a non-negative number from environment variable `name` into *v;
 * leaves *v alone when unset, and says so (once per call) when malformed. */
static void env_num(const char *name, double max, double *v)
{
	const char *s = getenv(name);
	char *end;
	double d;

	if (!s || !*s)
		return;
	errno = 0;
	d = strtod(s, &end);
	if (errno || *end || d != d || d < 0 || d > max) {
		log_error("ignoring %s=%s: not a number between 0 and %.0f", name, s, max);
		return;
	}
	*v = d;
}

void http_opts_default(http_opts *o)
{
	double rate = 20, timeout = 60000, body_mb = 256, base = 500;

	memset(o, 0, sizeof *o);
	o->insecure = default_insecure;
	o->parallel = 8;
	/* Environment defaults (command-line options still win): tests make
	 * the client unthrottled and hostile-server cases quick with them. */
	env_num("DBXMIG_RATE_LIMIT", 1e6, &rate);
	env_num("DBXMIG_TIMEOUT_MS", 86400000, &timeout);
	env_num("DBXMIG_MAX_BODY_MB", 1 << 20, &body_mb);
	env_num("DBXMIG_RETRY_BASE_MS", 600000, &base);
	o->rate_limit = rate;
	o->timeout_ms = timeout < 1 ? 1 : (long)timeout;
	o->retry_budget_ms = 300000;
	o->max_body = body_mb < 1 ? 1 : (size_t)body_mb << 20;
	o->retry_base_ms = (long)base;
	o->max_attempts = 10;
}

char *http_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), i, o = 0;
	char *out = malloc(n * 3 + 1);

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

/* ---- error replies ---- */

static void copy_text(char *dst, size_t size, const char *s, size_t len)
{
	size_t o = 0, i;
	int space = 0;

	/* Collapse whitespace and drop control bytes: one readable line. */
	for (i = 0; i < len && o + 1 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = o > 0;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue;
		if (space && o + 2 < size)
			dst[o++] = ' ';
		space = 0;
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
}

/* Text of an HTML page without its tags (first 200 characters). */
static void html_text(char *dst, size_t size, const char *s, size_t len)
{
	char tmp[1024];
	size_t o = 0, i;
	int intag = 0;

	for (i = 0; i < len && o + 1 < sizeof tmp; i++) {
		if (s[i] == '<') {
			intag = 1;
			tmp[o++] = ' ';
		} else if (s[i] == '>') {
			intag = 0;
		} else if (!intag) {
			tmp[o++] = s[i];
		}
	}
	copy_text(dst, size, tmp, o);
}

void http_parse_error(long status, const char *body, size_t len, const char *where, dbx_err *err)
{
	cJSON *j = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	char msg[512] = "", code[64] = "";

	err_clear(err);
	if (cJSON_IsObject(j)) {
		const char *ec = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "error_code"));
		const char *m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "message"));
		if (!m)	/* SCIM (RFC 7644) */
			m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "detail"));
		if (!m)	/* API 1.2 */
			m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "error"));
		if (ec)
			snprintf(code, sizeof code, "%s", ec);
		if (!ec && status == 0) {
			/* a SCIM body may carry its status as a string */
			const char *ss = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "status"));
			if (ss)
				status = strtol(ss, NULL, 10);
		}
		if (m)
			copy_text(msg, sizeof msg, m, strlen(m));
		else if (!ec) {
			char *t = cJSON_PrintUnformatted(j);
			if (t)
				copy_text(msg, 201, t, strlen(t));
			free(t);
		}
	} else if (body && len) {
		size_t i = 0;
		while (i < len && ((body[i] >= 'A' && body[i] <= 'Z') || body[i] == '_'))
			i++;
		if (i > 0 && i < sizeof code && i + 1 < len && body[i] == ':' && body[i + 1] == ' ') {
			/* "ERROR_CODE: message" */
			memcpy(code, body, i);
			code[i] = '\0';
			copy_text(msg, sizeof msg, body + i + 2, len - i - 2);
		} else if (memchr(body, '<', len < 64 ? len : 64)) {
			html_text(msg, 201, body, len);
		} else {
			copy_text(msg, 201, body, len < 400 ? len : 400);
		}
	}
	cJSON_Delete(j);
	if (!msg[0])
		snprintf(msg, sizeof msg, "%s", code[0] ? code : "no error message in the reply");
	err_set(err, status == 401 ? ERR_AUTH : ERR_HTTP, where, "%s (HTTP %ld%s%s)", msg, status,
		code[0] ? " " : "", code);
	err->http_status = status;
	snprintf(err->error_code, sizeof err->error_code, "%s", code);
}

/* ---- OAuth machine-to-machine ---- */

static size_t collect(char *p, size_t sz, size_t n, void *ud)
{
	req *r = ud;
	size_t len = sz * n;

	if (r->too_big || r->len + len > r->max_body) {
		r->too_big = 1;	/* returning short aborts the transfer */
		return 0;
	}
	if (r->len + len + 1 > r->cap) {
		size_t ncap = r->cap ? r->cap : 16384;
		char *nb;
		while (ncap < r->len + len + 1)
			ncap *= 2;
		nb = realloc(r->buf, ncap);
		if (!nb)
			return 0;
		r->buf = nb;
		r->cap = ncap;
	}
	memcpy(r->buf + r->len, p, len);
	r->len += len;
	r->buf[r->len] = '\0';
	return len;
}

static int set_auth_header(ws *w, const char *token)
{
	size_t n = strlen(token) + 32;
	char *h = malloc(n);

	if (!h)
		return -1;
	snprintf(h, n, "Authorization: Bearer %s", token);
	free(w->auth_header);
	w->auth_header = h;
	w->token_gen++;
	return 0;
}

static int oauth_fetch(ws *w, dbx_err *err)
{
	char url[2048];
	req r;
	CURL *c;
	long status = 0;
	int attempt, rc = -1, attempts;
	CURLcode cc = CURLE_OK;

	/* a host that answered before and now refuses is restarting: wait
	 * for it as for any request; an unknown one gets three quick tries */
	attempts = w->answered && w->o.max_attempts > 3 ? w->o.max_attempts : 3;
	snprintf(url, sizeof url, "%s/oidc/v1/token", w->prof.host);
	for (attempt = 1; attempt <= attempts; attempt++) {
		memset(&r, 0, sizeof r);
		r.max_body = 1 << 20;
		c = curl_easy_init();
		if (!c)
			return err_set(err, ERR_AUTH, url, "cannot initialise curl");
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_USERNAME, w->prof.client_id);
		curl_easy_setopt(c, CURLOPT_PASSWORD, w->prof.client_secret);
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "grant_type=client_credentials&scope=all-apis");
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
		curl_easy_setopt(c, CURLOPT_USERAGENT, DBXMIG_UA);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, w->o.timeout_ms);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		if (w->o.insecure) {
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
		}
		cc = curl_easy_perform(c);
		status = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(c);
		log_debug("POST %s -> %ld (token)", url, status);
		w->st.requests++;
		if (status > 0)
			w->answered = 1;
		if (cc == CURLE_OK && status >= 200 && status < 300)
			break;
		if (!(cc != CURLE_OK || status == 429 || status == 503 || status == 504) ||
		    attempt == attempts) {
			if (cc != CURLE_OK)
				err_set(err, ERR_AUTH, url, "cannot get an OAuth token: %s",
					curl_easy_strerror(cc));
			else {
				http_parse_error(status, r.buf, r.len, url, err);
				err_prefix(err, "cannot get an OAuth token (check client_id and "
						"client_secret of profile [%s])", w->prof.name);
				err->cls = ERR_AUTH;
			}
			free(r.buf);
			return -1;
		}
		free(r.buf);
		w->st.retries++;
		{
			long long cap = w->o.retry_base_ms;
			int k;
			for (k = 0; k < attempt && cap < RETRY_CAP_MS; k++)
				cap *= 2;
			if (cap > RETRY_CAP_MS)
				cap = RETRY_CAP_MS;
			sleep_ms(cap > 0 ? (long long)(rnd(w) % (unsigned long long)cap) : 0);
		}
	}
	{
		cJSON *j = cJSON_ParseWithLength(r.buf ? r.buf : "", r.len);
		const char *tok = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "access_token"));
		cJSON *exp = cJSON_GetObjectItemCaseSensitive(j, "expires_in");
		double secs = cJSON_IsNumber(exp) ? exp->valuedouble : 3600;

		if (!tok || !*tok) {
			err_set(err, ERR_AUTH, url, "the OAuth token reply has no access_token");
		} else {
			log_add_secret(tok);
			free(w->access_token);
			w->access_token = strdup(tok);
			if (w->access_token && !set_auth_header(w, tok)) {
				w->token_expires = now_ms() + (long long)(secs * 1000);
				w->st.token_fetches++;
				rc = 0;
			} else {
				err_set(err, ERR_AUTH, url, "out of memory");
			}
		}
		cJSON_Delete(j);
	}
	free(r.buf);
	return rc;
}

/* ---- the workspace ---- */

static char *xdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

int ws_open(ws **out, const cfg_profile *p, const http_opts *o, dbx_err *err)
{
	static int curl_ready;
	ws *w;

	*out = NULL;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT))
			return err_set(err, ERR_CONFIG, NULL, "cannot initialise libcurl");
		curl_ready = 1;
	}
	if (!p || !p->host)
		return err_set(err, ERR_CONFIG, NULL, "no workspace host");
	w = calloc(1, sizeof *w);
	if (!w)
		return err_set(err, ERR_CONFIG, NULL, "out of memory");
	if (o)
		w->o = *o;
	else
		http_opts_default(&w->o);
	if (w->o.parallel < 1)
		w->o.parallel = 1;
	if (w->o.max_attempts < 1)
		w->o.max_attempts = 1;
	if (w->o.timeout_ms <= 0)
		w->o.timeout_ms = 60000;
	if (!w->o.max_body)
		w->o.max_body = (size_t)256 << 20;
	w->prof.name = xdup(p->name ? p->name : "?");
	w->prof.source = xdup(p->source ? p->source : "?");
	w->prof.line = p->line;
	w->prof.host = xdup(p->host);
	w->prof.token = xdup(p->token);
	w->prof.client_id = xdup(p->client_id);
	w->prof.client_secret = xdup(p->client_secret);
	w->prof.auth_type = xdup(p->auth_type);
	w->prof.auth = p->auth;
	log_add_secret(p->token);
	log_add_secret(p->client_secret);
	w->rate = w->o.rate_limit;
	w->tokens = 1;
	w->refill_at = now_ms();
	w->rng = (uint64_t)now_ms() * 0x9E3779B97F4A7C15ULL ^ (uint64_t)getpid();
	if (!w->rng)
		w->rng = 1;
	w->multi = curl_multi_init();
	if (!w->multi || !w->prof.name || !w->prof.host) {
		ws_close(w);
		return err_set(err, ERR_CONFIG, NULL, "out of memory");
	}
	curl_multi_setopt(w->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)w->o.parallel);
	curl_multi_setopt(w->multi, CURLMOPT_MAXCONNECTS, (long)w->o.parallel);
	if (strncmp(w->prof.host, "http://", 7) == 0 && !cfg_host_is_loopback(w->prof.host)) {
		ws_close(w);
		return err_set(err, ERR_CONFIG, p->host,
			       "plain http is allowed for loopback hosts only");
	}
	if (w->o.insecure)	/* loud: at error level, so even -q shows it */
		log_error("WARNING: --insecure: TLS certificates of %s are NOT verified; anyone "
			  "on the network path can read your credentials", w->prof.host);
	if (w->prof.auth == AUTH_OAUTH_M2M) {
		if (oauth_fetch(w, err)) {
			ws_close(w);
			return -1;
		}
	} else if (w->prof.auth == AUTH_PAT && w->prof.token) {
		if (set_auth_header(w, w->prof.token)) {
			ws_close(w);
			return err_set(err, ERR_CONFIG, NULL, "out of memory");
		}
	} else {
		ws_close(w);
		return err_set(err, ERR_AUTH, p->source, "profile [%s] has no usable credentials",
			       p->name ? p->name : "?");
	}
	*out = w;
	return 0;
}

static void req_free(req *r)
{
	if (!r)
		return;
	if (r->easy)
		curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->hdrs);
	free(r->method);
	free(r->path);
	free(r->query);
	free(r->body);
	free(r->buf);
	free(r->nul);
	free(r);
}

void ws_close(ws *w)
{
	req *r, *n;

	if (!w)
		return;
	for (r = w->queue; r; r = n) {
		n = r->next;
		req_free(r);
	}
	if (w->multi)
		curl_multi_cleanup(w->multi);
	free(w->access_token);
	free(w->auth_header);
	cfg_profile_free(&w->prof);
	free(w);
}

const char *ws_host(const ws *w) { return w->prof.host; }

void ws_stats(const ws *w, http_stats *out)
{
	*out = w->st;
	out->rate = w->rate;
}

/* ---- the queue ---- */

static void enqueue(ws *w, req *r)
{
	r->next = NULL;
	if (w->queue_tail)
		w->queue_tail->next = r;
	else
		w->queue = r;
	w->queue_tail = r;
}

int http_submit(ws *w, const char *method, const char *path, const char *query,
		const cJSON *body, int flags, http_cb cb, void *ud)
{
	req *r = calloc(1, sizeof *r);

	if (!r)
		return -1;
	r->method = strdup(method);
	r->path = strdup(path);
	r->query = query && *query ? strdup(query) : NULL;
	r->body = body ? cJSON_PrintUnformatted(body) : NULL;
	if (!r->method || !r->path || (query && *query && !r->query) || (body && !r->body)) {
		req_free(r);
		return -1;
	}
	/* A string with the mark of a NUL (a reply's "\u0000" that made its
	 * way into a session, by hand or by a bug) is never sent: the target
	 * would get U+10FFFF where the source had a NUL. start() fails it. */
	{
		char where[600], msg[800];
		int bad = 0;
		if (strstr(path, HTTP_NUL_MARK) || (query && strstr(query, HTTP_NUL_MARK))) {
			snprintf(msg, sizeof msg, "the URL names a NUL byte (\\u0000)");
			bad = 1;
		} else if (body && http_nul_find(body, where, sizeof where)) {
			snprintf(msg, sizeof msg, "%s in the request body holds a NUL byte (\\u0000)",
				 where[0] ? where : "the body");
			bad = 1;
		}
		if (bad && !(r->nul = strdup(msg))) {
			req_free(r);
			return -1;
		}
	}
	r->flags = flags;
	r->cb = cb;
	r->ud = ud;
	r->started = now_ms();
	r->retry_after_s = -1;
	enqueue(w, r);
	return 0;
}

/* Retry-After as an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"): seconds
 * from now (0 when past), or -1 when it is not one. */
static long http_date_delay(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4] = "";
	struct tm tm;
	const char *m;
	time_t t;
	int n = 0;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%*3s, %2d %3s %4d %2d:%2d:%2d GMT%n", &tm.tm_mday, mon, &tm.tm_year,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n == 0)
		return -1;
	m = strstr(months, mon);
	if (!m || strlen(mon) != 3 || (m - months) % 3)
		return -1;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_year -= 1900;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	t -= time(NULL);
	return t > 0 ? (t > 86400 ? 86400 : (long)t) : 0;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
	req *r = ud;
	size_t len = sz * n;

	if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
		char buf[64], *end;
		size_t k = len - 12 < sizeof buf - 1 ? len - 12 : sizeof buf - 1;
		long v;
		memcpy(buf, p + 12, k);
		buf[k] = '\0';
		errno = 0;
		v = strtol(buf, &end, 10);
		while (*end == ' ' || *end == '\r' || *end == '\n')
			end++;
		if (!errno && end != buf && !*end && v >= 0)
			r->retry_after_s = v;
		else {
			char *q = buf;
			while (*q == ' ')
				q++;
			r->retry_after_s = http_date_delay(q);
		}
	}
	return len;
}

static void refill(ws *w)
{
	long long t = now_ms();
	double dt = (double)(t - w->refill_at) / 1000.0;

	w->refill_at = t;
	if (w->o.rate_limit <= 0)
		return;
	/* Recover slowly after throttling: +5% of the configured rate per
	 * second once no 429 was seen for RECOVER_AFTER_MS. */
	if (w->rate < w->o.rate_limit && t - w->throttled_at > RECOVER_AFTER_MS) {
		w->rate += w->o.rate_limit * 0.05 * dt;
		if (w->rate > w->o.rate_limit)
			w->rate = w->o.rate_limit;
	}
	w->tokens += dt * w->rate;
	if (w->tokens > (w->rate > 1 ? w->rate : 1))
		w->tokens = w->rate > 1 ? w->rate : 1;
}

static void throttled(ws *w)
{
	w->st.throttled++;
	w->throttled_at = now_ms();
	if (w->o.rate_limit > 0) {
		double floor = w->o.rate_limit / 16 > 0.5 ? w->o.rate_limit / 16 : 0.5;
		w->rate /= 2;
		if (w->rate < floor)
			w->rate = floor;
		if (w->tokens > 1)
			w->tokens = 1;
	}
}

static int start(ws *w, req *r, dbx_err *err)
{
	char *url;
	size_t n = strlen(w->prof.host) + strlen(r->path) + (r->query ? strlen(r->query) : 0) + 2;

	if (r->nul) {
		char shown[1024];
		return err_set(err, ERR_PARSE, NULL, "%s %s: %s: not sent", r->method,
			       http_nul_shown(r->path, shown, sizeof shown), r->nul);
	}

	if (w->prof.auth == AUTH_OAUTH_M2M && now_ms() >= w->token_expires - 60000) {
		if (oauth_fetch(w, err))
			return -1;
	}
	url = malloc(n);
	if (!url)
		return err_set(err, ERR_IO, NULL, "out of memory");
	snprintf(url, n, "%s%s%s%s", w->prof.host, r->path, r->query ? "?" : "",
		 r->query ? r->query : "");
	r->easy = curl_easy_init();
	if (!r->easy) {
		free(url);
		return err_set(err, ERR_IO, NULL, "cannot initialise curl");
	}
	r->len = 0;
	r->too_big = 0;
	r->max_body = w->o.max_body;
	r->retry_after_s = -1;
	r->errbuf[0] = '\0';
	curl_slist_free_all(r->hdrs);
	r->hdrs = curl_slist_append(NULL, w->auth_header);
	r->token_gen = w->token_gen;
	r->hdrs = curl_slist_append(r->hdrs, "Accept: application/json");
	if (r->body)
		r->hdrs = curl_slist_append(r->hdrs, "Content-Type: application/json");
	/* No "Expect: 100-continue" round trip before large bodies (notebook
	 * imports): gateways handle it poorly and it costs a round trip. */
	r->hdrs = curl_slist_append(r->hdrs, "Expect:");
	curl_easy_setopt(r->easy, CURLOPT_URL, url);
	free(url);
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->hdrs);
	curl_easy_setopt(r->easy, CURLOPT_CUSTOMREQUEST, r->method);
	if (r->body) {
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, r->body);
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(r->body));
	} else if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "DELETE") != 0) {
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, "");
	}
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)w->o.max_body);
	curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, w->o.timeout_ms);
	curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT_MS,
			 w->o.timeout_ms < 15000 ? w->o.timeout_ms : 15000L);
	curl_easy_setopt(r->easy, CURLOPT_USERAGENT, DBXMIG_UA);
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(r->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	if (w->o.insecure) {
		curl_easy_setopt(r->easy, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(r->easy, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (curl_multi_add_handle(w->multi, r->easy) != CURLM_OK) {
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
		return err_set(err, ERR_IO, NULL, "cannot start a transfer");
	}
	r->attempts++;
	r->sent_at = now_ms();
	w->st.requests++;
	w->inflight++;
	return 0;
}

static void set_fatal(ws *w, const dbx_err *e)
{
	if (!w->fatal) {
		w->fatal = 1;
		w->fatal_err = *e;
	}
}

static void deliver(ws *w, req *r, cJSON *json, const dbx_err *e)
{
	if (e) {
		w->st.failures++;
		if (e->http_status == 404 && (r->flags & HTTP_QUIET_404))
			log_debug("%s %s: not found (expected)", r->method, r->path);
		else
			log_verbose("%s %s failed: %s", r->method, r->path, e->msg);
	}
	if (r->cb)
		r->cb(w, r->ud, json, e);
	else
		cJSON_Delete(json);
	req_free(r);
}

char *http_nul_shown(const char *s, char *out, size_t size)
{
	size_t o = 0, ml = sizeof HTTP_NUL_MARK - 1;

	if (!size)
		return out;
	for (const char *q = s; *q;) {
		if (strncmp(q, HTTP_NUL_MARK, ml) == 0) {
			if (o + 6 >= size)
				break;
			memcpy(out + o, "\\u0000", 6);
			o += 6;
			q += ml;
		} else {
			if (o + 1 >= size)
				break;
			out[o++] = *q++;
		}
	}
	out[o] = '\0';
	return out;
}

/* Appends s to path[0..*len) (NUL-terminated), cut at size. */
static void path_add(char *path, size_t size, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n >= size)
		n = size - 1 - *len;
	memcpy(path + *len, s, n);
	*len += n;
	path[*len] = '\0';
}

/* The walk of http_nul_find: path[0..len) is where j sits. */
static int nul_walk(const cJSON *j, char *path, size_t size, size_t len)
{
	const cJSON *c;
	size_t i = 0;

	if (cJSON_IsString(j))
		return j->valuestring && strstr(j->valuestring, HTTP_NUL_MARK) != NULL;
	if (!cJSON_IsArray(j) && !cJSON_IsObject(j))
		return 0;
	cJSON_ArrayForEach(c, j) {
		char piece[600], shown[560];
		size_t n = len;
		if (cJSON_IsArray(j)) {
			snprintf(piece, sizeof piece, "[%zu]", i++);
		} else {
			const char *k = c->string ? c->string : "";
			int plain = *k && !strpbrk(k, ".[]\" ") && !strstr(k, HTTP_NUL_MARK);
			http_nul_shown(k, shown, sizeof shown);
			snprintf(piece, sizeof piece, plain ? "%s%s" : "%s[\"%s\"]", plain && len ? "." : "", shown);
		}
		path_add(path, size, &n, piece);
		if ((c->string && strstr(c->string, HTTP_NUL_MARK)) || nul_walk(c, path, size, n))
			return 1;
		path[len] = '\0';
	}
	return 0;
}

int http_nul_find(const cJSON *j, char *path, size_t size)
{
	if (!size)
		return 0;
	path[0] = '\0';
	return nul_walk(j, path, size, 0);
}

/* The length of the escape at s (s[0] is a backslash, left bytes from
 * there): 6 for \uXXXX, 2 for the others; 0 for a \u without four hex
 * digits, which cJSON would not refuse but read as U+0000 (parse_hex4
 * answers 0), cutting the string there as silently as "\u0000" does. */
static size_t escape_len(const char *s, size_t left)
{
	if (left < 2 || s[1] != 'u')
		return left < 2 ? 1 : 2;
	if (left < 6)
		return 0;
	for (int k = 2; k < 6; k++)
		if (!isxdigit((unsigned char)s[k]))
			return 0;
	return 6;
}

cJSON *http_parse_reply(const char *body, size_t len)
{
	static const char nul[] = "\\u0000", mark[] = "\\uDBFF\\uDFFF";
	size_t n = 0, step;
	/* Walk escape by escape (as cJSON does: a \uXXXX is one, whatever
	 * follows), counting the NUL ones; an invalid \u escape makes the
	 * reply invalid JSON. */
	for (size_t i = 0; i < len; i += step) {
		step = body[i] == '\\' ? escape_len(body + i, len - i) : 1;
		if (step == 0)
			return NULL;
		if (step == 6 && memcmp(body + i, nul, 6) == 0)
			n++;
	}
	if (n == 0)
		return cJSON_ParseWithLength(body, len);
	char *copy = malloc(len + n * 6);
	if (!copy)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < len; i += step) {
		step = body[i] == '\\' ? escape_len(body + i, len - i) : 1;
		if (step == 6 && memcmp(body + i, nul, 6) == 0) {
			memcpy(copy + o, mark, 12);
			o += 12;
		} else {
			memcpy(copy + o, body + i, step);
			o += step;
		}
	}
	cJSON *j = cJSON_ParseWithLength(copy, o);
	free(copy);
	return j;
}

/* Decides what a finished attempt means: done, retry (requeued) or failed. */
static void finish(ws *w, req *r, CURLcode cc)
{
	char where[1024];
	long status = 0;
	long long elapsed = now_ms() - r->sent_at, delay = -1;
	int is_post = strcmp(r->method, "POST") == 0, retry = 0, landed_maybe = 0;
	dbx_err e;
	cJSON *json = NULL;

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(w->multi, r->easy);
	curl_easy_cleanup(r->easy);
	r->easy = NULL;
	w->inflight--;
	snprintf(where, sizeof where, "%s %s", r->method, r->path);
	if (status > 0)
		w->answered = 1;
	log_debug("%s %s%s%s%s -> %ld (%lld ms, attempt %d)%s%s", r->method, w->prof.host, r->path,
		  r->query ? "?" : "", r->query ? r->query : "", status, elapsed, r->attempts,
		  cc ? ": " : "", cc ? curl_easy_strerror(cc) : "");
	err_clear(&e);

	if (r->too_big || cc == CURLE_FILESIZE_EXCEEDED ||
	    (cc == CURLE_WRITE_ERROR && r->len + 1 > w->o.max_body)) {
		err_set(&e, ERR_HTTP, where, "reply larger than the %zu-byte limit", w->o.max_body);
		e.http_status = status;
		goto fail;
	}
	if (cc != CURLE_OK) {
		int refused = cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST;
		err_set(&e, ERR_HTTP, where, "%s%s%s", curl_easy_strerror(cc),
			r->errbuf[0] ? ": " : "", r->errbuf);
		e.http_status = -1;
		if (cc == CURLE_SSL_CACERT || cc == CURLE_PEER_FAILED_VERIFICATION ||
		    cc == CURLE_SSL_CONNECT_ERROR) {
			e.cls = ERR_CONFIG;	/* TLS trouble does not go away by retrying */
			/* nor for the next request: stop the run (exit 2) */
			set_fatal(w, &e);
			goto fail;
		}
		landed_maybe = !refused;
		retry = !is_post || refused || (r->flags & HTTP_RETRY_UNSAFE);
		/* Nothing listening or no such name rarely heals within a run: a
		 * few quick tries, not minutes of backoff on a mistyped host.
		 * A host that has answered before is restarting or failing over:
		 * the full retry schedule. */
		if (refused && r->attempts >= 3 && !w->answered)
			retry = 0;
		goto decide;
	}
	if (status >= 200 && status < 300) {
		json = r->len ? http_parse_reply(r->buf, r->len) : cJSON_CreateObject();
		if (!json) {
			err_set(&e, ERR_PARSE, where, "the reply is not valid JSON (HTTP %ld, %zu bytes)",
				status, r->len);
			e.http_status = status;
			goto fail;
		}
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(json, "error_code"))) {
			deliver(w, r, json, NULL);
			return;
		}
		cJSON_Delete(json);
		json = NULL;
	}
	http_parse_error(status, r->buf, r->len, where, &e);
	if (status == 429 || strcmp(e.error_code, "REQUEST_LIMIT_EXCEEDED") == 0) {
		throttled(w);
		retry = 1;	/* refused before any work: safe for POST too */
	} else if (status == 503 || status == 504) {
		landed_maybe = 1;
		retry = !is_post || (r->flags & HTTP_RETRY_UNSAFE);
	} else if (status == 401) {
		/* A token can expire while requests sent with it are in flight
		 * or queued: those go again with the newer token, without a
		 * fetch of their own. A request that keeps being refused with
		 * fresh tokens (two fetches) is a real authentication failure. */
		if (w->prof.auth == AUTH_OAUTH_M2M && r->token_gen != w->token_gen) {
			r->not_before = 0;
			enqueue(w, r);
			return;
		}
		if (w->prof.auth == AUTH_OAUTH_M2M && r->auth_retried < 2) {
			dbx_err ae;
			r->auth_retried++;
			if (oauth_fetch(w, &ae) == 0) {
				r->not_before = 0;
				enqueue(w, r);
				return;
			}
			e = ae;
		}
		e.cls = ERR_AUTH;
		err_prefix(&e, "authentication failed for %s (profile [%s])", w->prof.host,
			   w->prof.name);
		set_fatal(w, &e);
		goto fail;
	} else if (status >= 500 && is_post) {
		landed_maybe = 1;
	}
decide:
	if (retry && r->attempts < w->o.max_attempts) {
		if (r->retry_after_s >= 0) {
			delay = r->retry_after_s * 1000;
		} else {
			long long cap = w->o.retry_base_ms;
			int k;
			for (k = 1; k < r->attempts && cap < RETRY_CAP_MS; k++)
				cap *= 2;
			if (cap > RETRY_CAP_MS)
				cap = RETRY_CAP_MS;
			delay = cap > 0 ? (long long)(rnd(w) % (unsigned long long)(cap + 1)) : 0;
		}
		if (now_ms() + delay - r->started <= w->o.retry_budget_ms) {
			w->st.retries++;
			log_verbose("%s %s: %s; retry %d in %lld ms", r->method, r->path, e.msg,
				    r->attempts, delay);
			r->not_before = now_ms() + delay;
			enqueue(w, r);
			return;
		}
	}
	if (retry && r->attempts > 1)
		err_prefix(&e, "gave up after %d attempts", r->attempts);
	if (is_post && landed_maybe && !(r->flags & HTTP_RETRY_UNSAFE))
		e.maybe_applied = 1;
	if (!is_post && landed_maybe)
		e.maybe_applied = strcmp(r->method, "GET") != 0;
fail:
	deliver(w, r, NULL, &e);
}

/* 0 when a queued request could start now, else how long (ms, at most
 * 100) until one might: its retry time or the next rate-limit token. */
static long long next_start(ws *w)
{
	long long t = now_ms(), wait = 100;
	const req *r;

	if (w->inflight >= w->o.parallel)
		return wait;
	for (r = w->queue; r; r = r->next) {
		if (w->fatal || r->not_before <= t) {
			if (w->fatal || w->o.rate_limit <= 0)
				return 0;
			refill(w);
			if (w->tokens >= 1)
				return 0;
			t = (long long)((1 - w->tokens) * 1000 / w->rate) + 1;
			return t < wait ? t : wait;
		}
		if (r->not_before - t < wait)
			wait = r->not_before - t;
	}
	return wait;
}

/* One round: start what may start, move bytes, finish what finished.
 * Returns 1 while work remains. */
static int pump(ws *w)
{
	long long t, wait = 100;
	req **pp, *r;
	int running = 0, msgs;
	CURLMsg *m;

	refill(w);
	t = now_ms();
	for (pp = &w->queue; *pp && w->inflight < w->o.parallel;) {
		r = *pp;
		if (w->fatal) {
			*pp = r->next;
			if (w->queue_tail == r) {
				w->queue_tail = NULL;
				for (req *q = w->queue; q; q = q->next)
					w->queue_tail = q;
			}
			deliver(w, r, NULL, &w->fatal_err);
			pp = &w->queue;	/* the callback may have queued more */
			continue;
		}
		if (r->not_before > t) {
			if (r->not_before - t < wait)
				wait = r->not_before - t;
			pp = &r->next;
			continue;
		}
		if (w->o.rate_limit > 0 && w->tokens < 1) {
			long long need = (long long)((1 - w->tokens) * 1000 / w->rate) + 1;
			if (need < wait)
				wait = need;
			break;
		}
		*pp = r->next;
		if (w->queue_tail == r) {
			w->queue_tail = NULL;
			for (req *q = w->queue; q; q = q->next)
				w->queue_tail = q;
		}
		if (w->o.rate_limit > 0)
			w->tokens -= 1;
		{
			dbx_err e;
			if (start(w, r, &e)) {
				if (e.cls == ERR_AUTH)
					set_fatal(w, &e);
				deliver(w, r, NULL, &e);
				pp = &w->queue;
			}
		}
	}
	if (w->inflight > 0) {
		curl_multi_perform(w->multi, &running);
		while ((m = curl_multi_info_read(w->multi, &msgs)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
			finish(w, r, m->data.result);
		}
	}
	/* Finishing may have queued retries or follow-ups (the next page):
	 * start those at once instead of sleeping first. */
	wait = next_start(w);
	if (wait == 0)
		return 1;
	if (w->inflight > 0)
		curl_multi_poll(w->multi, NULL, 0, (int)wait, NULL);
	else if (w->queue)
		sleep_ms(wait);
	return w->inflight > 0 || w->queue != NULL;
}

void http_abort(ws *w, const dbx_err *e)
{
	set_fatal(w, e);
}

int http_run(ws *w, dbx_err *err)
{
	w->depth++;
	while (pump(w))
		;
	w->depth--;
	if (w->fatal) {
		if (err)
			*err = w->fatal_err;
		return -1;
	}
	return 0;
}

struct sync_result {
	int done;
	cJSON *json;
	dbx_err err;
};

static void sync_cb(ws *w, void *ud, cJSON *json, const dbx_err *err)
{
	struct sync_result *s = ud;
	(void)w;
	s->done = 1;
	s->json = json;
	if (err)
		s->err = *err;
}

int http_call_json(ws *w, const char *method, const char *path, const char *query,
		   const cJSON *body, int flags, cJSON **out, dbx_err *err)
{
	struct sync_result s;

	memset(&s, 0, sizeof s);
	*out = NULL;
	if (http_submit(w, method, path, query, body, flags, sync_cb, &s))
		return err_set(err, ERR_IO, path, "out of memory");
	while (!s.done && pump(w))
		;
	if (!s.done)
		return err_set(err, ERR_IO, path, "request was dropped");
	if (!s.json) {
		*err = s.err;
		return -1;
	}
	*out = s.json;
	return 0;
}

int http_get_json(ws *w, const char *path, const char *query, cJSON **out, dbx_err *err)
{
	return http_call_json(w, "GET", path, query, NULL, 0, out, err);
}
