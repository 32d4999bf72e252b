#!/bin/sh
# bench/scaling.sh: no quadratic step. Counts the instructions dbxmig
# executes (valgrind --tool=callgrind, so the figure does not depend on the
# machine's load or clock) for export, transform and import of a generated
# workspace at two sizes, N and 10 N, and prints the ratio: 10x the objects
# must cost <= 11x the instructions. The fake answers without latency; its
# own work is not counted (only dbxmig runs under callgrind).
#   bench/scaling.sh                 N = jobs=60,clusters=20,notebooks=60,users=30
#   SPEC=... SPEC10=... bench/scaling.sh
# Prints one line per phase and "scaling: ok" or "scaling: FAIL".
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DBXMIG=${DBXMIG:-$ROOT/dbxmig}
FAKEWS=${FAKEWS:-$ROOT/dbxmig-fakews}
SPEC=${SPEC:-jobs=60,clusters=20,notebooks=60,users=30}
SPEC10=${SPEC10:-jobs=600,clusters=200,notebooks=600,users=300}
command -v valgrind >/dev/null || { echo "scaling: valgrind not installed: skipped"; exit 0; }
W=$(mktemp -d "${TMPDIR:-/tmp}/dbxmig-scaling.XXXXXX")
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$W"' EXIT INT TERM
export DBXMIG_RATE_LIMIT=0 DATABRICKS_CONFIG_FILE=$W/cfg
: >"$W/cfg"

fake() {	# NAME ARGS..: starts a fake, adds profile NAME
	n=$1; shift
	"$FAKEWS" --port 0 "$@" >"$W/$n.out" 2>"$W/$n.err" &
	PIDS="$PIDS $!"
	i=0 url=
	while [ $i -lt 400 ] && [ -z "$url" ]; do
		url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$W/$n.out" 2>/dev/null | head -1)
		[ -n "$url" ] || sleep 0.05; i=$((i + 1))
	done
	[ -n "$url" ] || { echo "fakews did not start" >&2; exit 1; }
	printf '[%s]\nhost = %s\ntoken = t\n\n' "$n" "$url" >>"$W/cfg"
}
# insns LABEL CMD..: runs dbxmig CMD.. under callgrind, prints the count
insns() {
	l=$1; shift
	valgrind --tool=callgrind --callgrind-out-file="$W/cg.$l" "$DBXMIG" "$@" >"$W/$l.out" 2>"$W/$l.err" || true
	sed -n 's/^==[0-9]*== Collected : \([0-9]*\).*/\1/p' "$W/$l.err" | tail -1
}
one() {	# SIZE SPEC: export, transform, import at one size; sets E_x T_x I_x
	fake "S$1" --cloud azure --generate "$2"
	fake "D$1" --cloud aws
	e=$(insns "export$1" export --dir "$W/m" --profile "S$1" --session "s$1" --cloud azure)
	t=$(cd "$ROOT" && insns "transform$1" transform --dir "$W/m" --session "s$1" \
		--rules rules/azure_to_aws.lua --rules rules/users.lua)
	i=$(insns "import$1" import --dir "$W/m" --profile "D$1" --session "s$1")
	objs=$(cat "$W/m/s$1/export/"*.jsonl | wc -l)
	eval "E_$1=\$e T_$1=\$t I_$1=\$i O_$1=\$objs"
}
one 1 "$SPEC"
one 10 "$SPEC10"
status=ok
echo "scaling (instructions counted by callgrind; N = $SPEC)"
for p in E:export T:transform I:import; do
	v=${p%%:*} name=${p#*:}
	eval "a=\$${v}_1 b=\$${v}_10"
	if [ -z "$a" ] || [ -z "$b" ] || [ "$a" = 0 ]; then echo "  $name: no count (see $W)"; status=FAIL; continue; fi
	r=$(awk -v a="$a" -v b="$b" -v oa="$O_1" -v ob="$O_10" 'BEGIN { printf "%.2f", (b / a) }')
	ro=$(awk -v oa="$O_1" -v ob="$O_10" 'BEGIN { printf "%.1f", ob / oa }')
	ok=$(awk -v r="$r" -v ro="$ro" 'BEGIN { print (r <= ro * 1.1) ? "ok" : "FAIL" }')
	[ "$ok" = ok ] || status=FAIL
	printf '  %-9s %6d objects: %13d insns; %6d objects: %13d insns; ratio %5.2f for %4.1fx the objects (<= %.1f): %s\n' \
		"$name" "$O_1" "$a" "$O_10" "$b" "$r" "$ro" "$(awk -v ro="$ro" 'BEGIN { print ro * 1.1 }')" "$ok"
done
echo "scaling: $status"
[ "$status" = ok ]
