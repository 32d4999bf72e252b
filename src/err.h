/* err: the one error value dbxmig carries between modules.
 *
 * A function that can fail takes a `dbx_err *err` last, fills it on failure
 * and returns non-zero (or NULL). Errors are formatted once, at the edge
 * (err_print), never half-printed deep inside a module. */
#ifndef DBX_ERR_H
#define DBX_ERR_H

#include <stddef.h>

/* Classes map to the exit codes of CONTRACT.md (err_exit_code). */
enum err_class {
	ERR_NONE = 0,
	ERR_FAILED,	/* an object or request failed; the run went on (exit 1) */
	ERR_USAGE,	/* bad command line (exit 2) */
	ERR_CONFIG,	/* bad configuration file or option value (exit 2) */
	ERR_AUTH,	/* authentication failed (exit 2) */
	ERR_HTTP,	/* request failed: status/error_code set (exit 1) */
	ERR_IO,		/* file system (exit 1) */
	ERR_PARSE,	/* malformed JSON/JSONL/CSV (exit 1) */
	ERR_RULE,	/* a rule file failed to load or raised (exit 3) */
};

typedef struct dbx_err {
	enum err_class cls;
	long http_status;	/* 0 when not an HTTP error; -1 transport error */
	char error_code[64];	/* Databricks error_code, e.g. RESOURCE_DOES_NOT_EXIST */
	int maybe_applied;	/* a mutating request may have landed (5xx, timeout) */
	char where[512];	/* "file:line", "GET /api/2.1/jobs/get", "job 123" */
	char msg[1024];
} dbx_err;

/* Sets every field of err (where may be NULL); returns -1 for `return err_set(...)`. */
int err_set(dbx_err *err, enum err_class cls, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Prepends "prefix: " to err->msg (context added on the way up). */
void err_prefix(dbx_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(dbx_err *err);
/* "where: msg" into buf (always NUL-terminated); returns buf. */
const char *err_str(const dbx_err *err, char *buf, size_t size);
/* Prints "dbxmig: where: msg" to stderr. */
void err_print(const dbx_err *err);
/* The CONTRACT.md exit code for an error class: 1, 2 or 3. */
int err_exit_code(const dbx_err *err);

#endif
