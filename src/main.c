/* main: the command table and the global options.
 *
 * Every command is `int cmd_<name>(int argc, char **argv)` (src/cmd.h)
 * returning its exit code. main only dispatches: it handles what comes
 * before the command name (-v, -q, --debug, --version, --help, help) and
 * turns "rules test" into one command. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "err.h"
#include "http.h"
#include "log.h"

#define DBXMIG_VERSION "0.1.0-dev"

struct command {
	cli_cmd cli;
	int (*fn)(int argc, char **argv);
};

static const struct command commands[] = {
	{ { "export", "--profile SRC --session S [--cloud azure|aws|gcp] [--only K,..] "
		      "[--skip K,..] [--parallel N]",
	    "read the source workspace into the session" }, cmd_export },
	{ { "transform", "--session S --rules FILE [--rules FILE ..] [--var KEY=VALUE ..] "
			 "[--dry-run]",
	    "run the Lua rules over the exported objects" }, cmd_transform },
	{ { "import", "--profile DST --session S [--only K,..] [--skip K,..] [--parallel N] "
		      "[--dry-run]",
	    "create or update the transformed objects in the target" }, cmd_import },
	{ { "validate", "--profile DST --session S [--json FILE]",
	    "read the target back and compare it with what the rules said" },
	  cmd_validate },
	{ { "migrate", "--from SRC --to DST --session S --rules FILE.. [--var ..]",
	    "export, transform, import and validate in one run" }, cmd_migrate },
	{ { "rules test", "--rules FILE.. [--var ..] DIR",
	    "run rules over the fixture cases in DIR and compare with the expected objects" },
	  cmd_rules_test },
	{ { "status", "--session S",
	    "what is exported, transformed, imported and failed, per kind" },
	  cmd_status },
	{ { "cutover", "--session S [--profile DST] [--source SRC] [--dry-run]",
	    "un-pause the target's paused schedules; with --source, pause the source's" },
	  cmd_cutover },
	{ { "data-plan", "--session S [--share NAME] [--provider NAME]",
	    "the data (tables, files) that must move outside dbxmig" }, cmd_data_plan },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].cli.name, name) == 0)
			return &commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: dbxmig [-v|-q|--debug|--insecure] COMMAND [options]\n"
		   "       dbxmig --version | help [COMMAND] | COMMAND --help\n\n"
		   "Migrates a Databricks workspace between clouds.\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-11s %s\n", commands[i].cli.name, commands[i].cli.summary);
	fprintf(f, "\nCommands take --dir DIR (default ./migration) and --session ID.\n"
		   "Exit status: 0 done, 1 some objects failed or differ, "
		   "2 usage/configuration/authentication error, 3 rule error.\n");
}

static int unknown_command(const char *name)
{
	const char *cands[NCOMMANDS + 2];
	const char *hint;
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		cands[i] = commands[i].cli.name;
	cands[NCOMMANDS] = "help";
	cands[NCOMMANDS + 1] = "rules";
	hint = cli_suggest(name, cands, NCOMMANDS + 2);
	if (hint)
		fprintf(stderr, "dbxmig: unknown command '%s' (did you mean '%s'?)\n", name, hint);
	else
		fprintf(stderr, "dbxmig: unknown command '%s'; see 'dbxmig help'\n", name);
	return 2;
}

static int run(const struct command *c, int argc, char **argv)
{
	/* argv[0] is the command's own name, even for the two-word one. */
	char name[32];

	snprintf(name, sizeof name, "%s", c->cli.name);
	argv[0] = name;
	return c->fn(argc, argv);
}

int main(int argc, char **argv)
{
	const struct command *c;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)
			log_set_level(LOG_VERBOSE);
		else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
			log_set_level(LOG_QUIET);
		else if (strcmp(a, "--debug") == 0)
			log_set_level(LOG_DEBUG);
		else if (strcmp(a, "--insecure") == 0)
			http_default_insecure(1);
		else if (strcmp(a, "--version") == 0) {
			printf("dbxmig %s\n", DBXMIG_VERSION);
			return 0;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			const char *g[] = { "--verbose", "--quiet", "--debug", "--insecure", "--version",
					    "--help" };
			const char *hint = cli_suggest(a, g, sizeof g / sizeof g[0]);
			fprintf(stderr, "dbxmig: unknown option '%s'%s%s%s; see 'dbxmig help'\n", a,
				hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[i], "help") == 0) {
		if (i + 1 >= argc) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i + 1], "rules") == 0)
			c = find_command("rules test");
		else
			c = find_command(argv[i + 1]);
		if (!c)
			return unknown_command(argv[i + 1]);
		{
			char *hv[] = { argv[i + 1], (char *)"--help", NULL };
			return run(c, 2, hv);
		}
	}
	if (strcmp(argv[i], "rules") == 0) {
		if (i + 1 < argc && (!strcmp(argv[i + 1], "--help") || !strcmp(argv[i + 1], "-h"))) {
			char *hv[] = { argv[i], argv[i + 1], NULL };
			return run(find_command("rules test"), 2, hv);
		}
		if (i + 1 >= argc || strcmp(argv[i + 1], "test") != 0) {
			fprintf(stderr, "dbxmig: rules: expected 'rules test', got %s%s%s\n",
				i + 1 < argc ? "'" : "nothing", i + 1 < argc ? argv[i + 1] : "",
				i + 1 < argc ? "'" : "");
			return 2;
		}
		i++;
		return run(find_command("rules test"), argc - i, argv + i);
	}
	c = find_command(argv[i]);
	if (!c)
		return unknown_command(argv[i]);
	return run(c, argc - i, argv + i);
}
