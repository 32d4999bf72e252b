/* luajson: JSON text <-> Lua values, faithful enough to round-trip what the
 * Databricks API returns.
 *
 * - integers (no '.', 'e', 'E', fit in int64) become Lua integers, other
 *   numbers floats; floats are written so they read back as floats (1.0
 *   stays 1.0) with the shortest of %.15g/%.16g/%.17g that round-trips;
 * - strings are byte-exact UTF-8; \u escapes (surrogate pairs included)
 *   decode to UTF-8; invalid UTF-8 or a lone surrogate is an error;
 * - null is a lightuserdata sentinel (dbx.null);
 * - decoded arrays are marked as arrays (so [] stays []) and decoded
 *   objects remember their key order; both marks live in one weak-keyed
 *   side table in the registry, so tables stay plain Lua tables. On
 *   encoding, kept keys come out in their original order and new keys
 *   after them, sorted; a table without marks is an array when it is a
 *   non-empty sequence, else an object with sorted keys;
 * - nesting deeper than LJ_MAX_DEPTH is an error (this also stops cycles).
 *
 * The functions below that push may raise Lua errors (memory): call them
 * from inside a protected call. */
#ifndef DBX_LUAJSON_H
#define DBX_LUAJSON_H

#include <stddef.h>
#include <lua.h>

#define LJ_MAX_DEPTH 200

/* A growable byte buffer (malloc'd). */
typedef struct lj_buf {
	char *data;
	size_t len, cap;
} lj_buf;

void lj_buf_init(lj_buf *b);
void lj_buf_free(lj_buf *b);
/* Returns 0, or -1 when out of memory. */
int lj_buf_add(lj_buf *b, const char *s, size_t n);
int lj_buf_addc(lj_buf *b, char c);
/* Appends s as a JSON string literal (quotes and escapes). */
int lj_buf_addstr(lj_buf *b, const char *s, size_t n);

/* Creates the side table and the null sentinel in L's registry. Call once
 * per state before anything else here. */
void lj_init(lua_State *L);
/* Pushes the null sentinel. */
void lj_push_null(lua_State *L);
int lj_is_null(lua_State *L, int idx);

/* Decodes the JSON text s[0..len) and pushes the value. Returns 0; on
 * malformed input returns -1, pushes nothing and writes "line L, column C:
 * why" into errbuf. */
int lj_decode(lua_State *L, const char *s, size_t len, char *errbuf, size_t errsize);

/* Appends the value at idx, as compact JSON, to b. Returns 0; -1 with a
 * message naming the JSON path in errbuf ("settings.tasks[0]: cannot encode
 * a function"). On failure b may hold a partial value: reset b->len. */
int lj_encode(lua_State *L, int idx, lj_buf *b, char *errbuf, size_t errsize);

/* Marks the table at idx as a JSON array. */
void lj_mark_array(lua_State *L, int idx);
/* Gives the table at t the key order listed in the array at order (the
 * list is kept, not copied: do not modify it afterwards). */
void lj_set_order(lua_State *L, int t, int order);
/* 1 when the table at idx encodes as a JSON array (see above). */
int lj_is_array(lua_State *L, int idx);
/* Pushes a deep copy of the value at idx, marks and key order included.
 * Returns 0, or -1 when nested deeper than LJ_MAX_DEPTH (nothing pushed). */
int lj_copy(lua_State *L, int idx);

#endif
