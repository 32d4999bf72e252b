#!/bin/sh
# Every example in docs/RULES.md runs: blocks tagged example=NAME (the rule
# file), input=NAME, expected=NAME, error=NAME, warn=NAME become a rule
# test case; file=NAME blocks are files beside the rule file.
. "$(dirname "$0")/../lib.sh"

awk -v out="$T/doc" '
/^```[a-z]+ [a-z]+=[A-Za-z0-9_.-]+$/ {
	split($2, kv, "="); what = kv[1]; name = kv[2]
	if (what == "example") f = out "/" name "/" name ".lua"
	else if (what == "input") f = out "/" name "/cases/" name ".input.json"
	else if (what == "expected") f = out "/" name "/cases/" name ".expected.json"
	else if (what == "error") f = out "/" name "/cases/" name ".expected-error.txt"
	else if (what == "warn") f = out "/" name "/cases/" name ".expected-warn.txt"
	else if (what == "file") f = out "/files/" name
	else { print "unknown block " what > "/dev/stderr"; exit 1 }
	d = f; sub(/\/[^\/]*$/, "", d); system("mkdir -p \"" d "\"")
	inblock = 1; next
}
/^```$/ { if (inblock) { close(f); inblock = 0 }; next }
inblock { print > f }
' "$ROOT/docs/RULES.md"
check "examples extracted" test "$(ls -d doc/*/*.lua | wc -l)" -ge 5
for lua in doc/*/*.lua; do
	dd=$(dirname "$lua")
	[ -d doc/files ] && cp doc/files/* "$dd/"
	expect_exit 0 "docs/RULES.md example $(basename "$dd")" "$DBXMIG" rules test --rules "$lua" "$dd/cases"
	check "... every case of $(basename "$dd") ran" test "$(grep -c '^ok ' out.txt)" -ge 1
done
done_testing
