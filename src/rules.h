/* rules: the Lua host of the rule engine. One lua_State per rules value,
 * reused for every object: a sandbox (base minus loaders, string, table,
 * math, utf8, dbx, all read-only to rules; undeclared globals are errors),
 * an instruction limit and a memory limit reset per object, the trusted
 * mantle (src/mantle.lua) that knows where cluster specs, principals,
 * paths, policy definitions and storage locations sit in each kind and
 * calls the user's hooks there. The rule API itself is documented in
 * docs/RULES.md. */
#ifndef DBX_RULES_H
#define DBX_RULES_H

#include <stddef.h>
#include "err.h"
#include "luajson.h"

#define RULES_DEFAULT_INSTRUCTIONS 20000000L
#define RULES_DEFAULT_MEMORY_MB 64L

typedef struct rules rules;

typedef struct rules_opts {
	const char *const *files;	/* rule files, applied in this order */
	int nfiles;
	const char *const *vars;	/* "KEY=VALUE" (dbx.vars) */
	int nvars;
	long instructions;	/* per object (and per file load); 0 = default */
	long memory_mb;		/* per object; 0 = default */
	const char *source_cloud;	/* ctx.source_cloud, may be NULL */
	const char *target_cloud;	/* ctx.target_cloud unless a file sets one; may be NULL */
} rules_opts;

/* Creates the state and loads every file. A file that fails to load (or
 * returns a table with a wrong field) is an ERR_RULE error naming
 * file:line; a malformed --var is ERR_USAGE. The strings in o are not
 * copied: they must outlive r. */
int rules_open(rules **out, const rules_opts *o, dbx_err *err);
void rules_close(rules *r);

/* Runs a data file (rules/validate.lua: settings, not rules) in the same
 * sandbox and limits as a rule file and appends the table it returns to
 * *out as JSON (out initialised by the caller, who frees it). A file that
 * fails to load, raises or returns anything but a table is an ERR_RULE
 * error naming file:line. Open r with no rule files for this. */
int rules_load_data(rules *r, const char *path, lj_buf *out, dbx_err *err);

/* What one object became. Every buffer is owned by the rules_out value
 * (rules_out_init / rules_out_free); rules_apply resets them first. */
typedef struct rules_out {
	lj_buf key;		/* the record's key (NUL-terminated) */
	lj_buf desc;		/* "job 123 (\"nightly-etl\")" */
	lj_buf record;		/* the mapped record, one JSON line without '\n' */
	lj_buf object;		/* the transformed object alone, JSON */
	int dropped;
	lj_buf drop_reason;	/* dbx.drop's reason */
	lj_buf dropped_rec;	/* {"key","kind","file","reason"} */
	int nwarnings;
	lj_buf warnings;	/* one JSON line each ({"key","kind","file","where","message"}), '\n' after each */
	lj_buf warn_text;	/* the same as text, one "file: where: message" line each */
	int naudit;
	lj_buf audit;		/* one JSON line each ({"kind","key","file","hook","path","before","after"}) */
	int nlint;
	lj_buf lint;		/* one "kind key path: message" line each */
	lj_buf diff;		/* human-readable diff (only with RULES_DIFF) */
	int changed;		/* the object differs from the input */
} rules_out;

void rules_out_init(rules_out *o);
void rules_out_free(rules_out *o);

enum {
	RULES_CASE = 1,		/* text is a rule test case {"kind","object","ctx"?}, not a record */
	RULES_DIFF = 2,		/* fill out->diff */
	RULES_COLOR = 4,	/* ... with ANSI colours */
	RULES_LINT_ONLY = 8,	/* only lint the record's object (transform --check) */
	RULES_NO_LINT = 16,	/* skip the lint */
};

/* Runs the rules over one record (a session line {"key","id","object"})
 * of the given plural or singular kind, or over a rule test case
 * (RULES_CASE; kind may be NULL). Returns 0 (out filled); -1 with err:
 * ERR_RULE when a rule raised or returned something invalid (err->msg is
 * the full message with file:line, object and JSON path, and a short
 * traceback; err->where the object), ERR_PARSE when the text is not a
 * record. */
int rules_apply(rules *r, const char *kind, const char *text, size_t len, int flags,
		rules_out *out, dbx_err *err);

/* Compares two JSON texts as values (key order ignored, 1 and 1.0
 * different, [] and {} different). Returns 1 equal, 0 different (why gets
 * the first difference: "settings.name: got \"a\", expected \"b\""), -1 when
 * one is not JSON (why says which and where). a is "got", b "expected". */
int rules_json_equal(rules *r, const char *a, size_t alen, const char *b, size_t blen,
		     char *why, size_t whysize);

/* "fnv1a64:<16 hex>" of a file's content into buf; -1 when unreadable. */
int rules_file_hash(const char *path, char *buf, size_t size);

#endif
