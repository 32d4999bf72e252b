/* Unit tests for log (redaction, levels, run log), err (formatting, exit
 * codes) and progress (summary rows; no live line when not a TTY). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"
#include "log.h"
#include "progress.h"

static void redact(const char *in, const char *want)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", in);
	log_redact(buf);
	if (strcmp(buf, want) != 0)
		fail_msg("redact('%s') = '%s', want '%s'", in, buf, want);
}

static void test_redaction(void **state)
{
	(void)state;
	log_add_secret("dapi0123456789abcdef");
	log_add_secret("s3cr3t-value");
	log_add_secret("abc");	/* too short to be a credential: ignored */
	redact("token dapi0123456789abcdef in text", "token **** in text");
	redact("twice s3cr3t-value s3cr3t-value.", "twice **** ****.");
	redact("Authorization: Bearer eyJhbGciOi.JIUzI1NiJ9.x", "Authorization: Bearer ****");
	redact("{\"access_token\":\"eyJraWQiOiJ\",\"expires_in\":3600}",
	       "{\"access_token\":\"****\",\"expires_in\":3600}");
	redact("{\"access_token\": \"xyz12345\"}", "{\"access_token\": \"****\"}");
	redact("grant_type=client_credentials&client_secret=abcd1234&x=1",
	       "grant_type=client_credentials&client_secret=****&x=1");
	redact("abc is not secret", "abc is not secret");
	redact("Bearer ", "Bearer ");
	redact("", "");
	/* a secret straddling the end of a bigger string */
	redact("xx-dapi0123456789abcdef", "xx-****");
}

/* Run last: it forgets the secrets the other tests registered. */
static void test_forget_secrets(void **state)
{
	(void)state;
	log_add_secret("forget-me-1234");
	redact("a forget-me-1234 b", "a **** b");
	log_forget_secrets();
	redact("a forget-me-1234 b dapi0123456789abcdef", "a forget-me-1234 b dapi0123456789abcdef");
	log_forget_secrets();	/* twice, and with none: no harm */
	log_add_secret("forget-me-1234");
	redact("a forget-me-1234 b", "a **** b");
	log_forget_secrets();
}

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_run_log(void **state)
{
	char path[] = "/tmp/dbx-log-XXXXXX";
	int fd = mkstemp(path);
	struct stat sb;
	char *text;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	log_set_level(LOG_QUIET);
	assert_int_equal(log_open_file(path), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	log_add_secret("run-log-secret-1");
	log_info("info line with run-log-secret-1");
	log_verbose("verbose line");
	log_debug("debug line not kept below --debug");
	log_file_only("file only line");
	log_set_level(LOG_DEBUG);
	log_debug("debug line kept");
	log_set_level(LOG_QUIET);
	log_close_file();
	text = slurp(path);
	assert_non_null(strstr(text, " info info line with ****\n"));
	assert_non_null(strstr(text, " verbose verbose line\n"));
	assert_null(strstr(text, "not kept"));
	assert_non_null(strstr(text, "file only line"));
	assert_non_null(strstr(text, "debug line kept"));
	assert_null(strstr(text, "run-log-secret-1"));
	unlink(path);
	assert_int_equal(log_open_file("/nonexistent-dir/x/run.log"), -1);
}

static void test_err(void **state)
{
	dbx_err e;
	char buf[256];

	(void)state;
	assert_int_equal(err_set(&e, ERR_CONFIG, "cfg:7", "profile [%s] has no host", "oldWS"), -1);
	assert_string_equal(err_str(&e, buf, sizeof buf), "cfg:7: profile [oldWS] has no host");
	err_prefix(&e, "connecting to %s", "src");
	assert_string_equal(err_str(&e, buf, sizeof buf),
			    "cfg:7: connecting to src: profile [oldWS] has no host");
	assert_int_equal(err_exit_code(&e), 2);
	err_set(&e, ERR_RULE, NULL, "boom");
	assert_string_equal(err_str(&e, buf, sizeof buf), "boom");
	assert_int_equal(err_exit_code(&e), 3);
	err_set(&e, ERR_HTTP, NULL, "x");
	assert_int_equal(err_exit_code(&e), 1);
	err_set(&e, ERR_AUTH, NULL, "x");
	assert_int_equal(err_exit_code(&e), 2);
	err_clear(&e);
	assert_int_equal(err_exit_code(&e), 0);
	err_str(&e, buf, 4);	/* tiny buffer stays terminated */
	assert_true(strlen(buf) < 4);
	{	/* an over-long message is cut, not overflowed */
		char big[3000];
		memset(big, 'm', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		err_set(&e, ERR_IO, big, "%s", big);
		err_prefix(&e, "%s", big);
		assert_true(strlen(e.msg) < sizeof e.msg);
		assert_true(strlen(e.where) < sizeof e.where);
	}
}

static void test_progress_summary(void **state)
{
	char path[] = "/tmp/dbx-prog-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w+");
	progress *a, *b;
	char *text;
	int i;

	(void)state;
	progress_reset();
	a = progress_begin("export", "jobs", -1);
	b = progress_begin("export", "users", 3);
	progress_add_total(a, 5);
	for (i = 0; i < 4; i++)
		progress_tick(a, PROG_OK);
	progress_tick(a, PROG_FAIL);
	progress_tick(b, PROG_SKIP);
	progress_count(b, PROG_OK, 2);
	progress_end(a);
	progress_end(b);
	a = progress_begin("export", "jobs", 1);	/* a re-run adds to the row */
	progress_tick(a, PROG_OK);
	progress_end(a);
	progress_row("import", "jobs", 3, 2, 0);
	assert_int_equal(progress_summary(f), 3);
	fflush(f);
	fclose(f);
	text = slurp(path);
	assert_non_null(strstr(text, "export                    exported   failed  skipped\n"));
	assert_non_null(strstr(text, "  jobs                           5        1        0\n"));
	assert_non_null(strstr(text, "  users                          2        0        1\n"));
	assert_non_null(strstr(text, "import                    imported   failed  skipped\n"));
	assert_non_null(strstr(text, "  total                          3        2        0\n"));
	unlink(path);
	progress_reset();
	progress_end(NULL);
	progress_tick(NULL, PROG_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redaction),
		cmocka_unit_test(test_run_log),
		cmocka_unit_test(test_err),
		cmocka_unit_test(test_progress_summary),
		cmocka_unit_test(test_forget_secrets),
	};
	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
