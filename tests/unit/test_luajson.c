/* Unit tests for luajson: JSON <-> Lua fidelity (null, empty array vs
 * object, big integers, floats that stay floats, unicode and escapes, key
 * order of kept and new keys), error messages, depth limit, deep copy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>

#include "dbxlib.h"
#include "luajson.h"

static lua_State *L;
static char errbuf[600];

static int setup(void **state)
{
	(void)state;
	L = luaL_newstate();
	luaL_openlibs(L);
	lj_init(L);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lua_close(L);
	return 0;
}

/* Decodes in and encodes the result; returns the text (static). */
static const char *roundtrip(const char *in)
{
	static char out[8192];
	lj_buf b;

	lj_buf_init(&b);
	if (lj_decode(L, in, strlen(in), errbuf, sizeof errbuf))
		return NULL;
	if (lj_encode(L, -1, &b, errbuf, sizeof errbuf)) {
		lua_pop(L, 1);
		lj_buf_free(&b);
		return NULL;
	}
	lua_pop(L, 1);
	snprintf(out, sizeof out, "%s", b.data);
	lj_buf_free(&b);
	return out;
}

static void same(const char *in) { assert_string_equal(roundtrip(in), in); }

static void test_exact_roundtrip(void **state)
{
	(void)state;
	same("{\"b\":1,\"a\":[],\"c\":{},\"d\":null,\"e\":1.0,\"f\":-0.5,\"g\":true,\"h\":false}");
	same("[]");
	same("{}");
	same("[[],{},[{}],{\"x\":[]}]");
	same("null");
	same("\"\"");
	same("[0,-1,1.5,0.1,123456.789]");
	/* ids beyond 2^31, 2^53 and up to int64 stay exact integers */
	same("[2147483648,1125899906842624,9007199254740993,9223372036854775807,-9223372036854775808]");
	same("{\"z\":1,\"y\":2,\"x\":3,\"a\":4}");
	same("\"caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x82\xac\"");
	same("\"tab\\t nl\\n quote\\\" backslash\\\\ ctl\\u0001 del\x7f\"");
}

static void test_normalised(void **state)
{
	(void)state;
	assert_string_equal(roundtrip(" { \"a\" : [ 1 , 2 ] }\n"), "{\"a\":[1,2]}");
	assert_string_equal(roundtrip("\"\\u00e9\\ud83d\\ude00\\/\""), "\"\xc3\xa9\xf0\x9f\x98\x80/\"");
	assert_string_equal(roundtrip("[1e300,1E2,2.50,-0.0]"), "[1e+300,100.0,2.5,-0.0]");
	/* does not fit int64: a float */
	assert_string_equal(roundtrip("9223372036854775808"), "9.223372036854776e+18");
	/* repeated keys: the last value, in the first place */
	assert_string_equal(roundtrip("{\"a\":1,\"b\":2,\"a\":3}"), "{\"a\":3,\"b\":2}");
	assert_string_equal(roundtrip("0.1"), "0.1");
	assert_string_equal(roundtrip("1.0000000000000002"), "1.0000000000000002");
}

static void bad(const char *in, const char *msg)
{
	assert_null(roundtrip(in));
	if (!strstr(errbuf, msg))
		fail_msg("error '%s' lacks '%s'", errbuf, msg);
}

static void test_errors(void **state)
{
	char deep[1000];
	int i;

	(void)state;
	bad("{\"a\":1,}", "line 1, column 8: expected a string key in object");
	bad("[1 2]", "expected ',' or ']' in array");
	bad("{\n\"a\" 1}", "line 2, column 5: expected ':' after object key");
	bad("\"\\ud800\"", "lone high surrogate");
	bad("\"\\udc00\"", "lone low surrogate");
	bad("\"\xff\"", "invalid UTF-8 in string");
	bad("\"\xc0\xaf\"", "invalid UTF-8 in string");
	bad("\"a\nb\"", "control character in string");
	bad("\"\\x\"", "bad escape");
	bad("[1] x", "trailing characters");
	bad("01", "trailing characters");
	bad("1.", "digit expected after '.'");
	bad("-", "invalid number");
	bad("nul", "unexpected character");
	bad("", "unexpected end of input");
	bad("\"abc", "unterminated string");
	bad("[1e400]", "number out of range");
	for (i = 0; i < LJ_MAX_DEPTH + 1; i++)
		deep[i] = '[';
	for (i = 0; i < LJ_MAX_DEPTH + 1; i++)
		deep[LJ_MAX_DEPTH + 1 + i] = ']';
	deep[2 * (LJ_MAX_DEPTH + 1)] = '\0';
	bad(deep, "nesting deeper than");
	/* exactly the limit is fine */
	for (i = 0; i < LJ_MAX_DEPTH; i++) {
		deep[i] = '[';
		deep[LJ_MAX_DEPTH + i] = ']';
	}
	deep[2 * LJ_MAX_DEPTH] = '\0';
	assert_non_null(roundtrip(deep));
}

/* Runs Lua code that leaves one value; encodes it. */
static const char *lua_encode(const char *code)
{
	static char out[4096];
	lj_buf b;
	int rc;

	lj_buf_init(&b);
	if (luaL_loadstring(L, code) || lua_pcall(L, 0, 1, 0))
		fail_msg("lua: %s", lua_tostring(L, -1));
	rc = lj_encode(L, -1, &b, errbuf, sizeof errbuf);
	lua_pop(L, 1);
	snprintf(out, sizeof out, "%s", rc ? "" : b.data);
	lj_buf_free(&b);
	return rc ? NULL : out;
}

static int l_decode(lua_State *l)
{
	size_t n;
	const char *s = luaL_checklstring(l, 1, &n);

	if (lj_decode(l, s, n, errbuf, sizeof errbuf))
		return luaL_error(l, "%s", errbuf);
	return 1;
}

static int l_array(lua_State *l)
{
	lj_mark_array(l, 1);
	lua_settop(l, 1);
	return 1;
}

static int l_copy(lua_State *l)
{
	lj_copy(l, 1);
	return 1;
}

static void test_key_order(void **state)
{
	(void)state;
	lua_register(L, "decode", l_decode);
	lua_register(L, "array", l_array);
	lua_register(L, "copy", l_copy);
	/* kept keys keep their place, removed ones go, new ones follow sorted */
	assert_string_equal(lua_encode("local t = decode('{\"z\":1,\"a\":2,\"m\":3}') t.a = nil t.q = 9 t.b = 8 t.z = 0 return t"),
			    "{\"z\":0,\"m\":3,\"b\":8,\"q\":9}");
	/* a removed key that comes back keeps its old place */
	assert_string_equal(lua_encode("local t = decode('{\"z\":1,\"a\":2}') t.z = nil t.z = 5 return t"),
			    "{\"z\":5,\"a\":2}");
	/* plain tables: sequences are arrays, the rest objects with sorted keys */
	assert_string_equal(lua_encode("return { b = 1, a = { 1, 2 }, c = {} }"), "{\"a\":[1,2],\"b\":1,\"c\":{}}");
	assert_string_equal(lua_encode("return array({})"), "[]");
	assert_string_equal(lua_encode("local t = decode('[]') t[1] = 'x' return t"), "[\"x\"]");
	assert_string_equal(lua_encode("local t = decode('[1,2,3]') table.remove(t, 1) return t"), "[2,3]");
	/* an emptied decoded array stays an array */
	assert_string_equal(lua_encode("local t = decode('{\"a\":[1]}') t.a[1] = nil return t"), "{\"a\":[]}");
	/* integer keys of an object become strings */
	assert_string_equal(lua_encode("return { [3] = 'x', y = 1 }"), "{\"3\":\"x\",\"y\":1}");
	/* the copy keeps marks and order, and is independent */
	assert_string_equal(lua_encode("local t = decode('{\"z\":[],\"a\":{}}') local c = copy(t) c.b = 1 t.z = nil return c"),
			    "{\"z\":[],\"a\":{},\"b\":1}");
	/* floats stay floats, integers integers */
	assert_string_equal(lua_encode("return { 1.0, 2, 3 // 1, 3 / 1, 2^53 }"), "[1.0,2,3,3.0,9007199254740992.0]");
}

static void test_encode_errors(void **state)
{
	(void)state;
	assert_null(lua_encode("return { a = { b = { 1, print } } }"));
	assert_string_equal(errbuf, "a.b[1]: cannot encode a function as JSON");
	assert_null(lua_encode("return { x = 0/0 }"));
	assert_string_equal(errbuf, "x: cannot encode NaN as JSON");
	assert_null(lua_encode("return { x = math.huge }"));
	assert_string_equal(errbuf, "x: cannot encode an infinite number as JSON");
	assert_null(lua_encode("local t = {} t.self = t return t"));
	assert_non_null(strstr(errbuf, "nesting deeper than"));
	assert_null(lua_encode("return { s = '\\255' }"));
	assert_string_equal(errbuf, "s: string is not valid UTF-8");
	assert_null(lua_encode("return { [true] = 1 }"));
	assert_string_equal(errbuf, "JSON object keys must be strings, not boolean");
}

static void test_null(void **state)
{
	lj_buf b;

	(void)state;
	lj_push_null(L);
	assert_true(lj_is_null(L, -1));
	lj_buf_init(&b);
	assert_int_equal(lj_encode(L, -1, &b, errbuf, sizeof errbuf), 0);
	assert_string_equal(b.data, "null");
	lua_pop(L, 1);
	assert_int_equal(lj_decode(L, "[null]", 6, errbuf, sizeof errbuf), 0);
	lua_rawgeti(L, -1, 1);
	assert_true(lj_is_null(L, -1));
	lua_pop(L, 2);
	lj_buf_free(&b);
}

static void test_csv(void **state)
{
	const char *ok = "# comment\n\n a , b \n\"x, y\",\"say \"\"hi\"\"\"\r\nlast,one";

	(void)state;
	assert_int_equal(dbxlib_csv_parse(L, "m.csv", ok, strlen(ok), errbuf, sizeof errbuf), 0);
	{
		lj_buf b;
		lj_buf_init(&b);
		assert_int_equal(lj_encode(L, -1, &b, errbuf, sizeof errbuf), 0);
		assert_string_equal(b.data, "[[\"a\",\"b\"],[\"x, y\",\"say \\\"hi\\\"\"],[\"last\",\"one\"]]");
		lj_buf_free(&b);
	}
	lua_pop(L, 1);
	assert_int_equal(dbxlib_csv_parse(L, "m.csv", "a,b\n\"c,d\n", 9, errbuf, sizeof errbuf), -1);
	assert_string_equal(errbuf, "m.csv:2: unterminated quoted field");
	assert_int_equal(dbxlib_csv_parse(L, "m.csv", "a,b\n#x\nc\n", 9, errbuf, sizeof errbuf), -1);
	assert_string_equal(errbuf, "m.csv:3: 1 field(s), but line 1 has 2");
	assert_int_equal(dbxlib_csv_parse(L, "m.csv", "\"a\"x,b\n", 7, errbuf, sizeof errbuf), -1);
	assert_string_equal(errbuf, "m.csv:1: unexpected 'x' after a quoted field");
	assert_int_equal(lua_gettop(L), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_roundtrip),
		cmocka_unit_test(test_normalised),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_key_order),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_csv),
	};

	return cmocka_run_group_tests_name("luajson", tests, setup, teardown);
}
