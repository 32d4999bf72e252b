/* migrate: runs the four phases on one session (see migrate.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "export.h"
#include "import.h"
#include "log.h"
#include "migrate.h"
#include "transform.h"
#include "validate.h"

/* Exit 2 and 3 stop the run; 1 is remembered. */
static int hard(int rc)
{
	return rc >= 2;
}

static void banner(const char *phase)
{
	printf("== %s\n", phase);
	fflush(stdout);
}

/* transform has no options struct: it is driven through its command line.
 * `check` lints mapped/ instead of transforming. */
static int run_transform(const migrate_opts *o, const char *dir, int check)
{
	int n = 0, rc;
	size_t max = 8 + 2 * (size_t)o->nrules + 2 * (size_t)o->nvars;
	char **argv = calloc(max + 1, sizeof *argv);
	if (!argv) {
		log_error("migrate: out of memory");
		return 2;
	}
	argv[n++] = "transform";
	argv[n++] = "--dir";
	argv[n++] = (char *)dir;
	argv[n++] = "--session";
	argv[n++] = (char *)o->session;
	for (int i = 0; i < o->nrules; i++) {
		argv[n++] = "--rules";
		argv[n++] = (char *)o->rules[i];
	}
	for (int i = 0; i < o->nvars; i++) {
		argv[n++] = "--var";
		argv[n++] = (char *)o->vars[i];
	}
	if (check)
		argv[n++] = "--check";
	argv[n] = NULL;
	rc = cmd_transform(n, argv);
	free(argv);
	return rc;
}

int migrate_run(const migrate_opts *o)
{
	const char *dir = o->dir ? o->dir : "./migration";
	int rc, worst = 0;

	banner("export");
	export_opts eo = { .dir = dir, .session = o->session, .profile = o->from, .cloud = o->cloud,
			   .only = o->only, .skip = o->skip, .parallel = o->parallel,
			   .rate_limit = o->rate_limit, .refresh = o->refresh,
			   .warehouse_id = o->warehouse_id };
	rc = export_run(&eo);
	if (hard(rc))
		goto stop;
	worst = rc > worst ? rc : worst;

	banner("transform");
	rc = run_transform(o, dir, 0);
	if (hard(rc))
		goto stop;
	worst = rc > worst ? rc : worst;

	banner("lint");
	rc = run_transform(o, dir, 1);
	if (hard(rc))
		goto stop;
	/* a finding is a follow-up, like a rule warning: what the target
	 * rejects fails at import, what it accepts is checked by validate */
	if (rc)
		log_warn("migrate: the mapped objects have lint findings (%s/%s/mapped/lint.txt): "
			 "review them; importing", dir, o->session);
	else
		printf("no lint finding\n");

	banner("import");
	import_opts io = { .dir = dir, .session = o->session, .profile = o->to, .only = o->only,
			   .skip = o->skip, .parallel = o->parallel, .rate_limit = o->rate_limit,
			   .secrets_file = o->secrets_file,
			   .skip_missing_principals = o->skip_missing_principals,
			   .warehouse_id = o->target_warehouse_id };
	rc = import_run(&io);
	if (hard(rc))
		goto stop;
	worst = rc > worst ? rc : worst;

	banner("validate");
	validate_opts vo = { .dir = dir, .session = o->session, .profile = o->to, .json = o->json,
			     .only = o->only, .skip = o->skip, .parallel = o->parallel,
			     .rate_limit = o->rate_limit, .warehouse_id = o->target_warehouse_id };
	rc = validate_run(&vo);
	if (hard(rc))
		goto stop;
	worst = rc > worst ? rc : worst;
	printf("== migrate: %s (session %s/%s; `dbxmig status --session %s` for the counts)\n",
	       worst ? "finished with failures or differences, see logs/" : "done", dir, o->session,
	       o->session);
	return worst;
stop:
	log_error("migrate: stopped (exit %d); fix the cause and run the same command again: "
		  "finished work is kept", rc);
	return rc;
}

int cmd_migrate(int argc, char **argv)
{
	migrate_opts o = { .rate_limit = -1 };
	cli_strv rules = { 0 }, vars = { 0 };
	dbx_err err = { 0 };
	int rc = 2;
	static const cli_cmd cmd = {
		"migrate",
		"--from SRC --to DST --session S --rules FILE.. [--var KEY=VALUE ..] [--cloud C] "
		"[--only K,..] [--skip K,..] [--parallel N] [--secrets-file FILE] "
		"[--warehouse-id ID [--target-warehouse-id ID]] [--refresh]",
		"export, transform, import and validate in one run",
	};
	const cli_opt opts[] = {
		{ "--dir", 0, CLI_STR, &o.dir, "DIR", "session directory (default ./migration)" },
		{ "--session", 0, CLI_STR, &o.session, "ID", "the migration session" },
		{ "--from", 0, CLI_STR, &o.from, "SRC", "source workspace profile" },
		{ "--to", 0, CLI_STR, &o.to, "DST", "target workspace profile" },
		{ "--cloud", 0, CLI_STR, &o.cloud, "CLOUD", "source cloud when the host does not tell" },
		{ "--rules", 0, CLI_LIST, &rules, "FILE", "rule file (repeatable, applied in order)" },
		{ "--var", 0, CLI_LIST, &vars, "KEY=VALUE", "rule variable (repeatable)" },
		{ "--only", 0, CLI_STR, &o.only, "K,..", "migrate only these kinds" },
		{ "--skip", 0, CLI_STR, &o.skip, "K,..", "do not migrate these kinds" },
		{ "--parallel", 0, CLI_INT, &o.parallel, "N", "requests in flight per workspace" },
		{ "--rate-limit", 0, CLI_DOUBLE, &o.rate_limit, "RPS", "requests per second, 0 = unlimited" },
		{ "--secrets-file", 0, CLI_STR, &o.secrets_file, "FILE",
		  "secret values: JSON {scope: {key: value}}, mode 0600" },
		{ "--skip-missing-principals", 0, CLI_FLAG, &o.skip_missing_principals, NULL,
		  "drop (and report) ACL entries naming principals absent from the target" },
		{ "--json", 0, CLI_STR, &o.json, "FILE", "write the validation report as JSON" },
		{ "--refresh", 0, CLI_FLAG, &o.refresh, NULL,
		  "re-read the source first (export --refresh): carry over what changed since" },
		{ "--warehouse-id", 0, CLI_STR, &o.warehouse_id, "ID",
		  "source SQL warehouse that reads the Hive metastore (hive_metastore)" },
		{ "--target-warehouse-id", 0, CLI_STR, &o.target_warehouse_id, "ID",
		  "target SQL warehouse that writes it (default: the source one's counterpart)" },
		{ 0 },
	};
	int r = cli_parse(&cmd, opts, argc, argv, NULL, &err);
	if (r == 1) {
		rc = 0;
		goto out;
	}
	if (r < 0 || cli_require(&cmd, o.session, "--session", &err) < 0 ||
	    cli_require(&cmd, o.from, "--from", &err) < 0 || cli_require(&cmd, o.to, "--to", &err) < 0 ||
	    cli_require(&cmd, rules.n ? rules.v[0] : NULL, "--rules", &err) < 0) {
		err_print(&err);
		goto out;
	}
	o.rules = rules.v;
	o.nrules = rules.n;
	o.vars = vars.v;
	o.nvars = vars.n;
	rc = migrate_run(&o);
out:
	cli_strv_free(&rules);
	cli_strv_free(&vars);
	return rc;
}
