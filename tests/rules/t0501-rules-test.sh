#!/bin/sh
# rules test: the engine and sandbox cases pass; failures, load errors and
# usage errors give the documented exit codes and messages.
. "$(dirname "$0")/../lib.sh"
F=$ROOT/fixtures/rules

cd "$ROOT" || exit 1
expect_exit 0 "engine cases pass" "$DBXMIG" rules test --rules fixtures/rules/engine/engine.lua --var greeting=hello fixtures/rules/engine
check "one ok line per case" test "$(grep -c '^ok ' out.txt)" = "$(ls fixtures/rules/engine/*.input.json | wc -l)"
check "summary line" contains out.txt "passed, 0 failed"
expect_exit 0 "sandbox cases pass" "$DBXMIG" rules test --rules fixtures/rules/sandbox/sandbox.lua \
	--rule-instructions 3000000 --rule-memory 4 --var a=b fixtures/rules/sandbox
mv out.txt "$T/sandbox.out"; mv err.txt "$T/sandbox.err"
cd "$T" || exit 1
check "every sandbox case ran" test "$(grep -c '^ok ' sandbox.out)" = "$(ls "$F"/sandbox/*.input.json | wc -l)"

# A case that fails: the line says why and the run exits 1.
mkdir cases
cat >r.lua <<'L'
return { job = function(j) j.settings.name = "renamed" end }
L
printf '{"kind":"job","object":{"job_id":5,"settings":{"name":"a"}}}' >cases/c1.input.json
printf '{"job_id":5,"settings":{"name":"b"}}' >cases/c1.expected.json
printf '{"kind":"job","object":{"job_id":6,"settings":{"name":"a"}}}' >cases/c2.input.json
printf '{"job_id":6,"settings":{"name":"renamed"}}' >cases/c2.expected.json
printf '{"kind":"job","object":{"job_id":7,"n":1}}' >cases/c3.input.json
printf '{"job_id":7,"n":1.0}' >cases/c3.expected.json
printf '{"kind":"job","object":{"job_id":8,"a":[]}}' >cases/c4.input.json
printf '{"job_id":8,"a":{}}' >cases/c4.expected.json
printf '{"kind":"job","object":{"job_id":9}}' >cases/c5.input.json
expect_exit 1 "a failing case exits 1" "$DBXMIG" rules test --rules r.lua cases
check "the failing case says where" contains out.txt 'not ok 1 - cases/c1: the result differs from the expected object'
check "... and what" contains out.txt '#   settings.name: got "renamed", expected "b"'
check "the passing case passes" contains out.txt 'ok 2 - cases/c2'
check "1 and 1.0 differ" contains out.txt 'not ok 3 - cases/c3'
check "[] and {} differ" contains out.txt 'not ok 4 - cases/c4'
check "a case without expectation fails" contains out.txt 'not ok 5 - cases/c5: no .expected.json'
check "summary" contains out.txt '# 5 cases, 1 passed, 4 failed'

# Rule files that fail to load: exit 3, file:line, nothing run.
load_err() {
	desc=$1 text=$2; shift 2
	printf '%s\n' "$@" >bad.lua
	expect_exit 3 "load error: $desc" "$DBXMIG" rules test --rules bad.lua cases
	check "load error text: $desc" contains err.txt "$text"
}
load_err "syntax" "bad.lua:2: " "local x = 1" "return {job = function( end}"
load_err "unknown field" "bad.lua: unknown field 'clsuter' in the returned table (did you mean 'cluster'?)" "return { clsuter = function() end }"
load_err "hook typo" "(did you mean 'principal'?)" "return { principle = function() end }"
load_err "handler not a function" "bad.lua: 'job' must be a function (got a string)" "return { job = 'x' }"
load_err "not a table" "bad.lua: a rule file must return a table (it returned nothing)" "local x = 1"
load_err "undeclared global at load" "bad.lua:1: undeclared global 'nodes'" "nodes = {}" "return {}"
load_err "io at load" "bad.lua:1: undeclared global 'io'" "local f = io.open('/etc/passwd')" "return {}"
load_err "bad lint pattern" "bad.lua: lint[1]: dbx.re: bad pattern '(' at offset 1" "return { lint = { { value = '(', message = 'x' } } }"
load_err "lint entry" "bad.lua: lint[1]: give exactly one of key= or value=" "return { lint = { { message = 'x' } } }"
load_err "target cloud" "target_cloud must be" "return { target_cloud = 'mars' }"
load_err "runaway load" "instruction limit of" "while true do end"
expect_exit 3 "missing rule file" "$DBXMIG" rules test --rules nope.lua cases
check "missing rule file named" contains err.txt "nope.lua"

expect_exit 2 "no --rules is a usage error" "$DBXMIG" rules test cases
expect_exit 2 "no DIR is a usage error" "$DBXMIG" rules test --rules r.lua
expect_exit 2 "malformed --var" "$DBXMIG" rules test --rules r.lua --var novalue cases
check "--var message" contains err.txt "'novalue' is not KEY=VALUE"
done_testing
