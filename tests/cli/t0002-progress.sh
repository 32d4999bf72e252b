#!/bin/sh
# Progress display: a live line on a terminal only, never with -q or when
# stderr is not a terminal; the summary table is printed in every case.
# The terminal is a pseudo-terminal from script(1) (util-linux).
. "$(dirname "$0")/../lib.sh"

start_fake src --cloud azure --seed "$ROOT/fixtures/azure-workspace" || exit 1
write_cfg cfg SRC "$src_URL" tok1
DATABRICKS_CONFIG_FILE=$PWD/cfg; export DATABRICKS_CONFIG_FILE
esc=$(printf '\033')

# not a terminal: no control sequence anywhere, but the summary
expect_exit 0 "export, not on a terminal" "$DBXMIG" export --profile SRC --session a \
	--only users,groups --rate-limit 0
check "no progress line on a pipe" sh -c "! grep -q '$esc' err.txt out.txt"
check "the summary is there" grep -q '^users  *[0-9][0-9]* ' out.txt

if command -v script >/dev/null 2>&1; then
	# on a terminal: the line shows kind and done/total, then is erased
	script -qec "'$DBXMIG' export --profile SRC --session b --only users,groups --rate-limit 0" \
		/dev/null >tty.txt 2>&1
	check "progress line on a terminal" grep -q "export  users [0-9]*/" tty.txt
	check "the line is erased before the summary" grep -q "${esc}\[K" tty.txt
	check "the summary follows" grep -q '^groups  *[0-9][0-9]* ' tty.txt
	# -q on a terminal: the summary only
	script -qec "'$DBXMIG' export -q --profile SRC --session c --only users,groups --rate-limit 0" \
		/dev/null >tty-q.txt 2>&1
	check "no progress line with -q" sh -c "! grep -q 'export  users' tty-q.txt"
	check "the summary with -q" grep -q '^groups  *[0-9][0-9]* ' tty-q.txt
else
	ok "# SKIP script(1) not installed"
fi

done_testing
