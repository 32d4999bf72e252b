/* Unit tests for idmap: the journal survives a reopen, a source already
 * journaled is not written twice, a partial last line (a crash) is cut off,
 * job ids above 2^40 keep every digit, kinds are kept apart, read-only maps
 * write nothing, a large map grows without losing entries, and no two
 * sources of a kind ever share one target id. */
#include <limits.h>
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

#include "idmap.h"
#include "log.h"
#include "store.h"

static char tmpl[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpl, sizeof tmpl, "/tmp/dbx-idmap-XXXXXX");
	assert_non_null(mkdtemp(tmpl));
	log_set_level(LOG_QUIET);
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];
	(void)state;
	/* Test scratch only, under /tmp, named by mkdtemp. */
	if (strncmp(tmpl, "/tmp/dbx-idmap-", 15) == 0 &&
	    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl) < (int)sizeof cmd)
		assert_int_equal(system(cmd), 0);
	return 0;
}

static store *open_store(void)
{
	store *st = NULL;
	dbx_err err = { 0 };
	assert_int_equal(store_open(&st, tmpl, "s", 1, &err), 0);
	return st;
}

static long lines_of(store *st)
{
	char path[PATH_MAX], buf[4096];
	long n = 0;
	assert_non_null(store_path(st, path, sizeof path, "import/ids.jsonl"));
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(buf, sizeof buf, f))
		n++;
	fclose(f);
	return n;
}

static void reopen_keeps_entries(void **state)
{
	(void)state;
	dbx_err err = { 0 };
	store *st = open_store();
	idmap *m = NULL;
	assert_int_equal(idmap_open(&m, st, 0, &err), 0);
	assert_null(idmap_target(m, "jobs", "1125899906842631"));
	assert_int_equal(idmap_put(m, "jobs", "1125899906842631", "1099511627777", "nightly", &err), 0);
	assert_int_equal(idmap_put(m, "clusters", "1125899906842631", "0915-abc", "shared", &err), 0);
	/* the same pair again: no second line */
	assert_int_equal(idmap_put(m, "jobs", "1125899906842631", "1099511627777", "nightly", &err), 0);
	idmap_close(m);
	assert_int_equal(lines_of(st), 2);

	assert_int_equal(idmap_open(&m, st, 0, &err), 0);
	assert_string_equal(idmap_target(m, "jobs", "1125899906842631"), "1099511627777");
	assert_string_equal(idmap_name(m, "jobs", "1125899906842631"), "nightly");
	assert_string_equal(idmap_target(m, "clusters", "1125899906842631"), "0915-abc");
	assert_null(idmap_target(m, "pools", "1125899906842631"));
	assert_int_equal(idmap_count(m, "jobs"), 1);
	assert_int_equal(idmap_count(m, NULL), 2);
	idmap_close(m);
	store_close(st);
}

static void readonly_writes_nothing(void **state)
{
	(void)state;
	dbx_err err = { 0 };
	store *st = open_store();
	idmap *m = NULL;
	assert_int_equal(idmap_open(&m, st, 1, &err), 0);
	assert_int_equal(idmap_put(m, "users", "42", "7", "a@b.c", &err), 0);
	assert_string_equal(idmap_target(m, "users", "42"), "7");
	idmap_close(m);
	assert_int_equal(lines_of(st), 0);
	store_close(st);
}

static void partial_last_line_is_cut(void **state)
{
	(void)state;
	dbx_err err = { 0 };
	store *st = open_store();
	idmap *m = NULL;
	assert_int_equal(idmap_open(&m, st, 0, &err), 0);
	assert_int_equal(idmap_put(m, "users", "1", "101", "a", &err), 0);
	idmap_close(m);
	/* a crash in the middle of the next append */
	char path[PATH_MAX];
	assert_non_null(store_path(st, path, sizeof path, "import/ids.jsonl"));
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("{\"key\": \"users/2\", \"kind\": \"us", f);
	fclose(f);

	assert_int_equal(idmap_open(&m, st, 0, &err), 0);
	assert_string_equal(idmap_target(m, "users", "1"), "101");
	assert_null(idmap_target(m, "users", "2"));
	assert_int_equal(idmap_put(m, "users", "2", "102", "b", &err), 0);
	idmap_close(m);
	assert_int_equal(lines_of(st), 2);
	assert_int_equal(idmap_open(&m, st, 0, &err), 0);
	assert_string_equal(idmap_target(m, "users", "2"), "102");
	idmap_close(m);
	store_close(st);
}

static void changed_content_gets_a_new_line(void **state)
{
	(void)state;
	dbx_err err = { 0 };
	store *st = open_store();
	idmap *m = NULL;
	assert_int_equal(idmap_open(&m, st, 0, &err), 0);
	assert_int_equal(idmap_put_hash(m, "jobs", "5", "105", "j", "aaaa", &err), 0);
	assert_int_equal(idmap_put_hash(m, "jobs", "5", "105", "j", "aaaa", &err), 0);
	assert_int_equal(lines_of(st), 1);
	assert_int_equal(idmap_put_hash(m, "jobs", "5", "105", "j", "bbbb", &err), 0);
	assert_int_equal(idmap_put_hash(m, "jobs", "5", "105", "j", "bbbb", &err), 0);
	assert_int_equal(lines_of(st), 2);
	assert_string_equal(idmap_hash(m, "jobs", "5"), "bbbb");
	idmap_close(m);
	assert_int_equal(idmap_open(&m, st, 0, &err), 0);
	assert_string_equal(idmap_hash(m, "jobs", "5"), "bbbb");
	assert_string_equal(idmap_target(m, "jobs", "5"), "105");
	assert_int_equal(idmap_count(m, "jobs"), 1);
	idmap_close(m);
	store_close(st);
}

/* Two source objects never map to one target object of their kind: put
 * refuses (naming both keys), a journal line that does is skipped on
 * load, and a source that moves to another target frees its old one. */
static void targets_pair_one_to_one(void **state)
{
	(void)state;
	dbx_err err = { 0 };
	store *st = open_store();
	idmap *m = NULL;
	assert_int_equal(idmap_open(&m, st, 0, &err), 0);
	assert_int_equal(idmap_put(m, "jobs", "11", "900", "nightly", &err), 0);
	assert_int_equal(idmap_put(m, "jobs", "12", "900", "nightly", &err), -1);
	assert_int_equal(err.cls, ERR_FAILED);
	assert_non_null(strstr(err.msg, "jobs/12"));
	assert_non_null(strstr(err.msg, "jobs/11"));
	assert_null(idmap_target(m, "jobs", "12"));
	/* other kinds, and permissions of the same object, are apart */
	assert_int_equal(idmap_put(m, "clusters", "12", "900", "c", &err), 0);
	assert_int_equal(idmap_put(m, "permissions/jobs", "11", "900", "nightly", &err), 0);
	/* 11 moves: 900 is free for 12 */
	assert_int_equal(idmap_put(m, "jobs", "11", "901", "nightly", &err), 0);
	assert_int_equal(idmap_put(m, "jobs", "12", "900", "nightly", &err), 0);
	idmap_close(m);
	assert_int_equal(lines_of(st), 5);

	/* a journal of an older build that gave 13 the target of 11 */
	char path[PATH_MAX];
	assert_non_null(store_path(st, path, sizeof path, "import/ids.jsonl"));
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("{\"key\": \"jobs/13\", \"kind\": \"jobs\", \"source_id\": \"13\", "
	      "\"target_id\": \"901\", \"name\": \"nightly\"}\n", f);
	fclose(f);
	assert_int_equal(idmap_open(&m, st, 0, &err), 0);
	assert_string_equal(idmap_target(m, "jobs", "11"), "901");
	assert_string_equal(idmap_target(m, "jobs", "12"), "900");
	assert_null(idmap_target(m, "jobs", "13"));
	assert_int_equal(idmap_count(m, "jobs"), 2);
	idmap_close(m);

	/* lookup tables (idmap_mem) do not check */
	m = idmap_mem();
	assert_non_null(m);
	assert_int_equal(idmap_put(m, "p", "1", "", NULL, &err), 0);
	assert_int_equal(idmap_put(m, "p", "2", "", NULL, &err), 0);
	idmap_close(m);
	store_close(st);
}

static int count_cb(void *ud, const char *kind, const char *source_id, const char *target_id,
		    const char *name)
{
	(void)source_id;
	(void)target_id;
	(void)name;
	assert_string_equal(kind, "permissions/jobs");
	(*(long *)ud)++;
	return 0;
}

static void grows_and_iterates(void **state)
{
	(void)state;
	dbx_err err = { 0 };
	idmap *m = idmap_mem();
	char s[32], t[32];
	assert_non_null(m);
	for (int i = 0; i < 5000; i++) {
		snprintf(s, sizeof s, "%d", i);
		snprintf(t, sizeof t, "t%d", i);
		assert_int_equal(idmap_put(m, i % 2 ? "permissions/jobs" : "jobs", s, t, NULL, &err), 0);
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(s, sizeof s, "%d", i);
		snprintf(t, sizeof t, "t%d", i);
		assert_string_equal(idmap_target(m, i % 2 ? "permissions/jobs" : "jobs", s), t);
		assert_null(idmap_target(m, i % 2 ? "jobs" : "permissions/jobs", s));
	}
	long n = 0;
	assert_int_equal(idmap_each(m, "permissions/jobs", count_cb, &n), 0);
	assert_int_equal(n, 2500);
	assert_int_equal(idmap_count(m, "jobs"), 2500);
	idmap_close(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(reopen_keeps_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(readonly_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(partial_last_line_is_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(changed_content_gets_a_new_line, setup, teardown),
		cmocka_unit_test_setup_teardown(targets_pair_one_to_one, setup, teardown),
		cmocka_unit_test(grows_and_iterates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
