#!/bin/sh
# Makes sure the Debian packages dbxmig builds and tests with are present.
# Installs what is missing when apt-get is usable (root), otherwise prints the
# exact command to run and fails. Called by make on every run: it must stay
# quick and quiet when everything is there.
#   scripts/deps.sh        what `make`, `make test` and `make check` need
#   scripts/deps.sh fuzz   that plus clang and its libFuzzer/sanitizer
#                          runtimes (`make fuzz`; libclang-rt-dev is only a
#                          Recommends of clang, which apt-get here skips)
set -u
pkgs="pkg-config liblua5.4-dev libcurl4-openssl-dev libcjson-dev libpcre2-dev libcmocka-dev libmicrohttpd-dev curl jq perl"
fuzz=""
[ "${1:-}" = fuzz ] && fuzz=1 && pkgs="$pkgs clang libclang-rt-dev"
# Whether clang links a libFuzzer target with ASan and UBSan.
fuzzer_links() {
	t=$(mktemp -d "${TMPDIR:-/tmp}/dbxmig-deps.XXXXXX") || return 1
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
		'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return d && n; }' >"$t/f.c"
	clang -fsanitize=fuzzer,address,undefined -o "$t/f" "$t/f.c" >/dev/null 2>&1
	rc=$?
	rm -rf "$t"
	return $rc
}
if ! command -v dpkg-query >/dev/null 2>&1; then
	# Not Debian: accept whatever pkg-config finds, else name what is needed.
	if command -v pkg-config >/dev/null 2>&1 &&
	   pkg-config --exists lua5.4 libcurl libcjson libpcre2-8 cmocka libmicrohttpd &&
	   command -v prove >/dev/null 2>&1 &&
	   { [ -z "$fuzz" ] || fuzzer_links; }; then
		exit 0
	fi
	echo "deps: need pkg-config, prove (perl) and the development files of lua5.4, libcurl, cjson, pcre2, cmocka, libmicrohttpd" >&2
	[ -n "$fuzz" ] && echo "deps: and for make fuzz: clang with its libFuzzer, ASan and UBSan runtimes" >&2
	echo "deps: on Debian/Ubuntu: apt-get install -y $pkgs" >&2
	exit 1
fi
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
as_root=""
if [ "$(id -u)" = 0 ]; then
	as_root=" "
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	as_root="sudo -n"	# password-less sudo only: make must not prompt
fi
if command -v apt-get >/dev/null 2>&1 && [ -n "$as_root" ]; then
	echo "deps: installing$missing" >&2
	# shellcheck disable=SC2086 # $as_root is empty or "sudo -n", $missing a list
	$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
		$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $missing >/dev/null && exit 0
	echo "deps: apt-get failed" >&2
fi
echo "deps: missing packages:$missing" >&2
echo "deps: run as root:  apt-get install -y$missing" >&2
exit 1
