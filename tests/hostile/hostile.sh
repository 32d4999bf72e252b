# tests/hostile/hostile.sh: sourced (after lib.sh) by the tests that talk
# to the hostile server, tests/hostile/server.py.
# start_hostile MODE: starts it in MODE on a free loopback port (stopped
# with the test's fakes); sets URL, empty when it did not start.
start_hostile() {
	python3 "$ROOT/tests/hostile/server.py" "$1" >"srv.$1.out" 2>"srv.$1.err" &
	_fake_pids="$_fake_pids $!"
	i=0 URL=
	while [ $i -lt 200 ] && [ -z "$URL" ]; do
		URL=$(sed -n "s/^listening on //p" "srv.$1.out" 2>/dev/null); sleep 0.05; i=$((i + 1)); done
}
