/* fw_workspace: the workspace tree (notebooks, files, directories) and its
 * API (list, get-status, export, import, mkdirs, delete), plus repos.
 * DBC archives are the fake's own container (base64 of a JSON document
 * {"dbc_fake":1,"items":[{path,language,content}]}): they round-trip
 * through export and import, which is all clients need. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fw_b64.h"
#include "fw_check.h"
#include "fw_http.h"
#include "fw_state.h"

#define MAX_NOTEBOOK (10u * 1024 * 1024)
#define FW_SEED_TIME 1700000000000LL	/* created_at of seed objects without one */

static void free_obj(fw_wsobj *o)
{
	free(o->path);
	free(o->type);
	free(o->language);
	free(o->content);
	free(o->kids);
	free(o);
}

static void add_kid(fw_wsobj *dir, fw_wsobj *o)
{
	if (dir->nkids == dir->capkids) {
		size_t n = dir->capkids ? dir->capkids * 2 : 8;
		fw_wsobj **k = realloc(dir->kids, n * sizeof *k);
		if (!k)
			return;
		dir->kids = k;
		dir->capkids = n;
	}
	dir->kids[dir->nkids++] = o;
	o->parent = dir;
}

static void drop_kid(fw_wsobj *dir, fw_wsobj *o)
{
	for (size_t i = 0; i < dir->nkids; i++)
		if (dir->kids[i] == o) {
			dir->kids[i] = dir->kids[--dir->nkids];
			return;
		}
}

static void index_obj(fw_state *s, fw_wsobj *o)
{
	char idb[32];
	snprintf(idb, sizeof idb, "%lld", (long long)o->object_id);
	fw_map_put(&s->ws_by_path, o->path, o);
	fw_map_put(&s->ws_by_id, idb, o);
}

static fw_wsobj *new_obj(fw_state *s, const char *path, const char *type, int64_t id)
{
	fw_wsobj *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	o->path = strdup(path);
	o->type = strdup(type);
	o->object_id = fw_object_id(s, id);
	o->created_at = o->modified_at = fw_now_ms();
	if (!o->path || !o->type) {
		free_obj(o);
		return NULL;
	}
	index_obj(s, o);
	return o;
}

static fw_wsobj *root(fw_state *s)
{
	fw_wsobj *r = fw_map_get(&s->ws_by_path, "/");
	if (!r) {
		r = new_obj(s, "/", "DIRECTORY", 0);
		if (r) {
			/* the root's id is 0 in real workspaces */
			char idb[32];
			snprintf(idb, sizeof idb, "%lld", (long long)r->object_id);
			fw_map_del(&s->ws_by_id, idb);
			r->object_id = 0;
			fw_map_put(&s->ws_by_id, "0", r);
		}
	}
	return r;
}

fw_wsobj *fw_ws_get(fw_state *s, const char *path)
{
	if (strcmp(path, "/") == 0)
		return root(s);
	return fw_map_get(&s->ws_by_path, path);
}

fw_wsobj *fw_ws_by_id(fw_state *s, int64_t id)
{
	char idb[32];
	snprintf(idb, sizeof idb, "%lld", (long long)id);
	if (id == 0)
		return root(s);
	return fw_map_get(&s->ws_by_id, idb);
}

/* Parent path of P ("/a/b" -> "/a", "/a" -> "/") into BUF. */
static const char *parent_of(const char *p, char *buf, size_t n)
{
	const char *slash = strrchr(p, '/');
	size_t l = slash && slash != p ? (size_t)(slash - p) : 1;
	snprintf(buf, n, "%.*s", (int)l, p);
	return buf;
}

/* 1 when P is absolute, without empty, "." or ".." segments or a trailing '/'. */
static int valid_path(const char *p)
{
	if (!p || p[0] != '/')
		return 0;
	if (strcmp(p, "/") == 0)
		return 1;
	size_t l = strlen(p);
	if (p[l - 1] == '/' || strstr(p, "//") || strstr(p, "/./") || strstr(p, "/../"))
		return 0;
	const char *last = strrchr(p, '/');
	return strcmp(last, "/.") != 0 && strcmp(last, "/..") != 0;
}

fw_wsobj *fw_ws_mkdirs(fw_state *s, const char *path)
{
	fw_wsobj *cur = root(s);
	char buf[4096];
	if (strlen(path) >= sizeof buf)
		return NULL;
	for (const char *p = path + 1; cur && *p;) {
		const char *e = strchr(p, '/');
		size_t upto = e ? (size_t)(e - path) : strlen(path);
		snprintf(buf, sizeof buf, "%.*s", (int)upto, path);
		fw_wsobj *o = fw_map_get(&s->ws_by_path, buf);
		if (!o) {
			o = new_obj(s, buf, "DIRECTORY", 0);
			if (!o)
				return NULL;
			add_kid(cur, o);
		} else if (strcmp(o->type, "DIRECTORY") != 0) {
			return NULL;
		}
		cur = o;
		p = e ? e + 1 : path + strlen(path);
	}
	return cur;
}

fw_wsobj *fw_ws_put(fw_state *s, const char *path, const char *type, const char *language,
		    const unsigned char *content, size_t len, int64_t object_id)
{
	char pb[4096];
	fw_wsobj *dir = fw_ws_get(s, parent_of(path, pb, sizeof pb));
	if (!dir || strcmp(dir->type, "DIRECTORY") != 0)
		return NULL;
	fw_wsobj *o = fw_map_get(&s->ws_by_path, path);
	if (!o) {
		o = new_obj(s, path, type, object_id);
		if (!o)
			return NULL;
		add_kid(dir, o);
	} else {
		free(o->type);
		o->type = strdup(type);
		o->modified_at = fw_now_ms();
	}
	free(o->language);
	o->language = language ? strdup(language) : NULL;
	free(o->content);
	o->content = malloc(len + 1);
	if (o->content) {
		if (len)
			memcpy(o->content, content, len);
		o->content[len] = 0;
	}
	o->len = len;
	return o;
}

static void remove_rec(fw_state *s, fw_wsobj *o)
{
	for (size_t i = 0; i < o->nkids; i++)
		remove_rec(s, o->kids[i]);
	char idb[32];
	snprintf(idb, sizeof idb, "%lld", (long long)o->object_id);
	fw_map_del(&s->ws_by_path, o->path);
	fw_map_del(&s->ws_by_id, idb);
	free_obj(o);
}

void fw_ws_remove(fw_state *s, fw_wsobj *o)
{
	if (o->parent)
		drop_kid(o->parent, o);
	remove_rec(s, o);
}

void fw_ws_clear(fw_state *s)
{
	size_t i = 0;
	const char *k;
	void *v;
	while (fw_map_next(&s->ws_by_path, &i, &k, &v))
		free_obj(v);
	fw_map_free(&s->ws_by_path);
	fw_map_free(&s->ws_by_id);
}

static const char *lang_ok(const char *l)
{
	static const char *const langs[] = {"PYTHON", "SCALA", "SQL", "R"};
	for (size_t i = 0; l && i < 4; i++)
		if (strcmp(l, langs[i]) == 0)
			return langs[i];
	return NULL;
}

static int valid_utf8(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char ch = p[i];
		size_t k = ch < 0x80 ? 0 : (ch >> 5) == 6 ? 1 : (ch >> 4) == 14 ? 2 : (ch >> 3) == 30 ? 3 : 9;
		if (ch == 0 || k == 9 || i + k >= n + (k ? 0 : 1))
			return 0;
		for (size_t j = 1; j <= k; j++)
			if ((p[i + j] & 0xC0) != 0x80)
				return 0;
		i += k + 1;
	}
	return 1;
}

int fw_ws_load(fw_state *s, const cJSON *arr, char *err, size_t errlen)
{
	if (!cJSON_IsArray(arr)) {
		snprintf(err, errlen, "expected a JSON array of workspace objects");
		return -1;
	}
	int idx = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "path"));
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "object_type"));
		const char *lang = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "language"));
		const cJSON *idj = cJSON_GetObjectItemCaseSensitive(it, "object_id");
		const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "content"));
		const char *b64 = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "content_base64"));
		int64_t id = cJSON_IsNumber(idj) ? (int64_t)idj->valuedouble : 0;
		char pb[4096];
		if (!valid_path(path) || strcmp(path, "/") == 0) {
			snprintf(err, errlen, "item %d: \"path\" must be an absolute path, got %s", idx,
				 path ? path : "nothing");
			return -1;
		}
		if (!type || (strcmp(type, "DIRECTORY") && strcmp(type, "NOTEBOOK") && strcmp(type, "FILE"))) {
			snprintf(err, errlen, "item %d (%s): \"object_type\" must be DIRECTORY, NOTEBOOK or FILE", idx, path);
			return -1;
		}
		if (strcmp(type, "NOTEBOOK") == 0 && !lang_ok(lang)) {
			snprintf(err, errlen, "item %d (%s): notebook \"language\" must be PYTHON, SCALA, SQL or R", idx, path);
			return -1;
		}
		if (id && fw_ws_by_id(s, id)) {
			snprintf(err, errlen, "item %d (%s): duplicate object_id %lld", idx, path, (long long)id);
			return -1;
		}
		if (!fw_ws_mkdirs(s, parent_of(path, pb, sizeof pb))) {
			snprintf(err, errlen, "item %d (%s): a parent is not a directory", idx, path);
			return -1;
		}
		fw_wsobj *o = fw_ws_get(s, path);
		if (strcmp(type, "DIRECTORY") == 0) {
			if (o && strcmp(o->type, "DIRECTORY") != 0) {
				snprintf(err, errlen, "item %d (%s): path given twice", idx, path);
				return -1;
			}
			if (!o)
				o = fw_ws_put(s, path, type, NULL, NULL, 0, id);
			else if (id && o->object_id != id) {
				/* created implicitly before: take the seed's id */
				char idb[32];
				snprintf(idb, sizeof idb, "%lld", (long long)o->object_id);
				fw_map_del(&s->ws_by_id, idb);
				o->object_id = id;
				snprintf(idb, sizeof idb, "%lld", (long long)id);
				fw_map_put(&s->ws_by_id, idb, o);
			}
		} else {
			if (o) {
				snprintf(err, errlen, "item %d (%s): path given twice", idx, path);
				return -1;
			}
			unsigned char *bytes = NULL;
			size_t len = 0;
			if (b64) {
				bytes = fw_b64_decode(b64, &len);
				if (!bytes) {
					snprintf(err, errlen, "item %d (%s): \"content_base64\" is not valid base64", idx, path);
					return -1;
				}
			}
			o = fw_ws_put(s, path, type, strcmp(type, "NOTEBOOK") == 0 ? lang : NULL,
				      bytes ? bytes : (const unsigned char *)(text ? text : ""),
				      bytes ? len : (text ? strlen(text) : 0), id);
			free(bytes);
		}
		if (o) {
			/* seeds load the same every time: their own times or a fixed one */
			const cJSON *ca = cJSON_GetObjectItemCaseSensitive(it, "created_at");
			const cJSON *ma = cJSON_GetObjectItemCaseSensitive(it, "modified_at");
			o->created_at = cJSON_IsNumber(ca) ? (int64_t)ca->valuedouble : FW_SEED_TIME;
			o->modified_at = cJSON_IsNumber(ma) ? (int64_t)ma->valuedouble : o->created_at;
		}
		if (!o) {
			snprintf(err, errlen, "item %d (%s): cannot create", idx, path);
			return -1;
		}
		idx++;
	}
	return 0;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp((*(fw_wsobj *const *)a)->path, (*(fw_wsobj *const *)b)->path);
}

cJSON *fw_ws_dump(fw_state *s)
{
	cJSON *arr = cJSON_CreateArray();
	size_t n = s->ws_by_path.len, k = 0, i = 0;
	fw_wsobj **all = malloc((n ? n : 1) * sizeof *all);
	const char *key;
	void *v;
	while (all && fw_map_next(&s->ws_by_path, &i, &key, &v))
		if (strcmp(key, "/") != 0)
			all[k++] = v;
	if (all)
		qsort(all, k, sizeof *all, cmp_path);
	for (size_t j = 0; j < k; j++) {
		fw_wsobj *o = all[j];
		cJSON *it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "path", o->path);
		cJSON_AddStringToObject(it, "object_type", o->type);
		if (o->language)
			cJSON_AddStringToObject(it, "language", o->language);
		cJSON_AddNumberToObject(it, "object_id", (double)o->object_id);
		if (strcmp(o->type, "DIRECTORY") != 0) {
			cJSON_AddNumberToObject(it, "created_at", (double)o->created_at);
			cJSON_AddNumberToObject(it, "modified_at", (double)o->modified_at);
			if (valid_utf8(o->content, o->len)) {
				cJSON_AddStringToObject(it, "content", (const char *)o->content);
			} else {
				char *b = fw_b64_encode(o->content, o->len);
				cJSON_AddStringToObject(it, "content_base64", b ? b : "");
				free(b);
			}
		}
		cJSON_AddItemToArray(arr, it);
	}
	free(all);
	return arr;
}

/* ---- API ---- */

static cJSON *obj_json(const fw_wsobj *o)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "object_type", o->type);
	cJSON_AddStringToObject(j, "path", o->path);
	if (o->language)
		cJSON_AddStringToObject(j, "language", o->language);
	cJSON_AddNumberToObject(j, "object_id", (double)o->object_id);
	if (strcmp(o->type, "DIRECTORY") != 0) {
		cJSON_AddNumberToObject(j, "created_at", (double)o->created_at);
		cJSON_AddNumberToObject(j, "modified_at", (double)o->modified_at);
	}
	if (strcmp(o->type, "FILE") == 0)
		cJSON_AddNumberToObject(j, "size", (double)o->len);
	return j;
}

/* Looks PATH up; answers the real 404 (or 400 for a bad path) when absent. */
static fw_wsobj *lookup(fw_ctx *c, const char *path)
{
	char buf[4096];
	if (!path) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: path");
		return NULL;
	}
	size_t l = strlen(path);
	if (l > 1 && path[l - 1] == '/' && l < sizeof buf) {
		/* "/Shared/" means "/Shared", as in the real API */
		while (l > 1 && path[l - 1] == '/')
			l--;
		snprintf(buf, sizeof buf, "%.*s", (int)l, path);
		path = buf;
	}
	if (!valid_path(path)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Path (%s) is not a valid absolute path", path);
		return NULL;
	}
	fw_wsobj *o = fw_ws_get(c->s, path);
	if (!o)
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Path (%s) doesn't exist.", path);
	return o;
}

static int cmp_kids(const void *a, const void *b)
{
	return strcmp((*(fw_wsobj *const *)a)->path, (*(fw_wsobj *const *)b)->path);
}

/* ---- /Repos in the tree ----
 * The real tree lists /Repos, one folder per /Repos/<folder>, and each
 * repo as an object of type REPO whose object_id is the repo id. The fake
 * derives these entries from the repos collection when they are listed,
 * so the state keeps one copy of a repo (repos.json) and a dump stays a
 * seed. Real directories at those paths, if a seed made any, win. */

/* A stable id for a derived folder: FNV-1a of its path, 52 bits. */
static int64_t derived_id(const char *path)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *path; path++)
		h = (h ^ (unsigned char)*path) * 1099511628211ULL;
	return (int64_t)(h & ((1ULL << 52) - 1)) | (1LL << 51);
}

static cJSON *derived(const char *type, const char *path, int64_t id)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "object_type", type);
	cJSON_AddStringToObject(j, "path", path);
	cJSON_AddNumberToObject(j, "object_id", (double)id);
	return j;
}

static int in_array(const cJSON *arr, const char *path)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, arr) {
		const char *p = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "path"));
		if (p && strcmp(p, path) == 0)
			return 1;
	}
	return 0;
}

static int cmp_json_path(const void *a, const void *b)
{
	return strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*(cJSON *const *)a, "path")),
		      cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*(cJSON *const *)b, "path")));
}

static void sort_objects(cJSON *arr)
{
	int n = cJSON_GetArraySize(arr);
	cJSON **v = n > 1 ? malloc((size_t)n * sizeof *v) : NULL;
	if (!v)
		return;
	for (int i = 0; i < n; i++)
		v[i] = cJSON_DetachItemFromArray(arr, 0);
	qsort(v, (size_t)n, sizeof *v, cmp_json_path);
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, v[i]);
	free(v);
}

/* Adds to ARR the derived entries directly under DIR ("/", "/Repos" or
 * "/Repos/<folder>") that ARR does not hold yet; returns how many DIR
 * has (0: DIR is not a derived folder). */
static int repo_children(fw_state *s, const char *dir, cJSON *arr)
{
	fw_coll *col = fw_coll_of(s, FW_REPOS);
	int n = 0;
	if (strcmp(dir, "/") == 0) {
		if (!in_array(arr, "/Repos"))
			cJSON_AddItemToArray(arr, derived("DIRECTORY", "/Repos", derived_id("/Repos")));
		return 1;
	}
	size_t dl = strlen(dir);
	int top = strcmp(dir, "/Repos") == 0;
	for (size_t i = 0; i < col->n; i++) {
		const char *rp = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(col->items[i], "path"));
		if (!rp || strncmp(rp, dir, dl) != 0 || rp[dl] != '/')
			continue;
		const char *rest = rp + dl + 1, *slash = strchr(rest, '/');
		char child[4096];
		if (top && slash) {
			snprintf(child, sizeof child, "%.*s", (int)(slash - rp), rp);
			if (!in_array(arr, child))
				cJSON_AddItemToArray(arr, derived("DIRECTORY", child, derived_id(child)));
		} else if (!top && !slash && !in_array(arr, rp)) {
			double id = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(col->items[i], "id"));
			cJSON_AddItemToArray(arr, derived("REPO", rp, (int64_t)id));
		}
		n++;
	}
	return top ? 1 : n;
}

/* get-status of a derived path: /Repos, a folder or a repo; NULL if none. */
static cJSON *repo_status(fw_state *s, const char *path)
{
	if (strcmp(path, "/Repos") == 0)
		return derived("DIRECTORY", "/Repos", derived_id("/Repos"));
	if (strncmp(path, "/Repos/", 7) != 0)
		return NULL;
	cJSON *r = fw_coll_by_key(fw_coll_of(s, FW_REPOS), path);
	if (r)
		return derived("REPO", path, (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(r, "id")));
	cJSON *tmp = cJSON_CreateArray();
	int n = repo_children(s, path, tmp);
	cJSON_Delete(tmp);
	return n ? derived("DIRECTORY", path, derived_id(path)) : NULL;
}

/* Lakeview dashboards are workspace objects too: DASHBOARD entries at
 * <parent_path>/<display_name>.lvdash.json with resource_id = the
 * dashboard id, derived from the dashboards collection like /Repos. */
static int lv_active(const cJSON *d)
{
	const char *l = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "lifecycle_state"));
	return !l || strcmp(l, "ACTIVE") == 0;
}

static cJSON *lv_entry(const cJSON *d)
{
	const char *p = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "path"));
	cJSON *j = derived("DASHBOARD", p, derived_id(p));
	cJSON_AddStringToObject(j, "resource_id", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "dashboard_id")));
	return j;
}

static void lv_in_dir(fw_state *s, const char *dir, cJSON *arr)
{
	fw_coll *col = fw_coll_of(s, FW_DASHBOARDS);
	for (size_t i = 0; i < col->n; i++) {
		const char *pp = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(col->items[i], "parent_path"));
		const char *p = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(col->items[i], "path"));
		if (pp && p && lv_active(col->items[i]) && strcmp(pp, dir) == 0 && !in_array(arr, p))
			cJSON_AddItemToArray(arr, lv_entry(col->items[i]));
	}
}

static const cJSON *lv_at(fw_state *s, const char *path)
{
	fw_coll *col = fw_coll_of(s, FW_DASHBOARDS);
	for (size_t i = 0; i < col->n; i++) {
		const char *p = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(col->items[i], "path"));
		if (p && strcmp(p, path) == 0 && lv_active(col->items[i]))
			return col->items[i];
	}
	return NULL;
}

/* The path of a list or get-status request without trailing slashes;
 * NULL and a reply when missing or invalid. */
static const char *norm_path(fw_ctx *c, char *buf, size_t n)
{
	const char *path = fw_query(c, "path");
	if (!path) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: path");
		return NULL;
	}
	size_t l = strlen(path);
	while (l > 1 && path[l - 1] == '/')
		l--;
	snprintf(buf, n, "%.*s", (int)l, path);
	return buf;
}

static void ws_list(fw_ctx *c)
{
	char pb[4096];
	const char *path = norm_path(c, pb, sizeof pb);
	if (!path)
		return;
	fw_wsobj *o = valid_path(path) ? fw_ws_get(c->s, path) : NULL;
	cJSON *r = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	if (!o) {
		cJSON *st = valid_path(path) ? repo_status(c->s, path) : NULL;
		if (!st) {
			cJSON_Delete(r);
			cJSON_Delete(arr);
			lookup(c, path);	/* the real 400 or 404 */
			return;
		}
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "object_type")), "REPO") == 0)
			cJSON_AddItemToArray(arr, st);	/* a repo lists as itself: its files are not served */
		else {
			cJSON_Delete(st);
			repo_children(c->s, path, arr);
			sort_objects(arr);
		}
	} else if (strcmp(o->type, "DIRECTORY") != 0) {
		cJSON_AddItemToArray(arr, obj_json(o));
	} else {
		if (o->nkids)
			qsort(o->kids, o->nkids, sizeof *o->kids, cmp_kids);
		for (size_t i = 0; i < o->nkids; i++)
			cJSON_AddItemToArray(arr, obj_json(o->kids[i]));
		if (strcmp(path, "/") == 0 || strcmp(path, "/Repos") == 0 || strncmp(path, "/Repos/", 7) == 0)
			repo_children(c->s, path, arr);
		lv_in_dir(c->s, path, arr);
		sort_objects(arr);
	}
	if (cJSON_GetArraySize(arr) > 0)
		cJSON_AddItemToObject(r, "objects", arr);
	else
		cJSON_Delete(arr);
	fw_reply(c, 200, r);
}

static void ws_status(fw_ctx *c)
{
	char pb[4096];
	const char *path = norm_path(c, pb, sizeof pb);
	if (!path)
		return;
	fw_wsobj *o = valid_path(path) ? fw_ws_get(c->s, path) : NULL;
	cJSON *st = o || !valid_path(path) ? NULL : repo_status(c->s, path);
	const cJSON *lv = o || st || !valid_path(path) ? NULL : lv_at(c->s, path);
	if (lv)
		st = lv_entry(lv);
	if (st) {
		fw_reply(c, 200, st);
		return;
	}
	o = lookup(c, path);
	if (o)
		fw_reply(c, 200, obj_json(o));
}

static const char *ext_of(const char *lang)
{
	if (!lang) return "";
	if (strcmp(lang, "PYTHON") == 0) return "py";
	if (strcmp(lang, "SCALA") == 0) return "scala";
	if (strcmp(lang, "SQL") == 0) return "sql";
	return "r";
}

static void dbc_add(cJSON *items, const fw_wsobj *o, size_t base)
{
	if (strcmp(o->type, "DIRECTORY") == 0) {
		for (size_t i = 0; i < o->nkids; i++)
			dbc_add(items, o->kids[i], base);
		return;
	}
	if (strcmp(o->type, "NOTEBOOK") != 0)
		return;	/* DBC archives hold notebooks only */
	cJSON *it = cJSON_CreateObject();
	cJSON_AddStringToObject(it, "path", o->path[base] ? o->path + base : "");
	cJSON_AddStringToObject(it, "language", o->language);
	char *b = fw_b64_encode(o->content, o->len);
	cJSON_AddStringToObject(it, "content", b ? b : "");
	free(b);
	cJSON_AddItemToArray(items, it);
}

static void ws_export(fw_ctx *c)
{
	const char *fmt = fw_query(c, "format");
	const char *qp = fw_query(c, "path");
	const cJSON *lv = qp && valid_path(qp) && !fw_ws_get(c->s, qp) ? lv_at(c->s, qp) : NULL;
	if (lv) {
		/* a Lakeview dashboard exports as its serialized JSON */
		if (fmt && strcmp(fmt, "SOURCE") && strcmp(fmt, "AUTO")) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "A dashboard exports in SOURCE format only: %s", qp);
			return;
		}
		const char *sd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(lv, "serialized_dashboard"));
		char *b = fw_b64_encode((const unsigned char *)(sd ? sd : ""), sd ? strlen(sd) : 0);
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "content", b ? b : "");
		cJSON_AddStringToObject(r, "file_type", "lvdash.json");
		free(b);
		fw_reply(c, 200, r);
		return;
	}
	fw_wsobj *o = lookup(c, qp);
	if (!o)
		return;
	if (!fmt || strcmp(fmt, "AUTO") == 0)
		fmt = strcmp(o->type, "DIRECTORY") == 0 ? "DBC" : "SOURCE";
	cJSON *r = cJSON_CreateObject();
	if (strcmp(fmt, "DBC") == 0) {
		if (strcmp(o->type, "FILE") == 0) {
			cJSON_Delete(r);
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Files cannot be exported in DBC format: %s", o->path);
			return;
		}
		cJSON *doc = cJSON_CreateObject();
		cJSON_AddNumberToObject(doc, "dbc_fake", 1);
		cJSON *items = cJSON_AddArrayToObject(doc, "items");
		dbc_add(items, o, strcmp(o->type, "DIRECTORY") == 0 ? strlen(o->path) : strlen(o->path));
		char *text = cJSON_PrintUnformatted(doc);
		cJSON_Delete(doc);
		char *b = text ? fw_b64_encode((const unsigned char *)text, strlen(text)) : NULL;
		free(text);
		cJSON_AddStringToObject(r, "content", b ? b : "");
		free(b);
		cJSON_AddStringToObject(r, "file_type", "dbc");
	} else if (strcmp(fmt, "SOURCE") == 0) {
		if (strcmp(o->type, "DIRECTORY") == 0) {
			cJSON_Delete(r);
			fw_error(c, 400, "INVALID_PARAMETER_VALUE",
				 "Exporting a directory is only supported in DBC format: %s", o->path);
			return;
		}
		char *b = fw_b64_encode(o->content, o->len);
		cJSON_AddStringToObject(r, "content", b ? b : "");
		free(b);
		if (o->language)
			cJSON_AddStringToObject(r, "file_type", ext_of(o->language));
	} else if (strcmp(fmt, "HTML") == 0 || strcmp(fmt, "JUPYTER") == 0 || strcmp(fmt, "R_MARKDOWN") == 0 ||
		   strcmp(fmt, "RAW") == 0) {
		cJSON_Delete(r);
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "Export format %s is not served by dbxmig-fakews (use SOURCE or DBC): %s", fmt, o->path);
		return;
	} else {
		cJSON_Delete(r);
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid export format: %s", fmt);
		return;
	}
	fw_reply(c, 200, r);
}

/* Notebook header line -> language, for format AUTO. */
static const char *sniff(const unsigned char *p, size_t n)
{
	static const struct { const char *hdr, *lang; } h[] = {
		{"# Databricks notebook source", "PYTHON"}, {"// Databricks notebook source", "SCALA"},
		{"-- Databricks notebook source", "SQL"},
	};
	for (size_t i = 0; i < 3; i++) {
		size_t l = strlen(h[i].hdr);
		if (n >= l && memcmp(p, h[i].hdr, l) == 0)
			return h[i].lang;
	}
	return NULL;
}

static int import_one(fw_ctx *c, const char *path, const char *type, const char *lang,
		      const unsigned char *bytes, size_t len, int overwrite)
{
	char pb[4096];
	fw_wsobj *old = fw_ws_get(c->s, path);
	if (old && (!overwrite || strcmp(old->type, "DIRECTORY") == 0)) {
		fw_error(c, 409, "RESOURCE_ALREADY_EXISTS", "Path (%s) already exists.", path);
		return -1;
	}
	fw_wsobj *dir = fw_ws_get(c->s, parent_of(path, pb, sizeof pb));
	if (!dir) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "The parent folder (%s) does not exist.", pb);
		return -1;
	}
	if (strcmp(dir->type, "DIRECTORY") != 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "The parent (%s) is not a folder.", pb);
		return -1;
	}
	if (!fw_ws_put(c->s, path, type, lang, bytes, len, 0)) {
		fw_error(c, 500, "INTERNAL_ERROR", "out of memory");
		return -1;
	}
	c->mutated = 1;
	return 0;
}

static void import_dbc(fw_ctx *c, const char *path, const unsigned char *bytes, size_t len, int overwrite)
{
	cJSON *doc = cJSON_ParseWithLength((const char *)bytes, len);
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(doc, "items");
	if (!cJSON_IsArray(items) || !cJSON_GetObjectItemCaseSensitive(doc, "dbc_fake")) {
		cJSON_Delete(doc);
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "The dbc file may not be valid or may be an unsupported version (%s)", path);
		return;
	}
	/* a one-notebook archive has item path "", otherwise a folder at PATH */
	const cJSON *it;
	int single = cJSON_GetArraySize(items) == 1 &&
		     strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(items->child, "path")) ?
				    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(items->child, "path")) : "x", "") == 0;
	if (!single) {
		if (fw_ws_get(c->s, path) && !overwrite) {
			cJSON_Delete(doc);
			fw_error(c, 409, "RESOURCE_ALREADY_EXISTS", "Path (%s) already exists.", path);
			return;
		}
		if (!fw_ws_mkdirs(c->s, path)) {
			cJSON_Delete(doc);
			fw_error(c, 400, "RESOURCE_ALREADY_EXISTS", "A non-folder object exists on the way to %s", path);
			return;
		}
	}
	cJSON_ArrayForEach(it, items) {
		const char *rel = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "path"));
		const char *lang = lang_ok(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "language")));
		const char *b64 = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "content"));
		char full[4096], pb[4096];
		size_t bl = 0;
		unsigned char *b = b64 ? fw_b64_decode(b64, &bl) : NULL;
		if (!rel || !lang || !b) {
			free(b);
			cJSON_Delete(doc);
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "The dbc file may not be valid (%s)", path);
			return;
		}
		snprintf(full, sizeof full, "%s%s", path, rel);
		fw_ws_mkdirs(c->s, parent_of(full, pb, sizeof pb));
		int rc = import_one(c, full, "NOTEBOOK", lang, b, bl, 1);
		free(b);
		if (rc < 0) {
			cJSON_Delete(doc);
			return;
		}
	}
	cJSON_Delete(doc);
	fw_reply(c, 200, NULL);
}

static void ws_import(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b)
		return;
	const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "path"));
	const char *fmt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "format"));
	const char *lang = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "language"));
	const char *content = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "content"));
	int overwrite = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "overwrite"));
	size_t len = 0;
	unsigned char *bytes = NULL;
	if (!path) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: path");
		return;
	}
	if (!valid_path(path) || strcmp(path, "/") == 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Path (%s) is not a valid absolute path", path);
		return;
	}
	if (!fmt)
		fmt = "SOURCE";
	if (lang && !lang_ok(lang)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid language: %s (expected PYTHON, SCALA, SQL or R)", lang);
		return;
	}
	bytes = fw_b64_decode(content ? content : "", &len);
	if (!bytes) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Content for %s is not valid base64", path);
		return;
	}
	if (len > MAX_NOTEBOOK) {
		fw_error(c, 400, "MAX_NOTEBOOK_SIZE_EXCEEDED",
			 "File size imported is (%zu bytes), exceeded max size (%u bytes)", len, MAX_NOTEBOOK);
		goto out;
	}
	if (strcmp(fmt, "DBC") == 0) {
		import_dbc(c, path, bytes, len, overwrite);
	} else if (strcmp(fmt, "SOURCE") == 0) {
		if (!lang) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE",
				 "The language field is required when importing %s in SOURCE format", path);
			goto out;
		}
		if (import_one(c, path, "NOTEBOOK", lang, bytes, len, overwrite) == 0)
			fw_reply(c, 200, NULL);
	} else if (strcmp(fmt, "AUTO") == 0 || strcmp(fmt, "RAW") == 0) {
		const char *l = strcmp(fmt, "AUTO") == 0 ? (lang ? lang : sniff(bytes, len)) : NULL;
		if (import_one(c, path, l ? "NOTEBOOK" : "FILE", l, bytes, len, overwrite) == 0)
			fw_reply(c, 200, NULL);
	} else if (strcmp(fmt, "JUPYTER") == 0 || strcmp(fmt, "HTML") == 0 || strcmp(fmt, "R_MARKDOWN") == 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "Import format %s is not served by dbxmig-fakews (use SOURCE, AUTO or DBC): %s", fmt, path);
	} else {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid import format: %s", fmt);
	}
out:
	free(bytes);
}

static void ws_mkdirs(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b)
		return;
	const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "path"));
	if (!path || !valid_path(path)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Path (%s) is not a valid absolute path", path ? path : "");
		return;
	}
	fw_wsobj *o = fw_ws_get(c->s, path);
	if (o && strcmp(o->type, "DIRECTORY") == 0) {
		fw_reply(c, 200, NULL);
		return;
	}
	if (!fw_ws_mkdirs(c->s, path)) {
		fw_error(c, 400, "RESOURCE_ALREADY_EXISTS",
			 "Cannot create directory %s: a notebook or file exists on the way", path);
		return;
	}
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void ws_delete(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b)
		return;
	const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "path"));
	int recursive = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "recursive"));
	fw_wsobj *o = lookup(c, path);
	if (!o)
		return;
	if (strcmp(path, "/") == 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "The root folder cannot be deleted");
		return;
	}
	if (o->nkids && !recursive) {
		fw_error(c, 400, "DIRECTORY_NOT_EMPTY", "Folder (%s) is not empty", path);
		return;
	}
	fw_ws_remove(c->s, o);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

/* ---- repos ---- */

static cJSON *repo_find(fw_ctx *c, const char *id)
{
	cJSON *r = fw_coll_get(fw_coll_of(c->s, FW_REPOS), id);
	if (!r)
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Repo %s does not exist.", id);
	return r;
}

static const char *provider_ok(const char *p)
{
	static const char *const prov[] = {"gitHub", "bitbucketCloud", "gitLab", "azureDevOpsServices",
					   "gitHubEnterprise", "bitbucketServer", "gitLabEnterpriseEdition",
					   "awsCodeCommit"};
	for (size_t i = 0; p && i < sizeof prov / sizeof *prov; i++)
		if (strcasecmp(p, prov[i]) == 0)
			return prov[i];
	return NULL;
}

static void repos_list(fw_ctx *c)
{
	fw_coll *col = fw_coll_of(c->s, FW_REPOS);
	const char *prefix = fw_query(c, "path_prefix");
	long off = fw_page_token(c, fw_query(c, "next_page_token"));
	if (off < 0)
		return;
	int ps = fw_page_size(c, 0, 20);
	cJSON *r = cJSON_CreateObject(), *arr = NULL;
	size_t i = (size_t)off;
	int n = 0;
	for (; i < col->n && n < ps; i++) {
		const char *p = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(col->items[i], "path"));
		if (prefix && (!p || strncmp(p, prefix, strlen(prefix)) != 0))
			continue;
		if (!arr)
			arr = cJSON_AddArrayToObject(r, "repos");
		cJSON_AddItemToArray(arr, cJSON_Duplicate(col->items[i], 1));
		n++;
	}
	/* skip non-matching tail so the token is only set when more match */
	for (; prefix && i < col->n; i++) {
		const char *p = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(col->items[i], "path"));
		if (p && strncmp(p, prefix, strlen(prefix)) == 0)
			break;
	}
	if (i < col->n) {
		char tb[32];
		cJSON_AddStringToObject(r, "next_page_token", fw_make_token((long)i, tb, sizeof tb));
	}
	fw_reply(c, 200, r);
}

static void repos_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b)
		return;
	const char *url = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "url"));
	const char *prov = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "provider"));
	const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "path"));
	fw_coll *col = fw_coll_of(c->s, FW_REPOS);
	if (!url || !*url) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: url");
		return;
	}
	if (!provider_ok(prov)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid git provider: %s", prov ? prov : "(none)");
		return;
	}
	char pbuf[4096];
	if (!path) {
		const char *slash = strrchr(url, '/');
		snprintf(pbuf, sizeof pbuf, "/Repos/%s/%s", c->user, slash ? slash + 1 : url);
		size_t l = strlen(pbuf);
		if (l > 4 && strcmp(pbuf + l - 4, ".git") == 0)
			pbuf[l - 4] = '\0';
		path = pbuf;
	}
	if (!valid_path(path) || strncmp(path, "/Repos/", 7) != 0 || !strchr(path + 7, '/')) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "Repo path %s is invalid: repos live at /Repos/<folder>/<name>", path);
		return;
	}
	if (fw_coll_by_key(col, path) || fw_ws_get(c->s, path)) {
		fw_error(c, 400, "RESOURCE_ALREADY_EXISTS", "Path (%s) already exists.", path);
		return;
	}
	cJSON *r = cJSON_CreateObject();
	cJSON_AddNumberToObject(r, "id", (double)fw_coll_new_num(c->s, FW_REPOS));
	cJSON_AddStringToObject(r, "path", path);
	cJSON_AddStringToObject(r, "url", url);
	cJSON_AddStringToObject(r, "provider", provider_ok(prov));
	cJSON_AddStringToObject(r, "branch", "main");
	char sha[48];
	snprintf(sha, sizeof sha, "%016llx%016llx%08x", (unsigned long long)fw_rand(c->s),
		 (unsigned long long)fw_rand(c->s), (unsigned)(fw_rand(c->s) & 0xffffffffu));
	cJSON_AddStringToObject(r, "head_commit_id", sha);
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(b, "sparse_checkout");
	if (sc)
		cJSON_AddItemToObject(r, "sparse_checkout", cJSON_Duplicate(sc, 1));
	cJSON *copy = cJSON_Duplicate(r, 1);
	fw_coll_add(col, r);
	c->mutated = 1;
	fw_reply(c, 200, copy);
}

static void repos_get(fw_ctx *c)
{
	cJSON *r = repo_find(c, c->params[0]);
	if (r)
		fw_reply(c, 200, cJSON_Duplicate(r, 1));
}

static void repos_update(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	cJSON *r = b ? repo_find(c, c->params[0]) : NULL;
	if (!r)
		return;
	const char *branch = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "branch"));
	const char *tag = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "tag"));
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(b, "sparse_checkout");
	if (branch && tag) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Only one of branch and tag may be given");
		return;
	}
	if (!branch && !tag && !sc) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "One of branch, tag or sparse_checkout is required");
		return;
	}
	if (branch)
		fw_set(r, "branch", cJSON_CreateString(branch));
	if (tag)
		cJSON_DeleteItemFromObjectCaseSensitive(r, "branch");
	if (sc) {
		cJSON_DeleteItemFromObjectCaseSensitive(r, "sparse_checkout");
		cJSON_AddItemToObject(r, "sparse_checkout", cJSON_Duplicate(sc, 1));
	}
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void repos_delete(fw_ctx *c)
{
	if (!repo_find(c, c->params[0]))
		return;
	fw_coll_del(fw_coll_of(c->s, FW_REPOS), c->params[0]);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

const fw_route fw_workspace_routes[] = {
	{"GET", "/api/2.0/workspace/list", ws_list},
	{"GET", "/api/2.0/workspace/get-status", ws_status},
	{"GET", "/api/2.0/workspace/export", ws_export},
	{"POST", "/api/2.0/workspace/import", ws_import},
	{"POST", "/api/2.0/workspace/mkdirs", ws_mkdirs},
	{"POST", "/api/2.0/workspace/delete", ws_delete},
	{"GET", "/api/2.0/repos", repos_list},
	{"POST", "/api/2.0/repos", repos_create},
	{"GET", "/api/2.0/repos/{id}", repos_get},
	{"PATCH", "/api/2.0/repos/{id}", repos_update},
	{"DELETE", "/api/2.0/repos/{id}", repos_delete},
	{NULL, NULL, NULL},
};
