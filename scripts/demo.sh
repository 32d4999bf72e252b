#!/bin/sh
# demo.sh: `make demo`. Migrates a realistic Azure workspace (a fake seeded
# with fixtures/azure-workspace) into an empty AWS fake with the shipped
# rules, on this machine only (127.0.0.1), then prints the summary and where
# to look. Both fakes are stopped on exit; the session directory is kept.
#
# Environment: DBXMIG, FAKEWS (binaries, default ./dbxmig, ./dbxmig-fakews),
# DEMO_DIR (where to put the session and logs, default a new temp dir),
# DEMO_DOMAIN (the AWS-side e-mail domain, default example.com).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DBXMIG=${DBXMIG:-$ROOT/dbxmig}
FAKEWS=${FAKEWS:-$ROOT/dbxmig-fakews}
DOMAIN=${DEMO_DOMAIN:-example.com}
DIR=${DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/dbxmig-demo.XXXXXX")}
mkdir -p "$DIR" || exit 1
pids=""
stop() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap stop EXIT
trap 'exit 130' INT TERM

for f in "$DBXMIG" "$FAKEWS"; do
	[ -x "$f" ] || { echo "demo: $f is missing: run make first" >&2; exit 2; }
done

# start_fake NAME ARGS..: starts a fake on a free port, sets URL (runs in
# this shell, not a subshell, so that stop() knows every pid).
start_fake() {
	name=$1; shift
	"$FAKEWS" --port 0 "$@" >"$DIR/$name.fake.out" 2>"$DIR/$name.fake.err" &
	pid=$!
	pids="$pids $pid"
	i=0 URL=
	while [ $i -lt 200 ]; do
		URL=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$DIR/$name.fake.out" 2>/dev/null | head -1)
		[ -n "$URL" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05; i=$((i + 1))
	done
	echo "demo: the $name fake did not start:" >&2
	sed 's/^/  /' "$DIR/$name.fake.err" >&2
	return 1
}

# Throw-away tokens: the fakes accept only these, nothing real is involved.
start_fake azure --cloud azure --seed "$ROOT/fixtures/azure-workspace" --token demo-azure-token || exit 2
azure_url=$URL
start_fake aws --cloud aws --token demo-aws-token || exit 2
aws_url=$URL
cfg=$DIR/databrickscfg
umask 077
printf '[azure]\nhost = %s\ntoken = demo-azure-token\n\n[aws]\nhost = %s\ntoken = demo-aws-token\n' \
	"$azure_url" "$aws_url" >"$cfg"
export DATABRICKS_CONFIG_FILE=$cfg

echo "== dbxmig demo: Azure fake $azure_url -> AWS fake $aws_url"
echo "== dbxmig migrate --from azure --to aws --session demo --warehouse-id ... --rules rules/azure_to_aws.lua --rules rules/users.lua ..."
cd "$ROOT" || exit 2
# The seed's SQL warehouse reads the Hive metastore; its migrated twin
# (from the ID journal) writes it and the managed Unity Catalog tables.
warehouse=$(jq -r '.[0].id' fixtures/azure-workspace/sql_warehouses.json)
"$DBXMIG" migrate --from azure --to aws --dir "$DIR/migration" --session demo \
	--warehouse-id "$warehouse" \
	--rules rules/azure_to_aws.lua --rules rules/users.lua \
	--var email_domain_from=contoso.com --var email_domain_to="$DOMAIN" --cloud azure --rate-limit 0
rc=$?
echo
echo "== dbxmig status --session demo"
"$DBXMIG" status --dir "$DIR/migration" --session demo
curl -sf "$aws_url/__fake/state" >"$DIR/aws-state.json" 2>/dev/null || true
echo
echo "== where to look (kept after the fakes stop)"
echo "  session:          $DIR/migration/demo/   (export/ mapped/ import/ validation/ logs/)"
echo "  run log:          $DIR/migration/demo/logs/run.log"
echo "  id journal:       $DIR/migration/demo/import/ids.jsonl"
echo "  paused schedules: $DIR/migration/demo/import/cutover.jsonl (dbxmig cutover un-pauses them)"
[ -f "$DIR/migration/demo/report/index.html" ] &&
	echo "  validation:       $DIR/migration/demo/report/index.html"
[ -s "$DIR/aws-state.json" ] &&
	echo "  AWS fake state:   $DIR/aws-state.json"
echo "  migrate exit status: $rc (0: done, 1: some objects failed or differ: see logs/)"
exit $rc
