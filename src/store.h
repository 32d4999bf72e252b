/* store: the session directory, DIR/ID/, and everything written into it.
 *
 *   DIR/ID/session.json          meta: source/target host and cloud, times
 *   DIR/ID/<phase>/<kind>.jsonl  one record per line, phase = export,
 *                                mapped, import, validation
 *   DIR/ID/<phase>/blobs/...     large payloads (notebook sources) under
 *                                names derived safely from logical names
 *   DIR/ID/logs/run.log          the run log
 *   DIR/ID/logs/failed_<phase>_<kind>.jsonl  failed objects with the error
 *
 * Directories are created 0700 and files 0600.
 *
 * A record is one JSON object on one line, always with a string "key" (the
 * object's natural key within its kind), usually
 *   {"key": K, "id": SOURCE_ID_OR_NULL, "object": {... as the API returns it ...}}
 * plus whatever the phase adds. A line counts only when it is complete
 * (ends in '\n' and parses): appends are single write(2) calls, so a crash
 * leaves at most one partial last line, which the next writer cuts off
 * and every reader reports as "file:line: incomplete line" and skips.
 * The set of keys already in a file is the checkpoint: a re-run asks
 * jsonl_out_has() and skips finished objects, so no line is written twice.
 *
 * Readers stream: memory does not grow with the number of records. */
#ifndef DBX_STORE_H
#define DBX_STORE_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "err.h"

typedef struct store store;

/* Opens DIR/ID (creating it when `create`, else failing when absent, with
 * ERR_USAGE "no session 'ID' in DIR"). ID is letters, digits, '.', '_' and
 * '-', not starting with '.'. Also makes logs/run.log the run log
 * (log_open_file); store_close() closes it. */
int store_open(store **out, const char *dir, const char *session, int create, dbx_err *err);
void store_close(store *st);
/* "DIR/ID" */
const char *store_root(const store *st);
/* Builds "DIR/ID/<rel>" into buf; returns buf or NULL when it does not fit. */
char *store_path(const store *st, char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* session.json as a cJSON object owned by the store (modify, then save). */
cJSON *store_meta(store *st);
/* Writes session.json atomically (temp file, fsync, rename). */
int store_meta_save(store *st, dbx_err *err);

/* ---- appending records: checkpointed, crash-safe ---- */
typedef struct jsonl_out jsonl_out;
/* Opens <phase>/<kind>.jsonl for appending, cutting off a partial last
 * line and loading the keys already present. */
jsonl_out *store_append(store *st, const char *phase, const char *kind, dbx_err *err);
/* Opens <phase>/<kind>.jsonl.tmp for a full rewrite; jsonl_out_close()
 * renames it over <kind>.jsonl, jsonl_out_abort() removes it. */
jsonl_out *store_rewrite(store *st, const char *phase, const char *kind, dbx_err *err);
/* 1 when a record with this key is already in the file. */
int jsonl_out_has(const jsonl_out *o, const char *key);
/* Appends rec (which must hold a string "key") as one line. Does not
 * consume rec. Fails when the write fails (disk full: err says so). */
int jsonl_out_put(jsonl_out *o, const cJSON *rec, dbx_err *err);
/* Appends an already-encoded single-line JSON record (no newline inside). */
int jsonl_out_put_raw(jsonl_out *o, const char *key, const char *line, size_t len, dbx_err *err);
long jsonl_out_count(const jsonl_out *o);
/* fsyncs and closes (renames, for a rewrite). Returns 0 or -1. */
int jsonl_out_close(jsonl_out *o, dbx_err *err);
void jsonl_out_abort(jsonl_out *o);

/* ---- reading records: streaming ---- */
typedef struct jsonl_in jsonl_in;
/* Opens <phase>/<kind>.jsonl; a missing file is an empty stream, not an
 * error (*out is set and reads end at once). */
jsonl_in *store_read(store *st, const char *phase, const char *kind, dbx_err *err);
/* Opens any JSONL file by path (tests, fuzzing, --against). */
jsonl_in *jsonl_in_open(const char *path, dbx_err *err);
/* Next complete line as raw text (not NUL-terminated in general: use len;
 * valid until the next call). Returns 1, 0 at the end. */
int jsonl_in_next_raw(jsonl_in *in, const char **line, size_t *len);
/* Next line parsed; corrupt lines are reported with log_warn as
 * "file:line: <why>" and skipped. Returns the record (caller frees) or NULL
 * at the end. */
cJSON *jsonl_in_next(jsonl_in *in);
long jsonl_in_line(const jsonl_in *in);		/* line number of the last record */
long jsonl_in_skipped(const jsonl_in *in);	/* corrupt/incomplete lines seen */
const char *jsonl_in_path(const jsonl_in *in);
void jsonl_in_close(jsonl_in *in);

/* Reads a whole file into a malloc'd, NUL-terminated buffer (caller
 * frees); *len (when not NULL) is its size. NULL with errno set on failure.
 * Rule files, CSV maps and rule test cases are read through it too. */
char *store_slurp(const char *path, size_t *len);

/* ---- failures ---- */
/* Appends {"key","time","error":{...}} to logs/failed_<phase>_<kind>.jsonl
 * and logs it (log_warn, always). Returns 0, or -1 with err (ERR_IO naming
 * the file and the errno) when the record cannot be written: losing the
 * record of a failure loses data, so callers stop the run on it. A partial
 * line is cut off again: the file stays whole. */
int store_fail(store *st, const char *phase, const char *kind, const char *key, const dbx_err *e,
	       dbx_err *err);

/* ---- blobs: payloads named by untrusted logical names ---- */
/* Stores data under a file derived from `name` (a workspace path, say):
 * "..", absolute paths, NUL, very long names and names that differ only in
 * case can never escape <phase>/blobs/ or collide. Written atomically. */
int store_blob_write(store *st, const char *phase, const char *name, size_t name_len,
		     const void *data, size_t len, dbx_err *err);
/* Batched durability for many blobs (export): with on = 1, later
 * store_blob_write calls skip their fsyncs (still atomic against a crash
 * of the process: temp file + rename); the caller then calls store_sync()
 * before it records anything that refers to those blobs. */
void store_blob_defer_sync(store *st, int on);
/* Flushes what was written to disk (all of it, not just this session). */
int store_sync(store *st, dbx_err *err);
/* Reads it back into a malloc'd buffer (caller frees). */
int store_blob_read(store *st, const char *phase, const char *name, size_t name_len,
		    char **data, size_t *len, dbx_err *err);

#endif
