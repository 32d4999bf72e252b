/* cfg: workspace profiles from a ~/.databrickscfg-format file and the
 * DATABRICKS_* environment, resolved the way the Databricks CLI does.
 *
 * Resolution (cfg_load_profile): the file is DATABRICKS_CONFIG_FILE or
 * ~/.databrickscfg; the profile is the name given, else
 * DATABRICKS_CONFIG_PROFILE, else DEFAULT. When no profile is named and
 * DATABRICKS_HOST is set, the environment (DATABRICKS_HOST, _TOKEN,
 * _CLIENT_ID, _CLIENT_SECRET) is used. Errors name file and line:
 * "/home/a/.databrickscfg:7: profile [oldWS] has no host". */
#ifndef DBX_CFG_H
#define DBX_CFG_H

#include "err.h"

enum cfg_auth { AUTH_NONE = 0, AUTH_PAT, AUTH_OAUTH_M2M };

typedef struct cfg_profile {
	char *name;		/* profile name, or "environment" */
	char *source;		/* file path (or "environment") for messages */
	int line;		/* line of the [section] header, 0 for env */
	char *host;		/* normalised: scheme://host[:port], no trailing slash */
	char *token;		/* PAT, or NULL */
	char *client_id;	/* OAuth M2M, or NULL */
	char *client_secret;
	char *auth_type;	/* as written, or NULL */
	enum cfg_auth auth;
} cfg_profile;

/* Loads profile `name` (NULL: default rules above) into *out, which the
 * caller frees with cfg_profile_free. Checks the host scheme (https, or
 * http for loopback only) and that exactly one usable credential exists.
 * Registers token and client secret with log_add_secret. */
int cfg_load_profile(const char *name, cfg_profile *out, dbx_err *err);
/* Same, from an explicit file path (tests, fuzzing). */
int cfg_load_profile_file(const char *path, const char *name, cfg_profile *out, dbx_err *err);
/* Parses INI text; `origin` names it in messages. */
int cfg_parse(const char *text, size_t len, const char *origin, const char *name,
	      cfg_profile *out, dbx_err *err);
void cfg_profile_free(cfg_profile *p);
/* 1 when host is http(s)://127.x.x.x, localhost or [::1]. */
int cfg_host_is_loopback(const char *host);

#endif
