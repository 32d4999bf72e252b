/* Unit tests for http against a scripted libmicrohttpd server on 127.0.0.1:
 * retries and backoff, Retry-After, REQUEST_LIMIT_EXCEEDED, the POST
 * policy, rate-limit halving, OAuth M2M (Basic auth, refresh before expiry
 * and after a 401), timeouts, the body cap, error parsing, concurrency and
 * connection reuse, and redaction in --debug logs. Assertions are on
 * request counts and results, never on elapsed time. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <microhttpd.h>

#include "http.h"
#include "log.h"

typedef struct step {
	int status;
	const char *body;	/* NULL: big body of `big` bytes */
	long retry_after;	/* -1: no header; -2, -3: an HTTP-date in 2099, in 2015 */
	int delay_ms;
	size_t big;
} step;

static struct {
	pthread_mutex_t mu;
	const step *steps;
	size_t nsteps, next;
	int api, token_requests, bad_basic, connections, inflight, max_inflight;
	int reject_token;	/* 401 for "Bearer tok-N" with N <= this */
	int expires_in;
	char last_auth[256], token_body[256];
	struct MHD_Daemon *d;
	unsigned short port;
	char url[64];
} srv = { .mu = PTHREAD_MUTEX_INITIALIZER };

static const char basic_ok[] = "Basic Y2lkOmNzZWNyZXQx";	/* cid:csecret1 */

static void on_conn(void *cls, struct MHD_Connection *c, void **socket_context,
		    enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	(void)c;
	(void)socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		pthread_mutex_lock(&srv.mu);
		srv.connections++;
		pthread_mutex_unlock(&srv.mu);
	}
}

static enum MHD_Result reply(struct MHD_Connection *c, int status, const char *body, size_t len,
			     long retry_after)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body,
								 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result rc;
	char ra[32];

	MHD_add_response_header(r, "Content-Type", "application/json");
	if (retry_after >= 0) {
		snprintf(ra, sizeof ra, "%ld", retry_after);
		MHD_add_response_header(r, "Retry-After", ra);
	} else if (retry_after < -1) {
		MHD_add_response_header(r, "Retry-After", retry_after == -2
			? "Thu, 31 Dec 2099 23:59:59 GMT" : "Wed, 21 Oct 2015 07:28:00 GMT");
	}
	rc = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	static int marker;
	const char *auth;
	step s = { 200, "{\"ok\":true}", -1, 0, 0 };

	(void)cls;
	(void)method;
	(void)version;
	if (!*con_cls) {
		*con_cls = &marker;
		return MHD_YES;
	}
	if (*upload_size) {
		pthread_mutex_lock(&srv.mu);
		if (strcmp(url, "/oidc/v1/token") == 0)
			snprintf(srv.token_body, sizeof srv.token_body, "%.*s", (int)*upload_size, upload);
		pthread_mutex_unlock(&srv.mu);
		*upload_size = 0;
		return MHD_YES;
	}
	auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (strcmp(url, "/oidc/v1/token") == 0) {
		char body[128];
		int n;
		pthread_mutex_lock(&srv.mu);
		n = ++srv.token_requests;
		if (!auth || strcmp(auth, basic_ok) != 0) {
			srv.bad_basic++;
			pthread_mutex_unlock(&srv.mu);
			return reply(c, 401, "{\"error\":\"invalid_client\",\"error_description\":\"bad\"}",
				     50, -1);
		}
		snprintf(body, sizeof body,
			 "{\"access_token\":\"tok-%d\",\"token_type\":\"Bearer\",\"expires_in\":%d}", n,
			 srv.expires_in);
		pthread_mutex_unlock(&srv.mu);
		return reply(c, 200, body, strlen(body), -1);
	}
	pthread_mutex_lock(&srv.mu);
	srv.api++;
	snprintf(srv.last_auth, sizeof srv.last_auth, "%s", auth ? auth : "");
	if (auth && strncmp(auth, "Bearer tok-", 11) == 0 && atoi(auth + 11) <= srv.reject_token) {
		pthread_mutex_unlock(&srv.mu);
		return reply(c, 401, "{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"expired\"}", 53,
			     -1);
	}
	if (srv.next < srv.nsteps)
		s = srv.steps[srv.next++];
	if (++srv.inflight > srv.max_inflight)
		srv.max_inflight = srv.inflight;
	pthread_mutex_unlock(&srv.mu);
	if (s.delay_ms)
		usleep((useconds_t)s.delay_ms * 1000);
	pthread_mutex_lock(&srv.mu);
	srv.inflight--;
	pthread_mutex_unlock(&srv.mu);
	if (!s.body) {
		char *big = malloc(s.big);
		enum MHD_Result rc;
		memset(big, ' ', s.big);
		big[0] = '{';
		big[s.big - 1] = '}';
		rc = reply(c, s.status, big, s.big, s.retry_after);
		free(big);
		return rc;
	}
	return reply(c, s.status, s.body, strlen(s.body), s.retry_after);
}

static void serve(const step *steps, size_t n)
{
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;

	pthread_mutex_lock(&srv.mu);
	srv.steps = steps;
	srv.nsteps = n;
	srv.next = 0;
	srv.api = srv.token_requests = srv.bad_basic = srv.connections = 0;
	srv.inflight = srv.max_inflight = 0;
	srv.reject_token = 0;
	srv.expires_in = 3600;
	srv.last_auth[0] = srv.token_body[0] = '\0';
	pthread_mutex_unlock(&srv.mu);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv.d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0,
				 NULL, NULL, handler, NULL, MHD_OPTION_SOCK_ADDR, &sa,
				 MHD_OPTION_NOTIFY_CONNECTION, on_conn, NULL, MHD_OPTION_END);
	assert_non_null(srv.d);
	info = MHD_get_daemon_info(srv.d, MHD_DAEMON_INFO_BIND_PORT);
	srv.port = info->port;
	snprintf(srv.url, sizeof srv.url, "http://127.0.0.1:%u", srv.port);
}

static int teardown(void **state)
{
	(void)state;
	if (srv.d)
		MHD_stop_daemon(srv.d);
	srv.d = NULL;
	return 0;
}

static cfg_profile pat = { "t", "test", 0, NULL, "dapiTESTTOKEN1234", NULL, NULL, NULL, AUTH_PAT };
static cfg_profile m2m = { "m", "test", 0, NULL, NULL, "cid", "csecret1", NULL, AUTH_OAUTH_M2M };

static ws *open_ws(cfg_profile *p, http_opts *o)
{
	ws *w;
	dbx_err err;
	http_opts d;

	if (!o) {
		http_opts_default(&d);
		o = &d;
	}
	o->retry_base_ms = 1;
	p->host = srv.url;
	assert_int_equal(ws_open(&w, p, o, &err), 0);
	return w;
}

static void test_retry_503(void **state)
{
	static const step steps[] = {
		{ 503, "Service Unavailable", -1, 0, 0 }, { 503, "{}", -1, 0, 0 },
		{ 504, "<html><body>Gateway Timeout</body></html>", -1, 0, 0 },
		{ 200, "{\"job_id\": 1099511627776}", -1, 0, 0 },
	};
	ws *w;
	cJSON *out;
	dbx_err err;
	http_stats st;

	(void)state;
	serve(steps, 4);
	w = open_ws(&pat, NULL);
	assert_int_equal(http_get_json(w, "/api/2.1/jobs/get", "job_id=1", &out, &err), 0);
	assert_true(cJSON_GetObjectItem(out, "job_id")->valuedouble == 1099511627776.0);
	cJSON_Delete(out);
	assert_int_equal(srv.api, 4);
	assert_string_equal(srv.last_auth, "Bearer dapiTESTTOKEN1234");
	ws_stats(w, &st);
	assert_int_equal(st.retries, 3);
	assert_int_equal(st.requests, 4);
	ws_close(w);
}

static void test_give_up(void **state)
{
	static const step steps[] = {
		{ 503, "{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"busy\"}", -1, 0, 0 },
		{ 503, "{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"busy\"}", -1, 0, 0 },
		{ 503, "{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"busy\"}", -1, 0, 0 },
		{ 200, "{}", -1, 0, 0 },
	};
	ws *w;
	cJSON *out;
	dbx_err err;
	http_opts o;

	(void)state;
	serve(steps, 4);
	http_opts_default(&o);
	o.max_attempts = 3;
	w = open_ws(&pat, &o);
	assert_int_equal(http_get_json(w, "/api/2.0/x", NULL, &out, &err), -1);
	assert_null(out);
	assert_int_equal(srv.api, 3);
	assert_int_equal(err.http_status, 503);
	assert_string_equal(err.error_code, "TEMPORARILY_UNAVAILABLE");
	assert_non_null(strstr(err.msg, "gave up after 3 attempts"));
	assert_non_null(strstr(err.msg, "busy"));
	assert_string_equal(err.where, "GET /api/2.0/x");
	ws_close(w);
}

static void test_retry_after(void **state)
{
	static const step steps[] = {
		{ 429, "{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"slow\"}", 0, 0, 0 },
		{ 200, "{\"v\":1}", -1, 0, 0 },
		/* second request: Retry-After beyond the retry budget */
		{ 429, "{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"slow\"}", 5, 0, 0 },
		{ 200, "{\"v\":2}", -1, 0, 0 },
	};
	ws *w;
	cJSON *out;
	dbx_err err;
	http_opts o;
	http_stats st;

	(void)state;
	serve(steps, 4);
	http_opts_default(&o);
	o.retry_budget_ms = 2000;
	w = open_ws(&pat, &o);
	assert_int_equal(http_get_json(w, "/api/2.0/a", NULL, &out, &err), 0);
	cJSON_Delete(out);
	assert_int_equal(srv.api, 2);
	/* Retry-After: 5 s is honoured: it does not fit a 2 s budget, so no retry. */
	assert_int_equal(http_get_json(w, "/api/2.0/b", NULL, &out, &err), -1);
	assert_int_equal(srv.api, 3);
	assert_int_equal(err.http_status, 429);
	ws_stats(w, &st);
	assert_int_equal(st.throttled, 2);
	assert_true(st.rate == 5.0);	/* 20 halved twice */
	ws_close(w);
}

static void test_retry_after_date(void **state)
{
	static const step steps[] = {
		{ 503, "{}", -3, 0, 0 },	/* a date in the past: retry at once */
		{ 200, "{\"v\":1}", -1, 0, 0 },
		{ 503, "{}", -2, 0, 0 },	/* far in the future: beyond the budget */
		{ 200, "{\"v\":2}", -1, 0, 0 },
	};
	ws *w;
	cJSON *out;
	dbx_err err;
	http_opts o;

	(void)state;
	serve(steps, 4);
	http_opts_default(&o);
	o.retry_budget_ms = 60000;
	w = open_ws(&pat, &o);
	assert_int_equal(http_get_json(w, "/api/2.0/a", NULL, &out, &err), 0);
	cJSON_Delete(out);
	assert_int_equal(srv.api, 2);
	assert_int_equal(http_get_json(w, "/api/2.0/b", NULL, &out, &err), -1);
	assert_int_equal(srv.api, 3);
	assert_int_equal(err.http_status, 503);
	ws_close(w);
}

static void test_rate_floor(void **state)
{
	static const step s429 = { 429, "{}", 0, 0, 0 };
	step steps[8];
	ws *w;
	cJSON *out;
	dbx_err err;
	http_stats st;
	http_opts o;
	int i;

	(void)state;
	for (i = 0; i < 7; i++)
		steps[i] = s429;
	steps[7] = (step){ 200, "{}", -1, 0, 0 };
	serve(steps, 8);
	http_opts_default(&o);
	o.rate_limit = 1000;	/* a high rate keeps the test quick */
	w = open_ws(&pat, &o);
	assert_int_equal(http_get_json(w, "/api/2.0/a", NULL, &out, &err), 0);
	cJSON_Delete(out);
	ws_stats(w, &st);
	assert_int_equal(st.throttled, 7);
	assert_true(st.rate == 62.5);	/* floor: a sixteenth of the configured rate */
	ws_close(w);
}

static void test_limit_exceeded_any_status(void **state)
{
	static const step steps[] = {
		{ 400, "{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"too many\"}", -1, 0, 0 },
		{ 200, "{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"again\"}", -1, 0, 0 },
		{ 200, "{\"v\":3}", -1, 0, 0 },
		{ 200, "{\"error_code\":\"INVALID_STATE\",\"message\":\"a 200 that is an error\"}", -1,
		  0, 0 },
	};
	ws *w;
	cJSON *out, *body = cJSON_CreateObject();
	dbx_err err;

	(void)state;
	serve(steps, 4);
	w = open_ws(&pat, NULL);
	cJSON_AddStringToObject(body, "name", "x");
	/* even a POST: a throttled request did not land */
	assert_int_equal(http_call_json(w, "POST", "/api/2.1/jobs/create", NULL, body, 0, &out, &err), 0);
	assert_int_equal(srv.api, 3);
	cJSON_Delete(out);
	assert_int_equal(http_get_json(w, "/api/2.0/z", NULL, &out, &err), -1);
	assert_int_equal(srv.api, 4);
	assert_string_equal(err.error_code, "INVALID_STATE");
	assert_int_equal(err.http_status, 200);
	cJSON_Delete(body);
	ws_close(w);
}

static void test_post_policy(void **state)
{
	static const step steps[] = {
		{ 503, "{}", -1, 0, 0 },		/* POST: may have landed */
		{ 500, "{\"error_code\":\"INTERNAL_ERROR\",\"message\":\"boom\"}", -1, 0, 0 },
		{ 503, "{}", -1, 0, 0 },		/* POST + RETRY_UNSAFE: retried */
		{ 200, "{\"id\":\"7\"}", -1, 0, 0 },
		{ 404, "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"no job 5\"}", -1, 0, 0 },
	};
	ws *w;
	cJSON *out;
	dbx_err err;

	(void)state;
	serve(steps, 5);
	w = open_ws(&pat, NULL);
	assert_int_equal(http_call_json(w, "POST", "/api/2.1/jobs/create", NULL, NULL, 0, &out, &err), -1);
	assert_int_equal(srv.api, 1);
	assert_int_equal(err.maybe_applied, 1);
	assert_int_equal(err.http_status, 503);
	assert_int_equal(http_call_json(w, "POST", "/api/2.1/jobs/create", NULL, NULL, 0, &out, &err), -1);
	assert_int_equal(srv.api, 2);
	assert_int_equal(err.maybe_applied, 1);
	assert_string_equal(err.error_code, "INTERNAL_ERROR");
	assert_int_equal(http_call_json(w, "POST", "/api/2.1/jobs/reset", NULL, NULL,
					HTTP_RETRY_UNSAFE, &out, &err), 0);
	assert_int_equal(srv.api, 4);
	cJSON_Delete(out);
	assert_int_equal(http_call_json(w, "GET", "/api/2.1/jobs/get", "job_id=5", NULL,
					HTTP_QUIET_404, &out, &err), -1);
	assert_int_equal(srv.api, 5);
	assert_int_equal(err.http_status, 404);
	assert_int_equal(err.cls, ERR_HTTP);
	assert_int_equal(err.maybe_applied, 0);
	assert_string_equal(err.error_code, "RESOURCE_DOES_NOT_EXIST");
	ws_close(w);
}

static void test_oauth(void **state)
{
	static const step steps[] = { { 200, "{\"a\":1}", -1, 0, 0 }, { 200, "{\"a\":2}", -1, 0, 0 },
				      { 200, "{\"a\":3}", -1, 0, 0 } };
	ws *w;
	cJSON *out;
	dbx_err err;
	http_stats st;

	(void)state;
	serve(steps, 3);
	w = open_ws(&m2m, NULL);
	assert_int_equal(srv.token_requests, 1);
	assert_string_equal(srv.token_body, "grant_type=client_credentials&scope=all-apis");
	assert_int_equal(srv.bad_basic, 0);
	/* tok-1 is rejected: one refresh, then the call goes through */
	srv.reject_token = 1;
	assert_int_equal(http_get_json(w, "/api/2.0/a", NULL, &out, &err), 0);
	cJSON_Delete(out);
	assert_int_equal(srv.token_requests, 2);
	assert_int_equal(srv.api, 2);
	assert_string_equal(srv.last_auth, "Bearer tok-2");
	/* the token stays cached */
	assert_int_equal(http_get_json(w, "/api/2.0/a", NULL, &out, &err), 0);
	cJSON_Delete(out);
	assert_int_equal(srv.token_requests, 2);
	ws_stats(w, &st);
	assert_int_equal(st.token_fetches, 2);
	ws_close(w);
}

static void test_oauth_expiry(void **state)
{
	ws *w;
	cJSON *out;
	dbx_err err;

	(void)state;
	serve(NULL, 0);
	srv.expires_in = 30;	/* inside the 60 s margin: refreshed before each use */
	w = open_ws(&m2m, NULL);
	assert_int_equal(http_get_json(w, "/api/2.0/a", NULL, &out, &err), 0);
	cJSON_Delete(out);
	assert_int_equal(http_get_json(w, "/api/2.0/a", NULL, &out, &err), 0);
	cJSON_Delete(out);
	assert_int_equal(srv.token_requests, 3);
	assert_string_equal(srv.last_auth, "Bearer tok-3");
	ws_close(w);
}

static void test_oauth_bad_secret(void **state)
{
	cfg_profile bad = m2m;
	ws *w;
	dbx_err err;
	char buf[2048];
	http_opts o;

	(void)state;
	serve(NULL, 0);
	bad.host = srv.url;
	bad.client_secret = "wrong-secret-xyz";
	http_opts_default(&o);
	o.retry_base_ms = 1;
	assert_int_equal(ws_open(&w, &bad, &o, &err), -1);
	assert_int_equal(err.cls, ERR_AUTH);
	assert_int_equal(err_exit_code(&err), 2);
	assert_int_equal(srv.token_requests, 1);
	err_str(&err, buf, sizeof buf);
	assert_non_null(strstr(buf, "cannot get an OAuth token"));
	assert_null(strstr(buf, "wrong-secret-xyz"));
}

static int cb_count, cb_fail;
static dbx_err cb_err;

static void count_cb(ws *w, void *ud, cJSON *json, const dbx_err *err)
{
	(void)w;
	(void)ud;
	cb_count++;
	if (err) {
		cb_fail++;
		cb_err = *err;
	}
	cJSON_Delete(json);
}

static void test_pat_401_fatal(void **state)
{
	static const step steps[] = {
		{ 401, "{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"Invalid access token.\"}", -1, 0, 0 },
	};
	ws *w;
	dbx_err err;
	http_opts o;
	int i;

	(void)state;
	serve(steps, 1);
	http_opts_default(&o);
	o.parallel = 1;
	w = open_ws(&pat, &o);
	cb_count = cb_fail = 0;
	for (i = 0; i < 3; i++)
		assert_int_equal(http_submit(w, "GET", "/api/2.0/a", NULL, NULL, 0, count_cb, NULL), 0);
	assert_int_equal(http_run(w, &err), -1);
	assert_int_equal(err.cls, ERR_AUTH);
	assert_int_equal(srv.api, 1);	/* the others never went out */
	assert_int_equal(cb_count, 3);
	assert_int_equal(cb_fail, 3);
	assert_non_null(strstr(err.msg, "authentication failed"));
	ws_close(w);
}

static void test_timeout(void **state)
{
	static const step steps[] = { { 200, "{}", -1, 700, 0 }, { 200, "{}", -1, 700, 0 },
				      { 200, "{}", -1, 700, 0 } };
	ws *w;
	cJSON *out;
	dbx_err err;
	http_opts o;

	(void)state;
	serve(steps, 3);
	http_opts_default(&o);
	o.timeout_ms = 100;
	o.max_attempts = 2;
	w = open_ws(&pat, &o);
	assert_int_equal(http_get_json(w, "/api/2.0/slow", NULL, &out, &err), -1);
	assert_int_equal(err.http_status, -1);
	assert_non_null(strstr(err.msg, "gave up after 2 attempts"));
	assert_non_null(strstr(err.msg, "imeout"));
	assert_int_equal(http_call_json(w, "POST", "/api/2.0/slow", NULL, NULL, 0, &out, &err), -1);
	assert_int_equal(err.maybe_applied, 1);
	ws_close(w);
	teardown(NULL);	/* waits for the slow replies */
	assert_int_equal(srv.api, 3);
}

static void test_body_cap(void **state)
{
	static const step steps[] = { { 200, NULL, -1, 0, 300000 } };
	ws *w;
	cJSON *out;
	dbx_err err;
	http_opts o;

	(void)state;
	serve(steps, 1);
	http_opts_default(&o);
	o.max_body = 65536;
	w = open_ws(&pat, &o);
	assert_int_equal(http_get_json(w, "/api/2.0/big", NULL, &out, &err), -1);
	assert_non_null(strstr(err.msg, "larger than the 65536-byte limit"));
	assert_int_equal(srv.api, 1);
	ws_close(w);
}

static void test_parallel_reuse(void **state)
{
	static step steps[40];
	ws *w;
	dbx_err err;
	http_opts o;
	int i;

	(void)state;
	for (i = 0; i < 40; i++)
		steps[i] = (step){ 200, "{\"x\":1}", -1, 5, 0 };
	serve(steps, 40);
	http_opts_default(&o);
	o.parallel = 4;
	o.rate_limit = 0;
	w = open_ws(&pat, &o);
	cb_count = cb_fail = 0;
	for (i = 0; i < 40; i++)
		assert_int_equal(http_submit(w, "GET", "/api/2.0/p", "a=1", NULL, 0, count_cb, NULL), 0);
	assert_int_equal(http_run(w, &err), 0);
	assert_int_equal(cb_count, 40);
	assert_int_equal(cb_fail, 0);
	assert_int_equal(srv.api, 40);
	assert_true(srv.max_inflight <= 4);
	assert_true(srv.connections <= 4);	/* keep-alive: connections are reused */
	ws_close(w);
}

struct chain {
	int pages;
};

static void chain_cb(ws *w, void *ud, cJSON *json, const dbx_err *err)
{
	struct chain *c = ud;
	assert_null(err);
	cJSON_Delete(json);
	if (++c->pages < 5)
		assert_int_equal(http_submit(w, "GET", "/api/2.0/page", NULL, NULL, 0, chain_cb, c), 0);
}

static void test_callback_submits(void **state)
{
	ws *w;
	dbx_err err;
	struct chain c = { 0 };

	(void)state;
	serve(NULL, 0);
	w = open_ws(&pat, NULL);
	assert_int_equal(http_submit(w, "GET", "/api/2.0/page", NULL, NULL, 0, chain_cb, &c), 0);
	assert_int_equal(http_run(w, &err), 0);
	assert_int_equal(c.pages, 5);
	assert_int_equal(srv.api, 5);
	ws_close(w);
}

static void test_debug_log_redacted(void **state)
{
	char path[] = "/tmp/dbx-http-log-XXXXXX";
	int fd = mkstemp(path);
	ws *w;
	cJSON *out;
	dbx_err err;
	char buf[8192];
	ssize_t n;
	http_opts o;

	(void)state;
	assert_true(fd >= 0);
	serve(NULL, 0);
	log_set_level(LOG_DEBUG);
	assert_int_equal(log_open_file(path), 0);
	http_opts_default(&o);
	o.insecure = 1;	/* warns loudly */
	w = open_ws(&pat, &o);
	assert_int_equal(http_get_json(w, "/api/2.0/clusters/list", NULL, &out, &err), 0);
	cJSON_Delete(out);
	log_msg(LOG_DEBUG, "header Authorization: Bearer %s", pat.token);
	ws_close(w);
	log_close_file();
	log_set_level(LOG_ERROR);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	buf[n] = '\0';
	{	/* method, full URL, status, time */
		char want[128];
		snprintf(want, sizeof want, "GET %s/api/2.0/clusters/list -> 200 (", srv.url);
		assert_non_null(strstr(buf, want));
	}
	assert_non_null(strstr(buf, "TLS certificates of http://127.0.0.1"));
	assert_non_null(strstr(buf, "are NOT verified"));
	assert_non_null(strstr(buf, "Bearer ****"));
	assert_null(strstr(buf, "dapiTESTTOKEN1234"));
}

static void test_connection_refused(void **state)
{
	ws *w;
	cJSON *out;
	dbx_err err;
	http_stats st;

	(void)state;
	serve(NULL, 0);
	w = open_ws(&pat, NULL);	/* PAT: no request at open */
	teardown(NULL);			/* nothing listens on the port now */
	assert_int_equal(http_get_json(w, "/api/2.0/a", NULL, &out, &err), -1);
	assert_int_equal(err.http_status, -1);
	assert_int_equal(err.maybe_applied, 0);
	ws_stats(w, &st);
	assert_int_equal(st.requests, 3);
	/* a refused POST certainly did not land: retried the same way */
	assert_int_equal(http_call_json(w, "POST", "/api/2.0/a", NULL, NULL, 0, &out, &err), -1);
	assert_int_equal(err.maybe_applied, 0);
	ws_stats(w, &st);
	assert_int_equal(st.requests, 6);
	ws_close(w);
}

static void test_plain_http_refused(void **state)
{
	cfg_profile p = pat;
	ws *w;
	dbx_err err;

	(void)state;
	p.host = "http://example.com";
	assert_int_equal(ws_open(&w, &p, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "loopback"));
}

static void test_parse_error(void **state)
{
	static const struct {
		long status;
		const char *body, *code, *msg;
	} cases[] = {
		{ 404, "{\"error_code\":\"NOT_FOUND\",\"message\":\"test message\",\"details\":[]}",
		  "NOT_FOUND", "test message (HTTP 404 NOT_FOUND)" },
		{ 404, "{\"detail\":\"Group with id 1234 is not found\",\"status\":\"404\","
		       "\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"]}",
		  "", "Group with id 1234 is not found (HTTP 404)" },
		{ 400, "{\"error\":\"legacy 1.2 style message\"}", "",
		  "legacy 1.2 style message (HTTP 400)" },
		{ 400, "MALFORMED_REQUEST: vpc_endpoints malformed parameters", "MALFORMED_REQUEST",
		  "vpc_endpoints malformed parameters (HTTP 400 MALFORMED_REQUEST)" },
		{ 400, "<pre>Worker environment not ready</pre>", "",
		  "Worker environment not ready (HTTP 400)" },
		{ 502, "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>",
		  "", "502 Bad Gateway nginx (HTTP 502)" },
		{ 503, "", "", "no error message in the reply (HTTP 503)" },
		{ 401, "{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"Bearer abcdefgh rejected\"}",
		  "UNAUTHENTICATED", "Bearer **** rejected" },
	};
	size_t i;
	dbx_err err;
	char buf[2048], longbody[1000];

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		http_parse_error(cases[i].status, cases[i].body, strlen(cases[i].body), "GET /x", &err);
		err_str(&err, buf, sizeof buf);
		if (strcmp(err.error_code, cases[i].code) != 0 || !strstr(buf, cases[i].msg))
			fail_msg("case %zu: code '%s' msg '%s'", i, err.error_code, buf);
		assert_int_equal(err.http_status, cases[i].status);
		assert_int_equal(err.cls, cases[i].status == 401 ? ERR_AUTH : ERR_HTTP);
	}
	memset(longbody, 'a', sizeof longbody);
	http_parse_error(500, longbody, sizeof longbody, "GET /x", &err);
	assert_true(strlen(err.msg) < 240);	/* first 200 characters */
}

/* Random bytes and cut-off JSON: always a message, never a crash. */
static void test_parse_error_robust(void **state)
{
	static const char seedbody[] = "{\"error_code\":\"X_Y\",\"message\":\"m\",\"detail\":\"d\"}";
	uint64_t rng = 99;
	char body[256];
	dbx_err err;
	int i;

	(void)state;
	for (i = 0; i < 3000; i++) {
		size_t len, k;
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		if (i % 2) {
			len = (size_t)(rng % sizeof body);
			for (k = 0; k < len; k++) {
				rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
				body[k] = (char)(rng >> 24);
			}
		} else {
			len = (size_t)(rng % sizeof seedbody);
			memcpy(body, seedbody, len);
		}
		http_parse_error((long)(rng % 600), body, len, "GET /x", &err);
		assert_true(err.msg[0] != '\0');
		assert_true(strlen(err.msg) < sizeof err.msg);
		assert_true(err.cls == ERR_HTTP || err.cls == ERR_AUTH);
	}
}

/* "\u0000" in a reply is read as the mark; http_nul_find says where it
 * is (keys too), http_nul_shown writes it back as \u0000. */
static void test_nul_mark(void **state)
{
	static const char body[] = "{\"a\": {\"b c\": [\"x\", \"y\\u0000z\"]}, \"k\\u0000\": 1, \"ok\": \"\\\\u0000\"}";
	cJSON *j = http_parse_reply(body, sizeof body - 1), *a;
	char path[64], shown[64];

	(void)state;
	assert_non_null(j);
	a = cJSON_GetObjectItemCaseSensitive(j, "a");
	assert_int_equal(http_nul_find(a, path, sizeof path), 1);
	assert_string_equal(path, "[\"b c\"][1]");
	assert_int_equal(http_nul_find(j, path, sizeof path), 1);
	assert_string_equal(path, "a[\"b c\"][1]");
	cJSON_DeleteItemFromObjectCaseSensitive(j, "a");
	assert_int_equal(http_nul_find(j, path, sizeof path), 1);
	assert_string_equal(path, "[\"k\\u0000\"]");
	/* an escaped backslash before u0000 is text, not a NUL */
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "ok")), "\\u0000");
	cJSON_DeleteItemFromObjectCaseSensitive(j, "k" HTTP_NUL_MARK);
	assert_int_equal(http_nul_find(j, path, sizeof path), 0);
	assert_string_equal(http_nul_shown("a" HTTP_NUL_MARK "b" HTTP_NUL_MARK, shown, sizeof shown),
			    "a\\u0000b\\u0000");
	/* cut, never overflowing */
	assert_int_equal(strlen(http_nul_shown("0123456789" HTTP_NUL_MARK, shown, 12)), 10);
	cJSON_Delete(j);
}

static void test_escape(void **state)
{
	char *s = http_escape("/Users/a b@x.com/ü&=?");
	(void)state;
	assert_string_equal(s, "%2FUsers%2Fa%20b%40x.com%2F%C3%BC%26%3D%3F");
	free(s);
}

/* The string member "p" of what http_parse_reply() makes of text (caller
 * frees), or NULL when it refuses the text. */
static char *reply_p(const char *text)
{
	cJSON *j = http_parse_reply(text, strlen(text));
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "p");
	char *s = cJSON_IsString(p) ? strdup(p->valuestring) : NULL;

	if (j && !s)
		fail_msg("no string p in %s", text);
	cJSON_Delete(j);
	return s;
}

static void test_parse_reply(void **state)
{
	char *s;

	(void)state;
	s = reply_p("{\"p\":\"a\\u0000b\"}");
	assert_string_equal(s, "a" HTTP_NUL_MARK "b");
	free(s);
	/* an escaped backslash before "u0000" is no NUL escape */
	s = reply_p("{\"p\":\"a\\\\u0000b\"}");
	assert_string_equal(s, "a\\u0000b");
	free(s);
	s = reply_p("{\"p\":\"\\u00e9\\\\\\u0000\"}");
	assert_string_equal(s, "\xc3\xa9\\" HTTP_NUL_MARK);
	free(s);
	/* A \u without four hex digits: cJSON reads it as U+0000 and cuts
	 * the string ("a"); it is invalid JSON. The second one is what
	 * fuzz_reply found: cJSON took "\u/a\u" for one escape while the NUL
	 * scan saw "\u0000" in it, and the two disagreed. */
	assert_null(reply_p("{\"p\":\"a\\uZZZZb\"}"));
	assert_null(reply_p("{\"p\":\"a\\u/a\\u0000b\"}"));
	assert_null(reply_p("{\"p\":\"a\\u12\"}"));
	assert_null(reply_p("{\"p\":\"a\\u"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_retry_503, teardown),
		cmocka_unit_test_teardown(test_give_up, teardown),
		cmocka_unit_test_teardown(test_retry_after, teardown),
		cmocka_unit_test_teardown(test_retry_after_date, teardown),
		cmocka_unit_test_teardown(test_rate_floor, teardown),
		cmocka_unit_test_teardown(test_limit_exceeded_any_status, teardown),
		cmocka_unit_test_teardown(test_post_policy, teardown),
		cmocka_unit_test_teardown(test_oauth, teardown),
		cmocka_unit_test_teardown(test_oauth_expiry, teardown),
		cmocka_unit_test_teardown(test_oauth_bad_secret, teardown),
		cmocka_unit_test_teardown(test_pat_401_fatal, teardown),
		cmocka_unit_test_teardown(test_timeout, teardown),
		cmocka_unit_test_teardown(test_body_cap, teardown),
		cmocka_unit_test_teardown(test_parallel_reuse, teardown),
		cmocka_unit_test_teardown(test_callback_submits, teardown),
		cmocka_unit_test_teardown(test_debug_log_redacted, teardown),
		cmocka_unit_test_teardown(test_connection_refused, teardown),
		cmocka_unit_test(test_plain_http_refused),
		cmocka_unit_test(test_parse_error),
		cmocka_unit_test(test_parse_error_robust),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_nul_mark),
		cmocka_unit_test(test_parse_reply),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
