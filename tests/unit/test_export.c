/* Unit tests of the export engine (src/export.c) against a scripted
 * server on 127.0.0.1, for what the fake workspace does not do: a job
 * whose tasks and job clusters come in several pages of jobs/get (more
 * than 100 tasks), job ids above 2^50, a list that pages with has_more,
 * and an object that disappears between list and permissions (404: logged
 * in failed_export_jobs.jsonl, exit 1, the rest exported). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "export.h"
#include "log.h"
#include "store.h"

#define BIG_ID "1125899906842624"
#define NTASKS 250

static int srv_fd = -1, srv_port, srv_stop;
static pthread_t srv_th;
static char seen[64][256];	/* request targets, in order */
static int nseen;
static pthread_mutex_t seen_mu = PTHREAD_MUTEX_INITIALIZER;

/* One page of the big job: tasks [from, to) and one job cluster. */
static char *big_page(int from, int to, const char *next)
{
	cJSON *r = cJSON_CreateObject(), *s, *tasks, *jcs, *jc;
	char *out;

	cJSON_AddItemToObject(r, "job_id", cJSON_CreateNumber(1125899906842624.0));
	s = cJSON_AddObjectToObject(r, "settings");
	if (from == 0)
		cJSON_AddStringToObject(s, "name", "big");
	tasks = cJSON_AddArrayToObject(s, "tasks");
	for (int i = from; i < to; i++) {
		cJSON *t = cJSON_CreateObject();
		char k[32];
		snprintf(k, sizeof k, "t%d", i);
		cJSON_AddStringToObject(t, "task_key", k);
		cJSON_AddItemToArray(tasks, t);
	}
	jcs = cJSON_AddArrayToObject(s, "job_clusters");
	jc = cJSON_CreateObject();
	cJSON_AddStringToObject(jc, "job_cluster_key", from == 0 ? "c0" : from == 100 ? "c1" : "c2");
	cJSON_AddItemToArray(jcs, jc);
	if (next) {
		cJSON_AddStringToObject(r, "next_page_token", next);
		cJSON_AddTrueToObject(r, "has_more");
	}
	out = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	return out;
}

/* The scripted replies: status and body for a request target. */
static int route(const char *target, char **body)
{
	if (strncmp(target, "/api/2.2/jobs/list", 18) == 0) {
		if (strstr(target, "page_token=p2"))
			*body = strdup("{\"jobs\":[{\"job_id\":7,\"settings\":{\"name\":\"gone\"}}],"
				       "\"has_more\":false}");
		else
			*body = strdup("{\"jobs\":[{\"job_id\":" BIG_ID ",\"settings\":{\"name\":\"big\"}}],"
				       "\"has_more\":true,\"next_page_token\":\"p2\"}");
		return 200;
	}
	if (strncmp(target, "/api/2.2/jobs/get?job_id=" BIG_ID, 25 + strlen(BIG_ID)) == 0) {
		if (strstr(target, "page_token=g3"))
			*body = big_page(200, NTASKS, NULL);
		else if (strstr(target, "page_token=g2"))
			*body = big_page(100, 200, "g3");
		else
			*body = big_page(0, 100, "g2");
		return 200;
	}
	if (strcmp(target, "/api/2.2/jobs/get?job_id=7") == 0) {
		*body = strdup("{\"job_id\":7,\"settings\":{\"name\":\"gone\"}}");
		return 200;
	}
	if (strcmp(target, "/api/2.0/permissions/jobs/" BIG_ID) == 0) {
		*body = strdup("{\"object_id\":\"/jobs/" BIG_ID "\",\"object_type\":\"job\","
			       "\"access_control_list\":[{\"user_name\":\"a@x.com\","
			       "\"all_permissions\":[{\"permission_level\":\"IS_OWNER\",\"inherited\":false}]}]}");
		return 200;
	}
	/* a hostile workspace: names outside the listed directory, itself,
	 * dot segments */
	if (strcmp(target, "/api/2.0/workspace/list?path=%2F") == 0) {
		*body = strdup("{\"objects\":["
			"{\"path\":\"/../../escape\",\"object_type\":\"NOTEBOOK\",\"object_id\":1,\"language\":\"PYTHON\"},"
			"{\"path\":\"/\",\"object_type\":\"DIRECTORY\",\"object_id\":2},"
			"{\"path\":\"/..\",\"object_type\":\"DIRECTORY\",\"object_id\":3},"
			"{\"path\":\"/d\",\"object_type\":\"DIRECTORY\",\"object_id\":5}]}");
		return 200;
	}
	if (strcmp(target, "/api/2.0/workspace/list?path=%2Fd") == 0) {
		*body = strdup("{\"objects\":["
			"{\"path\":\"/d\",\"object_type\":\"DIRECTORY\",\"object_id\":5},"
			"{\"path\":\"/d/../../x\",\"object_type\":\"NOTEBOOK\",\"object_id\":7},"
			"{\"path\":\"/d/ok\",\"object_type\":\"NOTEBOOK\",\"object_id\":6,\"language\":\"PYTHON\"}]}");
		return 200;
	}
	if (strcmp(target, "/api/2.0/permissions/directories/5") == 0 ||
	    strcmp(target, "/api/2.0/permissions/notebooks/6") == 0) {
		*body = strdup("{\"access_control_list\":[]}");
		return 200;
	}
	if (strcmp(target, "/api/2.0/workspace/export?path=%2Fd%2Fok&format=SOURCE") == 0) {
		*body = strdup("{\"content\":\"cHJpbnQoMSk=\",\"file_type\":\"py\"}");
		return 200;
	}
	*body = strdup("{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"no such object\"}");
	return 404;
}

static void serve_one(int c)
{
	char req[8192], *end, *sp, *sp2, hdr[256], *body = NULL;
	size_t n = 0;
	int status, h;

	while (n < sizeof req - 1) {
		ssize_t r = read(c, req + n, sizeof req - 1 - n);
		if (r <= 0)
			return;
		n += (size_t)r;
		req[n] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	end = strstr(req, "\r\n");
	sp = strchr(req, ' ');
	if (!end || !sp)
		return;
	sp2 = strchr(sp + 1, ' ');
	if (!sp2)
		return;
	*sp2 = '\0';
	pthread_mutex_lock(&seen_mu);
	if (nseen < 64)
		snprintf(seen[nseen++], sizeof seen[0], "%s", sp + 1);
	pthread_mutex_unlock(&seen_mu);
	status = route(sp + 1, &body);
	h = snprintf(hdr, sizeof hdr,
		     "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n\r\n", status, strlen(body));
	if (write(c, hdr, (size_t)h) < 0 || write(c, body, strlen(body)) < 0)
		(void)0;
	free(body);
}

static void *serve(void *arg)
{
	(void)arg;
	while (!srv_stop) {
		struct pollfd p = { srv_fd, POLLIN, 0 };
		int c;
		if (poll(&p, 1, 50) <= 0)
			continue;
		c = accept(srv_fd, NULL, NULL);
		if (c < 0)
			continue;
		serve_one(c);
		close(c);
	}
	return NULL;
}

static int setup(void **state)
{
	struct sockaddr_in a;
	socklen_t al = sizeof a;
	char tmpl[] = "/tmp/dbxmig-test-export.XXXXXX", *dir, cfg[512];
	FILE *f;
	int one = 1;

	dir = mkdtemp(tmpl);
	assert_non_null(dir);
	srv_fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(srv_fd >= 0);
	setsockopt(srv_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(srv_fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(srv_fd, 64), 0);
	assert_int_equal(getsockname(srv_fd, (struct sockaddr *)&a, &al), 0);
	srv_port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&srv_th, NULL, serve, NULL), 0);

	snprintf(cfg, sizeof cfg, "%s/cfg", dir);
	f = fopen(cfg, "w");
	assert_non_null(f);
	fprintf(f, "[T]\nhost = http://127.0.0.1:%d\ntoken = tok\n", srv_port);
	fclose(f);
	setenv("DATABRICKS_CONFIG_FILE", cfg, 1);
	log_set_level(LOG_ERROR);
	*state = strdup(dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	srv_stop = 1;
	pthread_join(srv_th, NULL);
	close(srv_fd);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", (char *)*state);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", (char *)*state);
	free(*state);
	return 0;
}

static int saw(const char *needle)
{
	int hit = 0;

	pthread_mutex_lock(&seen_mu);
	for (int i = 0; i < nseen; i++)
		if (strstr(seen[i], needle))
			hit = 1;
	pthread_mutex_unlock(&seen_mu);
	return hit;
}

static void test_jobs_paged(void **state)
{
	const char *dir = *state;
	export_opts o;
	store *st;
	dbx_err err;
	jsonl_in *in;
	cJSON *rec, *tasks, *jcs;
	char path[600], *txt = NULL;
	FILE *f;
	long sz;

	memset(&o, 0, sizeof o);
	o.dir = dir;
	o.session = "s";
	o.profile = "T";
	o.cloud = "aws";
	o.only = "jobs";
	o.parallel = 4;
	o.rate_limit = 0;
	o.quiet_summary = 1;
	/* job 7 is listed, then its permissions are gone: exit 1, the big one is there */
	assert_int_equal(export_run(&o), 1);

	assert_true(saw("/api/2.2/jobs/list?expand_tasks=false&limit=100"));
	assert_true(saw("page_token=p2"));
	assert_true(saw("job_id=" BIG_ID "&page_token=g2"));
	assert_true(saw("job_id=" BIG_ID "&page_token=g3"));

	assert_int_equal(store_open(&st, dir, "s", 0, &err), 0);
	in = store_read(st, "export", "jobs", &err);
	assert_non_null(in);
	rec = jsonl_in_next(in);
	assert_non_null(rec);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(rec, "key")), "big");
	assert_true(cJSON_GetObjectItem(rec, "id")->valuedouble == 1125899906842624.0);
	tasks = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "object"), "settings"),
				    "tasks");
	jcs = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "object"), "settings"),
				  "job_clusters");
	assert_int_equal(cJSON_GetArraySize(tasks), NTASKS);
	for (int i = 0; i < NTASKS; i++) {
		char k[32];
		snprintf(k, sizeof k, "t%d", i);
		assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(tasks, i),
									     "task_key")), k);
	}
	assert_int_equal(cJSON_GetArraySize(jcs), 3);
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "object"), "next_page_token"));
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "object"), "has_more"));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "object"),
								"access_control_list")), 1);
	cJSON_Delete(rec);
	assert_null(jsonl_in_next(in));	/* the vanished job is not recorded */
	jsonl_in_close(in);
	store_close(st);

	snprintf(path, sizeof path, "%s/s/logs/failed_export_jobs.jsonl", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	rewind(f);
	txt = calloc(1, (size_t)sz + 1);
	assert_int_equal(fread(txt, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	assert_non_null(strstr(txt, "\"key\":\"gone\""));
	assert_non_null(strstr(txt, "RESOURCE_DOES_NOT_EXIST"));
	free(txt);

	/* a re-run fetches nothing of the finished job and still fails the other */
	pthread_mutex_lock(&seen_mu);
	nseen = 0;
	pthread_mutex_unlock(&seen_mu);
	assert_int_equal(export_run(&o), 1);
	assert_false(saw("job_id=" BIG_ID));
	assert_false(saw("/permissions/jobs/" BIG_ID));
	assert_true(saw("/permissions/jobs/7"));
}

static int count_seen(const char *needle)
{
	int n = 0;

	pthread_mutex_lock(&seen_mu);
	for (int i = 0; i < nseen; i++)
		if (strstr(seen[i], needle))
			n++;
	pthread_mutex_unlock(&seen_mu);
	return n;
}

static void test_hostile_tree(void **state)
{
	const char *dir = *state;
	export_opts o;
	store *st;
	dbx_err err;
	jsonl_in *in;
	cJSON *rec;
	char *data = NULL, path[600];
	size_t len = 0;
	int n = 0;
	FILE *f;

	pthread_mutex_lock(&seen_mu);
	nseen = 0;
	pthread_mutex_unlock(&seen_mu);
	memset(&o, 0, sizeof o);
	o.dir = dir;
	o.session = "w";
	o.profile = "T";
	o.cloud = "aws";
	o.only = "workspace";
	o.parallel = 2;
	o.rate_limit = 0;
	o.quiet_summary = 1;
	assert_int_equal(export_run(&o), 1);
	/* "/", "/..", "/d" listed as itself: none walked again */
	assert_int_equal(count_seen("/api/2.0/workspace/list"), 2);
	assert_false(saw("escape"));
	assert_false(saw("%2E%2E") || saw("/.."));

	assert_int_equal(store_open(&st, dir, "w", 0, &err), 0);
	in = store_read(st, "export", "workspace", &err);
	while ((rec = jsonl_in_next(in))) {
		const char *k = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "key"));
		assert_true(strcmp(k, "/d") == 0 || strcmp(k, "/d/ok") == 0);
		n++;
		cJSON_Delete(rec);
	}
	jsonl_in_close(in);
	assert_int_equal(n, 2);
	assert_int_equal(store_blob_read(st, "export", "/d/ok", 5, &data, &len, &err), 0);
	assert_int_equal(len, 8);
	assert_memory_equal(data, "print(1)", 8);
	free(data);
	store_close(st);
	snprintf(path, sizeof path, "%s/../escape", dir);
	f = fopen(path, "r");
	assert_null(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jobs_paged),
		cmocka_unit_test(test_hostile_tree),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
