# tests/validate/report_check.py HTML JSON: checks the validate HTML report
# against the --json report of the same run (used by the validate tests):
# well-formed (parsed as XML), self-contained, names escaped, and the
# banner, the per-kind table, the chart's bars, the findings and the
# follow-ups agree with the JSON. Prints "# why" lines and exits 1 on any
# disagreement.
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
need(hdr.get("class") == ("ok" if rep["complete"] else "bad"), "banner class")
need(hdr.get("data-failed") == str(rep["failed"]), "banner failed count = JSON count")
need(rep["complete"] == (rep["differences"] == 0 and rep["failed"] == 0), "complete")
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
fus = [tr for tr in root.iter("tr") if tr.get("class") == "followup"]
need(len(fus) == len(rep["followups"]), "one table row per follow-up")
need(hdr.get("data-followups") == str(len(rep["followups"])), "banner follow-up count")
for li in root.iter("li"):
    if li.get("data-category"):
        n = len([f for f in rep["followups"] if f["category"] == li.get("data-category")])
        need(li.get("data-count") == str(n), "follow-up summary for " + li.get("data-category"))
found = [tr for tr in root.iter("tr") if tr.get("class") == "finding"]
need(len(found) == len(rep["findings"]), "one table row per finding")
keys = ["".join(tr.findall("td")[2].itertext()) for tr in found]
for f in rep["findings"]:
    need(f["key"] in keys, "finding for " + f["key"])
if fails:
    print("\n".join("# " + f for f in fails))
    sys.exit(1)
