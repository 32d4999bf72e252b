/* fw_nodes: node types per cloud (cores, memory, GPUs) for
 * clusters/list-node-types and for validating node_type_id. */
#ifndef FW_NODES_H
#define FW_NODES_H

#include <cjson/cJSON.h>
#include "fw_state.h"

typedef struct fw_node {
	fw_cloud cloud;
	const char *id;
	int cores;
	int memory_mb;
	int gpus;
	const char *category;
	int local_disk_gb;
} fw_node;

/* The node type ID of CLOUD, or NULL. */
const fw_node *fw_node_find(fw_cloud cloud, const char *id);
/* The list-node-types reply for CLOUD; caller frees. */
cJSON *fw_nodes_list(fw_cloud cloud);

#endif
