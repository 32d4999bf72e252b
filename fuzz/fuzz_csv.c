/* libFuzzer harness: the CSV loader behind dbx.csv() (rule maps such as
 * --var email_map / node_type_map; `make fuzz`). Any input must give rows
 * or a "NAME:LINE: why" error, never a crash or a leak; on success every
 * row has as many fields as the first, each a string; on failure nothing
 * is left on the stack. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "dbxlib.h"
#include "luajson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct job {
	const char *in;
	size_t len;
} job;

/* Takes the job; parses it and checks the shape of what was pushed. */
static int run(lua_State *L)
{
	job *j = lua_touserdata(L, 1);
	char err[600];
	int top = lua_gettop(L);
	lua_Integer rows, i, k, want = -1;

	err[0] = '\0';
	if (dbxlib_csv_parse(L, "fuzz.csv", j->in, j->len, err, sizeof err)) {
		if (lua_gettop(L) != top || strncmp(err, "fuzz.csv:", 9) != 0) {
			fprintf(stderr, "bad failure: top %d -> %d, '%s'\n", top, lua_gettop(L), err);
			abort();
		}
		return 0;
	}
	if (lua_gettop(L) != top + 1 || !lua_istable(L, -1))
		abort();
	rows = luaL_len(L, -1);
	for (i = 1; i <= rows; i++) {
		if (lua_rawgeti(L, -1, i) != LUA_TTABLE)
			abort();
		k = luaL_len(L, -1);
		if (want >= 0 && k != want) {
			fprintf(stderr, "row %lld has %lld fields, the first %lld\n", (long long)i,
				(long long)k, (long long)want);
			abort();
		}
		want = k;
		for (lua_Integer f = 1; f <= k; f++) {
			if (lua_rawgeti(L, -1, f) != LUA_TSTRING)
				abort();
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static lua_State *L;
	job j = { (const char *)data, size };

	if (!L) {
		L = luaL_newstate();
		lj_init(L);
	}
	lua_settop(L, 0);
	lua_pushcfunction(L, run);
	lua_pushlightuserdata(L, &j);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
		fprintf(stderr, "error: %s\n", lua_tostring(L, -1));
		abort();
	}
	lua_gc(L, LUA_GCCOLLECT);
	return 0;
}
