/* fw_map: string-keyed hash map (open addressing, linear probing) used by
 * the fake workspace's store for O(1) lookups by id and by natural key.
 * The map copies keys; values are borrowed pointers owned by the caller. */
#ifndef FW_MAP_H
#define FW_MAP_H

#include <stddef.h>

typedef struct fw_map {
	char **keys;	/* NULL = empty slot, FW_MAP_TOMB = deleted */
	void **vals;
	size_t cap, len, used;	/* used counts live + tombstones */
} fw_map;

void fw_map_init(fw_map *m);
void fw_map_free(fw_map *m);	/* frees keys, not values */
void *fw_map_get(const fw_map *m, const char *key);
/* Inserts or replaces; returns -1 only when out of memory. */
int fw_map_put(fw_map *m, const char *key, void *val);
/* Returns the removed value or NULL. */
void *fw_map_del(fw_map *m, const char *key);
/* Iteration: i from 0 while fw_map_next returns 1. */
int fw_map_next(const fw_map *m, size_t *i, const char **key, void **val);

#endif
