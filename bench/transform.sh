#!/bin/sh
# bench/transform.sh [N]: transforms N generated Azure jobs (default 100000)
# with the shipped rules, and the same node-type and e-mail mapping with jq
# on the same input, in the same run. Prints objects/s, peak RSS and the
# ratio. Goals (issue 5): faster than jq, peak RSS under 64 MB whatever N.
# Then MEM_N (default 8) of those jobs with a rule that allocates without
# bound on every object, at the default --rule-memory: the cost of one
# object failing on the memory limit against the normal per-object cost
# (printed, not asserted: it is the cost of filling 64 MB in Lua).
set -eu
N=${1:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DBXMIG=${DBXMIG:-$ROOT/dbxmig}
need() { command -v "$1" >/dev/null 2>&1 || { apt-get install -y "$2" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$2" >/dev/null; }; }; }
need jq jq
[ -x /usr/bin/time ] || need /usr/bin/time time
[ -x "$DBXMIG" ] || make -C "$ROOT" dbxmig >/dev/null
W=$(mktemp -d "${TMPDIR:-/tmp}/dbxmig-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
S=$W/mig/b
mkdir -p $S/export
printf '{"source":{"cloud":"azure"}}\n' >$S/session.json

# N jobs shaped like the API's jobs/get: two job clusters, three tasks,
# notifications, ACLs; node types and users vary.
awk -v n="$N" 'BEGIN {
	split("Standard_DS3_v2 Standard_DS4_v2 Standard_E8ds_v4 Standard_D8ds_v5 Standard_F8s_v2 Standard_L8s_v3", nt, " ")
	for (i = 1; i <= n; i++) {
		id = 1000000000000 + i; a = nt[i % 6 + 1]; b = nt[(i * 7) % 6 + 1]; u = "user" (i % 500) "@contoso.com"
		printf "{\"key\":\"%.0f\",\"id\":%.0f,\"object\":{\"job_id\":%.0f,\"creator_user_name\":\"%s\",\"run_as_user_name\":\"%s\",\"created_time\":1700000000000,", id, id, id, u, u
		printf "\"settings\":{\"name\":\"job-%d\",\"email_notifications\":{\"on_failure\":[\"%s\",\"ops@contoso.com\"],\"no_alert_for_skipped_runs\":false},", i, u
		printf "\"timeout_seconds\":0,\"max_concurrent_runs\":1,\"format\":\"MULTI_TASK\",\"schedule\":{\"quartz_cron_expression\":\"0 0 2 * * ?\",\"timezone_id\":\"UTC\",\"pause_status\":\"UNPAUSED\"},"
		printf "\"job_clusters\":[{\"job_cluster_key\":\"main\",\"new_cluster\":{\"spark_version\":\"14.3.x-scala2.12\",\"node_type_id\":\"%s\",\"driver_node_type_id\":\"%s\",\"num_workers\":%d,\"spark_conf\":{\"spark.sql.shuffle.partitions\":\"200\"},\"azure_attributes\":{\"availability\":\"SPOT_WITH_FALLBACK_AZURE\",\"first_on_demand\":1,\"spot_bid_max_price\":-1},\"custom_tags\":{\"team\":\"data\"},\"enable_elastic_disk\":true}},", a, b, i % 8 + 1
		printf "{\"job_cluster_key\":\"small\",\"new_cluster\":{\"spark_version\":\"14.3.x-scala2.12\",\"node_type_id\":\"%s\",\"num_workers\":1,\"azure_attributes\":{\"availability\":\"ON_DEMAND_AZURE\",\"first_on_demand\":1}}}],", b
		printf "\"tasks\":[{\"task_key\":\"ingest\",\"job_cluster_key\":\"main\",\"notebook_task\":{\"notebook_path\":\"/Users/%s/ingest\",\"source\":\"WORKSPACE\"},\"timeout_seconds\":0},", u
		printf "{\"task_key\":\"transform\",\"depends_on\":[{\"task_key\":\"ingest\"}],\"job_cluster_key\":\"main\",\"notebook_task\":{\"notebook_path\":\"/Repos/%s/etl/transform\",\"base_parameters\":{\"date\":\"{{start_date}}\"}}},", u
		printf "{\"task_key\":\"report\",\"depends_on\":[{\"task_key\":\"transform\"}],\"job_cluster_key\":\"small\",\"spark_python_task\":{\"python_file\":\"dbfs:/jobs/report.py\"},\"email_notifications\":{\"on_success\":[\"%s\"]}}]},", u
		printf "\"access_control_list\":[{\"user_name\":\"%s\",\"all_permissions\":[{\"permission_level\":\"IS_OWNER\",\"inherited\":false}]},{\"group_name\":\"admins\",\"all_permissions\":[{\"permission_level\":\"CAN_MANAGE\",\"inherited\":true}]}]}}\n", u
	}
}' >$S/export/jobs.jsonl
bytes=$(wc -c <$S/export/jobs.jsonl)

# jq: the same mapping (node types by table, availability, e-mail domain
# on principals and home paths) over the same records.
cat >$W/map.jq <<'JQ'
def nodes: {"Standard_DS3_v2":"m6id.xlarge","Standard_DS4_v2":"m6id.2xlarge","Standard_E8ds_v4":"r6id.2xlarge",
  "Standard_D8ds_v5":"m6id.2xlarge","Standard_F8s_v2":"c6i.2xlarge","Standard_L8s_v3":"i4i.2xlarge"};
def avail: {"SPOT_AZURE":"SPOT","ON_DEMAND_AZURE":"ON_DEMAND","SPOT_WITH_FALLBACK_AZURE":"SPOT_WITH_FALLBACK"};
def email: if type == "string" then sub("@contoso\\.com$"; "@contoso-aws.com") else . end;
def path: if type == "string" then sub("^/(?<r>Users|Repos)/(?<u>[^/@]+)@contoso\\.com/"; "/\(.r)/\(.u)@contoso-aws.com/") else . end;
def spec: (if .node_type_id then .node_type_id = nodes[.node_type_id] else . end)
  | (if .driver_node_type_id then .driver_node_type_id = nodes[.driver_node_type_id] else . end)
  | (if .azure_attributes then .aws_attributes = {availability: avail[.azure_attributes.availability],
       first_on_demand: .azure_attributes.first_on_demand, zone_id: "auto"} | del(.azure_attributes) else . end);
.object |= (
  .creator_user_name |= email | .run_as_user_name |= email
  | .settings.job_clusters |= map(.new_cluster |= spec)
  | .settings.email_notifications |= with_entries(.value |= (if type == "array" then map(email) else . end))
  | .settings.tasks |= map((if .notebook_task then .notebook_task.notebook_path |= path else . end)
      | (if .email_notifications then .email_notifications |= with_entries(.value |= map(email)) else . end))
  | .access_control_list |= map(if .user_name then .user_name |= email else . end))
JQ

measure() { # measure OUT CMD...: wall seconds, CPU seconds (user+sys), peak RSS (KB) into OUT
	out=$1; shift
	/usr/bin/time -f "%e %U %S %M" -o "$out" "$@" >/dev/null 2>"$out.err" || { cat "$out.err" >&2; return 1; }
}
measure $W/t.dbx "$DBXMIG" transform --dir $W/mig --session b --rules "$ROOT/rules/azure_to_aws.lua" \
	--rules "$ROOT/rules/users.lua" --var email_domain_from=contoso.com --var email_domain_to=contoso-aws.com || true
measure $W/t.jq sh -c "jq -c -f $W/map.jq $S/export/jobs.jsonl >$W/jq.out"
read -r dbx_w dbx_u dbx_s dbx_kb <$W/t.dbx
read -r jq_w jq_u jq_s jq_kb <$W/t.jq
mapped=$(wc -l <$S/mapped/jobs.jsonl)
audit=$(wc -l <$S/mapped/audit.jsonl)
# The ratio uses CPU time (user+sys): on a shared machine wall time mostly
# measures the neighbours. dbxmig also writes one audit line per changed
# JSON path, which jq does not.
awk -v n="$N" -v b="$bytes" -v dw="$dbx_w" -v dc="$(echo "$dbx_u $dbx_s" | awk '{print $1+$2}')" -v dk="$dbx_kb" \
    -v jw="$jq_w" -v jc="$(echo "$jq_u $jq_s" | awk '{print $1+$2}')" -v jk="$jq_kb" -v m="$mapped" -v a="$audit" 'BEGIN {
	if (dc <= 0) dc = 0.01; if (jc <= 0) jc = 0.01
	printf "input: %d jobs, %.1f MB; dbxmig mapped %d (audit: %d changed paths)\n", n, b / 1048576, m, a
	printf "dbxmig transform:  CPU %7.2f s (wall %7.2f s)  %8.0f objects/s  peak RSS %6.1f MB\n", dc, dw, n / dc, dk / 1024
	printf "jq (same mapping): CPU %7.2f s (wall %7.2f s)  %8.0f objects/s  peak RSS %6.1f MB\n", jc, jw, n / jc, jk / 1024
	printf "speed ratio dbxmig/jq (CPU): %.2fx (goal > 1)   RSS goal < 64 MB: %s\n", jc / dc, (dk < 65536 ? "met" : "NOT met")
}'

# Memory-limit failures: every object hoards strings until the limit.
MEM_N=${MEM_N:-8}
M=$W/mem/m
mkdir -p $M/export
cp $S/session.json $M/
head -n "$MEM_N" $S/export/jobs.jsonl >$M/export/jobs.jsonl
printf 'return { job = function(j) local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(100) .. i end end }\n' >$W/hoard.lua
measure $W/t.mem "$DBXMIG" -q transform --dir $W/mem --session m --rules $W/hoard.lua 2>/dev/null || true
read -r mem_w mem_u mem_s mem_kb <<EOT
$(tail -n 1 $W/t.mem)
EOT
failed=$(grep -c "memory limit of" $M/logs/failed_transform_jobs.jsonl 2>/dev/null || true)
awk -v n="$N" -v mn="$MEM_N" -v f="${failed:-0}" -v dc="$(echo "$dbx_u $dbx_s" | awk '{print $1+$2}')" \
    -v mc="$(echo "$mem_u $mem_s" | awk '{print $1+$2}')" -v mk="$mem_kb" 'BEGIN {
	if (dc <= 0) dc = 0.01
	per = dc / n; mper = mc / mn
	printf "memory-limit failures: %d of %d objects failed; CPU %.3f s per object (peak RSS %.1f MB)\n", f, mn, mper, mk / 1024
	printf "memory-limit failure / normal object (CPU): %.0fx (the price of filling the 64 MB budget)\n", mper / per
}'
