#!/usr/bin/env bash
# Builds pipeguard for the machine it runs on, the way a release does:
#
#   actions/release/build.sh VERSION OUTPUT
#
# The release workflow runs it on one runner per platform, and the Action
# runs it when it must build from source, so that both ship the same build.
# tree-sitter (the Python parser) is C through cgo, so the build needs the
# platform's C compiler; the binary is made to run on more than the machine
# that built it:
#   - Linux: linked statically (netgo and osusergo keep glibc's name
#     services out), so it runs on any distribution, old glibc or musl;
#   - Windows: MinGW's runtime linked statically, no DLL beside the .exe;
#   - macOS: C code compiled for macOS 12 and later, not only the build
#     machine's version.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 VERSION OUTPUT" >&2
  exit 3
fi
version=$1
out=$2
case "$out" in
  /*) ;;
  *) out="$PWD/$out" ;;
esac
cd "$(dirname "$0")/../.."

# The build tags are the README's (gore2regex: gitleaks on RE2).
tags=gore2regex
ldflags="-s -w -X main.version=$version"
case "$(go env GOOS)" in
  linux)
    tags+=",netgo,osusergo"
    ldflags+=" -linkmode=external -extldflags=-static"
    ;;
  windows)
    ldflags+=" -extldflags=-static"
    ;;
  darwin)
    export MACOSX_DEPLOYMENT_TARGET="${MACOSX_DEPLOYMENT_TARGET:-12.0}"
    ;;
esac

mkdir -p "$(dirname "$out")"
CGO_ENABLED=1 go build -tags "$tags" -trimpath -ldflags "$ldflags" -o "$out" ./cmd/pipeguard
