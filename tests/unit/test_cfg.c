/* Unit tests for cfg: the databrickscfg parser (go-ini semantics), host
 * normalisation, auth detection, malformed files with file:line messages,
 * and the DATABRICKS_* environment resolution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg.h"
#include "log.h"

static int parse(const char *text, const char *name, cfg_profile *p, dbx_err *err)
{
	return cfg_parse(text, strlen(text), "cfg", name, p, err);
}

static char *errs(const dbx_err *err)
{
	static char buf[2048];
	return (char *)err_str(err, buf, sizeof buf);
}

static void test_basic_profiles(void **state)
{
	const char *text =
		"; a comment\n"
		"# another\n"
		"[DEFAULT]\n"
		"host = https://adb-123.azuredatabricks.net/\n"
		"token = dapi-default\n"
		"\n"
		"  [oldWS]  \n"
		"  host=adb-9.azuredatabricks.net/?o=9   \n"
		"token : dapi-old ; trailing comment\n"
		"cluster_id = 0101-abc\n"
		"[m2m]\n"
		"host = http://127.0.0.1:8080\n"
		"client_id = \"abc\"\n"
		"client_secret = 's#cr;t'\n"
		"[oldWS]\n"
		"token = dapi-old2\n";
	cfg_profile p;
	dbx_err err;

	(void)state;
	assert_int_equal(parse(text, NULL, &p, &err), 0);
	assert_string_equal(p.name, "DEFAULT");
	assert_string_equal(p.host, "https://adb-123.azuredatabricks.net");
	assert_string_equal(p.token, "dapi-default");
	assert_int_equal(p.auth, AUTH_PAT);
	assert_int_equal(p.line, 3);
	cfg_profile_free(&p);

	/* repeated section merges, last token wins, path and query dropped */
	assert_int_equal(parse(text, "oldWS", &p, &err), 0);
	assert_string_equal(p.host, "https://adb-9.azuredatabricks.net");
	assert_string_equal(p.token, "dapi-old2");
	assert_int_equal(p.line, 7);
	cfg_profile_free(&p);

	assert_int_equal(parse(text, "m2m", &p, &err), 0);
	assert_string_equal(p.host, "http://127.0.0.1:8080");
	assert_int_equal(p.auth, AUTH_OAUTH_M2M);
	assert_string_equal(p.client_id, "abc");
	assert_string_equal(p.client_secret, "s#cr;t");
	assert_null(p.token);
	cfg_profile_free(&p);

	/* section names are case-sensitive */
	assert_int_equal(parse(text, "oldws", &p, &err), -1);
	assert_int_equal(err.cls, ERR_CONFIG);
	assert_string_equal(errs(&err), "no profile [oldws] in cfg (profiles: DEFAULT, oldWS, m2m)");
}

static void test_default_not_inherited(void **state)
{
	cfg_profile p;
	dbx_err err;

	(void)state;
	assert_int_equal(parse("[DEFAULT]\ntoken = t0\n[a]\nhost = https://a.net\n", "a", &p, &err),
			 -1);
	assert_string_equal(errs(&err),
			    "cfg:3: profile [a] has no credentials (token, or client_id and client_secret)");
	/* keys before any section are DEFAULT */
	assert_int_equal(parse("host = x.cloud.databricks.com\ntoken = t\n", NULL, &p, &err), 0);
	assert_string_equal(p.host, "https://x.cloud.databricks.com");
	cfg_profile_free(&p);
}

static void test_malformed(void **state)
{
	static const struct {
		const char *text, *name, *msg;
	} cases[] = {
		{ "[a]\nhost = https://a.net\n[oldWS]\n\n\n\ntoken = x\n", "oldWS",
		  "cfg:3: profile [oldWS] has no host" },
		{ "[a\nhost = x\n", "a", "cfg:1: unclosed section header '[a'" },
		{ "[]\n", "a", "cfg:1: empty section name" },
		{ "[a]\nhost\n", "a", "cfg:2: expected 'key = value' or '[section]', got 'host'" },
		/* go-ini splits at the first '=' or ':': this is key "host https" */
		{ "[a]\nhost https://a.net\ntoken = abcd\n", "a", "cfg:1: profile [a] has no host" },
		{ "[a]\n= x\n", "a", "cfg:2: empty key before '='" },
		{ "[a]\nhost = \"https://a.net\n", "a", "cfg:2: unclosed quote in value" },
		{ "[a]\nhost = http://a.example.com\ntoken = t\n", "a",
		  "cfg:2: profile [a]: host 'http://a.example.com' must use https:// (plain http is "
		  "allowed for loopback hosts only)" },
		{ "[a]\nhost = http://127.0.0.1.evil.com\ntoken = t\n", "a",
		  "cfg:2: profile [a]: host 'http://127.0.0.1.evil.com' must use https://" },
		{ "[a]\nhost = http://localhost.evil.com\ntoken = t\n", "a",
		  "must use https://" },
		{ "[a]\nhost = ftp://a.net\ntoken = t\n", "a", "unsupported scheme" },
		{ "[a]\nhost = https://u:p@a.net\ntoken = t\n", "a", "not a valid host name" },
		{ "[a]\nhost = https://\ntoken = t\n", "a", "has no host name" },
		{ "[a]\nhost = https://a.net\ntoken = t\nclient_id = c\nclient_secret = s\n", "a",
		  "cfg:1: profile [a] has both a token and client_id/client_secret" },
		{ "[a]\nhost = https://a.net\nclient_id = c\n", "a",
		  "cfg:1: profile [a] has client_id but no client_secret" },
		{ "[a]\nhost = https://a.net\ntoken = t\nauth_type = azure-cli\n", "a",
		  "auth_type 'azure-cli' is not supported (pat, oauth-m2m)" },
		{ "[a]\nhost = https://a.net\nclient_id = c\nauth_type = pat\n", "a",
		  "auth_type = pat but no token" },
		{ "[a]\nhost = https://a.net\nHost = https://b.net\ntoken =\n", "a",
		  "no credentials" },
		{ "", "x", "no profile [x] in cfg (profiles: none)" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cfg_profile p;
		dbx_err err;
		int rc = parse(cases[i].text, cases[i].name, &p, &err);
		if (rc != -1 || !strstr(errs(&err), cases[i].msg))
			fail_msg("case %zu: rc %d, got '%s', want '%s'", i, rc,
				 rc ? errs(&err) : "", cases[i].msg);
		assert_int_equal(err_exit_code(&err), 2);
	}
	{	/* a NUL byte */
		cfg_profile p;
		dbx_err err;
		assert_int_equal(cfg_parse("[a]\nho\0st = x\n", 14, "cfg", "a", &p, &err), -1);
		assert_string_equal(errs(&err), "cfg:2: NUL byte in the file");
	}
}

static void test_auth_type(void **state)
{
	cfg_profile p;
	dbx_err err;

	(void)state;
	assert_int_equal(parse("[a]\nhost = https://a.net\ntoken = t\nclient_id = c\nclient_secret = s\n"
			       "auth_type = oauth-m2m\n", "a", &p, &err), 0);
	assert_int_equal(p.auth, AUTH_OAUTH_M2M);
	cfg_profile_free(&p);
	assert_int_equal(parse("[a]\nhost = [::1]\ntoken = t\n", "a", &p, &err), 0);
	assert_string_equal(p.host, "https://[::1]");
	cfg_profile_free(&p);
	assert_int_equal(parse("[a]\nhost = http://[::1]:99/x\ntoken = t\n", "a", &p, &err), 0);
	assert_string_equal(p.host, "http://[::1]:99");
	cfg_profile_free(&p);
}

static void test_loopback(void **state)
{
	(void)state;
	assert_true(cfg_host_is_loopback("http://127.0.0.1:8080"));
	assert_true(cfg_host_is_loopback("http://127.1.2.3"));
	assert_true(cfg_host_is_loopback("http://localhost:1"));
	assert_true(cfg_host_is_loopback("http://[::1]:1"));
	assert_false(cfg_host_is_loopback("http://127.0.0.1.nip.io"));
	assert_false(cfg_host_is_loopback("http://127.0.0.256"));
	assert_false(cfg_host_is_loopback("http://128.0.0.1"));
	assert_false(cfg_host_is_loopback("http://localhostx"));
	assert_false(cfg_host_is_loopback("http://[::2]"));
	assert_false(cfg_host_is_loopback(NULL));
}

static void test_secrets_redacted(void **state)
{
	cfg_profile p;
	dbx_err err;
	char line[128];

	(void)state;
	assert_int_equal(parse("[a]\nhost = https://a.net\nclient_id = c\nclient_secret = zz-secret-99\n",
			       "a", &p, &err), 0);
	snprintf(line, sizeof line, "secret is %s.", p.client_secret);
	log_redact(line);
	assert_string_equal(line, "secret is ****.");
	cfg_profile_free(&p);
}

static void test_env(void **state)
{
	char dir[] = "/tmp/dbx-cfg-XXXXXX", path[128];
	cfg_profile p;
	dbx_err err;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/cfg", dir);
	f = fopen(path, "w");
	fputs("[DEFAULT]\nhost = https://d.net\ntoken = td\n[src]\nhost = https://s.net\ntoken = ts\n",
	      f);
	fclose(f);
	unsetenv("DATABRICKS_CONFIG_PROFILE");
	unsetenv("DATABRICKS_HOST");
	unsetenv("DATABRICKS_TOKEN");
	unsetenv("DATABRICKS_CLIENT_ID");
	unsetenv("DATABRICKS_CLIENT_SECRET");
	unsetenv("DATABRICKS_AUTH_TYPE");
	setenv("DATABRICKS_CONFIG_FILE", path, 1);

	assert_int_equal(cfg_load_profile(NULL, &p, &err), 0);
	assert_string_equal(p.name, "DEFAULT");
	assert_string_equal(p.source, path);
	cfg_profile_free(&p);

	setenv("DATABRICKS_CONFIG_PROFILE", "src", 1);
	assert_int_equal(cfg_load_profile(NULL, &p, &err), 0);
	assert_string_equal(p.host, "https://s.net");
	cfg_profile_free(&p);
	unsetenv("DATABRICKS_CONFIG_PROFILE");

	/* no profile named + DATABRICKS_HOST: the environment */
	setenv("DATABRICKS_HOST", "e.net", 1);
	setenv("DATABRICKS_TOKEN", "te", 1);
	assert_int_equal(cfg_load_profile(NULL, &p, &err), 0);
	assert_string_equal(p.name, "environment");
	assert_string_equal(p.host, "https://e.net");
	assert_string_equal(p.token, "te");
	cfg_profile_free(&p);
	/* a named profile wins over the environment */
	assert_int_equal(cfg_load_profile("src", &p, &err), 0);
	assert_string_equal(p.token, "ts");
	cfg_profile_free(&p);
	unsetenv("DATABRICKS_TOKEN");
	assert_int_equal(cfg_load_profile(NULL, &p, &err), -1);
	assert_non_null(strstr(errs(&err), "profile [environment] has no credentials"));
	unsetenv("DATABRICKS_HOST");

	assert_int_equal(cfg_load_profile("nope", &p, &err), -1);
	assert_non_null(strstr(errs(&err), "(profiles: DEFAULT, src)"));

	setenv("DATABRICKS_CONFIG_FILE", "/nonexistent/dbx/cfg", 1);
	assert_int_equal(cfg_load_profile(NULL, &p, &err), -1);
	assert_non_null(strstr(errs(&err), "/nonexistent/dbx/cfg: cannot read"));
	unsetenv("DATABRICKS_CONFIG_FILE");
	unlink(path);
	rmdir(dir);
}

/* Robustness: thousands of mutated files (fixed seed, so a failure is
 * reproducible) must each give a profile or a clear error, never a crash
 * (under `make check` ASan/UBSan watch every byte). */
static void test_mutations(void **state)
{
	static const char base[] =
		"; comment\n[DEFAULT]\nhost = https://a.net/\ntoken = dapi123456\n"
		"[m]\nhost: http://127.0.0.1:80\nclient_id = \"c\"\nclient_secret = 'x;y'\n"
		"auth_type = oauth-m2m\n";
	static const char alphabet[] = "[]=:;#\"'` \t\n\r\0ahtps/.:1";
	uint64_t rng = 42;
	char buf[sizeof base + 64];
	int i, ok = 0;

	(void)state;
	for (i = 0; i < 5000; i++) {
		size_t len = sizeof base - 1, k, edits;
		cfg_profile p;
		dbx_err err;
		int rc;

		memcpy(buf, base, len);
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		edits = 1 + rng % 4;
		for (k = 0; k < edits; k++) {
			size_t at;
			if (len == 0)
				break;
			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			at = (size_t)(rng >> 8) % len;
			switch (rng % 4) {
			case 0:	/* replace */
				buf[at] = alphabet[(rng >> 32) % (sizeof alphabet - 1)];
				break;
			case 1:	/* delete */
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				break;
			case 2:	/* insert */
				if (len + 1 < sizeof buf) {
					memmove(buf + at + 1, buf + at, len - at);
					buf[at] = alphabet[(rng >> 32) % (sizeof alphabet - 1)];
					len++;
				}
				break;
			default:	/* truncate */
				len = at + 1;
			}
		}
		rc = cfg_parse(buf, len, "cfg", (rng >> 20) & 1 ? "m" : NULL, &p, &err);
		if (rc == 0) {
			assert_true(strncmp(p.host, "https://", 8) == 0 ||
				    (strncmp(p.host, "http://", 7) == 0 && cfg_host_is_loopback(p.host)));
			assert_true(p.auth == AUTH_PAT || p.auth == AUTH_OAUTH_M2M);
			cfg_profile_free(&p);
			ok++;
		} else {
			assert_int_equal(rc, -1);
			assert_int_equal(err.cls, ERR_CONFIG);
			assert_true(err.msg[0] != '\0');
		}
	}
	assert_true(ok > 0);	/* the mutations did not all break the file */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_profiles),
		cmocka_unit_test(test_default_not_inherited),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_auth_type),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_secrets_redacted),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_mutations),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests_name("cfg", tests, NULL, NULL);
}
