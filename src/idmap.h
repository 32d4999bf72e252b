/* idmap: the ID journal of an import, DIR/ID/import/ids.jsonl.
 *
 * One line per object that landed in the target:
 *   {"key": "<kind>/<source id>", "kind", "source_id", "target_id", "name",
 *    "hash"?}
 * appended (one write, fsync'd on close) as soon as the object is in the
 * target: the journal is import's checkpoint and the table through which
 * every reference of a later object is rewritten. Ids are kept as strings
 * ("%.0f" for numeric ids such as job ids). Permissions replayed on an
 * object are journaled under kind "permissions/<kind>" the same way.
 *
 * Targets pair one to one: in a journal, a source object never maps to a
 * target id that another source object of its kind already holds
 * (idmap_put says so, naming both keys; idmap_open skips such a line with
 * a warning, so that its source is imported again). Maps from idmap_mem
 * are plain lookup tables and do not check this.
 *
 * Lookups are O(1) (open hash); memory grows with the number of journaled
 * objects, not with the size of the objects. */
#ifndef DBX_IDMAP_H
#define DBX_IDMAP_H

#include "err.h"
#include "store.h"

typedef struct idmap idmap;

/* Loads import/ids.jsonl of the session (a missing file is an empty
 * journal). With `readonly` nothing is ever written (dry-run, validate,
 * cutover): idmap_put then only updates memory. Caller frees with
 * idmap_close. The store must outlive the map. */
int idmap_open(idmap **out, store *st, int readonly, dbx_err *err);
/* An empty map that lives in memory only (lookup tables such as a
 * target's "natural key -> id" index reuse the same hash). NULL when out
 * of memory. */
idmap *idmap_mem(void);
/* Flushes and closes the journal file, frees everything. NULL is fine. */
void idmap_close(idmap *m);

/* Target id of the object of `kind` whose source id is `source_id`, or
 * NULL when it has not landed. The string belongs to the map. */
const char *idmap_target(const idmap *m, const char *kind, const char *source_id);
/* Name recorded with it (may be ""), NULL when unknown. */
const char *idmap_name(const idmap *m, const char *kind, const char *source_id);
/* Records that `kind`/`source_id` landed as `target_id`: in memory, and
 * appended to the journal unless readonly. Recording the same again writes
 * nothing; a source that lands again with other content (hash) or another
 * target id gets a new line keyed "<kind>/<source id>@<hash>" (the last
 * line of a source wins when the journal is loaded). Strings are copied.
 * In a journal, a target id another source of `kind` holds is an
 * ERR_FAILED error naming both "<kind>/<source id>" keys; nothing is
 * recorded then. */
int idmap_put(idmap *m, const char *kind, const char *source_id, const char *target_id,
	      const char *name, dbx_err *err);
/* Same, with `hash` (may be NULL): a digest of what was sent, so that a
 * later run can tell whether the object changed since (line field "hash"). */
int idmap_put_hash(idmap *m, const char *kind, const char *source_id, const char *target_id,
		   const char *name, const char *hash, dbx_err *err);
/* The hash recorded with it, NULL when none or unknown. */
const char *idmap_hash(const idmap *m, const char *kind, const char *source_id);
/* Number of journaled objects of `kind` (NULL: all). */
long idmap_count(const idmap *m, const char *kind);

/* Calls fn for every entry of `kind` (NULL: all) in no particular order;
 * stops when fn returns non-zero and returns that value. */
typedef int (*idmap_fn)(void *ud, const char *kind, const char *source_id,
			const char *target_id, const char *name);
int idmap_each(const idmap *m, const char *kind, idmap_fn fn, void *ud);

#endif
