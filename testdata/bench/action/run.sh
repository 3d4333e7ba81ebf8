#!/usr/bin/env bash
# run.sh: the Action's path to a verdict, with the release binary (issue 14).
#
#   testdata/bench/action/run.sh              # RUNS=5 iterations
#   COLD=1 testdata/bench/action/run.sh       # also a source build on an empty build cache (minutes)
#
# 1. Builds pipeguard as a release does (actions/release/build.sh), timed:
#    that build is also what the Action runs for an untagged ref, so its
#    time is the reference the download replaces. A second build right
#    after is the source path at its best (a warm Go build cache, which a
#    fresh runner does not have: only the link); COLD=1 adds one with an
#    empty GOCACHE, what a runner without a cache pays (plus the module
#    downloads, here already in the module cache).
# 2. BenchmarkActionRelease (scan/github) packs that binary with
#    actions/release/package.sh, serves it from a local HTTPS server that
#    answers like github.com (git ls-remote, release downloads with
#    redirects), and runs the Action's steps as a runner would for a
#    release tag: download, checksum, unpack, scan of the bundled example
#    project with every scanner (offline databases), publish. Each
#    iteration starts from an empty RUNNER_TEMP.
#
# The attestation check (gh attestation verify, an API call and Sigstore's
# trust root over the network) is not part of this: no gh here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo_root=$(cd "$here/../../.." && pwd)
dir=${BENCH_DIR:-/tmp/pipeguard-bench-action}
runs=${RUNS:-5}
mkdir -p "$dir"
cd "$repo_root"

# timed LABEL CMD...: wall and CPU (user+sys, children included) seconds.
timed() {
	local label=$1 TIMEFORMAT
	shift
	TIMEFORMAT="$label: %R s wall, %U s user + %S s sys"
	time "$@"
}

echo "== source build (actions/release/build.sh), as the Action's untagged path runs it"
timed "build, this machine's caches as they were" bash actions/release/build.sh v0.0.0-bench "$dir/pipeguard"
# Another output file: go build skips the link when the output is current.
rm -f "$dir/pipeguard-warm"
timed "build, warm build cache (link only)" bash actions/release/build.sh v0.0.0-bench "$dir/pipeguard-warm"
rm -f "$dir/pipeguard-warm"
if [ -n "${COLD:-}" ]; then
	cold=$(mktemp -d "$dir/gocache.XXXXXX")
	timed "build, empty build cache (modules downloaded already)" \
		env GOCACHE="$cold" bash actions/release/build.sh v0.0.0-bench "$dir/pipeguard-cold"
	rm -rf "$cold" "$dir/pipeguard-cold"
fi
ls -l "$dir/pipeguard"

echo
echo "== the Action's steps for a release tag, against the local release server ($runs runs)"
PIPEGUARD_TEST_BINARY="$dir/pipeguard" go test -tags gore2regex -run '^$' \
	-bench BenchmarkActionRelease -benchtime "${runs}x" ./scan/github | grep -E '^(Benchmark|ok|FAIL)'
echo "(s-*/op: wall seconds per run in the download step, the scan step, all steps;"
echo " cpu-s-*/op: CPU seconds of the steps' processes; download-share: download / all)"
uptime
