/* err: filling, prefixing and printing the one error value (dbx_err).
 * Messages are built here with vsnprintf into fixed buffers, so an error
 * can be set anywhere without allocating, and formatted once at the edge. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "log.h"

int err_set(dbx_err *err, enum err_class cls, const char *where, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	memset(err, 0, sizeof *err);
	err->cls = cls;
	if (where)
		snprintf(err->where, sizeof err->where, "%s", where);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

void err_prefix(dbx_err *err, const char *fmt, ...)
{
	char pre[512], old[sizeof err->msg];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	/* Truncation is fine here: the head of the message matters most. */
	if (snprintf(err->msg, sizeof err->msg, "%s: %s", pre, old) < 0)
		err->msg[0] = '\0';
}

void err_clear(dbx_err *err)
{
	if (err)
		memset(err, 0, sizeof *err);
}

const char *err_str(const dbx_err *err, char *buf, size_t size)
{
	if (!size)
		return buf;
	if (!err) {
		buf[0] = '\0';
		return buf;
	}
	if ((err->where[0] ? snprintf(buf, size, "%s: %s", err->where, err->msg)
			   : snprintf(buf, size, "%s", err->msg)) < 0)
		buf[0] = '\0';
	/* A message may quote a server reply or a file line: never let a
	 * registered secret through. */
	log_redact(buf);
	return buf;
}

void err_print(const dbx_err *err)
{
	char buf[sizeof err->where + sizeof err->msg + 4];

	err_str(err, buf, sizeof buf);
	fprintf(stderr, "dbxmig: %s\n", buf);
	log_file_only("error: %s", buf);
}

int err_exit_code(const dbx_err *err)
{
	if (!err)
		return 1;
	switch (err->cls) {
	case ERR_NONE:
		return 0;
	case ERR_USAGE:
	case ERR_CONFIG:
	case ERR_AUTH:
		return 2;
	case ERR_RULE:
		return 3;
	case ERR_FAILED:
	case ERR_HTTP:
	case ERR_IO:
	case ERR_PARSE:
		break;
	}
	return 1;
}
