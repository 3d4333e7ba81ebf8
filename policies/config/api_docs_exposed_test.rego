package pipeguard.rules.api_docs_exposed_test

import data.pipeguard.rules.api_docs_exposed as rule
import data.pipeguard.testlib as t

prod_env := {"path": "Dockerfile", "line": 4, "project": ".", "instruction": "ENV", "args": ["APP_ENV=production"], "form": "", "key": "APP_ENV", "value": "production", "redacted": false}

facts(app, docker) := {"apps": [app], "dockerfile": docker, "compose": [], "env": [], "files": []}

docs(d, r, o) := {
	"docs_url": {"state": d, "path": "app/main.py", "line": 10},
	"redoc_url": {"state": r, "path": "app/main.py", "line": 10},
	"openapi_url": {"state": o, "path": "app/main.py", "line": 10},
}

test_defaults_in_production if {
	fs := rule.deny with input as facts(t.app({}), [prod_env])
	count(fs) == 1
	some f in fs
	f.line == 10
	contains(f.message, "docs_url, redoc_url, openapi_url")
}

test_defaults_without_production_hint if {
	count(rule.deny) == 0 with input as facts(t.app({}), [])
	count(rule.deny) == 0 with input as facts(t.app({}), [object.union(prod_env, {"value": "staging"})])
}

test_production_hint_in_another_project if {
	count(rule.deny) == 0 with input as facts(t.app({}), [object.union(prod_env, {"project": "services/other"})])
}

test_disabled_in_production if {
	count(rule.deny) == 0 with input as facts(t.app({"docs": docs("disabled", "disabled", "disabled")}), [prod_env])
	count(rule.deny) == 0 with input as facts(t.app({"docs": docs("unknown", "unknown", "unknown")}), [prod_env])
}

test_docs_off_but_schema_served if {
	fs := rule.deny with input as facts(t.app({"docs": docs("disabled", "disabled", "default")}), [])
	count(fs) == 1
	some f in fs
	contains(f.message, "openapi_url")
}

test_docs_off_redoc_forgotten if {
	fs := rule.deny with input as facts(t.app({"docs": docs("disabled", "default", "default")}), [])
	[f] := [f | some f in fs]
	contains(f.message, "ReDoc (/redoc)")
}

test_redoc_served_on_purpose if {
	count(rule.deny) == 0 with input as facts(t.app({"docs": docs("disabled", "set", "set")}), [])
	count(rule.deny) == 0 with input as facts(t.app({"docs": docs("disabled", "set", "set")}), [prod_env])
}

# An app that serves a docs page of its own (its own /docs route after
# docs_url=None, a route returning get_swagger_ui_html) publishes its docs
# on purpose, in production too.
test_own_docs_page_on_purpose if {
	page := {"url": "/docs", "path": "app/main.py", "line": 40}
	own := object.union(docs("disabled", "default", "set"), {"pages": [page]})
	count(rule.deny) == 0 with input as facts(t.app({"docs": own}), [prod_env])
	count(rule.deny) == 0 with input as facts(t.app({"docs": own}), [])

	# Without the page, both are reported.
	none := object.union(docs("disabled", "default", "set"), {"pages": []})
	count(rule.deny) == 1 with input as facts(t.app({"docs": none}), [prod_env])
	count(rule.deny) == 1 with input as facts(t.app({"docs": none}), [])
}

test_starlette_has_no_docs if {
	count(rule.deny) == 0 with input as facts(t.app({"framework": "starlette"}), [prod_env])
}

test_app_built_by_a_test if {
	app := t.app({"path": "tests/test_startup.py"})
	count(rule.deny) == 0 with input as object.union(facts(app, [prod_env]), {"files": [t.testfile("tests/test_startup.py")]})
}
