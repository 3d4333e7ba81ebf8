#!/usr/bin/env bash
# run.sh PIPEGUARD [GOVULNCHECK] : the first Go audit on a cold module and
# build cache, pipeguard against the govulncheck command (v1.9.0:
# go install golang.org/x/vuln/cmd/govulncheck@v1.9.0).
#
# It writes a small application that uses github.com/mattn/go-sqlite3 (a
# cgo package whose C takes minutes to compile) and calls a vulnerable
# symbol of golang.org/x/text v0.3.5 (so that symbol analysis runs), then,
# for each tool, with a new empty GOMODCACHE and GOCACHE: downloads the
# modules (not timed), and times the audit with a C compiler (CC) that
# counts its calls. Issue 14's goal: no C compilation on a cold cache.
# Needs the Go module proxy; the vulnerability database is
# ../shared/data/go-vulndb (offline).
set -euo pipefail
pg=$(realpath "${1:?usage: run.sh PIPEGUARD [GOVULNCHECK]}")
gv=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
db=$(realpath "$here/../../../../shared/data/go-vulndb")
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
app=$work/app
mkdir -p "$app"
cat >"$app/go.mod" <<'MOD'
module example.com/sqliteapp

go 1.22

require (
	github.com/mattn/go-sqlite3 v1.14.24
	golang.org/x/text v0.3.5
)
MOD
cat >"$app/main.go" <<'SRC'
// Command sqliteapp stores language tags in SQLite.
package main

import (
	"database/sql"
	"fmt"
	"os"

	_ "github.com/mattn/go-sqlite3"
	"golang.org/x/text/language"
)

func main() {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer db.Close()
	tag, err := language.Parse(os.Args[1])
	fmt.Println(tag, err)
}
SRC
cat >"$work/cc" <<CC
#!/bin/sh
echo x >> "$work/cc.calls"
exec ${CC:-gcc} "\$@"
CC
chmod +x "$work/cc"

fresh() { # a new empty module and build cache, the modules downloaded
	rm -rf "$work/mod" "$work/build" "$work/cc.calls"
	export GOMODCACHE=$work/mod GOCACHE=$work/build GOFLAGS=-mod=mod
	(cd "$app" && go mod tidy >/dev/null 2>&1 && go mod download all >/dev/null 2>&1)
	export GOFLAGS=
}
measure() { # name command...
	local name=$1
	shift
	fresh
	local t0 t1
	t0=$(date +%s.%N)
	CC=$work/cc /usr/bin/time -f "%U %S %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || true
	t1=$(date +%s.%N)
	read -r user sys maxkb < <(tail -n 1 "$work/time")
	printf "%-12s wall %7.1f s  cpu %7.1f s  peak %6d MiB  C compiler calls %d\n" "$name" \
		"$(echo "$t1 - $t0" | bc)" "$(echo "$user + $sys" | bc)" $((maxkb / 1024)) \
		"$(cat "$work/cc.calls" 2>/dev/null | wc -l)"
}
measure pipeguard "$pg" scan --scanners deps --offline --no-cache --go-vulndb "$db" --format json "$app"
if [ -n "$gv" ]; then
	measure govulncheck "$gv" -db "file://$db" -format json -C "$app" ./...
fi
