#!/bin/sh
# README.md stays true: its command table lists every command of
# `dbxmig help` with the right implementation status, and every make
# target it names exists.
. "$(dirname "$0")/../lib.sh"

README=$ROOT/README.md
"$DBXMIG" help >help.txt
sed -n 's/^  \([a-z][a-z-]*\( test\)\{0,1\}\)  .*/\1/p' help.txt >cmds.txt
check "dbxmig help lists commands" test -s cmds.txt
while read -r k; do
	row=$(grep "^| \`dbxmig $k " "$README" | head -1)
	if [ -z "$row" ]; then
		nok "README has a row for '$k'"
		continue
	fi
	ok "README has a row for '$k'"
	want="implemented"
	case "$row" in
	*"| $want |") ok "README says '$k' is $want" ;;
	*) nok "README says '$k' is $want (row: $row)" ;;
	esac
done <cmds.txt
# and no row for a command that does not exist
sed -n 's/^| `dbxmig \([a-z-]*\( test\)\{0,1\}\) .*/\1/p' "$README" | sort -u >rows.txt
check "README lists no unknown command" sh -c 'sort -u cmds.txt | diff - rows.txt >&2'

{ sed -n 's/^| `make \([a-z-]*\).*/\1/p' "$README"
  sed -n 's/^    make \([a-z-]*\) .*/\1/p' "$README"; } | sort -u >targets.txt
check "README names make targets" test -s targets.txt
while read -r t; do
	check "make $t exists" sh -c "make -n -C '$ROOT' $t >/dev/null 2>&1"
done <targets.txt

# The databrickscfg example works as written (comments after values
# included), with its hosts pointed at a local fake.
start_fake ws --cloud azure --seed "$ROOT/fixtures/azure-workspace" || exit 1
sed -n '/^    \[oldWS\]$/,/^    client_secret/p' "$README" | sed 's/^    //' |
	sed "s|^host\( *\)= .*|host\1= $ws_URL|" >cfg
check "README has the databrickscfg example" grep -q '^client_secret' cfg
DATABRICKS_CONFIG_FILE=$PWD/cfg; export DATABRICKS_CONFIG_FILE
expect_exit 0 "the example's PAT profile works" \
	"$DBXMIG" export --profile oldWS --session r1 --only users --cloud azure --rate-limit 0
expect_exit 0 "the example's OAuth M2M profile works" \
	"$DBXMIG" export --profile newWS --session r2 --only users --cloud azure --rate-limit 0
curl -sf "$ws_URL/__fake/requests" >req.json
check "... through an OAuth token" grep -q '/oidc/v1/token' req.json

done_testing
