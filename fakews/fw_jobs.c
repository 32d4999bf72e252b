/* fw_jobs: jobs 2.0/2.1/2.2 (create, get, list, reset, update, delete)
 * with 64-bit ids above 2^40, list paging (limit <= 100, page_token,
 * has_more), 2.2 get paging of tasks and job clusters beyond 100, and the
 * reference checks of the real control plane (clusters, pools, policies,
 * warehouses, other jobs, pipelines, SQL queries and alerts, run_as
 * principals, job cluster keys). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_check.h"
#include "fw_http.h"
#include "fw_state.h"

#define GET_PAGE 100	/* 2.2 jobs/get: items per array per page */

static const fw_lookup L_JOB = {FW_JOBS, "job_id", 400, "INVALID_PARAMETER_VALUE", "Job ", " does not exist.", NULL};

static int ref_exists(fw_ctx *c, const cJSON *obj, const char *field, int which, const char *noun,
		      const char *where)
{
	char b[64];
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
	const char *id = NULL;
	if (!v)
		return 0;
	if (cJSON_IsString(v))
		id = v->valuestring;
	else if (cJSON_IsNumber(v)) {
		snprintf(b, sizeof b, "%.0f", v->valuedouble);
		id = b;
	}
	if (!id || !fw_coll_get(fw_coll_of(c->s, which), id)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s.%s: %s %s does not exist.", where, field, noun,
			 id ? id : "(invalid)");
		return -1;
	}
	return 0;
}

static int has_key(const cJSON *arr, const char *field, const char *key)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, arr) {
		const char *k = fw_str(e, field);
		if (k && strcmp(k, key) == 0)
			return 1;
	}
	return 0;
}

/* Checks a cluster-bearing object (a task or a legacy 2.0 settings). */
static int check_compute(fw_ctx *c, const cJSON *t, const cJSON *jcs, const char *where)
{
	char w[160];
	const cJSON *nc = cJSON_GetObjectItemCaseSensitive(t, "new_cluster");
	int n = (nc != NULL) + (cJSON_GetObjectItemCaseSensitive(t, "existing_cluster_id") != NULL) +
		(cJSON_GetObjectItemCaseSensitive(t, "job_cluster_key") != NULL);
	if (n > 1) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "%s: only one of new_cluster, existing_cluster_id and job_cluster_key may be set", where);
		return -1;
	}
	if (ref_exists(c, t, "existing_cluster_id", FW_CLUSTERS, "Cluster", where) < 0)
		return -1;
	if (nc) {
		snprintf(w, sizeof w, "%s.new_cluster", where);
		if (fw_check_cluster(c, nc, w) < 0)
			return -1;
	}
	const char *jk = fw_str(t, "job_cluster_key");
	if (jk && !has_key(jcs, "job_cluster_key", jk)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s.job_cluster_key: job cluster '%s' is not defined in job_clusters",
			 where, jk);
		return -1;
	}
	return 0;
}

/* Validates job SETTINGS the way the control plane does on create/reset. */
static int check_settings(fw_ctx *c, const cJSON *st)
{
	char w[128];
	const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(st, "tasks");
	const cJSON *jcs = cJSON_GetObjectItemCaseSensitive(st, "job_clusters"), *e;
	int i = 0;
	if (tasks && !cJSON_IsArray(tasks)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "tasks must be an array");
		return -1;
	}
	if (cJSON_GetArraySize(tasks) > 1000) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "A job can have at most 1000 tasks");
		return -1;
	}
	cJSON_ArrayForEach(e, jcs) {
		const char *k = fw_str(e, "job_cluster_key");
		snprintf(w, sizeof w, "job_clusters[%d]", i);
		if (!k || !*k) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s.job_cluster_key: Missing required field", w);
			return -1;
		}
		int dups = 0;
		const cJSON *x;
		cJSON_ArrayForEach(x, jcs)
			if (fw_str(x, "job_cluster_key") && strcmp(fw_str(x, "job_cluster_key"), k) == 0)
				dups++;
		if (dups > 1) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s: duplicate job_cluster_key '%s'", w, k);
			return -1;
		}
		snprintf(w, sizeof w, "job_clusters[%d].new_cluster", i);
		if (fw_check_cluster(c, cJSON_GetObjectItemCaseSensitive(e, "new_cluster"), w) < 0)
			return -1;
		i++;
	}
	i = 0;
	cJSON_ArrayForEach(e, tasks) {
		const char *k = fw_str(e, "task_key");
		snprintf(w, sizeof w, "tasks[%d]", i);
		if (!k || !*k) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s.task_key: Missing required field", w);
			return -1;
		}
		int dups = 0;
		const cJSON *x;
		cJSON_ArrayForEach(x, tasks)
			if (fw_str(x, "task_key") && strcmp(fw_str(x, "task_key"), k) == 0)
				dups++;
		if (dups > 1) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s: duplicate task_key '%s'", w, k);
			return -1;
		}
		snprintf(w, sizeof w, "tasks[%d] (%s)", i, k);
		if (check_compute(c, e, jcs, w) < 0)
			return -1;
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(e, "depends_on")) {
			const char *d = fw_str(x, "task_key");
			if (!d || !has_key(tasks, "task_key", d)) {
				fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s.depends_on: task '%s' does not exist in this job",
					 w, d ? d : "(missing)");
				return -1;
			}
		}
		if (ref_exists(c, cJSON_GetObjectItemCaseSensitive(e, "sql_task"), "warehouse_id", FW_WAREHOUSES,
			       "SQL warehouse", w) < 0 ||
		    ref_exists(c, cJSON_GetObjectItemCaseSensitive(e, "dbt_task"), "warehouse_id", FW_WAREHOUSES,
			       "SQL warehouse", w) < 0 ||
		    ref_exists(c, cJSON_GetObjectItemCaseSensitive(e, "run_job_task"), "job_id", FW_JOBS, "Job", w) < 0 ||
		    ref_exists(c, cJSON_GetObjectItemCaseSensitive(e, "pipeline_task"), "pipeline_id", FW_PIPELINES,
			       "Pipeline", w) < 0 ||
		    ref_exists(c, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(e, "sql_task"), "query"),
			       "query_id", FW_QUERIES, "Query", w) < 0 ||
		    ref_exists(c, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(e, "sql_task"), "alert"),
			       "alert_id", FW_ALERTS, "Alert", w) < 0 ||
		    ref_exists(c, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(e, "sql_task"), "dashboard"),
			       "dashboard_id", FW_SQL_DASHBOARDS, "Dashboard", w) < 0 ||
		    ref_exists(c, cJSON_GetObjectItemCaseSensitive(e, "dashboard_task"), "dashboard_id", FW_DASHBOARDS,
			       "Dashboard", w) < 0)
			return -1;
		i++;
	}
	if (!tasks && check_compute(c, st, jcs, "settings") < 0)
		return -1;
	const cJSON *ra = cJSON_GetObjectItemCaseSensitive(st, "run_as");
	const char *ru = fw_str(ra, "user_name"), *rsp = fw_str(ra, "service_principal_name");
	if (ru && !fw_coll_by_key(fw_coll_of(c->s, FW_USERS), ru) && strcmp(ru, c->user) != 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "run_as.user_name: User %s does not exist.", ru);
		return -1;
	}
	if (rsp && !fw_coll_by_key(fw_coll_of(c->s, FW_SPS), rsp)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "run_as.service_principal_name: Service principal %s does not exist.", rsp);
		return -1;
	}
	const cJSON *mcr = cJSON_GetObjectItemCaseSensitive(st, "max_concurrent_runs");
	if (mcr && (!cJSON_IsNumber(mcr) || mcr->valuedouble < 0 || mcr->valuedouble > 1000)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "max_concurrent_runs must be between 0 and 1000");
		return -1;
	}
	return 0;
}

static void settings_defaults(cJSON *st)
{
	if (!cJSON_GetObjectItemCaseSensitive(st, "name"))
		cJSON_AddStringToObject(st, "name", "Untitled");
	if (!cJSON_GetObjectItemCaseSensitive(st, "email_notifications"))
		cJSON_AddObjectToObject(st, "email_notifications");
	if (!cJSON_GetObjectItemCaseSensitive(st, "timeout_seconds"))
		cJSON_AddNumberToObject(st, "timeout_seconds", 0);
	if (!cJSON_GetObjectItemCaseSensitive(st, "max_concurrent_runs"))
		cJSON_AddNumberToObject(st, "max_concurrent_runs", 1);
	if (!cJSON_GetObjectItemCaseSensitive(st, "format"))
		cJSON_AddStringToObject(st, "format", cJSON_GetObjectItemCaseSensitive(st, "tasks") ? "MULTI_TASK" : "SINGLE_TASK");
}

static const char *run_as_name(fw_ctx *c, const cJSON *st)
{
	const cJSON *ra = cJSON_GetObjectItemCaseSensitive(st, "run_as");
	if (fw_str(ra, "user_name"))
		return fw_str(ra, "user_name");
	if (fw_str(ra, "service_principal_name"))
		return fw_str(ra, "service_principal_name");
	return c->user;
}

static void jobs_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b)
		return;
	if (cJSON_GetObjectItemCaseSensitive(b, "job_id") || cJSON_GetObjectItemCaseSensitive(b, "settings")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "jobs/create takes the job settings at the top level (no job_id, no settings wrapper)");
		return;
	}
	if (check_settings(c, b) < 0)
		return;
	int64_t id = fw_coll_new_num(c->s, FW_JOBS);
	cJSON *st = cJSON_Duplicate(b, 1);
	settings_defaults(st);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "job_id", (double)id);
	cJSON_AddStringToObject(o, "creator_user_name", c->user);
	cJSON_AddStringToObject(o, "run_as_user_name", run_as_name(c, st));
	cJSON_AddNumberToObject(o, "created_time", (double)fw_now_ms());
	cJSON_AddItemToObject(o, "settings", st);
	fw_coll_add(fw_coll_of(c->s, FW_JOBS), o);
	c->mutated = 1;
	cJSON *r = cJSON_CreateObject();
	cJSON_AddNumberToObject(r, "job_id", (double)id);
	fw_reply(c, 200, r);
}

/* 2.2 get: one page of each long array of settings. */
static void page_arrays(cJSON *st, long page)
{
	static const char *const arrays[] = {"tasks", "job_clusters", "environments", "parameters"};
	for (size_t i = 0; i < 4; i++) {
		cJSON *a = cJSON_GetObjectItemCaseSensitive(st, arrays[i]);
		if (!cJSON_IsArray(a))
			continue;
		int n = cJSON_GetArraySize(a);
		long lo = page * GET_PAGE, hi = lo + GET_PAGE;
		for (int k = n - 1; k >= 0; k--)
			if (k < lo || k >= hi)
				cJSON_DeleteItemFromArray(a, k);
		if (!cJSON_GetArraySize(a) && page > 0)
			cJSON_DeleteItemFromObjectCaseSensitive(st, arrays[i]);
	}
}

static long max_array(const cJSON *st)
{
	static const char *const arrays[] = {"tasks", "job_clusters", "environments", "parameters"};
	long m = 0;
	for (size_t i = 0; i < 4; i++) {
		long n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(st, arrays[i]));
		if (n > m)
			m = n;
	}
	return m;
}

static void jobs_get(fw_ctx *c, int v22)
{
	cJSON *o = fw_target(c, &L_JOB, NULL);
	if (!o)
		return;
	cJSON *r = cJSON_Duplicate(o, 1);
	if (v22) {
		long page = fw_page_token(c, fw_query(c, "page_token"));
		if (page < 0) {
			cJSON_Delete(r);
			return;
		}
		cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "settings");
		long total = max_array(st);
		page_arrays(st, page);
		char tb[32];
		if ((page + 1) * GET_PAGE < total)
			cJSON_AddStringToObject(r, "next_page_token", fw_make_token(page + 1, tb, sizeof tb));
	}
	fw_reply(c, 200, r);
}

static void jobs_get21(fw_ctx *c) { jobs_get(c, 0); }
static void jobs_get22(fw_ctx *c) { jobs_get(c, 1); }

static void jobs_list(fw_ctx *c)
{
	fw_coll *col = fw_coll_of(c->s, FW_JOBS);
	const char *lim = fw_query(c, "limit"), *offs = fw_query(c, "offset"), *name = fw_query(c, "name");
	const char *exp = fw_query(c, "expand_tasks");
	int expand = exp && strcmp(exp, "true") == 0;
	char *end = NULL;
	long limit = lim ? strtol(lim, &end, 10) : 20;
	if (lim && (*end || end == lim || limit < 0 || limit > 100)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid limit %s: must be between 0 and 100", lim);
		return;
	}
	if (limit == 0)
		limit = 20;
	limit = fw_page_size(c, (int)limit, 20);
	long off = fw_page_token(c, fw_query(c, "page_token"));
	if (off < 0)
		return;
	if (offs && !fw_query(c, "page_token")) {
		off = strtol(offs, &end, 10);
		if (*end || off < 0) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid offset %s", offs);
			return;
		}
	}
	cJSON *r = cJSON_CreateObject(), *arr = NULL;
	size_t i = (size_t)off;
	long n = 0;
	for (; i < col->n && n < limit; i++) {
		const cJSON *j = col->items[i];
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(j, "settings");
		if (name && strcmp(fw_str(st, "name") ? fw_str(st, "name") : "", name) != 0)
			continue;
		cJSON *e = cJSON_Duplicate(j, 1);
		if (!expand) {
			cJSON *es = cJSON_GetObjectItemCaseSensitive(e, "settings");
			cJSON_DeleteItemFromObjectCaseSensitive(es, "tasks");
			cJSON_DeleteItemFromObjectCaseSensitive(es, "job_clusters");
			cJSON_DeleteItemFromObjectCaseSensitive(es, "environments");
			cJSON_DeleteItemFromObjectCaseSensitive(es, "parameters");
		}
		if (!arr)
			arr = cJSON_AddArrayToObject(r, "jobs");
		cJSON_AddItemToArray(arr, e);
		n++;
	}
	for (; name && i < col->n; i++) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(col->items[i], "settings");
		if (strcmp(fw_str(st, "name") ? fw_str(st, "name") : "", name) == 0)
			break;
	}
	int more = i < col->n;
	cJSON_AddBoolToObject(r, "has_more", more);
	char tb[32];
	if (more)
		cJSON_AddStringToObject(r, "next_page_token", fw_make_token((long)i, tb, sizeof tb));
	if (off > 0)
		cJSON_AddStringToObject(r, "prev_page_token", fw_make_token(off > limit ? off - limit : 0, tb, sizeof tb));
	fw_reply(c, 200, r);
}

static cJSON *body_job(fw_ctx *c)
{
	cJSON *b;
	return fw_target(c, &L_JOB, &b);
}

static void store_settings(fw_ctx *c, cJSON *job, cJSON *st)
{
	settings_defaults(st);
	fw_set(job, "run_as_user_name", cJSON_CreateString(run_as_name(c, st)));
	fw_set(job, "settings", st);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void jobs_reset(fw_ctx *c)
{
	cJSON *job = body_job(c);
	if (!job)
		return;
	const cJSON *ns = cJSON_GetObjectItemCaseSensitive(c->json, "new_settings");
	if (!cJSON_IsObject(ns)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: new_settings");
		return;
	}
	if (check_settings(c, ns) < 0)
		return;
	store_settings(c, job, cJSON_Duplicate(ns, 1));
}

/* Merges array NEW into OLD by KEY field (jobs/update semantics). */
static void merge_by_key(cJSON *old, const cJSON *nw, const char *key)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, nw) {
		const char *k = fw_str(e, key);
		int idx = 0, found = -1;
		const cJSON *o;
		cJSON_ArrayForEach(o, old) {
			if (k && fw_str(o, key) && strcmp(fw_str(o, key), k) == 0)
				found = idx;
			idx++;
		}
		if (found >= 0)
			cJSON_ReplaceItemInArray(old, found, cJSON_Duplicate(e, 1));
		else
			cJSON_AddItemToArray(old, cJSON_Duplicate(e, 1));
	}
}

static void remove_by_key(cJSON *arr, const char *key, const char *val)
{
	for (int i = cJSON_GetArraySize(arr) - 1; i >= 0; i--) {
		const char *k = fw_str(cJSON_GetArrayItem(arr, i), key);
		if (k && strcmp(k, val) == 0)
			cJSON_DeleteItemFromArray(arr, i);
	}
}

static void jobs_update(fw_ctx *c)
{
	cJSON *job = body_job(c);
	if (!job)
		return;
	const cJSON *ns = cJSON_GetObjectItemCaseSensitive(c->json, "new_settings");
	const cJSON *rm = cJSON_GetObjectItemCaseSensitive(c->json, "fields_to_remove"), *e;
	if (ns && !cJSON_IsObject(ns)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "new_settings must be an object");
		return;
	}
	cJSON *st = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(job, "settings"), 1);
	cJSON_ArrayForEach(e, ns) {
		cJSON *cur = cJSON_GetObjectItemCaseSensitive(st, e->string);
		if ((strcmp(e->string, "tasks") == 0 || strcmp(e->string, "job_clusters") == 0) && cJSON_IsArray(cur))
			merge_by_key(cur, e, strcmp(e->string, "tasks") == 0 ? "task_key" : "job_cluster_key");
		else {
			cJSON_DeleteItemFromObjectCaseSensitive(st, e->string);
			cJSON_AddItemToObject(st, e->string, cJSON_Duplicate(e, 1));
		}
	}
	cJSON_ArrayForEach(e, rm) {
		const char *f = cJSON_GetStringValue(e);
		if (!f)
			continue;
		if (strncmp(f, "tasks/", 6) == 0)
			remove_by_key(cJSON_GetObjectItemCaseSensitive(st, "tasks"), "task_key", f + 6);
		else if (strncmp(f, "job_clusters/", 13) == 0)
			remove_by_key(cJSON_GetObjectItemCaseSensitive(st, "job_clusters"), "job_cluster_key", f + 13);
		else
			cJSON_DeleteItemFromObjectCaseSensitive(st, f);
	}
	if (check_settings(c, st) < 0) {
		cJSON_Delete(st);
		return;
	}
	store_settings(c, job, st);
}

static void jobs_delete(fw_ctx *c)
{
	cJSON *job = body_job(c);
	if (!job)
		return;
	char id[64], pk[96];
	snprintf(id, sizeof id, "%.0f", cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(job, "job_id")));
	fw_coll_del(fw_coll_of(c->s, FW_JOBS), id);
	snprintf(pk, sizeof pk, "jobs/%s", id);
	fw_coll_del(fw_coll_of(c->s, FW_PERMS), pk);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

#define JOB_ROUTES(v, get)                                           \
	{"POST", "/api/" v "/jobs/create", jobs_create},             \
	{"GET", "/api/" v "/jobs/get", get},                         \
	{"GET", "/api/" v "/jobs/list", jobs_list},                  \
	{"POST", "/api/" v "/jobs/reset", jobs_reset},               \
	{"POST", "/api/" v "/jobs/update", jobs_update},             \
	{"POST", "/api/" v "/jobs/delete", jobs_delete}

const fw_route fw_jobs_routes[] = {
	JOB_ROUTES("2.0", jobs_get21),
	JOB_ROUTES("2.1", jobs_get21),
	JOB_ROUTES("2.2", jobs_get22),
	{NULL, NULL, NULL},
};
