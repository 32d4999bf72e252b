/* fw_compute: clusters (2.0 and 2.1), libraries, instance pools, cluster
 * policies, instance profiles, node types and Spark versions. No compute
 * runs: a created cluster is TERMINATED, start marks it RUNNING and delete
 * TERMINATED again, so state-dependent clients can still be exercised. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_check.h"
#include "fw_http.h"
#include "fw_nodes.h"
#include "fw_state.h"

static const char *const spark_versions[][2] = {
	{"16.4.x-scala2.12", "16.4 LTS (includes Apache Spark 3.5.2, Scala 2.12)"},
	{"15.4.x-scala2.12", "15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)"},
	{"15.4.x-cpu-ml-scala2.12", "15.4 LTS ML (includes Apache Spark 3.5.0, Scala 2.12)"},
	{"15.4.x-gpu-ml-scala2.12", "15.4 LTS ML (includes Apache Spark 3.5.0, GPU, Scala 2.12)"},
	{"15.4.x-photon-scala2.12", "15.4 LTS Photon (includes Apache Spark 3.5.0, Scala 2.12)"},
	{"14.3.x-scala2.12", "14.3 LTS (includes Apache Spark 3.5.0, Scala 2.12)"},
	{"14.3.x-cpu-ml-scala2.12", "14.3 LTS ML (includes Apache Spark 3.5.0, Scala 2.12)"},
	{"14.3.x-gpu-ml-scala2.12", "14.3 LTS ML (includes Apache Spark 3.5.0, GPU, Scala 2.12)"},
	{"13.3.x-scala2.12", "13.3 LTS (includes Apache Spark 3.4.1, Scala 2.12)"},
	{"13.3.x-cpu-ml-scala2.12", "13.3 LTS ML (includes Apache Spark 3.4.1, Scala 2.12)"},
	{"13.3.x-photon-scala2.12", "13.3 LTS Photon (includes Apache Spark 3.4.1, Scala 2.12)"},
	{"12.2.x-scala2.12", "12.2 LTS (includes Apache Spark 3.3.2, Scala 2.12)"},
	{"11.3.x-scala2.12", "11.3 LTS (includes Apache Spark 3.3.0, Scala 2.12)"},
	{"10.4.x-scala2.12", "10.4 LTS (includes Apache Spark 3.2.1, Scala 2.12)"},
	{"9.1.x-scala2.12", "9.1 LTS (includes Apache Spark 3.1.2, Scala 2.12)"},
	{"7.3.x-scala2.12", "7.3 LTS (includes Apache Spark 3.0.1, Scala 2.12)"},
};

/* Spark versions: the listed keys, or any "N.N.x-...scala2.1N" (old and
 * new runtimes clients may still carry). */
static int spark_version_ok(const char *v)
{
	for (size_t i = 0; i < sizeof spark_versions / sizeof *spark_versions; i++)
		if (strcmp(v, spark_versions[i][0]) == 0)
			return 1;
	if (v[0] < '1' || v[0] > '9' || !strstr(v, ".x-") || !strstr(v, "scala2.1"))
		return 0;
	return 1;
}

static const char *const cluster_readonly[] = {
	"cluster_id", "cluster_cores", "cluster_memory_mb", "creator_user_name", "default_tags", "driver",
	"executors", "jdbc_port", "last_restarted_time", "last_state_loss_time", "spark_context_id", "spec",
	"start_time", "state", "state_message", "terminated_time", "termination_reason", "cluster_log_status",
	NULL,
};

static int check_create_fields(fw_ctx *c, const cJSON *b, int edit)
{
	for (size_t i = 0; cluster_readonly[i]; i++) {
		if (edit && strcmp(cluster_readonly[i], "cluster_id") == 0)
			continue;
		if (cJSON_GetObjectItemCaseSensitive(b, cluster_readonly[i])) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s is a read-only field and cannot be set",
				 cluster_readonly[i]);
			return -1;
		}
	}
	const char *sv = fw_str(b, "spark_version");
	if (sv && !spark_version_ok(sv)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid spark version %s.", sv);
		return -1;
	}
	return fw_check_cluster(c, b, "");
}

/* Server-side defaults the real API adds to a stored cluster. */
static void add_defaults(fw_state *s, cJSON *o)
{
	const char *blk = s->cloud == FW_AWS ? "aws_attributes" : s->cloud == FW_AZURE ? "azure_attributes" : "gcp_attributes";
	cJSON *a = cJSON_GetObjectItemCaseSensitive(o, blk);
	if (!a)
		a = cJSON_AddObjectToObject(o, blk);
	if (!cJSON_GetObjectItemCaseSensitive(a, "availability"))
		cJSON_AddStringToObject(a, "availability", s->cloud == FW_AWS ? "SPOT_WITH_FALLBACK" :
						    s->cloud == FW_AZURE ? "ON_DEMAND_AZURE" : "ON_DEMAND_GCP");
	if (s->cloud != FW_GCP && !cJSON_GetObjectItemCaseSensitive(a, "first_on_demand"))
		cJSON_AddNumberToObject(a, "first_on_demand", 1);
	if (s->cloud == FW_AZURE && !cJSON_GetObjectItemCaseSensitive(a, "spot_bid_max_price"))
		cJSON_AddNumberToObject(a, "spot_bid_max_price", -1);
	if (s->cloud == FW_AWS && !cJSON_GetObjectItemCaseSensitive(a, "zone_id"))
		cJSON_AddStringToObject(a, "zone_id", "auto");
	if (s->cloud == FW_AWS && !cJSON_GetObjectItemCaseSensitive(a, "spot_bid_price_percent"))
		cJSON_AddNumberToObject(a, "spot_bid_price_percent", 100);
	if (!cJSON_GetObjectItemCaseSensitive(o, "enable_elastic_disk"))
		cJSON_AddBoolToObject(o, "enable_elastic_disk", s->cloud == FW_AZURE);
	if (s->cloud == FW_AZURE && !cJSON_GetObjectItemCaseSensitive(o, "disk_spec"))
		cJSON_AddObjectToObject(o, "disk_spec");
}

static void set_tags(cJSON *o, const char *user)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, "default_tags");
	cJSON *t = cJSON_AddObjectToObject(o, "default_tags");
	cJSON_AddStringToObject(t, "Vendor", "Databricks");
	cJSON_AddStringToObject(t, "Creator", user);
	cJSON_AddStringToObject(t, "ClusterName", fw_str(o, "cluster_name") ? fw_str(o, "cluster_name") : "");
	cJSON_AddStringToObject(t, "ClusterId", fw_str(o, "cluster_id"));
}

/* Output copy: "libraries" is the fake's bookkeeping, not part of get. */
static cJSON *cluster_out(const cJSON *o)
{
	cJSON *r = cJSON_Duplicate(o, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(r, "libraries");
	return r;
}

static const fw_lookup L_CLUSTER = {FW_CLUSTERS, "cluster_id", 400, "INVALID_PARAMETER_VALUE", "Cluster ",
				     " does not exist", NULL};

static void clusters_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b || check_create_fields(c, b, 0) < 0)
		return;
	char id[64];
	fw_coll_new_id(c->s, FW_CLUSTERS, id, sizeof id);
	cJSON *o = cJSON_Duplicate(b, 1);
	cJSON_AddStringToObject(o, "cluster_id", id);
	cJSON_AddStringToObject(o, "creator_user_name", c->user);
	cJSON_AddStringToObject(o, "state", "TERMINATED");
	cJSON_AddStringToObject(o, "state_message", "");
	cJSON_AddNumberToObject(o, "start_time", (double)fw_now_ms());
	if (!cJSON_GetObjectItemCaseSensitive(o, "cluster_source"))
		cJSON_AddStringToObject(o, "cluster_source", "API");
	add_defaults(c->s, o);
	set_tags(o, c->user);
	fw_coll_add(fw_coll_of(c->s, FW_CLUSTERS), o);
	fw_created(c, "cluster_id", id);
}

static void clusters_edit(fw_ctx *c)
{
	cJSON *b;
	cJSON *old = fw_target(c, &L_CLUSTER, &b);
	if (!old || check_create_fields(c, b, 1) < 0)
		return;
	static const char *const keep[] = {"creator_user_name", "state", "state_message", "start_time",
					   "cluster_source", "libraries", "pinned_by_user_name",
					   "terminated_time", "termination_reason", NULL};
	cJSON *o = cJSON_Duplicate(b, 1);
	for (size_t i = 0; keep[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(old, keep[i]);
		if (v && !cJSON_GetObjectItemCaseSensitive(o, keep[i]))
			cJSON_AddItemToObject(o, keep[i], cJSON_Duplicate(v, 1));
	}
	add_defaults(c->s, o);
	set_tags(o, fw_str(old, "creator_user_name") ? fw_str(old, "creator_user_name") : c->user);
	fw_coll_replace(fw_coll_of(c->s, FW_CLUSTERS), o);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void clusters_get(fw_ctx *c)
{
	cJSON *o = fw_target(c, &L_CLUSTER, NULL);
	if (o)
		fw_reply(c, 200, cluster_out(o));
}

static void clusters_list20(fw_ctx *c)
{
	fw_coll *col = fw_coll_of(c->s, FW_CLUSTERS);
	cJSON *r = cJSON_CreateObject();
	if (col->n) {
		cJSON *arr = cJSON_AddArrayToObject(r, "clusters");
		for (size_t i = 0; i < col->n; i++)
			cJSON_AddItemToArray(arr, cluster_out(col->items[i]));
	}
	fw_reply(c, 200, r);
}

static void clusters_list21(fw_ctx *c)
{
	fw_coll *col = fw_coll_of(c->s, FW_CLUSTERS);
	const char *ps = fw_query(c, "page_size");
	long off = fw_page_token(c, fw_query(c, "page_token"));
	if (off < 0)
		return;
	char *end = NULL;
	long req = ps ? strtol(ps, &end, 10) : 0;
	if (ps && (*end || req < 0 || req > 100)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "page_size must be between 1 and 100, got %s", ps);
		return;
	}
	int n = fw_page_size(c, (int)req, 20);
	cJSON *r = cJSON_CreateObject();
	size_t i = (size_t)off;
	if (i < col->n) {
		cJSON *arr = cJSON_AddArrayToObject(r, "clusters");
		for (int k = 0; i < col->n && k < n; i++, k++)
			cJSON_AddItemToArray(arr, cluster_out(col->items[i]));
	}
	char tb[32];
	if (i < col->n)
		cJSON_AddStringToObject(r, "next_page_token", fw_make_token((long)i, tb, sizeof tb));
	if (off > 0)
		cJSON_AddStringToObject(r, "prev_page_token", fw_make_token(off > n ? off - n : 0, tb, sizeof tb));
	fw_reply(c, 200, r);
}

static void set_state(cJSON *o, const char *state)
{
	fw_set(o, "state", cJSON_CreateString(state));
}

static void clusters_start(fw_ctx *c)
{
	cJSON *b;
	cJSON *o = fw_target(c, &L_CLUSTER, &b);
	if (!o)
		return;
	set_state(o, "RUNNING");
	cJSON_DeleteItemFromObjectCaseSensitive(o, "start_time");
	cJSON_AddNumberToObject(o, "start_time", (double)fw_now_ms());
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void clusters_restart(fw_ctx *c)
{
	cJSON *b;
	cJSON *o = fw_target(c, &L_CLUSTER, &b);
	if (!o)
		return;
	if (strcmp(fw_str(o, "state") ? fw_str(o, "state") : "", "TERMINATED") == 0) {
		fw_error(c, 400, "INVALID_STATE", "Cluster %s is in unexpected state Terminated.", fw_str(o, "cluster_id"));
		return;
	}
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void clusters_delete(fw_ctx *c)
{
	cJSON *b;
	cJSON *o = fw_target(c, &L_CLUSTER, &b);
	if (!o)
		return;
	set_state(o, "TERMINATED");
	cJSON_DeleteItemFromObjectCaseSensitive(o, "terminated_time");
	cJSON_AddNumberToObject(o, "terminated_time", (double)fw_now_ms());
	cJSON_DeleteItemFromObjectCaseSensitive(o, "termination_reason");
	cJSON *tr = cJSON_AddObjectToObject(o, "termination_reason");
	cJSON_AddStringToObject(tr, "code", "USER_REQUEST");
	cJSON_AddStringToObject(tr, "type", "SUCCESS");
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void clusters_permanent_delete(fw_ctx *c)
{
	cJSON *b;
	cJSON *o = fw_target(c, &L_CLUSTER, &b);
	if (!o)
		return;
	char id[128];
	snprintf(id, sizeof id, "%s", fw_str(o, "cluster_id"));
	fw_coll_del(fw_coll_of(c->s, FW_CLUSTERS), id);
	char pk[160];
	snprintf(pk, sizeof pk, "clusters/%s", id);
	fw_coll_del(fw_coll_of(c->s, FW_PERMS), pk);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void clusters_pin(fw_ctx *c, int pin)
{
	cJSON *b;
	cJSON *o = fw_target(c, &L_CLUSTER, &b);
	if (!o)
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(o, "pinned_by_user_name");
	if (pin)
		cJSON_AddStringToObject(o, "pinned_by_user_name", c->user);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void clusters_pin_h(fw_ctx *c) { clusters_pin(c, 1); }
static void clusters_unpin_h(fw_ctx *c) { clusters_pin(c, 0); }

static void node_types(fw_ctx *c)
{
	fw_reply(c, 200, fw_nodes_list(c->s->cloud));
}

static void spark_versions_h(fw_ctx *c)
{
	cJSON *r = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(r, "versions");
	for (size_t i = 0; i < sizeof spark_versions / sizeof *spark_versions; i++) {
		cJSON *v = cJSON_CreateObject();
		cJSON_AddStringToObject(v, "key", spark_versions[i][0]);
		cJSON_AddStringToObject(v, "name", spark_versions[i][1]);
		cJSON_AddItemToArray(arr, v);
	}
	fw_reply(c, 200, r);
}

/* ---- libraries ---- */

static cJSON *lib_statuses(const cJSON *cl)
{
	cJSON *arr = cJSON_CreateArray();
	const cJSON *l;
	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(cl, "libraries")) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddItemToObject(s, "library", cJSON_Duplicate(l, 1));
		cJSON_AddStringToObject(s, "status", "INSTALLED");
		cJSON_AddBoolToObject(s, "is_library_for_all_clusters", 0);
		cJSON_AddItemToArray(arr, s);
	}
	return arr;
}

static void libs_status(fw_ctx *c)
{
	cJSON *cl = fw_target(c, &L_CLUSTER, NULL);
	if (!cl)
		return;
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "cluster_id", fw_str(cl, "cluster_id"));
	cJSON *st = lib_statuses(cl);
	if (cJSON_GetArraySize(st))
		cJSON_AddItemToObject(r, "library_statuses", st);
	else
		cJSON_Delete(st);
	fw_reply(c, 200, r);
}

static void libs_all(fw_ctx *c)
{
	fw_coll *col = fw_coll_of(c->s, FW_CLUSTERS);
	cJSON *r = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(r, "statuses");
	for (size_t i = 0; i < col->n; i++) {
		if (!cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(col->items[i], "libraries")))
			continue;
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "cluster_id", fw_str(col->items[i], "cluster_id"));
		cJSON_AddItemToObject(s, "library_statuses", lib_statuses(col->items[i]));
		cJSON_AddItemToArray(arr, s);
	}
	fw_reply(c, 200, r);
}

static int lib_ok(fw_ctx *c, const cJSON *l, int i)
{
	static const char *const kinds[] = {"jar", "egg", "whl", "requirements", "pypi", "maven", "cran", NULL};
	const cJSON *f = l ? l->child : NULL;
	int known = 0;
	for (size_t k = 0; f && kinds[k]; k++)
		if (strcmp(f->string, kinds[k]) == 0)
			known = 1;
	if (!cJSON_IsObject(l) || !known || cJSON_GetArraySize(l) != 1) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "libraries[%d]: a library must have exactly one of jar, egg, whl, requirements, pypi, maven, cran", i);
		return 0;
	}
	const char *path = cJSON_IsString(f) ? f->valuestring : NULL;
	if (path && ((c->s->cloud != FW_AZURE && (strncmp(path, "abfss://", 8) == 0 || strncmp(path, "wasbs://", 8) == 0)) ||
		     (c->s->cloud != FW_AWS && strncmp(path, "s3://", 5) == 0))) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "libraries[%d].%s: %s is not reachable from a %s workspace",
			 i, f->string, path, fw_cloud_name(c->s->cloud));
		return 0;
	}
	return 1;
}

static void libs_change(fw_ctx *c, int install)
{
	cJSON *b;
	cJSON *cl = fw_target(c, &L_CLUSTER, &b);
	if (!cl)
		return;
	const cJSON *libs = cJSON_GetObjectItemCaseSensitive(b, "libraries"), *l;
	if (!cJSON_IsArray(libs)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: libraries");
		return;
	}
	int i = 0;
	cJSON_ArrayForEach(l, libs)
		if (!lib_ok(c, l, i++))
			return;
	cJSON *have = cJSON_GetObjectItemCaseSensitive(cl, "libraries");
	if (!cJSON_IsArray(have))
		have = cJSON_AddArrayToObject(cl, "libraries");
	cJSON_ArrayForEach(l, libs) {
		int found = -1, k = 0;
		const cJSON *h;
		cJSON_ArrayForEach(h, have) {
			if (cJSON_Compare(h, l, 1))
				found = k;
			k++;
		}
		if (install && found < 0)
			cJSON_AddItemToArray(have, cJSON_Duplicate(l, 1));
		else if (!install && found >= 0)
			cJSON_DeleteItemFromArray(have, found);
	}
	if (!cJSON_GetArraySize(have))
		cJSON_DeleteItemFromObjectCaseSensitive(cl, "libraries");
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void libs_install(fw_ctx *c) { libs_change(c, 1); }
static void libs_uninstall(fw_ctx *c) { libs_change(c, 0); }

/* ---- instance pools ---- */

static const fw_lookup L_POOL = {FW_POOLS, "instance_pool_id", 400, "RESOURCE_DOES_NOT_EXIST",
				  "Can't find an instance pool with id: ", ".", NULL};

static void pool_defaults(fw_state *s, cJSON *o)
{
	const char *blk = s->cloud == FW_AWS ? "aws_attributes" : s->cloud == FW_AZURE ? "azure_attributes" : "gcp_attributes";
	cJSON *a = cJSON_GetObjectItemCaseSensitive(o, blk);
	if (!a)
		a = cJSON_AddObjectToObject(o, blk);
	if (!cJSON_GetObjectItemCaseSensitive(a, "availability"))
		cJSON_AddStringToObject(a, "availability", s->cloud == FW_AWS ? "SPOT" :
						    s->cloud == FW_AZURE ? "ON_DEMAND_AZURE" : "ON_DEMAND_GCP");
	if (!cJSON_GetObjectItemCaseSensitive(o, "min_idle_instances"))
		cJSON_AddNumberToObject(o, "min_idle_instances", 0);
	if (!cJSON_GetObjectItemCaseSensitive(o, "enable_elastic_disk"))
		cJSON_AddBoolToObject(o, "enable_elastic_disk", s->cloud == FW_AZURE);
	cJSON_DeleteItemFromObjectCaseSensitive(o, "state");
	cJSON_AddStringToObject(o, "state", "ACTIVE");
	cJSON_DeleteItemFromObjectCaseSensitive(o, "default_tags");
	cJSON *t = cJSON_AddObjectToObject(o, "default_tags");
	cJSON_AddStringToObject(t, "Vendor", "Databricks");
	cJSON_AddStringToObject(t, "DatabricksInstancePoolCreatorId", "1");
	cJSON_AddStringToObject(t, "DatabricksInstancePoolId", fw_str(o, "instance_pool_id"));
}

static void pools_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b)
		return;
	if (!fw_str(b, "instance_pool_name") || !*fw_str(b, "instance_pool_name")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: instance_pool_name");
		return;
	}
	if (cJSON_GetObjectItemCaseSensitive(b, "instance_pool_id")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "instance_pool_id is a read-only field and cannot be set");
		return;
	}
	if (fw_check_pool(c, b) < 0)
		return;
	char id[64];
	fw_coll_new_id(c->s, FW_POOLS, id, sizeof id);
	cJSON *o = cJSON_Duplicate(b, 1);
	cJSON_AddStringToObject(o, "instance_pool_id", id);
	pool_defaults(c->s, o);
	fw_coll_add(fw_coll_of(c->s, FW_POOLS), o);
	fw_created(c, "instance_pool_id", id);
}

static void pools_edit(fw_ctx *c)
{
	cJSON *b;
	cJSON *old = fw_target(c, &L_POOL, &b);
	if (!old || fw_check_pool(c, b) < 0)
		return;
	if (strcmp(fw_str(old, "node_type_id") ? fw_str(old, "node_type_id") : "", fw_str(b, "node_type_id")) != 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "node_type_id of instance pool %s cannot be changed",
			 fw_str(old, "instance_pool_id"));
		return;
	}
	cJSON *o = cJSON_Duplicate(b, 1);
	pool_defaults(c->s, o);
	fw_coll_replace(fw_coll_of(c->s, FW_POOLS), o);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void pools_get(fw_ctx *c)
{
	cJSON *o = fw_target(c, &L_POOL, NULL);
	if (o)
		fw_reply(c, 200, cJSON_Duplicate(o, 1));
}

static void pools_list(fw_ctx *c)
{
	fw_coll *col = fw_coll_of(c->s, FW_POOLS);
	cJSON *r = cJSON_CreateObject();
	if (col->n) {
		cJSON *arr = cJSON_AddArrayToObject(r, "instance_pools");
		for (size_t i = 0; i < col->n; i++)
			cJSON_AddItemToArray(arr, cJSON_Duplicate(col->items[i], 1));
	}
	fw_reply(c, 200, r);
}

static void pools_delete(fw_ctx *c)
{
	cJSON *b;
	cJSON *o = fw_target(c, &L_POOL, &b);
	if (!o)
		return;
	char id[128];
	snprintf(id, sizeof id, "%s", fw_str(o, "instance_pool_id"));
	fw_coll_del(fw_coll_of(c->s, FW_POOLS), id);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

/* ---- cluster policies ---- */

static const fw_lookup L_POLICY = {FW_POLICIES, "policy_id", 400, "RESOURCE_DOES_NOT_EXIST",
				    "Can't find a cluster policy with id: ", ".", NULL};

/* definition: a JSON string holding an object of attribute rules; rules on
 * another cloud's attributes and unknown fixed node types are rejected. */
static int check_definition(fw_ctx *c, const char *def)
{
	cJSON *d = cJSON_Parse(def);
	int rc = -1;
	if (!cJSON_IsObject(d)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid policy definition: not a JSON object: %.80s", def);
		goto out;
	}
	const cJSON *rule;
	cJSON_ArrayForEach(rule, d) {
		const char *k = rule->string;
		const char *mine = c->s->cloud == FW_AWS ? "aws_attributes" : c->s->cloud == FW_AZURE ? "azure_attributes" : "gcp_attributes";
		if ((strncmp(k, "aws_attributes", 14) == 0 || strncmp(k, "azure_attributes", 16) == 0 ||
		     strncmp(k, "gcp_attributes", 14) == 0) && strncmp(k, mine, strlen(mine)) != 0) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE",
				 "Invalid policy definition: attribute %s is not supported on a %s workspace", k,
				 fw_cloud_name(c->s->cloud));
			goto out;
		}
		if (!cJSON_IsObject(rule) || !fw_str(rule, "type")) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid policy definition: rule %s needs a \"type\"", k);
			goto out;
		}
		if ((strcmp(k, "node_type_id") == 0 || strcmp(k, "driver_node_type_id") == 0) &&
		    strcmp(fw_str(rule, "type"), "fixed") == 0) {
			const char *v = fw_str(rule, "value");
			if (v && !fw_node_find(c->s->cloud, v)) {
				fw_error(c, 400, "INVALID_PARAMETER_VALUE",
					 "Invalid policy definition: %s: Node type %s is not supported on %s", k, v,
					 fw_cloud_name(c->s->cloud));
				goto out;
			}
		}
	}
	rc = 0;
out:
	cJSON_Delete(d);
	return rc;
}

static int policy_fields(fw_ctx *c, const cJSON *b, const char *self_id)
{
	const char *name = fw_str(b, "name");
	if (!name || !*name) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: name");
		return -1;
	}
	const cJSON *def = cJSON_GetObjectItemCaseSensitive(b, "definition");
	if (def && !cJSON_IsString(def)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "definition must be a JSON document in a string");
		return -1;
	}
	if (!def && !fw_str(b, "policy_family_id")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Either definition or policy_family_id is required");
		return -1;
	}
	if (def && check_definition(c, def->valuestring) < 0)
		return -1;
	cJSON *dup = fw_coll_by_key(fw_coll_of(c->s, FW_POLICIES), name);
	if (dup && (!self_id || strcmp(fw_str(dup, "policy_id"), self_id) != 0)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Cluster policy with name '%s' already exists.", name);
		return -1;
	}
	return 0;
}

static void policies_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b || policy_fields(c, b, NULL) < 0)
		return;
	char id[64];
	fw_coll_new_id(c->s, FW_POLICIES, id, sizeof id);
	cJSON *o = cJSON_Duplicate(b, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(o, "policy_id");
	cJSON_AddStringToObject(o, "policy_id", id);
	cJSON_AddNumberToObject(o, "created_at_timestamp", (double)fw_now_ms());
	cJSON_AddStringToObject(o, "creator_user_name", c->user);
	if (!cJSON_GetObjectItemCaseSensitive(o, "is_default"))
		cJSON_AddBoolToObject(o, "is_default", 0);
	fw_coll_add(fw_coll_of(c->s, FW_POLICIES), o);
	fw_created(c, "policy_id", id);
}

static void policies_edit(fw_ctx *c)
{
	cJSON *b;
	cJSON *old = fw_target(c, &L_POLICY, &b);
	if (!old || policy_fields(c, b, fw_str(old, "policy_id")) < 0)
		return;
	cJSON *o = cJSON_Duplicate(b, 1);
	static const char *const keep[] = {"created_at_timestamp", "creator_user_name", "is_default", NULL};
	for (size_t i = 0; keep[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(old, keep[i]);
		if (v && !cJSON_GetObjectItemCaseSensitive(o, keep[i]))
			cJSON_AddItemToObject(o, keep[i], cJSON_Duplicate(v, 1));
	}
	fw_coll_replace(fw_coll_of(c->s, FW_POLICIES), o);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void policies_get(fw_ctx *c)
{
	cJSON *o = fw_target(c, &L_POLICY, NULL);
	if (o)
		fw_reply(c, 200, cJSON_Duplicate(o, 1));
}

static void policies_list(fw_ctx *c)
{
	fw_coll *col = fw_coll_of(c->s, FW_POLICIES);
	cJSON *r = cJSON_CreateObject();
	if (col->n) {
		cJSON *arr = cJSON_AddArrayToObject(r, "policies");
		for (size_t i = 0; i < col->n; i++)
			cJSON_AddItemToArray(arr, cJSON_Duplicate(col->items[i], 1));
	}
	cJSON_AddNumberToObject(r, "total_count", (double)col->n);
	fw_reply(c, 200, r);
}

static void policies_delete(fw_ctx *c)
{
	cJSON *b;
	cJSON *o = fw_target(c, &L_POLICY, &b);
	if (!o)
		return;
	char id[64];
	snprintf(id, sizeof id, "%s", fw_str(o, "policy_id"));
	fw_coll_del(fw_coll_of(c->s, FW_POLICIES), id);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

/* ---- instance profiles (AWS) ---- */

static int aws_only(fw_ctx *c)
{
	if (c->s->cloud == FW_AWS)
		return 1;
	fw_error(c, 400, "FEATURE_DISABLED", "Instance profiles are only available on AWS workspaces (this one is %s)",
		 fw_cloud_name(c->s->cloud));
	return 0;
}

static int arn_ok(const char *arn)
{
	if (!arn || strncmp(arn, "arn:aws:iam::", 13) != 0)
		return 0;
	const char *p = arn + 13;
	size_t digits = 0;
	while (*p >= '0' && *p <= '9') {
		p++;
		digits++;
	}
	return digits == 12 && strncmp(p, ":instance-profile/", 18) == 0 && p[18];
}

static void ip_add(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b || !aws_only(c))
		return;
	const char *arn = fw_str(b, "instance_profile_arn");
	if (!arn_ok(arn)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "instance_profile_arn: %s is not an instance profile ARN (arn:aws:iam::<account>:instance-profile/<name>)",
			 arn ? arn : "(missing)");
		return;
	}
	if (fw_coll_get(fw_coll_of(c->s, FW_INSTANCE_PROFILES), arn)) {
		fw_error(c, 400, "RESOURCE_ALREADY_EXISTS", "Instance profile %s already exists.", arn);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "instance_profile_arn", arn);
	if (fw_str(b, "iam_role_arn"))
		cJSON_AddStringToObject(o, "iam_role_arn", fw_str(b, "iam_role_arn"));
	cJSON_AddBoolToObject(o, "is_meta_instance_profile",
			      cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "is_meta_instance_profile")));
	fw_coll_add(fw_coll_of(c->s, FW_INSTANCE_PROFILES), o);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void ip_edit(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b || !aws_only(c))
		return;
	const char *arn = fw_str(b, "instance_profile_arn");
	cJSON *o = arn ? fw_coll_get(fw_coll_of(c->s, FW_INSTANCE_PROFILES), arn) : NULL;
	if (!o) {
		fw_error(c, 400, "RESOURCE_DOES_NOT_EXIST", "Instance profile %s does not exist.", arn ? arn : "(missing)");
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(o, "iam_role_arn");
	if (fw_str(b, "iam_role_arn"))
		cJSON_AddStringToObject(o, "iam_role_arn", fw_str(b, "iam_role_arn"));
	cJSON_DeleteItemFromObjectCaseSensitive(o, "is_meta_instance_profile");
	cJSON_AddBoolToObject(o, "is_meta_instance_profile",
			      cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "is_meta_instance_profile")));
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void ip_list(fw_ctx *c)
{
	fw_coll *col = fw_coll_of(c->s, FW_INSTANCE_PROFILES);
	cJSON *r = cJSON_CreateObject();
	if (col->n) {
		cJSON *arr = cJSON_AddArrayToObject(r, "instance_profiles");
		for (size_t i = 0; i < col->n; i++)
			cJSON_AddItemToArray(arr, cJSON_Duplicate(col->items[i], 1));
	}
	fw_reply(c, 200, r);
}

static void ip_remove(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b || !aws_only(c))
		return;
	const char *arn = fw_str(b, "instance_profile_arn");
	if (!arn || fw_coll_del(fw_coll_of(c->s, FW_INSTANCE_PROFILES), arn) < 0) {
		fw_error(c, 400, "RESOURCE_DOES_NOT_EXIST", "Instance profile %s does not exist.", arn ? arn : "(missing)");
		return;
	}
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

#define CLUSTER_ROUTES(v)                                                        \
	{"POST", "/api/" v "/clusters/create", clusters_create},                 \
	{"POST", "/api/" v "/clusters/edit", clusters_edit},                     \
	{"GET", "/api/" v "/clusters/get", clusters_get},                        \
	{"POST", "/api/" v "/clusters/start", clusters_start},                   \
	{"POST", "/api/" v "/clusters/restart", clusters_restart},               \
	{"POST", "/api/" v "/clusters/delete", clusters_delete},                 \
	{"POST", "/api/" v "/clusters/permanent-delete", clusters_permanent_delete}, \
	{"POST", "/api/" v "/clusters/pin", clusters_pin_h},                     \
	{"POST", "/api/" v "/clusters/unpin", clusters_unpin_h},                 \
	{"GET", "/api/" v "/clusters/list-node-types", node_types},              \
	{"GET", "/api/" v "/clusters/spark-versions", spark_versions_h}

const fw_route fw_compute_routes[] = {
	CLUSTER_ROUTES("2.0"),
	CLUSTER_ROUTES("2.1"),
	{"GET", "/api/2.0/clusters/list", clusters_list20},
	{"GET", "/api/2.1/clusters/list", clusters_list21},
	{"GET", "/api/2.0/libraries/cluster-status", libs_status},
	{"GET", "/api/2.0/libraries/all-cluster-statuses", libs_all},
	{"POST", "/api/2.0/libraries/install", libs_install},
	{"POST", "/api/2.0/libraries/uninstall", libs_uninstall},
	{"POST", "/api/2.0/instance-pools/create", pools_create},
	{"POST", "/api/2.0/instance-pools/edit", pools_edit},
	{"GET", "/api/2.0/instance-pools/get", pools_get},
	{"GET", "/api/2.0/instance-pools/list", pools_list},
	{"POST", "/api/2.0/instance-pools/delete", pools_delete},
	{"POST", "/api/2.0/policies/clusters/create", policies_create},
	{"POST", "/api/2.0/policies/clusters/edit", policies_edit},
	{"GET", "/api/2.0/policies/clusters/get", policies_get},
	{"GET", "/api/2.0/policies/clusters/list", policies_list},
	{"POST", "/api/2.0/policies/clusters/delete", policies_delete},
	{"POST", "/api/2.0/instance-profiles/add", ip_add},
	{"GET", "/api/2.0/instance-profiles/list", ip_list},
	{"POST", "/api/2.0/instance-profiles/edit", ip_edit},
	{"POST", "/api/2.0/instance-profiles/remove", ip_remove},
	{NULL, NULL, NULL},
};
