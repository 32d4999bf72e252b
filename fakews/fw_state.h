/* fw_state: the fake workspace's in-memory store. One collection per object
 * kind (objects kept in the shape the API's get returns, in insertion order,
 * indexed by id and by natural key), the workspace tree, seed loading and
 * the state dump. Callers hold fw_state.lock around every access. */
#ifndef FW_STATE_H
#define FW_STATE_H

#include <pthread.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "fw_map.h"

typedef enum { FW_AZURE, FW_AWS, FW_GCP } fw_cloud;

/* A collection of JSON objects of one kind. */
typedef struct fw_coll {
	const char *kind;	/* seed/state file name: "users" */
	const char *id_field;	/* "id", "cluster_id", ... */
	const char *id_field2;	/* composite key part (permissions), or NULL */
	const char *key_field;	/* natural key ("userName"), or NULL */
	int numeric_id;		/* id is a JSON number (jobs, repos) */
	int key_ci;		/* natural key compares case-insensitively (userName) */
	cJSON **items;		/* owned, insertion order */
	size_t n, cap;
	fw_map by_id, by_key;
} fw_coll;

enum {
	FW_USERS, FW_GROUPS, FW_SPS, FW_INSTANCE_PROFILES, FW_POLICIES,
	FW_POOLS, FW_CLUSTERS, FW_JOBS, FW_REPOS, FW_GIS, FW_WAREHOUSES,
	FW_SECRETS, FW_PERMS,
	/* breadth: DBSQL, Unity Catalog, Hive metastore, DLT */
	FW_QUERIES, FW_ALERTS, FW_DASHBOARDS, FW_SQL_DASHBOARDS, FW_CATALOGS, FW_SCHEMAS,
	FW_TABLES, FW_VOLUMES, FW_EXTLOCS, FW_CREDS, FW_GRANTS, FW_HIVE, FW_PIPELINES,
	FW_NCOLL
};

/* One workspace object (notebook, file, directory, repo). */
typedef struct fw_wsobj {
	char *path;
	char *type;		/* NOTEBOOK, FILE, DIRECTORY, REPO */
	char *language;		/* notebooks only, else NULL */
	int64_t object_id;
	unsigned char *content;	/* raw bytes, notebooks and files */
	size_t len;
	int64_t created_at, modified_at;
	struct fw_wsobj **kids;	/* directories: children, unordered */
	size_t nkids, capkids;
	struct fw_wsobj *parent;
} fw_wsobj;

typedef struct fw_state {
	pthread_mutex_t lock;
	fw_cloud cloud;
	fw_coll coll[FW_NCOLL];
	fw_map ws_by_path;	/* path -> fw_wsobj* (owns the objects) */
	fw_map ws_by_id;	/* "object_id" -> fw_wsobj* */
	int64_t next_id;	/* numeric ids: SCIM, workspace objects */
	int64_t next_job_id;	/* above 2^40 */
	uint64_t rng;		/* xorshift state, from --random-seed */
} fw_state;

const char *fw_cloud_name(fw_cloud c);

/* Sets up empty collections for CLOUD. */
void fw_state_init(fw_state *s, fw_cloud cloud, uint64_t seed);
void fw_state_clear(fw_state *s);	/* drops every object */
/* Loads DIR/<kind>.json files; on error writes "FILE: message" to ERR. */
int fw_state_load_dir(fw_state *s, const char *dir, char *err, size_t errlen);
/* Loads one kind's array (consumed). */
int fw_state_load_kind(fw_state *s, const char *kind, cJSON *arr, char *err, size_t errlen);
/* The whole state as {"cloud":..., kind: [...]} sorted by id; caller frees. */
cJSON *fw_state_dump(fw_state *s);
/* Adds what every real workspace has (fw_scim.c): the calling admin user,
 * the groups admins and users, every user a member of users. Called after
 * each load, so a seed or a dump that already holds them is kept as is. */
void fw_scim_builtins(fw_state *s);
/* Statement ids and UUIDs (fw_http.c): a random RFC 4122 v4 UUID string. */
const char *fw_uuid(fw_state *s, char *buf, size_t n);

uint64_t fw_rand(fw_state *s);
double fw_rand01(fw_state *s);
/* A fresh numeric id as a string ("1234567"); buf >= 24 bytes. */
const char *fw_new_numeric_id(fw_state *s, char *buf, size_t n);

/* Collection helpers. Ids are strings (numbers printed with %.0f). */
fw_coll *fw_coll_of(fw_state *s, int which);
cJSON *fw_coll_get(fw_coll *c, const char *id);
cJSON *fw_coll_by_key(fw_coll *c, const char *key);
/* Adds OBJ (consumed) and indexes it; -1 on duplicate id or no id. */
int fw_coll_add(fw_coll *c, cJSON *obj);
/* Replaces the object with OBJ's id (consumed) in O(1): the stored
 * object keeps its address and takes OBJ's fields. */
int fw_coll_replace(fw_coll *c, cJSON *obj);
/* Removes and frees; -1 when absent. */
int fw_coll_del(fw_coll *c, const char *id);
/* The id of OBJ as a string in BUF. */
const char *fw_coll_idstr(const fw_coll *c, const cJSON *obj, char *buf, size_t n);

/* Workspace tree (fw_workspace.c). */
fw_wsobj *fw_ws_get(fw_state *s, const char *path);
fw_wsobj *fw_ws_by_id(fw_state *s, int64_t id);
/* Creates directories along PATH (like mkdir -p); NULL if a component is
 * not a directory. */
fw_wsobj *fw_ws_mkdirs(fw_state *s, const char *path);
/* Creates or replaces an object at PATH whose parent must exist. */
fw_wsobj *fw_ws_put(fw_state *s, const char *path, const char *type, const char *language,
		    const unsigned char *content, size_t len, int64_t object_id);
void fw_ws_remove(fw_state *s, fw_wsobj *o);	/* and its subtree */
void fw_ws_clear(fw_state *s);
int fw_ws_load(fw_state *s, const cJSON *arr, char *err, size_t errlen);
cJSON *fw_ws_dump(fw_state *s);

#endif
