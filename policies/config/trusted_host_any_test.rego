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
