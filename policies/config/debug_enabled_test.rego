package pipeguard.rules.debug_enabled_test

import data.pipeguard.rules.debug_enabled as rule
import data.pipeguard.testlib as t

base := {"apps": [], "settings": [], "env": [], "dockerfile": [], "compose": [], "files": []}

lines(fs) := {[f.path, f.line] | some f in fs}

test_app_debug_literal if {
	fs := rule.deny with input as object.union(base, {"apps": [t.app({"args": {"debug": t.lit(true, 11)}})]})
	lines(fs) == {["app/main.py", 11]}
}

test_starlette_debug if {
	fs := rule.deny with input as object.union(base, {"apps": [t.app({"framework": "starlette", "args": {"debug": t.lit(true, 10)}})]})
	some f in fs
	contains(f.message, "Starlette(debug=")
}

test_app_debug_from_settings_reported_once_at_the_default if {
	field := {"path": "app/config.py", "line": 6, "class": "Settings", "field": "debug", "annotation": "bool", "has_default": true, "value": t.lit(true, 6)}
	app := t.app({"args": {"debug": t.settings_value(true, 12, "app/config.py", 6)}})
	fs := rule.deny with input as object.union(base, {"apps": [app], "settings": [field]})
	lines(fs) == {["app/config.py", 6]}
}

test_app_attribute if {
	a := {"path": "app/main.py", "line": 30, "target": "app.debug", "attr": "debug", "value": t.lit(true, 30), "function": ""}
	lines(rule.deny) == {["app/main.py", 30]} with input as object.union(base, {"apps": [t.app({"attributes": [a]})]})
}

test_debug_from_environment if {
	count(rule.deny) == 0 with input as object.union(base, {"apps": [t.app({"args": {"debug": t.from_env("DEBUG", 11)}})]})
}

test_debug_false if {
	field := {"path": "app/config.py", "line": 6, "class": "Settings", "field": "debug", "annotation": "bool", "has_default": true, "value": t.lit(false, 6)}
	count(rule.deny) == 0 with input as object.union(base, {"apps": [t.app({"args": {"debug": t.lit(false, 11)}})], "settings": [field]})
}

# settings_debug is an app whose debug is the settings field DEBUG
# (FastAPI(debug=settings.DEBUG), default False).
settings_debug := t.app({"args": {"debug": object.union(t.settings_value(false, 12, "app/config.py", 6), {"qualname": "app.config.settings.DEBUG"})}})

env_input(path, template, value) := object.union(base, {
	"apps": [settings_debug],
	"files": [object.union(t.file(path, "env"), {"template": template})],
	"env": [{"path": path, "line": 3, "project": ".", "key": "DEBUG", "value": value, "redacted": false}],
})

test_committed_env if {
	lines(rule.deny) == {[".env", 3]} with input as env_input(".env", false, "true")
	lines(rule.deny) == {[".env.production", 3]} with input as env_input(".env.production", false, "1")
}

test_env_template_or_false if {
	count(rule.deny) == 0 with input as env_input(".env.example", true, "true")
	count(rule.deny) == 0 with input as env_input(".env", false, "false")
	count(rule.deny) == 0 with input as env_input(".env", false, "0")
}

test_untracked_env if {
	i := object.union(base, {
		"files": [object.union(t.file(".env", "env"), {"tracked": false})],
		"env": [{"path": ".env", "line": 3, "project": ".", "key": "DEBUG", "value": "true", "redacted": false}],
	})
	count(rule.deny) == 0 with input as i
}

test_dockerfile_and_compose if {
	i := object.union(base, {
		"apps": [settings_debug],
		"dockerfile": [
			{"path": "Dockerfile", "line": 5, "project": ".", "instruction": "ENV", "args": ["DEBUG=1"], "form": "", "key": "DEBUG", "value": "1", "redacted": false},
			{"path": "Dockerfile", "line": 6, "project": ".", "instruction": "ENV", "args": ["LOG_LEVEL=debug"], "form": "", "key": "LOG_LEVEL", "value": "debug", "redacted": false},
		],
		"compose": [
			{"path": "docker-compose.yml", "line": 9, "project": ".", "service": "api", "key": "environment", "name": "APP_DEBUG", "value": "True", "args": [], "redacted": false},
			{"path": "docker-compose.yml", "line": 10, "project": ".", "service": "api", "key": "environment", "name": "DEBUG", "value": "false", "args": [], "redacted": false},
		],
	})
	lines(rule.deny) == {["Dockerfile", 5], ["docker-compose.yml", 9]} with input as i
}

test_dev_files_and_other_tools if {
	i := object.union(base, {"compose": [
		{"path": "docker-compose.override.yml", "line": 9, "project": ".", "service": "api", "key": "environment", "name": "DEBUG", "value": "1", "args": [], "redacted": false},
		{"path": "deploy/compose.dev.yaml", "line": 4, "project": ".", "service": "api", "key": "environment", "name": "DEBUG", "value": "1", "args": [], "redacted": false},
		{"path": "docker-compose.yml", "line": 5, "project": ".", "service": "api", "key": "environment", "name": "SQLALCHEMY_DEBUG", "value": "true", "args": [], "redacted": false},
	]})
	count(rule.deny) == 0 with input as i
}

test_debug_switch_of_the_image_a_service_runs if {
	# SOKETI_DEBUG=1 on quay.io/soketi/soketi: the tool's logs, not the app's debug mode.
	c := {"path": "docker-compose.yml", "line": 9, "project": ".", "service": "ws", "key": "environment", "name": "SOKETI_DEBUG", "value": "1", "args": [], "redacted": false}
	count(rule.deny) == 0 with input as object.union(base, {"apps": [settings_debug], "compose": [object.union(c, {"image": "quay.io/soketi/soketi:1.4"})]})
	count(rule.deny) == 1 with input as object.union(base, {"apps": [settings_debug], "compose": [c]})
	count(rule.deny) == 1 with input as object.union(base, {"apps": [settings_debug], "compose": [object.union(c, {"name": "DEBUG", "image": "quay.io/soketi/soketi:1.4"})]})
}

test_files_named_for_development_among_other_words if {
	every p in ["docker-compose.integration-tests.yml", "sample-app/compose.yml", "deploy/docker-compose.debug.yml"] {
		count(rule.deny) == 0 with input as object.union(base, {"compose": [{"path": p, "line": 9, "project": ".", "service": "api", "key": "environment", "name": "DEBUG", "value": "1", "args": [], "redacted": false}]})
	}
}

# An app a test builds, or a test that turns debug on for the real app, is
# a fixture: never deployed.
test_apps_and_attributes_in_test_files if {
	files := [t.testfile("tests/test_startup.py")]
	test_app := t.app({"path": "tests/test_startup.py", "args": {"debug": t.lit(true, 11)}})
	count(rule.deny) == 0 with input as object.union(base, {"apps": [test_app], "files": files})
	a := {"path": "tests/test_startup.py", "line": 30, "target": "app.debug", "attr": "debug", "value": t.lit(true, 30), "function": ""}
	count(rule.deny) == 0 with input as object.union(base, {"apps": [t.app({"attributes": [a]})], "files": files})
}

compose_debug(name) := object.union(base, {"compose": [{"path": "docker-compose.yml", "line": 9, "project": ".", "service": "api", "key": "environment", "name": name, "value": "true", "args": [], "redacted": false}]})

# A DEBUG variable is debug mode only when the code gives it to the
# framework's debug switch; one it reads for a log level is not.
test_deployment_debug_only_when_the_code_turns_it_on if {
	# Nothing turns debug on from it (settings.DEBUG only sets a log level).
	count(rule.deny) == 0 with input as compose_debug("DEBUG")

	# FastAPI(debug=settings.DEBUG), also with an env_prefix (APP_DEBUG).
	count(rule.deny) == 1 with input as object.union(compose_debug("DEBUG"), {"apps": [settings_debug]})
	count(rule.deny) == 1 with input as object.union(compose_debug("APP_DEBUG"), {"apps": [settings_debug]})

	# FastAPI(debug=os.getenv("APP_DEBUG")) reads that variable only.
	from_env := t.app({"args": {"debug": t.from_env("APP_DEBUG", 11)}})
	count(rule.deny) == 1 with input as object.union(compose_debug("APP_DEBUG"), {"apps": [from_env]})
	count(rule.deny) == 0 with input as object.union(compose_debug("DEBUG"), {"apps": [from_env]})

	# app.debug = config.DEBUG, a name the facts could not resolve.
	a := {"path": "app/main.py", "line": 30, "target": "app.debug", "attr": "debug", "value": t.qual("app.config.DEBUG", 30), "function": ""}
	count(rule.deny) == 1 with input as object.union(compose_debug("DEBUG"), {"apps": [t.app({"attributes": [a]})]})

	# debug from another setting (is_dev): DEBUG does not decide it.
	other := t.app({"args": {"debug": object.union(t.settings_value(false, 12, "app/config.py", 7), {"qualname": "app.config.settings.is_dev"})}})
	count(rule.deny) == 0 with input as object.union(compose_debug("DEBUG"), {"apps": [other]})
}
