package pipeguard.rules.api_key_in_query_test

import data.pipeguard.rules.api_key_in_query as rule
import data.pipeguard.testlib as t

scheme(class) := {"path": "app/security.py", "line": 4, "var": "api_key", "class": class, "args": {"name": t.lit("api_key", 4)}, "token_url": ""}

facts(schemes, calls, params) := {"files": [], "security_schemes": schemes, "calls": calls, "apps": [t.app({"routes": [t.route({"methods": ["GET"], "params": params})]})], "unattached_routes": []}

test_api_key_query_scheme_once if {
	c := object.union(t.call("fastapi.security.APIKeyQuery", 4, {}, []), {"path": "app/security.py"})
	{[f.path, f.line] | some f in rule.deny} == {["app/security.py", 4]} with input as facts([scheme("APIKeyQuery")], [c], [])
}

test_header_scheme if {
	count(rule.deny) == 0 with input as facts([scheme("APIKeyHeader")], [], [])
}

test_token_query_param if {
	p := [{"name": "token", "line": 21, "kind": "query", "explicit": true, "annotation": "str"}, {"name": "q", "line": 21, "kind": "query", "explicit": false, "annotation": "str"}]
	{[f.path, f.line] | some f in rule.deny} == {["app/routers/items.py", 21]} with input as facts([], [], p)
}

test_token_in_header_or_body if {
	p := [{"name": "token", "line": 21, "kind": "header", "explicit": true, "annotation": "str"}, {"name": "api_key", "line": 22, "kind": "body", "explicit": false, "annotation": "Creds"}]
	count(rule.deny) == 0 with input as facts([], [], p)
}

test_data_key_of_an_authenticated_route if {
	# key: a metadata key to search, on a route behind authentication.
	p := [{"name": "key", "line": 21, "kind": "query", "explicit": true, "annotation": "str"}]
	i := {"files": [], "security_schemes": [], "calls": [], "apps": [t.app({"routes": [t.route({"methods": ["GET"], "params": p, "auth": true})]})], "unattached_routes": []}
	count(rule.deny) == 0 with input as i
	count(rule.deny) == 1 with input as facts([], [], p)
}

test_single_use_link_token if {
	p := [{"name": "token", "line": 21, "kind": "query", "explicit": true, "annotation": "str"}]
	every r in [
		t.route({"methods": ["GET"], "params": p, "handler": "reset_password", "url": "/users/password"}),
		t.route({"methods": ["GET"], "params": p, "handler": "accept", "url": "/invitations/accept"}),
		t.route({"methods": ["GET"], "params": p, "handler": "confirm_email", "url": "/email"}),
	] {
		count(rule.deny) == 0 with input as {"files": [], "security_schemes": [], "calls": [], "apps": [t.app({"routes": [r]})], "unattached_routes": []}
	}
	count(rule.deny) == 1 with input as {"files": [], "security_schemes": [], "calls": [], "apps": [t.app({"routes": [t.route({"methods": ["GET"], "params": p, "handler": "export", "url": "/reports"})]})], "unattached_routes": []}
}
