/* fw_gen: --generate jobs=N,clusters=N,notebooks=N,users=N: synthetic,
 * deterministic objects at scale (valid for the workspace's cloud) for
 * benchmarks and load tests of export and import. */
#include "fw_gen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *node_for(fw_cloud c)
{
	return c == FW_AWS ? "i3.xlarge" : c == FW_AZURE ? "Standard_DS3_v2" : "n2-standard-4";
}

static int parse_spec(const char *spec, long *jobs, long *clusters, long *notebooks, long *users,
		      char *err, size_t errlen)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", spec);
	for (char *p = buf; p && *p;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		char *eq = strchr(p, '=');
		long *dst = NULL;
		if (eq) {
			*eq = '\0';
			if (strcmp(p, "jobs") == 0) dst = jobs;
			else if (strcmp(p, "clusters") == 0) dst = clusters;
			else if (strcmp(p, "notebooks") == 0) dst = notebooks;
			else if (strcmp(p, "users") == 0) dst = users;
		}
		if (!dst) {
			snprintf(err, errlen, "'%s': expected jobs=N, clusters=N, notebooks=N or users=N", p);
			return -1;
		}
		char *end;
		errno = 0;
		long v = strtol(eq + 1, &end, 10);
		if (errno || end == eq + 1 || *end || v < 0 || v > 10000000) {
			snprintf(err, errlen, "%s=%s: expected a count between 0 and 10000000", p, eq + 1);
			return -1;
		}
		*dst = v;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

int fw_generate(fw_state *s, const char *spec, char *err, size_t errlen)
{
	long jobs = 0, clusters = 0, notebooks = 0, users = 0;
	char id[64], buf[256];
	if (parse_spec(spec, &jobs, &clusters, &notebooks, &users, err, errlen) < 0)
		return -1;
	for (long i = 0; i < users; i++) {
		cJSON *u = cJSON_CreateObject();
		snprintf(buf, sizeof buf, "gen.user%ld@example.com", i);
		cJSON_AddStringToObject(u, "id", fw_coll_new_id(s, FW_USERS, id, sizeof id));
		cJSON_AddStringToObject(u, "userName", buf);
		cJSON_AddStringToObject(u, "displayName", buf);
		cJSON_AddBoolToObject(u, "active", 1);
		cJSON *em = cJSON_AddArrayToObject(u, "emails"), *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "type", "work");
		cJSON_AddStringToObject(e, "value", buf);
		cJSON_AddBoolToObject(e, "primary", 1);
		cJSON_AddItemToArray(em, e);
		cJSON_AddArrayToObject(u, "groups");
		cJSON *sch = cJSON_AddArrayToObject(u, "schemas");
		cJSON_AddItemToArray(sch, cJSON_CreateString("urn:ietf:params:scim:schemas:core:2.0:User"));
		if (fw_coll_add(fw_coll_of(s, FW_USERS), u) < 0) {
			snprintf(err, errlen, "user %s exists already", buf);
			return -1;
		}
	}
	for (long i = 0; i < clusters; i++) {
		cJSON *c = cJSON_CreateObject();
		snprintf(id, sizeof id, "0101-%06ld-gen%05ld", i / 100000 % 1000000, i % 100000);
		cJSON_AddStringToObject(c, "cluster_id", id);
		snprintf(buf, sizeof buf, "gen-cluster-%ld", i);
		cJSON_AddStringToObject(c, "cluster_name", buf);
		cJSON_AddStringToObject(c, "spark_version", "15.4.x-scala2.12");
		cJSON_AddStringToObject(c, "node_type_id", node_for(s->cloud));
		cJSON_AddNumberToObject(c, "num_workers", (double)(1 + i % 8));
		cJSON_AddNumberToObject(c, "autotermination_minutes", 60);
		cJSON_AddStringToObject(c, "state", "TERMINATED");
		cJSON_AddStringToObject(c, "cluster_source", "UI");
		cJSON_AddStringToObject(c, "creator_user_name", "admin@fake.local");
		if (fw_coll_add(fw_coll_of(s, FW_CLUSTERS), c) < 0) {
			snprintf(err, errlen, "cluster %s exists already", id);
			return -1;
		}
	}
	for (long i = 0; i < jobs; i++) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "job_id", (double)fw_coll_new_num(s, FW_JOBS));
		cJSON_AddStringToObject(j, "creator_user_name", "admin@fake.local");
		cJSON_AddNumberToObject(j, "created_time", 1700000000000.0 + (double)i);
		cJSON *st = cJSON_AddObjectToObject(j, "settings");
		snprintf(buf, sizeof buf, "gen-job-%ld", i);
		cJSON_AddStringToObject(st, "name", buf);
		cJSON_AddNumberToObject(st, "max_concurrent_runs", 1);
		cJSON_AddStringToObject(st, "format", "MULTI_TASK");
		cJSON *jcs = cJSON_AddArrayToObject(st, "job_clusters"), *jc = cJSON_CreateObject();
		cJSON_AddStringToObject(jc, "job_cluster_key", "main");
		cJSON *nc = cJSON_AddObjectToObject(jc, "new_cluster");
		cJSON_AddStringToObject(nc, "spark_version", "15.4.x-scala2.12");
		cJSON_AddStringToObject(nc, "node_type_id", node_for(s->cloud));
		cJSON_AddNumberToObject(nc, "num_workers", 2);
		cJSON_AddItemToArray(jcs, jc);
		cJSON *tasks = cJSON_AddArrayToObject(st, "tasks");
		for (int t = 0; t < 2; t++) {
			cJSON *task = cJSON_CreateObject();
			cJSON_AddStringToObject(task, "task_key", t ? "report" : "ingest");
			cJSON_AddStringToObject(task, "job_cluster_key", "main");
			cJSON *nt = cJSON_AddObjectToObject(task, "notebook_task");
			snprintf(buf, sizeof buf, "/Shared/gen/job%ld/%s", i, t ? "report" : "ingest");
			cJSON_AddStringToObject(nt, "notebook_path", buf);
			if (t) {
				cJSON *dep = cJSON_AddArrayToObject(task, "depends_on"), *d = cJSON_CreateObject();
				cJSON_AddStringToObject(d, "task_key", "ingest");
				cJSON_AddItemToArray(dep, d);
			}
			cJSON_AddItemToArray(tasks, task);
		}
		fw_coll_add(fw_coll_of(s, FW_JOBS), j);
	}
	for (long i = 0; i < notebooks; i++) {
		char dir[128], path[192], src[256];
		snprintf(dir, sizeof dir, "/Shared/gen/d%03ld", i / 100);
		snprintf(path, sizeof path, "%s/nb%ld", dir, i);
		int n = snprintf(src, sizeof src, "# Databricks notebook source\nprint(\"generated notebook %ld\")\n", i);
		fw_wsobj *o = fw_ws_mkdirs(s, dir) ?
			fw_ws_put(s, path, "NOTEBOOK", "PYTHON", (const unsigned char *)src, (size_t)n, 0) : NULL;
		if (!o) {
			snprintf(err, errlen, "cannot create notebook %s", path);
			return -1;
		}
		o->created_at = o->modified_at = 1700000000000LL + i;	/* deterministic */
	}
	return 0;
}
