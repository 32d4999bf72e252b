#!/bin/sh
# Command-line usage: unknown commands and options are usage errors (exit 2)
# with a hint; --help and --version succeed; commands not written yet say
# so and exit 2; a missing or broken configuration is exit 2 with file:line.
. "$(dirname "$0")/../lib.sh"

expect_exit 0 "--version" "$DBXMIG" --version
check "--version prints the name and version" grep -q '^dbxmig [0-9]' out.txt

expect_exit 0 "--help" "$DBXMIG" --help
check "--help lists the commands" contains out.txt "rules test"
expect_exit 0 "help" "$DBXMIG" help
check "help lists export" contains out.txt "export"

expect_exit 2 "no command" "$DBXMIG"
check "no command prints the usage" contains err.txt "usage: dbxmig"

expect_exit 2 "unknown command" "$DBXMIG" exprot
check "unknown command hints" contains err.txt "unknown command 'exprot' (did you mean 'export'?)"
expect_exit 2 "unknown command without a near name" "$DBXMIG" frobnicate
check "points to help" contains err.txt "see 'dbxmig help'"

expect_exit 2 "unknown global option" "$DBXMIG" --verbsoe export
check "global option hint" contains err.txt "did you mean --verbose?"

expect_exit 2 "rules without test" "$DBXMIG" rules tset
check "rules names what it expects" contains err.txt "expected 'rules test'"

# every command answers --help with exit 0 and its usage line
for k in export transform import validate migrate status cutover data-plan; do
	expect_exit 0 "$k --help" "$DBXMIG" "$k" --help
	check "$k --help shows its usage" contains out.txt "usage: dbxmig $k"
done
expect_exit 0 "rules test --help" "$DBXMIG" rules test --help
check "rules test usage" contains out.txt "usage: dbxmig rules test"
expect_exit 0 "rules --help" "$DBXMIG" rules --help
check "rules --help is rules test --help" contains out.txt "usage: dbxmig rules test"
expect_exit 0 "help export" "$DBXMIG" help export
check "help export is export --help" contains out.txt "usage: dbxmig export"

# unknown options of a real command: exit 2 with a hint
expect_exit 2 "export --sesion" "$DBXMIG" export --sesion s1
check "option hint" contains err.txt "did you mean --session?"
expect_exit 2 "status --frobnicate" "$DBXMIG" status --frobnicate
check "unknown option named" contains err.txt "unknown option '--frobnicate'"

# configuration errors are exit 2 and name file:line; no secret is printed
cat >cfg <<'CFG'
[DEFAULT]
host = https://adb-1.azuredatabricks.net
token = dapiSECRETVALUE0001

[oldWS]
token = dapiSECRETVALUE0002
CFG
DATABRICKS_CONFIG_FILE=$PWD/cfg; export DATABRICKS_CONFIG_FILE
unset DATABRICKS_HOST DATABRICKS_TOKEN DATABRICKS_CONFIG_PROFILE 2>/dev/null
expect_exit 2 "profile without host" "$DBXMIG" export --profile oldWS --session s1
check "names file:line" contains err.txt "cfg:5: profile [oldWS] has no host"
expect_exit 2 "missing profile" "$DBXMIG" export --profile nope --session s1
check "lists the profiles" contains err.txt "no profile [nope] in $PWD/cfg (profiles: DEFAULT, oldWS)"
check "no token in messages" sh -c '! grep -q dapiSECRETVALUE err.txt out.txt'

# --insecure is global, works for every command, and warns loudly
start_fake src --cloud azure || exit 1
write_cfg cfg2 SRC "$src_URL" dapiSECRETVALUE0003
DATABRICKS_CONFIG_FILE=$PWD/cfg2
expect_exit 0 "export --insecure runs" "$DBXMIG" export --insecure --profile SRC --session ins --only users
check "--insecure warns" contains err.txt "WARNING: --insecure: TLS certificates of $src_URL are NOT verified"
expect_exit 0 "--insecure before the command" "$DBXMIG" --insecure export --profile SRC --session ins2 --only users
check "--insecure warns there too" contains err.txt "are NOT verified"
check "no token in messages" sh -c '! grep -q dapiSECRETVALUE err.txt out.txt migration/*/logs/run.log'

done_testing
