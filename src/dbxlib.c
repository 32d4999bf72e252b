/* dbxlib: the `dbx` library's C functions (see dbxlib.h). Errors raised
 * here carry the position of the rule line that called them. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include <pcre2.h>
#include "dbxlib.h"
#include "store.h"
#include "log.h"
#include "luajson.h"

#define REGEX_MT "dbx.regex"

static char re_cache_key;

typedef struct regex {
	pcre2_code *code;
	pcre2_match_data *md;
	uint32_t ncap;
} regex;

/* __gc of a compiled regex: frees what PCRE2 allocated. */
static int regex_gc(lua_State *L)
{
	regex *re = luaL_checkudata(L, 1, REGEX_MT);

	if (re->md)
		pcre2_match_data_free(re->md);
	if (re->code)
		pcre2_code_free(re->code);
	re->md = NULL;
	re->code = NULL;
	return 0;
}

static uint32_t parse_flags(lua_State *L, const char *flags)
{
	uint32_t opt = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	const char *f;

	for (f = flags; *f; f++) {
		switch (*f) {
		case 'i': opt |= PCRE2_CASELESS; break;
		case 'm': opt |= PCRE2_MULTILINE; break;
		case 's': opt |= PCRE2_DOTALL; break;
		case 'x': opt |= PCRE2_EXTENDED; break;
		default:
			luaL_error(L, "dbx.re: unknown flag '%c' (use i, m, s, x)", *f);
		}
	}
	return opt;
}

/* Compiles pattern with flags, or takes it from the cache; pushes the
 * regex userdata. */
static regex *push_compiled(lua_State *L, const char *pat, size_t plen, const char *flags)
{
	regex *re;
	int errcode;
	PCRE2_SIZE erroff;
	lua_Integer n;
	int cache;

	lua_rawgetp(L, LUA_REGISTRYINDEX, &re_cache_key);
	cache = lua_gettop(L);
	if (*flags)
		lua_pushfstring(L, "%s/%s", flags, pat);
	else
		lua_pushlstring(L, pat, plen);
	lua_pushvalue(L, -1);
	if (lua_rawget(L, cache) == LUA_TUSERDATA) {
		re = lua_touserdata(L, -1);
		lua_replace(L, cache);
		lua_settop(L, cache);
		return re;
	}
	lua_pop(L, 1);
	re = lua_newuserdatauv(L, sizeof *re, 0);
	re->code = NULL;
	re->md = NULL;
	luaL_setmetatable(L, REGEX_MT);
	re->code = pcre2_compile((PCRE2_SPTR)pat, plen, parse_flags(L, flags), &errcode, &erroff, NULL);
	if (!re->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		luaL_error(L, "dbx.re: bad pattern '%s' at offset %d: %s", pat, (int)erroff, (const char *)msg);
	}
	pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);	/* optional speed-up */
	re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	if (!re->md)
		luaL_error(L, "dbx.re: out of memory");
	pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &re->ncap);
	/* Bounded cache: when full, start a new one (old regexes live on
	 * while referenced and are freed by __gc). */
	lua_rawgeti(L, cache, 0);
	n = lua_tointeger(L, -1);
	lua_pop(L, 1);
	if (n >= DBXLIB_RE_CACHE_MAX) {
		lua_newtable(L);
		lua_replace(L, cache);
		lua_pushvalue(L, cache);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &re_cache_key);
		n = 0;
	}
	lua_pushvalue(L, -2);	/* key */
	lua_pushvalue(L, -2);	/* regex */
	lua_rawset(L, cache);
	lua_pushinteger(L, n + 1);
	lua_rawseti(L, cache, 0);
	lua_replace(L, cache);
	lua_settop(L, cache);
	return re;
}

/* The pattern argument at idx: a string (compiled through the cache) or a
 * regex userdata. Replaces the stack slot idx with the regex. */
static regex *get_regex(lua_State *L, int idx)
{
	regex *re = luaL_testudata(L, idx, REGEX_MT);
	size_t plen;
	const char *pat;

	if (re)
		return re;
	pat = luaL_checklstring(L, idx, &plen);
	re = push_compiled(L, pat, plen, "");
	lua_replace(L, idx);
	return re;
}

/* Runs re on s from byte offset off; returns the pcre2_match rc (> 0 on a
 * match), raising on errors other than no-match. */
static int run(lua_State *L, regex *re, const char *s, size_t len, size_t off)
{
	int rc;

	if (!re->code)
		luaL_error(L, "dbx.re: regex already freed");
	rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, off, 0, re->md, NULL);
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(rc, msg, sizeof msg);
		luaL_error(L, "dbx.re: match failed: %s", (const char *)msg);
	}
	return rc;
}

/* Pushes capture i (0 = whole match); false when the group did not take
 * part in the match. */
static void push_capture(lua_State *L, regex *re, const char *s, uint32_t i)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);

	if (ov[2 * i] == PCRE2_UNSET)
		lua_pushboolean(L, 0);
	else
		lua_pushlstring(L, s + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
}

/* Pushes the captures, or the whole match when there are none. */
static int push_captures(lua_State *L, regex *re, const char *s)
{
	uint32_t i;

	if (re->ncap == 0) {
		push_capture(L, re, s, 0);
		return 1;
	}
	luaL_checkstack(L, (int)re->ncap, "too many captures");
	for (i = 1; i <= re->ncap; i++)
		push_capture(L, re, s, i);
	return (int)re->ncap;
}

/* Converts a Lua init (1-based, negative from the end) to an offset;
 * returns -1 when past the end. */
static long init_offset(lua_State *L, int idx, size_t len)
{
	lua_Integer init = luaL_optinteger(L, idx, 1);

	if (init < 0)
		init = (lua_Integer)len + init + 1;
	if (init < 1)
		init = 1;
	if (init > (lua_Integer)len + 1)
		return -1;
	return (long)(init - 1);
}

/* Lua: dbx.re.match(s, pat [, init]) -> captures... | nil */
static int re_match(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	regex *re = get_regex(L, 2);
	long off = init_offset(L, 3, len);

	if (off < 0 || run(L, re, s, len, (size_t)off) < 0) {
		lua_pushnil(L);
		return 1;
	}
	return push_captures(L, re, s);
}

/* Lua: dbx.re.find(s, pat [, init]) -> start, end, captures... | nil */
static int re_find(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	regex *re = get_regex(L, 2);
	long off = init_offset(L, 3, len);
	PCRE2_SIZE *ov;
	uint32_t i;

	if (off < 0 || run(L, re, s, len, (size_t)off) < 0) {
		lua_pushnil(L);
		return 1;
	}
	ov = pcre2_get_ovector_pointer(re->md);
	lua_pushinteger(L, (lua_Integer)ov[0] + 1);
	lua_pushinteger(L, (lua_Integer)ov[1]);
	luaL_checkstack(L, (int)re->ncap, "too many captures");
	for (i = 1; i <= re->ncap; i++)
		push_capture(L, re, s, i);
	return 2 + (int)re->ncap;
}

/* Appends the replacement string template with $0..$9 and $$ expanded. */
static void add_template(lua_State *L, luaL_Buffer *b, regex *re, const char *s,
			 const char *t, size_t tl)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
	size_t i;

	for (i = 0; i < tl; i++) {
		if (t[i] != '$') {
			luaL_addchar(b, t[i]);
			continue;
		}
		i++;
		if (i < tl && t[i] == '$') {
			luaL_addchar(b, '$');
		} else if (i < tl && t[i] >= '0' && t[i] <= '9') {
			uint32_t g = (uint32_t)(t[i] - '0');
			if (g > re->ncap)
				luaL_error(L, "dbx.re.gsub: replacement refers to $%d but the pattern has %d group(s)",
					   (int)g, (int)re->ncap);
			if (ov[2 * g] != PCRE2_UNSET)
				luaL_addlstring(b, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
		} else {
			luaL_error(L, "dbx.re.gsub: invalid use of '$' in replacement (use $0..$9 or $$)");
		}
	}
}

/* Lua: dbx.re.gsub(s, pat, repl [, max]) -> string, count */
static int re_gsub(lua_State *L)
{
	size_t len, tl = 0, pos = 0, copied = 0;
	const char *s = luaL_checklstring(L, 1, &len);
	regex *re = get_regex(L, 2);
	int rt = lua_type(L, 3);
	lua_Integer max = luaL_optinteger(L, 4, -1), n = 0;
	const char *t = NULL;
	luaL_Buffer b;

	luaL_argexpected(L, rt == LUA_TSTRING || rt == LUA_TNUMBER || rt == LUA_TTABLE || rt == LUA_TFUNCTION,
			 3, "string/function/table");
	if (rt == LUA_TSTRING || rt == LUA_TNUMBER)
		t = lua_tolstring(L, 3, &tl);
	luaL_buffinit(L, &b);
	while (pos <= len && (max < 0 || n < max)) {
		PCRE2_SIZE *ov, s0, e0;
		if (run(L, re, s, len, pos) < 0)
			break;
		ov = pcre2_get_ovector_pointer(re->md);
		s0 = ov[0];
		e0 = ov[1];
		luaL_addlstring(&b, s + copied, s0 - copied);
		if (t) {
			add_template(L, &b, re, s, t, tl);
		} else {
			int vt;
			if (rt == LUA_TTABLE) {
				lua_pushlstring(L, s + s0, e0 - s0);
				vt = lua_gettable(L, 3);
			} else {
				int nargs;
				lua_pushvalue(L, 3);
				nargs = push_captures(L, re, s);
				if (lua_pcall(L, nargs, 1, 0) != LUA_OK)
					return lua_error(L);
				vt = lua_type(L, -1);
				/* The callback may have run other matches with this regex:
				 * the ovector is ours again only after this point. */
				run(L, re, s, len, pos);
			}
			if (vt == LUA_TNIL || (vt == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
				lua_pop(L, 1);
				luaL_addlstring(&b, s + s0, e0 - s0);
			} else if (vt == LUA_TSTRING || vt == LUA_TNUMBER) {
				luaL_addvalue(&b);
			} else {
				return luaL_error(L, "dbx.re.gsub: invalid replacement value (a %s)", luaL_typename(L, -1));
			}
		}
		n++;
		copied = e0;
		if (e0 > s0) {
			pos = e0;
		} else {
			size_t step = 1;
			if (e0 >= len)
				break;
			while (e0 + step < len && ((unsigned char)s[e0 + step] & 0xC0) == 0x80)
				step++;
			luaL_addlstring(&b, s + e0, step);
			copied = e0 + step;
			pos = e0 + step;
		}
	}
	if (copied < len)
		luaL_addlstring(&b, s + copied, len - copied);
	luaL_pushresult(&b);
	lua_pushinteger(L, n);
	return 2;
}

/* Lua: dbx.re.compile(pat [, flags]) -> regex */
static int re_compile(lua_State *L)
{
	size_t plen;
	const char *pat = luaL_checklstring(L, 1, &plen);
	const char *flags = luaL_optstring(L, 2, "");

	push_compiled(L, pat, plen, flags);
	return 1;
}

/* Methods: rx:match(s, init), rx:find(s, init), rx:gsub(s, repl, max):
 * the same as the functions with the regex moved to argument 2. */
static int swap_call(lua_State *L, lua_CFunction f)
{
	luaL_checkudata(L, 1, REGEX_MT);
	luaL_checkany(L, 2);
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_replace(L, 1);
	lua_replace(L, 2);
	return f(L);
}
static int rx_match(lua_State *L) { return swap_call(L, re_match); }
static int rx_find(lua_State *L) { return swap_call(L, re_find); }
static int rx_gsub(lua_State *L) { return swap_call(L, re_gsub); }
static int rx_tostring(lua_State *L)
{
	lua_pushfstring(L, "regex: %p", lua_touserdata(L, 1));
	return 1;
}

/* Lua: dbx.json.decode(s) -> value */
static int json_decode(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	char err[300];

	if (lj_decode(L, s, len, err, sizeof err))
		return luaL_error(L, "dbx.json.decode: %s", err);
	return 1;
}

/* Lua: dbx.json.encode(v) -> string */
static int json_encode(lua_State *L)
{
	lj_buf b;
	char err[600];

	luaL_checkany(L, 1);
	lj_buf_init(&b);
	if (lj_encode(L, 1, &b, err, sizeof err)) {
		lj_buf_free(&b);
		lua_pushfstring(L, "dbx.json.encode: %s", err);
		luaL_where(L, 1);
		lua_insert(L, -2);
		lua_concat(L, 2);
		return lua_error(L);
	}
	lua_pushlstring(L, b.data ? b.data : "", b.len);
	lj_buf_free(&b);
	return 1;
}

/* Lua: dbx.array([t]) -> t, marked as a JSON array */
static int l_array(lua_State *L)
{
	if (lua_isnoneornil(L, 1)) {
		lua_settop(L, 0);
		lua_newtable(L);
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	lj_mark_array(L, 1);
	return 1;
}

/* Lua: dbx.is_array(v) -> boolean */
static int l_is_array(lua_State *L)
{
	lua_pushboolean(L, lua_type(L, 1) == LUA_TTABLE && lj_is_array(L, 1));
	return 1;
}

/* Lua: dbx.copy(v) -> deep copy of v */
static int l_copy(lua_State *L)
{
	luaL_checkany(L, 1);
	if (lj_copy(L, 1))
		return luaL_error(L, "dbx.copy: nesting deeper than %d (a table that contains itself?)", LJ_MAX_DEPTH);
	return 1;
}

/* Lua: dbx.log(...) -> nothing; "file:line: message" at -v */
static int l_log(lua_State *L)
{
	int i, n = lua_gettop(L);
	luaL_Buffer b;

	luaL_buffinit(L, &b);
	luaL_where(L, 1);
	luaL_addvalue(&b);
	for (i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	log_verbose("%s", lua_tostring(L, -1));
	return 0;
}

int dbxlib_print(lua_State *L) { return l_log(L); }

/* ---- lint scan ---- */
typedef struct lscan {
	lua_State *L;
	regex *krx, *vrx;
	int out;
	lua_Integer n;
	int depth;
	struct {
		const char *k;
		size_t kl;
		lua_Integer i;
	} path[LJ_MAX_DEPTH + 1];
} lscan;

/* Pushes the JSON path of the current position, as the mantle writes it. */
static void push_path(lscan *sc)
{
	luaL_Buffer b;
	int i;

	luaL_buffinit(sc->L, &b);
	for (i = 0; i < sc->depth; i++) {
		const char *k = sc->path[i].k;
		size_t kl = sc->path[i].kl, j;
		int plain = kl > 0;
		if (!k) {
			lua_pushfstring(sc->L, "[%I]", sc->path[i].i);
			luaL_addvalue(&b);
			continue;
		}
		for (j = 0; j < kl && plain; j++)
			if (strchr(".[]\" \t\n\r\f\v", k[j]))
				plain = 0;
		if (plain) {
			if (i)
				luaL_addchar(&b, '.');
			luaL_addlstring(&b, k, kl);
		} else {
			luaL_addstring(&b, "[\"");
			luaL_addlstring(&b, k, kl);
			luaL_addstring(&b, "\"]");
		}
	}
	luaL_pushresult(&b);
}

/* Appends {path=, s=, key=} to the output list. */
static void candidate(lscan *sc, const char *str, size_t len, int is_key)
{
	lua_createtable(sc->L, 0, 3);
	push_path(sc);
	lua_setfield(sc->L, -2, "path");
	lua_pushlstring(sc->L, str, len);
	lua_setfield(sc->L, -2, "s");
	lua_pushboolean(sc->L, is_key);
	lua_setfield(sc->L, -2, "key");
	lua_rawseti(sc->L, sc->out, ++sc->n);
}

static void scan_table(lscan *sc, int t)
{
	lua_State *L = sc->L;
	int arr = lj_is_array(L, t);

	if (sc->depth >= LJ_MAX_DEPTH)
		luaL_error(L, "lint: nesting deeper than %d", LJ_MAX_DEPTH);
	luaL_checkstack(L, 6, "lint nesting");
	lua_pushnil(L);
	while (lua_next(L, t)) {
		int kt = lua_type(L, -2), vt = lua_type(L, -1);
		size_t kl = 0, vl;
		const char *k = NULL, *v;

		if (kt == LUA_TSTRING) {
			k = lua_tolstring(L, -2, &kl);
			sc->path[sc->depth].k = k;
			sc->path[sc->depth].kl = kl;
		} else if (kt == LUA_TNUMBER && lua_isinteger(L, -2)) {
			sc->path[sc->depth].k = NULL;
			sc->path[sc->depth].i = lua_tointeger(L, -2) - (arr ? 1 : 0);
		} else {
			lua_pop(L, 1);
			continue;
		}
		sc->depth++;
		if (k && !arr && sc->krx && run(L, sc->krx, k, kl, 0) >= 0)
			candidate(sc, k, kl, 1);
		if (vt == LUA_TSTRING && sc->vrx) {
			v = lua_tolstring(L, -1, &vl);
			if (run(L, sc->vrx, v, vl, 0) >= 0)
				candidate(sc, v, vl, 0);
		} else if (vt == LUA_TTABLE) {
			scan_table(sc, lua_gettop(L));
		}
		sc->depth--;
		lua_pop(L, 1);
	}
}

/* Lua: lint_scan(obj, keyrx|nil, valuerx|nil) -> list of {path, s, key}:
 * every key matching keyrx and every string value matching valuerx. One
 * call per object instead of one per string. */
int dbxlib_lint_scan(lua_State *L)
{
	lscan *sc;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 3);
	sc = lua_newuserdatauv(L, sizeof *sc, 0);	/* freed by the GC */
	sc->L = L;
	sc->krx = lua_isnil(L, 2) ? NULL : luaL_checkudata(L, 2, REGEX_MT);
	sc->vrx = lua_isnil(L, 3) ? NULL : luaL_checkudata(L, 3, REGEX_MT);
	sc->n = 0;
	sc->depth = 0;
	lua_newtable(L);
	sc->out = lua_gettop(L);
	scan_table(sc, 1);
	return 1;
}

/* ---- CSV ---- */
static int is_sp(char c) { return c == ' ' || c == '\t'; }

int dbxlib_csv_parse(lua_State *L, const char *name, const char *text, size_t len,
		     char *errbuf, size_t errsize)
{
	size_t pos = 0;
	long line = 0, first_line = 0;
	lua_Integer rows = 0, want = -1;
	int top = lua_gettop(L);
	luaL_Buffer fb;

	lua_newtable(L);
	lj_mark_array(L, -1);
	while (pos < len) {
		size_t eol = pos, p, le;
		lua_Integer nf = 0;

		line++;
		while (eol < len && text[eol] != '\n')
			eol++;
		le = eol;
		if (le > pos && text[le - 1] == '\r')
			le--;
		p = pos;
		pos = eol + 1;
		while (p < le && is_sp(text[p]))
			p++;
		if (p == le || text[p] == '#')
			continue;
		lua_newtable(L);
		lj_mark_array(L, -1);
		for (;;) {
			while (p < le && is_sp(text[p]))
				p++;
			luaL_buffinit(L, &fb);
			if (p < le && text[p] == '"') {
				p++;
				for (;;) {
					if (p >= le) {
						luaL_pushresult(&fb);
						snprintf(errbuf, errsize, "%s:%ld: unterminated quoted field", name, line);
						goto fail;
					}
					if (text[p] == '"') {
						if (p + 1 < le && text[p + 1] == '"') {
							luaL_addchar(&fb, '"');
							p += 2;
							continue;
						}
						p++;
						break;
					}
					luaL_addchar(&fb, text[p++]);
				}
				while (p < le && is_sp(text[p]))
					p++;
				if (p < le && text[p] != ',') {
					luaL_pushresult(&fb);
					snprintf(errbuf, errsize, "%s:%ld: unexpected '%c' after a quoted field", name,
						 line, text[p]);
					goto fail;
				}
				luaL_pushresult(&fb);
			} else {
				size_t s = p, e;
				while (p < le && text[p] != ',')
					p++;
				e = p;
				while (e > s && is_sp(text[e - 1]))
					e--;
				luaL_addlstring(&fb, text + s, e - s);
				luaL_pushresult(&fb);
			}
			lua_rawseti(L, -2, ++nf);
			if (p < le && text[p] == ',') {
				p++;
				continue;
			}
			break;
		}
		if (want < 0) {
			want = nf;
			first_line = line;
		} else if (nf != want) {
			snprintf(errbuf, errsize, "%s:%ld: %lld field(s), but line %ld has %lld", name, line,
				 (long long)nf, first_line, (long long)want);
			goto fail;
		}
		lua_rawseti(L, -2, ++rows);
	}
	return 0;
fail:
	lua_settop(L, top);
	return -1;
}

/* Lua: dbx.csv(path) -> rows; path relative to the calling rule file's
 * directory (then to the current directory). */
static int l_csv(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	char full[4096], err[600];
	lua_Debug ar;
	size_t len = 0;
	char *text = NULL;
	int rc;

	full[0] = '\0';
	if (path[0] != '/' && lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && ar.source[0] == '@') {
		const char *src = ar.source + 1, *slash = strrchr(src, '/');
		if (slash)
			snprintf(full, sizeof full, "%.*s/%s", (int)(slash - src), src, path);
	}
	if (full[0])
		text = store_slurp(full, &len);
	if (!text) {
		snprintf(full, sizeof full, "%s", path);
		text = store_slurp(full, &len);
	}
	if (!text)
		return luaL_error(L, "dbx.csv: cannot read '%s': %s", path, strerror(errno));
	rc = dbxlib_csv_parse(L, full, text, len, err, sizeof err);
	free(text);
	if (rc)
		return luaL_error(L, "dbx.csv: %s", err);
	return 1;
}

static void set_funcs(lua_State *L, const luaL_Reg *r)
{
	for (; r->name; r++) {
		lua_pushcfunction(L, r->func);
		lua_setfield(L, -2, r->name);
	}
}

int dbxlib_push(lua_State *L, const char *const *vars, int nvars, dbx_err *err)
{
	static const luaL_Reg re_funcs[] = {
		{ "match", re_match }, { "find", re_find }, { "gsub", re_gsub }, { "compile", re_compile }, { NULL, NULL }
	};
	static const luaL_Reg rx_methods[] = {
		{ "match", rx_match }, { "find", rx_find }, { "gsub", rx_gsub }, { NULL, NULL }
	};
	static const luaL_Reg funcs[] = {
		{ "array", l_array }, { "is_array", l_is_array }, { "copy", l_copy },
		{ "log", l_log }, { "csv", l_csv }, { NULL, NULL }
	};
	int i;

	for (i = 0; i < nvars; i++) {
		const char *eq = strchr(vars[i], '=');
		if (!eq || eq == vars[i])
			return err_set(err, ERR_USAGE, "--var", "'%s' is not KEY=VALUE", vars[i]);
	}
	if (luaL_newmetatable(L, REGEX_MT)) {
		lua_pushcfunction(L, regex_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, rx_tostring);
		lua_setfield(L, -2, "__tostring");
		lua_newtable(L);
		set_funcs(L, rx_methods);
		lua_setfield(L, -2, "__index");
		lua_pushliteral(L, "locked");
		lua_setfield(L, -2, "__metatable");
	}
	lua_pop(L, 1);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &re_cache_key);

	lua_newtable(L);	/* dbx */
	set_funcs(L, funcs);
	lua_newtable(L);
	set_funcs(L, re_funcs);
	lua_setfield(L, -2, "re");
	lua_newtable(L);
	lua_pushcfunction(L, json_decode);
	lua_setfield(L, -2, "decode");
	lua_pushcfunction(L, json_encode);
	lua_setfield(L, -2, "encode");
	lua_setfield(L, -2, "json");
	lj_push_null(L);
	lua_setfield(L, -2, "null");

	/* dbx.vars: the --var table (the sandbox makes it read-only) */
	lua_createtable(L, 0, nvars);
	for (i = 0; i < nvars; i++) {
		const char *eq = strchr(vars[i], '=');
		lua_pushlstring(L, vars[i], (size_t)(eq - vars[i]));
		lua_pushstring(L, eq + 1);
		lua_rawset(L, -3);
	}
	lua_setfield(L, -2, "vars");
	return 0;
}
