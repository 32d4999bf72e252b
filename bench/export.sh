#!/bin/sh
# bench/export.sh: export throughput against the concurrency bound.
#
# Exports generated workspaces (dbxmig-fakews --generate) served with
# --latency-ms 10 and prints, per run, requests/s and its ratio to the
# bound parallel × 1000 / latency_ms (what a client that always has
# `parallel` requests in flight would reach), plus the peak RSS of dbxmig.
# The goal: >= 80% of the bound at --parallel 16, and peak RSS about the
# same for a small and a large workspace (memory does not grow with it).
# A third workspace holds every kind the fake serves (--generate scale=N:
# SQL objects, Unity Catalog, pipelines too; Unity Catalog lists are per
# catalog and schema, so it has more, smaller lists).
#
#   bench/export.sh            parallel 1 on the small workspace (a full
#                              run at parallel 1 takes minutes), parallel 16
#                              on the small and the large one (>= 20,000
#                              requests), and parallel 16 on the mixed one
#   FULL=1 bench/export.sh     parallel 1 on the large one too
# Environment: DBXMIG, FAKEWS, LATENCY_MS, SMALL, LARGE, MIXED (--generate specs).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DBXMIG=${DBXMIG:-$ROOT/dbxmig}
FAKEWS=${FAKEWS:-$ROOT/dbxmig-fakews}
LAT=${LATENCY_MS:-10}
SMALL=${SMALL:-jobs=100,clusters=50,notebooks=200,users=50}
LARGE=${LARGE:-jobs=3000,clusters=1500,notebooks=5000,users=2000}
MIXED=${MIXED:-scale=500}
W=$(mktemp -d "${TMPDIR:-/tmp}/dbxmig-bench.XXXXXX")
FPID=
trap '[ -n "$FPID" ] && kill "$FPID" 2>/dev/null; rm -rf "$W"' EXIT INT TERM

start_fake() {	# SPEC
	"$FAKEWS" --cloud azure --port 0 --generate "$1" --latency-ms "$LAT" >"$W/fake.out" 2>"$W/fake.err" &
	FPID=$!
	i=0 url=
	while [ $i -lt 200 ] && [ -z "$url" ]; do
		url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$W/fake.out" | head -1)
		[ -n "$url" ] || { kill -0 "$FPID" 2>/dev/null || break; sleep 0.05; }
		i=$((i + 1))
	done
	[ -n "$url" ] || { echo "fakews did not start:" >&2; cat "$W/fake.err" >&2; exit 1; }
	URL=$url
}
stop_fake() { kill "$FPID" 2>/dev/null || true; wait "$FPID" 2>/dev/null || true; FPID=; }

now() { date +%s.%N; }

run() {	# LABEL SPEC PARALLEL
	start_fake "$2"
	printf '[B]\nhost = %s\ntoken = t\n' "$URL" >"$W/cfg"
	rm -rf "$W/m"
	t0=$(now)
	if [ -x /usr/bin/time ]; then
		DATABRICKS_CONFIG_FILE=$W/cfg /usr/bin/time -f %M -o "$W/rss" "$DBXMIG" -q export \
			--profile B --session b --dir "$W/m" --cloud azure --parallel "$3" --rate-limit 0 >/dev/null
	else
		DATABRICKS_CONFIG_FILE=$W/cfg "$DBXMIG" -q export \
			--profile B --session b --dir "$W/m" --cloud azure --parallel "$3" --rate-limit 0 >/dev/null
		echo 0 >"$W/rss"
	fi
	t1=$(now)
	req=$(curl -sf "$URL/__fake/requests" | jq .total)
	objs=$(cat "$W"/m/b/export/*.jsonl | wc -l)
	stop_fake
	awk -v l="$1" -v p="$3" -v r="$req" -v o="$objs" -v a="$t0" -v b="$t1" -v lat="$LAT" \
	    -v rss="$(cat "$W/rss")" 'BEGIN {
		s = b - a; rps = r / s; bound = p * 1000 / lat
		printf "%-6s parallel %2d: %6d requests, %6d objects in %7.2f s: %7.1f req/s = %5.1f%% of the bound %d req/s; peak RSS %d KiB\n",
			l, p, r, o, s, rps, 100 * rps / bound, bound, rss }'
}

echo "export benchmark: latency ${LAT} ms; small = $SMALL; large = $LARGE; mixed = $MIXED"
run small "$SMALL" 1
[ "${FULL:-0}" = 1 ] && run large "$LARGE" 1
run small "$SMALL" 16
run large "$LARGE" 16
run mixed "$MIXED" 16
