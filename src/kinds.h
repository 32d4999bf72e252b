/* kinds: the registry of object kinds, one entry per kind, in import
 * (dependency) order. Export, transform, import, validate, status and the
 * --only/--skip parser all read it; adding a kind means adding an entry.
 * Everything the host must know about a kind lives in its entry: names,
 * endpoints and paging scheme, natural key, id field, read-only fields,
 * references to other kinds, permissions object type. */
#ifndef DBX_KINDS_H
#define DBX_KINDS_H

#include <stddef.h>
#include "err.h"

typedef struct kind_def kind_def;	/* defined in kinds.c; fields via accessors below */

/* Every kind, in dependency order; kind_count() entries. */
const kind_def *kind_at(size_t i);
size_t kind_count(void);
/* By plural name ("jobs", as in --only and file names) or singular
 * ("job", as in rule handlers and rule test cases). NULL when unknown. */
const kind_def *kind_find(const char *name);
const char *kind_name(const kind_def *k);	/* "jobs" */
const char *kind_singular(const kind_def *k);	/* "job" */
/* 1 when export/import handle this kind in this build. */
int kind_supported(const kind_def *k);

/* A set of kinds as a bit mask over kind_at() indexes. */
typedef unsigned long long kind_set;
/* Parses the --only and --skip values (comma lists, NULL for none) into
 * the set to work on. Unknown kinds and kinds this build does not support
 * yet are usage errors naming the kind (and the nearest valid name). */
int kind_select(const char *only, const char *skip, kind_set *out, dbx_err *err);
static inline int kind_in(kind_set s, size_t i) { return (int)((s >> i) & 1u); }

#endif
