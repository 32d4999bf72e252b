/* fw_nodes: the node type tables (fw_nodes_table.inc, sorted by cloud name
 * then id) and the list-node-types reply shape. */
#include "fw_nodes.h"

#include <stdlib.h>
#include <string.h>

static const fw_node table[] = {
#include "fw_nodes_table.inc"
};
#define NTABLE (sizeof table / sizeof *table)

static int cmp(fw_cloud ca, const char *ia, fw_cloud cb, const char *ib)
{
	int r = strcmp(fw_cloud_name(ca), fw_cloud_name(cb));
	return r ? r : strcmp(ia, ib);
}

const fw_node *fw_node_find(fw_cloud cloud, const char *id)
{
	size_t lo = 0, hi = NTABLE;
	if (!id)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = cmp(table[mid].cloud, table[mid].id, cloud, id);
		if (r == 0)
			return &table[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

cJSON *fw_nodes_list(fw_cloud cloud)
{
	cJSON *r = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(r, "node_types");
	int order = 0;
	for (size_t i = 0; i < NTABLE; i++) {
		const fw_node *n = &table[i];
		if (n->cloud != cloud)
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "node_type_id", n->id);
		cJSON_AddNumberToObject(o, "memory_mb", n->memory_mb);
		cJSON_AddNumberToObject(o, "num_cores", n->cores);
		cJSON_AddStringToObject(o, "description", n->id);
		cJSON_AddStringToObject(o, "instance_type_id", n->id);
		cJSON_AddBoolToObject(o, "is_deprecated", 0);
		cJSON_AddStringToObject(o, "category", n->category);
		cJSON_AddBoolToObject(o, "support_ebs_volumes", cloud == FW_AWS);
		cJSON_AddBoolToObject(o, "support_cluster_tags", 1);
		cJSON_AddNumberToObject(o, "num_gpus", n->gpus);
		cJSON *ni = cJSON_AddObjectToObject(o, "node_instance_type");
		cJSON_AddStringToObject(ni, "instance_type_id", n->id);
		cJSON_AddNumberToObject(ni, "local_disks", n->local_disk_gb ? 1 : 0);
		cJSON_AddNumberToObject(ni, "local_disk_size_gb", n->local_disk_gb);
		cJSON_AddBoolToObject(o, "is_hidden", 0);
		cJSON_AddBoolToObject(o, "support_port_forwarding", 1);
		cJSON_AddNumberToObject(o, "display_order", order++);
		cJSON_AddBoolToObject(o, "is_io_cache_enabled", n->local_disk_gb > 0);
		cJSON_AddBoolToObject(o, "photon_worker_capable", n->gpus == 0);
		cJSON_AddBoolToObject(o, "photon_driver_capable", n->gpus == 0);
		cJSON_AddItemToArray(arr, o);
	}
	return r;
}
