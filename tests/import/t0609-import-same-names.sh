#!/bin/sh
# Names that repeat (jobs, clusters): the source holds 3 jobs named
# "nightly" and 2 clusters named "shared", the target already holds 1
# "nightly". Import pairs source and target objects of one name one to
# one (source by id ascending <-> target by id ascending, targets the
# journal holds skipped) and creates the rest: the target ends with 3
# jobs and 2 clusters of those names, each source id journaled to its own
# target id; a second import creates nothing; validate finds nothing; an
# import killed at several moments and resumed ends the same.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

mkdir seed pre
cat >seed/jobs.json <<'J'
[
 {"job_id": 1103, "creator_user_name": "admin@fake.local", "created_time": 1700000000000,
  "settings": {"name": "nightly", "max_concurrent_runs": 3, "format": "MULTI_TASK",
   "tasks": [{"task_key": "c", "spark_python_task": {"python_file": "dbfs:/jobs/c.py"}}]}},
 {"job_id": 1101, "creator_user_name": "admin@fake.local", "created_time": 1700000000000,
  "settings": {"name": "nightly", "max_concurrent_runs": 1, "format": "MULTI_TASK",
   "tasks": [{"task_key": "a", "spark_python_task": {"python_file": "dbfs:/jobs/a.py"}}]}},
 {"job_id": 1102, "creator_user_name": "admin@fake.local", "created_time": 1700000000000,
  "settings": {"name": "nightly", "max_concurrent_runs": 2, "format": "MULTI_TASK",
   "tasks": [{"task_key": "b", "spark_python_task": {"python_file": "dbfs:/jobs/b.py"}}]}},
 {"job_id": 1200, "creator_user_name": "admin@fake.local", "created_time": 1700000000000,
  "settings": {"name": "weekly", "max_concurrent_runs": 1, "format": "MULTI_TASK",
   "tasks": [{"task_key": "w", "spark_python_task": {"python_file": "dbfs:/jobs/w.py"}}]}}
]
J
cat >seed/clusters.json <<'J'
[
 {"cluster_id": "0101-000000-shrd0002", "cluster_name": "shared", "spark_version": "14.3.x-scala2.12",
  "node_type_id": "Standard_DS3_v2", "num_workers": 2, "autotermination_minutes": 30,
  "azure_attributes": {"availability": "ON_DEMAND_AZURE", "first_on_demand": 1, "spot_bid_max_price": -1},
  "enable_elastic_disk": true, "cluster_source": "UI", "state": "TERMINATED"},
 {"cluster_id": "0101-000000-shrd0001", "cluster_name": "shared", "spark_version": "14.3.x-scala2.12",
  "node_type_id": "Standard_DS3_v2", "num_workers": 1, "autotermination_minutes": 60,
  "azure_attributes": {"availability": "ON_DEMAND_AZURE", "first_on_demand": 1, "spot_bid_max_price": -1},
  "enable_elastic_disk": true, "cluster_source": "UI", "state": "TERMINATED"}
]
J
cat >pre/jobs.json <<'J'
[
 {"job_id": 9000, "creator_user_name": "admin@fake.local", "created_time": 1700000000000,
  "settings": {"name": "nightly", "max_concurrent_runs": 9, "format": "MULTI_TASK",
   "tasks": [{"task_key": "old", "spark_python_task": {"python_file": "dbfs:/jobs/old.py"}}]}}
]
J
identity_session seed s || exit 1
start_fake dst --cloud azure --token tok --seed pre || exit 1
write_cfg cfg DST "$dst_URL" tok
cp -r migration/s migration/k

expect_exit 0 "import into a target that already holds one 'nightly' exits 0" \
	"$DBXMIG" import --profile DST --session s --rate-limit 0
fake_state "$dst_URL" st.json
check "the target holds exactly 3 jobs named nightly" jq_ok \
	'[.jobs[] | select(.settings.name == "nightly")] | length == 3' st.json
check "... and exactly 2 clusters named shared" jq_ok \
	'[.clusters[] | select(.cluster_name == "shared")] | length == 2' st.json
check "each source job's content is on its own target job" jq_ok \
	'[.jobs[] | select(.settings.name == "nightly") | .settings.max_concurrent_runs] | sort == [1, 2, 3]' st.json
check "the lowest source id took the existing target job (ids ascending)" jq_ok -s \
	'[.[] | select(.kind == "jobs" and .source_id == "1101") | .target_id] == ["9000"]' \
	migration/s/import/ids.jsonl
check "the journal maps every source job and cluster to a target id of its own" jq_ok -s '
	[.[] | select(.kind == "jobs" or .kind == "clusters")] |
	(map(.source_id) | unique | length) == 6 and
	(map(.kind + "/" + .target_id) | unique | length) == 6' migration/s/import/ids.jsonl

c0=$(creates "$dst_URL") m0=$(mutations "$dst_URL")
expect_exit 0 "a second import exits 0" "$DBXMIG" import --profile DST --session s --rate-limit 0
check "... and creates nothing" test "$(creates "$dst_URL")" -eq "$c0"
check "... and changes nothing" test "$(mutations "$dst_URL")" -eq "$m0"
check "the dry run plans nothing either" sh -c "
	'$DBXMIG' import --profile DST --session s --rate-limit 0 --dry-run >dry.txt &&
	! grep -E '^(create|update) ' dry.txt"

expect_exit 0 "validate finds no difference" "$DBXMIG" validate --profile DST --session s \
	--settings "$ROOT/rules/validate.lua" --rate-limit 0
cp out.txt validate.out
check "validate compared the 4 jobs and 2 clusters" sh -c '
	awk "\$1 == \"jobs\" && / 4 / { j = 1 } \$1 == \"clusters\" && / 2 / { c = 1 } END { exit !(j && c) }" validate.out'

# killed at several moments, one request at a time against a slow target
start_fake slow --cloud azure --token tok --seed pre --latency-ms 30 || exit 1
write_cfg cfg SLOW "$slow_URL" tok
kill_during "60 130 200 270 340" "$DBXMIG" import --profile SLOW --session k --rate-limit 0 --parallel 1 \
	--only jobs,clusters
check "the import was killed mid-run at least once" test "$kills" -ge 1
expect_exit 0 "the resumed import exits 0" \
	"$DBXMIG" import --profile SLOW --session k --rate-limit 0 --only jobs,clusters
fake_state "$slow_URL" killed.json
check "after kills and a resume the target holds 3 nightly jobs and 2 shared clusters" jq_ok '
	([.jobs[] | select(.settings.name == "nightly")] | length == 3) and
	([.clusters[] | select(.cluster_name == "shared")] | length == 2)' killed.json
check "... each with a target id of its own in the journal" jq_ok -s '
	[.[] | select(.kind == "jobs" or .kind == "clusters")] |
	[group_by(.kind + "/" + .source_id)[] | last] |
	(map(.kind + "/" + .target_id) | unique | length) == 6' migration/k/import/ids.jsonl
done_testing
