#!/bin/sh
# End to end: `dbxmig migrate` of the fixture Azure workspace into an empty
# AWS fake with the shipped rules. The target holds every object once,
# with AWS node types and attributes, mapped principals and paths,
# byte-identical notebook sources, permissions carried over and schedules
# paused; the AWS fake rejected nothing; validation finds no difference.
# A second migrate of the same session creates nothing; `cutover` then
# un-pauses what ran in the source and pauses it there.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

azure_aws_fakes || exit 1
migrate() { shipped_migrate e2e "$@"; }

expect_exit 0 "migrate exits 0" migrate
cp out.txt migrate1.out
fake_state "$az_URL" az.json
fake_state "$aws_URL" aws.json
curl -sf "$aws_URL/__fake/requests" >req1.json

check "the AWS fake rejected nothing" jq_ok '[.mutations[] | select(.status >= 400)] | length == 0' req1.json
check "the target is an AWS workspace" jq_ok '.cloud == "aws"' aws.json
for k in users groups service_principals cluster_policies instance_pools sql_warehouses global_init_scripts repos jobs queries alerts dashboards pipelines; do
	check "$k: as many in the target as in the source" test \
		"$(jq ".$k | length" aws.json)" -eq "$(jq ".$k | length" az.json)"
done
check "clusters: every interactive one, once" test \
	"$(jq '[.clusters[] | select(.cluster_source != "JOB")] | length' az.json)" -eq "$(jq '.clusters | length' aws.json)"
check "no duplicate names in any kind" jq_ok '
	[.users[].userName] as $u | [.groups[].displayName] as $g | [.clusters[].cluster_name] as $c |
	[.jobs[].settings.name] as $j | [.instance_pools[].instance_pool_name] as $p |
	all([$u, $g, $c, $j, $p][]; length == (unique | length))' aws.json
check "no Azure node type or attribute is left in compute" sh -c '
	! jq -c ".clusters, .instance_pools, .jobs, .cluster_policies" aws.json | grep -Eq "Standard_|azure_attributes|_AZURE\""'
check "clusters carry aws_attributes" jq_ok '[.clusters[] | select(.aws_attributes == null)] | length == 0' aws.json
check "every cluster is left terminated" jq_ok '[.clusters[] | select(.state != "TERMINATED")] | length == 0' aws.json
check "principals are mapped to the new domain" sh -c '
	! jq -c ".users, .groups, .permissions, .secrets, .jobs" aws.json | grep -qi "@contoso\\.com" &&
	jq -e "[.users[].userName | select(endswith(\"@example.org\"))] | length == 8" aws.json >/dev/null'
check "home folders follow the users" jq_ok '
	[.workspace[].path | select(startswith("/Users/"))] | length > 0 and all(test("^/Users/[^/]+@example\\.org(/|$)"))' aws.json
check "notebook and file sources are byte-identical" sh -c '
	jq -c "[.workspace[] | select(.object_type != \"DIRECTORY\") | [.object_type, .language, .content]] | sort" az.json >a
	jq -c "[.workspace[] | select(.object_type != \"DIRECTORY\") | [.object_type, .language, .content]] | sort" aws.json >b
	[ "$(jq length a)" -gt 0 ] && cmp -s a b'
check "job references point at the target's objects" jq_ok '
	([.clusters[].cluster_id]) as $c | ([.instance_pools[].instance_pool_id]) as $p |
	([.cluster_policies[].policy_id]) as $pol | ([.jobs[].job_id]) as $j | ([.sql_warehouses[].id]) as $w |
	[.jobs[].settings | (.tasks[]? // empty) |
	 ((.existing_cluster_id // empty | IN($c[]) | not),
	  (.new_cluster.instance_pool_id // empty | IN($p[]) | not),
	  (.new_cluster.policy_id // empty | IN($pol[]) | not),
	  (.run_job_task.job_id // empty | IN($j[]) | not),
	  (.dbt_task.warehouse_id // .sql_task.warehouse_id // empty | IN($w[]) | not))] | any | not' aws.json
# permissions: the same (object, principal, level) entries, principals mapped
# to the new domain, service principals by name, the importing admin aside
perm_view() {	# STATE DOMAIN_SED
	jq -r '(([.service_principals[] | {key: .applicationId, value: .displayName}] | from_entries) as $sp |
		([.clusters[] | {key: .cluster_id, value: .cluster_name}] +
		 [.jobs[] | {key: (.job_id | tostring), value: .settings.name}] +
		 [.cluster_policies[] | {key: .policy_id, value: .name}] +
		 [.instance_pools[] | {key: .instance_pool_id, value: .instance_pool_name}] +
		 [.sql_warehouses[] | {key: .id, value: .name}] +
		 [.queries[]? | {key: .id, value: .display_name}] +
		 [.alerts[]? | {key: .id, value: .display_name}] +
		 [.dashboards[]? | {key: .dashboard_id, value: .display_name}] +
		 [.pipelines[]? | {key: .pipeline_id, value: .name}] +
		 [.repos[] | {key: (.id | tostring), value: .path}] +
		 [.workspace[] | {key: (.object_id | tostring), value: .path}] | from_entries) as $obj |
		.permissions[] | . as $p | .access_control_list[] |
		select(.user_name != "admin@fake.local") |
		[$p.object_type, ($obj[$p.object_id | tostring] // "?"),
		 (.user_name // .group_name // ($sp[.service_principal_name] // .service_principal_name)),
		 .permission_level] | @tsv)' "$1" | sed "$2" | tr 'A-Z' 'a-z' | LC_ALL=C sort
}
perm_view az.json 's/@contoso\.com/@example.org/Ig' | grep -v "	?	" >perm.src
perm_view aws.json 's/x/x/' >perm.dst
# every source entry is in the target; the target may add only the owner
# the permissions API reports for an object with no ACL of its own
LC_ALL=C comm -23 perm.src perm.dst >perm.missing
LC_ALL=C comm -13 perm.src perm.dst >perm.extra
cut -f1,2 perm.src | LC_ALL=C sort -u >perm.objs
check "permissions are carried over, entry by entry" sh -c '[ -s perm.src ] && [ ! -s perm.missing ] || {
	sed "s/^/# missing: /" perm.missing | head -8; exit 1; }'
check "the target adds no entry but implicit owners" sh -c '
	while IFS="	" read -r t o who lvl; do
		[ "$lvl" = is_owner ] && ! grep -qxF "$t	$o" perm.objs || { echo "# extra: $t $o $who $lvl"; exit 1; }
	done <perm.extra'
check "every schedule, trigger and continuous run is paused" jq_ok '
	[.jobs[].settings | (.schedule, .trigger, .continuous) | select(. != null) | select(.pause_status != "PAUSED")] | length == 0' aws.json
for k in storage_credentials external_locations catalogs schemas volumes; do
	check "$k: as many in the target as in the source" test \
		"$(jq ".$k | length" aws.json)" -eq "$(jq ".$k | length" az.json)"
done
check "Unity Catalog storage is on S3, through the storage map" sh -c '
	! jq -c ".storage_credentials, .external_locations, .catalogs, .schemas, .volumes" aws.json | grep -Eq "abfss://|core\.windows\.net|azure_" &&
	jq -e "[.external_locations[].url | select(startswith(\"s3://contoso-\"))] | length == 2" aws.json >/dev/null &&
	jq -e "[.catalogs[] | select(.name == \"contoso_prod\") | .storage_root] == [\"s3://contoso-curated/uc/contoso_prod\"]" aws.json >/dev/null'
check "external Delta tables land; the others are manual follow-ups" sh -c '
	[ "$(jq -c "[.tables[] | .full_name] | sort" aws.json)" = "$(jq -c "[.tables[] | select(.table_type == \"EXTERNAL\" and .data_source_format == \"DELTA\") | .full_name] | sort" az.json)" ] &&
	[ "$(jq "[.tables[].storage_location | select(startswith(\"s3://contoso-raw/\"))] | length" aws.json)" -ge 1 ] &&
	[ "$(grep -c "\"kind\":\"tables\"" migration/e2e/import/manual.jsonl)" -eq $(($(jq ".tables | length" az.json) - $(jq ".tables | length" aws.json))) ]'
check "the storage credential is the mapped IAM role" jq_ok '
	[.storage_credentials[].aws_iam_role.role_arn] == ["arn:aws:iam::123456789012:role/contoso-uc-access"]' aws.json
uc_grants() {	# STATE: the grants on the migrated securables, one line per principal
	jq -r '(([.service_principals[] | {key: .applicationId, value: .displayName}] | from_entries) as $sp |
		.grants[] | select(.securable_type | IN("catalog", "schema", "volume", "external_location", "storage_credential")) |
		. as $g | .privilege_assignments[] |
		[$g.securable_type, $g.full_name, ($sp[.principal] // .principal), (.privileges | sort | join(","))] | @tsv)' "$1" |
		sed 's/@contoso\.com/@example.org/Ig' | tr 'A-Z' 'a-z' | sort
}
uc_grants az.json >grants.src
uc_grants aws.json >grants.dst
check "Unity Catalog grants are carried over, principal by principal" sh -c '[ -s grants.src ] && cmp -s grants.src grants.dst'
check "UC owners follow the users" jq_ok '
	[.catalogs[], .external_locations[] | .owner | select(test("@contoso"; "i"))] | length == 0' aws.json
check "validation found no difference" grep -q "no differences" migrate1.out
expect_exit 0 "data-plan of the migrated session" "$DBXMIG" data-plan --dir migration --session e2e
check "... plans both volumes' files and moves none" sh -c '
	grep -q "2 volume(s)" out.txt && grep -q "dbxmig moved no data" out.txt &&
	grep -q "2 table(s) through Delta Sharing, 2 by file copy, 1 without data" out.txt &&
	grep -qF -- "-- [copy] the files of abfss://raw@contosolake.dfs.core.windows.net/landing to s3://contoso-raw/landing" migration/e2e/data-plan.sql &&
	grep -qF "/Volumes/sandbox/churn/models (source) to /Volumes/sandbox/churn/models (target)" migration/e2e/data-plan.sql'

# a second migrate of the finished session: nothing is created
c0=$(creates "$aws_URL")
m0=$(mutations "$aws_URL")
expect_exit 0 "a second migrate exits 0" migrate
check "the second migrate creates nothing" test "$(creates "$aws_URL")" -eq "$c0"
check "the second migrate changes nothing" test "$(mutations "$aws_URL")" -eq "$m0"

# cutover: the target runs what the source ran; the source is paused
running=$(jq '[.jobs[].settings | (.schedule, .trigger, .continuous) | select(. != null) | select((.pause_status // "UNPAUSED") == "UNPAUSED")] | length' az.json)
expect_exit 0 "cutover exits 0" "$DBXMIG" cutover --dir migration --session e2e --profile AWS --source AZ
fake_state "$aws_URL" aws2.json
fake_state "$az_URL" az2.json
check "cutover un-paused in the target what ran in the source" test \
	"$(jq '[.jobs[].settings | (.schedule, .trigger, .continuous) | select(. != null) | select(.pause_status == "UNPAUSED")] | length' aws2.json)" -eq "$running"
check "cutover paused the source" jq_ok '
	[.jobs[].settings | (.schedule, .trigger, .continuous) | select(. != null) | select((.pause_status // "UNPAUSED") != "PAUSED")] | length == 0' az2.json
check "jobs paused in the source stay paused in the target" test \
	"$(jq '[.jobs[] | select(.settings.name == "hourly-kpis") | .settings.schedule.pause_status] | .[0]' aws2.json)" = '"PAUSED"'
m1=$(mutations "$aws_URL")
expect_exit 0 "a second cutover exits 0" "$DBXMIG" cutover --dir migration --session e2e --profile AWS --source AZ
check "a second cutover changes nothing" test "$(mutations "$aws_URL")" -eq "$m1"
done_testing
