#!/bin/sh
# kill -9 of dbxmig at seeded random moments in every phase (export,
# transform, import, validate: each killed twice, then run to the end)
# leaves the same session records, the same target and the same
# validation verdict as a run that was never interrupted.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

L="--latency-ms 2 --latency-jitter-ms 2"
start_fake src --cloud azure --generate jobs=400,notebooks=150,clusters=30,users=40 $L || exit 1
start_fake clean --cloud aws $L || exit 1
start_fake killed --cloud aws $L || exit 1
write_cfg cfg SRC "$src_URL" tok
write_cfg cfg CLEAN "$clean_URL" tok
write_cfg cfg KILLED "$killed_URL" tok
export DATABRICKS_CONFIG_FILE=$T/cfg

# phase PHASE SESSION TARGET: runs one phase as this process (exec, so a
# background $! is dbxmig itself).
phase() {
	cd "$ROOT" || exit 1
	case $1 in
	export) exec "$DBXMIG" export --dir "$T/migration" --profile SRC --session "$2" --cloud azure ;;
	transform) exec "$DBXMIG" transform --dir "$T/migration" --session "$2" --rules rules/azure_to_aws.lua \
		--rules rules/users.lua --var email_domain_from=contoso.com --var email_domain_to=example.org ;;
	import) exec "$DBXMIG" import --dir "$T/migration" --profile "$3" --session "$2" ;;
	validate) exec "$DBXMIG" validate --dir "$T/migration" --profile "$3" --session "$2" --json "$T/$2.validate.json" ;;
	esac
}
now_ms() { date +%s%3N; }
# records SESSION SUBDIR: every record of SUBDIR, normalised and sorted.
records() { cat "$T/migration/$1/$2/"*.jsonl | jq -cS 'del(.at, .time, .ts)' | sort; }

seed=9001
for p in export transform import validate; do
	t0=$(now_ms)
	(phase $p c CLEAN) >"c.$p.out" 2>"c.$p.err"
	crc=$?
	dur=$(( $(now_ms) - t0 ))
	moments=$(awk -v s=$seed -v d=$dur 'BEGIN { srand(s); for (i = 0; i < 2; i++) printf "%d ", 10 + int(rand() * d) }')
	seed=$((seed + 1))
	echo "# $p: clean run $dur ms (exit $crc), kills at $moments ms"
	for ms in $moments; do
		(phase $p k KILLED) >"k.$p.out" 2>"k.$p.err" &
		pid=$!
		sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	(phase $p k KILLED) >"k.$p.out" 2>"k.$p.err"
	krc=$?
	check "$p: the resumed run exits as the clean one ($krc, clean $crc)" test "$krc" = "$crc"
done
check "export: the same records" cmp -s "$(records c export >c.exp; echo c.exp)" "$(records k export >k.exp; echo k.exp)"
check "transform: the same mapped records" cmp -s "$(records c mapped >c.map; echo c.map)" "$(records k mapped >k.map; echo k.map)"
fake_state "$clean_URL" clean.json
fake_state "$killed_URL" killed.json
diff_states "import: the target ends as after an uninterrupted import" clean.json killed.json
# the validation report, times and order aside
verdict() { jq -S 'del(.. | .time?, .started?, .finished?, .session?, .title?) |
	walk(if type == "array" then sort_by(tojson) else . end)' "$1"; }
verdict c.validate.json >c.v && verdict k.validate.json >k.v
if [ -s c.v ] && cmp -s c.v k.v; then ok "validate: the same verdict"; else
	nok "validate: the same verdict"; diff c.v k.v | head -10 | sed 's/^/# /'; fi
done_testing
