#!/bin/sh
# transform over a hand-made session: mapped/ records, audit, warnings,
# drops, failures (exit 3), lint, --check, --dry-run, idempotence, several
# rule files in order, JSON fidelity of the records.
. "$(dirname "$0")/../lib.sh"

S=mig/s
mkdir -p $S/export
printf '{"source":{"cloud":"azure","host":"https://adb-1.azuredatabricks.net"}}\n' >$S/session.json
cat >$S/export/jobs.jsonl <<'J'
{"key":"101","id":101,"object":{"job_id":101,"creator_user_name":"a@old.com","settings":{"name":"etl","job_clusters":[{"job_cluster_key":"m","new_cluster":{"node_type_id":"Standard_DS3_v2","num_workers":2,"spark_conf":{},"ssh_public_keys":[]}}],"tasks":[{"task_key":"t","notebook_task":{"notebook_path":"/Users/a@old.com/etl"}}],"timeout_seconds":0,"ratio":1.0,"schedule":null},"created_time":1125899906842624}}
{"key":"102","id":102,"object":{"job_id":102,"settings":{"name":"bad","tasks":[{"task_key":"t","new_cluster":{"node_type_id":"Standard_X"}}]}}}
{"key":"103","id":103,"object":{"job_id":103,"settings":{"name":"obsolete"}}}
{"key":"104","id":104,"object":{"job_id":104,"settings":{"name":"warned"}}}
J
cat >$S/export/clusters.jsonl <<'J'
{"key":"c1","id":"c1","object":{"cluster_id":"c1","cluster_name":"left","node_type_id":"Standard_DS3_v2","azure_attributes":{"availability":"SPOT_AZURE"}}}
J
cat >$S/export/workspace.jsonl <<'J'
{"key":"/Users/a@old.com/nb","id":77,"object":{"path":"/Users/a@old.com/nb","object_type":"NOTEBOOK","language":"PYTHON","object_id":77}}
J
cp -r $S/export export.orig
cat >tr.lua <<'L'
local nodes = { Standard_DS3_v2 = "m5d.xlarge" }
return {
	cluster_spec = function(s)
		if s.node_type_id then
			s.node_type_id = nodes[s.node_type_id] or error("unknown node type '" .. s.node_type_id .. "'")
		end
	end,
	path = function(p) return (p:gsub("@old%.com", "@new.com")) end,
	principal = function(n) return (n:gsub("@old%.com$", "@new.com")) end,
	job = function(j)
		if j.settings.name == "obsolete" then dbx.drop("obsolete job") end
		if j.settings.name == "warned" then dbx.warn("check me") end
	end,
	lint = {
		{ key = "^azure_attributes$", message = "Azure attributes left" },
		{ value = "^Standard_", message = "Azure node type" },
	},
}
L
cat >second.lua <<'L'
return { job = function(j) if j.settings.job_clusters then j.settings.seen = j.settings.job_clusters[1].new_cluster.node_type_id end end }
L
run() { "$DBXMIG" transform --dir mig --session s "$@"; }

expect_exit 3 "a rule error fails the run with exit 3" run --rules tr.lua --rules second.lua
check "the other objects were written" test "$(wc -l <$S/mapped/jobs.jsonl)" -eq 2
check "key order and big ids kept" grep -q '^{"key":"101","id":101,"object":{"job_id":101,"creator_user_name":"a@new.com","settings":{"name":"etl","job_clusters":\[{"job_cluster_key":"m","new_cluster":{"node_type_id":"m5d.xlarge","num_workers":2,"spark_conf":{},"ssh_public_keys":\[\]}}\]' $S/mapped/jobs.jsonl
check "floats, nulls and 2^50 survive" grep -q '"timeout_seconds":0,"ratio":1.0,"schedule":null,"seen":"m5d.xlarge"},"created_time":1125899906842624}}$' $S/mapped/jobs.jsonl
check "the second rule file saw the first's output" contains $S/mapped/jobs.jsonl '"seen":"m5d.xlarge"'
check "the failure is logged" contains $S/logs/failed_transform_jobs.jsonl '"key":"102"'
check "... with object, path and message" contains $S/logs/failed_transform_jobs.jsonl "tr.lua:5: job 102 (\\\"bad\\\"), settings.tasks[0].new_cluster: unknown node type 'Standard_X'"
check "the dropped job is not mapped" sh -c "! grep -q '\"key\":\"103\"' $S/mapped/jobs.jsonl"
check "dropped.jsonl says why" contains $S/mapped/dropped.jsonl '{"key":"103","kind":"job","file":"tr.lua","reason":"obsolete job"}'
check "warnings.jsonl" contains $S/mapped/warnings.jsonl '{"key":"104","kind":"job","file":"tr.lua","where":"","message":"check me"}'
check "audit names file, hook, path, before, after" contains $S/mapped/audit.jsonl \
	'{"kind":"job","key":"101","file":"tr.lua","hook":"cluster_spec","path":"settings.job_clusters[0].new_cluster.node_type_id","before":"Standard_DS3_v2","after":"m5d.xlarge"}'
check "audit of a path hook" contains $S/mapped/audit.jsonl '"hook":"path","path":"settings.tasks[0].notebook_task.notebook_path","before":"/Users/a@old.com/etl","after":"/Users/a@new.com/etl"'
check "audit of a handler" contains $S/mapped/audit.jsonl '"file":"second.lua","hook":"job","path":"settings.seen","after":"m5d.xlarge"'
check "notebook renamed, source path kept" contains $S/mapped/workspace.jsonl '"path":"/Users/a@new.com/nb","object_type":"NOTEBOOK","language":"PYTHON","object_id":77},"source_path":"/Users/a@old.com/nb"}'
check "lint finding for a key" contains $S/mapped/lint.txt 'cluster c1 azure_attributes: Azure attributes left'
check "export/ untouched" diff -r export.orig $S/export
check "session.json records the rules" contains $S/session.json '"file":	"tr.lua"'
check "... with a content hash" contains $S/session.json '"hash":	"fnv1a64:'
cp $S/mapped/jobs.jsonl jobs.1
cp $S/mapped/audit.jsonl audit.1
expect_exit 3 "re-run" run --rules tr.lua --rules second.lua
check "re-running gives the same mapped/ (idempotent)" cmp jobs.1 $S/mapped/jobs.jsonl
check "... and the same audit" cmp audit.1 $S/mapped/audit.jsonl
check "... and one failure line, not two" test "$(wc -l <$S/logs/failed_transform_jobs.jsonl)" -eq 1

expect_exit 1 "--check exits 1 on findings" run --rules tr.lua --check
check "--check lists them" contains out.txt 'cluster c1 azure_attributes: Azure attributes left'

printf 'return { job = function( }\n' >broken.lua
expect_exit 3 "a rule file that fails to load: exit 3" run --rules broken.lua
check "... with file:line" contains err.txt 'broken.lua:1:'
check "... and nothing written" cmp jobs.1 $S/mapped/jobs.jsonl

rm -rf $S/mapped
expect_exit 3 "dry run" run --rules tr.lua --dry-run
check "dry run writes nothing" test ! -e $S/mapped
check "dry run shows the diff" contains out.txt '  - settings.job_clusters[0].new_cluster.node_type_id: "Standard_DS3_v2"'
check "... before and after" contains out.txt '  + settings.job_clusters[0].new_cluster.node_type_id: "m5d.xlarge"'
check "... the drop" contains out.txt 'dropped: obsolete job'
check "... and a summary" contains out.txt 'dry run: 6 objects, 3 would change, 1 dropped, 1 warning, 1 failed'
check "no colour when not a TTY" sh -c "! grep -q \"$(printf '\033')\" out.txt"

grep -v '"102"' $S/export/jobs.jsonl >j && mv j $S/export/jobs.jsonl
expect_exit 0 "without the bad object: exit 0" run --rules tr.lua
check "stale failure log removed" test ! -e $S/logs/failed_transform_jobs.jsonl
expect_exit 2 "no --rules" run
expect_exit 2 "no such session" "$DBXMIG" transform --dir mig --session nope --rules tr.lua
done_testing
