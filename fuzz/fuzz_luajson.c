/* libFuzzer target: JSON -> Lua -> JSON (src/luajson.c).
 * Properties checked on every input the decoder accepts:
 *   - the encoder accepts what the decoder produced;
 *   - the output is JSON that cJSON parses;
 *   - decode(encode(x)) encodes to the same bytes (a fixed point: nothing
 *     drifts on a second transform: key order, marks, numbers, strings);
 *   - a deep copy encodes to the same bytes.
 * Run with `make fuzz` (FUZZ_TIME seconds, default 60). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <lauxlib.h>
#include <lualib.h>
#include "luajson.h"

typedef struct job {
	const char *in;
	size_t len;
	lj_buf out1, out2, out3;
	int decoded;
} job;

static int run(lua_State *L)
{
	job *j = lua_touserdata(L, 1);
	char err[600];

	if (lj_decode(L, j->in, j->len, err, sizeof err))
		return 0;
	j->decoded = 1;
	if (lj_encode(L, 2, &j->out1, err, sizeof err)) {
		fprintf(stderr, "encode failed after decode: %s\n", err);
		abort();
	}
	if (lj_copy(L, 2) || lj_encode(L, 3, &j->out3, err, sizeof err)) {
		fprintf(stderr, "copy/encode failed: %s\n", err);
		abort();
	}
	if (lj_decode(L, j->out1.data, j->out1.len, err, sizeof err)) {
		fprintf(stderr, "re-decode failed: %s\n%.*s\n", err, (int)j->out1.len, j->out1.data);
		abort();
	}
	if (lj_encode(L, -1, &j->out2, err, sizeof err)) {
		fprintf(stderr, "re-encode failed: %s\n", err);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static lua_State *L;
	job j = { (const char *)data, size, { 0 }, { 0 }, { 0 }, 0 };

	if (!L) {
		L = luaL_newstate();
		lj_init(L);
	}
	lua_settop(L, 0);
	lua_pushcfunction(L, run);
	lua_pushlightuserdata(L, &j);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK)
		abort();
	if (j.decoded) {
		cJSON *c = cJSON_ParseWithLength(j.out1.data, j.out1.len);
		if (!c) {
			fprintf(stderr, "output is not JSON: %.*s\n", (int)j.out1.len, j.out1.data);
			abort();
		}
		cJSON_Delete(c);
		if (j.out1.len != j.out2.len || memcmp(j.out1.data, j.out2.data, j.out1.len) ||
		    j.out1.len != j.out3.len || memcmp(j.out1.data, j.out3.data, j.out1.len)) {
			fprintf(stderr, "not a fixed point:\n%.*s\n%.*s\n", (int)j.out1.len, j.out1.data,
				(int)j.out2.len, j.out2.data);
			abort();
		}
	}
	lj_buf_free(&j.out1);
	lj_buf_free(&j.out2);
	lj_buf_free(&j.out3);
	lua_settop(L, 0);
	lua_gc(L, LUA_GCSTEP, 0);
	return 0;
}
