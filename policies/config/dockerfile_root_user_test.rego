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

# repo builds the facts of several Dockerfiles (path -> lines) and compose
# builds [compose file, Dockerfile, target].
repo(files, builds) := {"files": [], "dockerfile": [e |
	some path, lines in files
	some e in docker(path, lines).dockerfile
], "compose_builds": [{"path": b[0], "line": 3, "project": ".", "service": "s", "dockerfile": b[1], "target": b[2]} | some b in builds]}

found_in(files, builds) := fs if {
	fs := {[f.path, f.line] | some f in rule.deny} with input as repo(files, builds)
}

root_worker := [["FROM", "python:3.12"], ["ENV", "ENVIRONMENT=dev"], ["CMD", "celery", "worker"]]

user_worker := [["FROM", "python:3.12"], ["USER", "app"], ["CMD", "celery", "worker"]]

# A Dockerfile with a production twin that sets USER is the development
# image, unless a compose file for production builds it.
test_production_twin if {
	twin := {"queue.dockerfile": root_worker, "queue.dockerfile.prod": user_worker}
	found_in(twin, []) == set()
	found_in({"Dockerfile": root_worker, "Dockerfile-production": user_worker}, []) == set()
	found_in({"api/Dockerfile": root_worker, "api/prod.Dockerfile": user_worker}, []) == set()
	found_in(twin, [["docker-compose.yml", "queue.dockerfile", ""]]) == {["queue.dockerfile", 3]}

	# A twin that runs as root too says nothing; nor does an unrelated name.
	found_in({"queue.dockerfile": root_worker, "queue.dockerfile.prod": root_worker}, []) == {["queue.dockerfile", 3], ["queue.dockerfile.prod", 3]}
	found_in({"Dockerfile": root_worker, "worker.Dockerfile": user_worker}, []) == {["Dockerfile", 3]}
}

# A Dockerfile that only development compose files build, while the
# production compose builds other images, is the development image; so is
# one whose final stage compose never builds (target: development).
test_built_for_development_only if {
	found_in({"Dockerfile": root_worker, "deploy/Dockerfile": root_worker}, [
		["docker-compose.dev.yml", "Dockerfile", ""],
		["docker-compose.prod.yml", "deploy/Dockerfile", ""],
	]) == {["deploy/Dockerfile", 3]}
	staged := [["FROM", "node:20", "AS", "development"], ["CMD", "npm", "run", "dev"], ["FROM", "nginx:alpine", "AS", "production"], ["CMD", "nginx"]]
	found_in({"web/Dockerfile": staged, "web/Dockerfile.prod": user_worker}, [["web/docker-compose.yml", "web/Dockerfile", "development"]]) == set()

	# Compose for production builds the final stage: reported.
	found_in({"web/Dockerfile": staged, "web/Dockerfile.prod": user_worker}, [["web/docker-compose.yml", "web/Dockerfile", "production"]]) == {["web/Dockerfile", 4]}
	twin := {"Dockerfile": root_worker, "Dockerfile.prod": user_worker}
	found_in(twin, [["docker-compose.yml", "Dockerfile", ""]]) == {["Dockerfile", 3]}

	# Only development compose files at all: the image may well be
	# deployed by other means.
	found_in({"Dockerfile": root_worker}, [["docker-compose.dev.yml", "Dockerfile", ""]]) == {["Dockerfile", 3]}
}
