/* kinds: the registry of object kinds (one static entry per kind, in import
 * dependency order), the --only/--skip parser and small helpers to read a
 * kind's key and id out of an object. No phase logic lives here: this file
 * is data plus lookups. */
#include "kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- per-kind hooks (kept tiny: the data below does the work) ---- */

/* Clusters created by job runs, DLT pipelines and model serving belong to
 * those and are recreated by them; they are not migrated. */
static const char *skip_cluster(const cJSON *obj)
{
	static const char *const sources[] = { "JOB", "PIPELINE", "PIPELINE_MAINTENANCE", "MODELS", NULL };
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(obj, "cluster_source");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "cluster_name");
	const char *n = cJSON_IsString(name) ? name->valuestring : "";

	if (cJSON_IsString(src))
		for (size_t i = 0; sources[i]; i++)
			if (strcmp(src->valuestring, sources[i]) == 0)
				return strcmp(sources[i], "JOB") == 0 ? "job-run cluster"
					: strcmp(sources[i], "MODELS") == 0 ? "model-serving cluster"
					: "DLT cluster";
	if (strncmp(n, "job-", 4) == 0 && strstr(n, "-run-"))
		return "job-run cluster";
	if (strncmp(n, "dlt-execution-", 14) == 0)
		return "DLT cluster";
	if (strncmp(n, "mlflow-model-", 13) == 0)
		return "model-serving cluster";
	return NULL;
}

/* A scope whose secrets live outside Databricks (backend_type other than
 * DATABRICKS: a cloud key store) cannot be recreated through the REST API
 * on another workspace: the record says so, and import reports it as
 * manual. Rules that know the backend convert the scope and clear
 * `manual`; which clouds have which backends is theirs to know. */
static void finish_secret_scope(cJSON *obj)
{
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(obj, "backend_type");
	char why[256];

	if (cJSON_IsString(b) && strcmp(b->valuestring, "DATABRICKS") != 0 &&
	    !cJSON_HasObjectItem(obj, "manual")) {
		snprintf(why, sizeof why,
			 "%.100s-backed scope: recreate it by hand on the target",
			 b->valuestring);
		cJSON_AddStringToObject(obj, "manual", why);
	}
}

/* Jobs with git_source run code cloned at run time: the clone needs Git
 * credentials of the job's run-as user on the target, which the API does
 * not export. The job is imported; the credentials are a follow-up. */
static void finish_job(cJSON *obj)
{
	const cJSON *gs = kind_get_path(obj, "settings.git_source");
	const cJSON *url = cJSON_GetObjectItemCaseSensitive(gs, "git_url");
	const cJSON *prov = cJSON_GetObjectItemCaseSensitive(gs, "git_provider");
	char why[512];

	if (!cJSON_IsObject(gs) || cJSON_HasObjectItem(obj, "follow_up"))
		return;
	snprintf(why, sizeof why,
		 "runs code from Git (%.40s %.300s): set Git credentials for its run-as user on the "
		 "target (User Settings > Git integration, or POST /api/2.0/git-credentials)",
		 cJSON_IsString(prov) ? prov->valuestring : "provider?",
		 cJSON_IsString(url) ? url->valuestring : "(no url)");
	cJSON_AddStringToObject(obj, "follow_up", why);
}

/* Job runs with git_source clone their repository into hidden folders
 * (/Repos/.internal/..., .local): the run clones it again on the target,
 * and exporting the clone only makes an import that lacks the
 * credentials fail. */
static const char *skip_repo(const cJSON *obj)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(obj, "path");
	const char *s = cJSON_IsString(p) ? p->valuestring : "";

	if (strstr(s, "/.internal/") || strstr(s, "/.local/"))
		return "Git clone made by a job run";
	return NULL;
}

/* Legacy DBSQL dashboards: the API lists them, but new ones cannot be
 * built with their widgets on another workspace (and Databricks retired
 * them): they are recorded for the inventory and reported as manual. */
static void finish_sql_dashboard(cJSON *obj)
{
	if (!cJSON_HasObjectItem(obj, "manual"))
		cJSON_AddStringToObject(obj, "manual",
					"legacy DBSQL dashboard: migrate it to a Lakeview dashboard in the "
					"source (Migrate to AI/BI dashboard, or POST /api/2.0/lakeview/"
					"dashboards/migrate) and export dashboards again");
}

/* Every catalog has an information_schema, made and owned by the system:
 * the target's catalogs get their own. */
static const char *skip_schema(const cJSON *obj)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, "name");

	return cJSON_IsString(n) && strcmp(n->valuestring, "information_schema") == 0
		? "built-in information_schema" : NULL;
}

/* The REST API creates external Delta tables only (POST tables); import
 * creates managed Delta tables and views by SQL (imp.sql_types); the rest
 * are made by what fills them: the record says how, and import reports it
 * as manual. A managed table lives where the metastore puts it (the
 * target's managed storage): its location is left out of the record. */
static void finish_table(cJSON *obj)
{
	const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "table_type"));
	const char *f = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "data_source_format"));
	char why[300];

	if (cJSON_HasObjectItem(obj, "manual") || !t)
		return;
	if (strcmp(t, "EXTERNAL") == 0 && f && strcmp(f, "DELTA") == 0)
		return;
	if (strcmp(t, "VIEW") == 0)
		return;
	if (strcmp(t, "MANAGED") == 0 && (!f || strcmp(f, "DELTA") == 0)) {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, "storage_location");
		return;
	}
	if (strcmp(t, "MANAGED") == 0)
		snprintf(why, sizeof why, "managed %.40s table: created with its data by the statements of "
			 "dbxmig data-plan", f);
	else if (strcmp(t, "EXTERNAL") == 0)
		snprintf(why, sizeof why, "external %.40s table: create it by SQL once its files are copied "
			 "(dbxmig data-plan)", f ? f : "non-Delta");
	else
		snprintf(why, sizeof why, "%.40s: created on the target by the pipeline that defines it", t);
	cJSON_AddStringToObject(obj, "manual", why);
}

/* A managed volume lives in its schema's managed storage: its location is
 * the metastore's to pick (create refuses one), and its files are named by
 * their /Volumes path (data-plan), so the record leaves it out. */
static void finish_volume(cJSON *obj)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(obj, "volume_type");

	if (cJSON_IsString(t) && strcmp(t->valuestring, "MANAGED") == 0)
		cJSON_DeleteItemFromObjectCaseSensitive(obj, "storage_location");
}

/* ---- read-only fields (kept in the export, stripped at import) ---- */
static const char *const ro_scim[] = { "id", "meta", "groups", NULL };
static const char *const ro_group[] = { "id", "meta", "groups", NULL };	/* membership is set on the parent */
static const char *const ro_none[] = { NULL };
static const char *const ro_policy[] = { "policy_id", "created_at_timestamp", "creator_user_name",
	"is_default", NULL };
static const char *const ro_pool[] = { "instance_pool_id", "default_tags", "state", "stats", "status",
	NULL };
static const char *const ro_cluster[] = { "cluster_id", "cluster_cores", "cluster_memory_mb",
	"cluster_source", "creator_user_name", "default_tags", "driver", "executors", "jdbc_port",
	"last_restarted_time", "last_state_loss_time", "spark_context_id", "spec", "start_time",
	"state", "state_message", "terminated_time", "termination_reason", "cluster_log_status",
	"last_activity_time", "disk_spec", "init_scripts_safe_mode", NULL };
static const char *const ro_ws[] = { "object_id", "created_at", "modified_at", "resource_id", "size",
	NULL };
static const char *const ro_repo[] = { "id", "head_commit_id", NULL };
static const char *const ro_gis[] = { "script_id", "created_at", "created_by", "updated_at",
	"updated_by", NULL };
static const char *const ro_wh[] = { "id", "state", "num_clusters", "num_active_sessions",
	"jdbc_url", "odbc_params", "health", "creator_name", "creator_id", NULL };
static const char *const ro_query[] = { "id", "create_time", "update_time", "lifecycle_state",
	"last_modifier_user_name", NULL };
static const char *const ro_alert[] = { "id", "create_time", "update_time", "lifecycle_state",
	"state", "trigger_time", NULL };
/* "published" is not read-only: import posts it apart (imp.post_field) */
static const char *const ro_lakeview[] = { "dashboard_id", "create_time", "update_time", "etag",
	"lifecycle_state", "path", NULL };
static const char *const ro_sqldash[] = { "id", "slug", "created_at", "updated_at", "user",
	"user_id", "version", "is_favorite", NULL };
static const char *const ro_pipeline[] = { "pipeline_id", "state", "creator_user_name",
	"run_as_user_name", "last_modified", "latest_updates", "cluster_id", "health", "cause",
	"spec.id", NULL };
static const char *const ro_job[] = { "job_id", "creator_user_name", "created_time",
	"run_as_user_name", "run_as_owner", "has_more", "next_page_token", NULL };

#define RO_UC "created_at", "created_by", "updated_at", "updated_by", "metastore_id", "browse_only"
static const char *const ro_cred[] = { "id", "full_name", "isolation_mode", "used_for_managed_storage",
	"aws_iam_role.external_id", "aws_iam_role.unity_catalog_iam_arn",
	"azure_managed_identity.credential_id", RO_UC, NULL };
static const char *const ro_extloc[] = { "id", "credential_id", "isolation_mode", "fallback", RO_UC, NULL };
static const char *const ro_schema[] = { "schema_id", "full_name", "catalog_type", "storage_location",
	"effective_predictive_optimization_flag", RO_UC, NULL };
static const char *const ro_table[] = { "table_id", "full_name", "data_access_configuration_id",
	"deleted_at", "effective_predictive_optimization_flag", "pipeline_id", RO_UC, NULL };
static const char *const sql_table[] = { "MANAGED", "VIEW", NULL };
static const char *const ro_volume[] = { "volume_id", "full_name", RO_UC, NULL };
static const char *const ro_catalog[] = { "id", "full_name", "catalog_type", "securable_type",
	"storage_location", "isolation_mode", "effective_predictive_optimization_flag",
	"provisioning_info", RO_UC, NULL };

/* ---- references to other kinds (import remapping) ---- */
static const kind_ref refs_none[] = { { NULL, NULL } };
static const kind_ref refs_group[] = {
	{ "members[].value", "principals" },
	{ NULL, NULL },
};
static const kind_ref refs_pool[] = {
	{ "aws_attributes.instance_profile_arn", "instance_profiles" },
	{ NULL, NULL },
};
static const kind_ref refs_cluster[] = {
	{ "instance_pool_id", "instance_pools" },
	{ "driver_instance_pool_id", "instance_pools" },
	{ "policy_id", "cluster_policies" },
	{ "aws_attributes.instance_profile_arn", "instance_profiles" },
	{ "single_user_name", "principal_names" },
	{ NULL, NULL },
};
static const kind_ref refs_uc[] = {
	{ "owner", "principal_names" },
	{ "grants[].principal", "principal_names" },
	{ NULL, NULL },
};
/* Unity Catalog grants of a securable: GET permissions/<type>/<name> */
#define X_UC_GRANTS_OF(type, from) \
	{ "grants", "/api/2.1/unity-catalog/permissions/" type "/{id}", NULL, from, \
	  "privilege_assignments", NULL, NULL, NULL, NULL, 0 }
#define X_UC_GRANTS(type) X_UC_GRANTS_OF(type, "name")
#define X_END { NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 }
static const kind_extra x_cred[] = { X_UC_GRANTS("storage_credential"), X_END };
static const kind_extra x_extloc[] = { X_UC_GRANTS("external_location"), X_END };
static const kind_extra x_catalog[] = { X_UC_GRANTS("catalog"), X_END };
static const kind_extra x_schema[] = { X_UC_GRANTS_OF("schema", "full_name"), X_END };
static const kind_extra x_table[] = { X_UC_GRANTS_OF("table", "full_name"), X_END };
static const kind_extra x_volume[] = { X_UC_GRANTS_OF("volume", "full_name"), X_END };
static const char *const pq_catalog[] = { "catalog_name", "name", NULL };
static const char *const pq_schema[] = { "catalog_name", "catalog_name", "schema_name", "name", NULL };
static const kind_ref refs_secret[] = {
	{ "acls[].principal", "principal_names" },
	{ NULL, NULL },
};
static const kind_ref refs_job[] = {
	{ "settings.tasks[].existing_cluster_id", "clusters" },
	{ "settings.tasks[].new_cluster.instance_pool_id", "instance_pools" },
	{ "settings.tasks[].new_cluster.driver_instance_pool_id", "instance_pools" },
	{ "settings.tasks[].new_cluster.policy_id", "cluster_policies" },
	{ "settings.tasks[].new_cluster.aws_attributes.instance_profile_arn", "instance_profiles" },
	{ "settings.tasks[].notebook_task.notebook_path", "workspace" },
	{ "settings.tasks[].sql_task.warehouse_id", "sql_warehouses" },
	{ "settings.tasks[].dbt_task.warehouse_id", "sql_warehouses" },
	{ "settings.tasks[].run_job_task.job_id", "jobs" },
	{ "settings.job_clusters[].new_cluster.instance_pool_id", "instance_pools" },
	{ "settings.job_clusters[].new_cluster.driver_instance_pool_id", "instance_pools" },
	{ "settings.job_clusters[].new_cluster.policy_id", "cluster_policies" },
	{ "settings.job_clusters[].new_cluster.aws_attributes.instance_profile_arn", "instance_profiles" },
	{ "settings.existing_cluster_id", "clusters" },
	{ "settings.new_cluster.instance_pool_id", "instance_pools" },
	{ "settings.new_cluster.driver_instance_pool_id", "instance_pools" },
	{ "settings.new_cluster.policy_id", "cluster_policies" },
	{ "settings.notebook_task.notebook_path", "workspace" },
	{ "settings.tasks[].pipeline_task.pipeline_id", "pipelines" },
	{ "settings.tasks[].sql_task.query.query_id", "queries" },
	{ "settings.tasks[].sql_task.alert.alert_id", "alerts" },
	{ "settings.tasks[].sql_task.dashboard.dashboard_id", "sql_dashboards" },
	{ "settings.tasks[].dashboard_task.dashboard_id", "dashboards" },
	{ "settings.tasks[].dashboard_task.warehouse_id", "sql_warehouses" },
	{ "settings.run_as.user_name", "principal_names" },
	{ "settings.run_as.service_principal_name", "principal_names" },
	{ NULL, NULL },
};

static const kind_ref refs_query[] = {
	{ "warehouse_id", "sql_warehouses" },
	{ NULL, NULL },
};
static const kind_ref refs_alert[] = {
	{ "query_id", "queries" },
	{ NULL, NULL },
};
static const kind_ref refs_lakeview[] = {
	{ "warehouse_id", "sql_warehouses" },
	{ "published.warehouse_id", "sql_warehouses" },
	{ NULL, NULL },
};
static const kind_ref refs_pipeline[] = {
	{ "spec.clusters[].instance_pool_id", "instance_pools" },
	{ "spec.clusters[].driver_instance_pool_id", "instance_pools" },
	{ "spec.clusters[].policy_id", "cluster_policies" },
	{ "spec.clusters[].aws_attributes.instance_profile_arn", "instance_profiles" },
	{ NULL, NULL },
};

/* ---- extra per-object fetches ---- */
static const kind_extra x_cluster[] = {
	{ "libraries", "/api/2.0/libraries/cluster-status", "cluster_id", "cluster_id",
	  "library_statuses", "library", "is_library_for_all_clusters", NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
};
static const kind_extra x_secret[] = {
	{ "keys", "/api/2.0/secrets/list", "scope", "name", "secrets", NULL, NULL,
	  "value_status", "NEEDS_REENTRY", 0 },
	{ "acls", "/api/2.0/secrets/acls/list", "scope", "name", "items", NULL, NULL, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
};

static const kind_extra x_lakeview[] = {
	/* the published revision: 404 when the dashboard is not published */
	{ "published", "/api/2.0/lakeview/dashboards/{id}/published", NULL, "dashboard_id", NULL,
	  NULL, NULL, NULL, NULL, 1 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
};

static const char *const job_more[] = { "settings.tasks", "settings.job_clusters",
	"settings.environments", "settings.parameters", NULL };

/* ---- import: fields an update may send, members that get paused ---- */
static const char *const upd_repo[] = { "branch", "sparse_checkout", NULL };
static const char *const upd_uc[] = { "comment", "owner", "properties", NULL };
static const char *const upd_extloc[] = { "comment", "owner", "url", "credential_name", "read_only", NULL };
static const char *const publish_keep[] = { "warehouse_id", "embed_credentials", NULL };
static const char *const pause_job[] = { "schedule", "trigger", "continuous", NULL };

/* In import dependency order: principals, then what clusters need, then
 * clusters, code, secrets, init scripts, warehouses, Unity Catalog, the
 * SQL objects and pipelines, and jobs last (their tasks name all of
 * these). */
static const kind_def registry[] = {
	{ .name = "instance_profiles", .singular = "instance_profile", .supported = 1,
	  .list_path = "/api/2.0/instance-profiles/list", .list_field = "instance_profiles",
	  .key_field = "instance_profile_arn", .key_unique = 1,
	  .read_only = ro_none, .refs = refs_none,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.0/instance-profiles/add",
		   .update_method = "POST", .update_path = "/api/2.0/instance-profiles/edit" } },
	{ .name = "users", .singular = "user", .supported = 1,
	  .list_path = "/api/2.0/preview/scim/v2/Users", .paging = KIND_PAGE_SCIM,
	  .list_field = "Resources", .page_size = 100,
	  .key_field = "userName", .key_unique = 1, .id_field = "id",
	  .read_only = ro_scim, .refs = refs_none,
	  .imp = { .write = KIND_WRITE_SCIM, .create_path = "/api/2.0/preview/scim/v2/Users",
		   .created_id = "id", .update_method = "PUT",
		   .update_path = "/api/2.0/preview/scim/v2/Users/{id}", .key_nocase = 1 } },
	{ .name = "service_principals", .singular = "service_principal", .supported = 1,
	  .list_path = "/api/2.0/preview/scim/v2/ServicePrincipals", .paging = KIND_PAGE_SCIM,
	  .list_field = "Resources", .page_size = 100,
	  .key_field = "applicationId", .key_unique = 1, .id_field = "id",
	  .read_only = ro_scim, .refs = refs_none,
	  .imp = { .write = KIND_WRITE_SCIM,
		   .create_path = "/api/2.0/preview/scim/v2/ServicePrincipals",
		   .created_id = "id", .update_method = "PUT",
		   .update_path = "/api/2.0/preview/scim/v2/ServicePrincipals/{id}",
		   .key_alt = "displayName" } },
	{ .name = "groups", .singular = "group", .supported = 1,
	  .list_path = "/api/2.0/preview/scim/v2/Groups", .paging = KIND_PAGE_SCIM,
	  .list_field = "Resources", .page_size = 100,
	  .key_field = "displayName", .key_unique = 1, .id_field = "id",
	  .read_only = ro_group, .refs = refs_group,
	  .imp = { .write = KIND_WRITE_SCIM, .create_path = "/api/2.0/preview/scim/v2/Groups",
		   .created_id = "id" } },
	{ .name = "cluster_policies", .singular = "cluster_policy", .supported = 1,
	  .list_path = "/api/2.0/policies/clusters/list", .list_field = "policies",
	  .key_field = "name", .key_unique = 1, .id_field = "policy_id",
	  .perm_type = "cluster-policies", .read_only = ro_policy, .refs = refs_none,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.0/policies/clusters/create",
		   .created_id = "policy_id", .update_method = "POST",
		   .update_path = "/api/2.0/policies/clusters/edit", .update_id = "policy_id" } },
	{ .name = "instance_pools", .singular = "instance_pool", .supported = 1,
	  .list_path = "/api/2.0/instance-pools/list", .list_field = "instance_pools",
	  .key_field = "instance_pool_name", .id_field = "instance_pool_id",
	  .perm_type = "instance-pools", .read_only = ro_pool, .refs = refs_pool,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.0/instance-pools/create",
		   .created_id = "instance_pool_id", .update_method = "POST",
		   .update_path = "/api/2.0/instance-pools/edit", .update_id = "instance_pool_id" } },
	{ .name = "clusters", .singular = "cluster", .supported = 1,
	  .list_path = "/api/2.1/clusters/list", .paging = KIND_PAGE_TOKEN,
	  .list_field = "clusters", .page_size = 100,
	  .get_path = "/api/2.1/clusters/get", .get_param = "cluster_id",
	  .key_field = "cluster_name", .id_field = "cluster_id",
	  .perm_type = "clusters", .read_only = ro_cluster, .refs = refs_cluster,
	  .extras = x_cluster, .skip = skip_cluster,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.1/clusters/create",
		   .created_id = "cluster_id", .update_method = "POST",
		   .update_path = "/api/2.1/clusters/edit", .update_id = "cluster_id",
		   .stop_path = "/api/2.1/clusters/delete", .stopped_state = "TERMINATED",
		   .libraries_path = "/api/2.0/libraries/install" } },
	{ .name = "workspace", .singular = "notebook", .supported = 1,
	  .list_path = "/api/2.0/workspace/list", .paging = KIND_PAGE_TREE,
	  .list_field = "objects",
	  .key_field = "path", .key_unique = 1, .id_field = "object_id",
	  .perm_by_type = 1, .read_only = ro_ws, .refs = refs_none,
	  .imp = { .write = KIND_WRITE_WORKSPACE } },
	{ .name = "repos", .singular = "repo", .supported = 1,
	  .list_path = "/api/2.0/repos", .paging = KIND_PAGE_REPOS, .list_field = "repos",
	  .key_field = "path", .key_unique = 1, .id_field = "id",
	  .perm_type = "repos", .read_only = ro_repo, .refs = refs_none, .skip = skip_repo,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.0/repos", .created_id = "id",
		   .update_method = "PATCH", .update_path = "/api/2.0/repos/{id}",
		   .update_keep = upd_repo, .update_after_create = 1 } },
	{ .name = "secrets", .singular = "secret_scope", .supported = 1,
	  .list_path = "/api/2.0/secrets/scopes/list", .list_field = "scopes",
	  .key_field = "name", .key_unique = 1,
	  .read_only = ro_none, .refs = refs_secret, .extras = x_secret,
	  .finish = finish_secret_scope,
	  .imp = { .write = KIND_WRITE_SECRETS } },
	{ .name = "global_init_scripts", .singular = "global_init_script", .supported = 1,
	  .list_path = "/api/2.0/global-init-scripts", .list_field = "scripts",
	  .get_path = "/api/2.0/global-init-scripts/{id}",
	  .key_field = "name", .id_field = "script_id",
	  .read_only = ro_gis, .refs = refs_none,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.0/global-init-scripts",
		   .created_id = "script_id", .update_method = "PATCH",
		   .update_path = "/api/2.0/global-init-scripts/{id}" } },
	{ .name = "sql_warehouses", .singular = "sql_warehouse", .supported = 1,
	  .list_path = "/api/2.0/sql/warehouses", .paging = KIND_PAGE_TOKEN,
	  .list_field = "warehouses", .page_size = 100,
	  .get_path = "/api/2.0/sql/warehouses/{id}",
	  .key_field = "name", .key_unique = 1, .id_field = "id",
	  .perm_type = "sql/warehouses", .read_only = ro_wh, .refs = refs_none,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.0/sql/warehouses",
		   .created_id = "id", .update_method = "POST",
		   .update_path = "/api/2.0/sql/warehouses/{id}/edit",
		   .stop_path = "/api/2.0/sql/warehouses/{id}/stop", .stopped_state = "STOPPED" } },
	/* Unity Catalog: credentials, then the locations that use them, then
	 * catalogs (whose storage_root an external location must cover). A
	 * credential names a cloud identity: rules that move it to another
	 * cloud map it or mark it `manual` (rules/azure_to_aws.lua). */
	{ .name = "storage_credentials", .singular = "storage_credential", .supported = 1,
	  .list_path = "/api/2.1/unity-catalog/storage-credentials", .paging = KIND_PAGE_TOKEN,
	  .list_field = "storage_credentials", .key_field = "name", .key_unique = 1,
	  .read_only = ro_cred, .refs = refs_uc, .extras = x_cred,
	  .imp = { .write = KIND_WRITE_REST,
		   .grants_path = "/api/2.1/unity-catalog/permissions/storage_credential/{id}",
		   .create_path = "/api/2.1/unity-catalog/storage-credentials",
		   .update_method = "PATCH",
		   .update_path = "/api/2.1/unity-catalog/storage-credentials/{id}",
		   .update_keep = upd_uc } },
	{ .name = "external_locations", .singular = "external_location", .supported = 1,
	  .list_path = "/api/2.1/unity-catalog/external-locations", .paging = KIND_PAGE_TOKEN,
	  .list_field = "external_locations", .key_field = "name", .key_unique = 1,
	  .read_only = ro_extloc, .refs = refs_uc, .extras = x_extloc,
	  .imp = { .write = KIND_WRITE_REST,
		   .grants_path = "/api/2.1/unity-catalog/permissions/external_location/{id}",
		   .create_path = "/api/2.1/unity-catalog/external-locations",
		   .update_method = "PATCH",
		   .update_path = "/api/2.1/unity-catalog/external-locations/{id}",
		   .update_keep = upd_extloc } },
	{ .name = "catalogs", .singular = "catalog", .supported = 1,
	  .list_path = "/api/2.1/unity-catalog/catalogs", .paging = KIND_PAGE_TOKEN,
	  .list_field = "catalogs", .key_field = "name", .key_unique = 1,
	  .read_only = ro_catalog, .refs = refs_uc, .extras = x_catalog,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.1/unity-catalog/catalogs",
		   .grants_path = "/api/2.1/unity-catalog/permissions/catalog/{id}",
		   .update_method = "PATCH", .update_path = "/api/2.1/unity-catalog/catalogs/{id}",
		   .update_keep = upd_uc } },
	/* listed per catalog / schema (kind_def.parent) */
	{ .name = "schemas", .singular = "schema", .supported = 1,
	  .list_path = "/api/2.1/unity-catalog/schemas", .paging = KIND_PAGE_TOKEN,
	  .list_field = "schemas", .key_field = "full_name", .key_unique = 1,
	  .parent = "catalogs", .parent_query = pq_catalog, .skip = skip_schema,
	  .read_only = ro_schema, .refs = refs_uc, .extras = x_schema,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.1/unity-catalog/schemas",
		   .grants_path = "/api/2.1/unity-catalog/permissions/schema/{id}",
		   .update_method = "PATCH", .update_path = "/api/2.1/unity-catalog/schemas/{id}",
		   .update_keep = upd_uc } },
	{ .name = "tables", .singular = "table", .supported = 1,
	  .list_path = "/api/2.1/unity-catalog/tables", .paging = KIND_PAGE_TOKEN,
	  .list_field = "tables", .key_field = "full_name", .key_unique = 1,
	  .parent = "schemas", .parent_query = pq_schema, .finish = finish_table,
	  .read_only = ro_table, .refs = refs_uc, .extras = x_table,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.1/unity-catalog/tables",
		   .sql_types = sql_table,
		   .grants_path = "/api/2.1/unity-catalog/permissions/table/{id}" } },
	{ .name = "volumes", .singular = "volume", .supported = 1,
	  .list_path = "/api/2.1/unity-catalog/volumes", .paging = KIND_PAGE_TOKEN,
	  .list_field = "volumes", .key_field = "full_name", .key_unique = 1,
	  .parent = "schemas", .parent_query = pq_schema,
	  .read_only = ro_volume, .refs = refs_uc, .extras = x_volume, .finish = finish_volume,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.1/unity-catalog/volumes",
		   .grants_path = "/api/2.1/unity-catalog/permissions/volume/{id}",
		   .update_method = "PATCH", .update_path = "/api/2.1/unity-catalog/volumes/{id}",
		   .update_keep = upd_uc } },
	/* the Hive metastore: one record per database (its tables and views
	 * inside), read and written by SQL on a warehouse (src/hive.c) */
	{ .name = "hive_metastore", .singular = "hive_database", .supported = 1, .by_sql = 1,
	  .key_field = "name", .key_unique = 1,
	  .read_only = ro_none, .refs = refs_none },
	/* Databricks SQL objects (on warehouses) and DLT pipelines (which
	 * publish into Unity Catalog: after it); jobs' sql_task,
	 * dashboard_task and pipeline_task name them: jobs come last */
	{ .name = "queries", .singular = "query", .supported = 1,
	  .list_path = "/api/2.0/sql/queries", .paging = KIND_PAGE_TOKEN, .list_field = "results",
	  .page_size = 100, .get_path = "/api/2.0/sql/queries/{id}",
	  .key_field = "display_name", .id_field = "id", .perm_type = "queries",
	  .read_only = ro_query, .refs = refs_query,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.0/sql/queries",
		   .created_id = "id", .create_wrap = "query", .update_method = "PATCH",
		   .update_path = "/api/2.0/sql/queries/{id}", .update_wrap = "query",
		   .update_mask = "*" } },
	{ .name = "alerts", .singular = "alert", .supported = 1,
	  .list_path = "/api/2.0/sql/alerts", .paging = KIND_PAGE_TOKEN, .list_field = "results",
	  .page_size = 100, .get_path = "/api/2.0/sql/alerts/{id}",
	  .key_field = "display_name", .id_field = "id", .perm_type = "alerts",
	  .read_only = ro_alert, .refs = refs_alert,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.0/sql/alerts",
		   .created_id = "id", .create_wrap = "alert", .update_method = "PATCH",
		   .update_path = "/api/2.0/sql/alerts/{id}", .update_wrap = "alert",
		   .update_mask = "*" } },
	/* Lakeview (AI/BI) dashboards; the workspace tree shows them as
	 * DASHBOARD objects, which the workspace kind leaves to this one */
	{ .name = "dashboards", .singular = "dashboard", .supported = 1,
	  .list_path = "/api/2.0/lakeview/dashboards", .paging = KIND_PAGE_TOKEN,
	  .list_field = "dashboards", .page_size = 100,
	  .get_path = "/api/2.0/lakeview/dashboards/{id}",
	  .key_field = "path", .key_unique = 1, .id_field = "dashboard_id",
	  .perm_type = "dashboards", .read_only = ro_lakeview, .refs = refs_lakeview,
	  .extras = x_lakeview,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.0/lakeview/dashboards",
		   .created_id = "dashboard_id", .update_method = "PATCH",
		   .update_path = "/api/2.0/lakeview/dashboards/{id}",
		   .post_path = "/api/2.0/lakeview/dashboards/{id}/published",
		   .post_field = "published", .post_keep = publish_keep } },
	/* legacy DBSQL dashboards: exported, reported as manual (see
	 * finish_sql_dashboard) */
	{ .name = "sql_dashboards", .singular = "sql_dashboard", .supported = 1,
	  .list_path = "/api/2.0/preview/sql/dashboards", .paging = KIND_PAGE_NUMBER,
	  .list_field = "results", .page_size = 250,
	  .get_path = "/api/2.0/preview/sql/dashboards/{id}",
	  .key_field = "name", .id_field = "id", .perm_type = "dbsql-dashboards",
	  .read_only = ro_sqldash, .refs = refs_none, .finish = finish_sql_dashboard },
	{ .name = "pipelines", .singular = "pipeline", .supported = 1,
	  .list_path = "/api/2.0/pipelines", .list_query = "max_results=100",
	  .paging = KIND_PAGE_TOKEN, .list_field = "statuses",
	  .get_path = "/api/2.0/pipelines/{id}",
	  .key_field = "name", .key_unique = 1, .id_field = "pipeline_id",
	  .perm_type = "pipelines", .read_only = ro_pipeline, .refs = refs_pipeline,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.0/pipelines",
		   .created_id = "pipeline_id", .body_field = "spec", .update_method = "PUT",
		   .update_path = "/api/2.0/pipelines/{id}", .update_id = "pipeline_id" } },
	{ .name = "jobs", .singular = "job", .supported = 1,
	  .list_path = "/api/2.2/jobs/list", .list_query = "expand_tasks=false",
	  .paging = KIND_PAGE_HAS_MORE, .list_field = "jobs", .page_size = 100,
	  .get_path = "/api/2.2/jobs/get", .get_param = "job_id", .get_more = job_more,
	  .key_field = "settings.name", .id_field = "job_id",
	  .perm_type = "jobs", .read_only = ro_job, .refs = refs_job, .finish = finish_job,
	  .imp = { .write = KIND_WRITE_REST, .create_path = "/api/2.1/jobs/create",
		   .created_id = "job_id", .body_field = "settings", .update_method = "POST",
		   .update_path = "/api/2.1/jobs/reset", .update_id = "job_id",
		   .update_wrap = "new_settings", .pause = pause_job,
		   .partial_path = "/api/2.1/jobs/update" } },
};

#define NKINDS (sizeof registry / sizeof registry[0])
_Static_assert(NKINDS <= 64, "kind_set is a 64-bit mask");

const kind_def *kind_at(size_t i) { return i < NKINDS ? &registry[i] : NULL; }
size_t kind_count(void) { return NKINDS; }
size_t kind_index(const kind_def *k) { return (size_t)(k - registry); }
const char *kind_name(const kind_def *k) { return k->name; }
const char *kind_singular(const kind_def *k) { return k->singular; }
int kind_supported(const kind_def *k) { return k->supported; }

const kind_def *kind_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(registry[i].name, name) == 0 || strcmp(registry[i].singular, name) == 0)
			return &registry[i];
	/* workspace objects come as three singulars in rule test cases */
	if (strcmp(name, "directory") == 0 || strcmp(name, "file") == 0)
		return kind_find("workspace");
	return NULL;
}

const char *kind_ws_perm_type(const char *object_type)
{
	if (!object_type)
		return NULL;
	if (strcmp(object_type, "NOTEBOOK") == 0)
		return "notebooks";
	if (strcmp(object_type, "DIRECTORY") == 0)
		return "directories";
	if (strcmp(object_type, "FILE") == 0)
		return "files";
	return NULL;
}

const cJSON *kind_get_path(const cJSON *obj, const char *path)
{
	const char *p = path;

	while (obj && p && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		const cJSON *c;
		char seg[128];

		if (!cJSON_IsObject(obj) || n >= sizeof seg)
			return NULL;
		memcpy(seg, p, n);
		seg[n] = '\0';
		c = cJSON_GetObjectItemCaseSensitive(obj, seg);
		obj = c;
		p = dot ? dot + 1 : NULL;
	}
	return obj;
}

void kind_delete_path(cJSON *obj, const char *path)
{
	const char *dot = strrchr(path, '.');
	cJSON *parent = obj;
	if (dot) {
		char pre[256];
		size_t n = (size_t)(dot - path);
		if (n >= sizeof pre)
			return;
		memcpy(pre, path, n);
		pre[n] = 0;
		parent = (cJSON *)kind_get_path(obj, pre);
		path = dot + 1;
	}
	if (cJSON_IsObject(parent))
		cJSON_DeleteItemFromObjectCaseSensitive(parent, path);
}

static const char *scalar_str(const cJSON *v, char *buf, size_t size)
{
	int n;

	if (cJSON_IsString(v) && v->valuestring) {
		n = snprintf(buf, size, "%s", v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		double d = cJSON_GetNumberValue(v);
		if (d != d || d > 9.2e18 || d < -9.2e18)
			return NULL;
		n = snprintf(buf, size, "%lld", (long long)d);
	} else {
		return NULL;
	}
	if (n < 0 || (size_t)n >= size)
		return NULL;
	return buf;
}

const char *kind_key_of(const kind_def *k, const cJSON *obj, char *buf, size_t size)
{
	return scalar_str(kind_get_path(obj, k->key_field), buf, size);
}

const char *kind_id_of(const kind_def *k, const cJSON *obj, char *buf, size_t size)
{
	if (!k->id_field)
		return kind_key_of(k, obj, buf, size);
	return scalar_str(kind_get_path(obj, k->id_field), buf, size);
}

/* Edit distance, for "did you mean" hints (names are short). */
static size_t distance(const char *a, size_t la, const char *b)
{
	size_t lb = strlen(b), row[64], i, j;

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t prev = row[0], tmp;
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

/* Parses one comma list into a set; `opt` names the option in messages. */
static int parse_list(const char *list, const char *opt, int need_supported, kind_set *out,
		      dbx_err *err)
{
	const char *p = list;

	*out = 0;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		const kind_def *k = NULL;

		for (size_t i = 0; i < NKINDS; i++)
			if (strlen(registry[i].name) == n && memcmp(registry[i].name, p, n) == 0)
				k = &registry[i];
		if (n == 0)
			return err_set(err, ERR_USAGE, opt, "empty kind name in '%s'", list);
		if (!k) {
			size_t best = 99, bi = 0;
			for (size_t i = 0; i < NKINDS; i++) {
				size_t d = distance(p, n, registry[i].name);
				if (d < best) {
					best = d;
					bi = i;
				}
			}
			if (best <= 3)
				return err_set(err, ERR_USAGE, opt,
					       "unknown kind '%.*s' (did you mean %s?)", (int)n, p,
					       registry[bi].name);
			return err_set(err, ERR_USAGE, opt, "unknown kind '%.*s' (kinds: see --help)",
				       (int)n, p);
		}
		if (need_supported && !k->supported)
			return err_set(err, ERR_USAGE, opt, "%s: not supported yet", k->name);
		*out |= 1ull << kind_index(k);
		p = comma ? comma + 1 : p + n;
	}
	return 0;
}

int kind_select(const char *only, const char *skip, kind_set *out, dbx_err *err)
{
	kind_set sel = 0, sk = 0;

	if (only && *only) {
		if (parse_list(only, "--only", 1, &sel, err))
			return -1;
	} else {
		for (size_t i = 0; i < NKINDS; i++)
			if (registry[i].supported)
				sel |= 1ull << i;
	}
	if (skip && *skip && parse_list(skip, "--skip", 0, &sk, err))
		return -1;
	/* kinds listed per parent: a kind named in --only brings its parents
	 * (last first: parents sit earlier in the registry); one whose parent
	 * is not selected is left out */
	if (only && *only)
		for (size_t i = NKINDS; i-- > 0;)
			if (kind_in(sel, i) && registry[i].parent && !kind_in(sk, i)) {
				const kind_def *p = kind_find(registry[i].parent);
				if (p && !kind_in(sk, kind_index(p)))
					sel |= 1ull << kind_index(p);
			}
	sel &= ~sk;
	for (size_t i = 0; i < NKINDS; i++)
		if (kind_in(sel, i) && registry[i].parent) {
			const kind_def *p = kind_find(registry[i].parent);
			if (!p || !kind_in(sel, kind_index(p)))
				sel &= ~(1ull << i);
		}
	*out = sel;
	return 0;
}
