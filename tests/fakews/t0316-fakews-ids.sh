#!/bin/sh
# One id allocator in the fake: --seed and --generate together (in either
# order on the command line), generating on top of a dump of a generated
# workspace, creating through the API, and a dump seeded back under the
# same --random-seed never give two objects of a kind the same id (nor the
# generator two objects the same name); every object answers to its id
# through the API.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"
jq_ok() { jq -e "$@" >/dev/null; }

SEED=$ROOT/fixtures/azure-workspace
# dump STATE DIR: a state dump as a seed directory, one file per kind
dump() {
	mkdir -p "$2"
	for k in $(jq -r 'to_entries[] | select(.value | type == "array") | .key' "$1"); do
		jq ".$k" "$1" >"$2/$k.json"
	done
}
# the id field of each collection of /__fake/state
IDS='{"users": "id", "groups": "id", "service_principals": "id", "instance_profiles": "instance_profile_arn",
	"cluster_policies": "policy_id", "instance_pools": "instance_pool_id", "clusters": "cluster_id",
	"jobs": "job_id", "repos": "id", "global_init_scripts": "script_id", "sql_warehouses": "id",
	"secrets": "name", "queries": "id", "alerts": "id", "dashboards": "dashboard_id", "sql_dashboards": "id",
	"catalogs": "name", "schemas": "full_name", "tables": "full_name", "volumes": "full_name",
	"external_locations": "name", "storage_credentials": "name", "hive_metastore": "name",
	"pipelines": "pipeline_id", "workspace": "object_id"}'
# no_dups STATE: no id twice in any collection, no generated name twice
no_dups() {
	jq -e --argjson ids "$IDS" '. as $s | all($ids | to_entries[]; . as $e |
		[$s[$e.key][]? | .[$e.value] | tostring] | length == (unique | length)) and
		all([.users[].userName | ascii_downcase], [.clusters[].cluster_name], [.jobs[].settings.name],
		    [.sql_warehouses[].name], [.queries[].display_name], [.pipelines[].name], [.workspace[].path];
		    length == (unique | length))' "$1" >/dev/null
}
# reachable STATE: GETs every object by its id; prints the ones that fail
reachable() {
	jq -r '
		(.users[] | "/api/2.0/preview/scim/v2/Users/\(.id)"),
		(.groups[] | "/api/2.0/preview/scim/v2/Groups/\(.id)"),
		(.service_principals[] | "/api/2.0/preview/scim/v2/ServicePrincipals/\(.id)"),
		(.cluster_policies[] | "/api/2.0/policies/clusters/get?policy_id=\(.policy_id)"),
		(.instance_pools[] | "/api/2.0/instance-pools/get?instance_pool_id=\(.instance_pool_id)"),
		(.clusters[] | "/api/2.1/clusters/get?cluster_id=\(.cluster_id)"),
		(.jobs[] | "/api/2.1/jobs/get?job_id=\(.job_id)"),
		(.repos[] | "/api/2.0/repos/\(.id)"),
		(.global_init_scripts[] | "/api/2.0/global-init-scripts/\(.script_id)"),
		(.sql_warehouses[] | "/api/2.0/sql/warehouses/\(.id)"),
		(.queries[] | "/api/2.0/sql/queries/\(.id)"),
		(.alerts[] | "/api/2.0/sql/alerts/\(.id)"),
		(.dashboards[] | "/api/2.0/lakeview/dashboards/\(.dashboard_id)"),
		(.sql_dashboards[] | "/api/2.0/preview/sql/dashboards/\(.id)"),
		(.pipelines[] | "/api/2.0/pipelines/\(.pipeline_id)"),
		(.storage_credentials[] | "/api/2.1/unity-catalog/storage-credentials/\(.name)"),
		(.external_locations[] | "/api/2.1/unity-catalog/external-locations/\(.name)"),
		(.catalogs[] | "/api/2.1/unity-catalog/catalogs/\(.name)"),
		(.schemas[] | "/api/2.1/unity-catalog/schemas/\(.full_name)"),
		(.tables[] | "/api/2.1/unity-catalog/tables/\(.full_name)"),
		(.volumes[] | "/api/2.1/unity-catalog/volumes/\(.full_name)"),
		(.workspace[] | "/api/2.0/workspace/get-status?path=\(.path | @uri)")' "$1" >paths.txt
	[ "$(grep -c . paths.txt)" -gt 100 ] || { echo "# only $(grep -c . paths.txt) objects"; return 1; }
	# one curl for them all: the status of each, in order
	sed "s|^|url = \"$FW|; s|\$|\"\noutput = /dev/null\nwrite-out = \"%{http_code} %{url_effective}\\\\n\"|" paths.txt >curl.cfg
	curl -s -H "Authorization: Bearer $FW_TOKEN" -K curl.cfg | grep -v '^200 ' | head -5 | sed 's/^/# not found: /' >bad.txt
	cat bad.txt
	[ ! -s bad.txt ]
}

start_fake a --cloud azure --generate scale=6 --seed "$SEED" --random-seed 3 || exit 1
start_fake b --cloud azure --seed "$SEED" --generate scale=6 --random-seed 3 || exit 1
fake_state() { curl -sf "$1/__fake/state" >"$2"; }
fake_state "$a_URL" a.json
fake_state "$b_URL" b.json
check "the order of --seed and --generate does not matter" cmp -s a.json b.json
check "seed + generate: no id twice in any collection" no_dups a.json
check "... and no id names both a principal and a workspace object or repo" jq_ok '
	([.users, .groups, .service_principals | length] | add) as $n |
	([.users[], .groups[], .service_principals[] | .id]) - ([.workspace[].object_id, .repos[].id | tostring]) |
	length == $n' a.json
check "... the seed's objects are all there" jq_ok --slurpfile q "$SEED/queries.json" --slurpfile j "$SEED/jobs.json" '
	([.queries[].id] | contains([$q[0][].id])) and ([.jobs[].job_id] | contains([$j[0][].job_id]))' a.json
FW=$a_URL
check "... every object answers to its id" reachable a.json

# generating on top of a dump of a generated workspace: the same names and
# the same --random-seed draw again, and must not collide
dump a.json seed2
start_fake c --cloud azure --seed seed2 --generate scale=6 --random-seed 3 || exit 1
fake_state "$c_URL" c.json
check "a dump of a generated workspace seeded and generated on: no id twice" no_dups c.json
check "... every kind grew by what was generated" jq_ok --slurpfile a a.json '
	(.users | length) - ($a[0].users | length) == 6 and (.jobs | length) - ($a[0].jobs | length) == 6 and
	(.queries | length) - ($a[0].queries | length) == 3 and (.catalogs | length) - ($a[0].catalogs | length) == 1 and
	(.tables | length) - ($a[0].tables | length) == 6 and (.pipelines | length) - ($a[0].pipelines | length) == 1 and
	(.hive_metastore | length) - ($a[0].hive_metastore | length) == 1' c.json
FW=$c_URL
check "... every object answers to its id" reachable c.json

# creates through the API take the next id above everything loaded
call POST /api/2.1/jobs/create '{"name": "after-load"}'
jid=$(jq .job_id body.json)
check "a created job's id is above every loaded job id" jq_ok --argjson n "$jid" '$n > ([.jobs[].job_id] | max)' c.json
call POST /api/2.0/preview/scim/v2/Users '{"userName": "new.one@example.com"}'
uid=$(jq -r .id body.json)
check "a created user's id is new" jq_ok --arg u "$uid" 'all(.users[], .groups[], .service_principals[]; .id != $u)' c.json

# a dump seeded back under the same --random-seed replays the same random
# draws: a pipeline created afterwards must still get an id of its own
start_fake p --cloud azure --random-seed 9 || exit 1
FW=$p_URL
call POST /api/2.0/pipelines '{"name": "first"}'
p1=$(jq -r .pipeline_id body.json)
fake_state "$p_URL" p.json
dump p.json seed3
start_fake r --cloud azure --seed seed3 --random-seed 9 || exit 1
FW=$r_URL
call POST /api/2.0/pipelines '{"name": "second"}'
p2=$(jq -r .pipeline_id body.json)
is 200 "a pipeline created after replaying the dump"
check "... has an id of its own" test -n "$p2" -a "$p2" != "$p1"
fake_state "$r_URL" r.json
check "... and both pipelines are there, each once" jq_ok '[.pipelines[].name] | sort == ["first", "second"]' r.json
done_testing
