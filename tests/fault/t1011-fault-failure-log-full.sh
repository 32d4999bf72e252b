#!/bin/sh
# The disk is full exactly where failed objects are recorded
# (logs/failed_*.jsonl; the ENOSPC shim of t1009 on that path prefix): a
# failure that cannot be recorded is data lost, so transform, import,
# cutover and export stop at once with exit 1 and a message naming the file and the
# errno, write nothing half, and once space is back the same command
# completes, recording the failure.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/hostile/hostile.sh"
command -v python3 >/dev/null || { ok "# SKIP no python3"; done_testing; }
cc -shared -fPIC -o enospc.so "$ROOT/tests/fault/enospc.c" -ldl || { nok "build the ENOSPC shim"; done_testing; }
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export DBXMIG_RETRY_BASE_MS=1
full() {	# SESSION CMD..: CMD with no space left for logs/failed_* of SESSION
	s=$1; shift
	LD_PRELOAD=$T/enospc.so ENOSPC_DIR=$T/migration/$s/logs/failed_ ENOSPC_BYTES=0 "$@"
}
whole() {	# every line of every JSONL file of the session parses, nothing .tmp is left
	for f in $(find "$T/migration/$1" -name '*.jsonl'); do
		jq -c . "$f" >/dev/null 2>&1 || { echo "# broken: $f"; return 1; }
	done
	[ -z "$(find "$T/migration/$1" -name '*.tmp')" ] || { echo "# left: $(find "$T/migration/$1" -name '*.tmp')"; return 1; }
}
stopped() {	# PHASE SESSION KIND: the checks after a run whose failure log was full
	check "$1: the failure cannot be recorded: exit 1 (got $rc)" test "$rc" = 1
	check "... '$1 stopped', naming the file" grep -q "migration/$2/logs/failed_$1_$3.jsonl: $1 stopped" err.txt
	check "... and the errno" grep -q "No space left on device" err.txt
	sed -n '1,2s/^/# /p' err.txt
	check "... the failure log is whole (empty)" test ! -s "migration/$2/logs/failed_$1_$3.jsonl"
	check "... every session file is whole" whole "$2"
}
jobs() {	# N [BAD]: N jobs; job BAD refers to a cluster that is nowhere
	i=1
	while [ $i -le "$1" ]; do
		c=; [ "$i" = "${2:-0}" ] && c=',"existing_cluster_id":"0000-000000-missing"'
		printf '{"key":"j%d","id":%d,"object":{"job_id":%d,"settings":{"name":"j%d","tasks":[{"task_key":"t","notebook_task":{"notebook_path":"/x"}%s}]}}}\n' \
			$i $i $i $i "$c"
		i=$((i + 1))
	done
}
session() {	# ID PHASE: a session with 5 jobs in PHASE/ (job 3 bad)
	mkdir -p "migration/$1/$2"
	printf '{"source":{"cloud":"azure"}}\n' >"migration/$1/session.json"
	jobs 5 3 >"migration/$1/$2/jobs.jsonl"
}

# ---- transform: a rule fails job 3 ----
session t export
printf 'return { job = function(j) if j.settings.name == "j3" then error("j3 is bad") end end }\n' >r.lua
full t "$DBXMIG" transform --session t --rules r.lua >out.txt 2>err.txt; rc=$?
stopped transform t jobs
check "... mapped/ was not written (no half result)" test ! -e migration/t/mapped/jobs.jsonl
expect_exit 3 "transform again with space: exit 3 (the rule error)" "$DBXMIG" transform --session t --rules r.lua
check "... the failure is recorded" grep -q "j3 is bad" migration/t/logs/failed_transform_jobs.jsonl
check "... the other 4 jobs are mapped" test "$(wc -l <migration/t/mapped/jobs.jsonl)" = 4
check "... every session file is whole" whole t

# ---- import: job 3 refers to a cluster that is not there ----
start_fake dst --cloud aws || exit 1
export DATABRICKS_HOST=$dst_URL DATABRICKS_TOKEN=t
unset DATABRICKS_CONFIG_FILE DATABRICKS_CONFIG_PROFILE
session i mapped
full i "$DBXMIG" import --session i --parallel 1 --rate-limit 0 >out.txt 2>err.txt; rc=$?
stopped import i jobs
n1=$(curl -sf "$dst_URL/__fake/state" | jq '.jobs | length')
check "... the jobs after it were not sent ($n1 created)" test "$n1" -le 2
expect_exit 1 "import again with space: exit 1 (job 3 still fails)" "$DBXMIG" import --session i --rate-limit 0
check "... the failure is recorded" grep -q '"key":"j3"' migration/i/logs/failed_import_jobs.jsonl
curl -sf "$dst_URL/__fake/state" >state.json
check "... the other 4 jobs are in the target, once each" \
	test "$(jq -r '[.jobs[].settings.name] | sort | join(",")' state.json)" = "j1,j2,j4,j5"
check "... every session file is whole" whole i

# ---- cutover: records without the target's id ----
mkdir -p migration/c/import
printf '{"source":{"cloud":"azure"}}\n' >migration/c/session.json
for j in j1 j2; do
	printf '{"key":"%s","kind":"jobs","source_id":"1","name":"%s","restore":{"schedule":{"pause_status":"UNPAUSED"}}}\n' $j $j
done >migration/c/import/cutover.jsonl
full c "$DBXMIG" cutover --session c >out.txt 2>err.txt; rc=$?
stopped cutover c jobs
check "... the second record was not tried" sh -c '! grep -q "j2" err.txt'
expect_exit 1 "cutover again with space: exit 1 (both records fail)" "$DBXMIG" cutover --session c
check "... both failures are recorded" test "$(wc -l <migration/c/logs/failed_cutover_jobs.jsonl)" = 2

# ---- export: a workspace path with a NUL byte fails its object ----
start_hostile paths
export DATABRICKS_HOST=$URL
full e "$DBXMIG" export --session e --only workspace --cloud aws >out.txt 2>err.txt; rc=$?
stopped export e workspace
expect_exit 1 "export again with space: exit 1 (the NUL path still fails)" \
	"$DBXMIG" export --session e --only workspace --cloud aws
check "... the failure is recorded" grep -qF '/Shared/nul\\u0000byte' migration/e/logs/failed_export_workspace.jsonl
check "... the other paths are exported" grep -qF '"/Shared/caf' migration/e/export/workspace.jsonl
check "... every session file is whole" whole e
done_testing
