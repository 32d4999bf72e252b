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
/* An instance pool spec. */
int fw_check_pool(fw_ctx *c, const cJSON *spec);
/* A string field of O, or NULL. */
const char *fw_str(const cJSON *o, const char *field);

#endif
