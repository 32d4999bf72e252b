/* Unit tests for the rules host: loading, applying a record, per-object
 * failures that leave the state usable, limits reset per object, several
 * files in order, JSON value comparison, file hash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "rules.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/dbx-rules-XXXXXX");
	assert_non_null(mkdtemp(dir));
	log_set_level(LOG_QUIET);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *write_rule(const char *name, const char *text)
{
	static char paths[4][256];
	static int n;
	char *p = paths[n++ % 4];
	FILE *f;

	snprintf(p, 256, "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static void test_apply_record(void **state)
{
	const char *files[2];
	rules_opts o = { 0 };
	rules *r;
	rules_out out;
	dbx_err err;
	const char *rec = "{\"key\":\"9\",\"id\":1099511627776,\"object\":{\"job_id\":1099511627776,"
			  "\"settings\":{\"name\":\"n\",\"max\":1}}}";

	(void)state;
	files[0] = write_rule("a.lua", "return { job = function(j) j.settings.max = j.settings.max + 1 end }\n");
	files[1] = write_rule("b.lua", "return { job = function(j) j.settings.seen = j.settings.max end }\n");
	o.files = files;
	o.nfiles = 2;
	assert_int_equal(rules_open(&r, &o, &err), 0);
	rules_out_init(&out);
	assert_int_equal(rules_apply(r, "job", rec, strlen(rec), 0, &out, &err), 0);
	assert_string_equal(out.record.data, "{\"key\":\"9\",\"id\":1099511627776,\"object\":{\"job_id\":1099511627776,"
					     "\"settings\":{\"name\":\"n\",\"max\":2,\"seen\":2}}}");
	assert_string_equal(out.key.data, "9");
	assert_string_equal(out.desc.data, "job 1099511627776 (\"n\")");
	assert_int_equal(out.naudit, 2);
	assert_true(out.changed);
	/* the same state again: the same answer (no state carried over) */
	assert_int_equal(rules_apply(r, "jobs", rec, strlen(rec), 0, &out, &err), 0);
	assert_int_equal(out.naudit, 2);
	/* not JSON */
	assert_int_equal(rules_apply(r, "job", "{x", 2, 0, &out, &err), -1);
	assert_int_equal(err.cls, ERR_PARSE);
	rules_out_free(&out);
	rules_close(r);
}

static void test_failures_and_limits(void **state)
{
	const char *files[1];
	rules_opts o = { 0 };
	rules *r;
	rules_out out;
	dbx_err err;
	const char *loop = "{\"key\":\"1\",\"id\":1,\"object\":{\"job_id\":1,\"settings\":{\"name\":\"loop\"}}}";
	const char *grow = "{\"key\":\"2\",\"id\":2,\"object\":{\"job_id\":2,\"settings\":{\"name\":\"grow\"}}}";
	const char *fine = "{\"key\":\"3\",\"id\":3,\"object\":{\"job_id\":3,\"settings\":{\"name\":\"fine\"}}}";
	int i;

	(void)state;
	files[0] = write_rule("l.lua",
			      "local keep = {}\n"
			      "return { job = function(j)\n"
			      "  if j.settings.name == 'loop' then while true do end end\n"
			      "  if j.settings.name == 'grow' then local t = {} for i = 1, 1e9 do t[i] = {} end end\n"
			      "  local s = 0 for i = 1, 20000 do s = s + i end j.settings.sum = s\n"
			      "end }\n");
	o.files = files;
	o.nfiles = 1;
	o.instructions = 500000;
	o.memory_mb = 4;
	assert_int_equal(rules_open(&r, &o, &err), 0);
	rules_out_init(&out);
	for (i = 0; i < 3; i++) {
		assert_int_equal(rules_apply(r, "job", loop, strlen(loop), 0, &out, &err), -1);
		assert_int_equal(err.cls, ERR_RULE);
		assert_non_null(strstr(err.msg, "l.lua:3: job 1 (\"loop\"): instruction limit of 500000 exceeded"));
		assert_int_equal(rules_apply(r, "job", grow, strlen(grow), 0, &out, &err), -1);
		assert_non_null(strstr(err.msg, "memory limit of 4 MB exceeded"));
		/* limits are per object: a normal object after them works */
		assert_int_equal(rules_apply(r, "job", fine, strlen(fine), 0, &out, &err), 0);
		assert_non_null(strstr(out.record.data, "\"sum\":200010000"));
	}
	rules_out_free(&out);
	rules_close(r);
}

static void test_load_errors(void **state)
{
	const char *files[1];
	rules_opts o = { 0 };
	rules *r;
	dbx_err err;
	const char *vars[] = { "=x" };

	(void)state;
	o.files = files;
	o.nfiles = 1;
	files[0] = write_rule("s.lua", "return {\n job = function( \n}\n");
	assert_int_equal(rules_open(&r, &o, &err), -1);
	assert_int_equal(err.cls, ERR_RULE);
	assert_int_equal(err_exit_code(&err), 3);
	assert_non_null(strstr(err.msg, "s.lua:3:"));
	files[0] = write_rule("u.lua", "return { jbo = function() end }\n");
	assert_int_equal(rules_open(&r, &o, &err), -1);
	assert_non_null(strstr(err.msg, "unknown field 'jbo' in the returned table (did you mean 'job'?)"));
	files[0] = write_rule("ok.lua", "return {}\n");
	o.vars = vars;
	o.nvars = 1;
	assert_int_equal(rules_open(&r, &o, &err), -1);
	assert_int_equal(err.cls, ERR_USAGE);
}

static void test_json_equal(void **state)
{
	const char *files[1];
	rules_opts o = { 0 };
	rules *r;
	dbx_err err;
	char why[300];

	(void)state;
	files[0] = write_rule("e.lua", "return {}\n");
	o.files = files;
	o.nfiles = 1;
	assert_int_equal(rules_open(&r, &o, &err), 0);
#define EQ(a, b) rules_json_equal(r, a, strlen(a), b, strlen(b), why, sizeof why)
	assert_int_equal(EQ("{\"a\":1,\"b\":[1,2]}", "{\"b\":[1,2],\"a\":1}"), 1);
	assert_int_equal(EQ("{\"a\":1}", "{\"a\":1.0}"), 0);
	assert_string_equal(why, "a: got 1, expected 1.0");
	assert_int_equal(EQ("{\"a\":[]}", "{\"a\":{}}"), 0);
	assert_int_equal(EQ("{\"a\":null}", "{}"), 0);
	assert_string_equal(why, "a: got null, expected (absent)");
	assert_int_equal(EQ("{\"d\":\"{\\\"x\\\":1}\"}", "{\"d\":\"{ \\\"x\\\": 1 }\"}"), 1);
	assert_int_equal(EQ("{", "{}"), -1);
	assert_non_null(strstr(why, "result is not JSON"));
#undef EQ
	rules_close(r);
}

static void test_hash(void **state)
{
	char h1[64], h2[64];
	const char *p;

	(void)state;
	p = write_rule("h.lua", "return {}\n");
	assert_int_equal(rules_file_hash(p, h1, sizeof h1), 0);
	assert_int_equal(strncmp(h1, "fnv1a64:", 8), 0);
	assert_int_equal(strlen(h1), 8 + 16);
	p = write_rule("h.lua", "return { }\n");
	assert_int_equal(rules_file_hash(p, h2, sizeof h2), 0);
	assert_string_not_equal(h1, h2);
	assert_int_equal(rules_file_hash("/nonexistent/x.lua", h2, sizeof h2), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_record),
		cmocka_unit_test(test_failures_and_limits),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_json_equal),
		cmocka_unit_test(test_hash),
	};

	return cmocka_run_group_tests_name("rules", tests, setup, teardown);
}
