/* libFuzzer harness: the JSONL session reader and the writer's reopen path
 * (partial last line cut off, keys loaded) over arbitrary file contents. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/dbx-fuzz-jsonl-XXXXXX";
static store *st;
static char path[512];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	dbx_err err;

	(void)argc;
	(void)argv;
	log_set_level(LOG_QUIET);
	if (!mkdtemp(dir) || store_open(&st, dir, "f", 1, &err))
		abort();
	log_close_file();	/* millions of warnings are not worth a file */
	if (!store_path(st, path, sizeof path, "export/k.jsonl"))
		abort();
	jsonl_out_abort(store_rewrite(st, "export", "k", &err));	/* creates export/ */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dbx_err err;
	jsonl_out *o;
	jsonl_in *in;
	cJSON *r;
	FILE *f;
	long recs = 0;

	f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	in = jsonl_in_open(path, &err);
	if (!in)
		abort();
	while ((r = jsonl_in_next(in)) != NULL) {
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "key")))
			abort();
		cJSON_Delete(r);
		recs++;
	}
	jsonl_in_close(in);
	o = store_append(st, "export", "k", &err);
	if (!o)
		abort();
	if (jsonl_out_count(o) != recs)
		abort();	/* the writer must agree with the reader */
	jsonl_out_abort(o);
	return 0;
}
