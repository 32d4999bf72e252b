#!/bin/sh
# Makes sure the Debian packages dbxmig builds and tests with are present.
# Installs what is missing when apt-get is usable (root), otherwise prints the
# exact command to run and fails.
set -u
pkgs="pkg-config liblua5.4-dev libcurl4-openssl-dev libcjson-dev libpcre2-dev libcmocka-dev libmicrohttpd-dev curl jq"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $missing >/dev/null && exit 0
	echo "deps: apt-get failed" >&2
fi
echo "deps: missing packages:$missing" >&2
echo "deps: run as root:  apt-get install -y$missing" >&2
exit 1
