#!/bin/sh
# Transport: TLS certificates are verified by default (a self-signed
# server is refused, exit 2, with a message saying so), --insecure skips
# the check only with a loud warning, and plain http to a host that is not
# loopback is refused before any connection or name lookup is made.
. "$(dirname "$0")/../lib.sh"

command -v openssl >/dev/null || { ok "# SKIP no openssl"; done_testing; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
	-subj /CN=127.0.0.1 >/dev/null 2>&1 || { nok "make a self-signed certificate"; done_testing; }
# a free port: let the fake pick one, then free it
start_fake p --cloud aws || exit 1
port=${p_URL##*:}
kill "$p_PID"; wait "$p_PID" 2>/dev/null
openssl s_server -quiet -accept "127.0.0.1:$port" -cert cert.pem -key key.pem -www >tls.out 2>tls.err &
_fake_pids="$_fake_pids $!"
i=0; while [ $i -lt 100 ] && ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.05; i=$((i + 1)); done

export DATABRICKS_HOST="https://127.0.0.1:$port" DATABRICKS_TOKEN=tls-test-token
unset DATABRICKS_CONFIG_FILE DATABRICKS_CONFIG_PROFILE
expect_exit 2 "a self-signed certificate is refused: exit 2" "$DBXMIG" export --session t --only clusters
check "the message is about the certificate" grep -qiE 'certificate|SSL' err.txt
check "no --insecure warning without --insecure" sh -c '! grep -q "NOT verified" err.txt'
"$DBXMIG" --insecure export --session t2 --only clusters >out.txt 2>err.txt
check "--insecure warns that certificates are not verified" grep -q "WARNING: --insecure: TLS certificates of https://127.0.0.1:$port are NOT verified" err.txt
check "--insecure: the certificate is no longer the complaint" sh -c '! grep -qiE "certificate problem|SSL certificate" err.txt'
check "the token is not printed" sh -c '! grep -q tls-test-token out.txt err.txt'

# plain http to a non-loopback host: refused before any network contact
export DATABRICKS_HOST=http://dbxmig-test.invalid
if command -v strace >/dev/null; then
	# (LeakSanitizer cannot run under ptrace: leaks are checked by the other tests)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=connect,sendto,sendmsg,sendmmsg -o trace.txt "$DBXMIG" export --session h --only clusters >out.txt 2>err.txt
	rc=$?
	check "no socket was connected and nothing was sent" sh -c '! grep -E "connect|send" trace.txt | grep -v "AF_UNIX"'
else
	"$DBXMIG" export --session h --only clusters >out.txt 2>err.txt; rc=$?
fi
check "plain http to a remote host: exit 2 (got $rc)" test "$rc" = 2
check "the message says plain http is for loopback only" grep -q "plain http is allowed for loopback hosts only" err.txt
export DATABRICKS_HOST=http://10.1.2.3:8080
expect_exit 2 "plain http to an IP that is not loopback: exit 2" "$DBXMIG" export --session h2 --only clusters
done_testing
