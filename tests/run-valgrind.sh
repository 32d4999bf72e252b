#!/bin/sh
# tests/run-valgrind.sh [TEST..]: runs shell tests (default: the end-to-end
# migrate, tests/e2e/t0901) with dbxmig and dbxmig-fakews under valgrind
# memcheck (`make valgrind`). Fails when a test fails or valgrind reports
# any error (invalid access, uninitialised value, definite leak) in any
# process; the reports are printed.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind >/dev/null || { echo "valgrind: not installed (apt-get install valgrind)"; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/dbxmig-vg.XXXXXX")
for b in dbxmig dbxmig-fakews; do
	cat >"$W/$b" <<EOS
#!/bin/sh
exec valgrind -q --tool=memcheck --error-exitcode=99 --leak-check=full \\
	--errors-for-leak-kinds=definite --show-leak-kinds=definite \\
	--log-file="$W/vg.$b.%p.log" "$ROOT/$b" "\$@"
EOS
	chmod +x "$W/$b"
done
[ $# -gt 0 ] || set -- "$ROOT/tests/e2e/t0901-migrate-azure-aws.sh"
rc=0
for t in "$@"; do
	echo "valgrind: $t"
	DBXMIG=$W/dbxmig FAKEWS=$W/dbxmig-fakews sh "$t" >"$W/test.out" 2>&1 || {
		rc=1; grep -v '^ok' "$W/test.out" | head -40; }
done
for l in "$W"/vg.*.log; do
	[ -s "$l" ] || continue
	rc=1
	echo "== $(basename "$l")"; head -60 "$l"
done
n=$(ls "$W"/vg.*.log 2>/dev/null | wc -l)
if [ "$rc" = 0 ]; then echo "valgrind: clean ($n processes)"; rm -rf "$W"; else echo "valgrind: FAILED (logs in $W)"; fi
exit $rc
