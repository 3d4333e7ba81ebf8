package pipeguard.rules.request_body_unvalidated_test

import data.pipeguard.rules.request_body_unvalidated as rule
import data.pipeguard.testlib as t

test_request_json if {
	i := {"files": [], "apps": [t.app({"routes": [t.route({"request_json_lines": [21]})]})], "unattached_routes": [t.route({"path": "lib/r.py", "request_json_lines": [8]})]}
	{[f.path, f.line] | some f in rule.deny} == {["app/routers/items.py", 21], ["lib/r.py", 8]} with input as i
}

test_model_body if {
	p := [{"name": "item", "line": 20, "kind": "body", "explicit": false, "annotation": "ItemIn"}]
	count(rule.deny) == 0 with input as {"files": [], "apps": [t.app({"routes": [t.route({"params": p})]})], "unattached_routes": []}
}

test_body_validated_against_a_schema if {
	# body = yaml.safe_load(await request.body()); Model.model_validate(body)
	i := {"files": [], "apps": [t.app({"routes": [t.route({"request_json_lines": [21], "validates_body": true})]})], "unattached_routes": []}
	count(rule.deny) == 0 with input as i
}
