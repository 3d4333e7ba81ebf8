#!/usr/bin/env bash
# cold.sh PIPEGUARD GOVULNCHECK MODULE [MODCACHE] : the first Go audit of
# MODULE (a checkout of a Go module such as caddy) on cold caches,
# pipeguard against govulncheck, in alternating pairs (RUNS, default 3).
#
# Each run gets a new empty GOMODCACHE and GOCACHE; modules come from
# MODCACHE (a module cache filled beforehand with
# `GOMODCACHE=MODCACHE GOFLAGS=-mod=mod go mod download all` in MODULE)
# through GOPROXY=file://, so neither side uses the network but both
# extract, load and compile everything cold. CC is a wrapper that counts
# its calls. pipeguard runs its Go audit only (--scanners deps), without
# --offline (which forbids the go command to fetch modules at all, so a
# cold module cache could not load); the re-run reuses the caches of the
# first (the result cache under XDG_CACHE_HOME). The vulnerability
# database is ../shared/data/go-vulndb, read locally by both.
#
# GOVULNCHECK: go build -o /tmp/govulncheck golang.org/x/vuln/cmd/govulncheck
# (from this module, at the version in go.mod).
# Issue 14's goals: pipeguard <= 0.9x govulncheck's time and <= 0.6x its
# peak memory, a re-run < 1 s, no C compiler call.
set -euo pipefail
pg=$(realpath "${1:?usage: cold.sh PIPEGUARD GOVULNCHECK MODULE [MODCACHE]}")
gv=$(realpath "${2:?}")
mod=$(realpath "${3:?}")
modcache=$(realpath "${4:-$HOME/go/pkg/mod}")
runs=${RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
db=$(realpath "$here/../../../../shared/data/go-vulndb")
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cat >"$work/cc" <<CC
#!/bin/sh
echo x >> "$work/cc.calls"
exec ${CC:-gcc} "\$@"
CC
chmod +x "$work/cc"
export GOPROXY=file://$modcache/cache/download GOSUMDB=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
fresh() {
	[ -d "$work/mod" ] && chmod -R u+w "$work/mod"
	rm -rf "$work/mod" "$work/build" "$work/cc.calls" "$work/xdg"
	export GOMODCACHE=$work/mod GOCACHE=$work/build XDG_CACHE_HOME=$work/xdg
}
# measure NAME COMMAND...: wall, CPU (user+system of the whole process
# tree), peak RSS of its largest process, C compiler calls.
measure() {
	local name=$1
	shift
	local t0 t1
	t0=$(date +%s.%N)
	CC=$work/cc /usr/bin/time -f "%U %S %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || true
	t1=$(date +%s.%N)
	read -r user sys maxkb < <(tail -n 1 "$work/time")
	printf "%s %.2f %.2f %d %d\n" "$name" "$(echo "$t1 - $t0" | bc)" "$(echo "$user + $sys" | bc)" $((maxkb / 1024)) \
		"$(cat "$work/cc.calls" 2>/dev/null | wc -l)" | tee -a "$work/results"
}
pgcmd=("$pg" scan --scanners deps --go-vulndb "$db" --format json ${PG_FLAGS:-} "$mod")
for i in $(seq "$runs"); do
	echo "load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
	if [ $((i % 2)) -eq 1 ]; then order="gv pg"; else order="pg gv"; fi
	for who in $order; do
		fresh
		if [ "$who" = gv ]; then
			measure govulncheck "$gv" -db "file://$db" -format json -C "$mod" ./...
		else
			measure pipeguard "${pgcmd[@]}"
			python3 -c 'import json,sys; [print("  note:", n[:300], file=sys.stderr) for s in json.load(open(sys.argv[1]))["scanners"] for n in s.get("notes") or []]' "$work/out" || true
			measure pipeguard-rerun "${pgcmd[@]}"
		fi
	done
done
python3 - "$work/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
by = {}
for name, wall, cpu, mib, cc in rows:
    by.setdefault(name, []).append((float(wall), float(cpu), int(mib), int(cc)))
for name, r in by.items():
    print(f"{name:15s} wall {statistics.median(x[0] for x in r):7.2f} s  cpu {statistics.median(x[1] for x in r):7.2f} s  "
          f"peak {statistics.median(x[2] for x in r):6.0f} MiB  C compiler calls {max(x[3] for x in r)}  (medians of {len(r)})")
pg, gv = by.get("pipeguard", []), by.get("govulncheck", [])
n = min(len(pg), len(gv))
if n:
    for i, what in ((0, "wall"), (1, "cpu"), (2, "peak memory")):
        ratios = [pg[k][i] / gv[k][i] for k in range(n)]
        print(f"pipeguard / govulncheck {what}: {statistics.median(ratios):.2f}x (paired median of {n})")
PY
