# syntax=docker/dockerfile:1
#
# pipeguard as a container image, for CI systems other than GitHub Actions
# (GitLab CI, Jenkins, Buildkite, ...):
#
#   docker build -t pipeguard --build-arg VERSION=v1.2.3 .
#   docker run --rm -v "$PWD:/src" pipeguard scan --format json -o /src/report.json
#
# Two stages. The first builds pipeguard with actions/release/build.sh, the
# release's own build: the README's build tags (gore2regex), tree-sitter
# through cgo, linked statically. The image that ships is Alpine with the
# static binary, git (pipeguard runs git for history, ranges, staged and
# changed lines) and CA certificates, and runs as an unprivileged user.
# There is no Go toolchain in it: Go dependency audits fall back to module
# level and the report says so; run pipeguard where Go is installed for
# symbol-level reachability.
#
# The base images are pinned by digest: a moved tag cannot change what this
# builds. Bump tag and digest together, deliberately.

FROM golang:1.26.8-bookworm@sha256:a688600ca24f8a4d3ca77f95b0dd40704a9fc787c826660eb7ba0b641b8b175d AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN bash actions/release/build.sh "$VERSION" /out/pipeguard \
 && /out/pipeguard version

FROM alpine:3.24.1@sha256:28bd5fe8b56d1bd048e5babf5b10710ebe0bae67db86916198a6eec434943f8b
# The repository is mounted from the host, owned by another user than the
# image's: git refuses such a repository ("dubious ownership") unless it is
# a safe.directory. The image scans the checkout it is handed, which the CI
# job trusts already.
RUN apk add --no-cache git ca-certificates \
 && git config --system --add safe.directory '*' \
 && addgroup -S -g 10001 pipeguard \
 && adduser -S -D -u 10001 -G pipeguard -h /home/pipeguard -s /sbin/nologin pipeguard
COPY --from=build /out/pipeguard /usr/local/bin/pipeguard
# HOME holds pipeguard's cache (Go audit results) and git's user config.
ENV HOME=/home/pipeguard
USER 10001:10001
WORKDIR /src
ENTRYPOINT ["pipeguard"]
CMD ["scan", "."]
