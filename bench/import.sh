#!/bin/sh
# bench/import.sh: import throughput against the concurrency bound.
#
# Exports a generated workspace (dbxmig-fakews --generate) once, keeps it
# unchanged as mapped/ (the rules are not what is measured), then imports it
# into fresh fakes that answer with --latency-ms 10, at --parallel 1 and 16.
# Prints per run: objects landed, objects/s, requests/s and the ratio of
# requests/s to the bound parallel × 1000 / latency_ms (a client that always
# had `parallel` requests in flight), and the speed-up of 16 over 1.
# Import has serial parts by design (kinds in dependency order, a target
# listing per kind, memberships and permissions after every kind), so its
# ratio at parallel 16 stays below export's.
#
# Environment: DBXMIG, FAKEWS, LATENCY_MS (10), SPEC (--generate spec).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DBXMIG=${DBXMIG:-$ROOT/dbxmig}
FAKEWS=${FAKEWS:-$ROOT/dbxmig-fakews}
LAT=${LATENCY_MS:-10}
SPEC=${SPEC:-jobs=100,clusters=50,notebooks=200,users=50}
W=$(mktemp -d "${TMPDIR:-/tmp}/dbxmig-bench.XXXXXX")
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$W"' EXIT INT TERM

start_fake() {	# NAME ARGS..: sets URL
	name=$1; shift
	"$FAKEWS" --cloud azure --port 0 "$@" >"$W/$name.out" 2>"$W/$name.err" &
	PIDS="$PIDS $!"
	pid=$!
	i=0 URL=
	while [ $i -lt 200 ] && [ -z "$URL" ]; do
		URL=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$W/$name.out" 2>/dev/null | head -1)
		[ -n "$URL" ] || { kill -0 "$pid" 2>/dev/null || break; sleep 0.05; }
		i=$((i + 1))
	done
	[ -n "$URL" ] || { echo "fakews did not start:" >&2; cat "$W/$name.err" >&2; exit 1; }
}

now() { date +%s.%N; }

start_fake src --generate "$SPEC"
printf '[SRC]\nhost = %s\ntoken = t\n\n' "$URL" >"$W/cfg"
DATABRICKS_CONFIG_FILE=$W/cfg "$DBXMIG" -q export --profile SRC --session b --dir "$W/m" \
	--cloud azure --parallel 16 --rate-limit 0 >/dev/null
mkdir -p "$W/m/b/mapped"
cp "$W"/m/b/export/*.jsonl "$W/m/b/mapped/"
echo "import of a generated workspace ($SPEC), target latency ${LAT} ms"
printf '%-9s %8s %9s %9s %10s %10s %7s\n' parallel objects seconds objects/s requests/s bound ratio

run() {	# PARALLEL: prints one row, sets RATE
	start_fake "dst$1" --latency-ms "$LAT"
	printf '[DST%s]\nhost = %s\ntoken = t\n\n' "$1" "$URL" >>"$W/cfg"
	rm -rf "$W/m/b/import" "$W/m/b/logs"
	t0=$(now)
	DATABRICKS_CONFIG_FILE=$W/cfg "$DBXMIG" -q import --profile "DST$1" --session b --dir "$W/m" \
		--parallel "$1" --rate-limit 0 >/dev/null || echo "(import exited $?)"
	t1=$(now)
	req=$(curl -sf "$URL/__fake/requests" | jq .total)
	objs=$(jq -r 'select(.kind | test("/") | not) | select(.kind != "group_members") | .key' \
		"$W/m/b/import/ids.jsonl" | wc -l)
	awk -v p="$1" -v o="$objs" -v r="$req" -v a="$t0" -v b="$t1" -v l="$LAT" 'BEGIN {
		s = b - a; bound = p * 1000 / l
		printf "%-9d %8d %9.2f %9.1f %10.1f %10.0f %6.0f%%\n", p, o, s, o / s, r / s, bound, 100 * r / s / bound }'
	RATE=$(awk -v o="$objs" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", o / (b - a) }')
}

run 1
r1=$RATE
run 16
r16=$RATE
awk -v a="$r1" -v b="$r16" 'BEGIN { printf "speed-up parallel 16 / parallel 1: %.1fx (objects/s)\n", b / a }'
