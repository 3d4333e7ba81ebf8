#!/usr/bin/env bash
# checkout.sh MIRRORS DEST: clone every application of apps.tsv at its pinned
# commit into DEST/<owner>+<name>, from bare mirrors laid out as
# MIRRORS/<owner>+<name>/repo (what the search tool's fetch verb gives).
# Blobs a mirror lacks (files of 4 MiB and more) are left out of the
# checkout with a sparse-checkout pattern, and named.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 MIRRORS DEST" >&2; exit 3; }
mirrors=$1 dest=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dest"
while IFS=$'\t' read -r repo commit _sub; do
	case $repo in '#'* | '') continue ;; esac
	name=${repo/\//+}
	src=$mirrors/$name/repo
	out=$dest/$name
	if [ ! -d "$src" ]; then echo "$repo: no mirror at $src (fetch github:$repo first)" >&2; continue; fi
	[ -d "$out/.git" ] || git clone -q --no-checkout "$src" "$out"
	git -C "$out" ls-tree -r "$commit" | awk '$2=="blob"{print $3"\t"$4}' >"$out/.git/blobs.tsv"
	cut -f1 "$out/.git/blobs.tsv" | git -C "$out" cat-file --batch-check 2>/dev/null | awk '$2=="missing"{print $1}' >"$out/.git/missing"
	git -C "$out" sparse-checkout init --no-cone >/dev/null 2>&1 || true
	{ echo '/*'; if [ -s "$out/.git/missing" ]; then grep -F -f "$out/.git/missing" "$out/.git/blobs.tsv" | cut -f2 | sed 's|^|!/|'; fi; } >"$out/.git/info/sparse-checkout"
	# git names each left-out blob ("invalid object"); the count below says it once.
	git -C "$out" -c advice.detachedHead=false checkout -q --force "$commit" 2> >(grep -v "invalid object" >&2)
	n=$(wc -l <"$out/.git/missing")
	echo "$repo at ${commit:0:12}$([ "$n" -gt 0 ] && echo ", $n blob(s) over the mirror's size limit left out")"
done <"$here/apps.tsv"
