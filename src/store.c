/* store: the session directory DIR/ID/ and every file in it.
 *
 * Crash safety rests on two rules: a record is one line written by one
 * write(2) with O_APPEND (so a crash leaves at most a partial last line,
 * cut off by the next writer and skipped by readers), and whole-file
 * rewrites go through temp file + fsync + rename. The checkpoint is the
 * set of keys already in a file, kept as 64-bit hashes so memory stays
 * small at 100k objects. Blob names come from workspace paths, which are
 * untrusted: blob_relpath() maps them injectively into <phase>/blobs/. */
#define _GNU_SOURCE	/* syncfs(2): flush the session's file system, not the machine */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "store.h"

struct store {
	char *root;
	cJSON *meta;
	int blob_nosync;	/* store_blob_defer_sync(): blobs without fsync */
};

/* ---- small helpers ---- */

static uint64_t hash64(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	/* FNV alone mixes the last bytes poorly: finish with murmur's fmix64. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static int io_err(dbx_err *err, const char *path, const char *what)
{
	return err_set(err, ERR_IO, path, "%s: %s", what, strerror(errno));
}

static int ensure_dir(const char *path, dbx_err *err)
{
	struct stat sb;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return 0;
	if (errno == EEXIST)
		errno = ENOTDIR;
	return io_err(err, path, "cannot create directory");
}

/* mkdir -p for DIR itself, which may be given with several missing levels. */
static int ensure_dirs(const char *path, dbx_err *err)
{
	char buf[PATH_MAX];
	size_t i, n = strlen(path);

	if (n >= sizeof buf)
		return err_set(err, ERR_IO, path, "path too long");
	memcpy(buf, path, n + 1);
	for (i = 1; i < n; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (ensure_dir(buf, err))
			return -1;
		buf[i] = '/';
	}
	return ensure_dir(buf, err);
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void fsync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (!slash || (size_t)(slash - path) >= sizeof dir)
		return;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Writes path atomically: temp file beside it, fsync, rename, fsync dir.
 * Without `sync` the fsyncs are left out (the caller syncs in batches). */
static int write_atomic_opt(const char *path, const void *data, size_t len, int sync,
			    dbx_err *err);
static int write_atomic(const char *path, const void *data, size_t len, dbx_err *err)
{
	return write_atomic_opt(path, data, len, 1, err);
}

static int write_atomic_opt(const char *path, const void *data, size_t len, int sync,
			    dbx_err *err)
{
	char tmp[PATH_MAX];
	int fd;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return err_set(err, ERR_IO, path, "path too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return io_err(err, tmp, "cannot create");
	if (write_all(fd, data, len) || (sync && fsync(fd))) {
		io_err(err, tmp, "cannot write");
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) || rename(tmp, path)) {
		io_err(err, path, "cannot replace");
		unlink(tmp);
		return -1;
	}
	if (sync)
		fsync_dir_of(path);
	return 0;
}

char *store_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int e;

	if (!f)
		return NULL;
	for (;;) {
		size_t r;
		if (cap - n < 65536) {
			char *nb = realloc(buf, cap * 2 + 65536);
			if (!nb) {
				errno = ENOMEM;
				goto fail;
			}
			buf = nb;
			cap = cap * 2 + 65536;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
fail:
	e = errno;
	free(buf);
	fclose(f);
	errno = e;
	return NULL;
}

static int read_file(const char *path, char **data, size_t *len, dbx_err *err)
{
	*data = store_slurp(path, len);
	return *data ? 0 : io_err(err, path, "cannot read");
}

/* Phase and kind become file names: keep them to a tame alphabet. */
static int check_name(const char *what, const char *s, dbx_err *err)
{
	const char *p;

	if (!s || !*s || s[0] == '.')
		goto bad;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
			goto bad;
	return 0;
bad:
	return err_set(err, ERR_USAGE, NULL, "bad %s name '%s' (letters, digits, '.', '_', '-')",
		       what, s ? s : "");
}

/* ---- the session ---- */

int store_open(store **out, const char *dir, const char *session, int create, dbx_err *err)
{
	store *st = NULL;
	char path[PATH_MAX];
	struct stat sb;
	int rc = -1;
	size_t n;

	*out = NULL;
	if (!dir || !*dir)
		dir = "./migration";
	if (!session || !*session)
		return err_set(err, ERR_USAGE, NULL, "--session is required");
	if (check_name("session", session, err))
		return -1;
	st = calloc(1, sizeof *st);
	if (!st)
		return err_set(err, ERR_IO, NULL, "out of memory");
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (snprintf(path, sizeof path, "%.*s/%s", (int)n, dir, session) >= (int)sizeof path) {
		err_set(err, ERR_IO, dir, "path too long");
		goto out;
	}
	st->root = strdup(path);
	if (!st->root) {
		err_set(err, ERR_IO, NULL, "out of memory");
		goto out;
	}
	if (stat(st->root, &sb) != 0) {
		if (!create) {
			err_set(err, ERR_USAGE, NULL, "no session '%s' in %.*s (run export first)",
				session, (int)n, dir);
			goto out;
		}
		if (ensure_dirs(st->root, err))
			goto out;
	} else if (!S_ISDIR(sb.st_mode)) {
		err_set(err, ERR_IO, st->root, "not a directory");
		goto out;
	}
	if (!store_path(st, path, sizeof path, "logs") || ensure_dir(path, err))
		goto out;
	store_path(st, path, sizeof path, "session.json");
	if (stat(path, &sb) == 0) {
		char *text;
		size_t len;
		if (read_file(path, &text, &len, err))
			goto out;
		st->meta = cJSON_ParseWithLength(text, len);
		free(text);
		if (!cJSON_IsObject(st->meta)) {
			err_set(err, ERR_PARSE, path, "not a JSON object (corrupt session meta)");
			goto out;
		}
	} else {
		char ts[32];
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
		st->meta = cJSON_CreateObject();
		if (!st->meta || !cJSON_AddStringToObject(st->meta, "session", session) ||
		    !cJSON_AddStringToObject(st->meta, "created", ts)) {
			err_set(err, ERR_IO, NULL, "out of memory");
			goto out;
		}
	}
	store_path(st, path, sizeof path, "logs/run.log");
	if (log_open_file(path))
		log_warn("%s: cannot open the run log: %s", path, strerror(errno));
	rc = 0;
out:
	if (rc) {
		store_close(st);
		return -1;
	}
	*out = st;
	return 0;
}

void store_close(store *st)
{
	if (!st)
		return;
	log_close_file();
	cJSON_Delete(st->meta);
	free(st->root);
	free(st);
}

const char *store_root(const store *st) { return st->root; }

char *store_path(const store *st, char *buf, size_t size, const char *fmt, ...)
{
	char rel[PATH_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof rel, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof rel)
		return NULL;
	n = snprintf(buf, size, "%s/%s", st->root, rel);
	if (n < 0 || (size_t)n >= size)
		return NULL;
	return buf;
}

cJSON *store_meta(store *st) { return st->meta; }

int store_meta_save(store *st, dbx_err *err)
{
	char path[PATH_MAX], *text;
	int rc;

	store_path(st, path, sizeof path, "session.json");
	text = cJSON_Print(st->meta);
	if (!text)
		return err_set(err, ERR_IO, path, "out of memory");
	rc = write_atomic(path, text, strlen(text), err);
	free(text);
	return rc;
}

/* ---- the key set: open addressing over 64-bit hashes ---- */

typedef struct keyset {
	uint64_t *slot;
	size_t cap, n;
} keyset;

static int keyset_add_hash(keyset *ks, uint64_t h);

static int keyset_grow(keyset *ks)
{
	keyset nk = { NULL, ks->cap ? ks->cap * 2 : 1024, 0 };
	size_t i;

	nk.slot = calloc(nk.cap, sizeof *nk.slot);
	if (!nk.slot)
		return -1;
	for (i = 0; i < ks->cap; i++)
		if (ks->slot[i])
			keyset_add_hash(&nk, ks->slot[i]);
	free(ks->slot);
	*ks = nk;
	return 0;
}

static int keyset_add_hash(keyset *ks, uint64_t h)
{
	size_t i;

	if ((ks->n + 1) * 2 > ks->cap && keyset_grow(ks))
		return -1;
	for (i = (size_t)h & (ks->cap - 1); ks->slot[i]; i = (i + 1) & (ks->cap - 1))
		if (ks->slot[i] == h)
			return 0;
	ks->slot[i] = h;
	ks->n++;
	return 0;
}

static uint64_t key_hash(const char *key)
{
	uint64_t h = hash64(key, strlen(key), 0);
	return h ? h : 1;	/* 0 marks an empty slot */
}

static int keyset_has(const keyset *ks, const char *key)
{
	uint64_t h = key_hash(key);
	size_t i;

	if (!ks->cap)
		return 0;
	for (i = (size_t)h & (ks->cap - 1); ks->slot[i]; i = (i + 1) & (ks->cap - 1))
		if (ks->slot[i] == h)
			return 1;
	return 0;
}

/* ---- appending ---- */

struct jsonl_out {
	int fd;
	int rewrite;
	char *path;	/* the file written to (the .tmp for a rewrite) */
	char *final;	/* the file a rewrite replaces */
	keyset keys;
	long count;
};

static void out_free(jsonl_out *o)
{
	if (!o)
		return;
	if (o->fd >= 0)
		close(o->fd);
	free(o->path);
	free(o->final);
	free(o->keys.slot);
	free(o);
}

static int kind_file(store *st, const char *phase, const char *kind, const char *suffix,
		     char *buf, size_t size, dbx_err *err)
{
	char dir[PATH_MAX];

	if (check_name("phase", phase, err) || check_name("kind", kind, err))
		return -1;
	if (!store_path(st, dir, sizeof dir, "%s", phase) ||
	    !store_path(st, buf, size, "%s/%s.jsonl%s", phase, kind, suffix))
		return err_set(err, ERR_IO, st->root, "path too long");
	return ensure_dir(dir, err);
}

/* Cuts a partial last line (a crash in the middle of an append). */
static int cut_partial(int fd, const char *path, dbx_err *err)
{
	struct stat sb;
	off_t end, pos;
	char buf[4096];
	long lines = 0;

	if (fstat(fd, &sb))
		return io_err(err, path, "cannot stat");
	end = sb.st_size;
	if (end == 0)
		return 0;
	if (pread(fd, buf, 1, end - 1) != 1)
		return io_err(err, path, "cannot read");
	if (buf[0] == '\n')
		return 0;
	/* Find the last newline, scanning backwards in blocks. */
	pos = end;
	while (pos > 0) {
		off_t start = pos > (off_t)sizeof buf ? pos - (off_t)sizeof buf : 0;
		ssize_t n = pread(fd, buf, (size_t)(pos - start), start), i;
		if (n != pos - start)
			return io_err(err, path, "cannot read");
		for (i = n - 1; i >= 0; i--)
			if (buf[i] == '\n')
				break;
		if (i >= 0) {
			pos = start + i + 1;
			break;
		}
		pos = start;
	}
	/* Count the lines before it, for a message that names file:line. */
	{
		off_t p = 0;
		while (p < pos) {
			size_t want = pos - p > (off_t)sizeof buf ? sizeof buf : (size_t)(pos - p);
			ssize_t n = pread(fd, buf, want, p), i;
			if (n <= 0)
				break;
			for (i = 0; i < n; i++)
				lines += buf[i] == '\n';
			p += n;
		}
	}
	if (ftruncate(fd, pos))
		return io_err(err, path, "cannot cut off the incomplete last line");
	log_warn("%s:%ld: incomplete last line (%lld bytes, interrupted write) cut off", path,
		 lines + 1, (long long)(end - pos));
	return 0;
}

jsonl_out *store_append(store *st, const char *phase, const char *kind, dbx_err *err)
{
	char path[PATH_MAX];
	jsonl_out *o;
	jsonl_in *in = NULL;
	cJSON *rec;

	if (kind_file(st, phase, kind, "", path, sizeof path, err))
		return NULL;
	o = calloc(1, sizeof *o);
	if (!o || !(o->path = strdup(path))) {
		out_free(o);
		err_set(err, ERR_IO, path, "out of memory");
		return NULL;
	}
	o->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (o->fd < 0) {
		io_err(err, path, "cannot open");
		goto fail;
	}
	if (cut_partial(o->fd, path, err))
		goto fail;
	in = jsonl_in_open(path, err);
	if (!in)
		goto fail;
	while ((rec = jsonl_in_next(in)) != NULL) {
		const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "key"));
		int bad = keyset_add_hash(&o->keys, key_hash(key));
		cJSON_Delete(rec);
		if (bad) {
			err_set(err, ERR_IO, path, "out of memory");
			goto fail;
		}
		o->count++;
	}
	jsonl_in_close(in);
	return o;
fail:
	jsonl_in_close(in);
	out_free(o);
	return NULL;
}

jsonl_out *store_rewrite(store *st, const char *phase, const char *kind, dbx_err *err)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	jsonl_out *o;

	if (kind_file(st, phase, kind, "", path, sizeof path, err) ||
	    kind_file(st, phase, kind, ".tmp", tmp, sizeof tmp, err))
		return NULL;
	o = calloc(1, sizeof *o);
	if (!o || !(o->path = strdup(tmp)) || !(o->final = strdup(path))) {
		out_free(o);
		err_set(err, ERR_IO, path, "out of memory");
		return NULL;
	}
	o->rewrite = 1;
	o->fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (o->fd < 0) {
		io_err(err, tmp, "cannot create");
		out_free(o);
		return NULL;
	}
	return o;
}

int jsonl_out_has(const jsonl_out *o, const char *key)
{
	return key && keyset_has(&o->keys, key);
}

int jsonl_out_put_raw(jsonl_out *o, const char *key, const char *line, size_t len, dbx_err *err)
{
	struct iovec iov[2];
	ssize_t n;

	if (!key)
		return err_set(err, ERR_PARSE, o->path, "record without a string \"key\"");
	if (memchr(line, '\n', len))
		return err_set(err, ERR_PARSE, o->path, "record for key '%s' spans lines", key);
	/* One writev(2) per record with O_APPEND: a crash leaves at most one
	 * partial last line, never an interleaved or half-valid record. */
	iov[0].iov_base = (void *)line;
	iov[0].iov_len = len;
	iov[1].iov_base = (void *)"\n";
	iov[1].iov_len = 1;
	do
		n = writev(o->fd, iov, 2);
	while (n < 0 && errno == EINTR);
	if (n >= 0 && (size_t)n < len + 1) {
		/* a short write (disk nearly full): finish it or fail */
		size_t done = (size_t)n;
		if ((done < len && write_all(o->fd, line + done, len - done)) ||
		    write_all(o->fd, "\n", 1))
			n = -1;
	}
	if (n < 0)
		return io_err(err, o->path, "cannot append");
	if (keyset_add_hash(&o->keys, key_hash(key)))
		return err_set(err, ERR_IO, o->path, "out of memory");
	o->count++;
	return 0;
}

int jsonl_out_put(jsonl_out *o, const cJSON *rec, dbx_err *err)
{
	const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "key"));
	char *text;
	int rc;

	if (!key)
		return err_set(err, ERR_PARSE, o->path, "record without a string \"key\"");
	text = cJSON_PrintUnformatted(rec);
	if (!text)
		return err_set(err, ERR_IO, o->path, "out of memory");
	rc = jsonl_out_put_raw(o, key, text, strlen(text), err);
	free(text);
	return rc;
}

long jsonl_out_count(const jsonl_out *o) { return o->count; }

int jsonl_out_close(jsonl_out *o, dbx_err *err)
{
	int rc = 0;

	if (!o)
		return 0;
	if (fsync(o->fd))
		rc = io_err(err, o->path, "cannot sync");
	if (close(o->fd) && !rc)
		rc = io_err(err, o->path, "cannot close");
	o->fd = -1;
	if (!rc && o->rewrite) {
		if (rename(o->path, o->final))
			rc = io_err(err, o->final, "cannot replace");
		else
			fsync_dir_of(o->final);
	}
	if (rc && o->rewrite)
		unlink(o->path);
	out_free(o);
	return rc;
}

void jsonl_out_abort(jsonl_out *o)
{
	if (!o)
		return;
	if (o->rewrite)
		unlink(o->path);
	out_free(o);
}

/* ---- reading ---- */

struct jsonl_in {
	FILE *f;	/* NULL: a missing file, read as empty */
	char *path;
	char *line;
	size_t cap;
	long lineno, rec_line, skipped;
};

jsonl_in *jsonl_in_open(const char *path, dbx_err *err)
{
	jsonl_in *in = calloc(1, sizeof *in);

	if (!in || !(in->path = strdup(path))) {
		free(in);
		err_set(err, ERR_IO, path, "out of memory");
		return NULL;
	}
	in->f = fopen(path, "rb");
	if (!in->f && errno != ENOENT) {
		io_err(err, path, "cannot open");
		jsonl_in_close(in);
		return NULL;
	}
	return in;
}

jsonl_in *store_read(store *st, const char *phase, const char *kind, dbx_err *err)
{
	char path[PATH_MAX];

	if (check_name("phase", phase, err) || check_name("kind", kind, err))
		return NULL;
	if (!store_path(st, path, sizeof path, "%s/%s.jsonl", phase, kind)) {
		err_set(err, ERR_IO, st->root, "path too long");
		return NULL;
	}
	return jsonl_in_open(path, err);
}

int jsonl_in_next_raw(jsonl_in *in, const char **line, size_t *len)
{
	ssize_t n;

	if (!in->f)
		return 0;
	while ((n = getline(&in->line, &in->cap, in->f)) > 0) {
		in->lineno++;
		if (in->line[n - 1] != '\n') {
			log_warn("%s:%ld: incomplete line (interrupted write), skipped", in->path,
				 in->lineno);
			in->skipped++;
			return 0;
		}
		if (n == 1)
			continue;	/* blank line */
		in->rec_line = in->lineno;
		*line = in->line;
		*len = (size_t)n - 1;
		return 1;
	}
	return 0;
}

cJSON *jsonl_in_next(jsonl_in *in)
{
	const char *line, *end = NULL;
	size_t len;

	while (jsonl_in_next_raw(in, &line, &len)) {
		cJSON *rec = cJSON_ParseWithLengthOpts(line, len, &end, 0);
		const char *why = NULL;

		if (!rec)
			why = "invalid JSON";
		else if (!cJSON_IsObject(rec))
			why = "not a JSON object";
		else if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rec, "key")))
			why = "record without a string \"key\"";
		else if (end && (size_t)(end - line) < len)
			why = "trailing text after the record";
		if (!why)
			return rec;
		cJSON_Delete(rec);
		if (!rec && end && end >= line && (size_t)(end - line) <= len)
			log_warn("%s:%ld: %s near byte %ld, skipped", in->path, in->rec_line, why,
				 (long)(end - line) + 1);
		else
			log_warn("%s:%ld: %s, skipped", in->path, in->rec_line, why);
		in->skipped++;
	}
	return NULL;
}

long jsonl_in_line(const jsonl_in *in) { return in->rec_line; }
long jsonl_in_skipped(const jsonl_in *in) { return in->skipped; }
const char *jsonl_in_path(const jsonl_in *in) { return in->path; }

void jsonl_in_close(jsonl_in *in)
{
	if (!in)
		return;
	if (in->f)
		fclose(in->f);
	free(in->line);
	free(in->path);
	free(in);
}

/* ---- failures ---- */

static const char *class_name(enum err_class c)
{
	static const char *const names[] = { "none", "failed", "usage", "config", "auth",
					      "http", "io", "parse", "rule" };
	return (size_t)c < sizeof names / sizeof names[0] ? names[c] : "unknown";
}

int store_fail(store *st, const char *phase, const char *kind, const char *key, const dbx_err *e,
	       dbx_err *err)
{
	char path[PATH_MAX], ts[32], msg[sizeof e->msg + sizeof e->where + 4];
	cJSON *rec = cJSON_CreateObject(), *er;
	char *text = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int fd = -1, rc = -1;
	off_t end;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	err_str(e, msg, sizeof msg);	/* redacted */
	log_warn("%s %s '%s' failed: %s", phase, kind, key ? key : "?", msg);
	if (check_name("phase", phase, err) || check_name("kind", kind, err))
		goto out;
	if (!store_path(st, path, sizeof path, "logs/failed_%s_%s.jsonl", phase, kind)) {
		err_set(err, ERR_IO, "logs/", "the path of failed_%s_%s.jsonl is too long", phase, kind);
		goto out;
	}
	er = cJSON_CreateObject();
	if (!rec || !er || !cJSON_AddItemToObject(rec, "error", er)) {
		cJSON_Delete(er);
		err_set(err, ERR_IO, path, "cannot record the failure: out of memory");
		goto out;
	}
	cJSON_AddStringToObject(rec, "key", key ? key : "");
	cJSON_AddStringToObject(rec, "time", ts);
	cJSON_AddStringToObject(er, "class", class_name(e ? e->cls : ERR_FAILED));
	if (e && e->http_status)
		cJSON_AddNumberToObject(er, "status", (double)e->http_status);
	if (e && e->error_code[0])
		cJSON_AddStringToObject(er, "error_code", e->error_code);
	if (e && e->maybe_applied)
		cJSON_AddBoolToObject(er, "maybe_applied", 1);
	cJSON_AddStringToObject(er, "message", msg);
	text = cJSON_PrintUnformatted(rec);
	if (!text) {
		err_set(err, ERR_IO, path, "cannot record the failure: out of memory");
		goto out;
	}
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		io_err(err, path, "cannot record the failure");
		goto out;
	}
	if (cut_partial(fd, path, err))
		goto out;
	end = lseek(fd, 0, SEEK_END);
	{
		size_t n = strlen(text);
		text[n] = '\n';	/* replaces the NUL: written with its length */
		if (write_all(fd, text, n + 1)) {
			int saved = errno;
			/* leave the file whole: no partial line behind (else the
			 * next writer cuts it off) */
			if (end >= 0 && ftruncate(fd, end))
				log_verbose("%s: cannot cut the partial line: %s", path, strerror(errno));
			errno = saved;
			io_err(err, path, "cannot record the failure");
			goto out;
		}
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(text);
	cJSON_Delete(rec);
	return rc;
}

/* ---- blobs ----
 *
 * A logical name is split at '/'; each segment is percent-encoded: every
 * byte outside [a-z0-9._-] (upper case too, so "Foo" and "foo" differ on a
 * case-insensitive file system) becomes %XX with upper-case hex, an empty
 * segment becomes "%", and "." / ".." have their dots encoded. Directories
 * get ".d" appended and the final file ".b", so a name can be both a file
 * and a prefix of another ("/a" and "/a/b"). A segment longer than
 * SEG_MAX encoded bytes keeps a prefix plus "~" and a hash of the whole
 * segment ('~' never appears otherwise); a name whose encoding is too long
 * overall goes to "~long.d/<128-bit hash>.b". Whenever a hash is involved
 * the full name is kept beside the blob in "<file>.n" and checked on every
 * write and read, so a hash collision is detected, never silent. */

#define SEG_MAX 200
#define SEG_KEEP 150
#define REL_MAX 2048

static const char hexd[] = "0123456789ABCDEF";

static int plain_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '-';
}

/* Appends the encoding of one segment to out (cap REL_MAX+...); returns the
 * new length, sets *hashed when the segment was shortened. */
static size_t encode_seg(char *out, size_t o, const unsigned char *s, size_t n, int *hashed)
{
	size_t start = o, i, enc = 0;
	int dots = (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.');

	if (n == 0) {
		out[o++] = '%';
		return o;
	}
	for (i = 0; i < n; i++)
		enc += plain_byte(s[i]) && !dots ? 1 : 3;
	for (i = 0; i < n; i++) {
		if (enc > SEG_MAX && o - start + 3 > SEG_KEEP)
			break;
		if (plain_byte(s[i]) && !dots) {
			out[o++] = (char)s[i];
		} else {
			out[o++] = '%';
			out[o++] = hexd[s[i] >> 4];
			out[o++] = hexd[s[i] & 15];
		}
	}
	if (enc > SEG_MAX) {
		uint64_t h = hash64(s, n, 0x5eed);
		int k;
		out[o++] = '~';
		for (k = 15; k >= 0; k--)
			out[o++] = hexd[(h >> (k * 4)) & 15];
		*hashed = 1;
	}
	return o;
}

/* Builds "<phase>/blobs/<encoded>" into rel. */
static int blob_relpath(const char *phase, const char *name, size_t len, char *rel,
			size_t size, int *hashed)
{
	char enc[REL_MAX + SEG_MAX + 64];
	size_t o = 0, i = 0;
	int n;

	*hashed = 0;
	for (;;) {
		const char *slash = memchr(name + i, '/', len - i);
		size_t seglen = slash ? (size_t)(slash - (name + i)) : len - i;

		if (o > REL_MAX)
			break;
		o = encode_seg(enc, o, (const unsigned char *)name + i, seglen, hashed);
		enc[o++] = '.';
		enc[o++] = slash ? 'd' : 'b';
		if (!slash)
			break;
		enc[o++] = '/';
		i += seglen + 1;
	}
	if (o > REL_MAX) {
		uint64_t h1 = hash64(name, len, 1), h2 = hash64(name, len, 2);
		n = snprintf(enc, sizeof enc, "~long.d/%016llx%016llx.b", (unsigned long long)h1,
			     (unsigned long long)h2);
		if (n < 0)
			return -1;
		o = (size_t)n;
		*hashed = 1;
	}
	n = snprintf(rel, size, "%s/blobs/%.*s", phase, (int)o, enc);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Creates every directory of rel (relative to the root) except the last. */
static int blob_dirs(store *st, const char *rel, dbx_err *err)
{
	char path[PATH_MAX];
	size_t rootlen = strlen(st->root), i;

	if (!store_path(st, path, sizeof path, "%s", rel))
		return err_set(err, ERR_IO, st->root, "path too long");
	for (i = rootlen + 1; path[i]; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		if (ensure_dir(path, err))
			return -1;
		path[i] = '/';
	}
	return 0;
}

static int check_sidecar(const char *npath, const char *name, size_t len, int must_exist,
			 dbx_err *err)
{
	char *have;
	size_t hlen;
	struct stat sb;

	if (stat(npath, &sb) != 0) {
		if (!must_exist && errno == ENOENT)
			return 1;	/* new */
		return io_err(err, npath, "cannot read the blob's name");
	}
	if (read_file(npath, &have, &hlen, err))
		return -1;
	if (hlen != len || memcmp(have, name, len) != 0) {
		free(have);
		return err_set(err, ERR_IO, npath,
			       "blob name collision: two names map to this file (refusing)");
	}
	free(have);
	return 0;
}

int store_blob_write(store *st, const char *phase, const char *name, size_t name_len,
		     const void *data, size_t len, dbx_err *err)
{
	char rel[PATH_MAX], path[PATH_MAX], npath[PATH_MAX];
	int hashed, isnew;

	if (check_name("phase", phase, err))
		return -1;
	if (blob_relpath(phase, name, name_len, rel, sizeof rel, &hashed) ||
	    !store_path(st, path, sizeof path, "%s", rel) ||
	    snprintf(npath, sizeof npath, "%.*s.n", (int)(strlen(path) - 2), path) >=
		    (int)sizeof npath)
		return err_set(err, ERR_IO, st->root, "blob path too long");
	if (blob_dirs(st, rel, err))
		return -1;
	if (hashed) {
		isnew = check_sidecar(npath, name, name_len, 0, err);
		if (isnew < 0)
			return -1;
		if (isnew && write_atomic_opt(npath, name, name_len, !st->blob_nosync, err))
			return -1;
	}
	return write_atomic_opt(path, data, len, !st->blob_nosync, err);
}

void store_blob_defer_sync(store *st, int on)
{
	st->blob_nosync = on;
}

int store_sync(store *st, dbx_err *err)
{
	int fd, rc = 0;

	/* sync(2) would flush every file system on the machine and wait for
	 * other users' writes; syncfs() flushes only the one holding the
	 * session, and reports write-back errors (ENOSPC, EIO) there. */
	fd = open(st->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return io_err(err, st->root, "cannot open session directory");
	if (syncfs(fd))
		rc = io_err(err, st->root, "cannot sync session directory");
	close(fd);
	return rc;
}

int store_blob_read(store *st, const char *phase, const char *name, size_t name_len,
		    char **data, size_t *len, dbx_err *err)
{
	char rel[PATH_MAX], path[PATH_MAX], npath[PATH_MAX];
	int hashed;

	*data = NULL;
	*len = 0;
	if (check_name("phase", phase, err))
		return -1;
	if (blob_relpath(phase, name, name_len, rel, sizeof rel, &hashed) ||
	    !store_path(st, path, sizeof path, "%s", rel) ||
	    snprintf(npath, sizeof npath, "%.*s.n", (int)(strlen(path) - 2), path) >=
		    (int)sizeof npath)
		return err_set(err, ERR_IO, st->root, "blob path too long");
	if (hashed && check_sidecar(npath, name, name_len, 1, err))
		return -1;
	return read_file(path, data, len, err);
}
