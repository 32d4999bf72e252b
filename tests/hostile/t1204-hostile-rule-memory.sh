#!/bin/sh
# A rule that allocates without bound on every object: each object fails
# with the memory-limit message, the run goes through every object and
# finishes (exit 3), and no object holds more than its budget (the limit
# is not a soft one that the rule can run past into the room kept for
# reporting the error, nor one that the previous object's garbage moves).
# How fast that is, is bench/transform.sh's business: no timing here.
. "$(dirname "$0")/../lib.sh"

N=4
S=migration/m
mkdir -p $S/export
printf '{"source":{"cloud":"azure"}}\n' >$S/session.json
i=1
while [ $i -le $N ]; do
	printf '{"key":"%d","id":%d,"object":{"job_id":%d,"settings":{"name":"job-%d"}}}\n' $i $i $i $i
	i=$((i + 1))
done >$S/export/jobs.jsonl
printf '{"key":"c1","id":"c1","object":{"cluster_id":"c1","cluster_name":"small"}}\n' >$S/export/clusters.jsonl

# Every job: strings of at least 101 bytes, all kept live in t; progress
# goes to the verbose log every 500.
cat >hoard.lua <<'L'
return {
	job = function(j)
		local t = {}
		for i = 1, 1e9 do
			t[i] = ("x"):rep(100) .. i
			if i % 500 == 0 then dbx.log("held " .. i) end
		end
	end,
	cluster = function(c) c.seen = true end,
}
L
expect_exit 3 "every object fails a rule: exit 3" \
	"$DBXMIG" -v transform --session m --rules hoard.lua --rule-memory 4
F=$S/logs/failed_transform_jobs.jsonl
check "each of the $N jobs is logged as failed" test "$(wc -l <$F 2>/dev/null)" = $N
check "... each with the memory-limit message" \
	test "$(grep -c 'memory limit of 4 MB exceeded (--rule-memory)' $F)" = $N
check "... naming the rule file and the object" \
	test "$(grep -c 'hoard.lua: job [1-4] (\\"job-[1-4]\\"): memory limit' $F)" = $N
check "the run finished: the cluster is transformed" grep -q '"seen":true' $S/mapped/clusters.jsonl
check "no job was written as mapped" test ! -s $S/mapped/jobs.jsonl
check "stderr sums it up" grep -q "memory limit" err.txt
# 4 MB hold at most 4 MiB / 101 bytes = 41527 such strings: the rule
# cannot get further on any object.
max=$(grep -o 'held [0-9]*' err.txt | awk '$2 > m { m = $2 } END { print m + 0 }')
check "the rule ran until its budget (held $max strings)" test "$max" -ge 5000
check "no object held more than 4 MB ($max strings <= 41527)" test "$max" -le 41527
done_testing
