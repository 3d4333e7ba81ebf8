package pipeguard.rules.route_missing_auth_test

import data.pipeguard.rules.route_missing_auth as rule
import data.pipeguard.testlib as t

auth_dep(level) := {"name": "get_current_user", "qualname": "app.deps.get_current_user", "kind": "depends", "path": "app/routers/items.py", "line": 5, "level": level, "auth": true}

facts(has_auth, routes) := {"files": [], "apps": [t.app({"has_auth": has_auth, "routes": routes})]}

test_unauthenticated_post if {
	fs := rule.deny with input as facts(true, [t.route({})])
	{[f.path, f.line] | some f in fs} == {["app/routers/items.py", 20]}
}

test_read_only_routes if {
	count(rule.deny) == 0 with input as facts(true, [t.route({"methods": ["GET"]}), t.route({"methods": ["HEAD", "OPTIONS"], "line": 30})])
}

test_app_without_any_auth if {
	count(rule.deny) == 0 with input as facts(false, [t.route({})])
}

test_auth_at_any_level if {
	every level in ["param", "decorator", "router", "include", "app"] {
		count(rule.deny) == 0 with input as facts(true, [t.route({"auth": true, "dependencies": [auth_dep(level)]})])
	}
}

test_token_and_login_routes_exempt if {
	i := facts(true, [
		t.route({"url": "/token", "handler": "issue", "token_url": true, "line": 40}),
		t.route({"url": "/auth/form", "handler": "form_login", "password_form": true, "line": 50}),
		t.route({"url": "/users/register", "handler": "register_user", "line": 60}),
		t.route({"url": "/api/login", "handler": "do_it", "line": 70}),
	])
	count(rule.deny) == 0 with input as i
}

test_one_finding_per_handler if {
	r := t.route({"methods": ["PUT", "PATCH"]})
	i := {"files": [], "apps": [t.app({"has_auth": true, "routes": [r]}), t.app({"line": 50, "has_auth": true, "routes": [object.union(r, {"url": "/v2/items/"})]})]}
	count(rule.deny) == 1 with input as i
}
