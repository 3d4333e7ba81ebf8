package pipeguard.rules.https_not_enforced_test

import data.pipeguard.rules.https_not_enforced as rule
import data.pipeguard.testlib as t

tls(k) := object.union({"https_redirect": false, "hsts": false, "server_tls": false, "proxy_tls": false}, {k: true})

test_nothing if {
	fs := rule.deny with input as {"files": [], "apps": [t.app({})]}
	{[f.path, f.line] | some f in fs} == {["app/main.py", 10]}
}

test_any_measure if {
	every k in ["https_redirect", "hsts", "server_tls", "proxy_tls"] {
		count(rule.deny) == 0 with input as {"files": [], "apps": [t.app({"tls": tls(k)})]}
	}
}

test_example_code_is_not_the_service if {
	count(rule.deny) == 0 with input as {"files": [], "apps": [t.app({"path": "examples/plugins/server/main.py"})]}
	count(rule.deny) == 0 with input as {"files": [], "apps": [t.app({"path": "docs_src/first_steps/main.py"})]}
	count(rule.deny) == 1 with input as {"files": [], "apps": [t.app({"path": "app/examples.py"})]}
}
