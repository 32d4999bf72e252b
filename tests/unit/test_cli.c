/* Unit tests for cli: option forms, types, repeatable lists, positional
 * arguments, usage errors with hints, --help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "http.h"
#include "log.h"

static const cli_cmd cmd = { "export", "--session S", "read things" };
static const char *session, *profile;
static int parallel, dry;
static double rate;
static cli_strv only;
static const cli_opt opts[] = {
	{ "--session", 0, CLI_STR, &session, "ID", "session id" },
	{ "--profile", 'p', CLI_STR, &profile, "NAME", "profile" },
	{ "--parallel", 0, CLI_INT, &parallel, "N", "in flight" },
	{ "--rate-limit", 0, CLI_DOUBLE, &rate, "RPS", "rate" },
	{ "--only", 0, CLI_LIST, &only, "K,..", "kinds" },
	{ "--dry-run", 0, CLI_FLAG, &dry, NULL, "plan only" },
	{ 0 },
};

static int run(int argc, const char *const *argv, cli_strv *pos, dbx_err *err)
{
	session = profile = NULL;
	parallel = dry = 0;
	rate = 0;
	cli_strv_free(&only);
	return cli_parse(&cmd, opts, argc, (char **)argv, pos, err);
}

static void test_forms(void **state)
{
	const char *argv[] = { "export", "--session=s1", "-p", "src", "--parallel", "16",
			       "--rate-limit=2.5", "--only", "jobs", "--only=users,groups",
			       "--dry-run", "DIR", "--", "--not-an-option" };
	cli_strv pos = { 0 };
	dbx_err err;

	(void)state;
	assert_int_equal(run(14, argv, &pos, &err), 0);
	assert_string_equal(session, "s1");
	assert_string_equal(profile, "src");
	assert_int_equal(parallel, 16);
	assert_true(rate == 2.5);
	assert_int_equal(only.n, 2);
	assert_string_equal(only.v[1], "users,groups");
	assert_int_equal(dry, 1);
	assert_int_equal(pos.n, 2);
	assert_string_equal(pos.v[0], "DIR");
	assert_string_equal(pos.v[1], "--not-an-option");
	cli_strv_free(&pos);
	cli_strv_free(&only);
}

static void test_errors(void **state)
{
	static const struct {
		int argc;
		const char *argv[4];
		const char *msg;
	} cases[] = {
		{ 2, { "export", "--sesion" }, "unknown option '--sesion' (did you mean --session?)" },
		{ 3, { "export", "--sesion=x" }, "unknown option '--sesion' (did you mean --session?)" },
		{ 2, { "export", "--frobnicate" }, "unknown option '--frobnicate'; see 'dbxmig export --help'" },
		{ 2, { "export", "-x" }, "unknown option '-x'" },
		{ 2, { "export", "--session" }, "--session needs a value (ID)" },
		{ 3, { "export", "--parallel", "many" }, "--parallel wants a whole number >= 0, not 'many'" },
		{ 3, { "export", "--parallel", "-1" }, "--parallel wants a whole number >= 0" },
		{ 3, { "export", "--parallel", "99999999999" }, "--parallel wants a whole number" },
		{ 3, { "export", "--rate-limit", "nan" }, "--rate-limit wants a number >= 0" },
		{ 2, { "export", "--dry-run=yes" }, "--dry-run takes no value" },
		{ 2, { "export", "stray" }, "unexpected argument 'stray'" },
		{ 2, { "export", "--paralel=3" }, "did you mean --parallel?" },
	};
	size_t i;
	char buf[1024];

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		dbx_err err;
		int rc = run(cases[i].argc, cases[i].argv, NULL, &err);
		if (rc != -1 || err.cls != ERR_USAGE ||
		    !strstr(err_str(&err, buf, sizeof buf), cases[i].msg))
			fail_msg("case %zu: rc %d '%s', want '%s'", i, rc, rc ? buf : "", cases[i].msg);
		assert_int_equal(err_exit_code(&err), 2);
		assert_string_equal(err.where, "export");
	}
	cli_strv_free(&only);
}

static void test_help_and_globals(void **state)
{
	const char *h[] = { "export", "--help" };
	const char *v[] = { "export", "-v", "--session", "s" };
	const char *q[] = { "export", "-q" };
	const char *d[] = { "export", "--debug" };
	dbx_err err;
	FILE *saved = stdout;
	FILE *null = fopen("/dev/null", "w");

	(void)state;
	stdout = null;	/* cli_usage output is not under test here */
	assert_int_equal(run(2, h, NULL, &err), 1);
	stdout = saved;
	fclose(null);
	assert_int_equal(run(4, v, NULL, &err), 0);
	assert_int_equal(log_get_level(), LOG_VERBOSE);
	assert_int_equal(run(2, q, NULL, &err), 0);
	assert_int_equal(log_get_level(), LOG_QUIET);
	assert_int_equal(run(2, d, NULL, &err), 0);
	assert_int_equal(log_get_level(), LOG_DEBUG);
	log_set_level(LOG_INFO);
	{	/* --insecure reaches every command through the HTTP defaults */
		const char *in[] = { "export", "--insecure" };
		http_opts o;
		http_opts_default(&o);
		assert_int_equal(o.insecure, 0);
		assert_int_equal(run(2, in, NULL, &err), 0);
		http_opts_default(&o);
		assert_int_equal(o.insecure, 1);
		http_default_insecure(0);
	}
	assert_int_equal(cli_require(&cmd, NULL, "--session", &err), -1);
	assert_string_equal(err.msg, "--session is required; see 'dbxmig export --help'");
	assert_int_equal(cli_require(&cmd, "x", "--session", &err), 0);
}

static void test_usage_text(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	cli_usage(f, &cmd, opts);
	fclose(f);
	assert_non_null(strstr(buf, "usage: dbxmig export --session S\n"));
	assert_non_null(strstr(buf, "  -p, --profile NAME"));
	assert_non_null(strstr(buf, "      --only K,.."));
	assert_non_null(strstr(buf, "(repeatable)"));
	assert_non_null(strstr(buf, "  -q, --quiet"));
	free(buf);
}

static void test_suggest(void **state)
{
	const char *c[] = { "export", "import", "transform", "validate", "status" };
	(void)state;
	assert_string_equal(cli_suggest("exprot", c, 5), "export");
	assert_string_equal(cli_suggest("transfrom", c, 5), "transform");
	assert_string_equal(cli_suggest("valid", c, 5), "validate");
	assert_null(cli_suggest("zzzzzz", c, 5));
	assert_null(cli_suggest("x", c, 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_help_and_globals),
		cmocka_unit_test(test_usage_text),
		cmocka_unit_test(test_suggest),
	};
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
