#!/bin/sh
# Runs the shell tests (TAP) under prove: every tests/*/tNNNN-*.sh.
# DBXMIG and FAKEWS name the binaries under test (set by the Makefile).
cd "$(dirname "$0")/.." || exit 1
set -- tests/*/t[0-9]*.sh
[ -e "$1" ] || { echo "no shell tests"; exit 0; }
exec prove -j2 --timer "$@"
