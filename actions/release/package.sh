#!/usr/bin/env bash
# Packs the binaries of a release and writes checksums.txt:
#
#   actions/release/package.sh VERSION BINDIR OUTDIR
#
# BINDIR holds one binary per platform, named pipeguard_OS_ARCH (with .exe
# on Windows), as the release workflow's build jobs upload them. OUTDIR
# receives, per platform, pipeguard_VERSION_OS_ARCH.tar.gz (.zip on
# Windows; VERSION without its leading v) holding the binary and the
# README, and checksums.txt: one "SHA256  NAME" line per archive, the
# format of sha256sum, which `sha256sum --check` and the Action read.
#
# The archives are reproducible: same binaries and commit, same bytes.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 VERSION BINDIR OUTDIR" >&2
  exit 3
fi
version=${1#v}
bindir=$(cd "$2" && pwd)
mkdir -p "$3"
outdir=$(cd "$3" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)

# Every file gets the commit's time, so that a rebuild is byte for byte
# the same (SOURCE_DATE_EPOCH is the reproducible-builds convention).
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}
export TZ=UTC LC_ALL=C

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
found=0
for bin in "$bindir"/pipeguard_*; do
  name=$(basename "$bin")
  platform=${name#pipeguard_}
  platform=${platform%.exe}
  case "$platform" in
    *_*) ;;
    *) echo "package: $name is not named pipeguard_OS_ARCH" >&2; exit 3 ;;
  esac
  exe=pipeguard
  [ "${platform%%_*}" = windows ] && exe=pipeguard.exe
  rm -rf "${stage:?}"/*
  cp "$bin" "$stage/$exe"
  chmod 0755 "$stage/$exe"
  cp "$root/README.md" "$stage/README.md"
  chmod 0644 "$stage/README.md"
  touch -d "@$epoch" "$stage/$exe" "$stage/README.md"
  archive="pipeguard_${version}_${platform}"
  if [ "$exe" = pipeguard.exe ]; then
    rm -f "$outdir/$archive.zip"
    (cd "$stage" && zip -q -X -9 "$outdir/$archive.zip" "$exe" README.md)
  else
    tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
      -cf - "$exe" README.md | gzip -n -9 > "$outdir/$archive.tar.gz"
  fi
  found=$((found + 1))
done
if [ "$found" -eq 0 ]; then
  echo "package: no pipeguard_OS_ARCH binary in $bindir" >&2
  exit 3
fi

cd "$outdir"
shopt -s nullglob
archives=(pipeguard_"${version}"_*) # sorted: LC_ALL=C below
sha256 "${archives[@]}" > checksums.txt
cat checksums.txt
