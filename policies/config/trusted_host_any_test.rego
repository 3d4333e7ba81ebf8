package pipeguard.rules.trusted_host_any_test

import data.pipeguard.rules.trusted_host_any as rule
import data.pipeguard.testlib as t

facts(args) := {"apps": [t.app({"middleware": [t.middleware("TrustedHostMiddleware", 14, args)]})]}

test_star if {
	{f.line | some f in rule.deny} == {15} with input as facts({"allowed_hosts": t.lits(["*"], 15)})
}

test_default if {
	count(rule.deny) == 1 with input as facts({})
}

test_listed_hosts if {
	count(rule.deny) == 0 with input as facts({"allowed_hosts": t.lits(["api.example.com", "*.example.com"], 15)})
	count(rule.deny) == 0 with input as facts({"allowed_hosts": t.from_env("ALLOWED_HOSTS", 15)})
}

# Middleware a test adds (to its own app or to the real one) is a fixture.
test_in_test_files if {
	files := [t.testfile("tests/test_hosts.py")]
	m := t.middleware("TrustedHostMiddleware", 14, {"allowed_hosts": t.lits(["*"], 14)})
	in_test := object.union(m, {"path": "tests/test_hosts.py"})
	count(rule.deny) == 1 with input as {"apps": [t.app({"middleware": [m]})], "files": files}
	count(rule.deny) == 0 with input as {"apps": [t.app({"middleware": [in_test]})], "files": files}
	count(rule.deny) == 0 with input as {"apps": [t.app({"path": "tests/test_hosts.py", "middleware": [in_test]})], "files": files}
}

# add_middleware(TrustedHostMiddleware, **opts): opts may set allowed_hosts.
test_unknown_kwargs if {
	m := object.union(t.middleware("TrustedHostMiddleware", 14, {}), {"unknown_kwargs": true})
	count(rule.deny) == 0 with input as {"apps": [t.app({"middleware": [m]})]}
}
