/* libFuzzer harness: the comparison engine (src/compare.c). The input is
 * up to three JSON texts separated by blank lines: validate settings, an
 * expected object, an actual object. Settings that do not load fall back
 * to a fixed set exercising every feature (sets, keyed lists, defaults,
 * references, optional entries, the importing principal). Nothing may
 * crash, leak or read out of bounds, whatever the shapes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed[] =
	"{\"*\":{\"sets\":[\"access_control_list\",\"**.all_permissions\"],"
	"\"self_entries\":[\"access_control_list[]\"],\"ignore\":[\"**.id\"]},"
	"\"jobs\":{\"keyed\":{\"settings.tasks\":\"task_key\"},\"sets\":[\"settings.tasks[].libraries\"],"
	"\"defaults\":{\"settings.max_concurrent_runs\":1,\"settings.tasks[].timeout_seconds\":0},"
	"\"optional\":{\"keys[]\":{\"value_status\":\"NEEDS_REENTRY\"},\"x\":true},"
	"\"case_insensitive\":[\"**.name\"],"
	"\"refs\":{\"settings.tasks[].existing_cluster_id\":\"clusters\",\"members[].value\":\"principals\","
	"\"acl[].principal\":\"principal_names\"}}}";

static int sink(void *ud, const cmp_finding *f)
{
	size_t *n = ud;

	*n += strlen(f->path) + (f->expected ? strlen(f->expected) : 0) +
	      (f->actual ? strlen(f->actual) : 0) + strlen(f->key) + strlen(f->kind);
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_QUIET);
	return 0;
}

/* The next part of the input, up to a blank line. */
static cJSON *part(const char **p, const char *end)
{
	const char *s = *p, *q;
	cJSON *v;

	for (q = s; q < end && !(q + 1 < end && q[0] == '\n' && q[1] == '\n'); q++)
		;
	v = cJSON_ParseWithLength(s, (size_t)(q - s));
	*p = q < end ? q + 2 : end;
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	cJSON *settings = part(&p, end), *e = part(&p, end), *a = part(&p, end), *fx;
	dbx_err err;
	size_t n = 0;
	cmp *c = cmp_new(settings, "fuzz", &err);

	if (!c) {
		fx = cJSON_Parse(fixed);
		c = cmp_new(fx, "fixed", &err);
		cJSON_Delete(fx);
		if (!c)
			abort();
	}
	cmp_set_self(c, "admin@x.com");
	cmp_add_id(c, CMP_EXPECTED, "clusters", "s1", "etl");
	cmp_add_id(c, CMP_ACTUAL, "clusters", "t1", "etl");
	cmp_add_id(c, CMP_EXPECTED, "users", "1", "a@x.com");
	cmp_add_id(c, CMP_ACTUAL, "users", "2", "a@x.com");
	cmp_add_journal(c, "clusters", "s1", "t1");
	cmp_add_journal(c, "users", "1", "2");
	cmp_objects(c, "jobs", "k", e, a, sink, &n);
	cmp_objects(c, "groups", "k", a, e, sink, &n);
	cmp_free(c);
	cJSON_Delete(settings);
	cJSON_Delete(e);
	cJSON_Delete(a);
	return n == (size_t)-1;
}
