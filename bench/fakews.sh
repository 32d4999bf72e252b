#!/bin/sh
# bench/fakews.sh: requests per second dbxmig-fakews serves on loopback
# (GETs of objects and list pages, keep-alive, no latency injection), and
# how long 100k generated objects take to load. Prints figures and the
# ratio to the 5,000 requests/s goal; asserts nothing about time.
# usage: bench/fakews.sh [SECONDS] [CONNECTIONS]   (defaults 5 and 8)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FAKEWS=${FAKEWS:-$ROOT/dbxmig-fakews}
SECS=${1:-5}
CONNS=${2:-8}
B=$ROOT/build/bench
mkdir -p "$B"
[ -x "$FAKEWS" ] || { echo "bench: build dbxmig-fakews first (make)" >&2; exit 2; }
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror -o "$B/fw_load" "$ROOT/bench/fw_load.c" -lpthread
TMP=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT

start() {	# ARGS...: starts the fake, sets PID and PORT
	"$FAKEWS" --port 0 "$@" >"$TMP/out" 2>"$TMP/err" &
	PID=$!
	while ! grep -q '^listening on' "$TMP/out" 2>/dev/null; do
		kill -0 "$PID" 2>/dev/null || { cat "$TMP/err" >&2; exit 1; }
		sleep 0.02
	done
	PORT=$(sed -n 's/^listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$TMP/out")
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }

t0=$(date +%s.%N)
start --cloud aws --generate jobs=40000,clusters=20000,notebooks=20000,users=20000
t1=$(date +%s.%N)
echo "load: 100000 generated objects ready in $(echo "$t1 - $t0" | bc) s"
JOB=$(curl -s -H 'Authorization: Bearer b' "http://127.0.0.1:$PORT/api/2.1/jobs/list?limit=1" | sed 's/.*"job_id":\([0-9]*\).*/\1/')
CL=$(curl -s -H 'Authorization: Bearer b' "http://127.0.0.1:$PORT/api/2.1/clusters/list?page_size=1" | sed 's/.*"cluster_id":"\([^"]*\)".*/\1/')
out=$("$B/fw_load" "$PORT" "$SECS" "$CONNS" \
	"/api/2.1/jobs/get?job_id=$JOB" "/api/2.1/clusters/get?cluster_id=$CL" \
	"/api/2.0/preview/scim/v2/Users?filter=userName%20eq%20%22gen.user77@example.com%22" \
	"/api/2.0/workspace/get-status?path=/Shared/gen/d000/nb1" "/api/2.1/jobs/list?limit=25")
stop
echo "loopback: $out (connections $CONNS)"
rate=$(echo "$out" | sed 's/.* rate \([0-9]*\).*/\1/')
echo "requests/s: $rate; ratio to the 5000 req/s goal: $(echo "scale=2; $rate / 5000" | bc)"
