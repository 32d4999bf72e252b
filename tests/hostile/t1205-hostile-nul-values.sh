#!/bin/sh
# "\u0000" inside any string of a reply, for any kind (t1202 has workspace
# paths): a job name, an object key (a job tag) and a cluster's spark_conf
# value. Each such object fails export by its key, the NUL shown as
# \u0000, into logs/failed_export_<kind>.jsonl; the rest is exported.
# And import never sends the mark that stands for the NUL (U+10FFFF), not
# even from a hand-edited session.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/hostile/hostile.sh"
command -v python3 >/dev/null || { ok "# SKIP no python3"; done_testing; }
export DBXMIG_RETRY_BASE_MS=1

start_hostile nul
unset DATABRICKS_CONFIG_FILE DATABRICKS_CONFIG_PROFILE
MARK=$(printf '\364\217\277\277')	# U+10FFFF, the mark a reply's \u0000 is read as
DATABRICKS_HOST=$URL DATABRICKS_TOKEN=t "$DBXMIG" export --session n --only jobs,clusters --cloud aws >out.txt 2>err.txt
rc=$?
check "export finishes with failures: exit 1 (got $rc)" test "$rc" = 1
J=migration/n/logs/failed_export_jobs.jsonl C=migration/n/logs/failed_export_clusters.jsonl
check "the job named with a NUL fails by its key, the NUL escaped" grep -qF '"key":"nul\\u0000name"' $J
check "... the message says where" grep -qF "job 'nul\\\\u0000name': settings.name holds a NUL byte (\\\\u0000)" $J
check "a NUL in an object key (a job tag) fails its job" \
	grep -qF 'settings.tags[\"k\\u0000ey\"] holds a NUL byte' $J
check "a NUL in a spark_conf value fails its cluster, by its key" \
	sh -c "grep -F '\"key\":\"conf\"' $C | grep -qF 'spark_conf[\\\"spark.x\\\"] holds a NUL byte'"
check "stderr names each one" test "$(grep -c 'holds a NUL byte' err.txt)" = 3
check "the clean job and cluster are exported" sh -c '
	grep -q "\"key\":\"plain\"" migration/n/export/jobs.jsonl && grep -q "\"key\":\"ok\"" migration/n/export/clusters.jsonl'
check "nothing else is in the session's records" \
	test "$(cat migration/n/export/jobs.jsonl migration/n/export/clusters.jsonl | wc -l)" = 2
check "the mark is nowhere in the session" sh -c "! grep -rqF '$MARK' migration/n"

# ---- import: a hand-edited session carrying the mark ----
start_fake dst --cloud aws || exit 1
S=migration/h
mkdir -p $S/mapped
printf '{"source":{"cloud":"azure"}}\n' >$S/session.json
{
	printf '{"key":"fine","id":1,"object":{"job_id":1,"settings":{"name":"fine","max_concurrent_runs":1}}}\n'
	printf '{"key":"bad","id":2,"object":{"job_id":2,"settings":{"name":"bad%sname","max_concurrent_runs":1}}}\n' "$MARK"
	printf '{"key":"tag","id":3,"object":{"job_id":3,"settings":{"name":"tag","tags":{"t":"x%sy"}}}}\n' "$MARK"
} >$S/mapped/jobs.jsonl
DATABRICKS_HOST=$dst_URL DATABRICKS_TOKEN=t "$DBXMIG" import --session h --rate-limit 0 >out.txt 2>err.txt
rc=$?
check "import: exit 1 (two jobs fail, got $rc)" test "$rc" = 1
F=$S/logs/failed_import_jobs.jsonl
check "the job whose name holds the mark fails: not sent" \
	sh -c "grep -F '\"key\":\"bad\"' $F | grep -qF 'name in the request body holds a NUL byte (\\\\u0000): not sent'"
check "... so does the one with it in a tag" \
	sh -c "grep -F '\"key\":\"tag\"' $F | grep -qF 'tags.t in the request body holds a NUL byte'"
curl -sf "$dst_URL/__fake/state" >state.json
check "only the clean job reached the target" test "$(jq -r '[.jobs[].settings.name] | join(",")' state.json)" = fine
check "the target holds no mark" sh -c "! grep -qF '$MARK' state.json"
done_testing
