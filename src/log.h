/* log: messages to the terminal and to the session's run log.
 *
 * Verbosity is global (set once from -q/-v/--debug). Every line that reaches
 * stderr or the run log goes through log_redact first, so a token, client
 * secret or secret value registered with log_add_secret never appears. */
#ifndef DBX_LOG_H
#define DBX_LOG_H

#include <stdio.h>

enum log_level { LOG_QUIET = -1, LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_VERBOSE, LOG_DEBUG };

void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
/* Also append every message (any level >= INFO, and all at DEBUG) to PATH
 * (0600); NULL closes it. Returns 0 or -1 with errno. */
int log_open_file(const char *path);
void log_close_file(void);
/* Registers a string that must never be printed or logged (copied).
 * Strings shorter than LOG_SECRET_MIN bytes are ignored. */
#define LOG_SECRET_MIN 4
void log_add_secret(const char *s);
/* Forgets every registered secret. For a process that parses many
 * unrelated configurations (the fuzz_cfg harness: millions of tokens would
 * make each log_add_secret and log_redact slower and slower), never for a
 * run, whose secrets stay registered until exit. */
void log_forget_secrets(void);
/* Replaces every registered secret, and any "Bearer xxx" or
 * "access_token":"xxx", in s (in place) by "****". */
void log_redact(char *s);

/* Prints at lvl (errors always, even with -q) and appends to the run log. */
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends to the run log only (nothing on the terminal): used for what was
 * already shown another way, e.g. err_print's line or the progress summary. */
void log_file_only(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* 1 when stderr is a terminal and the level is not quiet (progress display). */
int log_is_tty(void);
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_verbose(...) log_msg(LOG_VERBOSE, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
