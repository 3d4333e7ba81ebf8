#!/usr/bin/env bash
# compare.sh: facts extraction against Bandit on the same generated tree of
# 2,000 Python files (FastAPI routers, models, helpers). Prints wall and CPU
# times of both and the ratios bandit/facts (higher is better for pipeguard).
#
#   scan/facts/bench/compare.sh            # needs python3-bandit
#
# The facts figures come from BenchmarkExtract over 3 runs (CPU time is the
# test process's user+sys divided by 4: the testing package runs the
# benchmark once with N=1 before the 3 measured runs); Bandit runs once. Both run in this
# invocation, on this machine, one after the other.
set -euo pipefail
cd "$(dirname "$0")/../../.."
command -v bandit >/dev/null || { echo "bandit not installed (apt-get install python3-bandit)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tree=$tmp/tree
mkdir -p "$tree"

go test -tags gore2regex -c -o "$tmp/facts.test" ./scan/facts/
FACTS_BENCH_DIR=$tree "$tmp/facts.test" -test.run '^TestWriteBenchTree$' >/dev/null
files=$(find "$tree" -name '*.py' | wc -l)

TIMEFORMAT='%R %U %S'
{ time FACTS_BENCH_DIR=$tree "$tmp/facts.test" -test.run '^$' -test.bench '^BenchmarkExtract$' -test.benchtime 3x >"$tmp/facts.out"; } 2>"$tmp/facts.time"
grep '^BenchmarkExtract' "$tmp/facts.out"
facts_ns=$(awk '/^BenchmarkExtract/ {print $3; exit}' "$tmp/facts.out")
{ time bandit -q -r "$tree" -f json -o /dev/null >/dev/null 2>&1 || true; } 2>"$tmp/bandit.time"

read -r _ fu fs <"$tmp/facts.time"
read -r bw bu bs <"$tmp/bandit.time"
awk -v f="$facts_ns" -v fu="$fu" -v fs="$fs" -v bw="$bw" -v bu="$bu" -v bs="$bs" -v n="$files" 'BEGIN {
	fw = f / 1e9; fc = (fu + fs) / 4; bc = bu + bs
	printf "python files:    %d\n", n
	printf "pipeguard facts: %.2f s wall (%.0f files/s), %.2f s CPU\n", fw, n / fw, fc
	printf "bandit:          %.2f s wall (%.0f files/s), %.2f s CPU\n", bw, n / bw, bc
	printf "ratio bandit/facts: %.1fx wall, %.1fx CPU\n", bw / fw, bc / fc
}'
