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

cat >check_html.py <<'EOF'
import json, re, sys
import xml.etree.ElementTree as ET

html, rep = sys.argv[1], json.load(open(sys.argv[2]))
text = open(html, encoding="utf-8").read()
fails = []
def need(cond, what):
    if not cond:
        fails.append(what)

root = ET.fromstring(text.split("\n", 1)[1])   # the doctype line aside: must parse as XML
need(root.tag == "html", "root element is html")
# self-contained: nothing fetched
need(not re.search(r'(src|href)\s*=', text), "no src/href attributes")
need("@import" not in text and "url(" not in text, "no CSS imports or url()")
need(root.find("head/style") is not None, "inline style")
need(text.count("<script") == 0, "no script element (names are escaped)")
body = root.find("body")
hdr = body.find("header")
need(hdr.get("data-differences") == str(rep["differences"]), "banner count = JSON count")
need(hdr.get("class") == ("ok" if rep["ok"] else "bad"), "banner class")
rows = {tr.get("data-kind"): [td.text for td in tr.findall("td")]
        for tr in root.iter("tr") if tr.get("data-kind")}
for k in rep["kinds"]:
    cells = rows.get(k["kind"])
    need(cells is not None, "table row for " + k["kind"])
    if cells:
        for i, col in enumerate(["source", "exported", "transformed", "imported", "failed",
                                 "validated", "differences"]):
            want = "-" if k[col] is None else str(k[col])
            need(cells[i + 1] == want, "%s %s: %s != %s" % (k["kind"], col, cells[i + 1], want))
svg = [e for e in root.iter() if e.tag.endswith("svg")]
need(len(svg) == 1, "one inline svg chart")
bars = [e for e in root.iter() if e.tag.endswith("rect") and e.get("data-series")]
need(len(bars) == 7 * len(rep["kinds"]), "seven bars per kind")
for b in bars:
    k = [x for x in rep["kinds"] if x["kind"] == b.get("data-kind")][0]
    v = k[b.get("data-series")] or 0
    need(b.get("data-value") == str(v), "bar %s/%s" % (b.get("data-kind"), b.get("data-series")))
    need((int(b.get("width")) > 0) == (v > 0), "bar width follows its value")
found = [tr for tr in root.iter("tr") if tr.get("class") == "finding"]
need(len(found) == len(rep["findings"]), "one table row per finding")
keys = ["".join(tr.findall("td")[2].itertext()) for tr in found]
for f in rep["findings"]:
    need(f["key"] in keys, "finding for " + f["key"])
if fails:
    print("\n".join("# " + f for f in fails))
    sys.exit(1)
EOF
check "HTML parses and agrees with the JSON report" python3 check_html.py "$H" r.json
check "escaped markup appears as text" contains "$H" "&lt;script&gt;alert(1)&lt;/script&gt;"
check "escaped ampersand and quotes" contains "$H" "gone &amp; lost"
check "JSON: two findings (a value, a missing job; the e-mail user matched)" \
	jq -e '.differences == 2 and ([.findings[].type] | sort) == ["MISSING_IN_TARGET", "VALUE_MISMATCH"]' r.json >/dev/null

# A clean comparison: the green banner and an empty findings section.
"$DBXMIG" validate --dir mig --settings "$SETTINGS" --session B --against B --json same.json >out.txt 2>err.txt
check "same session: exit 0" [ $? = 0 ]
check "clean HTML parses and agrees" python3 check_html.py mig/B/report/index.html same.json
check "clean banner" contains mig/B/report/index.html 'Migration validated: no differences'

done_testing
