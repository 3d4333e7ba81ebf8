#!/usr/bin/env bash
# gen-repo.sh DIR [COMMITS] [FILES] [PENDING]
#
# Builds the pre-push benchmark's repository in DIR: a history of COMMITS
# commits (default 5000) over FILES files (default 2000; Python, Go,
# Markdown and text), pushed to a bare remote DIR/remote.git, plus PENDING
# (default 20) local commits not pushed yet, each editing a Python and a Go
# file. It writes DIR/push1.txt and DIR/push20.txt: git's pre-push input
# for a push of the first pending commit and of all of them (the config
# scanner runs for those, since Python files change). DIR/plain1.txt and
# DIR/plain20.txt are the same for a branch "plain" whose commits edit only
# Go and Markdown files: the hook then runs the secrets scanner alone.
set -euo pipefail
dir=${1:?usage: gen-repo.sh DIR [COMMITS] [FILES] [PENDING]}
commits=${2:-5000}
files=${3:-2000}
pending=${4:-20}
export LC_ALL=C GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com

rm -rf "$dir"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
git init -q -b main "$dir/work"

# A fast-import stream: one commit with every file, then one commit per
# edit of one file.
awk -v nfiles="$files" -v ncommits="$commits" '
function path(i,   m, ext) {
	m = i % 4
	ext = (m == 0) ? "py" : (m == 1) ? "go" : (m == 2) ? "md" : "txt"
	return sprintf("svc%02d/pkg%02d/file%04d.%s", i % 10, int(i / 10) % 20, i, ext)
}
function content(i, v,   s, k, m) {
	m = i % 4
	s = ""
	for (k = 0; k < 6; k++) {
		if (m == 0) {
			s = s sprintf("def handler_%d_%d(request):\n    \"\"\"Handle request %d (revision %d).\"\"\"\n    value = request.get(\"item_%d\")\n    return {\"id\": %d, \"value\": value}\n\n", i, k, k, v, k, i)
		} else if (m == 1) {
			s = s sprintf("// Handler%d_%d handles request %d (revision %d).\nfunc Handler%d_%d(r map[string]string) string {\n\treturn r[\"item_%d\"]\n}\n\n", i, k, k, v, i, k, k)
		} else {
			s = s sprintf("Line %d of document %d, revision %d: the service keeps its settings in the environment.\n", k, i, v)
		}
	}
	if (m == 0) s = "import os\n\nTIMEOUT = int(os.getenv(\"TIMEOUT\", \"30\"))\n\n" s
	if (m == 1) s = "package pkg\n\n" s
	return s
}
function data(s) { printf "data %d\n%s\n", length(s), s }
function header(c, msg) {
	print "commit refs/heads/main"
	print "mark :" c
	printf "committer Bench <bench@example.com> %d +0000\n", 1700000000 + c * 60
	data(msg)
}
BEGIN {
	header(1, "initial import")
	for (i = 0; i < nfiles; i++) {
		print "M 100644 inline " path(i)
		data(content(i, 0))
	}
	for (c = 2; c <= ncommits; c++) {
		header(c, "edit " c)
		print "from :" (c - 1)
		i = (c * 7919) % nfiles
		print "M 100644 inline " path(i)
		data(content(i, c))
	}
}' | git -C "$dir/work" fast-import --quiet
git -C "$dir/work" reset -q --hard main
git clone -q --bare "$dir/work" "$dir/remote.git"
git -C "$dir/work" remote add origin "$dir/remote.git"
git -C "$dir/work" fetch -q origin

# The pending commits: each adds a route to a Python file and a function
# to a Go file, like a small feature change.
for ((k = 1; k <= pending; k++)); do
	py=$(printf "svc%02d/pkg%02d/file%04d.py" $(( (k * 40) % 10 )) $(( (k * 4) % 20 )) $(( k * 40 )))
	go=$(printf "svc%02d/pkg%02d/file%04d.go" $(( (k * 40 + 1) % 10 )) $(( ((k * 40 + 1) / 10) % 20 )) $(( k * 40 + 1 )))
	[ -f "$dir/work/$py" ] || py=$(cd "$dir/work" && git ls-files '*.py' | sed -n "${k}p")
	[ -f "$dir/work/$go" ] || go=$(cd "$dir/work" && git ls-files '*.go' | sed -n "${k}p")
	printf '\n\ndef feature_%d(request):\n    limit = request.get("limit", %d)\n    return {"feature": %d, "limit": limit}\n' "$k" "$k" "$k" >> "$dir/work/$py"
	printf '\n// Feature%d is feature number %d.\nfunc Feature%d() int { return %d }\n' "$k" "$k" "$k" "$k" >> "$dir/work/$go"
	git -C "$dir/work" commit -q -am "feature $k"
done

remote=$(git -C "$dir/work" rev-parse origin/main)
git -C "$dir/work" checkout -q -b plain origin/main
for ((k = 1; k <= pending; k++)); do
	go=$(cd "$dir/work" && git ls-files '*.go' | sed -n "$((k + 100))p")
	md=$(cd "$dir/work" && git ls-files '*.md' | sed -n "$((k + 100))p")
	printf '\n// Plain%d is change number %d.\nfunc Plain%d() int { return %d }\n' "$k" "$k" "$k" "$k" >> "$dir/work/$go"
	printf '\nChange %d: the service reads its settings from the environment.\n' "$k" >> "$dir/work/$md"
	git -C "$dir/work" commit -q -am "plain $k"
done
echo "refs/heads/plain $(git -C "$dir/work" rev-parse "HEAD~$((pending - 1))") refs/heads/plain $remote" > "$dir/plain1.txt"
echo "refs/heads/plain $(git -C "$dir/work" rev-parse HEAD) refs/heads/plain $remote" > "$dir/plain$pending.txt"
git -C "$dir/work" checkout -q main
first=$(git -C "$dir/work" rev-parse "main~$((pending - 1))")
last=$(git -C "$dir/work" rev-parse main)
echo "refs/heads/main $first refs/heads/main $remote" > "$dir/push1.txt"
echo "refs/heads/main $last refs/heads/main $remote" > "$dir/push$pending.txt"
echo "generated $dir: $(git -C "$dir/work" rev-list --count HEAD) commits, $(git -C "$dir/work" ls-files | wc -l) files, $pending not pushed" >&2
