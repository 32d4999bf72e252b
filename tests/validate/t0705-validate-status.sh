#!/bin/sh
# `dbxmig status` shows the last validation of the session after its
# per-kind table: "not validated yet" before validate; then when, against
# which target, objects checked, differences (count, the first few, where
# the rest are), follow-ups, the report and the --json file; the same
# under "validation" in `status --json`.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

mkdir seed
jq -n '[range(1; 8) | {job_id: (5000 + .), creator_user_name: "admin@fake.local",
	created_time: 1700000000000,
	settings: {name: "job-\(.)", max_concurrent_runs: 1, format: "MULTI_TASK",
		tasks: [{task_key: "t", spark_python_task: {python_file: "dbfs:/j/\(.).py"}}]}}]' >seed/jobs.json
identity_session seed s || exit 1
start_fake dst --cloud azure --token tok || exit 1
write_cfg cfg DST "$dst_URL" tok
expect_exit 0 "import" "$DBXMIG" import --profile DST --session s --rate-limit 0

expect_exit 0 "status before any validation" "$DBXMIG" status --session s
cp out.txt st0.txt
check "... keeps its lines (session, export, the table)" sh -c \
	'grep -q "^session s " st0.txt && grep -q "^export: " st0.txt && grep -q "^jobs  *7 " st0.txt'
check "... says not validated yet, after the table" sh -c \
	'tail -1 st0.txt | grep -qx "validation: not validated yet"'
expect_exit 0 "status --json" "$DBXMIG" status --session s --json
check "... has validation: null" jq_ok '.validation == null and .kinds.jobs.imported == 7' out.txt

V="$DBXMIG validate --profile DST --session s --settings $ROOT/rules/validate.lua --rate-limit 0"
expect_exit 0 "a clean validation" $V --json clean.json
expect_exit 0 "status after it" "$DBXMIG" status --session s
cp out.txt st1.txt
check "... names the time and the target" grep -Eq \
	"^validation: 20[0-9-]+T[0-9:]+Z against the target $dst_URL\$" st1.txt
check "... counts objects checked, differences and follow-ups" grep -Eq \
	'^  [0-9]+ object\(s\) checked, [0-9]+ validated, 0 difference\(s\), [0-9]+ manual follow-up\(s\)$' st1.txt
check "... the objects checked are those validate compared" sh -c '
	n=$(jq "[.kinds[].expected] | add" clean.json)
	grep -q "^  $n object(s) checked" st1.txt'
check "... gives the report and the JSON file" sh -c "
	grep -qx '  report: $T/migration/s/report/index.html' st1.txt &&
	grep -qx '  json: $T/clean.json' st1.txt && [ -s '$T/migration/s/report/index.html' ]"

# change every job in the target: 7 differences, status lists the first 5
for id in $(jq -r 'select(.kind == "jobs") | .target_id' migration/s/import/ids.jsonl); do
	curl -sf -H "Authorization: Bearer tok" -X POST "$dst_URL/api/2.1/jobs/update" \
		-d "{\"job_id\": $id, \"new_settings\": {\"max_concurrent_runs\": 4}}" >/dev/null
done
expect_exit 1 "validation of a changed target exits 1" $V
expect_exit 0 "status after it" "$DBXMIG" status --session s
cp out.txt st2.txt
check "... counts 7 differences" grep -Eq '^  [0-9]+ object\(s\) checked, [0-9]+ validated, 7 difference\(s\)' st2.txt
check "... lists the first 5, as validate prints them" sh -c '
	[ "$(grep -c "^  VALUE_MISMATCH jobs \"job-[1-7]\" settings.max_concurrent_runs: 1 → 4$" st2.txt)" -eq 5 ]'
check "... and where the other 2 are" grep -qx \
	"  (2 more: $T/migration/s/logs/validation_findings.jsonl)" st2.txt
check "... no JSON file this time" sh -c '! grep -q "^  json:" st2.txt'
expect_exit 0 "status --json after it" "$DBXMIG" status --session s --json
check "... validation: target, counts, first differences, paths" jq_ok --arg u "$dst_URL" --arg r "$T/migration/s/report/index.html" '
	.validation | .target == $u and .differences == 7 and .objects > 0 and .stale == false and
	(.first_differences | length == 5 and all(.type == "VALUE_MISMATCH" and .kind == "jobs" and .expected == 1 and .actual == 4)) and
	.report == $r and (.findings | endswith("logs/validation_findings.jsonl"))' out.txt

sleep 1	# session times have whole seconds: the import must finish in a later one
expect_exit 0 "a later import" "$DBXMIG" import --profile DST --session s --rate-limit 0
expect_exit 0 "status after a later import" "$DBXMIG" status --session s
check "... says the validation predates it" grep -q "import ran after this validation" out.txt
done_testing
