/* fw_state: the in-memory store of the fake workspace: collections per
 * kind, seed loading and the sorted state dump (a dump is also a seed). */
#include "fw_state.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct coll_def {
	const char *kind, *id_field, *id_field2, *key_field;
	int numeric_id;
	int key_ci;
	fw_id_shape shape;
};

static const struct coll_def defs[FW_NCOLL] = {
	[FW_USERS] = {"users", "id", NULL, "userName", 0, 1, FW_ID_NUMBER},
	[FW_GROUPS] = {"groups", "id", NULL, "displayName", 0, 0, FW_ID_NUMBER},
	[FW_SPS] = {"service_principals", "id", NULL, "applicationId", 0, 0, FW_ID_NUMBER},
	[FW_INSTANCE_PROFILES] = {"instance_profiles", "instance_profile_arn", NULL, NULL, 0, 0, FW_ID_NAME},
	[FW_POLICIES] = {"cluster_policies", "policy_id", NULL, "name", 0, 0, FW_ID_HEX16U},
	[FW_POOLS] = {"instance_pools", "instance_pool_id", NULL, NULL, 0, 0, FW_ID_POOL},
	[FW_CLUSTERS] = {"clusters", "cluster_id", NULL, NULL, 0, 0, FW_ID_CLUSTER},
	[FW_JOBS] = {"jobs", "job_id", NULL, NULL, 1, 0, FW_ID_NUMBER},
	[FW_REPOS] = {"repos", "id", NULL, "path", 1, 0, FW_ID_NUMBER},
	[FW_GIS] = {"global_init_scripts", "script_id", NULL, NULL, 0, 0, FW_ID_HEX16U},
	[FW_WAREHOUSES] = {"sql_warehouses", "id", NULL, "name", 0, 0, FW_ID_HEX16},
	[FW_SECRETS] = {"secrets", "name", NULL, NULL, 0, 0, FW_ID_NAME},
	[FW_PERMS] = {"permissions", "object_type", "object_id", NULL, 0, 0, FW_ID_NAME},
	[FW_QUERIES] = {"queries", "id", NULL, NULL, 0, 0, FW_ID_UUID},
	[FW_ALERTS] = {"alerts", "id", NULL, NULL, 0, 0, FW_ID_UUID},
	[FW_DASHBOARDS] = {"dashboards", "dashboard_id", NULL, NULL, 0, 0, FW_ID_HEX32},
	[FW_SQL_DASHBOARDS] = {"sql_dashboards", "id", NULL, NULL, 0, 0, FW_ID_UUID},
	[FW_CATALOGS] = {"catalogs", "name", NULL, NULL, 0, 0, FW_ID_NAME},
	[FW_SCHEMAS] = {"schemas", "full_name", NULL, NULL, 0, 0, FW_ID_NAME},
	[FW_TABLES] = {"tables", "full_name", NULL, NULL, 0, 0, FW_ID_NAME},
	[FW_VOLUMES] = {"volumes", "full_name", NULL, NULL, 0, 0, FW_ID_NAME},
	[FW_EXTLOCS] = {"external_locations", "name", NULL, NULL, 0, 0, FW_ID_NAME},
	[FW_CREDS] = {"storage_credentials", "name", NULL, NULL, 0, 0, FW_ID_NAME},
	[FW_GRANTS] = {"grants", "securable_type", "full_name", NULL, 0, 0, FW_ID_NAME},
	[FW_HIVE] = {"hive_metastore", "name", NULL, NULL, 0, 0, FW_ID_NAME},
	[FW_PIPELINES] = {"pipelines", "pipeline_id", NULL, NULL, 0, 0, FW_ID_UUID},
};

const char *fw_cloud_name(fw_cloud c)
{
	return c == FW_AWS ? "aws" : c == FW_GCP ? "gcp" : "azure";
}

/* Ids well clear of what a small seed holds, 16 digits like real ones;
 * job ids above 2^40 (callers must read them as doubles). Ids the fake
 * sends as JSON numbers (workspace objects, repos) have a counter apart
 * from the SCIM principals' (strings, seeded up to 8e15 in the fixture):
 * cJSON prints a number above 2^52 only to within one unit, so object ids
 * up there could print alike. The two start apart, as in a real
 * workspace an id names one thing (tests map ids back to names). */
static void reset_counters(fw_state *s)
{
	s->next_id = 1000000000000000LL + 1;
	s->next_object_id = 2000000000000000LL + 1;
	s->next_job_id = 1099511627776LL + 1;
}

void fw_state_init(fw_state *s, fw_cloud cloud, uint64_t seed)
{
	memset(s, 0, sizeof *s);
	pthread_mutex_init(&s->lock, NULL);
	s->cloud = cloud;
	s->rng = seed ? seed : 0x9E3779B97F4A7C15ULL;
	reset_counters(s);
	for (int i = 0; i < FW_NCOLL; i++) {
		fw_coll *c = &s->coll[i];
		c->kind = defs[i].kind;
		c->id_field = defs[i].id_field;
		c->id_field2 = defs[i].id_field2;
		c->key_field = defs[i].key_field;
		c->numeric_id = defs[i].numeric_id;
		c->key_ci = defs[i].key_ci;
		c->id_shape = defs[i].shape;
		c->counter = defs[i].shape != FW_ID_NUMBER ? NULL : i == FW_JOBS ? &s->next_job_id :
			     i == FW_REPOS ? &s->next_object_id : &s->next_id;
		fw_map_init(&c->by_id);
		fw_map_init(&c->by_key);
	}
	fw_map_init(&s->ws_by_path);
	fw_map_init(&s->ws_by_id);
}

void fw_state_clear(fw_state *s)
{
	for (int i = 0; i < FW_NCOLL; i++) {
		fw_coll *c = &s->coll[i];
		for (size_t j = 0; j < c->n; j++)
			cJSON_Delete(c->items[j]);
		free(c->items);
		c->items = NULL;
		c->n = c->cap = 0;
		fw_map_free(&c->by_id);
		fw_map_free(&c->by_key);
	}
	fw_ws_clear(s);
	reset_counters(s);
}

uint64_t fw_rand(fw_state *s)
{
	uint64_t x = s->rng;	/* xorshift64* */
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	s->rng = x;
	return x * 2685821657736338717ULL;
}

double fw_rand01(fw_state *s)
{
	return (double)(fw_rand(s) >> 11) / 9007199254740992.0;
}

/* Raises COUNTER past ID when ID is a number that fits; other ids (a
 * seed's "user-1", 19 digits and more) cannot be drawn by it anyway. */
static void raise_counter(int64_t *counter, const char *id)
{
	if (!counter || !*id || strlen(id) > 18 || strspn(id, "0123456789") != strlen(id))
		return;
	long long v = strtoll(id, NULL, 10);
	if (v >= *counter)
		*counter = v + 1;
}

int64_t fw_coll_new_num(fw_state *s, int which)
{
	fw_coll *c = &s->coll[which];
	char buf[32];
	int64_t v;
	do {	/* a non-numeric key never collides; the loop guards the odd one */
		v = (*c->counter)++;
		snprintf(buf, sizeof buf, "%lld", (long long)v);
	} while (fw_map_get(&c->by_id, buf));
	return v;
}

static void draw_letters(fw_state *s, char *out)
{
	uint64_t r = fw_rand(s);
	for (int i = 0; i < 8; i++) {
		out[i] = (char)('a' + (r % 26));
		r /= 26;
	}
	out[8] = '\0';
}

/* One draw of an id of SHAPE (the same draws the handlers made before the
 * allocation moved here, so a --random-seed run names its objects alike). */
static void draw_id(fw_state *s, fw_id_shape shape, char *buf, size_t n)
{
	char letters[9];
	unsigned long long a, b;
	switch (shape) {
	case FW_ID_CLUSTER:
	case FW_ID_POOL:
		draw_letters(s, letters);
		a = fw_rand(s) % 1232;
		b = fw_rand(s) % 1000000;
		snprintf(buf, n, "%04llu-%06llu-%s%s", 101 + a % 1131, b, shape == FW_ID_POOL ? "pool-" : "",
			 letters);
		break;
	case FW_ID_HEX16:
		snprintf(buf, n, "%016llx", (unsigned long long)fw_rand(s));
		break;
	case FW_ID_HEX16U:
		snprintf(buf, n, "%016llX", (unsigned long long)fw_rand(s));
		break;
	case FW_ID_HEX32:
		a = fw_rand(s);
		b = fw_rand(s);
		snprintf(buf, n, "%016llx%016llx", a, b);
		break;
	default:
		fw_uuid(s, buf, n);
		break;
	}
}

/* Whether any collection holds ID: a drawn id names one object of the
 * whole workspace, also after a restart from a dump under the same
 * --random-seed, which draws the same ids again for other kinds. */
static int id_taken(fw_state *s, const char *id)
{
	for (int i = 0; i < FW_NCOLL; i++)
		if (fw_map_get(&s->coll[i].by_id, id))
			return 1;
	return 0;
}

const char *fw_coll_new_id(fw_state *s, int which, char *buf, size_t n)
{
	fw_coll *c = &s->coll[which];
	switch (c->id_shape) {
	case FW_ID_NAME:
		return NULL;
	case FW_ID_NUMBER:
		snprintf(buf, n, "%lld", (long long)fw_coll_new_num(s, which));
		return buf;
	default:
		do
			draw_id(s, c->id_shape, buf, n);
		while (id_taken(s, buf));
		return buf;
	}
}

int64_t fw_object_id(fw_state *s, int64_t id)
{
	if (id <= 0)
		return s->next_object_id++;
	if (id >= s->next_object_id)
		s->next_object_id = id + 1;
	return id;
}

fw_coll *fw_coll_of(fw_state *s, int which)
{
	return &s->coll[which];
}

static const char *field_str(const cJSON *o, const char *f, char *buf, size_t n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, f);
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsNumber(v)) {
		snprintf(buf, n, "%.0f", v->valuedouble);
		return buf;
	}
	return NULL;
}

const char *fw_coll_idstr(const fw_coll *c, const cJSON *obj, char *buf, size_t n)
{
	char b1[64];
	const char *a = field_str(obj, c->id_field, b1, sizeof b1);
	if (!a)
		return NULL;
	if (!c->id_field2) {
		if (a != b1)
			return a;
		snprintf(buf, n, "%s", b1);
		return buf;
	}
	char b2[64];
	const char *b = field_str(obj, c->id_field2, b2, sizeof b2);
	if (!b)
		return NULL;
	snprintf(buf, n, "%s/%s", a, b);
	return buf;
}

cJSON *fw_coll_get(fw_coll *c, const char *id)
{
	return id ? fw_map_get(&c->by_id, id) : NULL;
}

/* The map key of natural key K: lowercased for case-insensitive kinds. */
static const char *map_key(const fw_coll *c, const char *k, char *buf, size_t n)
{
	if (!c->key_ci)
		return k;
	size_t i = 0;
	for (; k[i] && i + 1 < n; i++)
		buf[i] = (char)(k[i] >= 'A' && k[i] <= 'Z' ? k[i] + 32 : k[i]);
	buf[i] = '\0';
	return buf;
}

cJSON *fw_coll_by_key(fw_coll *c, const char *key)
{
	char buf[1024];
	return key ? fw_map_get(&c->by_key, map_key(c, key, buf, sizeof buf)) : NULL;
}

static void index_key(fw_coll *c, cJSON *obj)
{
	char buf[1024];
	if (!c->key_field)
		return;
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(obj, c->key_field);
	if (cJSON_IsString(k))
		fw_map_put(&c->by_key, map_key(c, k->valuestring, buf, sizeof buf), obj);
}

static void unindex_key(fw_coll *c, cJSON *obj)
{
	char buf[1024];
	if (!c->key_field)
		return;
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(obj, c->key_field);
	const char *mk = cJSON_IsString(k) ? map_key(c, k->valuestring, buf, sizeof buf) : NULL;
	if (mk && fw_map_get(&c->by_key, mk) == obj)
		fw_map_del(&c->by_key, mk);
}

int fw_coll_add(fw_coll *c, cJSON *obj)
{
	char buf[512];
	const char *id = fw_coll_idstr(c, obj, buf, sizeof buf);
	if (!id || fw_map_get(&c->by_id, id)) {
		cJSON_Delete(obj);
		return -1;
	}
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		cJSON **ni = realloc(c->items, ncap * sizeof *ni);
		if (!ni) {
			cJSON_Delete(obj);
			return -1;
		}
		c->items = ni;
		c->cap = ncap;
	}
	if (fw_map_put(&c->by_id, id, obj) < 0) {
		cJSON_Delete(obj);
		return -1;
	}
	c->items[c->n++] = obj;
	index_key(c, obj);
	raise_counter(c->counter, id);
	return 0;
}

static long index_of(const fw_coll *c, const cJSON *obj)
{
	for (size_t i = c->n; i-- > 0;)
		if (c->items[i] == obj)
			return (long)i;
	return -1;
}

int fw_coll_replace(fw_coll *c, cJSON *obj)
{
	char buf[512];
	const char *id = fw_coll_idstr(c, obj, buf, sizeof buf);
	cJSON *old = id ? fw_map_get(&c->by_id, id) : NULL;
	if (!old) {
		cJSON_Delete(obj);
		return -1;
	}
	/* swap the members so the stored object keeps its address: no scan */
	unindex_key(c, old);
	cJSON *kids = old->child;
	old->child = obj->child;
	obj->child = kids;
	cJSON_Delete(obj);
	index_key(c, old);
	return 0;
}

int fw_coll_del(fw_coll *c, const char *id)
{
	cJSON *old = id ? fw_map_get(&c->by_id, id) : NULL;
	long i = old ? index_of(c, old) : -1;
	if (i < 0)
		return -1;
	unindex_key(c, old);
	fw_map_del(&c->by_id, id);
	memmove(c->items + i, c->items + i + 1, (c->n - (size_t)i - 1) * sizeof *c->items);
	c->n--;
	cJSON_Delete(old);
	return 0;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Ids that are digit strings sort numerically, everything else bytewise. */
static int cmp_ids(const char *a, const char *b)
{
	if (all_digits(a) && all_digits(b)) {
		size_t la = strlen(a), lb = strlen(b);
		if (la != lb)
			return la < lb ? -1 : 1;
	}
	return strcmp(a, b);
}

static const fw_coll *sort_coll;

static int cmp_items(const void *x, const void *y)
{
	char b1[512], b2[512];
	const char *a = fw_coll_idstr(sort_coll, *(cJSON *const *)x, b1, sizeof b1);
	const char *b = fw_coll_idstr(sort_coll, *(cJSON *const *)y, b2, sizeof b2);
	return cmp_ids(a ? a : "", b ? b : "");
}

cJSON *fw_state_dump(fw_state *s)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "cloud", fw_cloud_name(s->cloud));
	for (int i = 0; i < FW_NCOLL; i++) {
		fw_coll *c = &s->coll[i];
		cJSON **tmp = malloc((c->n ? c->n : 1) * sizeof *tmp);
		if (!tmp)
			continue;
		if (c->n)
			memcpy(tmp, c->items, c->n * sizeof *tmp);
		sort_coll = c;	/* callers hold s->lock, so this is not racy */
		qsort(tmp, c->n, sizeof *tmp, cmp_items);
		cJSON *arr = cJSON_AddArrayToObject(root, c->kind);
		for (size_t j = 0; j < c->n; j++)
			cJSON_AddItemToArray(arr, cJSON_Duplicate(tmp[j], 1));
		free(tmp);
	}
	cJSON_AddItemToObject(root, "workspace", fw_ws_dump(s));
	return root;
}

int fw_state_load_kind(fw_state *s, const char *kind, cJSON *arr, char *err, size_t errlen)
{
	int rc = -1;
	if (strcmp(kind, "workspace") == 0) {
		rc = fw_ws_load(s, arr, err, errlen);
		cJSON_Delete(arr);
		return rc;
	}
	int which = -1;
	for (int i = 0; i < FW_NCOLL; i++)
		if (strcmp(defs[i].kind, kind) == 0)
			which = i;
	if (which < 0) {
		snprintf(err, errlen, "unknown kind '%s'", kind);
		goto out;
	}
	if (!cJSON_IsArray(arr)) {
		snprintf(err, errlen, "expected a JSON array of %s", kind);
		goto out;
	}
	fw_coll *c = &s->coll[which];
	int idx = 0;
	cJSON *item;
	while ((item = cJSON_DetachItemFromArray(arr, 0)) != NULL) {
		char buf[512];
		const char *id;
		if (!cJSON_IsObject(item)) {
			snprintf(err, errlen, "item %d: not an object", idx);
			cJSON_Delete(item);
			goto out;
		}
		id = fw_coll_idstr(c, item, buf, sizeof buf);
		if (!id) {
			snprintf(err, errlen, "item %d: missing \"%s\"%s%s", idx, c->id_field,
				 c->id_field2 ? " or " : "", c->id_field2 ? c->id_field2 : "");
			cJSON_Delete(item);
			goto out;
		}
		char idcopy[512];
		snprintf(idcopy, sizeof idcopy, "%s", id);
		if (fw_coll_add(c, item) < 0) {
			snprintf(err, errlen, "item %d: duplicate %s '%s'", idx, c->id_field, idcopy);
			goto out;
		}
		idx++;
	}
	rc = 0;
out:
	cJSON_Delete(arr);
	return rc;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		char *nb = realloc(buf, cap * 2 + 1);
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

/* Line number of byte offset OFF in TEXT, for parse error messages. */
static int line_of(const char *text, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off && text[i]; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

int fw_state_load_dir(fw_state *s, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		size_t nl = strlen(de->d_name);
		if (nl < 6 || strcmp(de->d_name + nl - 5, ".json") != 0)
			continue;
		char kind[256], path[4096], msg[512];
		snprintf(kind, sizeof kind, "%.*s", (int)(nl - 5), de->d_name);
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		int known = strcmp(kind, "workspace") == 0;
		for (int i = 0; i < FW_NCOLL; i++)
			if (strcmp(defs[i].kind, kind) == 0)
				known = 1;
		if (!known) {
			fprintf(stderr, "dbxmig-fakews: %s: kind '%s' not served yet, ignored\n", path, kind);
			continue;
		}
		size_t len;
		char *text = read_file(path, &len);
		if (!text) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			rc = -1;
			break;
		}
		const char *end = NULL;
		cJSON *arr = cJSON_ParseWithLengthOpts(text, len, &end, 0);
		if (!arr) {
			size_t off = end ? (size_t)(end - text) : 0;
			snprintf(err, errlen, "%s:%d: invalid JSON", path, line_of(text, off));
			free(text);
			rc = -1;
			break;
		}
		free(text);
		if (fw_state_load_kind(s, kind, arr, msg, sizeof msg) < 0) {
			snprintf(err, errlen, "%s: %s", path, msg);
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}
