# tests/fault/matrix.sh: sourced by the fault-matrix tests (after lib.sh).
#
# fault_matrix FAKE_ARGS...: one fault (or several) injected into export,
# import and migrate, each checked against a run without faults:
#  - export from a faulty Azure fake: the session holds every object of the
#    fake's state (tests/export/compare.sh), nothing twice;
#  - import of a clean session into a faulty AWS fake, and
#  - migrate from the faulty Azure fake into another faulty AWS fake:
#    the target's /__fake/state equals the clean migrate's once ids and
#    times are normalised (tests/import/common.sh), and a re-run creates
#    nothing.
# Every profile is OAuth M2M, so --auth-expire-after has tokens to expire.
# Each faulty run must exit as its clean twin (0 unless the shipped rules
# leave something to fail, which is not what these tests are about).
. "$ROOT/tests/import/common.sh"
. "$ROOT/tests/export/compare.sh"

FAULT_SEED=$ROOT/fixtures/azure-workspace
# short backoff: the faults are many and the suite must stay fast
export DBXMIG_RETRY_BASE_MS="${DBXMIG_RETRY_BASE_MS:-20}"

# retried DESC SESSION: the session's run log shows retries.
retried() { check "$1" grep -q retry "$T/migration/$2/logs/run.log"; }

# oauth_cfg PROFILE URL: appends an OAuth M2M profile to $T/cfg.
oauth_cfg() {
	printf '[%s]\nhost = %s\nclient_id = fault-sp\nclient_secret = fault-secret-%s\n\n' \
		"$1" "$2" "$1" >>"$T/cfg"
}

# fault_migrate SESSION FROM TO: the shipped Azure -> AWS migrate.
fault_migrate() {
	(cd "$ROOT" && "$DBXMIG" migrate --dir "$T/migration" --session "$1" --from "$2" --to "$3" \
		--cloud azure --rules rules/azure_to_aws.lua --rules rules/users.lua \
		--var email_domain_from=contoso.com --var email_domain_to=example.org)
}

# no_dups DESC STATE.json: no natural key twice in any kind of the state.
no_dups() {
	check "$1" jq_ok '
		[[.users[]?.userName], [.groups[]?.displayName], [.service_principals[]?.displayName],
		 [.clusters[]?.cluster_name], [.jobs[]?.settings.name], [.instance_pools[]?.instance_pool_name],
		 [.cluster_policies[]?.name], [.workspace[]?.path], [.secrets[]?.name],
		 [.sql_warehouses[]?.name], [.global_init_scripts[]?.name], [.repos[]?.path]]
		| all(length == (unique | length))' "$2"
}

fault_matrix() {
	start_fake src --cloud azure --seed "$FAULT_SEED" || return 1
	start_fake fsrc --cloud azure --seed "$FAULT_SEED" "$@" || return 1
	start_fake clean --cloud aws || return 1
	start_fake cimp --cloud aws || return 1
	start_fake fimp --cloud aws "$@" || return 1
	start_fake fmig --cloud aws "$@" || return 1
	: >"$T/cfg"
	oauth_cfg SRC "$src_URL"; oauth_cfg FSRC "$fsrc_URL"; oauth_cfg CLEAN "$clean_URL"
	oauth_cfg CIMP "$cimp_URL"
	oauth_cfg FIMP "$fimp_URL"; oauth_cfg FMIG "$fmig_URL"
	export DATABRICKS_CONFIG_FILE="$T/cfg"

	fault_migrate c SRC CLEAN >"$T/c.out" 2>"$T/c.err"
	crc=$?
	fake_state "$clean_URL" "$T/clean.json"

	# export
	expect_exit 0 "export: from the faulty fake exits 0" \
		"$DBXMIG" export --dir "$T/migration" --profile FSRC --session e --cloud azure
	fake_state "$fsrc_URL" "$T/fsrc.json"
	compare_export "$T/fsrc.json" "$T/migration/e"
	check "export: no key twice in any kind" sh -c '
		for f in "$1"/export/*.jsonl; do
			[ -z "$(jq -r .key "$f" | sort | uniq -d)" ] || { echo "# twice in $f"; exit 1; }
		done' - "$T/migration/e"

	# import: the clean run's mapped/ into a faulty target
	mkdir -p "$T/migration/i"
	cp -r "$T/migration/c/export" "$T/migration/c/mapped" "$T/migration/c/session.json" "$T/migration/i/"
	cp -r "$T/migration/i" "$T/migration/ci"
	"$DBXMIG" import --dir "$T/migration" --profile CIMP --session ci >"$T/ci.out" 2>"$T/ci.err"
	circ=$?
	expect_exit "$circ" "import: into the faulty fake exits as into a clean one ($circ)" \
		"$DBXMIG" import --dir "$T/migration" --profile FIMP --session i
	fake_state "$fimp_URL" "$T/fimp.json"
	diff_states "import: the faulty target ends as the clean one" "$T/clean.json" "$T/fimp.json"
	no_dups "import: nothing duplicated" "$T/fimp.json"

	# migrate: faulty on both sides
	expect_exit "$crc" "migrate: faulty source and target exits as a clean migrate ($crc)" \
		fault_migrate m FSRC FMIG
	fake_state "$fmig_URL" "$T/fmig.json"
	diff_states "migrate: the faulty target ends as the clean one" "$T/clean.json" "$T/fmig.json"
	no_dups "migrate: nothing duplicated" "$T/fmig.json"
	c0=$(creates "$fmig_URL")
	expect_exit "$crc" "migrate: a re-run exits as a clean migrate ($crc)" fault_migrate m FSRC FMIG
	check "migrate: the re-run creates nothing" test "$(creates "$fmig_URL")" -eq "$c0"
}
