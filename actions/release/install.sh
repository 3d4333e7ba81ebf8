#!/usr/bin/env bash
# Installs the released pipeguard binary that matches the Action's own ref,
# verified, into $RUNNER_TEMP/pipeguard; or tells the Action to build
# pipeguard from its source. The Action's "Download pipeguard" step runs it.
#
# Environment (the runner's, and what the step passes):
#   ACTION_REPOSITORY, ACTION_REF   the Action's owner/name and ref
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_PATH,
#   GITHUB_SERVER_URL
#   GH_TOKEN                        for `gh attestation verify`, when it is
#                                   a token for the releases' host
#   PIPEGUARD_RELEASE_BASE_URL      where releases are downloaded from
#                                   (default https://github.com; tests
#                                   point it at a local server)
#
# Outputs: build=true when the Action must build from source (a branch, a
# commit that no release tag points to, a platform without a release
# binary, a release that cannot be fetched), build=false and version=TAG
# when the release binary is installed.
#
# Which release: the ref is resolved with `git ls-remote` against the
# Action's repository: a release tag (vX.Y.Z), another tag, or a full
# commit SHA that a release tag points to all take that release's binary,
# so pinning the Action by commit SHA still downloads. A branch builds.
#
# What is verified before the binary runs: its archive's SHA-256 against
# the release's checksums.txt (a mismatch fails the step: the download was
# altered), and, when the gh CLI and a token are there, the archive's build
# provenance attestation (signed by this repository's release workflow,
# from that tag and commit): a failed verification fails the step too.
# A binary that fails either check is deleted and never run.
set -euo pipefail

base=${PIPEGUARD_RELEASE_BASE_URL:-https://github.com}
base=${base%/}
repo=${ACTION_REPOSITORY:-}
ref=${ACTION_REF:-}
dest="$RUNNER_TEMP/pipeguard"
work=""

output() { echo "$1=$2" >> "$GITHUB_OUTPUT"; }

# build ends the script, asking the Action to build from source.
build() {
  echo "pipeguard: $1; building pipeguard from the Action's source instead."
  output build true
  cleanup
  exit 0
}

# fallback is build for a release that should be there and is not: a warning,
# since the build takes minutes where the download takes seconds.
fallback() {
  echo "::warning title=pipeguard::$1; building pipeguard from the Action's source instead"
  output build true
  cleanup
  exit 0
}

# refuse fails the step: what was downloaded is not what was released.
refuse() {
  echo "::error title=pipeguard::$1"
  cleanup
  exit 1
}

cleanup() {
  if [ -n "$work" ]; then rm -rf "$work"; fi
}

if command -v sha256sum >/dev/null; then
  sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null; then
  sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
else
  build "neither sha256sum nor shasum is installed to verify a download"
fi

# fetch URL FILE: prints the HTTP status (000 when there was no answer).
# Only https, also after redirects (GitHub redirects release downloads to
# its object storage).
fetch() {
  curl --silent --show-error --location --proto '=https' --proto-redir '=https' \
    --retry 3 --retry-delay 1 --connect-timeout 20 --max-time 300 \
    --output "$2" --write-out '%{http_code}' "$1" 2>"$work/curl.err" || true
}

case "$base" in
  https://*) ;;
  *) refuse "PIPEGUARD_RELEASE_BASE_URL must be an https URL, not ${base}" ;;
esac
if [ -z "$repo" ] || [ -z "$ref" ]; then
  build "the Action's repository or ref is unknown (a local action, uses: ./)"
fi
if ! [[ $repo =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || ! [[ $ref =~ ^[A-Za-z0-9_./-]+$ ]]; then
  build "unexpected Action repository or ref ${repo}@${ref}"
fi

case "${RUNNER_OS:-}" in
  Linux) os=linux ;;
  macOS) os=darwin ;;
  Windows) os=windows ;;
  *) build "no release binary for runner OS ${RUNNER_OS:-unknown}" ;;
esac
case "${RUNNER_ARCH:-}" in
  X64) arch=amd64 ;;
  ARM64) arch=arm64 ;;
  *) build "no release binary for runner architecture ${RUNNER_ARCH:-unknown}" ;;
esac

if [ "$os" = windows ] && command -v cygpath >/dev/null; then
  dest=$(cygpath -u "$dest")
fi
mkdir -p "$dest"
work=$(mktemp -d "$dest/download.XXXXXX")
trap cleanup EXIT

# Stage 1: which commit the ref names, and which release tag points to it.
# Run outside the workspace, so that no credentials of its clone are sent.
if ! tags=$(cd "$work" && GIT_TERMINAL_PROMPT=0 git ls-remote --tags "$base/$repo" 2>"$work/git.err"); then
  fallback "could not list the tags of ${repo}: $(tail -n 1 "$work/git.err")"
fi
# One "COMMIT NAME" line per tag; an annotated tag's peeled line (NAME^{})
# gives its commit. (awk, not an associative array: macOS has bash 3.)
tags=$(awk '{
    n = $2; sub(/^refs\/tags\//, "", n)
    if (n ~ /\^\{\}$/) { sub(/\^\{\}$/, "", n); peeled[n] = $1 } else { plain[n] = $1 }
  } END { for (n in plain) print ((n in peeled) ? peeled[n] : plain[n]), n }' <<< "$tags")
commit_of() { awk -v n="$1" '$2 == n { print $1; exit }' <<< "$tags"; }

if [[ $ref =~ ^[0-9a-f]{40}$ ]]; then
  commit=$ref
else
  commit=$(commit_of "$ref")
  if [ -z "$commit" ]; then
    build "${ref} is not a tag or a full commit SHA of ${repo} (a branch?)"
  fi
fi

# The release: the ref itself when it is a release tag, else the highest
# release tag on the same commit (a final release before a pre-release).
release_re='^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'
tag=""
if [[ $ref =~ $release_re ]]; then
  tag=$ref
else
  on_commit=$(awk -v c="$commit" '$1 == c { print $2 }' <<< "$tags" | grep -E "$release_re" || true)
  tag=$(grep -v -- - <<< "$on_commit" | sort -V | tail -n 1 || true)
  if [ -z "$tag" ]; then
    tag=$(sort -V <<< "$on_commit" | tail -n 1)
  fi
fi
if [ -z "$tag" ]; then
  build "commit ${commit} of ${repo} is not a release (no vX.Y.Z tag points to it)"
fi

# Stage 2: the release's checksums, and the archive for this runner.
ext=tar.gz
exe=pipeguard
if [ "$os" = windows ]; then
  ext=zip
  exe=pipeguard.exe
fi
asset="pipeguard_${tag#v}_${os}_${arch}.${ext}"
url="$base/$repo/releases/download/$tag"

status=$(fetch "$url/checksums.txt" "$work/checksums.txt")
case "$status" in
  200) ;;
  404) fallback "release ${tag} of ${repo} has no checksums.txt (not published yet?)" ;;
  *) fallback "could not download ${url}/checksums.txt (HTTP ${status}: $(tail -n 1 "$work/curl.err"))" ;;
esac
want=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1; exit }' "$work/checksums.txt" | tr 'A-F' 'a-f')
if [ -z "$want" ]; then
  build "release ${tag} has no binary for ${os}/${arch}"
fi
if ! [[ $want =~ ^[0-9a-f]{64}$ ]]; then
  refuse "checksums.txt of release ${tag} has no valid SHA-256 for ${asset}"
fi

echo "pipeguard: downloading ${asset} of release ${tag} (${repo}@${ref}, commit ${commit})"
status=$(fetch "$url/$asset" "$work/$asset")
if [ "$status" != 200 ]; then
  fallback "could not download ${url}/${asset} (HTTP ${status}: $(tail -n 1 "$work/curl.err"))"
fi

# Stage 3: verify, before anything in the archive is unpacked or run.
got=$(sha256 "$work/$asset")
if [ "$got" != "$want" ]; then
  refuse "checksum mismatch for ${asset} of release ${tag}: checksums.txt says sha256 ${want}, the download is ${got}. The download was altered or corrupted; pipeguard refuses to run it."
fi
echo "pipeguard: sha256 ${got} matches checksums.txt"

if ! command -v gh >/dev/null; then
  echo "::notice title=pipeguard::the gh CLI is not installed: the build provenance attestation of ${asset} was not verified (its checksum was)"
elif [ -z "${GH_TOKEN:-}" ]; then
  echo "::notice title=pipeguard::no token for gh: the build provenance attestation of ${asset} was not verified (its checksum was)"
elif [ "${GITHUB_SERVER_URL:-https://github.com}" != "$base" ]; then
  # On GitHub Enterprise Server the token is for another host than the
  # release's, and gh would be refused.
  echo "::notice title=pipeguard::the runner's token is for ${GITHUB_SERVER_URL}, not ${base}: the build provenance attestation of ${asset} was not verified (its checksum was)"
else
  verify=(attestation verify "$work/$asset" --repo "$repo"
    --signer-workflow "$repo/.github/workflows/release.yml" --deny-self-hosted-runners)
  # Older gh versions lack these: bind the attestation to the release's
  # tag and commit where gh can.
  if gh attestation verify --help 2>/dev/null | grep -q -- '--source-digest'; then
    verify+=(--source-ref "refs/tags/$tag" --source-digest "$commit")
  fi
  if ! gh "${verify[@]}" > "$work/gh.out" 2>&1; then
    sed 's/^/  /' "$work/gh.out"
    refuse "the build provenance attestation of ${asset} does not verify (gh ${verify[*]}); pipeguard refuses to run it."
  fi
  echo "pipeguard: build provenance attestation verified (${repo}/.github/workflows/release.yml, ${tag})"
fi

# Stage 4: unpack the one binary, and put it on the PATH.
mkdir "$work/unpacked"
if [ "$ext" = zip ]; then
  unzip -q -o "$work/$asset" "$exe" -d "$work/unpacked"
else
  tar -xzf "$work/$asset" -C "$work/unpacked" "$exe"
fi
chmod +x "$work/unpacked/$exe"
mv -f "$work/unpacked/$exe" "$dest/$exe"
echo "pipeguard: installed pipeguard ${tag} (${os}/${arch})"

if [ "$os" = windows ] && command -v cygpath >/dev/null; then
  cygpath -w "$dest" >> "$GITHUB_PATH"
else
  echo "$dest" >> "$GITHUB_PATH"
fi
output build false
output version "$tag"
