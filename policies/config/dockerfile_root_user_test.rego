package pipeguard.rules.dockerfile_root_user_test

import data.pipeguard.rules.dockerfile_root_user as rule

# docker builds the facts of one Dockerfile from [instruction, args...]
# lines, numbered from 1.
docker(path, lines) := {"files": [], "dockerfile": [{
	"path": path, "line": i + 1, "project": ".", "instruction": l[0],
	"args": array.slice(l, 1, count(l)), "form": "exec", "key": "", "value": "", "redacted": false,
} |
	some i, l in lines
]}

found(path, lines) := fs if {
	fs := {[f.line, f.confidence] | some f in rule.deny} with input as docker(path, lines)
}

test_no_user if {
	found("Dockerfile", [["FROM", "python:3.12-slim"], ["COPY", ".", "/app"], ["CMD", "uvicorn", "app.main:app"]]) == {[3, "medium"]}
}

test_explicit_root if {
	found("Dockerfile", [["FROM", "python:3.12"], ["USER", "app"], ["USER", "root"], ["ENTRYPOINT", "/start.sh"]]) == {[4, "high"]}
	found("Dockerfile", [["FROM", "python:3.12"], ["USER", "0:0"], ["CMD", "python", "main.py"]]) == {[3, "high"]}
}

test_user_set if {
	found("Dockerfile", [["FROM", "python:3.12"], ["RUN", "useradd", "app"], ["USER", "app"], ["CMD", "python", "main.py"]]) == set()
	found("Dockerfile", [["FROM", "python:3.12"], ["USER", "1000:1000"], ["CMD", "python", "main.py"]]) == set()
}

# Only the final stage counts; it inherits the USER of the stage it
# builds on.
test_stages if {
	builder_user := [["FROM", "python:3.12", "AS", "build"], ["USER", "app"], ["FROM", "python:3.12-slim"], ["CMD", "python", "main.py"]]
	found("Dockerfile", builder_user) == {[4, "medium"]}
	inherited := [["FROM", "python:3.12", "AS", "base"], ["USER", "app"], ["FROM", "base", "AS", "final"], ["CMD", "python", "main.py"]]
	found("Dockerfile", inherited) == set()
	root_in_build_only := [["FROM", "golang:1.22", "AS", "build"], ["RUN", "go", "build"], ["FROM", "gcr.io/distroless/static:nonroot"], ["ENTRYPOINT", "/app"]]
	found("Dockerfile", root_in_build_only) == set()
}

test_not_reported if {
	# The base image's own entrypoint runs: no command of the project.
	found("db/Dockerfile", [["FROM", "postgres:16"], ["COPY", "init.sql", "/docker-entrypoint-initdb.d/"]]) == set()
	# Commands that drop privileges themselves.
	found("Dockerfile", [["FROM", "debian"], ["ENTRYPOINT", "gosu", "app", "/start"]]) == set()
	# Base images that run as another user.
	found("Dockerfile", [["FROM", "nginxinc/nginx-unprivileged:1.27"], ["CMD", "nginx"]]) == set()
	found("Dockerfile", [["FROM", "cgr.dev/chainguard/python:latest"], ["CMD", "main.py"]]) == set()
	found("keycloak/Dockerfile", [["FROM", "quay.io/phasetwo/phasetwo-keycloak:latest"], ["ENTRYPOINT", "/opt/keycloak/bin/kc.sh"]]) == set()
	# Files for development.
	found("Dockerfile.dev", [["FROM", "python:3.12"], ["CMD", "python", "main.py"]]) == set()
}
