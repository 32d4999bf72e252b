/* rules: the Lua host (see rules.h): state, allocator with a memory limit,
 * instruction-count hook, sandbox, loading of the mantle and of rule
 * files, and the protected calls that run one object through the mantle. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include <lualib.h>
#include "dbxlib.h"
#include "kinds.h"
#include "luajson.h"
#include "rules.h"

extern const char embed_mantle[];
extern const size_t embed_mantle_len;

#define HOOK_EVERY 1000
#define INSN_GRACE 1000000L
#define MEM_GRACE ((size_t)4 << 20)

struct rules {
	lua_State *L;
	rules_opts o;
	long insn_limit;	/* configured */
	long mem_mb;		/* configured */
	/* per object */
	long icount, ilimit;
	int itripped;
	size_t used, mlimit, mbudget;
	int mtripped, mgrace;
	/* the growth request refused last, until the next one: its retry
	 * after the emergency collection has the same arguments */
	int refused;
	void *rptr;
	size_t rosize, rnsize;
	int mantle_ref;		/* the mantle module table */
	int proxy_ref;		/* the users' _G */
};

static rules *get_rules(lua_State *L) { return *(rules **)lua_getextraspace(L); }

/* The allocator: counts bytes, refuses to grow past mlimit (0: no limit).
 *
 * A refusal makes Lua run an emergency full collection and ask again for
 * the same block. Granting that retry whenever the collection freed a
 * little (the temporaries of a loop that hoards memory) made a rule that
 * allocates without bound thrash: ~20 full collections of a nearly full
 * heap per object before the error, seconds per object. So the retry is
 * granted only when the collection left at least an eighth of the budget
 * free; else the limit has tripped, and from then on every growth is
 * refused, so that the rule cannot go on (a caller that copes with a
 * refusal, such as the string table's growth, would let it) until the
 * trusted code that reports the error opens a grace for formatting it
 * (limits_grace). */
static void *rules_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	rules *r = ud;
	void *p;

	if (!ptr)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		r->used -= osize;
		return NULL;
	}
	if (r->mlimit && nsize > osize) {
		int retry = r->refused && r->rptr == ptr && r->rosize == osize && r->rnsize == nsize;
		size_t want = r->used + (nsize - osize);

		r->refused = 0;
		if (r->mtripped && !r->mgrace)
			return NULL;
		if (retry && !r->mtripped && want > r->mlimit - r->mbudget / 8) {
			r->mtripped = 1;
			return NULL;
		}
		if (want > r->mlimit) {
			r->refused = 1;
			r->rptr = ptr;
			r->rosize = osize;
			r->rnsize = nsize;
			return NULL;
		}
	}
	p = realloc(ptr, nsize);
	if (!p)
		return NULL;
	r->used = r->used - osize + nsize;
	return p;
}

/* Once the memory limit has tripped: room to format the error and unwind. */
static void limits_grace(rules *r)
{
	if (r->mtripped && !r->mgrace) {
		r->mgrace = 1;
		r->mlimit = r->used + MEM_GRACE;
	}
}

/* Count hook: raises "FILE:LINE: instruction limit of N exceeded". */
static void count_hook(lua_State *L, lua_Debug *ar)
{
	rules *r = get_rules(L);

	r->icount += HOOK_EVERY;
	if (r->ilimit <= 0 || r->icount <= r->ilimit)
		return;
	r->itripped = 1;
	r->ilimit = r->icount + INSN_GRACE;	/* room for the error handler */
	if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
		lua_pushfstring(L, "%s:%d: ", ar->short_src, ar->currentline);
	else
		lua_pushliteral(L, "");
	lua_pushfstring(L, "instruction limit of %I exceeded (--rule-instructions)", (lua_Integer)r->insn_limit);
	lua_concat(L, 2);
	lua_error(L);
}

static void limits_start(rules *r)
{
	r->icount = 0;
	r->ilimit = r->insn_limit;
	r->itripped = 0;
	r->mtripped = 0;
	r->mgrace = 0;
	r->refused = 0;
	r->mbudget = (size_t)r->mem_mb * 1024 * 1024;
	r->mlimit = r->used + r->mbudget;
}

static void limits_stop(rules *r)
{
	r->ilimit = 0;
	r->mlimit = 0;
	r->refused = 0;
}

/* ---- host functions for the mantle ---- */

/* host.setorder(t, keys) -> t: t's keys encode in the order of keys. */
static int host_setorder(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checktype(L, 2, LUA_TTABLE);
	lj_set_order(L, 1, 2);
	lua_settop(L, 1);
	return 1;
}

/* 1 when s[0..n) contains the NUL-terminated needle. */
static int has(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle), i;

	for (i = 0; i + m <= n; i++)
		if (memcmp(s + i, needle, m) == 0)
			return 1;
	return 0;
}

/* Pushes a short traceback of the rule code only (no C frames, no mantle
 * frames, at most 5 lines), "" when there is none. Takes nothing. */
static void push_short_traceback(lua_State *L, int level)
{
	const char *tb, *p;
	luaL_Buffer b;
	int kept = 0;

	luaL_traceback(L, L, NULL, level);
	tb = lua_tostring(L, -1);
	luaL_buffinit(L, &b);
	for (p = tb; p && *p && kept < 5;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (p[0] == '\t' && !has(p, n, "[C]") && !has(p, n, "[dbxmig mantle]") &&
		    !has(p, n, "(...tail calls...)")) {
			if (!kept)
				luaL_addstring(&b, "stack traceback:");
			luaL_addchar(&b, '\n');
			luaL_addlstring(&b, p, n);
			kept++;
		}
		p = nl ? nl + 1 : NULL;
	}
	luaL_pushresult(&b);
	lua_remove(L, -2);
}

/* host.traceback() -> string (see push_short_traceback). */
static int host_traceback(lua_State *L)
{
	push_short_traceback(L, 1);
	return 1;
}

/* host.limits() -> instructions, memory MB, memory limit was hit. The
 * mantle asks when a call into rule code failed: once the memory limit
 * has tripped, this opens the grace for its error message. */
static int host_limits(lua_State *L)
{
	rules *r = get_rules(L);

	limits_grace(r);
	lua_pushinteger(L, r->insn_limit);
	lua_pushinteger(L, r->mem_mb);
	lua_pushboolean(L, r->mtripped);
	return 3;
}

/* Message handler for loading rule files: (msg) -> msg + traceback. */
static int load_msgh(lua_State *L)
{
	rules *r = get_rules(L);

	if (r->mtripped && lua_type(L, 1) != LUA_TSTRING)
		lua_pushliteral(L, "memory limit exceeded (--rule-memory)");
	else if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER)
		lua_pushvalue(L, 1);
	else
		lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	push_short_traceback(L, 2);
	if (lua_rawlen(L, -1)) {
		lua_pushliteral(L, "\n");
		lua_insert(L, -2);
		lua_concat(L, 3);
	} else {
		lua_pop(L, 1);
	}
	return 1;
}

/* ---- the users' sandbox ---- */

/* __index of the real globals table, reached (through the users' _G,
 * whose __index is that table) only for a name that does not exist:
 * (t, k) -> raises "undeclared global 'k'". Existing names are found by
 * the VM without calling anything. */
static int sb_undeclared(lua_State *L)
{
	return luaL_error(L, "undeclared global '%s'", luaL_tolstring(L, 2, NULL));
}

/* _G.__newindex (t, k, v): globals cannot be created or replaced. */
static int sb_newindex(lua_State *L)
{
	const char *k = luaL_tolstring(L, 2, NULL);

	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL || strcmp(k, "_G") == 0)
		return luaL_error(L, "global '%s' is read-only (use a local)", k);
	return luaL_error(L, "undeclared global '%s' (use a local)", k);
}

/* ---- read-only libraries ----
 * Rule files share one state, so string, table, math, utf8 and dbx are
 * shared by every file (and the string metatable, by every string). Rules
 * get read-only proxies of them: an empty table whose metatable (locked)
 * reads through to the real library, iterates it (__pairs) and refuses
 * writes; the real tables stay reachable only to C and the trusted mantle,
 * which took what it calls before any rule file ran. */

/* Pushes "FILE:LINE: " of the innermost Lua function on the stack (the
 * rule line, also when the write comes through table.insert), or "". */
static void push_rule_where(lua_State *L)
{
	lua_Debug ar;
	int level;

	for (level = 1; lua_getstack(L, level, &ar); level++) {
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
			lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
			return;
		}
	}
	lua_pushliteral(L, "");
}

/* Raises "FILE:LINE: rule tried to modify NAME.KEY: ...read-only" for
 * the key at index k of the library called name. */
static int frozen_error(lua_State *L, const char *name, int k)
{
	const char *why = "the standard libraries are read-only";

	if (strcmp(name, "dbx.vars") == 0)
		why = "dbx.vars is read-only (set variables with --var KEY=VALUE)";
	else if (strncmp(name, "dbx", 3) == 0)
		why = "the dbx library is read-only";
	push_rule_where(L);
	if (lua_type(L, k) == LUA_TSTRING) {
		lua_pushfstring(L, "rule tried to modify %s.%s: %s", name, lua_tostring(L, k), why);
	} else {
		const char *ks = luaL_tolstring(L, k, NULL);
		lua_pushfstring(L, "rule tried to modify %s[%s]: %s", name, ks, why);
		lua_remove(L, -2);
	}
	lua_concat(L, 2);
	return lua_error(L);
}

/* __newindex of a library proxy (t, k, v); upvalue 1: its name. */
static int frozen_newindex(lua_State *L)
{
	return frozen_error(L, lua_tostring(L, lua_upvalueindex(1)), 2);
}

/* The iterator __pairs hands out: (proxy, k) -> the real table's next
 * key and value; upvalue 1: the real table (never given to rule code). */
static int frozen_next(lua_State *L)
{
	lua_settop(L, 2);
	if (lua_next(L, lua_upvalueindex(1)))
		return 2;
	lua_pushnil(L);
	return 1;
}

/* __pairs of a library proxy (t) -> iterator, t, nil; upvalue 1: the
 * real table. */
static int frozen_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushcclosure(L, frozen_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* Takes the __newindex function at the top of the stack; leaves in its
 * place an empty proxy table and above it the proxy's metatable, not yet
 * set: reads go to the table at index real, writes to that function, and
 * it is locked. The caller adds what else it needs and sets it. */
static void push_proxy(lua_State *L, int real)
{
	lua_newtable(L);	/* the proxy */
	lua_createtable(L, 0, 4);
	lua_rotate(L, -3, 2);	/* proxy, metatable, __newindex */
	lua_setfield(L, -2, "__newindex");
	lua_pushvalue(L, real);
	lua_setfield(L, -2, "__index");
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
}

/* Replaces the table at the top of the stack with its read-only proxy,
 * named name ("string", "dbx.json"); its table fields first, in place. */
static void freeze(lua_State *L, const char *name)
{
	int real = lua_gettop(L);

	luaL_checkstack(L, 8, "freeze");
	lua_pushnil(L);
	while (lua_next(L, real)) {
		if (lua_type(L, -1) == LUA_TTABLE && lua_type(L, -2) == LUA_TSTRING) {
			const char *sub = lua_pushfstring(L, "%s.%s", name, lua_tostring(L, -2));
			lua_pushvalue(L, -2);
			freeze(L, sub);
			lua_pushvalue(L, -4);	/* key */
			lua_insert(L, -2);
			lua_rawset(L, real);	/* replacing a field's value keeps lua_next valid */
			lua_pop(L, 1);	/* sub */
		}
		lua_pop(L, 1);
	}
	lua_pushstring(L, name);
	lua_pushcclosure(L, frozen_newindex, 1);
	push_proxy(L, real);
	lua_pushvalue(L, real);
	lua_pushcclosure(L, frozen_pairs, 1);
	lua_setfield(L, -2, "__pairs");
	lua_setmetatable(L, -2);
	lua_replace(L, real);
}

/* The name of the library whose proxy is at idx (see freeze), or NULL
 * when it is not one: its __newindex is frozen_newindex, holding it. */
static const char *frozen_name(lua_State *L, int idx)
{
	const char *name = NULL;

	if (!lua_getmetatable(L, idx))
		return NULL;
	lua_pushliteral(L, "__newindex");
	/* raw: a rule's metatable may have a metatable of its own */
	if (lua_rawget(L, -2) == LUA_TFUNCTION && lua_tocfunction(L, -1) == frozen_newindex &&
	    lua_getupvalue(L, -1, 1))
		name = lua_tostring(L, -1);	/* left on the stack: stays alive */
	return name;
}

/* pcall(f, ...) as in Lua, except that a limit error cannot be caught. */
static int sb_pcall(lua_State *L)
{
	rules *r = get_rules(L);
	int status;

	luaL_checkany(L, 1);
	status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
	if (status != LUA_OK && (r->itripped || r->mtripped))
		return lua_error(L);
	lua_pushboolean(L, status == LUA_OK);
	lua_insert(L, 1);
	return lua_gettop(L);
}

/* The message handler sb_xpcall installs: once a limit has tripped the
 * error goes through untouched (a looping user handler would otherwise be
 * re-entered on every error it raises, each time with a fresh grace);
 * else it runs the user's handler (upvalue 1) protected. Takes the error
 * object; leaves the handler's result, or the error it raised. */
static int sb_msgh(lua_State *L)
{
	rules *r = get_rules(L);

	if (r->itripped || r->mtripped)
		return 1;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_pcall(L, lua_gettop(L) - 1, 1, 0);
	return 1;
}

/* xpcall(f, msgh, ...) as in Lua, except that a limit error cannot be
 * caught, nor turned by msgh into a loop. */
static int sb_xpcall(lua_State *L)
{
	rules *r = get_rules(L);
	int n = lua_gettop(L), status;

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, sb_msgh, 1);
	lua_replace(L, 1);
	lua_replace(L, 2);	/* msgh, f, args... */
	status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
	if (status != LUA_OK && (r->itripped || r->mtripped))
		return lua_error(L);
	lua_pushboolean(L, status == LUA_OK);
	lua_replace(L, 1);
	return lua_gettop(L);
}

/* rawset(t, k, v), refused on _G and on the library proxies. */
static int sb_rawset(lua_State *L)
{
	rules *r = get_rules(L);
	const char *name;

	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checkany(L, 2);
	luaL_checkany(L, 3);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->proxy_ref);
	if (lua_rawequal(L, 1, -1))
		return luaL_error(L, "rawset on _G is not allowed");
	if ((name = frozen_name(L, 1)) != NULL)
		return frozen_error(L, name, 2);
	lua_settop(L, 3);
	lua_rawset(L, 1);
	return 1;
}

/* setmetatable(t, mt) as in Lua, except that mt may not carry __gc: a
 * finalizer runs whenever the collector decides (between rule calls, at
 * close), outside any limit, so a looping one would hang the tool.
 * Takes t, mt; leaves t. */
static int sb_setmetatable(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	if (lua_type(L, 2) == LUA_TTABLE && lua_getfield(L, 2, "__gc") != LUA_TNIL)
		return luaL_error(L, "setmetatable: __gc metamethods are not allowed in rules");
	if (lua_getmetatable(L, 1) && lua_getfield(L, -1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	lua_settop(L, 2);
	luaL_argexpected(L, lua_isnoneornil(L, 2) || lua_istable(L, 2), 2, "nil or table");
	lua_setmetatable(L, 1);
	return 1;
}

/* Builds the globals, the dbx table, the mantle and the users' _G proxy.
 * Runs protected; argument: the rules value. */
static int setup(lua_State *L)
{
	rules *r = lua_touserdata(L, 1);
	static const char *const removed[] = { "dofile", "loadfile", "load", "collectgarbage", "require", NULL };
	dbx_err *err = lua_touserdata(L, 2);
	int i, g;

	luaL_requiref(L, "_G", luaopen_base, 1);
	g = lua_gettop(L);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	/* getmetatable("") must not hand out the string metatable */
	lua_pushliteral(L, "");
	if (lua_getmetatable(L, -1)) {
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
		lua_pop(L, 1);
	}
	lua_pop(L, 2);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
	lua_pop(L, 3);
	for (i = 0; removed[i]; i++) {
		lua_pushnil(L);
		lua_setfield(L, g, removed[i]);
	}
	lj_init(L);
	if (dbxlib_push(L, r->o.vars, r->o.nvars, err)) {
		lua_pushboolean(L, 0);
		return 1;
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, g, "dbx");
	/* the mantle: its own environment reading through to the globals */
	if (luaL_loadbufferx(L, embed_mantle, embed_mantle_len, "=[dbxmig mantle]", "t") != LUA_OK)
		return lua_error(L);
	lua_newtable(L);
	lua_newtable(L);
	lua_pushvalue(L, g);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	lua_setupvalue(L, -2, 1);
	lua_newtable(L);	/* host */
	lua_pushcfunction(L, host_setorder);
	lua_setfield(L, -2, "setorder");
	lua_pushcfunction(L, host_traceback);
	lua_setfield(L, -2, "traceback");
	lua_pushcfunction(L, host_limits);
	lua_setfield(L, -2, "limits");
	lua_pushcfunction(L, dbxlib_lint_scan);
	lua_setfield(L, -2, "lint_scan");
	lua_pushvalue(L, -3);	/* dbx */
	if (lua_pcall(L, 2, 1, 0) != LUA_OK)
		return lua_error(L);
	r->mantle_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pop(L, 1);	/* dbx */
	/* the mantle has taken what it needs: the libraries go read-only,
	 * every table among the globals (string, table, math, utf8, dbx)
	 * but _G, which becomes the users' proxy below */
	lua_pushnil(L);
	while (lua_next(L, g)) {
		if (lua_type(L, -1) == LUA_TTABLE && lua_type(L, -2) == LUA_TSTRING &&
		    strcmp(lua_tostring(L, -2), "_G") != 0) {
			freeze(L, lua_tostring(L, -2));
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, g);	/* replacing a value keeps lua_next valid */
		} else {
			lua_pop(L, 1);
		}
	}
	/* what users see instead of the raw base functions */
	lua_pushcfunction(L, sb_pcall);
	lua_setfield(L, g, "pcall");
	lua_pushcfunction(L, sb_xpcall);
	lua_setfield(L, g, "xpcall");
	lua_pushcfunction(L, sb_rawset);
	lua_setfield(L, g, "rawset");
	lua_pushcfunction(L, sb_setmetatable);
	lua_setfield(L, g, "setmetatable");
	lua_pushcfunction(L, dbxlib_print);
	lua_setfield(L, g, "print");
	/* the users' _G: empty, reads through, refuses writes */
	lua_pushvalue(L, g);
	lua_pushcclosure(L, sb_newindex, 1);
	push_proxy(L, g);
	lua_setmetatable(L, -2);
	/* _G names the proxy; a missing name raises */
	lua_pushvalue(L, -1);
	lua_setfield(L, g, "_G");
	lua_newtable(L);
	lua_pushcfunction(L, sb_undeclared);
	lua_setfield(L, -2, "__index");
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, g);
	r->proxy_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushboolean(L, 1);
	return 1;
}

/* Runs M.add_file(path, value-at-top); protected. Args: path, value. Returns nil or message. */
static int add_file(lua_State *L)
{
	rules *r = get_rules(L);

	lua_rawgeti(L, LUA_REGISTRYINDEX, r->mantle_ref);
	lua_getfield(L, -1, "add_file");
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	if (lua_pcall(L, 2, 1, 0) != LUA_OK)
		return lua_error(L);
	return 1;
}

/* The error of running a file (message at the top of the stack): a
 * memory error skips the message handler and says only "not enough
 * memory", so the limit is named here. */
static void load_error(rules *r, const char *path, dbx_err *err)
{
	const char *m = lua_tostring(r->L, -1);

	if (r->mtripped)
		err_set(err, ERR_RULE, path, "memory limit of %ld MB exceeded (--rule-memory)", r->mem_mb);
	else
		err_set(err, ERR_RULE, path, "%s", m ? m : "error");
}

static int load_file(rules *r, const char *path, dbx_err *err)
{
	lua_State *L = r->L;
	int rc = -1, top = lua_gettop(L);

	limits_start(r);
	lua_pushcfunction(L, load_msgh);
	if (luaL_loadfilex(L, path, "t") != LUA_OK) {
		err_set(err, ERR_RULE, path, "%s", lua_tostring(L, -1));
		goto out;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->proxy_ref);
	lua_setupvalue(L, -2, 1);
	if (lua_pcall(L, 0, 1, top + 1) != LUA_OK) {
		load_error(r, path, err);
		goto out;
	}
	lua_pushcfunction(L, add_file);
	lua_pushstring(L, path);
	lua_pushvalue(L, -3);
	if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
		err_set(err, ERR_RULE, path, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
		goto out;
	}
	if (!lua_isnil(L, -1)) {
		err_set(err, ERR_RULE, path, "%s", lua_tostring(L, -1));
		goto out;
	}
	rc = 0;
out:
	limits_stop(r);
	lua_settop(L, top);
	return rc;
}

/* Takes the value to encode (1) and an lj_buf (2, light userdata);
 * leaves nothing. Protected: encoding may raise a memory error. */
static int data_encode(lua_State *L)
{
	char why[256];

	if (lj_encode(L, 1, lua_touserdata(L, 2), why, sizeof why))
		return luaL_error(L, "the returned value is not data: %s", why);
	return 0;
}

/* A data file (rules/validate.lua): loaded and run like a rule file, in
 * the same sandbox and limits, but its table is returned as JSON instead
 * of being registered as rules. */
int rules_load_data(rules *r, const char *path, lj_buf *out, dbx_err *err)
{
	lua_State *L = r->L;
	int rc = -1, top = lua_gettop(L);

	limits_start(r);
	lua_pushcfunction(L, load_msgh);
	if (luaL_loadfilex(L, path, "t") != LUA_OK) {
		err_set(err, ERR_RULE, path, "%s", lua_tostring(L, -1));
		goto out;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->proxy_ref);
	lua_setupvalue(L, -2, 1);
	if (lua_pcall(L, 0, 1, top + 1) != LUA_OK) {
		load_error(r, path, err);
		goto out;
	}
	if (!lua_istable(L, -1)) {
		err_set(err, ERR_RULE, path, "must return a table (got %s)", luaL_typename(L, -1));
		goto out;
	}
	lua_pushcfunction(L, data_encode);
	lua_insert(L, -2);
	lua_pushlightuserdata(L, out);
	if (lua_pcall(L, 2, 0, top + 1) != LUA_OK) {
		err_set(err, ERR_RULE, path, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
		goto out;
	}
	rc = 0;
out:
	limits_stop(r);
	lua_settop(L, top);
	return rc;
}

int rules_open(rules **out, const rules_opts *o, dbx_err *err)
{
	rules *r = calloc(1, sizeof *r);
	lua_State *L;
	int i, status;

	*out = NULL;
	if (!r)
		return err_set(err, ERR_IO, NULL, "out of memory");
	r->o = *o;
	r->insn_limit = o->instructions > 0 ? o->instructions : RULES_DEFAULT_INSTRUCTIONS;
	r->mem_mb = o->memory_mb > 0 ? o->memory_mb : RULES_DEFAULT_MEMORY_MB;
	L = lua_newstate(rules_alloc, r);
	if (!L) {
		free(r);
		return err_set(err, ERR_IO, NULL, "cannot create the Lua state (out of memory)");
	}
	r->L = L;
	*(rules **)lua_getextraspace(L) = r;
	lua_gc(L, LUA_GCINC, 0, 0, 0);
	lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
	err_clear(err);
	lua_pushcfunction(L, setup);
	lua_pushlightuserdata(L, r);
	lua_pushlightuserdata(L, err);
	status = lua_pcall(L, 2, 1, 0);
	if (status != LUA_OK || !lua_toboolean(L, -1)) {
		if (status != LUA_OK)
			err_set(err, ERR_RULE, "mantle", "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "out of memory");
		rules_close(r);
		return -1;
	}
	lua_settop(L, 0);
	for (i = 0; i < o->nfiles; i++) {
		if (load_file(r, o->files[i], err)) {
			rules_close(r);
			return -1;
		}
	}
	*out = r;
	return 0;
}

void rules_close(rules *r)
{
	if (!r)
		return;
	if (r->L) {
		/* pending finalizers run inside lua_close: keep them limited */
		limits_start(r);
		lua_close(r->L);
	}
	free(r);
}

/* ---- one object ---- */
void rules_out_init(rules_out *o)
{
	memset(o, 0, sizeof *o);
}

void rules_out_free(rules_out *o)
{
	lj_buf *bufs[] = { &o->key, &o->desc, &o->record, &o->object, &o->drop_reason, &o->dropped_rec,
			   &o->warnings, &o->warn_text, &o->audit, &o->lint, &o->diff };
	size_t i;

	for (i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
		lj_buf_free(bufs[i]);
	rules_out_init(o);
}

static void out_reset(rules_out *o)
{
	lj_buf *bufs[] = { &o->key, &o->desc, &o->record, &o->object, &o->drop_reason, &o->dropped_rec,
			   &o->warnings, &o->warn_text, &o->audit, &o->lint, &o->diff };
	size_t i;

	for (i = 0; i < sizeof bufs / sizeof bufs[0]; i++) {
		bufs[i]->len = 0;
		if (bufs[i]->data)
			bufs[i]->data[0] = '\0';
	}
	o->dropped = o->nwarnings = o->naudit = o->nlint = o->changed = 0;
}

typedef struct apply_args {
	rules *r;
	const char *kind, *text;
	size_t len;
	int flags;
	rules_out *out;
	dbx_err *err;
} apply_args;

/* Copies the string field k of the table at idx into b ("" when absent). */
static int field_str(lua_State *L, int idx, const char *k, lj_buf *b)
{
	size_t n = 0;
	const char *s;

	lua_getfield(L, idx, k);
	s = lua_tolstring(L, -1, &n);
	if (lj_buf_add(b, s ? s : "", s ? n : 0))
		luaL_error(L, "out of memory");
	lua_pop(L, 1);
	return 0;
}

/* Encodes the value at idx into b; a failure is the rule's doing. */
static int encode_into(apply_args *a, int idx, lj_buf *b, const char *what)
{
	char msg[700];
	size_t before = b->len;

	if (lj_encode(a->r->L, idx, b, msg, sizeof msg)) {
		b->len = before;
		err_set(a->err, ERR_RULE, a->out->desc.data, "%s: %s: the result cannot be written as JSON: %s",
			a->out->desc.data ? a->out->desc.data : "object", what, msg);
		return -1;
	}
	return 0;
}

/* Encodes each element of the array at idx as one line into b. */
static int encode_lines(apply_args *a, int idx, lj_buf *b, int *count, const char *what)
{
	lua_State *L = a->r->L;
	lua_Integer i, n = (lua_Integer)lua_rawlen(L, idx);

	for (i = 1; i <= n; i++) {
		lua_rawgeti(L, idx, i);
		if (encode_into(a, -1, b, what) || lj_buf_addc(b, '\n'))
			return -1;
		lua_pop(L, 1);
		(*count)++;
	}
	return 0;
}

/* Protected body of rules_apply. Arg: apply_args. Returns nothing; sets
 * a->err->cls when the object failed. */
static int apply_protected(lua_State *L)
{
	apply_args *a = lua_touserdata(L, 1);
	rules_out *o = a->out;
	char msg[600];
	int res, i, n;

	if (lj_decode(L, a->text, a->len, msg, sizeof msg)) {
		err_set(a->err, ERR_PARSE, NULL, "not JSON: %s", msg);
		return 0;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, a->r->mantle_ref);
	lua_getfield(L, -1, "process");
	if (a->kind) {
		const kind_def *k = kind_find(a->kind);
		lua_pushstring(L, k ? kind_singular(k) : a->kind);
	} else {
		lua_pushnil(L);
	}
	lua_pushvalue(L, 2);	/* the record */
	lua_createtable(L, 0, 8);
	lua_pushboolean(L, a->flags & RULES_CASE);
	lua_setfield(L, -2, "case");
	lua_pushboolean(L, a->flags & RULES_DIFF);
	lua_setfield(L, -2, "diff");
	lua_pushboolean(L, a->flags & RULES_COLOR);
	lua_setfield(L, -2, "color");
	lua_pushboolean(L, a->flags & RULES_LINT_ONLY);
	lua_setfield(L, -2, "lint_only");
	lua_pushboolean(L, a->flags & RULES_NO_LINT);
	lua_setfield(L, -2, "no_lint");
	if (a->r->o.source_cloud) {
		lua_pushstring(L, a->r->o.source_cloud);
		lua_setfield(L, -2, "source_cloud");
	}
	if (a->r->o.target_cloud) {
		lua_pushstring(L, a->r->o.target_cloud);
		lua_setfield(L, -2, "target_cloud");
	}
	if (lua_pcall(L, 3, 2, 0) != LUA_OK)
		return lua_error(L);
	if (lua_isnil(L, -2)) {
		err_set(a->err, ERR_RULE, NULL, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "rule error");
		return 0;
	}
	lua_pop(L, 1);
	res = lua_gettop(L);
	field_str(L, res, "key", &o->key);
	field_str(L, res, "desc", &o->desc);
	snprintf(a->err->where, sizeof a->err->where, "%s", o->desc.data ? o->desc.data : "");
	if (lua_getfield(L, res, "dropped") == LUA_TTABLE) {
		o->dropped = 1;
		field_str(L, res, "drop", &o->drop_reason);
		if (encode_into(a, -1, &o->dropped_rec, "dropped"))
			return 0;
	}
	lua_pop(L, 1);
	if (!o->dropped && !(a->flags & RULES_LINT_ONLY)) {
		lua_getfield(L, res, "record");
		if (!(a->flags & RULES_CASE) && encode_into(a, -1, &o->record, "record"))
			return 0;
		lua_pop(L, 1);
		if (a->flags & RULES_CASE) {
			lua_getfield(L, res, "object");
			if (encode_into(a, -1, &o->object, "object"))
				return 0;
			lua_pop(L, 1);
		}
	}
	lua_getfield(L, res, "warnings");
	if (encode_lines(a, lua_gettop(L), &o->warnings, &o->nwarnings, "warning"))
		return 0;
	n = (int)lua_rawlen(L, -1);
	for (i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, i);
		lua_getfield(L, -1, "file");
		lua_getfield(L, -2, "where");
		lua_getfield(L, -3, "message");
		if (lua_rawlen(L, -2))
			lua_pushfstring(L, "%s: %s: %s\n", lua_tostring(L, -3), lua_tostring(L, -2), lua_tostring(L, -1));
		else
			lua_pushfstring(L, "%s: %s\n", lua_tostring(L, -3), lua_tostring(L, -1));
		if (lj_buf_add(&o->warn_text, lua_tostring(L, -1), lua_rawlen(L, -1)))
			return luaL_error(L, "out of memory");
		lua_pop(L, 5);
	}
	lua_pop(L, 1);
	lua_getfield(L, res, "audit");
	if (encode_lines(a, lua_gettop(L), &o->audit, &o->naudit, "audit"))
		return 0;
	lua_pop(L, 1);
	o->changed = o->naudit > 0;
	lua_getfield(L, res, "lint");
	n = (int)lua_rawlen(L, -1);
	for (i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, i);
		if (lj_buf_add(&o->lint, lua_tostring(L, -1), lua_rawlen(L, -1)) || lj_buf_addc(&o->lint, '\n'))
			return luaL_error(L, "out of memory");
		lua_pop(L, 1);
		o->nlint++;
	}
	lua_pop(L, 1);
	field_str(L, res, "diff", &o->diff);
	return 0;
}

int rules_apply(rules *r, const char *kind, const char *text, size_t len, int flags,
		rules_out *out, dbx_err *err)
{
	lua_State *L = r->L;
	apply_args a = { r, kind, text, len, flags, out, err };
	int status;

	out_reset(out);
	err_clear(err);
	lua_settop(L, 0);
	limits_start(r);
	lua_pushcfunction(L, apply_protected);
	lua_pushlightuserdata(L, &a);
	status = lua_pcall(L, 1, 0, 0);
	limits_stop(r);
	if (status == LUA_ERRMEM || (status != LUA_OK && r->mtripped)) {
		err_set(err, ERR_RULE, out->desc.data, "%s%smemory limit of %ld MB exceeded (--rule-memory)",
			out->desc.len ? out->desc.data : "", out->desc.len ? ": " : "", r->mem_mb);
	} else if (status != LUA_OK) {
		err_set(err, ERR_RULE, NULL, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
	}
	lua_settop(L, 0);
	/* What the object hoarded is garbage now, up to the whole budget:
	 * the next object's budget starts from what is in use, so free it
	 * at once rather than charge it to the next object. */
	if (r->mtripped)
		lua_gc(L, LUA_GCCOLLECT);
	return err->cls != ERR_NONE ? -1 : 0;
}

typedef struct eq_args {
	rules *r;
	const char *a, *b;
	size_t alen, blen;
	char *why;
	size_t whysize;
	int result;
} eq_args;

/* Protected body of rules_json_equal. Arg: eq_args. */
static int equal_protected(lua_State *L)
{
	eq_args *e = lua_touserdata(L, 1);
	char msg[400];

	if (lj_decode(L, e->a, e->alen, msg, sizeof msg)) {
		snprintf(e->why, e->whysize, "result is not JSON: %s", msg);
		e->result = -1;
		return 0;
	}
	if (lj_decode(L, e->b, e->blen, msg, sizeof msg)) {
		snprintf(e->why, e->whysize, "expected value is not JSON: %s", msg);
		e->result = -1;
		return 0;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->r->mantle_ref);
	lua_getfield(L, -1, "compare");
	lua_pushvalue(L, 2);
	lua_pushvalue(L, 3);
	if (lua_pcall(L, 2, 1, 0) != LUA_OK)
		return lua_error(L);
	if (lua_isnil(L, -1)) {
		e->result = 1;
	} else {
		snprintf(e->why, e->whysize, "%s", lua_tostring(L, -1));
		e->result = 0;
	}
	return 0;
}

int rules_json_equal(rules *r, const char *a, size_t alen, const char *b, size_t blen,
		     char *why, size_t whysize)
{
	lua_State *L = r->L;
	eq_args e = { r, a, b, alen, blen, why, whysize, -1 };

	why[0] = '\0';
	lua_settop(L, 0);
	lua_pushcfunction(L, equal_protected);
	lua_pushlightuserdata(L, &e);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
		snprintf(why, whysize, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "out of memory");
		e.result = -1;
	}
	lua_settop(L, 0);
	return e.result;
}

int rules_file_hash(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	uint64_t h = 1469598103934665603ULL;
	unsigned char chunk[8192];
	size_t n, i;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		for (i = 0; i < n; i++) {
			h ^= chunk[i];
			h *= 1099511628211ULL;
		}
	}
	if (ferror(f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	snprintf(buf, size, "fnv1a64:%016llx", (unsigned long long)h);
	return 0;
}
