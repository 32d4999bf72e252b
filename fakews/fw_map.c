/* fw_map: string hash map for the fake workspace store (see fw_map.h). */
#include "fw_map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char fw_map_tomb_;
#define FW_MAP_TOMB (&fw_map_tomb_)

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void fw_map_init(fw_map *m)
{
	memset(m, 0, sizeof *m);
}

void fw_map_free(fw_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i] && m->keys[i] != FW_MAP_TOMB)
			free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	fw_map_init(m);
}

static long find_slot(const fw_map *m, const char *key)
{
	if (!m->cap)
		return -1;
	size_t i = (size_t)(hash_str(key) & (m->cap - 1));
	for (size_t n = 0; n < m->cap; n++, i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return -1;
		if (m->keys[i] != FW_MAP_TOMB && strcmp(m->keys[i], key) == 0)
			return (long)i;
	}
	return -1;
}

void *fw_map_get(const fw_map *m, const char *key)
{
	long i = find_slot(m, key);
	return i < 0 ? NULL : m->vals[i];
}

static int grow(fw_map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 16;
	while (m->len * 2 >= ncap)
		ncap *= 2;
	char **ok = m->keys;
	void **ov = m->vals;
	size_t ocap = m->cap;
	m->keys = calloc(ncap, sizeof *m->keys);
	m->vals = calloc(ncap, sizeof *m->vals);
	if (!m->keys || !m->vals) {
		free(m->keys);
		free(m->vals);
		m->keys = ok;
		m->vals = ov;
		return -1;
	}
	m->cap = ncap;
	m->used = m->len;
	for (size_t i = 0; i < ocap; i++) {
		if (!ok[i] || ok[i] == FW_MAP_TOMB)
			continue;
		size_t j = (size_t)(hash_str(ok[i]) & (ncap - 1));
		while (m->keys[j])
			j = (j + 1) & (ncap - 1);
		m->keys[j] = ok[i];
		m->vals[j] = ov[i];
	}
	free(ok);
	free(ov);
	return 0;
}

int fw_map_put(fw_map *m, const char *key, void *val)
{
	long f = find_slot(m, key);
	if (f >= 0) {
		m->vals[f] = val;
		return 0;
	}
	if ((m->used + 1) * 4 >= m->cap * 3 && grow(m) < 0)
		return -1;
	char *k = strdup(key);
	if (!k)
		return -1;
	size_t i = (size_t)(hash_str(key) & (m->cap - 1));
	while (m->keys[i] && m->keys[i] != FW_MAP_TOMB)
		i = (i + 1) & (m->cap - 1);
	if (!m->keys[i])
		m->used++;
	m->keys[i] = k;
	m->vals[i] = val;
	m->len++;
	return 0;
}

void *fw_map_del(fw_map *m, const char *key)
{
	long i = find_slot(m, key);
	if (i < 0)
		return NULL;
	void *v = m->vals[i];
	free(m->keys[i]);
	m->keys[i] = FW_MAP_TOMB;
	m->vals[i] = NULL;
	m->len--;
	return v;
}

int fw_map_next(const fw_map *m, size_t *i, const char **key, void **val)
{
	for (; *i < m->cap; (*i)++) {
		if (m->keys[*i] && m->keys[*i] != FW_MAP_TOMB) {
			*key = m->keys[*i];
			*val = m->vals[*i];
			(*i)++;
			return 1;
		}
	}
	return 0;
}
