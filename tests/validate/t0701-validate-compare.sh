#!/bin/sh
# validate --against: two hand-built sessions compared with the shipped
# rules/validate.lua. Each finding type named precisely; nulls, empty and
# missing kinds, nested lists, sets and e-mail case never crash or count.
. "$(dirname "$0")/../lib.sh"
SETTINGS=$ROOT/rules/validate.lua

mk() {	# SESSION KIND: JSONL from stdin into mig/SESSION/export/KIND.jsonl
	mkdir -p "mig/$1/export"
	[ -f "mig/$1/session.json" ] || echo '{}' >"mig/$1/session.json"
	cat >"mig/$1/export/$2.jsonl"
}
jqe() { jq -e "$@" >/dev/null; }
val() { "$DBXMIG" validate --dir mig --settings "$SETTINGS" "$@"; }

# --- A and B hold the same workspace, written differently -------------
mk A jobs <<'EOF'
{"key":"nightly","id":381726354091827,"object":{"job_id":381726354091827,"creator_user_name":"Bob.Smith@contoso.com","created_time":1,"settings":{"name":"nightly","email_notifications":{"on_failure":["Bob.Smith@contoso.com","carol@contoso.com"]},"tasks":[{"task_key":"a","libraries":[{"pypi":{"package":"x"}},{"jar":"dbfs:/j.jar"}],"new_cluster":{"node_type_id":"i3.xlarge","spark_conf":{"spark.x.y":"1"},"custom_tags":null}},{"task_key":"b","depends_on":[{"task_key":"a"}]}]},"access_control_list":[{"user_name":"Bob.Smith@contoso.com","all_permissions":[{"permission_level":"IS_OWNER","inherited":false}]},{"group_name":"eng","all_permissions":[{"permission_level":"CAN_MANAGE_RUN","inherited":false}]}]}}
EOF
mk B jobs <<'EOF'
{"key":"nightly","id":1099511627776001,"object":{"job_id":1099511627776001,"creator_user_name":"admin@aws.com","created_time":2,"settings":{"name":"nightly","max_concurrent_runs":1,"email_notifications":{"on_failure":["carol@contoso.com","bob.smith@contoso.com"]},"tasks":[{"task_key":"b","depends_on":[{"task_key":"a"}]},{"task_key":"a","libraries":[{"jar":"dbfs:/j.jar"},{"pypi":{"package":"x"}}],"new_cluster":{"node_type_id":"i3.xlarge","spark_conf":{"spark.x.y":"1"}}}]},"access_control_list":[{"group_name":"eng","display_name":"eng","all_permissions":[{"permission_level":"CAN_MANAGE_RUN","inherited":false}]},{"user_name":"bob.smith@contoso.com","all_permissions":[{"permission_level":"IS_OWNER","inherited":false}]}]}}
EOF
mk A instance_profiles <<'EOF'
{"key":"arn:aws:iam::1:instance-profile/a","id":null,"object":{"instance_profile_arn":"arn:aws:iam::1:instance-profile/a","iam":null}}
EOF
mk B instance_profiles <<'EOF'
{"key":"arn:aws:iam::1:instance-profile/a","id":null,"object":{"instance_profile_arn":"arn:aws:iam::1:instance-profile/a"}}
EOF
mk A groups <<'EOF'
{"key":"eng","id":"11","object":{"id":"11","displayName":"eng","members":[{"value":"21","display":"Bob"},{"value":"22"}]}}
{"key":"admins","id":"1","object":{"id":"1","displayName":"admins"}}
EOF
mk B groups <<'EOF'
{"key":"eng","id":"91","object":{"id":"91","displayName":"eng","members":[{"value":"72"},{"value":"71","display":"bob"}]}}
{"key":"admins","id":"2","object":{"id":"2","displayName":"admins","members":[{"value":"5"}]}}
EOF
mk A users <<'EOF'
{"key":"Bob.Smith@contoso.com","id":"21","object":{"id":"21","userName":"Bob.Smith@contoso.com","emails":[{"value":"Bob.Smith@contoso.com","primary":true}]}}
{"key":"carol@contoso.com","id":"22","object":{"id":"22","userName":"carol@contoso.com"}}
EOF
mk B users <<'EOF'
{"key":"bob.smith@contoso.com","id":"71","object":{"id":"71","userName":"bob.smith@contoso.com","emails":[{"primary":true,"value":"bob.smith@contoso.com"}]}}
{"key":"carol@contoso.com","id":"72","object":{"id":"72","userName":"carol@contoso.com"}}
EOF
# a notebook: its content (a blob, named as store.c names it) compared too
for S in A B; do
	mk $S workspace <<'EOF'
{"key":"/nb","id":5,"object":{"path":"/nb","object_type":"NOTEBOOK","language":"PYTHON","object_id":5}}
{"key":"/dir","id":6,"object":{"path":"/dir","object_type":"DIRECTORY","object_id":6}}
EOF
	mkdir -p "mig/$S/export/blobs/%.d"
	printf 'print(1)\nx = 1\n' >"mig/$S/export/blobs/%.d/nb.b"
done
mk A clusters </dev/null		# an empty kind on one side ...
mk A sql_warehouses </dev/null	# ... and on both
mk B sql_warehouses </dev/null	# (repos: missing on both sides)

expect_exit 0 "equal sessions: exit 0" val --session A --against B --json same.json
check "text report says no differences" contains out.txt "no differences"
check "JSON: ok, zero differences" jqe '.ok == true and .differences == 0 and (.findings | length) == 0' same.json
check "JSON: users matched across e-mail case" \
	jqe '.kinds[] | select(.kind == "users") | .validated == 2 and .differences == 0' same.json
check "JSON: jobs validated with nulls, sets, keyed tasks, e-mails" \
	jqe '.kinds[] | select(.kind == "jobs") | .validated == 1 and .differences == 0' same.json
check "JSON: groups members compared through ids, admins ignored" \
	jqe '.kinds[] | select(.kind == "groups") | .validated == 1 and .differences == 0' same.json
check "JSON: instance profile with iam null validated" \
	jqe '.kinds[] | select(.kind == "instance_profiles") | .validated == 1' same.json
check "JSON: notebook content compared equal" \
	jqe '.kinds[] | select(.kind == "workspace") | .validated == 2 and .differences == 0' same.json
check "JSON: empty kinds listed with zeros" \
	jqe '[.kinds[] | select(.kind == "clusters" or .kind == "sql_warehouses") | .differences] == [0, 0]' same.json
check "JSON: a kind missing on both sides is not listed" jqe '[.kinds[].kind] | index("repos") == null' same.json

# --- C: B with one change of each type ----------------------------------
mkdir -p mig/C
cp -r mig/B/session.json mig/B/export mig/C/
# a node type changed, a library dropped (a set element), a task added
jq -c 'if .key == "nightly" then
	.object.settings.tasks[1].new_cluster.node_type_id = "m5.large" |
	.object.settings.tasks[1].libraries |= map(select(.jar == null)) |
	.object.settings.tasks += [{"task_key": "c"}] |
	.object.settings.max_concurrent_runs = "1" |
	.object.access_control_list |= map(select(.group_name != "eng")) else . end' \
	mig/B/export/jobs.jsonl >mig/C/export/jobs.jsonl
# a notebook edited in the target
printf 'print(1)\nx = 2\n' >"mig/C/export/blobs/%.d/nb.b"
# a user gone, a user added
grep -v carol mig/B/export/users.jsonl >mig/C/export/users.jsonl
echo '{"key":"mallory@evil.com","id":"79","object":{"id":"79","userName":"mallory@evil.com"}}' >>mig/C/export/users.jsonl

expect_exit 1 "differences: exit 1" val --session A --against C --json diff.json
for line in \
	'VALUE_MISMATCH jobs "nightly" settings.tasks[task_key="a"].new_cluster.node_type_id: "i3.xlarge" → "m5.large"' \
	'MISSING_IN_TARGET jobs "nightly" settings.tasks[task_key="a"].libraries[{"jar":"dbfs:/j.jar"}]' \
	'UNEXPECTED_IN_TARGET jobs "nightly" settings.tasks[task_key="c"]: found {"task_key":"c"}' \
	'TYPE_MISMATCH jobs "nightly" settings.max_concurrent_runs: 1 → "1"' \
	'MISSING_IN_TARGET jobs "nightly" access_control_list[{"all_permissions":[{"inherited":false,"permission_level":"CAN_MANAGE_RUN"}],"group_name":"eng"}]' \
	'MISSING_IN_TARGET users "carol@contoso.com"' \
	'VALUE_MISMATCH workspace "/nb" content: "15 bytes, line 2: x = 1" → "15 bytes, line 2: x = 2"' \
	'UNEXPECTED_IN_TARGET users "mallory@evil.com"'; do
	check "names: $line" contains out.txt "$line"
done
table=$(grep -n '^kind ' out.txt | cut -d: -f1) list=$(grep -n '^jobs: ' out.txt | cut -d: -f1)
check "counts first: the table comes before the findings" [ "${table:-99}" -lt "${list:-0}" ]
check "JSON lists the same findings with kind, key, path" \
	jqe '[.findings[] | select(.kind == "jobs" and .key == "nightly")] | length == 5' diff.json
check "JSON: the type mismatch keeps both values typed" \
	jqe '.findings[] | select(.type == "TYPE_MISMATCH") | .expected == 1 and .actual == "1"' diff.json
check "session log of the differences" \
	sh -c '[ "$(wc -l <mig/A/logs/validation_findings.jsonl)" = "$(jq ".findings | length" diff.json)" ]'
check "session.json records the validation" \
	jqe '.validate.mode == "against" and .validate.differences > 0' mig/A/session.json

# --- errors ----------------------------------------------------------------
expect_exit 2 "unknown session: exit 2" val --session nope --against B
check "names the directory" contains err.txt "nope"
expect_exit 2 "--against with --profile: usage" val --session A --against B --profile X
expect_exit 2 "target mode without mapped/: exit 2" val --session A --profile X
check "says what to run first" contains err.txt "nothing to validate: the session has no mapped/ records"
expect_exit 2 "no --session: usage" "$DBXMIG" validate --profile X
check "names the missing option" contains err.txt "--session"
expect_exit 2 "unknown kind in --only: usage" val --session A --against B --only jbos
printf 'return {\n  jobs = { ignore = {"a..b"} },\n}\n' >bad1.lua
expect_exit 3 "bad path in settings: exit 3" "$DBXMIG" validate --dir mig --settings bad1.lua --session A --against B
check "names file, kind, field and path" contains err.txt "bad1.lua: jobs.ignore[1]: bad path 'a..b'"
printf 'return {\n  jobz = {},\n}\n' >bad2.lua
expect_exit 3 "unknown kind in settings: exit 3" "$DBXMIG" validate --dir mig --settings bad2.lua --session A --against B
check "names the unknown kind" contains err.txt "unknown kind 'jobz'"
printf 'local t = {}\nreturn { jobs = { ignore = { t.x.y } } }\n' >bad3.lua
expect_exit 3 "runtime error in settings: exit 3" "$DBXMIG" validate --dir mig --settings bad3.lua --session A --against B
check "error carries file:line" contains err.txt "bad3.lua:2:"
printf 'return { jobs = { ignore = { os.getenv("HOME") } } }\n' >bad4.lua
expect_exit 3 "sandbox: no os library" "$DBXMIG" validate --dir mig --settings bad4.lua --session A --against B
check "unknown global named" contains err.txt "undeclared global 'os'"
printf 'while true do end\n' >bad5.lua
expect_exit 3 "sandbox: runaway settings stopped" "$DBXMIG" validate --dir mig --settings bad5.lua --session A --against B
check "instruction limit named" contains err.txt "instruction limit"
printf 'while true do pcall(function() while true do end end) end\n' >bad7.lua
expect_exit 3 "sandbox: a pcall cannot swallow the limit" "$DBXMIG" validate --dir mig --settings bad7.lua --session A --against B
printf 'return { jobs = { ignore = { ("x"):rep(1 << 27) } } }\n' >bad6.lua
expect_exit 3 "sandbox: memory ceiling" "$DBXMIG" validate --dir mig --settings bad6.lua --session A --against B
check "out of memory named with the file" grep -q 'bad6.lua: .*memory' err.txt
expect_exit 2 "missing settings file: exit 2" "$DBXMIG" validate --dir mig --settings none.lua --session A --against B

# --- the default settings file: ./rules/validate.lua -------------------------
mkdir -p rules && cp "$SETTINGS" rules/
expect_exit 0 "default settings from ./rules/validate.lua" "$DBXMIG" validate --dir mig --session A --against B

done_testing
