package pipeguard.rules.cors_null_origin_test

import data.pipeguard.rules.cors_null_origin as rule
import data.pipeguard.testlib as t

facts(origins) := {"apps": [t.app({"middleware": [t.middleware("CORSMiddleware", 14, {"allow_origins": origins})]})]}

test_null if {
	fs := rule.deny with input as facts(t.lits(["https://app.example.com", "null"], 15))
	count(fs) == 1
	some f in fs
	f.line == 15
}

test_no_null if {
	count(rule.deny) == 0 with input as facts(t.lits(["https://app.example.com"], 15))
	count(rule.deny) == 0 with input as facts(t.lits(["https://null.example.com"], 15))
}

test_origins_from_environment if {
	count(rule.deny) == 0 with input as facts(t.from_env("ORIGINS", 15))
}
