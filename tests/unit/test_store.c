/* Unit tests for store: permissions, checkpoints, crash safety (partial last
 * line cut off and reported), corrupt lines skipped with file:line, atomic
 * rewrite, failure log, and blob names that try to escape or collide. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

#include "log.h"
#include "store.h"

static char tmpl[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpl, sizeof tmpl, "/tmp/dbx-store-XXXXXX");
	assert_non_null(mkdtemp(tmpl));
	log_set_level(LOG_QUIET);
	return 0;
}

static void rm_rf(const char *path)
{
	char cmd[PATH_MAX + 16];
	/* Test scratch only, under /tmp, named by mkdtemp. */
	if (strncmp(path, "/tmp/dbx-store-", 15) == 0 &&
	    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path) < (int)sizeof cmd)
		assert_int_equal(system(cmd), 0);
}

static int teardown(void **state)
{
	(void)state;
	rm_rf(tmpl);
	return 0;
}

static store *open_store(void)
{
	store *st;
	dbx_err err;
	assert_int_equal(store_open(&st, tmpl, "s1", 1, &err), 0);
	return st;
}

static cJSON *rec(const char *key, double id)
{
	cJSON *r = cJSON_CreateObject(), *o = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "key", key);
	cJSON_AddNumberToObject(r, "id", id);
	cJSON_AddStringToObject(o, "name", key);
	cJSON_AddItemToObject(r, "object", o);
	return r;
}

static void append_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	static char buf[65536];
	size_t n;
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_open_modes(void **state)
{
	store *st;
	dbx_err err;
	struct stat sb;
	char p[PATH_MAX];

	(void)state;
	assert_int_equal(store_open(&st, tmpl, "absent", 0, &err), -1);
	assert_int_equal(err.cls, ERR_USAGE);
	assert_int_equal(store_open(&st, tmpl, "../evil", 1, &err), -1);
	assert_int_equal(store_open(&st, tmpl, "", 1, &err), -1);
	st = open_store();
	assert_int_equal(stat(store_root(st), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	cJSON_AddStringToObject(store_meta(st), "source_host", "https://x");
	assert_int_equal(store_meta_save(st, &err), 0);
	assert_non_null(store_path(st, p, sizeof p, "session.json"));
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	store_close(st);
	st = open_store();	/* meta survives */
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(store_meta(st), "source_host")),
			    "https://x");
	store_close(st);
}

static void test_append_checkpoint(void **state)
{
	store *st = open_store();
	dbx_err err;
	jsonl_out *o;
	jsonl_in *in;
	cJSON *r;
	char p[PATH_MAX];
	struct stat sb;
	int i, n = 0;

	(void)state;
	o = store_append(st, "export", "jobs", &err);
	assert_non_null(o);
	for (i = 0; i < 3; i++) {
		char k[16];
		snprintf(k, sizeof k, "job-%d", i);
		r = rec(k, 1099511627776.0 + i);	/* > 2^40 */
		assert_int_equal(jsonl_out_put(o, r, &err), 0);
		cJSON_Delete(r);
	}
	r = cJSON_CreateObject();	/* no key: refused */
	assert_int_equal(jsonl_out_put(o, r, &err), -1);
	cJSON_Delete(r);
	assert_int_equal(jsonl_out_close(o, &err), 0);
	store_path(st, p, sizeof p, "export/jobs.jsonl");
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	o = store_append(st, "export", "jobs", &err);	/* a re-run */
	assert_non_null(o);
	assert_int_equal(jsonl_out_count(o), 3);
	assert_true(jsonl_out_has(o, "job-1"));
	assert_false(jsonl_out_has(o, "job-9"));
	assert_int_equal(jsonl_out_close(o, &err), 0);

	in = store_read(st, "export", "jobs", &err);
	assert_non_null(in);
	while ((r = jsonl_in_next(in)) != NULL) {
		assert_true(cJSON_GetObjectItem(r, "id")->valuedouble == 1099511627776.0 + n);
		cJSON_Delete(r);
		n++;
	}
	assert_int_equal(n, 3);
	assert_int_equal(jsonl_in_skipped(in), 0);
	jsonl_in_close(in);

	in = store_read(st, "export", "nothing", &err);	/* missing: empty */
	assert_non_null(in);
	assert_null(jsonl_in_next(in));
	jsonl_in_close(in);
	assert_null(store_read(st, "../x", "jobs", &err));
	store_close(st);
}

static void test_partial_last_line(void **state)
{
	store *st = open_store();
	dbx_err err;
	jsonl_out *o;
	jsonl_in *in;
	cJSON *r;
	char p[PATH_MAX], runlog[PATH_MAX];

	(void)state;
	store_path(st, p, sizeof p, "export/users.jsonl");
	store_path(st, runlog, sizeof runlog, "logs/run.log");
	o = store_append(st, "export", "users", &err);
	r = rec("a@x.com", 1);
	assert_int_equal(jsonl_out_put(o, r, &err), 0);
	cJSON_Delete(r);
	assert_int_equal(jsonl_out_close(o, &err), 0);
	/* A crash in the middle of the second append. */
	append_text(p, "{\"key\":\"b@x.com\",\"id\":2,\"obj");

	/* A reader skips it and says where. */
	in = jsonl_in_open(p, &err);
	r = jsonl_in_next(in);
	assert_non_null(r);
	cJSON_Delete(r);
	assert_null(jsonl_in_next(in));
	assert_int_equal(jsonl_in_skipped(in), 1);
	jsonl_in_close(in);
	assert_non_null(strstr(slurp(runlog), "users.jsonl:2: incomplete line"));

	/* The next writer cuts it off, reports it, and b is not checkpointed. */
	o = store_append(st, "export", "users", &err);
	assert_non_null(o);
	assert_int_equal(jsonl_out_count(o), 1);
	assert_false(jsonl_out_has(o, "b@x.com"));
	assert_non_null(strstr(slurp(runlog), "users.jsonl:2: incomplete last line"));
	r = rec("b@x.com", 2);
	assert_int_equal(jsonl_out_put(o, r, &err), 0);
	cJSON_Delete(r);
	assert_int_equal(jsonl_out_close(o, &err), 0);
	assert_string_equal(slurp(p), "{\"key\":\"a@x.com\",\"id\":1,\"object\":{\"name\":\"a@x.com\"}}\n"
				      "{\"key\":\"b@x.com\",\"id\":2,\"object\":{\"name\":\"b@x.com\"}}\n");
	store_close(st);
}

static void test_corrupt_lines(void **state)
{
	store *st = open_store();
	dbx_err err;
	jsonl_in *in;
	jsonl_out *o;
	cJSON *r;
	char p[PATH_MAX], runlog[PATH_MAX], *log;
	int n = 0;

	(void)state;
	store_path(st, p, sizeof p, "export/groups.jsonl");
	store_path(st, runlog, sizeof runlog, "logs/run.log");
	o = store_append(st, "export", "groups", &err);
	jsonl_out_close(o, &err);
	append_text(p, "{\"key\":\"g1\"}\n{not json}\n[1,2]\n{\"nokey\":1}\n\n{\"key\":\"g2\"} x\n"
		       "{\"key\":\"g3\"}\n");
	in = store_read(st, "export", "groups", &err);
	while ((r = jsonl_in_next(in)) != NULL) {
		n++;
		cJSON_Delete(r);
	}
	assert_int_equal(n, 2);
	assert_int_equal(jsonl_in_skipped(in), 4);
	assert_int_equal(jsonl_in_line(in), 7);
	jsonl_in_close(in);
	log = slurp(runlog);
	assert_non_null(strstr(log, "groups.jsonl:2: invalid JSON"));
	assert_non_null(strstr(log, "groups.jsonl:3: not a JSON object"));
	assert_non_null(strstr(log, "groups.jsonl:4: record without a string \"key\""));
	assert_non_null(strstr(log, "groups.jsonl:6: trailing text"));
	store_close(st);
}

static void test_rewrite_atomic(void **state)
{
	store *st = open_store();
	dbx_err err;
	jsonl_out *o;
	cJSON *r;
	char p[PATH_MAX], tmp[PATH_MAX];

	(void)state;
	store_path(st, p, sizeof p, "mapped/jobs.jsonl");
	store_path(st, tmp, sizeof tmp, "mapped/jobs.jsonl.tmp");
	o = store_rewrite(st, "mapped", "jobs", &err);
	r = rec("old", 1);
	jsonl_out_put(o, r, &err);
	cJSON_Delete(r);
	assert_int_equal(jsonl_out_close(o, &err), 0);
	/* A rewrite in progress leaves the old file whole until close. */
	o = store_rewrite(st, "mapped", "jobs", &err);
	r = rec("new", 2);
	jsonl_out_put(o, r, &err);
	cJSON_Delete(r);
	assert_non_null(strstr(slurp(p), "\"old\""));
	jsonl_out_abort(o);
	assert_non_null(strstr(slurp(p), "\"old\""));
	assert_int_equal(access(tmp, F_OK), -1);
	o = store_rewrite(st, "mapped", "jobs", &err);
	r = rec("new", 2);
	jsonl_out_put(o, r, &err);
	cJSON_Delete(r);
	assert_int_equal(jsonl_out_close(o, &err), 0);
	assert_null(strstr(slurp(p), "\"old\""));
	assert_non_null(strstr(slurp(p), "\"new\""));
	assert_int_equal(access(tmp, F_OK), -1);
	store_close(st);
}

static void test_fail_log(void **state)
{
	store *st = open_store();
	dbx_err e, fe;
	char p[PATH_MAX], *text;
	cJSON *r;

	(void)state;
	log_add_secret("dapiSECRET123");
	err_set(&e, ERR_HTTP, "POST /api/2.1/jobs/create", "bad token dapiSECRET123");
	e.http_status = 400;
	snprintf(e.error_code, sizeof e.error_code, "INVALID_PARAMETER_VALUE");
	assert_int_equal(store_fail(st, "import", "jobs", "nightly", &e, &fe), 0);
	assert_int_equal(store_fail(st, "import", "jobs", "other", &e, &fe), 0);
	store_path(st, p, sizeof p, "logs/failed_import_jobs.jsonl");
	text = slurp(p);
	assert_null(strstr(text, "dapiSECRET123"));
	r = cJSON_Parse(text);	/* first line */
	assert_non_null(r);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(r, "key")), "nightly");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(
				    cJSON_GetObjectItem(r, "error"), "error_code")),
			    "INVALID_PARAMETER_VALUE");
	cJSON_Delete(r);
	assert_non_null(strstr(text, "\"other\""));
	/* a failure that cannot be recorded is an error naming the file */
	store_path(st, p, sizeof p, "logs/failed_import_clusters.jsonl");
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(store_fail(st, "import", "clusters", "c1", &e, &fe), -1);
	assert_int_equal(fe.cls, ERR_IO);
	assert_non_null(strstr(fe.where, "failed_import_clusters.jsonl"));
	assert_non_null(strstr(fe.msg, strerror(EISDIR)));
	store_close(st);
}

/* Every file under dir must stay under dir: walks it and counts files. */
static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char p[PATH_MAX];
		struct stat sb;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		assert_true(strlen(e->d_name) <= 255);
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		assert_int_equal(lstat(p, &sb), 0);
		if (S_ISDIR(sb.st_mode))
			n += count_files(p);
		else
			n++;
	}
	closedir(d);
	return n;
}

static void test_blob_names(void **state)
{
	store *st = open_store();
	dbx_err err;
	static char longname[4001], longdeep[4001], longname2[4001];
	struct { const char *name; size_t len; } names[] = {
		{ "/Users/a@x.com/../../etc/passwd", 0 },
		{ "/Users/a@x.com/Foo", 0 },
		{ "/Users/a@x.com/foo", 0 },
		{ "/Users/a@x.com/foo/bar", 0 },	/* foo is a file and a prefix */
		{ "/Users/a@x.com/%46oo", 0 },
		{ "..", 0 },
		{ ".", 0 },
		{ "", 0 },
		{ "/", 0 },
		{ "//", 0 },
		{ "a\0b", 3 },
		{ "a", 0 },
		{ "/a", 0 },
		{ "~long.d", 0 },
		{ longname, 0 },
		{ longname2, 0 },
		{ longdeep, 0 },
	};
	size_t i, n = sizeof names / sizeof names[0];
	char p[PATH_MAX];
	int before, after;

	(void)state;
	memset(longname, 'x', 4000);
	memset(longname2, 'x', 4000);
	longname2[3999] = 'y';	/* same prefix, differs at the end */
	for (i = 0; i < 4000; i++)
		longdeep[i] = i % 2 ? '/' : 'Q';
	store_path(st, p, sizeof p, "export");
	mkdir(p, 0700);
	before = count_files(store_root(st));
	for (i = 0; i < n; i++) {
		char data[32];
		if (!names[i].len)
			names[i].len = strlen(names[i].name);
		snprintf(data, sizeof data, "blob %zu", i);
		assert_int_equal(store_blob_write(st, "export", names[i].name, names[i].len, data,
						  strlen(data), &err), 0);
	}
	for (i = 0; i < n; i++) {
		char want[32], *got;
		size_t len;
		snprintf(want, sizeof want, "blob %zu", i);
		assert_int_equal(store_blob_read(st, "export", names[i].name, names[i].len, &got,
						 &len, &err), 0);
		assert_int_equal(len, strlen(want));
		assert_memory_equal(got, want, len);
		free(got);
	}
	/* Nothing escaped: no file appeared outside export/blobs. */
	store_path(st, p, sizeof p, "export/blobs");
	after = count_files(store_root(st));
	assert_int_equal(after - before, count_files(p));
	assert_int_equal(access("/tmp/etc/passwd", F_OK), -1);
	/* Case-insensitive safety: no two entries in one directory fold equal. */
	{
		char d[PATH_MAX];
		DIR *dd;
		struct dirent *e;
		char seen[64][256];
		int k = 0, j;
		snprintf(d, sizeof d, "%s/export/blobs/%%.d/%%55sers.d/a%%40x.com.d", store_root(st));
		dd = opendir(d);
		assert_non_null(dd);
		while ((e = readdir(dd)) != NULL && k < 64) {
			if (e->d_name[0] == '.')
				continue;
			for (j = 0; j < k; j++)
				assert_int_not_equal(strcasecmp(seen[j], e->d_name), 0);
			snprintf(seen[k++], 256, "%s", e->d_name);
		}
		closedir(dd);
		assert_int_equal(k, 5);	/* Foo, foo, foo/, %46oo, ../../ */
	}
	/* A missing blob is an error, not empty data. */
	{
		char *got;
		size_t len;
		assert_int_equal(store_blob_read(st, "export", "/nope", 5, &got, &len, &err), -1);
		assert_int_equal(err.cls, ERR_IO);
	}
	store_close(st);
}

static void test_blob_collision_detected(void **state)
{
	store *st = open_store();
	dbx_err err;
	char name[400], p[PATH_MAX], *got;
	size_t len;
	FILE *f;

	(void)state;
	memset(name, 'z', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_int_equal(store_blob_write(st, "export", name, strlen(name), "one", 3, &err), 0);
	/* Forge a collision: the sidecar names another logical name. */
	snprintf(p, sizeof p, "%s/export/blobs/", store_root(st));
	{
		DIR *d = opendir(p);
		struct dirent *e;
		size_t base = strlen(p);
		int found = 0;
		assert_non_null(d);
		while ((e = readdir(d)) != NULL) {
			size_t l = strlen(e->d_name);
			if (l > 2 && strcmp(e->d_name + l - 2, ".n") == 0 && base + l < sizeof p) {
				memcpy(p + base, e->d_name, l + 1);
				found = 1;
			}
		}
		closedir(d);
		assert_true(found);
	}
	f = fopen(p, "w");
	fputs("someone else", f);
	fclose(f);
	assert_int_equal(store_blob_write(st, "export", name, strlen(name), "two", 3, &err), -1);
	assert_non_null(strstr(err.msg, "collision"));
	assert_int_equal(store_blob_read(st, "export", name, strlen(name), &got, &len, &err), -1);
	store_close(st);
}

static void test_many_keys_small(void **state)
{
	store *st = open_store();
	dbx_err err;
	jsonl_out *o = store_append(st, "export", "users", &err);
	char key[32], line[64];
	int i;

	(void)state;
	for (i = 0; i < 20000; i++) {
		int n;
		snprintf(key, sizeof key, "user%d@x.com", i);
		n = snprintf(line, sizeof line, "{\"key\":\"%s\"}", key);
		assert_int_equal(jsonl_out_put_raw(o, key, line, (size_t)n, &err), 0);
	}
	assert_int_equal(jsonl_out_put_raw(o, "k", "{\"key\":\n\"k\"}", 12, &err), -1);
	jsonl_out_close(o, &err);
	o = store_append(st, "export", "users", &err);
	assert_int_equal(jsonl_out_count(o), 20000);
	for (i = 0; i < 20000; i += 997) {
		snprintf(key, sizeof key, "user%d@x.com", i);
		assert_true(jsonl_out_has(o, key));
	}
	assert_false(jsonl_out_has(o, "user20000@x.com"));
	jsonl_out_close(o, &err);
	store_close(st);
}

/* Robustness: a file of mutated records (fixed seed) is read without a
 * crash; every line is either a record with a string key or reported and
 * skipped, and a writer opening the file agrees with the reader. */
static void test_mutated_lines(void **state)
{
	static const char good[] = "{\"key\":\"k\",\"id\":1099511627776,\"object\":{\"a\":[1,\"x\"]}}";
	static const char alphabet[] = "{}[]\",:\\ \r\0a1en";
	store *st = open_store();
	dbx_err err;
	char p[PATH_MAX], line[128];
	uint64_t rng = 7;
	long lines = 0, recs = 0;
	jsonl_in *in;
	jsonl_out *o;
	cJSON *r;
	FILE *f;
	int i;

	(void)state;
	o = store_append(st, "export", "fuzz", &err);
	assert_int_equal(jsonl_out_close(o, &err), 0);
	store_path(st, p, sizeof p, "export/fuzz.jsonl");
	f = fopen(p, "w");
	assert_non_null(f);
	for (i = 0; i < 3000; i++) {
		size_t len = sizeof good - 1, at;
		memcpy(line, good, len);
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		at = (size_t)(rng >> 8) % len;
		switch (rng % 4) {
		case 0:
			line[at] = alphabet[(rng >> 32) % (sizeof alphabet - 1)];
			break;
		case 1:
			len = at;
			break;
		case 2:
			memmove(line + at, line + at + 1, len - at - 1);
			len--;
			break;
		default:	/* unchanged */
			break;
		}
		line[len] = '\n';	/* keep embedded NULs: write by length */
		fwrite(line, 1, len + 1, f);
		lines += len > 0;
	}
	fwrite("{\"key\":\"partial\"", 1, 17, f);	/* and a partial last line */
	fclose(f);
	in = store_read(st, "export", "fuzz", &err);
	while ((r = jsonl_in_next(in)) != NULL) {
		assert_true(cJSON_IsString(cJSON_GetObjectItem(r, "key")));
		cJSON_Delete(r);
		recs++;
	}
	assert_int_equal(recs + jsonl_in_skipped(in), lines + 1);
	assert_true(recs > 0 && jsonl_in_skipped(in) > 0);
	jsonl_in_close(in);
	o = store_append(st, "export", "fuzz", &err);	/* cuts the partial line */
	assert_non_null(o);
	assert_int_equal(jsonl_out_count(o), recs);
	assert_false(jsonl_out_has(o, "partial"));
	assert_int_equal(jsonl_out_close(o, &err), 0);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_checkpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_last_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rewrite_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blob_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blob_collision_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_keys_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mutated_lines, setup, teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
