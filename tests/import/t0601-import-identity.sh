#!/bin/sh
# Import on its own: the fixture Azure workspace, exported and left
# unchanged (mapped/ = export/), imported into an empty Azure fake. Every
# object lands once, references are remapped to the target's ids, notebook
# sources are byte-identical, members and permissions are carried over,
# schedules are paused (originals in import/cutover.jsonl), clusters are
# left terminated, the target rejected nothing. A re-run changes nothing;
# a dry run into an empty fake calls no mutating endpoint.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

SEED=$ROOT/fixtures/azure-workspace
identity_session "$SEED" s || exit 1
start_fake dst --cloud azure --token tok-dst || exit 1
write_cfg cfg DST "$dst_URL" tok-dst
export DATABRICKS_CONFIG_FILE=$T/cfg
S=migration/s

expect_exit 0 "import exits 0" "$DBXMIG" import --profile DST --session s --rate-limit 0 --parallel 8
cp out.txt import1.out
fake_state "$src_URL" src.json
fake_state "$dst_URL" dst.json
curl -sf "$dst_URL/__fake/requests" >req1.json

check "the target rejected nothing" jq_ok '[.mutations[] | select(.status >= 400)] | length == 0' req1.json
for k in users groups service_principals cluster_policies instance_pools sql_warehouses global_init_scripts repos; do
	check "$k: every object once" sh -c "
		a=\$(jq -c '[.$k[] | (.userName // .displayName // .name // .instance_pool_name // .path)] | sort' src.json)
		b=\$(jq -c '[.$k[] | (.userName // .displayName // .name // .instance_pool_name // .path)] | sort' dst.json)
		[ \"\$a\" = \"\$b\" ] || { echo \"# src \$a\"; echo \"# dst \$b\"; exit 1; }"
done
check "clusters: every interactive cluster once, none from job runs" sh -c '
	a=$(jq -c "[.clusters[] | select(.cluster_source != \"JOB\") | .cluster_name] | sort" src.json)
	b=$(jq -c "[.clusters[] | .cluster_name] | sort" dst.json)
	[ "$a" = "$b" ]'
check "clusters are left terminated" jq_ok '[.clusters[] | select(.state != "TERMINATED")] | length == 0' dst.json
check "jobs: every job once" sh -c '
	[ "$(jq -c "[.jobs[].settings.name] | sort" src.json)" = "$(jq -c "[.jobs[].settings.name] | sort" dst.json)" ]'
check "no source id is left in the target's jobs and clusters" sh -c '
	jq -r "[.clusters[].cluster_id, .instance_pools[].instance_pool_id, .cluster_policies[].policy_id,
		(.jobs[].job_id | tostring), .sql_warehouses[].id] | .[]" src.json >src.ids
	jq -c ".jobs, .clusters" dst.json >dst.objs
	! grep -qFf src.ids dst.objs'
norm_state src.json >src.norm
norm_state dst.json >dst.norm
# same_view DESC JQ: the normalised source and target agree on what JQ picks
same_view() {
	jq -c "$2" src.norm >view.a && jq -c "$2" dst.norm >view.b || { nok "$1 (jq)"; return; }
	if [ -s view.a ] && [ "$(cat view.a)" != "[]" ] && cmp -s view.a view.b; then ok "$1"; else
		nok "$1"; diff view.a view.b | head -6 | sed 's/^/# /'; fi
}
same_view "job references name the same objects as in the source" '[.jobs[] | {n: .settings.name,
	t: [.settings.tasks[]? | [.existing_cluster_id, .run_job_task.job_id, .new_cluster.instance_pool_id,
	     .new_cluster.policy_id, .sql_task.warehouse_id, .dbt_task.warehouse_id]],
	c: [.settings.job_clusters[]? | .new_cluster.policy_id, .new_cluster.instance_pool_id]}] | sort_by(.n)'
same_view "clusters reference the same pools and policies" '[.clusters[] | select(.cluster_source != "JOB") |
	[.cluster_name, .instance_pool_id, .driver_instance_pool_id, .policy_id]] | sort'
same_view "group members and nesting are the same" '[.groups[] | {d: .displayName, m: [.members[]?.value] | sort}] | sort_by(.d)'
same_view "repos are checked out on the same branch" '[.repos[] | [.path, .url, .provider, .branch]] | sort'
same_view "cluster libraries are installed" '[.clusters[] | select(.cluster_source != "JOB") | {n: .cluster_name, l: (.libraries // [])}] | sort_by(.n)'
check "notebook and file sources are byte-identical" sh -c '
	jq -c "[.workspace[] | select(.object_type != \"DIRECTORY\") | [.path, .object_type, .language, .content]] | sort" src.json >a
	jq -c "[.workspace[] | select(.object_type != \"DIRECTORY\") | [.path, .object_type, .language, .content]] | sort" dst.json >b
	[ -s a ] && [ "$(cat a)" != "[]" ] && cmp -s a b'
same_view "permissions are carried over (the importing admin's entries aside)" '[.permissions[] |
	select(.object_type | IN("clusters", "cluster-policies", "instance-pools", "jobs", "notebooks",
		"directories", "files", "repos", "sql/warehouses")) |
	{t: .object_type, o: .object_id, a: [.access_control_list[] | select(.user_name != "admin@fake.local")]} |
	select(.a != [])] | sort_by(tojson)'
check "every schedule, trigger and continuous run is paused in the target" jq_ok '
	[.jobs[].settings | (.schedule, .trigger, .continuous) | select(. != null) | select(.pause_status != "PAUSED")] | length == 0' dst.json
check "cutover.jsonl keeps the originals of what was running" sh -c '
	n=$(jq "[.jobs[].settings | (.schedule, .trigger, .continuous) | select(. != null) | select((.pause_status // \"UNPAUSED\") != \"PAUSED\")] | length" src.json)
	[ "$n" -gt 0 ] && [ "$(wc -l <'"$S"'/import/cutover.jsonl)" -eq "$n" ] &&
	jq -se "all(.[]; .restore | to_entries | all(.value.pause_status == \"UNPAUSED\"))" '"$S"'/import/cutover.jsonl >/dev/null'
check "the ID journal maps every job" test "$(jq -r 'select(.kind == "jobs") | .key' $S/import/ids.jsonl | wc -l)" -eq 8
check "the ID journal maps source cluster ids to new ones" jq_ok -s '
	[.[] | select(.kind == "clusters")] | length == 6 and all(.source_id != .target_id and (.target_id | length > 0))' $S/import/ids.jsonl
check "the Key Vault scope and secret values are manual follow-ups" sh -c '
	grep -q "kv-contoso-prod" '"$S"'/import/manual.jsonl && grep -q "re-enter" '"$S"'/import/manual.jsonl &&
	! jq -e ".secrets[] | select(.name == \"kv-contoso-prod\")" dst.json >/dev/null'
check "secret scope ACLs are carried over" sh -c '
	a=$(jq -c "[.secrets[] | select(.backend_type != \"AZURE_KEYVAULT\") | {n: .name, a: (.acls | sort_by(.principal))}] | sort_by(.n)" src.json)
	b=$(jq -c "[.secrets[] | {n: .name, a: ([.acls[] | select(.principal != \"admin@fake.local\")] | sort_by(.principal))}] | sort_by(.n)" dst.json)
	[ "$a" = "$b" ]'

# a re-run: everything is journaled, nothing is sent
m0=$(mutations "$dst_URL")
expect_exit 0 "a re-run exits 0" "$DBXMIG" import --profile DST --session s --rate-limit 0
check "a re-run calls no mutating endpoint" test "$(mutations "$dst_URL")" -eq "$m0"
fake_state "$dst_URL" dst2.json
check "a re-run leaves the target as it was" cmp -s dst.json dst2.json

# a dry run into another empty fake: the plan, and no mutating call
start_fake dry --cloud azure --token tok-dry || exit 1
write_cfg cfg DRY "$dry_URL" tok-dry
rm -f "$S/import/ids.jsonl"
find migration -type f -exec cksum {} + | sort >files.before
expect_exit 0 "a dry run exits 0" "$DBXMIG" import --profile DRY --session s --dry-run --rate-limit 0
find migration -type f -exec cksum {} + | sort >files.after
check "the dry run wrote nothing in the session (not even the run log)" cmp -s files.before files.after
check "the dry run calls no mutating endpoint" test "$(mutations "$dry_URL")" -eq 0
check "the dry run plans a create per job" test "$(grep -c '^create  *jobs ' out.txt)" -eq 8
check "the dry run names the manual Key Vault scope" grep -q 'manual  *secrets "kv-contoso-prod"' out.txt
check "the dry run wrote no journal" test ! -e "$S/import/ids.jsonl"
done_testing
