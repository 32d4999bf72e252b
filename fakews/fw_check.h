/* fw_check: cloud flavour validation shared by clusters, pools and jobs:
 * cloud attribute blocks, availability values, node types, instance
 * profiles, init script and log destinations, references to pools and
 * policies. Each check answers 400 INVALID_PARAMETER_VALUE naming the
 * field (prefixed with WHERE, e.g. "job_clusters[0].new_cluster"). */
#ifndef FW_CHECK_H
#define FW_CHECK_H

#include <cjson/cJSON.h>
#include "fw_http.h"

/* A cluster spec (clusters/create, edit, a job's new_cluster); -1 and a
 * reply when it is not acceptable to this workspace. */
int fw_check_cluster(fw_ctx *c, const cJSON *spec, const char *where);
/* A DLT pipeline's clusters[] entry: the same flavour checks, no
 * spark_version (the pipeline runtime picks it), labels checked. */
int fw_check_pipeline_cluster(fw_ctx *c, const cJSON *spec, const char *where);
/* An instance pool spec. */
int fw_check_pool(fw_ctx *c, const cJSON *spec);
/* A storage URL (external location, external table or volume, pipeline
 * storage): a scheme this cloud's storage uses (abfss/wasbs on azure, s3
 * on aws, gs on gcp) with a bucket or container; -1 and a 400 naming
 * WHERE otherwise. dbfs:/ is accepted when ALLOW_DBFS. */
int fw_check_storage_url(fw_ctx *c, const char *url, const char *where, int allow_dbfs);
/* Sets member K of O to V (consumed), replacing or adding it: unlike
 * cJSON_ReplaceItemInObject, which leaks V when K is absent. */
void fw_set(cJSON *o, const char *k, cJSON *v);
/* A string field of O, or NULL. */
const char *fw_str(const cJSON *o, const char *field);

#endif
