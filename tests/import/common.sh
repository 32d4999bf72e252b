# tests/import/common.sh: sourced by the import and e2e tests (after lib.sh).
#
# norm_state STATE.json: prints the fake's state with every id replaced by
# the natural key of the object it names ("cluster:etl-shared"), volatile
# fields (times, creator, messages) dropped and every array sorted, so that
# two imports of the same session into two fresh fakes print the same text
# whatever order the objects were created in and whatever ids they got.
# Object counts and names stay: a duplicate shows up as a difference.
NORM_JQ='
def ids:
  [ (.users[]?              | {key: (.id|tostring), value: ("user:" + .userName)}),
    (.groups[]?             | {key: (.id|tostring), value: ("group:" + .displayName)}),
    (.storage_credentials[]? | {key: .id, value: ("credential:" + .name)}),
    (.external_locations[]? | {key: .id, value: ("location:" + .name)}),
    (.catalogs[]?           | {key: .id, value: ("catalog:" + .name)}),
    (.schemas[]?            | {key: .schema_id, value: ("schema:" + .full_name)}),
    (.volumes[]?            | {key: .volume_id, value: ("volume:" + .full_name)}),
    (.tables[]?             | {key: .table_id, value: ("table:" + .full_name)}),
    (.service_principals[]? | {key: (.id|tostring), value: ("sp:" + .displayName)},
                              {key: (.applicationId // "" | tostring), value: ("sp:" + .displayName)}),
    (.cluster_policies[]?   | {key: .policy_id, value: ("policy:" + .name)}),
    (.instance_pools[]?     | {key: .instance_pool_id, value: ("pool:" + .instance_pool_name)}),
    (.clusters[]?           | {key: .cluster_id, value: ("cluster:" + .cluster_name)}),
    (.jobs[]?               | {key: (.job_id|tostring), value: ("job:" + .settings.name)}),
    (.repos[]?              | {key: (.id|tostring), value: ("repo:" + .path)}),
    (.global_init_scripts[]? | {key: .script_id, value: ("script:" + .name)}),
    (.sql_warehouses[]?     | {key: .id, value: ("warehouse:" + .name)}),
    (.queries[]?            | {key: .id, value: ("query:" + .display_name)}),
    (.alerts[]?             | {key: .id, value: ("alert:" + .display_name)}),
    (.dashboards[]?         | {key: .dashboard_id, value: ("dashboard:" + .path)}),
    (.pipelines[]?          | {key: .pipeline_id, value: ("pipeline:" + .name)}),
    (.workspace[]?          | {key: (.object_id|tostring), value: ("ws:" + .path)})
  ] | map(select(.key != null and .key != "")) | from_entries;
# a managed volume lives where the target metastore puts it
(if .volumes then .volumes |= map(if .volume_type == "MANAGED" then del(.storage_location) else . end) else . end) |
. as $s | ($s | ids) as $m |
walk(
  if type == "object" then
    with_entries(select(.key | IN("created_time", "created_at", "modified_at", "updated_at",
      "created_by", "updated_by", "creator_user_name", "creator_name", "run_as_user_name",
      "start_time", "terminated_time", "last_restarted_time", "last_activity_time",
      "last_state_loss_time", "state_message", "termination_reason", "default_tags",
      "jdbc_url", "odbc_params", "$ref", "meta", "spark_context_id", "jdbc_port",
      "created_at_timestamp", "head_commit_id", "external_id", "credential_id",
      "create_time", "update_time", "etag", "last_modified", "revision_create_time") | not))
  elif type == "string" and $m[.] != null then $m[.]
  elif type == "number" and . > 1000 and $m[tostring] != null then $m[tostring]
  else . end)
| walk(if type == "array" then sort_by(tojson)	# keys sorted first: tojson keeps insertion order
	elif type == "object" then to_entries | sort_by(.key) | from_entries else . end)'

norm_state() { jq -S "$NORM_JQ" "$1"; }

# fake_state URL FILE: the fake's /__fake/state into FILE.
fake_state() { curl -sf "$1/__fake/state" >"$2"; }

# mutations URL: the number of POST/PUT/PATCH/DELETE the fake received.
mutations() {
	curl -sf "$1/__fake/requests" |
		jq '[.counts | to_entries[] | select(.key | test("^(POST|PUT|PATCH|DELETE) ")) | .value] | add // 0'
}

# creates URL: the number of create calls the fake received.
creates() {
	curl -sf "$1/__fake/requests" |
		jq '[.counts | to_entries[] | select(.key | test("^POST .*(/create|/add|/Users|/Groups|/ServicePrincipals|/repos|/global-init-scripts|/sql/warehouses|/workspace/import|/workspace/mkdirs)$")) | .value] | add // 0'
}

# The kinds of the import engine's own tests (issue 6): the breadth kinds
# (Unity Catalog, SQL objects, pipelines) need rules to land on another
# workspace and have tests of their own.
CORE_KINDS=instance_profiles,users,service_principals,groups,cluster_policies,instance_pools,clusters,workspace,repos,secrets,global_init_scripts,sql_warehouses,jobs

# identity_session SEED SESSION: exports the CORE_KINDS of the fake workspace
# seeded with SEED (cloud azure) into SESSION (DATABRICKS_CONFIG_FILE becomes $T/cfg) and copies export/ to mapped/ unchanged (an
# identity transform: import is then tested on its own). Sets src_URL.
identity_session() {
	start_fake src --cloud azure --seed "$1" --token tok-src || return 1
	write_cfg "$T/cfg" SRC "$src_URL" tok-src
	export DATABRICKS_CONFIG_FILE="$T/cfg"
	"$DBXMIG" export --dir "$T/migration" --profile SRC --session "$2" --cloud azure \
		--only "$CORE_KINDS" --rate-limit 0 >"$T/export.out" 2>"$T/export.err" || {
		echo "# export failed:"; sed 's/^/# /' "$T/export.err" | head; return 1; }
	mkdir -p "$T/migration/$2/mapped" &&
		cp "$T/migration/$2/export/"*.jsonl "$T/migration/$2/mapped/"
}

# diff_states DESC A.json B.json: one TAP line, the normalised states equal.
diff_states() {
	norm_state "$2" >"$2.norm" && norm_state "$3" >"$3.norm" || { nok "$1 (jq failed)"; return; }
	if cmp -s "$2.norm" "$3.norm"; then ok "$1"; else
		nok "$1"; diff "$2.norm" "$3.norm" | head -30 | sed 's/^/# /'; fi
}

# jq_ok ARGS..: jq -e, quietly (for `check DESC jq_ok FILTER FILE`).
jq_ok() { jq -e "$@" >/dev/null; }

# azure_aws_fakes [ARGS..]: the fixture Azure workspace in fake `az`
# (ARGS: more fake options) and an empty AWS fake `aws`, as profiles AZ
# and AWS of $T/cfg (DATABRICKS_CONFIG_FILE). Sets SEED.
azure_aws_fakes() {
	SEED=$ROOT/fixtures/azure-workspace
	start_fake az --cloud azure --seed "$SEED" --token tok-az "$@" || return 1
	start_fake aws --cloud aws --token tok-aws || return 1
	write_cfg cfg AZ "$az_URL" tok-az
	write_cfg cfg AWS "$aws_URL" tok-aws
	export DATABRICKS_CONFIG_FILE=$T/cfg
}

# shipped_migrate SESSION ARGS..: `dbxmig migrate` of the fixture Azure
# workspace (profile AZ) into profile AWS with the shipped rules and the
# fixture maps, run from the repository root.
shipped_migrate() {
	_s=$1; shift
	(cd "$ROOT" && "$DBXMIG" migrate --dir "$T/migration" --session "$_s" --from AZ --to AWS --cloud azure \
		--rules rules/azure_to_aws.lua --rules rules/users.lua \
		--var email_domain_from=contoso.com --var email_domain_to=example.org \
		--var storage_map=fixtures/maps/storage_map.csv --var credential_map=fixtures/maps/credential_map.csv \
		--rate-limit 0 "$@")
}

# kill_during "MS MS .." CMD..: runs CMD once per moment (milliseconds)
# and SIGKILLs it then; sets `kills` to the runs killed while running.
kill_during() {
	_ms=$1; shift; kills=0
	for ms in $_ms; do
		"$@" >"$T/kill.out" 2>"$T/kill.err" &
		_pid=$!
		sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
		if kill -9 "$_pid" 2>/dev/null; then kills=$((kills + 1)); fi
		wait "$_pid" 2>/dev/null
	done
	echo "# killed $kills times"
}
