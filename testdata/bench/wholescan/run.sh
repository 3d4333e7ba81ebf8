#!/usr/bin/env bash
# run.sh PIPEGUARD TREE... : each scanner alone against all of them
# together, on each TREE (a checkout: fastapi, caddy...), with hyperfine
# (apt-get install hyperfine), offline, from ../shared/data. Runs alternate
# (hyperfine runs each command RUNS times in turn; set RUNS, default 5) and
# the report gives medians and the user+system CPU time. The Go audit's
# result cache is filled first: this measures the file walk and reads that
# the scanners share, not govulncheck (testdata/bench/goaudit and
# BenchmarkGoAudit measure that).
#
# Goal (issue 14): all scanners together at most 1.2x the slowest alone.
set -euo pipefail
pg=$(realpath "${1:?usage: run.sh PIPEGUARD TREE...}")
shift
here=$(cd "$(dirname "$0")" && pwd)
data=$(realpath "$here/../../../../shared/data")
runs=${RUNS:-5}
out=${OUT:-$(mktemp -d)}
export XDG_CACHE_HOME=${XDG_CACHE_HOME:-$out/cache}
common=(--offline --go-vulndb "$data/go-vulndb" --osv-db "$data/pypi-advisories" --format json)
for tree in "$@"; do
	tree=$(realpath "$tree")
	name=$(basename "$tree")
	# Fill the Go audit cache (and the page cache).
	(cd "$tree" && "$pg" scan "${common[@]}" -o /dev/null . >/dev/null 2>&1 || true)
	cmds=()
	for s in secrets deps config secrets,deps,config; do
		cmds+=(-n "$s" "cd $tree && $pg scan ${common[*]} --scanners $s -o /dev/null . >/dev/null 2>&1 || test \$? -le 2")
	done
	hyperfine -i --style basic --runs "$runs" --export-json "$out/$name.json" "${cmds[@]}" >/dev/null
	python3 - "$out/$name.json" "$name" <<'PY'
import json, statistics, sys
res = json.load(open(sys.argv[1]))["results"]
rows = {r["command"]: r for r in res}
med = {k: statistics.median(r["times"]) for k, r in rows.items()}
cpu = {k: r["user"] + r["system"] for k, r in rows.items()}
alone = max((k for k in med if "," not in k), key=lambda k: med[k])
allk = "secrets,deps,config"
print(f"{sys.argv[2]}:")
for k in rows:
    print(f"  {k:22s} median {med[k]:6.2f} s  cpu {cpu[k]:6.2f} s")
print(f"  all / slowest alone ({alone}): {med[allk] / med[alone]:.2f}x wall, {cpu[allk] / cpu[alone]:.2f}x cpu")
PY
done
