/* cfg: ~/.databrickscfg profiles and DATABRICKS_* variables -> cfg_profile.
 *
 * The file is read with the semantics of go-ini, the parser the Databricks
 * CLI uses: "[name]" sections (names case-sensitive, a repeated section
 * merges), "key = value" or "key: value", keys case-sensitive, a repeated
 * key's last value wins, ';' and '#' start a comment at line start and cut
 * an unquoted value, values may be quoted, keys before any section belong
 * to DEFAULT, and DEFAULT is not inherited by other profiles. Every
 * complaint names file:line. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cfg.h"
#include "log.h"
#include "store.h"

enum { K_HOST, K_TOKEN, K_CLIENT_ID, K_CLIENT_SECRET, K_AUTH_TYPE, K_N };
static const char *const known_keys[K_N] = { "host", "token", "client_id", "client_secret",
					     "auth_type" };

typedef struct parsed {
	char *val[K_N];
	int line[K_N];
	int section_line;	/* 0: the section was not found */
	char names[1024];	/* "a, b, c" for the "no profile" message */
	size_t nnames;
} parsed;

static void parsed_free(parsed *ps)
{
	int k;
	for (k = 0; k < K_N; k++)
		free(ps->val[k]);
}

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static void trim(const char **b, const char **e)
{
	while (*b < *e && isspace((unsigned char)**b))
		(*b)++;
	while (*e > *b && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

static void add_name(parsed *ps, const char *s, size_t n)
{
	size_t len = strlen(ps->names);
	char needle[300];

	/* A repeated section is one profile: list it once. */
	if (n < 250) {
		snprintf(needle, sizeof needle, ", %.*s, ", (int)n, s);
		{
			char hay[sizeof ps->names + 4];
			snprintf(hay, sizeof hay, ", %s, ", ps->names);
			if (strstr(hay, needle))
				return;
		}
	}
	if (len + n + 8 >= sizeof ps->names) {
		if (!strstr(ps->names, "..."))
			snprintf(ps->names + len, sizeof ps->names - len, ", ...");
		return;
	}
	snprintf(ps->names + len, sizeof ps->names - len, "%s%.*s", len ? ", " : "", (int)n, s);
	ps->nnames++;
}

/* Parses the whole text, keeping the keys of section `want`. */
static int parse_ini(const char *text, size_t len, const char *origin, const char *want,
		     parsed *ps, dbx_err *err)
{
	const char *p = text, *end = text + len;
	char where[600];
	int line = 0, in_want = strcmp(want, "DEFAULT") == 0, saw_default = 0;

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *b = p, *e = nl ? nl : end;

		line++;
		p = nl ? nl + 1 : end;
		snprintf(where, sizeof where, "%s:%d", origin, line);
		if (memchr(b, '\0', (size_t)(e - b)))
			return err_set(err, ERR_CONFIG, where, "NUL byte in the file");
		trim(&b, &e);
		if (b == e || *b == ';' || *b == '#')
			continue;
		if (*b == '[') {
			const char *close = memchr(b, ']', (size_t)(e - b));
			const char *nb = b + 1, *ne;
			if (!close)
				return err_set(err, ERR_CONFIG, where, "unclosed section header '%.*s'",
					       (int)(e - b > 80 ? 80 : e - b), b);
			ne = close;
			trim(&nb, &ne);
			if (nb == ne)
				return err_set(err, ERR_CONFIG, where, "empty section name");
			if (close + 1 < e && close[1] != ' ' && close[1] != '\t' &&
			    close[1] != ';' && close[1] != '#')
				return err_set(err, ERR_CONFIG, where,
					       "unexpected text after the section header");
			in_want = strlen(want) == (size_t)(ne - nb) &&
				  memcmp(want, nb, (size_t)(ne - nb)) == 0;
			if ((size_t)(ne - nb) == 7 && memcmp(nb, "DEFAULT", 7) == 0)
				saw_default = 1;
			if (in_want && !ps->section_line)
				ps->section_line = line;
			add_name(ps, nb, (size_t)(ne - nb));
			continue;
		}
		{
			const char *sep = b, *kb = b, *ke, *vb, *ve;
			int k;

			while (sep < e && *sep != '=' && *sep != ':')
				sep++;
			if (sep == e)
				return err_set(err, ERR_CONFIG, where,
					       "expected 'key = value' or '[section]', got '%.*s'",
					       (int)(e - b > 40 ? 40 : e - b), b);
			ke = sep;
			trim(&kb, &ke);
			if (kb == ke)
				return err_set(err, ERR_CONFIG, where, "empty key before '%c'", *sep);
			vb = sep + 1;
			ve = e;
			trim(&vb, &ve);
			if (vb < ve && (*vb == '"' || *vb == '\'' || *vb == '`')) {
				const char *q = memchr(vb + 1, *vb, (size_t)(ve - vb - 1));
				if (!q)
					return err_set(err, ERR_CONFIG, where, "unclosed quote in value");
				vb++;
				ve = q;
			} else {
				const char *c = vb;
				while (c < ve && *c != '#' && *c != ';')
					c++;
				ve = c;
				trim(&vb, &ve);
			}
			if (!ps->section_line && !saw_default && strcmp(want, "DEFAULT") == 0)
				ps->section_line = line;	/* keys before any section */
			if (!in_want)
				continue;
			for (k = 0; k < K_N; k++) {
				if (strlen(known_keys[k]) != (size_t)(ke - kb))
					continue;
				if (memcmp(known_keys[k], kb, (size_t)(ke - kb)) == 0) {
					free(ps->val[k]);
					ps->val[k] = dupn(vb, (size_t)(ve - vb));
					if (!ps->val[k])
						return err_set(err, ERR_CONFIG, where, "out of memory");
					ps->line[k] = line;
					if (k == K_TOKEN || k == K_CLIENT_SECRET)
						log_add_secret(ps->val[k]);
					break;
				}
				if (strncasecmp(known_keys[k], kb, (size_t)(ke - kb)) == 0) {
					log_warn("%s: key '%.*s' ignored: keys are case-sensitive "
						 "(did you mean '%s'?)", where, (int)(ke - kb), kb,
						 known_keys[k]);
					break;
				}
			}
		}
	}
	if (!ps->section_line && strcmp(want, "DEFAULT") == 0 && ps->nnames == 0 &&
	    (ps->val[K_HOST] || ps->val[K_TOKEN]))
		ps->section_line = 1;
	return 0;
}

int cfg_host_is_loopback(const char *host)
{
	const char *h, *e;
	size_t n;

	if (!host)
		return 0;
	if (strncasecmp(host, "http://", 7) == 0)
		h = host + 7;
	else if (strncasecmp(host, "https://", 8) == 0)
		h = host + 8;
	else
		h = host;
	if (*h == '[') {
		e = strchr(h, ']');
		return e && (size_t)(e - h) == 4 && memcmp(h, "[::1", 4) == 0;
	}
	e = h + strcspn(h, ":/?#");
	n = (size_t)(e - h);
	if (n == 9 && strncasecmp(h, "localhost", 9) == 0)
		return 1;
	if (n >= 7 && strncmp(h, "127.", 4) == 0) {
		/* 127.a.b.c, each a number 0..255 */
		const char *q = h + 4;
		int parts = 1;
		while (q < e) {
			int v = 0, digits = 0;
			while (q < e && isdigit((unsigned char)*q) && digits < 4) {
				v = v * 10 + (*q - '0');
				q++;
				digits++;
			}
			if (!digits || v > 255)
				return 0;
			parts++;
			if (q < e && *q++ != '.')
				return 0;
		}
		return parts == 4 && e[-1] != '.';
	}
	return 0;
}

/* host -> "scheme://host[:port]": adds https:// when no scheme is given,
 * drops any path, query and trailing slash. Plain http only on loopback. */
static int normalise_host(const char *in, const char *where, const char *profile, char **out,
			  dbx_err *err)
{
	const char *scheme = "https", *h = in, *e;
	char buf[1024];
	size_t i;

	if (strncasecmp(in, "https://", 8) == 0)
		h = in + 8;
	else if (strncasecmp(in, "http://", 7) == 0) {
		scheme = "http";
		h = in + 7;
	} else if (strstr(in, "://"))
		return err_set(err, ERR_CONFIG, where,
			       "profile [%s]: host '%s' has an unsupported scheme (use https://)",
			       profile, in);
	e = h + strcspn(h, "/?#");
	if (e == h)
		return err_set(err, ERR_CONFIG, where, "profile [%s]: host '%s' has no host name",
			       profile, in);
	for (i = 0; h + i < e; i++)
		if (isspace((unsigned char)h[i]) || h[i] == '@' || (unsigned char)h[i] < 0x20)
			return err_set(err, ERR_CONFIG, where,
				       "profile [%s]: host '%s' is not a valid host name", profile, in);
	if (snprintf(buf, sizeof buf, "%s://%.*s", scheme, (int)(e - h), h) >= (int)sizeof buf)
		return err_set(err, ERR_CONFIG, where, "profile [%s]: host too long", profile);
	if (strcmp(scheme, "http") == 0 && !cfg_host_is_loopback(buf))
		return err_set(err, ERR_CONFIG, where,
			       "profile [%s]: host '%s' must use https:// (plain http is allowed "
			       "for loopback hosts only)", profile, in);
	*out = strdup(buf);
	return *out ? 0 : err_set(err, ERR_CONFIG, where, "out of memory");
}

void cfg_profile_free(cfg_profile *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->source);
	free(p->host);
	free(p->token);
	free(p->client_id);
	free(p->client_secret);
	free(p->auth_type);
	memset(p, 0, sizeof *p);
}

static char *take(char **v)
{
	char *s = *v;
	*v = NULL;
	if (s && !*s) {	/* "token =" is no token */
		free(s);
		s = NULL;
	}
	return s;
}

/* Checks and moves vals into out; `where_of(k)` names the line. */
static int finish(cfg_profile *out, const char *name, const char *source, int line,
		  char *vals[K_N], const int lines[K_N], dbx_err *err)
{
	char where[600], hwhere[600];
	char *host = take(&vals[K_HOST]);
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (line)
		snprintf(where, sizeof where, "%s:%d", source, line);
	else
		snprintf(where, sizeof where, "%s", source);
	if (lines[K_HOST])
		snprintf(hwhere, sizeof hwhere, "%s:%d", source, lines[K_HOST]);
	else
		snprintf(hwhere, sizeof hwhere, "%s", where);
	out->name = strdup(name);
	out->source = strdup(source);
	out->line = line;
	out->token = take(&vals[K_TOKEN]);
	out->client_id = take(&vals[K_CLIENT_ID]);
	out->client_secret = take(&vals[K_CLIENT_SECRET]);
	out->auth_type = take(&vals[K_AUTH_TYPE]);
	if (!out->name || !out->source) {
		err_set(err, ERR_CONFIG, where, "out of memory");
		goto out;
	}
	if (!host) {
		err_set(err, ERR_CONFIG, where, "profile [%s] has no host", name);
		goto out;
	}
	if (normalise_host(host, hwhere, name, &out->host, err))
		goto out;
	if (out->auth_type) {
		if (strcmp(out->auth_type, "pat") == 0) {
			if (!out->token) {
				err_set(err, ERR_CONFIG, where,
					"profile [%s]: auth_type = pat but no token", name);
				goto out;
			}
			out->auth = AUTH_PAT;
		} else if (strcmp(out->auth_type, "oauth-m2m") == 0) {
			if (!out->client_id || !out->client_secret) {
				err_set(err, ERR_CONFIG, where,
					"profile [%s]: auth_type = oauth-m2m needs client_id and "
					"client_secret", name);
				goto out;
			}
			out->auth = AUTH_OAUTH_M2M;
		} else {
			err_set(err, ERR_CONFIG, where,
				"profile [%s]: auth_type '%s' is not supported (pat, oauth-m2m)",
				name, out->auth_type);
			goto out;
		}
	} else if (out->token && (out->client_id || out->client_secret)) {
		err_set(err, ERR_CONFIG, where,
			"profile [%s] has both a token and client_id/client_secret: set "
			"auth_type = pat or auth_type = oauth-m2m", name);
		goto out;
	} else if (out->token) {
		out->auth = AUTH_PAT;
	} else if (out->client_id && out->client_secret) {
		out->auth = AUTH_OAUTH_M2M;
	} else if (out->client_id || out->client_secret) {
		err_set(err, ERR_CONFIG, where, "profile [%s] has %s but no %s", name,
			out->client_id ? "client_id" : "client_secret",
			out->client_id ? "client_secret" : "client_id");
		goto out;
	} else {
		err_set(err, ERR_CONFIG, where,
			"profile [%s] has no credentials (token, or client_id and client_secret)",
			name);
		goto out;
	}
	rc = 0;
out:
	free(host);
	if (rc)
		cfg_profile_free(out);
	return rc;
}

int cfg_parse(const char *text, size_t len, const char *origin, const char *name,
	      cfg_profile *out, dbx_err *err)
{
	parsed ps;
	int rc = -1;

	memset(&ps, 0, sizeof ps);
	memset(out, 0, sizeof *out);
	if (!name || !*name)
		name = "DEFAULT";
	if (parse_ini(text, len, origin, name, &ps, err))
		goto out;
	if (!ps.section_line) {
		err_set(err, ERR_CONFIG, NULL, "no profile [%s] in %s (profiles: %s)", name, origin,
			ps.nnames ? ps.names : "none");
		goto out;
	}
	rc = finish(out, name, origin, ps.section_line, ps.val, ps.line, err);
out:
	parsed_free(&ps);
	return rc;
}

/* A databrickscfg is a few profiles: a file above this is a mistake (a
 * wrong path, a device), refused before it is read when stat can tell. */
#define CFG_MAX_BYTES (16u << 20)

int cfg_load_profile_file(const char *path, const char *name, cfg_profile *out, dbx_err *err)
{
	struct stat sb;
	char *buf;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && (uintmax_t)sb.st_size > CFG_MAX_BYTES)
		goto too_large;
	buf = store_slurp(path, &len);
	if (!buf)
		return err_set(err, ERR_CONFIG, path, "cannot read the configuration file: %s",
			       strerror(errno));
	if (len > CFG_MAX_BYTES) {	/* not a regular file, or it grew */
		free(buf);
		goto too_large;
	}
	rc = cfg_parse(buf, len, path, name, out, err);
	free(buf);
	return rc;
too_large:
	return err_set(err, ERR_CONFIG, path, "file too large (more than %u MiB)", CFG_MAX_BYTES >> 20);
}

static char *env_dup(const char *var)
{
	const char *v = getenv(var);
	return v && *v ? strdup(v) : NULL;
}

int cfg_load_profile(const char *name, cfg_profile *out, dbx_err *err)
{
	const char *file = getenv("DATABRICKS_CONFIG_FILE");
	char path[4096];

	memset(out, 0, sizeof *out);
	if (!name || !*name) {
		const char *envp = getenv("DATABRICKS_CONFIG_PROFILE");
		if (envp && *envp) {
			name = envp;
		} else if (getenv("DATABRICKS_HOST") && *getenv("DATABRICKS_HOST")) {
			char *vals[K_N];
			int lines[K_N] = { 0 };
			vals[K_HOST] = env_dup("DATABRICKS_HOST");
			vals[K_TOKEN] = env_dup("DATABRICKS_TOKEN");
			vals[K_CLIENT_ID] = env_dup("DATABRICKS_CLIENT_ID");
			vals[K_CLIENT_SECRET] = env_dup("DATABRICKS_CLIENT_SECRET");
			vals[K_AUTH_TYPE] = env_dup("DATABRICKS_AUTH_TYPE");
			log_add_secret(vals[K_TOKEN]);
			log_add_secret(vals[K_CLIENT_SECRET]);
			return finish(out, "environment", "environment (DATABRICKS_HOST)", 0, vals,
				      lines, err);
		}
	}
	if (file && *file) {
		if (file[0] == '~' && (file[1] == '/' || !file[1])) {
			const char *home = getenv("HOME");
			if (!home)
				return err_set(err, ERR_CONFIG, NULL,
					       "DATABRICKS_CONFIG_FILE starts with ~ but HOME is unset");
			snprintf(path, sizeof path, "%s%s", home, file + 1);
		} else {
			snprintf(path, sizeof path, "%s", file);
		}
	} else {
		const char *home = getenv("HOME");
		if (!home || !*home)
			return err_set(err, ERR_CONFIG, NULL,
				       "HOME is unset: name the file with DATABRICKS_CONFIG_FILE");
		snprintf(path, sizeof path, "%s/.databrickscfg", home);
	}
	return cfg_load_profile_file(path, name, out, err);
}
