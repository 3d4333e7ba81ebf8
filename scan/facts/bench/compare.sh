#!/bin/sh
# compare.sh: facts extraction against Bandit on the same generated tree of
# 2,000 Python files (FastAPI routers, models, helpers). Prints both wall
# times and the ratio bandit/facts (higher is better for pipeguard).
#
#   scan/facts/bench/compare.sh            # needs python3-bandit
#
# The facts time is BenchmarkExtract's ns/op over 3 runs; Bandit runs once
# (it is the slow side). Both run in this invocation, on this machine.
set -eu
cd "$(dirname "$0")/../../.."
command -v bandit >/dev/null || { echo "bandit not installed (apt-get install python3-bandit)" >&2; exit 2; }
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT

FACTS_BENCH_DIR=$tree go test -tags gore2regex -count=1 -run '^TestWriteBenchTree$' ./scan/facts/ >/dev/null
files=$(find "$tree" -name '*.py' | wc -l)

out=$(FACTS_BENCH_DIR=$tree go test -tags gore2regex -count=1 -run '^$' -bench '^BenchmarkExtract$' -benchtime 3x ./scan/facts/)
echo "$out" | grep '^BenchmarkExtract'
facts_ns=$(echo "$out" | awk '/^BenchmarkExtract/ {print $3; exit}')

start=$(date +%s.%N)
bandit -q -r "$tree" -f json -o /dev/null 2>/dev/null || true
end=$(date +%s.%N)

awk -v f="$facts_ns" -v s="$start" -v e="$end" -v n="$files" 'BEGIN {
	ft = f / 1e9; bt = e - s
	printf "python files:   %d\n", n
	printf "pipeguard facts: %.2f s  (%.0f files/s)\n", ft, n / ft
	printf "bandit:          %.2f s  (%.0f files/s)\n", bt, n / bt
	printf "ratio bandit/facts: %.1fx\n", bt / ft
}'
