/* fw_main: dbxmig-fakews entry point: options, seed loading, startup,
 * and the state dump on SIGTERM/SIGINT. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_gen.h"
#include "fw_http.h"
#include "fw_state.h"

static fw_opts opts;

static void usage(FILE *f)
{
	fputs("usage: dbxmig-fakews --cloud azure|aws|gcp [options]\n"
	      "Serves the Databricks REST API from memory on 127.0.0.1, for tests,\n"
	      "demos and migration rehearsals. First stdout line: 'listening on URL'.\n\n"
	      "  --cloud C               azure, aws or gcp (default azure): flavour validation\n"
	      "  --port N                port on 127.0.0.1 (0 = pick a free one; default 0)\n"
	      "  --seed DIR              load DIR/<kind>.json (see docs/HACKING.md)\n"
	      "  --token T               the personal access token accepted (default: any\n"
	      "                          non-empty bearer token)\n"
	      "  --client-id ID          OAuth M2M client accepted by /oidc/v1/token (default:\n"
	      "  --client-secret S       any non-empty pair); with it, only OAuth tokens or\n"
	      "                          --token are accepted\n"
	      "  --page-size N           cap every paged list at N items (catches clients\n"
	      "                          that do not paginate)\n"
	      "  --latency-ms N          delay every API reply by N ms\n"
	      "  --latency-jitter-ms N   plus a random 0..N ms\n"
	      "  --fail-rate P           answer 503 TEMPORARILY_UNAVAILABLE, before applying,\n"
	      "                          to a fraction P of API calls\n"
	      "  --ghost-commit-rate P   apply a fraction P of successful mutations, then\n"
	      "                          answer 500 anyway\n"
	      "  --rate-limit RPS        answer 429 REQUEST_LIMIT_EXCEEDED (Retry-After: 1)\n"
	      "                          beyond RPS API calls per second\n"
	      "  --random-seed N         seed of every random choice (faults, ids)\n"
	      "  --auth-expire-after N   an OAuth token stops working (401) after N calls\n"
	      "  --state-out FILE        write the state (GET /__fake/state) to FILE on exit\n"
	      "  --generate SPEC         add synthetic objects after the seed: KIND=N,... (users,\n"
	      "                          clusters, jobs, notebooks, sql_warehouses, queries, alerts,\n"
	      "                          dashboards, pipelines, storage_credentials,\n"
	      "                          external_locations, catalogs, schemas, tables, volumes,\n"
	      "                          hive_metastore) and scale=N: every kind not named, in\n"
	      "                          proportion (docs/HACKING.md)\n"
	      "  --help                  this text\n\n"
	      "Without auth: GET /__fake/state, GET /__fake/requests, POST /__fake/reset.\n", f);
}

static int parse_long(const char *opt, const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi) {
		fprintf(stderr, "dbxmig-fakews: %s: expected an integer in %ld..%ld, got '%s'\n", opt, lo, hi, v);
		return -1;
	}
	*out = n;
	return 0;
}

static int parse_rate(const char *opt, const char *v, double *out)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (errno || end == v || *end || !(d >= 0.0 && d <= 1.0)) {
		fprintf(stderr, "dbxmig-fakews: %s: expected a probability in 0..1, got '%s'\n", opt, v);
		return -1;
	}
	*out = d;
	return 0;
}

static int load_all(fw_state *s)
{
	char err[1024];
	if (opts.seed_dir && fw_state_load_dir(s, opts.seed_dir, err, sizeof err) < 0) {
		fprintf(stderr, "dbxmig-fakews: seed: %s\n", err);
		return -1;
	}
	if (opts.generate && fw_generate(s, opts.generate, err, sizeof err) < 0) {
		fprintf(stderr, "dbxmig-fakews: --generate: %s\n", err);
		return -1;
	}
	fw_scim_builtins(s);
	return 0;
}

/* POST /__fake/reset: back to the seed (called with the lock held). */
static int reset(fw_state *s)
{
	fw_state_clear(s);
	s->rng = opts.random_seed ? opts.random_seed : 0x9E3779B97F4A7C15ULL;
	return load_all(s);
}

static int write_state(fw_state *s, const char *file)
{
	pthread_mutex_lock(&s->lock);
	cJSON *d = fw_state_dump(s);
	pthread_mutex_unlock(&s->lock);
	char *text = cJSON_Print(d);
	cJSON_Delete(d);
	FILE *f = text ? fopen(file, "w") : NULL;
	int rc = -1;
	if (f) {
		rc = fputs(text, f) < 0 || fputc('\n', f) == EOF ? -1 : 0;
		if (fclose(f) != 0)
			rc = -1;
	}
	if (rc < 0)
		fprintf(stderr, "dbxmig-fakews: --state-out %s: %s\n", file, strerror(errno));
	free(text);
	return rc;
}

int main(int argc, char **argv)
{
	enum { O_CLOUD = 256, O_PORT, O_SEED, O_TOKEN, O_CID, O_CSECRET, O_PAGE, O_LAT, O_JIT,
	       O_FAIL, O_GHOST, O_RL, O_RSEED, O_EXPIRE, O_STATE, O_GEN, O_HELP };
	static const struct option lo[] = {
		{"cloud", required_argument, 0, O_CLOUD}, {"port", required_argument, 0, O_PORT},
		{"seed", required_argument, 0, O_SEED}, {"token", required_argument, 0, O_TOKEN},
		{"client-id", required_argument, 0, O_CID},
		{"client-secret", required_argument, 0, O_CSECRET},
		{"page-size", required_argument, 0, O_PAGE},
		{"latency-ms", required_argument, 0, O_LAT},
		{"latency-jitter-ms", required_argument, 0, O_JIT},
		{"fail-rate", required_argument, 0, O_FAIL},
		{"ghost-commit-rate", required_argument, 0, O_GHOST},
		{"rate-limit", required_argument, 0, O_RL},
		{"random-seed", required_argument, 0, O_RSEED},
		{"auth-expire-after", required_argument, 0, O_EXPIRE},
		{"state-out", required_argument, 0, O_STATE},
		{"generate", required_argument, 0, O_GEN}, {"help", no_argument, 0, O_HELP},
		{0, 0, 0, 0}};
	long v;
	int ch;
	fw_state st;
	void *daemon;
	int port = 0, rc = 2;
	sigset_t sigs;

	opts.cloud = FW_AZURE;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case O_CLOUD:
			if (strcmp(optarg, "azure") == 0)
				opts.cloud = FW_AZURE;
			else if (strcmp(optarg, "aws") == 0)
				opts.cloud = FW_AWS;
			else if (strcmp(optarg, "gcp") == 0)
				opts.cloud = FW_GCP;
			else {
				fprintf(stderr, "dbxmig-fakews: --cloud: expected azure, aws or gcp, got '%s'\n", optarg);
				return 2;
			}
			break;
		case O_PORT:
			if (parse_long("--port", optarg, 0, 65535, &v) < 0)
				return 2;
			opts.port = (int)v;
			break;
		case O_SEED: opts.seed_dir = optarg; break;
		case O_TOKEN: opts.token = optarg; break;
		case O_CID: opts.client_id = optarg; break;
		case O_CSECRET: opts.client_secret = optarg; break;
		case O_PAGE:
			if (parse_long("--page-size", optarg, 1, 100000, &v) < 0)
				return 2;
			opts.page_size = (int)v;
			break;
		case O_LAT:
			if (parse_long("--latency-ms", optarg, 0, 600000, &v) < 0)
				return 2;
			opts.latency_ms = (int)v;
			break;
		case O_JIT:
			if (parse_long("--latency-jitter-ms", optarg, 0, 600000, &v) < 0)
				return 2;
			opts.latency_jitter_ms = (int)v;
			break;
		case O_FAIL:
			if (parse_rate("--fail-rate", optarg, &opts.fail_rate) < 0)
				return 2;
			break;
		case O_GHOST:
			if (parse_rate("--ghost-commit-rate", optarg, &opts.ghost_rate) < 0)
				return 2;
			break;
		case O_RL:
			if (parse_long("--rate-limit", optarg, 1, 1000000, &v) < 0)
				return 2;
			opts.rate_limit = (int)v;
			break;
		case O_RSEED:
			if (parse_long("--random-seed", optarg, 0, 0x7fffffffL, &v) < 0)
				return 2;
			opts.random_seed = (uint64_t)v;
			break;
		case O_EXPIRE:
			if (parse_long("--auth-expire-after", optarg, 1, 0x7fffffffL, &v) < 0)
				return 2;
			opts.auth_expire_after = v;
			break;
		case O_STATE: opts.state_out = optarg; break;
		case O_GEN: opts.generate = optarg; break;
		case O_HELP: usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "dbxmig-fakews: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (opts.client_secret && !opts.client_id) {
		fprintf(stderr, "dbxmig-fakews: --client-secret needs --client-id\n");
		return 2;
	}
	if (opts.client_id && !opts.client_secret) {
		fprintf(stderr, "dbxmig-fakews: --client-id needs --client-secret\n");
		return 2;
	}

	/* Block the exit signals before MHD starts threads, so only sigwait
	 * below sees them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	fw_state_init(&st, opts.cloud, opts.random_seed);
	if (load_all(&st) < 0)
		goto out_state;
	fw_reset_hook = reset;
	daemon = fw_http_start(&st, &opts, &port);
	if (!daemon) {
		fprintf(stderr, "dbxmig-fakews: cannot listen on 127.0.0.1:%d\n", opts.port);
		goto out_state;
	}
	printf("listening on http://127.0.0.1:%d\n", port);
	fflush(stdout);
	int sig = 0;
	sigwait(&sigs, &sig);
	fw_http_stop(daemon);
	rc = 0;
	if (opts.state_out && write_state(&st, opts.state_out) < 0)
		rc = 1;
out_state:
	fw_state_clear(&st);
	return rc;
}
