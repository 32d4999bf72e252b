#!/bin/sh
# The HTML report: one self-contained page, well-formed (parsed as XML),
# every name escaped, and the counts of the table, the chart, the findings
# and the status banner agree with the JSON report.
. "$(dirname "$0")/../lib.sh"
SETTINGS=$ROOT/rules/validate.lua
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 is not installed"; exit 0; }

mk() {
	mkdir -p "mig/$1/export"
	[ -f "mig/$1/session.json" ] || echo '{}' >"mig/$1/session.json"
	cat >"mig/$1/export/$2.jsonl"
}
# Names that must be escaped: markup, quotes, ampersands.
mk A jobs <<'EOF'
{"key":"<script>alert(1)</script>","id":1,"object":{"settings":{"name":"<script>alert(1)</script>","tags":{"a&b":"\"q\" <i>"}}}}
{"key":"ok-job","id":2,"object":{"settings":{"name":"ok-job"}}}
{"key":"gone & lost","id":3,"object":{"settings":{"name":"gone & lost"}}}
EOF
mk B jobs <<'EOF'
{"key":"<script>alert(1)</script>","id":7,"object":{"settings":{"name":"<script>alert(1)</script>","tags":{"a&b":"'q' </i>"}}}}
{"key":"ok-job","id":8,"object":{"settings":{"name":"ok-job"}}}
EOF
mk A users <<'EOF'
{"key":"a@x.com","id":"1","object":{"userName":"a@x.com"}}
EOF
mk B users <<'EOF'
{"key":"A@X.com","id":"2","object":{"userName":"A@X.com"}}
EOF

"$DBXMIG" validate --dir mig --settings "$SETTINGS" --session A --against B --json r.json >out.txt 2>err.txt
check "differences: exit 1" [ $? = 1 ]
H=mig/A/report/index.html
check "report written" [ -s "$H" ]
check "text report names the page" contains out.txt "report: mig/A/report/index.html"

check "HTML parses and agrees with the JSON report" python3 "$ROOT/tests/validate/report_check.py" "$H" r.json
check "escaped markup appears as text" contains "$H" "&lt;script&gt;alert(1)&lt;/script&gt;"
check "escaped ampersand and quotes" contains "$H" "gone &amp; lost"
jqe() { jq -e "$@" >/dev/null; }
check "JSON: two findings (a value, a missing job; the e-mail user matched)" \
	jqe '.differences == 2 and ([.findings[].type] | sort) == ["MISSING_IN_TARGET", "VALUE_MISMATCH"]' r.json

# A clean comparison: the green banner and an empty findings section.
"$DBXMIG" validate --dir mig --settings "$SETTINGS" --session B --against B --json same.json >out.txt 2>err.txt
check "same session: exit 0" [ $? = 0 ]
check "clean HTML parses and agrees" python3 "$ROOT/tests/validate/report_check.py" mig/B/report/index.html same.json
check "clean banner" contains mig/B/report/index.html 'Migration validated: no differences'

done_testing
