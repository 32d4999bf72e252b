#!/bin/sh
# Rule files share one Lua state: what one file tries to change in the
# libraries (string, table, math, utf8, dbx, the string metatable) must not
# change what a later file, or the trusted mantle, sees. a.lua tries every
# route, at load and on every object (each attempt inside pcall, so that it
# goes on); b.lua, after it, records what it sees; the mantle's own error
# path (an invalid policy definition) and dbx.warn must be the real ones.
# One case per route, with the message, is in fixtures/rules/sandbox/.
. "$(dirname "$0")/../lib.sh"

S=migration/ro
mkdir -p $S/export
printf '{"source":{"cloud":"azure"}}\n' >$S/session.json
printf '{"key":"1","id":1,"object":{"job_id":1,"settings":{"name":"one"}}}\n{"key":"2","id":2,"object":{"job_id":2,"settings":{"name":"two"}}}\n' >$S/export/jobs.jsonl
printf '{"key":"p","id":"p","object":{"policy_id":"p","name":"p","definition":"{not json"}}\n' >$S/export/cluster_policies.jsonl

cat >a.lua <<'L'
local evil = function() return "pwned" end
local refused = 0
local function try(f) if not pcall(f) then refused = refused + 1 end end
local function tamper()
	refused = 0
	try(function() string.upper = evil end)
	try(function() string.gsub = evil end)
	try(function() _G.string.format = evil end)
	try(function() rawset(string, "rep", evil) end)
	try(function() table.insert = nil end)
	try(function() table.concat = evil end)
	try(function() table.insert(table, evil) end)
	try(function() math.max = evil end)
	try(function() utf8.len = evil end)
	try(function() dbx.json.encode = evil end)
	try(function() dbx.copy = evil end)
	try(function() dbx.warn = evil end)
	try(function() rawset(dbx, "log", evil) end)
	try(function() dbx.vars.x = "y" end)
	try(function() getmetatable("").__index.upper = evil end)
	try(function() setmetatable(string, { __index = { upper = evil } }) end)
	return refused
end
local at_load = tamper()
return {
	job = function(j) j.a_refused_at_load = at_load; j.a_refused = tamper() end,
	cluster_policy = function(p) tamper() end,
}
L
cat >b.lua <<'L'
return {
	job = function(j)
		local t = {}
		table.insert(t, "i")
		j.b = {
			upper = string.upper("b"), method = ("b"):upper(), gsub = (("b"):gsub("b", "c")),
			format = string.format("%d", 7), rep = ("b"):rep(2), insert = t[1],
			concat = table.concat({ "x", "y" }), max = math.max(1, 2), len = utf8.len("héllo"),
			json = dbx.json.encode({ 1 }), copy = dbx.copy({ x = "c" }).x, vars = dbx.vars.x or "none",
		}
		dbx.warn("from b")
	end,
	policy_definition = function(d) end,
}
L
"$DBXMIG" transform --session ro --rules a.lua --rules b.lua >out.txt 2>err.txt; rc=$?
check "transform: exit 3 (only the invalid policy fails, got $rc)" test "$rc" = 3
M=$S/mapped/jobs.jsonl
check "a.lua: each of its 16 attempts at load was refused" grep -q '"a_refused_at_load":16' $M
check "a.lua: ... and on each object" test "$(grep -c '"a_refused":16' $M)" = 2
for kv in '"upper":"B"' '"method":"B"' '"gsub":"c"' '"format":"7"' '"rep":"bb"' '"insert":"i"' \
	'"concat":"xy"' '"max":2' '"len":5' '"json":"[1]"' '"copy":"c"' '"vars":"none"'; do
	check "b.lua sees the real library: $kv on both jobs" test "$(grep -cF "$kv" $M)" = 2
done
check "dbx.warn is the mantle's: b.lua's warnings are recorded" \
	test "$(grep -c '"message":"from b"' $S/mapped/warnings.jsonl)" = 2
F=$S/logs/failed_transform_cluster_policies.jsonl
check "the mantle's own error path is intact (string.gsub was not replaced)" \
	grep -q 'definition is not valid JSON: [^p]' $F
check "... and says nothing a rule planted" sh -c "! grep -q pwned $S/mapped/*.jsonl $F"
done_testing
