#!/bin/sh
# Fault matrix: the fake is stopped mid-run and started again on the same
# port from the state it saved (--state-out, then --seed: a workspace that
# goes away and comes back with everything it had). Export (source down),
# import (target down) and migrate (both down, at different moments) must
# wait, retry and end as a clean run: nothing missing, nothing twice.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/matrix.sh"
tab=$(printf '\t')
# Backoff long enough to outlast a restart even under a loaded sanitizer
# run (full jitter: with 20 ms steps ten tries can end within seconds).
export DBXMIG_RETRY_BASE_MS=100

# restart NAME MIN_REQ ARGS..: stops fake NAME once it has answered MIN_REQ
# more requests (mid-run however slow the machine: a clean migrate of the seed
# asks the source about 200 and the target about 450), keeps it down for
# half a second and starts it again on its port from its saved state
# (ARGS: its options).
restart() {
	name=$1 min=$2; shift 2
	eval "url=\$${name}_URL pid=\$${name}_PID"
	port=${url##*:}
	n=0 base=$(curl -s "$url/__fake/requests" | jq '.total')	# an earlier run's
	until [ "$(curl -s "$url/__fake/requests" | jq '.total')" -ge $((base + min)) ] 2>/dev/null; do
		n=$((n + 1))
		[ $n -le 3000 ] || { echo "# $name: fewer than $min requests in 60 s"; break; }
		sleep 0.02
	done
	kill "$pid"; wait "$pid" 2>/dev/null
	sleep 0.5	# down long enough that a request meets a refused connection
	rm -rf "$T/$name.seed"; mkdir "$T/$name.seed"
	jq -r 'del(.cloud) | to_entries[] | "\(.key)\t\(.value | tojson)"' "$T/$name.state" |
		while IFS="$tab" read -r k v; do printf '%s\n' "$v" >"$T/$name.seed/$k.json"; done
	start_fake "$name" "$@" --port "$port" --seed "$T/$name.seed" --state-out "$T/$name.state"
	eval "[ \"\$${name}_URL\" = \"$url\" ]" || echo "# $name came back on another port"
}

start_fake src --cloud azure --seed "$FAULT_SEED" || exit 1
start_fake clean --cloud aws || exit 1
start_fake cimp --cloud aws || exit 1
L="--latency-ms 5 --latency-jitter-ms 5"
# the source slower: its whole export (~200 requests) outlasts the restart
LS="--latency-ms 30 --latency-jitter-ms 10"
start_fake fsrc --cloud azure --seed "$FAULT_SEED" $LS --state-out "$T/fsrc.state" || exit 1
start_fake fimp --cloud aws $L --state-out "$T/fimp.state" || exit 1
start_fake fmig --cloud aws $L --state-out "$T/fmig.state" || exit 1
: >"$T/cfg"
oauth_cfg SRC "$src_URL"; oauth_cfg FSRC "$fsrc_URL"; oauth_cfg CLEAN "$clean_URL"; oauth_cfg CIMP "$cimp_URL"
oauth_cfg FIMP "$fimp_URL"; oauth_cfg FMIG "$fmig_URL"
export DATABRICKS_CONFIG_FILE="$T/cfg"

fault_migrate c SRC CLEAN >c.out 2>c.err
crc=$?
fake_state "$clean_URL" clean.json

"$DBXMIG" export --dir "$T/migration" --profile FSRC --session e --cloud azure >e.out 2>e.err &
x=$!
restart fsrc 20 --cloud azure $LS
wait $x; rc=$?
check "export: the source restarted mid-run, exit 0 (got $rc)" test "$rc" = 0
check "export: connection errors were met and retried" grep -qi retry migration/e/logs/run.log
fake_state "$fsrc_URL" fsrc.json
compare_export fsrc.json migration/e

mkdir -p migration/i
cp -r migration/c/export migration/c/mapped migration/c/session.json migration/i/
cp -r migration/i migration/ci
"$DBXMIG" import --dir "$T/migration" --profile CIMP --session ci >ci.out 2>ci.err
circ=$?
"$DBXMIG" import --dir "$T/migration" --profile FIMP --session i >i.out 2>i.err &
x=$!
restart fimp 80 --cloud aws $L
wait $x; rc=$?
check "import: the target restarted mid-run, exit as a clean import ($rc, clean $circ)" test "$rc" = "$circ"
fake_state "$fimp_URL" fimp.json
diff_states "import: the restarted target ends as the clean one" clean.json fimp.json
no_dups "import: nothing duplicated" fimp.json

fault_migrate m FSRC FMIG >m.out 2>m.err &
x=$!
restart fsrc 20 --cloud azure $LS
restart fmig 100 --cloud aws $L
wait $x; rc=$?
check "migrate: source and target restarted mid-run, exit as a clean migrate ($rc, clean $crc)" test "$rc" = "$crc"
fake_state "$fmig_URL" fmig.json
diff_states "migrate: the restarted target ends as the clean one" clean.json fmig.json
no_dups "migrate: nothing duplicated" fmig.json
done_testing
