#!/bin/sh
# Hostile files: corrupt and truncated session files, malformed
# databrickscfg and CSV maps, rule files that loop, allocate without bound,
# call what the sandbox forbids, return the wrong type or raise inside a
# cross-cutting hook. Each gets a message naming the file (and line, or
# object), the CONTRACT.md exit code, and nothing else in the session is
# lost.
. "$(dirname "$0")/../lib.sh"

start_fake src --cloud azure --seed "$ROOT/fixtures/azure-workspace" || exit 1
write_cfg cfg SRC "$src_URL" tok
export DATABRICKS_CONFIG_FILE=$T/cfg
"$DBXMIG" export --profile SRC --session s --cloud azure >/dev/null 2>&1 || { nok "export"; done_testing; }
S=migration/s
cp -r $S clean-session
tr_() {	# SESSION RULES...: transform with the given rule files
	ses=$1; shift
	args=; for r in "$@"; do args="$args --rules $r"; done
	"$DBXMIG" transform --session "$ses" --rule-instructions 2000000 --rule-memory 16 $args
}
printf 'return {}\n' >noop.lua

# ---- session files ----
cp -r clean-session migration/c1
f=migration/c1/export/clusters.jsonl
n=$(wc -l <$f)
sed -i '2s/.*/{"key": "broken", "object": {/' $f
printf '{"key": "cut-off", "id": "x", "obj' >>$f
expect_exit 1 "transform over a corrupt and a truncated line: exit 1 (one object failed)" tr_ c1 noop.lua
check "the corrupt line is named file:line" grep -q "export/clusters.jsonl:2:" err.txt
check "the incomplete last line is named" grep -q "export/clusters.jsonl:$((n + 1)): incomplete line" err.txt
check "every other cluster is transformed" test "$(wc -l <migration/c1/mapped/clusters.jsonl)" -eq $((n - 1))
check "other kinds are untouched" cmp -s clean-session/export/jobs.jsonl migration/c1/export/jobs.jsonl
cp -r clean-session migration/c2
head -c 37 clean-session/session.json >migration/c2/session.json
expect_exit 2 "a truncated session.json: exit 2" "$DBXMIG" status --session c2
check "names session.json" grep -q "session.json" err.txt
check "the session's records are left alone" cmp -s clean-session/export/jobs.jsonl migration/c2/export/jobs.jsonl

# ---- databrickscfg ----
printf '[SRC]\nhost = %s\ntoken\n' "$src_URL" >bad1.cfg
DATABRICKS_CONFIG_FILE=$T/bad1.cfg "$DBXMIG" export --profile SRC --session b1 >out.txt 2>err.txt; rc=$?
check "databrickscfg without '=': exit 2 (got $rc)" test "$rc" = 2
check "names file:line" grep -q "bad1.cfg:3" err.txt
printf '[SRC\nhost = %s\n' "$src_URL" >bad2.cfg
DATABRICKS_CONFIG_FILE=$T/bad2.cfg "$DBXMIG" export --profile SRC --session b2 >out.txt 2>err.txt; rc=$?
check "an unclosed [section: exit 2 (got $rc)" test "$rc" = 2
check "names file:line" grep -q "bad2.cfg:1" err.txt
printf '\0\377\376garbage\n' >bad3.cfg
DATABRICKS_CONFIG_FILE=$T/bad3.cfg "$DBXMIG" export --profile SRC --session b3 >out.txt 2>err.txt; rc=$?
check "binary garbage: exit 2 (got $rc)" test "$rc" = 2
check "nothing was created for it" test ! -e migration/b1 -a ! -e migration/b2 -a ! -e migration/b3

# ---- CSV maps ----
cp -r clean-session migration/m1
printf 'a@contoso.com,b@example.org\nno-comma-here\n' >bad.csv
(cd "$ROOT" && "$DBXMIG" transform --dir "$T/migration" --session m1 --rules rules/users.lua \
	--var email_map="$T/bad.csv") >out.txt 2>err.txt; rc=$?
check "a CSV line without a comma: exit 3 (got $rc)" test "$rc" = 3
check "names file:line" grep -q "bad.csv:2" err.txt
check "mapped/ was not written" test ! -e migration/m1/mapped/users.jsonl
printf 'Standard_DS3_v2,m5.xlarge,extra\n' >bad2.csv
(cd "$ROOT" && "$DBXMIG" transform --dir "$T/migration" --session m1 --rules rules/azure_to_aws.lua \
	--var node_type_map="$T/bad2.csv") >out.txt 2>err.txt; rc=$?
check "a CSV line with three fields: exit 3 (got $rc)" test "$rc" = 3
check "names the file and row" grep -q "bad2.csv: row 1" err.txt

# ---- rule files ----
rule_case() {	# NAME EXPECTED_TEXT LUA: transform with it exits 3 and says TEXT
	printf '%s\n' "$3" >"$1.lua"
	rm -rf "migration/r-$1"; cp -r clean-session "migration/r-$1"
	tr_ "r-$1" "$1.lua" >out.txt 2>err.txt; rc=$?
	check "rule $1: exit 3 (got $rc)" test "$rc" = 3
	if grep -qF -- "$2" err.txt; then ok "rule $1: says '$2'"; else
		nok "rule $1: says '$2'"; sed 's/^/# /' err.txt | head -5; fi
	check "rule $1: the export is untouched" sh -c "cd migration/r-$1/export && for f in *.jsonl; do cmp -s \$f ../../../clean-session/export/\$f || exit 1; done"
}
# (the runaway cases hit one cluster only: each costs its whole budget)
rule_case loop "instruction limit" 'return { cluster = function(c) if c.cluster_name ~= "bi-extracts" then return end while true do end end }'
rule_case loop_pcall "instruction limit" 'return { cluster = function(c) if c.cluster_name ~= "bi-extracts" then return end while true do pcall(function() while true do end end) end end }'
rule_case alloc "memory limit" 'return { cluster = function(c) if c.cluster_name ~= "bi-extracts" then return end local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(64) .. i end end }'
rule_case forbidden_io "undeclared global 'io'" 'return { cluster = function(c) io.open("/etc/passwd") end }'
rule_case forbidden_os "undeclared global 'os'" 'return { cluster = function(c) os.execute("true") end }'
rule_case wrong_type "cluster" 'return { cluster = function(c) return 42 end }'
rule_case hook_error "boom in the hook" 'return { principal = function(n) if n:find("@") then error("boom in the hook") end end }'
rule_case hook_type "principal" 'return { principal = function(n) return {} end }'
rule_case load_error "load_error.lua:2" 'return { cluster = function(c) end'
# a rule failing one object leaves the others transformed
printf 'return { cluster = function(c) if c.cluster_name == "bi-extracts" then error("only this one") end end }\n' >one.lua
rm -rf migration/one; cp -r clean-session migration/one
tr_ one one.lua >out.txt 2>err.txt; rc=$?
check "one object failing: exit 3 (got $rc)" test "$rc" = 3
check "the other clusters are transformed" test "$(wc -l <migration/one/mapped/clusters.jsonl)" -eq $(($(wc -l <clean-session/export/clusters.jsonl) - 1))
check "the failure is logged" grep -q "only this one" migration/one/logs/failed_transform_clusters.jsonl
done_testing
