#!/bin/sh
# Durability without flushing the machine: export makes its notebook blobs
# durable with syncfs(2) on the session's file system, never sync(2)
# (which waits on every file system of the machine, other users' too).
. "$(dirname "$0")/../lib.sh"
command -v strace >/dev/null || { ok "# SKIP no strace"; done_testing; }
start_fake src --cloud azure --seed "$ROOT/fixtures/azure-workspace" || exit 1
write_cfg cfg SRC "$src_URL" tok
export DATABRICKS_CONFIG_FILE=$T/cfg
# (LeakSanitizer cannot run under ptrace: leaks are checked by the other tests)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=sync,syncfs -o trace.txt "$DBXMIG" export --profile SRC --session s --cloud azure >out.txt 2>err.txt
check "export exits 0" test $? = 0
check "syncfs() was called" grep -q 'syncfs(' trace.txt
check "sync() never was" sh -c '! grep -q "[^a-z]sync()" trace.txt'
check "notebook blobs are there" test -n "$(find migration/s/export/blobs -type f | head -1)"
done_testing
