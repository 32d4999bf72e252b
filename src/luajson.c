/* luajson: the JSON <-> Lua codec used by the rule engine (see luajson.h).
 * Written straight against the raw text and an output buffer, without an
 * intermediate tree, because it runs once per object on every transform. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "luajson.h"

/* Registry keys (addresses only). */
static char lj_meta_key;	/* weak-keyed: table -> true (array) | order list (object) */
static char lj_null_key;	/* the sentinel's identity */
#define LJ_NULL ((void *)&lj_null_key)

/* ---- buffer ---- */
void lj_buf_init(lj_buf *b) { b->data = NULL; b->len = b->cap = 0; }
void lj_buf_free(lj_buf *b) { free(b->data); lj_buf_init(b); }

static int lj_buf_grow(lj_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	while (cap - b->len < need) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	p = realloc(b->data, cap);
	if (!p)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

int lj_buf_add(lj_buf *b, const char *s, size_t n)
{
	if (b->cap - b->len < n + 1 && lj_buf_grow(b, n + 1))
		return -1;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int lj_buf_addc(lj_buf *b, char c) { return lj_buf_add(b, &c, 1); }

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)
			return 0;	/* overlong */
		if (c == 0xED && s[1] >= 0xA0)
			return 0;	/* surrogate */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && s[1] < 0x90)
			return 0;
		if (c == 0xF4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

/* Appends s as a JSON string; returns -2 on invalid UTF-8, -1 on OOM. */
static int buf_addstr_checked(lj_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;

	if (lj_buf_addc(b, '"'))
		return -1;
	while (i < n) {
		unsigned c = u[i];
		size_t l;
		char esc[7];
		size_t el = 2;

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			run++;
			continue;
		}
		if (run && lj_buf_add(b, s + i - run, run))
			return -1;
		run = 0;
		if (c >= 0x80) {
			l = utf8_len(u + i, n - i);
			if (!l)
				return -2;
			if (lj_buf_add(b, s + i, l))
				return -1;
			i += l;
			continue;
		}
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
			esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
			el = 6;
		}
		if (lj_buf_add(b, esc, el))
			return -1;
		i++;
	}
	if (run && lj_buf_add(b, s + i - run, run))
		return -1;
	return lj_buf_addc(b, '"');
}

int lj_buf_addstr(lj_buf *b, const char *s, size_t n)
{
	size_t before = b->len;
	int rc = buf_addstr_checked(b, s, n);

	if (rc == -2) {
		/* Not UTF-8: write the bytes as \u00XX (Latin-1) rather than fail;
		 * only used for host-side strings such as keys and paths. */
		size_t i;
		char e[7];

		b->len = before;
		if (lj_buf_addc(b, '"'))
			return -1;
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
				if (lj_buf_addc(b, (char)c))
					return -1;
			} else {
				snprintf(e, sizeof e, "\\u%04x", c);
				if (lj_buf_add(b, e, 6))
					return -1;
			}
		}
		return lj_buf_addc(b, '"');
	}
	return rc;
}

/* ---- registry ---- */
void lj_init(lua_State *L)
{
	lua_newtable(L);
	lua_newtable(L);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &lj_meta_key);
}

void lj_push_null(lua_State *L) { lua_pushlightuserdata(L, LJ_NULL); }

int lj_is_null(lua_State *L, int idx)
{
	return lua_type(L, idx) == LUA_TLIGHTUSERDATA && lua_touserdata(L, idx) == LJ_NULL;
}

static void push_meta(lua_State *L) { lua_rawgetp(L, LUA_REGISTRYINDEX, &lj_meta_key); }

void lj_mark_array(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	push_meta(L);
	lua_pushvalue(L, idx);
	lua_pushboolean(L, 1);
	lua_rawset(L, -3);
	lua_pop(L, 1);
}

void lj_set_order(lua_State *L, int t, int order)
{
	t = lua_absindex(L, t);
	order = lua_absindex(L, order);
	push_meta(L);
	lua_pushvalue(L, t);
	lua_pushvalue(L, order);
	lua_rawset(L, -3);
	lua_pop(L, 1);
}

/* Pushes the mark of the table at idx (nil, true, or the order list). */
static int get_mark(lua_State *L, int idx, int meta)
{
	lua_pushvalue(L, idx);
	return lua_rawget(L, meta);
}

/* An unmarked table is an array when it is a non-empty sequence 1..n. */
static int sequence_like(lua_State *L, int idx)
{
	lua_Integer n = 0, max = 0;

	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (!lua_isinteger(L, -1)) {
			lua_pop(L, 1);
			return 0;
		}
		lua_Integer k = lua_tointeger(L, -1);
		if (k < 1) {
			lua_pop(L, 1);
			return 0;
		}
		if (k > max)
			max = k;
		n++;
	}
	return n > 0 && n == max;
}

static int is_array_at(lua_State *L, int idx, int meta)
{
	int t = get_mark(L, idx, meta), r;

	if (t == LUA_TBOOLEAN)
		r = 1;
	else if (t == LUA_TTABLE)
		r = 0;
	else
		r = sequence_like(L, idx);
	lua_pop(L, 1);
	return r;
}

int lj_is_array(lua_State *L, int idx)
{
	int r;

	idx = lua_absindex(L, idx);
	push_meta(L);
	r = is_array_at(L, idx, lua_gettop(L));
	lua_pop(L, 1);
	return r;
}

/* ---- decoder ---- */
typedef struct dec {
	lua_State *L;
	const char *s, *p, *end;
	int meta;	/* stack index of the side table */
	int depth;
	char *err;
	size_t errsize;
} dec;

static int dec_fail(dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int dec_fail(dec *d, const char *fmt, ...)
{
	long line = 1, col = 1;
	const char *q;
	char msg[256];
	va_list ap;

	for (q = d->s; q < d->p && q < d->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(d->err, d->errsize, "line %ld, column %ld: %s", line, col, msg);
	return -1;
}

static void skip_ws(dec *d)
{
	while (d->p < d->end && (*d->p == ' ' || *d->p == '\n' || *d->p == '\r' || *d->p == '\t'))
		d->p++;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_u4(dec *d, const char *q, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (d->end - q < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		int h = hexval((unsigned char)q[i]);
		if (h < 0)
			return -1;
		v = v * 16 + (unsigned)h;
	}
	*out = v;
	return 0;
}

static void add_utf8(luaL_Buffer *lb, unsigned cp)
{
	char o[4];
	size_t n;

	if (cp < 0x80) {
		o[0] = (char)cp; n = 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); n = 2;
	} else if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
	} else {
		o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
	}
	luaL_addlstring(lb, o, n);
}

/* At the opening quote; pushes the string. */
static int dec_string(dec *d)
{
	const char *start = ++d->p, *q = start;
	luaL_Buffer lb;

	/* Fast path: no escapes. */
	while (q < d->end) {
		unsigned char c = (unsigned char)*q;
		if (c == '"' || c == '\\' || c < 0x20)
			break;
		if (c >= 0x80) {
			size_t l = utf8_len((const unsigned char *)q, (size_t)(d->end - q));
			if (!l) {
				d->p = q;
				return dec_fail(d, "invalid UTF-8 in string");
			}
			q += l;
		} else {
			q++;
		}
	}
	if (q < d->end && *q == '"') {
		lua_pushlstring(d->L, start, (size_t)(q - start));
		d->p = q + 1;
		return 0;
	}
	luaL_buffinit(d->L, &lb);
	luaL_addlstring(&lb, start, (size_t)(q - start));
	while (q < d->end) {
		unsigned char c = (unsigned char)*q;
		if (c == '"') {
			luaL_pushresult(&lb);
			d->p = q + 1;
			return 0;
		}
		if (c < 0x20) {
			d->p = q;
			luaL_pushresult(&lb);
			lua_pop(d->L, 1);
			return dec_fail(d, "control character in string");
		}
		if (c == '\\') {
			unsigned cp, lo;
			if (q + 1 >= d->end)
				break;
			switch (q[1]) {
			case '"': luaL_addchar(&lb, '"'); q += 2; continue;
			case '\\': luaL_addchar(&lb, '\\'); q += 2; continue;
			case '/': luaL_addchar(&lb, '/'); q += 2; continue;
			case 'b': luaL_addchar(&lb, '\b'); q += 2; continue;
			case 'f': luaL_addchar(&lb, '\f'); q += 2; continue;
			case 'n': luaL_addchar(&lb, '\n'); q += 2; continue;
			case 'r': luaL_addchar(&lb, '\r'); q += 2; continue;
			case 't': luaL_addchar(&lb, '\t'); q += 2; continue;
			case 'u':
				if (read_u4(d, q + 2, &cp)) {
					d->p = q;
					luaL_pushresult(&lb);
					lua_pop(d->L, 1);
					return dec_fail(d, "bad \\u escape");
				}
				q += 6;
				if (cp >= 0xDC00 && cp <= 0xDFFF) {
					d->p = q - 6;
					luaL_pushresult(&lb);
					lua_pop(d->L, 1);
					return dec_fail(d, "lone low surrogate \\u%04x", cp);
				}
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					if (d->end - q < 6 || q[0] != '\\' || q[1] != 'u' || read_u4(d, q + 2, &lo) ||
					    lo < 0xDC00 || lo > 0xDFFF) {
						d->p = q - 6;
						luaL_pushresult(&lb);
						lua_pop(d->L, 1);
						return dec_fail(d, "lone high surrogate \\u%04x", cp);
					}
					q += 6;
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				}
				add_utf8(&lb, cp);
				continue;
			default:
				d->p = q;
				luaL_pushresult(&lb);
				lua_pop(d->L, 1);
				return dec_fail(d, "bad escape '\\%c'", q[1]);
			}
		}
		if (c >= 0x80) {
			size_t l = utf8_len((const unsigned char *)q, (size_t)(d->end - q));
			if (!l) {
				d->p = q;
				luaL_pushresult(&lb);
				lua_pop(d->L, 1);
				return dec_fail(d, "invalid UTF-8 in string");
			}
			luaL_addlstring(&lb, q, l);
			q += l;
			continue;
		}
		luaL_addchar(&lb, (char)c);
		q++;
	}
	d->p = q;
	luaL_pushresult(&lb);
	lua_pop(d->L, 1);
	return dec_fail(d, "unterminated string");
}

static int dec_number(dec *d)
{
	const char *q = d->p;
	int is_float = 0;
	char tmp[400];
	size_t n;

	if (q < d->end && *q == '-')
		q++;
	if (q >= d->end || *q < '0' || *q > '9')
		return dec_fail(d, "invalid number");
	if (*q == '0')
		q++;
	else
		while (q < d->end && *q >= '0' && *q <= '9')
			q++;
	if (q < d->end && *q == '.') {
		is_float = 1;
		q++;
		if (q >= d->end || *q < '0' || *q > '9') {
			d->p = q;
			return dec_fail(d, "invalid number: digit expected after '.'");
		}
		while (q < d->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < d->end && (*q == 'e' || *q == 'E')) {
		is_float = 1;
		q++;
		if (q < d->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= d->end || *q < '0' || *q > '9') {
			d->p = q;
			return dec_fail(d, "invalid number: digit expected in exponent");
		}
		while (q < d->end && *q >= '0' && *q <= '9')
			q++;
	}
	n = (size_t)(q - d->p);
	if (n >= sizeof tmp)
		return dec_fail(d, "number too long");
	memcpy(tmp, d->p, n);
	tmp[n] = '\0';
	if (!is_float) {
		char *e;
		long long v;
		errno = 0;
		v = strtoll(tmp, &e, 10);
		if (errno == 0 && *e == '\0') {
			lua_pushinteger(d->L, (lua_Integer)v);
			d->p = q;
			return 0;
		}
	}
	{
		double v = strtod(tmp, NULL);
		if (!isfinite(v))
			return dec_fail(d, "number out of range");
		lua_pushnumber(d->L, v);
	}
	d->p = q;
	return 0;
}

static int dec_value(dec *d);

static int dec_array(dec *d)
{
	lua_State *L = d->L;
	lua_Integer i = 0;

	d->p++;
	lua_newtable(L);
	lua_pushvalue(L, -1);
	lua_pushboolean(L, 1);
	lua_rawset(L, d->meta);
	skip_ws(d);
	if (d->p < d->end && *d->p == ']') {
		d->p++;
		return 0;
	}
	for (;;) {
		if (dec_value(d))
			goto fail;
		lua_rawseti(L, -2, ++i);
		skip_ws(d);
		if (d->p < d->end && *d->p == ',') {
			d->p++;
			continue;
		}
		if (d->p < d->end && *d->p == ']') {
			d->p++;
			return 0;
		}
		dec_fail(d, "expected ',' or ']' in array");
		goto fail;
	}
fail:
	lua_pop(L, 1);
	return -1;
}

static int dec_object(dec *d)
{
	lua_State *L = d->L;
	lua_Integer nkeys = 0;
	int obj, order;

	d->p++;
	lua_newtable(L);
	obj = lua_gettop(L);
	skip_ws(d);
	if (d->p < d->end && *d->p == '}') {
		d->p++;
		return 0;
	}
	lua_newtable(L);
	order = lua_gettop(L);
	for (;;) {
		skip_ws(d);
		if (d->p >= d->end || *d->p != '"') {
			dec_fail(d, "expected a string key in object");
			goto fail;
		}
		if (dec_string(d))
			goto fail;
		skip_ws(d);
		if (d->p >= d->end || *d->p != ':') {
			lua_pop(L, 1);
			dec_fail(d, "expected ':' after object key");
			goto fail;
		}
		d->p++;
		if (dec_value(d)) {
			lua_pop(L, 1);
			goto fail;
		}
		/* key at -2, value at -1; a repeated key keeps its first place. */
		lua_pushvalue(L, -2);
		if (lua_rawget(L, obj) == LUA_TNIL) {
			lua_pushvalue(L, -3);
			lua_rawseti(L, order, ++nkeys);
		}
		lua_pop(L, 1);
		lua_rawset(L, obj);
		skip_ws(d);
		if (d->p < d->end && *d->p == ',') {
			d->p++;
			continue;
		}
		if (d->p < d->end && *d->p == '}') {
			d->p++;
			break;
		}
		dec_fail(d, "expected ',' or '}' in object");
		goto fail;
	}
	lua_pushvalue(L, obj);
	lua_pushvalue(L, order);
	lua_rawset(L, d->meta);
	lua_pop(L, 1);	/* order */
	return 0;
fail:
	lua_settop(L, obj - 1);
	return -1;
}

static int dec_value(dec *d)
{
	int rc;

	skip_ws(d);
	if (d->p >= d->end)
		return dec_fail(d, "unexpected end of input");
	switch (*d->p) {
	case '{':
	case '[':
		if (++d->depth > LJ_MAX_DEPTH)
			return dec_fail(d, "nesting deeper than %d", LJ_MAX_DEPTH);
		luaL_checkstack(d->L, 8, "JSON nesting");
		rc = *d->p == '{' ? dec_object(d) : dec_array(d);
		d->depth--;
		return rc;
	case '"':
		return dec_string(d);
	case 't':
		if (d->end - d->p >= 4 && !memcmp(d->p, "true", 4)) {
			d->p += 4;
			lua_pushboolean(d->L, 1);
			return 0;
		}
		break;
	case 'f':
		if (d->end - d->p >= 5 && !memcmp(d->p, "false", 5)) {
			d->p += 5;
			lua_pushboolean(d->L, 0);
			return 0;
		}
		break;
	case 'n':
		if (d->end - d->p >= 4 && !memcmp(d->p, "null", 4)) {
			d->p += 4;
			lj_push_null(d->L);
			return 0;
		}
		break;
	default:
		if (*d->p == '-' || (*d->p >= '0' && *d->p <= '9'))
			return dec_number(d);
	}
	return dec_fail(d, "unexpected character '%c'", *d->p);
}

int lj_decode(lua_State *L, const char *s, size_t len, char *errbuf, size_t errsize)
{
	dec d = { L, s, s, s + len, 0, 0, errbuf, errsize };
	int top = lua_gettop(L);

	push_meta(L);
	d.meta = lua_gettop(L);
	if (dec_value(&d))
		goto fail;
	skip_ws(&d);
	if (d.p != d.end) {
		lua_pop(L, 1);
		dec_fail(&d, "trailing characters after the JSON value");
		goto fail;
	}
	lua_remove(L, d.meta);
	return 0;
fail:
	lua_settop(L, top);
	return -1;
}

/* ---- encoder ---- */
typedef struct seg {
	const char *k;	/* object key, or NULL for an array index */
	size_t klen;
	lua_Integer i;
} seg;

typedef struct enc {
	lua_State *L;
	lj_buf *b;
	int meta;
	int depth;
	char *err;
	size_t errsize;
	seg path[LJ_MAX_DEPTH + 1];
} enc;

static int enc_fail(enc *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int enc_fail(enc *e, const char *fmt, ...)
{
	char path[512] = "", msg[256];
	size_t pl = 0;
	int i;
	va_list ap;

	for (i = 0; i < e->depth && pl < sizeof path - 1; i++) {
		int w;
		if (e->path[i].k)
			w = snprintf(path + pl, sizeof path - pl, "%s%.*s", pl ? "." : "",
				     (int)(e->path[i].klen > 100 ? 100 : e->path[i].klen), e->path[i].k);
		else
			w = snprintf(path + pl, sizeof path - pl, "[%lld]", (long long)e->path[i].i);
		if (w < 0)
			break;
		pl += (size_t)w;
		if (pl >= sizeof path)
			pl = sizeof path - 1;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(e->err, e->errsize, "%s%s%s", path, pl ? ": " : "", msg);
	return -1;
}

static int enc_oom(enc *e) { return enc_fail(e, "out of memory"); }

static int enc_number(enc *e, int idx)
{
	char tmp[64];
	int n, prec;

	if (lua_isinteger(e->L, idx)) {
		n = snprintf(tmp, sizeof tmp, "%lld", (long long)lua_tointeger(e->L, idx));
	} else {
		double v = lua_tonumber(e->L, idx);
		if (!isfinite(v))
			return enc_fail(e, "cannot encode %s as JSON", isnan(v) ? "NaN" : "an infinite number");
		for (prec = 15; prec <= 17; prec++) {
			n = snprintf(tmp, sizeof tmp, "%.*g", prec, v);
			if (strtod(tmp, NULL) == v)
				break;
		}
		if (!strpbrk(tmp, ".eEn"))
			n += snprintf(tmp + n, sizeof tmp - (size_t)n, ".0");
	}
	return lj_buf_add(e->b, tmp, (size_t)n) ? enc_oom(e) : 0;
}

static int enc_string(enc *e, const char *s, size_t n)
{
	int rc = buf_addstr_checked(e->b, s, n);

	if (rc == -2)
		return enc_fail(e, "string is not valid UTF-8");
	return rc ? enc_oom(e) : 0;
}

static int enc_value(enc *e, int idx);

/* Writes key k (string at stack index kidx) and the value at vidx. */
static int enc_member(enc *e, int kidx, int vidx, int *first)
{
	size_t kl;
	const char *k;

	kidx = lua_absindex(e->L, kidx);
	vidx = lua_absindex(e->L, vidx);
	k = lua_tolstring(e->L, kidx, &kl);
	if (!*first && lj_buf_addc(e->b, ','))
		return enc_oom(e);
	*first = 0;
	e->path[e->depth - 1].k = k;
	e->path[e->depth - 1].klen = kl;
	if (enc_string(e, k, kl) || lj_buf_addc(e->b, ':'))
		return -1;
	return enc_value(e, vidx);
}

/* Object keys must be strings; integer keys are written as decimal strings. */
static int key_ok(enc *e, int kidx)
{
	int t = lua_type(e->L, kidx);

	if (t == LUA_TSTRING)
		return 0;
	if (t == LUA_TNUMBER && lua_isinteger(e->L, kidx)) {
		return 0;
	}
	{
		/* the path names the object, not one of its members */
		int rc;
		e->depth--;
		rc = enc_fail(e, "JSON object keys must be strings, not %s", luaL_typename(e->L, kidx));
		e->depth++;
		return rc;
	}
}

static int cmp_str(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;
	return strcmp(*x, *y);
}

/* Writes, in sorted order, the keys of table t not listed in the order
 * table (order may be 0: then every key). */
static int enc_new_keys(enc *e, int t, int order, int *first)
{
	lua_State *L = e->L;
	int set = 0, keys, rc = 0;
	lua_Integer n = 0, i;

	if (order) {
		lua_newtable(L);
		set = lua_gettop(L);
		for (i = 1; lua_rawgeti(L, order, i) != LUA_TNIL; i++) {
			lua_pushboolean(L, 1);
			lua_rawset(L, set);
		}
		lua_pop(L, 1);
	}
	lua_newtable(L);
	keys = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pop(L, 1);
		if (key_ok(e, -1)) {
			lua_settop(L, keys - (set ? 2 : 1));
			return -1;
		}
		if (set) {
			lua_pushvalue(L, -1);
			if (lua_rawget(L, set) != LUA_TNIL) {
				lua_pop(L, 1);
				continue;
			}
			lua_pop(L, 1);
		}
		lua_pushvalue(L, -1);
		lua_tolstring(L, -1, NULL);	/* integer keys become strings here */
		lua_rawseti(L, keys, ++n);
	}
	if (n) {
		const char **v = malloc((size_t)n * sizeof *v);
		if (!v) {
			lua_settop(L, keys - (set ? 2 : 1));
			return enc_oom(e);
		}
		for (i = 1; i <= n; i++) {
			lua_rawgeti(L, keys, i);
			v[i - 1] = lua_tostring(L, -1);	/* anchored in keys */
			lua_pop(L, 1);
		}
		qsort(v, (size_t)n, sizeof *v, cmp_str);
		for (i = 0; i < n && !rc; i++) {
			lua_pushstring(L, v[i]);
			if (lua_rawget(L, t) == LUA_TNIL) {
				/* the key was an integer in t */
				char *end;
				lua_pop(L, 1);
				lua_pushinteger(L, (lua_Integer)strtoll(v[i], &end, 10));
				lua_rawget(L, t);
			}
			lua_pushstring(L, v[i]);
			rc = enc_member(e, -1, -2, first);
			lua_pop(L, 2);
		}
		free(v);
	}
	lua_settop(L, keys - (set ? 2 : 1));
	return rc;
}

static int enc_table(enc *e, int t)
{
	lua_State *L = e->L;
	int mark, first = 1, rc = 0;

	if (e->depth >= LJ_MAX_DEPTH)
		return enc_fail(e, "nesting deeper than %d (a table that contains itself?)", LJ_MAX_DEPTH);
	luaL_checkstack(L, 10, "JSON nesting");
	mark = get_mark(L, t, e->meta);
	if (mark == LUA_TBOOLEAN || (mark == LUA_TNIL && sequence_like(L, t))) {
		lua_Integer n = (lua_Integer)lua_rawlen(L, t), i;
		lua_pop(L, 1);
		if (lj_buf_addc(e->b, '['))
			return enc_oom(e);
		e->depth++;
		for (i = 1; i <= n; i++) {
			if (i > 1 && lj_buf_addc(e->b, ','))
				return enc_oom(e);
			e->path[e->depth - 1].k = NULL;
			e->path[e->depth - 1].i = i - 1;
			lua_rawgeti(L, t, i);
			rc = enc_value(e, lua_gettop(L));
			lua_pop(L, 1);
			if (rc)
				return rc;
		}
		e->depth--;
		return lj_buf_addc(e->b, ']') ? enc_oom(e) : 0;
	}
	if (lj_buf_addc(e->b, '{'))
		return enc_oom(e);
	e->depth++;
	if (mark == LUA_TTABLE) {
		int order = lua_gettop(L);
		lua_Integer i, kept = 0, total = 0;
		for (i = 1; lua_rawgeti(L, order, i) != LUA_TNIL; i++) {
			lua_pushvalue(L, -1);
			if (lua_rawget(L, t) != LUA_TNIL) {
				kept++;
				rc = enc_member(e, -2, -1, &first);
			}
			lua_pop(L, 2);
			if (rc)
				return rc;
		}
		lua_pop(L, 1);
		lua_pushnil(L);
		while (lua_next(L, t)) {
			lua_pop(L, 1);
			total++;
		}
		if (total != kept)
			rc = enc_new_keys(e, t, order, &first);
		lua_pop(L, 1);	/* order */
	} else {
		lua_pop(L, 1);
		rc = enc_new_keys(e, t, 0, &first);
	}
	if (rc)
		return rc;
	e->depth--;
	return lj_buf_addc(e->b, '}') ? enc_oom(e) : 0;
}

static int enc_value(enc *e, int idx)
{
	lua_State *L = e->L;

	idx = lua_absindex(L, idx);
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		return lj_buf_add(e->b, "null", 4) ? enc_oom(e) : 0;
	case LUA_TBOOLEAN:
		return (lua_toboolean(L, idx) ? lj_buf_add(e->b, "true", 4) : lj_buf_add(e->b, "false", 5))
			? enc_oom(e) : 0;
	case LUA_TNUMBER:
		return enc_number(e, idx);
	case LUA_TSTRING: {
		size_t n;
		const char *s = lua_tolstring(L, idx, &n);
		return enc_string(e, s, n);
	}
	case LUA_TTABLE:
		return enc_table(e, idx);
	case LUA_TLIGHTUSERDATA:
		if (lua_touserdata(L, idx) == LJ_NULL)
			return lj_buf_add(e->b, "null", 4) ? enc_oom(e) : 0;
		/* fall through */
	default:
		return enc_fail(e, "cannot encode a %s as JSON", luaL_typename(L, idx));
	}
}

int lj_encode(lua_State *L, int idx, lj_buf *b, char *errbuf, size_t errsize)
{
	enc *e = malloc(sizeof *e);
	int top = lua_gettop(L), rc;

	if (!e) {
		snprintf(errbuf, errsize, "out of memory");
		return -1;
	}
	idx = lua_absindex(L, idx);
	e->L = L;
	e->b = b;
	e->depth = 0;
	e->err = errbuf;
	e->errsize = errsize;
	push_meta(L);
	e->meta = lua_gettop(L);
	rc = enc_value(e, idx);
	lua_settop(L, top);
	free(e);
	return rc;
}

/* ---- deep copy ---- */
static int copy_value(lua_State *L, int idx, int meta, int depth)
{
	int t, dst, mark;

	if (lua_type(L, idx) != LUA_TTABLE) {
		lua_pushvalue(L, idx);
		return 0;
	}
	if (depth > LJ_MAX_DEPTH)
		return -1;
	luaL_checkstack(L, 8, "copy nesting");
	lua_newtable(L);
	dst = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		t = lua_gettop(L);
		if (copy_value(L, t, meta, depth + 1)) {
			lua_settop(L, dst - 1);
			return -1;
		}
		lua_pushvalue(L, t - 1);
		lua_insert(L, -2);
		lua_rawset(L, dst);
		lua_pop(L, 1);
	}
	/* Order lists are never modified after decoding: share them. */
	mark = get_mark(L, idx, meta);
	if (mark != LUA_TNIL) {
		lua_pushvalue(L, dst);
		lua_insert(L, -2);
		lua_rawset(L, meta);
	} else {
		lua_pop(L, 1);
	}
	return 0;
}

int lj_copy(lua_State *L, int idx)
{
	int rc;

	idx = lua_absindex(L, idx);
	push_meta(L);
	rc = copy_value(L, idx, lua_gettop(L), 0);
	if (rc) {
		lua_pop(L, 1);
		return -1;
	}
	lua_remove(L, -2);
	return 0;
}
