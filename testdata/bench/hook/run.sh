#!/usr/bin/env bash
# run.sh: the pre-push hook's speed benchmark (issue 7).
#
#   testdata/bench/hook/run.sh            # builds pipeguard with -tags gore2regex
#   PIPEGUARD=/path/to/pipeguard run.sh   # measures a given binary
#
# Generates (once) a repository of 5,000 commits and 2,000 files with
# gen-repo.sh under $BENCH_DIR (default /tmp/pipeguard-bench-hook), then
# measures `pipeguard hook run pre-push` for a push of 1 and of 20 commits,
# for commits that touch Python files (secrets + config scanners) and for
# commits that do not (secrets alone), next to references measured in the
# same run: process start-up (`pipeguard version`) and `git log -p -U0` of
# the same range (the floor of any history scan). Goals: 1 commit <= 0.15 s,
# 20 commits <= 0.4 s of wall time, process start included.
#
# Wall times come from hyperfine when it is installed (apt-get install
# hyperfine), else from a loop of `date +%s%N`. The parts (config read,
# push planning, changed lines, scan, and per scanner) come from the hook's
# own --timings; the start-up work per package from GODEBUG=inittrace=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo_root=$(cd "$here/../../.." && pwd)
dir=${BENCH_DIR:-/tmp/pipeguard-bench-hook}
runs=${RUNS:-10}
mkdir -p "$dir"

bin=${PIPEGUARD:-}
if [ -z "$bin" ]; then
	bin="$dir/bin/pipeguard"
	echo "building $bin (-tags gore2regex)" >&2
	(cd "$repo_root" && go build -tags gore2regex -o "$bin" ./cmd/pipeguard)
fi
[ -f "$dir/plain20.txt" ] || "$here/gen-repo.sh" "$dir"

cd "$dir/work"
url="$dir/remote.git"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null NO_COLOR=1
range_of() { awk '{print $4 ".." $2}' "$dir/$1.txt"; }

echo "== parts (ms, from --timings; 3 runs after a warm-up)"
for input in plain1 plain20 push1 push20; do
	"$bin" hook run pre-push --timings origin "$url" < "$dir/$input.txt" > /dev/null 2>&1 || true
	for i in 1 2 3; do
		"$bin" hook run pre-push --timings origin "$url" < "$dir/$input.txt" 2>&1 >/dev/null |
			awk -v inp="$input" '/^timing/ { sub(/^timing /, ""); printf "%s  %s\n", inp, $0 }'
	done
done | awk '{ key = $1 " " $2 " " $3; if ($3 ~ /^[0-9.]+$/) key = $1 " " $2; v = ($3 ~ /^[0-9.]+$/) ? $3 : $4; vals[key] = vals[key] " " v } END { for (k in vals) print k ":" vals[k] }' | sort

echo
echo "== start-up: package init (GODEBUG=inittrace=1 pipeguard version), slowest first"
GODEBUG=inittrace=1 "$bin" version 2>&1 >/dev/null | awk '/^init / { ms[$2] += $5; total += $5 } END { for (p in ms) printf "%8.2f ms  %s\n", ms[p], p; printf "%8.2f ms  TOTAL\n", total }' | sort -rn | head -12

echo
echo "== wall time"
cmds=(
	"$bin version"
	"git log -p -U0 $(range_of plain1)"
	"git log -p -U0 $(range_of plain20)"
	"$bin hook run pre-push origin $url < $dir/plain1.txt"
	"$bin hook run pre-push origin $url < $dir/plain20.txt"
	"$bin hook run pre-push origin $url < $dir/push1.txt"
	"$bin hook run pre-push origin $url < $dir/push20.txt"
)
if [ -n "${GITLEAKS:-}" ]; then
	cmds+=("$GITLEAKS git --no-banner --log-opts=$(range_of plain1) .")
fi
if command -v hyperfine > /dev/null; then
	hyperfine --style basic -i -w 2 -r "$runs" --export-markdown "$dir/results.md" "${cmds[@]}" 2>&1 |
		grep -E '^Benchmark|Time \(mean'
	echo "(table: $dir/results.md)"
else
	for c in "${cmds[@]}"; do
		best=
		for ((i = 0; i < runs; i++)); do
			t0=$(date +%s%N)
			bash -c "$c" > /dev/null 2>&1 || true
			t=$((($(date +%s%N) - t0) / 1000000))
			if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
		done
		printf "%6d ms (best of %d)  %s\n" "$best" "$runs" "$c"
	done
fi
