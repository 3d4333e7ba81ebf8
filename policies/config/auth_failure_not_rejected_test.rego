package pipeguard.rules.auth_failure_not_rejected_test

import data.pipeguard.rules.auth_failure_not_rejected as rule
import data.pipeguard.testlib as t

dep(returns) := {
	"function": "get_current_user", "qualname": "app.deps.get_current_user", "path": "app/deps.py", "line": 10,
	"reasons": ["scheme"], "schemes": ["OAuth2PasswordBearer"], "raises": [], "returns_on_failure": returns,
	"optional": false,
}

test_dependency_returns_none if {
	i := {"files": [], "apps": [], "unattached_routes": [], "auth_dependencies": [dep([{"line": 14, "value": "None"}, {"line": 18, "value": ""}])]}
	{[f.path, f.line] | some f in rule.deny} == {["app/deps.py", 14], ["app/deps.py", 18]} with input as i
}

test_dependency_raises if {
	i := {"files": [], "apps": [], "unattached_routes": [], "auth_dependencies": [object.union(dep([]), {"raises": [401]})]}
	count(rule.deny) == 0 with input as i
}

test_login_handler_answers_failure if {
	r := t.route({"handler": "login", "url": "/login", "line": 30, "failure_returns": [{"line": 34, "value": "{\"error\": \"bad credentials\"}"}]})
	i := {"files": [], "apps": [t.app({"routes": [r]})], "unattached_routes": [], "auth_dependencies": []}
	{[f.path, f.line] | some f in rule.deny} == {["app/routers/items.py", 34]} with input as i
}

test_login_handler_raises if {
	r := t.route({"handler": "login", "url": "/login", "line": 30})
	count(rule.deny) == 0 with input as {"files": [], "apps": [t.app({"routes": [r]})], "unattached_routes": [], "auth_dependencies": []}
}

test_optional_dependency_serves_anonymous_users if {
	d := object.union(dep([{"line": 14, "value": "None"}]), {"function": "get_optional_user", "optional": true})
	count(rule.deny) == 0 with input as {"files": [], "apps": [], "unattached_routes": [], "auth_dependencies": [d]}
}
