/* dbxlib: the C half of the `dbx` library rule files see: dbx.re (PCRE2,
 * compiled patterns cached, cache bounded), dbx.json, dbx.null, dbx.array,
 * dbx.is_array, dbx.copy, dbx.vars, dbx.csv, dbx.log. The trusted Lua
 * mantle adds dbx.drop and dbx.warn (they belong to the per-object state
 * it keeps). */
#ifndef DBX_DBXLIB_H
#define DBX_DBXLIB_H

#include <lua.h>
#include "err.h"

/* Entries kept in the compiled-regex cache before it is emptied. */
#define DBXLIB_RE_CACHE_MAX 256

/* Pushes a new `dbx` table (plain tables all through: the sandbox in
 * rules.c gives rules read-only views). vars are "KEY=VALUE" strings (not consumed);
 * a string without '=' or with an empty key is an ERR_USAGE error (nothing
 * pushed). lj_init() must have run on L. May raise Lua memory errors. */
int dbxlib_push(lua_State *L, const char *const *vars, int nvars, dbx_err *err);

/* Lua: print(...) -> nothing; writes its arguments to the verbose log. */
int dbxlib_print(lua_State *L);

/* Lua (the mantle's host.lint_scan): (obj, keyrx|nil, valuerx|nil) ->
 * list of {path=, s=, key=boolean}, every object key matching keyrx and
 * every string value matching valuerx, with its JSON path. */
int dbxlib_lint_scan(lua_State *L);

/* Parses CSV text into rows of trimmed fields. Lines that are blank or
 * start with '#' are skipped; "a,b" or "\"a, b\",c" ("" escapes a quote).
 * Pushes an array of arrays; returns 0, or -1 with "NAME:LINE: why" in
 * errbuf (nothing pushed). Every row must have as many fields as the
 * first one. */
int dbxlib_csv_parse(lua_State *L, const char *name, const char *text, size_t len,
		     char *errbuf, size_t errsize);

#endif
