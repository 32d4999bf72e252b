/* fw_check: cloud flavour validation (see fw_check.h). The fake plays the
 * control plane of one cloud, so it rejects what that cloud's control
 * plane rejects, with INVALID_PARAMETER_VALUE like the real API. */
#include "fw_check.h"

#include <stdio.h>
#include <string.h>

#include "fw_nodes.h"

const char *fw_str(const cJSON *o, const char *field)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, field));
}

void fw_set(cJSON *o, const char *k, cJSON *v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, k);
	cJSON_AddItemToObject(o, k, v);
}

static const char *attr_block(fw_cloud cl)
{
	return cl == FW_AWS ? "aws_attributes" : cl == FW_AZURE ? "azure_attributes" : "gcp_attributes";
}

static int foreign_blocks(fw_ctx *c, const cJSON *spec, const char *where)
{
	static const char *const blocks[] = {"aws_attributes", "azure_attributes", "gcp_attributes"};
	const char *mine = attr_block(c->s->cloud);
	for (size_t i = 0; i < 3; i++)
		if (strcmp(blocks[i], mine) != 0 && cJSON_GetObjectItemCaseSensitive(spec, blocks[i])) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE",
				 "%s%s%s is not supported on a %s workspace (use %s)", where, *where ? "." : "",
				 blocks[i], fw_cloud_name(c->s->cloud), mine);
			return -1;
		}
	return 0;
}

static int check_availability(fw_ctx *c, const cJSON *spec, const char *where, int pool)
{
	static const char *const aws[] = {"SPOT", "ON_DEMAND", "SPOT_WITH_FALLBACK", NULL};
	static const char *const azure[] = {"SPOT_AZURE", "ON_DEMAND_AZURE", "SPOT_WITH_FALLBACK_AZURE", NULL};
	static const char *const gcp[] = {"PREEMPTIBLE_GCP", "ON_DEMAND_GCP", "PREEMPTIBLE_WITH_FALLBACK_GCP", NULL};
	const char *const *ok = c->s->cloud == FW_AWS ? aws : c->s->cloud == FW_AZURE ? azure : gcp;
	const cJSON *blk = cJSON_GetObjectItemCaseSensitive(spec, attr_block(c->s->cloud));
	const char *av = fw_str(blk, "availability");
	if (!av)
		return 0;
	for (size_t i = 0; ok[i]; i++)
		if (strcmp(av, ok[i]) == 0 && !(pool && strstr(av, "FALLBACK")))
			return 0;
	fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s%s%s.availability: invalid value %s for a %s%s (expected %s or %s)",
		 where, *where ? "." : "", attr_block(c->s->cloud), av, fw_cloud_name(c->s->cloud),
		 pool ? " instance pool" : " cluster", ok[0], ok[1]);
	return -1;
}

static int check_node(fw_ctx *c, const cJSON *spec, const char *field, const char *where)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(spec, field);
	if (!n)
		return 0;
	if (!cJSON_IsString(n) || !fw_node_find(c->s->cloud, n->valuestring)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s%s%s: Node type %s is not supported on %s", where,
			 *where ? "." : "", field, cJSON_IsString(n) ? n->valuestring : "(not a string)",
			 fw_cloud_name(c->s->cloud));
		return -1;
	}
	return 0;
}

/* A storage destination of an init script or log conf: which URL schemes
 * and destination kinds this cloud can reach. */
static int check_dest(fw_ctx *c, const cJSON *d, const char *where)
{
	const cJSON *k;
	cJSON_ArrayForEach(k, d) {
		const char *dest = fw_str(k, "destination");
		const char *kind = k->string;
		int bad = 0;
		if (strcmp(kind, "s3") == 0 && c->s->cloud != FW_AWS)
			bad = 1;
		if (strcmp(kind, "abfss") == 0 && c->s->cloud != FW_AZURE)
			bad = 1;
		if (strcmp(kind, "gcs") == 0 && c->s->cloud != FW_GCP)
			bad = 1;
		if (dest && c->s->cloud != FW_AZURE &&
		    (strncmp(dest, "abfss://", 8) == 0 || strncmp(dest, "wasbs://", 8) == 0 ||
		     strncmp(dest, "adl://", 6) == 0))
			bad = 1;
		if (dest && c->s->cloud != FW_AWS && (strncmp(dest, "s3://", 5) == 0 || strncmp(dest, "s3a://", 6) == 0))
			bad = 1;
		if (dest && c->s->cloud != FW_GCP && strncmp(dest, "gs://", 5) == 0)
			bad = 1;
		if (bad) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s.%s: destination %s is not reachable from a %s workspace",
				 where, kind, dest ? dest : "(none)", fw_cloud_name(c->s->cloud));
			return -1;
		}
	}
	return 0;
}

static int check_ref(fw_ctx *c, const cJSON *spec, const char *field, int which, const char *noun, const char *where)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, field);
	if (!v)
		return 0;
	if (!cJSON_IsString(v) || !fw_coll_get(fw_coll_of(c->s, which), v->valuestring)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s%s%s: %s %s does not exist", where, *where ? "." : "",
			 field, noun, cJSON_IsString(v) ? v->valuestring : "(not a string)");
		return -1;
	}
	return 0;
}

static int check_cluster(fw_ctx *c, const cJSON *spec, const char *where, int dlt);

int fw_check_cluster(fw_ctx *c, const cJSON *spec, const char *where)
{
	return check_cluster(c, spec, where, 0);
}

int fw_check_pipeline_cluster(fw_ctx *c, const cJSON *spec, const char *where)
{
	const char *label = fw_str(spec, "label");
	if (label && strcmp(label, "default") && strcmp(label, "maintenance") && strcmp(label, "updates")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s.label: invalid value %s (default, maintenance or updates)", where, label);
		return -1;
	}
	static const char *const notdlt[] = {"spark_version", "autotermination_minutes", "cluster_name", "data_security_mode"};
	for (size_t i = 0; i < sizeof notdlt / sizeof *notdlt; i++)
		if (cJSON_GetObjectItemCaseSensitive(spec, notdlt[i])) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s.%s cannot be set on a pipeline cluster", where, notdlt[i]);
			return -1;
		}
	return check_cluster(c, spec, where, 1);
}

static int check_cluster(fw_ctx *c, const cJSON *spec, const char *where, int dlt)
{
	char w[256];
	if (!cJSON_IsObject(spec)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s must be an object", *where ? where : "cluster spec");
		return -1;
	}
	const cJSON *sv = cJSON_GetObjectItemCaseSensitive(spec, "spark_version");
	if (!dlt && (!cJSON_IsString(sv) || !*sv->valuestring)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s%sspark_version: Missing required field: spark_version",
			 where, *where ? "." : "");
		return -1;
	}
	if (foreign_blocks(c, spec, where) < 0 || check_availability(c, spec, where, 0) < 0)
		return -1;
	int pool = cJSON_GetObjectItemCaseSensitive(spec, "instance_pool_id") != NULL;
	if (!dlt && !pool && !cJSON_GetObjectItemCaseSensitive(spec, "node_type_id") &&
	    !cJSON_GetObjectItemCaseSensitive(spec, "policy_id")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s%snode_type_id: Missing required field: node_type_id",
			 where, *where ? "." : "");
		return -1;
	}
	if (check_node(c, spec, "node_type_id", where) < 0 || check_node(c, spec, "driver_node_type_id", where) < 0)
		return -1;
	if (check_ref(c, spec, "instance_pool_id", FW_POOLS, "Instance pool", where) < 0 ||
	    check_ref(c, spec, "driver_instance_pool_id", FW_POOLS, "Instance pool", where) < 0 ||
	    check_ref(c, spec, "policy_id", FW_POLICIES, "Cluster policy", where) < 0)
		return -1;
	const cJSON *as = cJSON_GetObjectItemCaseSensitive(spec, "autoscale");
	if (as) {
		const cJSON *mn = cJSON_GetObjectItemCaseSensitive(as, "min_workers");
		const cJSON *mx = cJSON_GetObjectItemCaseSensitive(as, "max_workers");
		if (!cJSON_IsNumber(mn) || !cJSON_IsNumber(mx) || mn->valuedouble > mx->valuedouble ||
		    mn->valuedouble < 0) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE",
				 "%s%sautoscale: min_workers and max_workers must be numbers with min <= max", where,
				 *where ? "." : "");
			return -1;
		}
	}
	const cJSON *nw = cJSON_GetObjectItemCaseSensitive(spec, "num_workers");
	if (nw && (!cJSON_IsNumber(nw) || nw->valuedouble < 0)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s%snum_workers must be a non-negative number", where,
			 *where ? "." : "");
		return -1;
	}
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(spec, "autotermination_minutes");
	if (at && (!cJSON_IsNumber(at) || (at->valuedouble != 0 && (at->valuedouble < 10 || at->valuedouble > 10000)))) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "%s%sautotermination_minutes: must be 0 (disabled) or between 10 and 10000", where,
			 *where ? "." : "");
		return -1;
	}
	const cJSON *blk = cJSON_GetObjectItemCaseSensitive(spec, "aws_attributes");
	const char *arn = fw_str(blk, "instance_profile_arn");
	if (arn && !fw_coll_get(fw_coll_of(c->s, FW_INSTANCE_PROFILES), arn)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "%s%saws_attributes.instance_profile_arn: Instance profile %s has not been added to the workspace",
			 where, *where ? "." : "", arn);
		return -1;
	}
	const cJSON *scripts = cJSON_GetObjectItemCaseSensitive(spec, "init_scripts"), *s;
	int i = 0;
	cJSON_ArrayForEach(s, scripts) {
		snprintf(w, sizeof w, "%s%sinit_scripts[%d]", where, *where ? "." : "", i++);
		if (check_dest(c, s, w) < 0)
			return -1;
	}
	const cJSON *log = cJSON_GetObjectItemCaseSensitive(spec, "cluster_log_conf");
	if (log) {
		snprintf(w, sizeof w, "%s%scluster_log_conf", where, *where ? "." : "");
		if (cJSON_GetObjectItemCaseSensitive(log, "abfss")) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s: abfss is not a supported log destination (use dbfs or volumes)", w);
			return -1;
		}
		if (check_dest(c, log, w) < 0)
			return -1;
	}
	return 0;
}

int fw_check_pool(fw_ctx *c, const cJSON *spec)
{
	if (foreign_blocks(c, spec, "") < 0 || check_availability(c, spec, "", 1) < 0 ||
	    check_node(c, spec, "node_type_id", "") < 0)
		return -1;
	if (!fw_str(spec, "node_type_id")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "node_type_id: Missing required field: node_type_id");
		return -1;
	}
	const cJSON *dt = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(spec, "disk_spec"), "disk_type");
	if (dt && c->s->cloud != FW_AZURE && cJSON_GetObjectItemCaseSensitive(dt, "azure_disk_volume_type")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "disk_spec.disk_type.azure_disk_volume_type is not supported on a %s workspace",
			 fw_cloud_name(c->s->cloud));
		return -1;
	}
	if (dt && c->s->cloud != FW_AWS && cJSON_GetObjectItemCaseSensitive(dt, "ebs_volume_type")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "disk_spec.disk_type.ebs_volume_type is not supported on a %s workspace", fw_cloud_name(c->s->cloud));
		return -1;
	}
	const char *v = fw_str(dt, "azure_disk_volume_type");
	if (v && strcmp(v, "PREMIUM_LRS") && strcmp(v, "STANDARD_LRS")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "disk_spec.disk_type.azure_disk_volume_type: invalid value %s (PREMIUM_LRS or STANDARD_LRS)", v);
		return -1;
	}
	v = fw_str(dt, "ebs_volume_type");
	if (v && strcmp(v, "GENERAL_PURPOSE_SSD") && strcmp(v, "THROUGHPUT_OPTIMIZED_HDD")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "disk_spec.disk_type.ebs_volume_type: invalid value %s (GENERAL_PURPOSE_SSD or THROUGHPUT_OPTIMIZED_HDD)", v);
		return -1;
	}
	return 0;
}

int fw_check_storage_url(fw_ctx *c, const char *url, const char *where, int allow_dbfs)
{
	static const struct { const char *scheme; fw_cloud cloud; } schemes[] = {
		{"abfss://", FW_AZURE}, {"wasbs://", FW_AZURE}, {"s3://", FW_AWS}, {"gs://", FW_GCP},
	};
	if (!url || !*url) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: %s", where);
		return -1;
	}
	if (allow_dbfs && strncmp(url, "dbfs:/", 6) == 0)
		return 0;
	for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++) {
		size_t l = strlen(schemes[i].scheme);
		if (strncmp(url, schemes[i].scheme, l) != 0)
			continue;
		if (schemes[i].cloud != c->s->cloud) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s: %s is %s storage, not reachable from a %s workspace",
				 where, url, fw_cloud_name(schemes[i].cloud), fw_cloud_name(c->s->cloud));
			return -1;
		}
		const char *host = url + l, *slash = strchr(host, '/'), *at = strchr(host, '@');
		int bad = !*host || *host == '/';
		if (schemes[i].cloud == FW_AZURE && (!at || at == host || (slash && at > slash)))
			bad = 1;
		if (bad) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s: %s has no %s", where, url,
				 schemes[i].cloud == FW_AZURE ? "container@account" : "bucket");
			return -1;
		}
		return 0;
	}
	fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s: %s is not a storage URL this %s workspace can use (%s)", where, url,
		 fw_cloud_name(c->s->cloud),
		 c->s->cloud == FW_AZURE ? "abfss://container@account.dfs.core.windows.net/..." :
		 c->s->cloud == FW_AWS ? "s3://bucket/..." : "gs://bucket/...");
	return -1;
}
