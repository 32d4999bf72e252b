/* Unit tests for sqlstmt (the Statement Execution API client) against a
 * scripted libmicrohttpd server on 127.0.0.1: rows keyed by column name,
 * polling while PENDING/RUNNING, following result chunks, FAILED and
 * CANCELED statements as errors that carry the server's message and the
 * statement but never the token; and hive_ddl_parse, which makes a SHOW
 * CREATE TABLE answer comparable and location-free. Assertions are on the
 * requests made and the results, never on elapsed time. */
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

#include <cmocka.h>
#include <microhttpd.h>

#include "hive.h"
#include "http.h"
#include "sqlstmt.h"

#define MAX_REQ 16

static struct {
	pthread_mutex_t mu;
	const char *const *replies;	/* one body per request, in order */
	size_t n, next;
	char req[MAX_REQ][160];		/* "METHOD /path" of each request */
	char first_body[1024];		/* the POST body */
	struct MHD_Daemon *d;
	char url[64];
} srv = { .mu = PTHREAD_MUTEX_INITIALIZER };

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	static int marker;
	const char *body = "{\"error_code\":\"INTERNAL_ERROR\",\"message\":\"script ran out\"}";
	int status = 500;
	struct MHD_Response *r;
	enum MHD_Result rc;

	(void)cls;
	(void)version;
	if (!*con_cls) {
		*con_cls = &marker;
		return MHD_YES;
	}
	pthread_mutex_lock(&srv.mu);
	if (*upload_size) {
		if (!srv.first_body[0])
			snprintf(srv.first_body, sizeof srv.first_body, "%.*s", (int)*upload_size, upload);
		*upload_size = 0;
		pthread_mutex_unlock(&srv.mu);
		return MHD_YES;
	}
	if (srv.next < MAX_REQ)
		snprintf(srv.req[srv.next], sizeof srv.req[0], "%s %s", method, url);
	if (srv.next < srv.n) {
		body = srv.replies[srv.next];
		status = 200;
	}
	srv.next++;
	pthread_mutex_unlock(&srv.mu);
	r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", "application/json");
	rc = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return rc;
}

static void serve(const char *const *replies, size_t n)
{
	struct sockaddr_in sa;

	memset(&srv.req, 0, sizeof srv.req);
	srv.first_body[0] = '\0';
	srv.replies = replies;
	srv.n = n;
	srv.next = 0;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv.d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0,
				 NULL, NULL, handler, NULL, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_END);
	assert_non_null(srv.d);
	snprintf(srv.url, sizeof srv.url, "http://127.0.0.1:%u",
		 MHD_get_daemon_info(srv.d, MHD_DAEMON_INFO_BIND_PORT)->port);
}

static int teardown(void **state)
{
	(void)state;
	if (srv.d)
		MHD_stop_daemon(srv.d);
	srv.d = NULL;
	return 0;
}

static ws *open_ws(void)
{
	static char token[] = "dapiSECRETTOKEN5678";
	cfg_profile p = { "t", "test", 0, srv.url, token, NULL, NULL, NULL, AUTH_PAT };
	http_opts o;
	ws *w = NULL;
	dbx_err err;

	http_opts_default(&o);
	o.rate_limit = 0;
	o.retry_base_ms = 1;
	o.max_attempts = 2;
	assert_int_equal(ws_open(&w, &p, &o, &err), 0);
	sqlstmt_set_backoff(1, 2);
	return w;
}

#define MANIFEST "\"manifest\":{\"format\":\"JSON_ARRAY\",\"schema\":{\"column_count\":2," \
	"\"columns\":[{\"name\":\"info_name\",\"position\":0},{\"name\":\"info_value\",\"position\":1}]}}"

static void test_rows_by_column(void **state)
{
	static const char *const r[] = {
		"{\"statement_id\":\"s1\",\"status\":{\"state\":\"SUCCEEDED\"}," MANIFEST ","
		"\"result\":{\"chunk_index\":0,\"data_array\":[[\"Comment\",\"marts\"],[\"Owner\",null]]}}",
	};
	cJSON *rows = NULL;
	dbx_err err;
	(void)state;
	serve(r, 1);
	ws *w = open_ws();
	assert_int_equal(sqlstmt_run(w, "wh1", "DESCRIBE DATABASE sales", &rows, &err), 0);
	assert_int_equal(cJSON_GetArraySize(rows), 2);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 0), "info_value")), "marts");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 1), "info_value")));
	assert_string_equal(srv.req[0], "POST /api/2.0/sql/statements");
	cJSON *b = cJSON_Parse(srv.first_body);
	assert_non_null(b);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(b, "warehouse_id")), "wh1");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(b, "statement")), "DESCRIBE DATABASE sales");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(b, "disposition")), "INLINE");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(b, "format")), "JSON_ARRAY");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(b, "wait_timeout")), "10s");
	cJSON_Delete(b);
	cJSON_Delete(rows);
	ws_close(w);
}

static void test_polls_until_done(void **state)
{
	static const char *const r[] = {
		"{\"statement_id\":\"s-2\",\"status\":{\"state\":\"PENDING\"}}",
		"{\"statement_id\":\"s-2\",\"status\":{\"state\":\"RUNNING\"}}",
		"{\"statement_id\":\"s-2\",\"status\":{\"state\":\"SUCCEEDED\"}," MANIFEST ","
		"\"result\":{\"data_array\":[[\"Location\",\"s3://b/x\"]]}}",
	};
	cJSON *rows = NULL;
	dbx_err err;
	(void)state;
	serve(r, 3);
	ws *w = open_ws();
	assert_int_equal(sqlstmt_run(w, "wh1", "DESCRIBE DATABASE x", &rows, &err), 0);
	assert_int_equal(srv.next, 3);
	assert_string_equal(srv.req[1], "GET /api/2.0/sql/statements/s-2");
	assert_string_equal(srv.req[2], "GET /api/2.0/sql/statements/s-2");
	assert_int_equal(cJSON_GetArraySize(rows), 1);
	cJSON_Delete(rows);
	ws_close(w);
}

static void test_follows_chunks(void **state)
{
	static const char *const r[] = {
		"{\"statement_id\":\"s3\",\"status\":{\"state\":\"SUCCEEDED\"}," MANIFEST ","
		"\"result\":{\"chunk_index\":0,\"data_array\":[[\"a\",\"1\"]],\"next_chunk_index\":1,"
		"\"next_chunk_internal_link\":\"/api/2.0/sql/statements/s3/result/chunks/1\"}}",
		"{\"chunk_index\":1,\"data_array\":[[\"b\",\"2\"]],\"next_chunk_index\":2}",
		"{\"chunk_index\":2,\"data_array\":[[\"c\",\"3\"]]}",
	};
	cJSON *rows = NULL;
	dbx_err err;
	(void)state;
	serve(r, 3);
	ws *w = open_ws();
	assert_int_equal(sqlstmt_run(w, "wh1", "SHOW X", &rows, &err), 0);
	assert_string_equal(srv.req[1], "GET /api/2.0/sql/statements/s3/result/chunks/1");
	assert_string_equal(srv.req[2], "GET /api/2.0/sql/statements/s3/result/chunks/2");
	assert_int_equal(cJSON_GetArraySize(rows), 3);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 2), "info_name")), "c");
	cJSON_Delete(rows);
	ws_close(w);
}

static void test_chunk_loop_is_an_error(void **state)
{
	static const char *const r[] = {
		"{\"statement_id\":\"s4\",\"status\":{\"state\":\"SUCCEEDED\"}," MANIFEST ","
		"\"result\":{\"data_array\":[[\"a\",\"1\"]],\"next_chunk_index\":1}}",
		"{\"chunk_index\":1,\"data_array\":[[\"b\",\"2\"]],\"next_chunk_index\":1}",
	};
	cJSON *rows = NULL;
	dbx_err err;
	(void)state;
	serve(r, 2);
	ws *w = open_ws();
	assert_int_equal(sqlstmt_run(w, "wh1", "SHOW X", &rows, &err), -1);
	assert_null(rows);
	assert_non_null(strstr(err.msg, "names chunk 1 next"));
	assert_int_equal(srv.next, 2);
	ws_close(w);
}

static void test_failed_carries_message(void **state)
{
	static const char *const r[] = {
		"{\"statement_id\":\"s5\",\"status\":{\"state\":\"PENDING\"}}",
		"{\"statement_id\":\"s5\",\"status\":{\"state\":\"FAILED\",\"error\":{\"error_code\":\"BAD_REQUEST\","
		"\"message\":\"[TABLE_OR_VIEW_NOT_FOUND] The table `db`.`t` cannot be found.\"}}}",
	};
	cJSON *rows = NULL;
	dbx_err err;
	char buf[2048];
	(void)state;
	serve(r, 2);
	ws *w = open_ws();
	assert_int_equal(sqlstmt_run(w, "wh1", "CREATE VIEW IF NOT EXISTS `db`.`v` AS\nSELECT * FROM db.t", &rows, &err), -1);
	assert_null(rows);
	assert_int_equal(err.cls, ERR_HTTP);
	assert_string_equal(err.error_code, "BAD_REQUEST");
	err_str(&err, buf, sizeof buf);
	assert_non_null(strstr(buf, "TABLE_OR_VIEW_NOT_FOUND"));
	assert_non_null(strstr(buf, "SQL CREATE VIEW IF NOT EXISTS `db`.`v` AS SELECT"));	/* one line */
	assert_null(strstr(buf, "SECRETTOKEN"));
	ws_close(w);
}

static void test_canceled_and_no_result(void **state)
{
	static const char *const r[] = {
		"{\"statement_id\":\"s6\",\"status\":{\"state\":\"CANCELED\"}}",
		"{\"statement_id\":\"s7\",\"status\":{\"state\":\"SUCCEEDED\"}}",
		"{\"status\":{\"state\":\"SUCCEEDED\"}}",
	};
	cJSON *rows = NULL;
	dbx_err err;
	(void)state;
	serve(r, 3);
	ws *w = open_ws();
	assert_int_equal(sqlstmt_run(w, "wh1", "CREATE DATABASE x", &rows, &err), -1);
	assert_non_null(strstr(err.msg, "CANCELED"));
	assert_int_equal(sqlstmt_run(w, "wh1", "CREATE DATABASE x", &rows, &err), 0);
	assert_int_equal(cJSON_GetArraySize(rows), 0);	/* DDL: no result set */
	cJSON_Delete(rows);
	assert_int_equal(sqlstmt_run(w, "wh1", "CREATE DATABASE x", &rows, &err), -1);
	assert_non_null(strstr(err.msg, "statement_id"));
	ws_close(w);
}

/* ---- hive_ddl_parse ---- */

static void test_ddl_external(void **state)
{
	hive_ddl d;
	dbx_err err;
	(void)state;
	assert_int_equal(hive_ddl_parse("CREATE TABLE spark_catalog.sales.`raw orders` (\n  id BIGINT,\n"
					 "  note STRING COMMENT 'see LOCATION \\'x\\'')\nUSING JSON\n"
					 "PARTITIONED BY (id)\nLOCATION 'abfss://c@a.dfs.core.windows.net/it\\'s'\n"
					 "TBLPROPERTIES ('k' = 'v')\n", &d, &err), 0);
	assert_string_equal(d.type, "EXTERNAL");
	assert_string_equal(d.format, "json");
	assert_string_equal(d.location, "abfss://c@a.dfs.core.windows.net/it's");
	assert_string_equal(d.rest, "(id BIGINT, note STRING COMMENT 'see LOCATION \\'x\\'') USING JSON "
			    "PARTITIONED BY (id) TBLPROPERTIES ('k' = 'v')");
	hive_ddl_free(&d);
}

static void test_ddl_managed_and_view(void **state)
{
	hive_ddl d;
	dbx_err err;
	(void)state;
	assert_int_equal(hive_ddl_parse("CREATE TABLE db.t (location STRING, x INT)\nUSING delta\n", &d, &err), 0);
	assert_string_equal(d.type, "MANAGED");
	assert_null(d.location);
	assert_string_equal(d.rest, "(location STRING, x INT) USING delta");
	hive_ddl_free(&d);
	assert_int_equal(hive_ddl_parse("CREATE EXTERNAL TABLE db.t (a INT) STORED AS PARQUET", &d, &err), 0);
	assert_string_equal(d.type, "EXTERNAL");
	hive_ddl_free(&d);
	/* a view: its query is kept, a -- comment keeps its line end */
	assert_int_equal(hive_ddl_parse("CREATE VIEW spark_catalog.db.v AS -- by hand\nSELECT *   FROM t\n"
					 "WHERE location = 'LOCATION \"x\"'", &d, &err), 0);
	assert_string_equal(d.type, "VIEW");
	assert_null(d.location);
	assert_string_equal(d.rest, "AS -- by hand\nSELECT * FROM t WHERE location = 'LOCATION \"x\"'");
	hive_ddl_free(&d);
	assert_int_equal(hive_ddl_parse("SELECT 1", &d, &err), -1);
	assert_non_null(strstr(err.msg, "not a CREATE TABLE"));
	assert_int_equal(hive_ddl_parse("CREATE TABLE db.t (a STRING COMMENT 'open", &d, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_rows_by_column, teardown),
		cmocka_unit_test_teardown(test_polls_until_done, teardown),
		cmocka_unit_test_teardown(test_follows_chunks, teardown),
		cmocka_unit_test_teardown(test_chunk_loop_is_an_error, teardown),
		cmocka_unit_test_teardown(test_failed_carries_message, teardown),
		cmocka_unit_test_teardown(test_canceled_and_no_result, teardown),
		cmocka_unit_test(test_ddl_external),
		cmocka_unit_test(test_ddl_managed_and_view),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
