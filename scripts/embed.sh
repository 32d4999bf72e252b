#!/bin/sh
# embed.sh FILE.lua OUT.c: turns a Lua source file into a C array so the
# binary carries its trusted Lua layer. Symbols: embed_<name>, embed_<name>_len.
set -eu
in=$1 out=$2
name=$(basename "$in" .lua | tr -c 'A-Za-z0-9_\n' '_')
{
	echo "/* generated from $in by scripts/embed.sh: do not edit */"
	echo "#include <stddef.h>"
	echo "const char embed_${name}[] = {"
	od -An -v -tx1 "$in" | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g' -e 's/^/\t/'
	echo "0x00 };"
	echo "const size_t embed_${name}_len = sizeof embed_${name} - 1;"
} > "$out.tmp"
mv "$out.tmp" "$out"
