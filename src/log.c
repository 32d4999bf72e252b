/* log: terminal messages, the session run log, and redaction.
 *
 * Every line goes through log_redact before it leaves the process, so a
 * secret registered once (token, client secret, secret value) never shows
 * up on stderr or in logs/run.log, whatever code formats it. A mutex keeps
 * lines whole when the fake workspace's server threads log. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "progress.h"

static enum log_level level = LOG_INFO;
static FILE *run_log;
static char **secrets;
static size_t nsecrets, capsecrets;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void log_set_level(enum log_level lvl) { level = lvl; }
enum log_level log_get_level(void) { return level; }

int log_is_tty(void)
{
	return level > LOG_QUIET && isatty(STDERR_FILENO);
}

int log_open_file(const char *path)
{
	int fd;
	FILE *f;

	log_close_file();
	if (!path)
		return 0;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "a");
	if (!f) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	pthread_mutex_lock(&lock);
	run_log = f;
	pthread_mutex_unlock(&lock);
	return 0;
}

void log_close_file(void)
{
	pthread_mutex_lock(&lock);
	if (run_log)
		fclose(run_log);
	run_log = NULL;
	pthread_mutex_unlock(&lock);
}

void log_add_secret(const char *s)
{
	size_t i;
	char *dup;

	/* Shorter strings are no real credential, and masking every "ab" in
	 * every message would make the logs useless. */
	if (!s || strlen(s) < LOG_SECRET_MIN)
		return;
	pthread_mutex_lock(&lock);
	for (i = 0; i < nsecrets; i++)
		if (strcmp(secrets[i], s) == 0)
			goto out;
	if (nsecrets == capsecrets) {
		size_t ncap = capsecrets ? capsecrets * 2 : 8;
		char **nv = realloc(secrets, ncap * sizeof *nv);
		if (!nv)
			goto out;
		secrets = nv;
		capsecrets = ncap;
	}
	dup = strdup(s);
	if (dup)
		secrets[nsecrets++] = dup;
out:
	pthread_mutex_unlock(&lock);
}

void log_forget_secrets(void)
{
	pthread_mutex_lock(&lock);
	while (nsecrets)
		free(secrets[--nsecrets]);
	free(secrets);
	secrets = NULL;
	capsecrets = 0;
	pthread_mutex_unlock(&lock);
}

/* Replaces s[at, at+n) by "****" (or n stars when n < 4, so the string
 * never grows and the edit stays in place). Returns the index after it. */
static size_t mask(char *s, size_t at, size_t n)
{
	size_t stars = n < 4 ? n : 4, tail = strlen(s + at + n);

	memset(s + at, '*', stars);
	memmove(s + at + stars, s + at + n, tail + 1);
	return at + stars;
}

static int tokchar(char c)
{
	return c && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '"' &&
	       c != '\'' && c != ',' && c != ';' && c != '&';
}

/* Masks the value that follows each occurrence of `label` (skipping
 * `skip` characters such as `":"` and blanks). */
static void mask_after(char *s, const char *label)
{
	size_t ll = strlen(label);
	char *p = s;

	while ((p = strstr(p, label)) != NULL) {
		size_t at = (size_t)(p - s) + ll, n = 0;

		while (s[at] == ' ' || s[at] == '"' || s[at] == ':' || s[at] == '=')
			at++;
		while (tokchar(s[at + n]))
			n++;
		if (n == 0 || (n == 4 && strncmp(s + at, "****", 4) == 0)) {
			p = s + at;
			continue;
		}
		p = s + mask(s, at, n);
	}
}

void log_redact(char *s)
{
	size_t i;

	if (!s)
		return;
	pthread_mutex_lock(&lock);
	for (i = 0; i < nsecrets; i++) {
		size_t n = strlen(secrets[i]);
		char *p = s;

		while ((p = strstr(p, secrets[i])) != NULL)
			p = s + mask(s, (size_t)(p - s), n);
	}
	pthread_mutex_unlock(&lock);
	mask_after(s, "Bearer ");
	mask_after(s, "\"access_token\"");
	mask_after(s, "access_token=");
	mask_after(s, "client_secret=");
	mask_after(s, "\"client_secret\"");
}

static const char *const level_name[] = { "error", "warning", "info", "verbose", "debug" };

static void emit(enum log_level lvl, int to_term, const char *fmt, va_list ap)
{
	char buf[8192];
	int file_too;

	vsnprintf(buf, sizeof buf, fmt, ap);
	log_redact(buf);
	if (lvl < LOG_ERROR)
		lvl = LOG_ERROR;
	pthread_mutex_lock(&lock);
	if (to_term && (lvl == LOG_ERROR || lvl <= level)) {
		progress_clear_line();
		if (lvl == LOG_ERROR || lvl == LOG_WARN)
			fprintf(stderr, "dbxmig: %s%s%s\n", lvl == LOG_WARN ? "warning: " : "", buf, "");
		else if (lvl == LOG_DEBUG)
			fprintf(stderr, "debug: %s\n", buf);
		else
			fprintf(stderr, "%s\n", buf);
	}
	file_too = run_log && (lvl <= LOG_VERBOSE || lvl <= level);
	if (file_too) {
		char ts[32];
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(run_log, "%s %s %s\n", ts, level_name[lvl], buf);
	}
	pthread_mutex_unlock(&lock);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(lvl, 1, fmt, ap);
	va_end(ap);
}

void log_file_only(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_INFO, 0, fmt, ap);
	va_end(ap);
}
