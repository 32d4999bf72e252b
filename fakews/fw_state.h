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

/* The shape of the ids the real API gives a kind (fw_coll_new_id). */
typedef enum {
	FW_ID_NAME,	/* the natural key is the id (UC names, secret scopes) */
	FW_ID_NUMBER,	/* a counter: SCIM principals; repos; jobs above 2^40 */
	FW_ID_CLUSTER,	/* "0423-101512-abcdefgh" */
	FW_ID_POOL,	/* "0423-101512-pool-abcdefgh" */
	FW_ID_HEX16,	/* warehouses: 16 lower-case hex digits */
	FW_ID_HEX16U,	/* policies, init scripts: 16 upper-case hex digits */
	FW_ID_HEX32,	/* Lakeview dashboards: 32 hex digits */
	FW_ID_UUID,	/* queries, alerts, legacy dashboards, pipelines */
} fw_id_shape;

/* A collection of JSON objects of one kind. */
typedef struct fw_coll {
	const char *kind;	/* seed/state file name: "users" */
	const char *id_field;	/* "id", "cluster_id", ... */
	const char *id_field2;	/* composite key part (permissions), or NULL */
	const char *key_field;	/* natural key ("userName"), or NULL */
	int numeric_id;		/* id is a JSON number (jobs, repos) */
	int key_ci;		/* natural key compares case-insensitively (userName) */
	fw_id_shape id_shape;
	int64_t *counter;	/* FW_ID_NUMBER: the fw_state counter, kept above every id held */
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
	/* The numeric id counters, only ever raised: above every id any object
	 * held since the last fw_state_clear, seeded, generated or created. */
	int64_t next_id;	/* SCIM principals (string ids) */
	int64_t next_object_id;	/* workspace objects and repos (JSON numbers): one space */
	int64_t next_job_id;	/* jobs: above 2^40 */
	uint64_t rng;		/* xorshift state, from --random-seed */
} fw_state;

const char *fw_cloud_name(fw_cloud c);

/* Sets up empty collections for CLOUD. */
void fw_state_init(fw_state *s, fw_cloud cloud, uint64_t seed);
void fw_state_clear(fw_state *s);	/* drops every object, resets the counters */
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

/* Id allocation: the one source of truth for every new object, whoever
 * makes it (an API create, --generate, the built-in principals). A fresh
 * id for collection WHICH, in its shape, that no object of it holds:
 * FW_ID_NUMBER kinds take their counter (fw_coll_add raises it past every
 * id added, seeded or generated, in whatever order), the others draw from
 * the seeded generator again while the draw is taken (a state dump seeded
 * back under the same --random-seed replays the same draws). BUF >= 64
 * bytes. NULL for FW_ID_NAME kinds: their name is their id. */
const char *fw_coll_new_id(fw_state *s, int which, char *buf, size_t n);
/* The same for FW_ID_NUMBER kinds, as a number. */
int64_t fw_coll_new_num(fw_state *s, int which);
/* A workspace object's id: ID itself when > 0 (raising the counter past
 * it), else a fresh one from the counter repos share. */
int64_t fw_object_id(fw_state *s, int64_t id);

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
