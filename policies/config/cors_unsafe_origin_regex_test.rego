package pipeguard.rules.cors_unsafe_origin_regex_test

import data.pipeguard.rules.cors_unsafe_origin_regex as rule
import data.pipeguard.testlib as t

facts(re) := {"apps": [t.app({"middleware": [t.middleware("CORSMiddleware", 14, {"allow_origin_regex": t.lit(re, 17)})]})]}

test_unescaped_dot if {
	fs := rule.deny with input as facts(`https://app.example.com`)
	count(fs) == 1
	some f in fs
	f.line == 17
	contains(f.message, "unescaped")
}

test_unescaped_dot_in_subdomain_pattern if {
	count(rule.deny) == 1 with input as facts(`https://[a-z]+.example\.com`)
}

test_wildcard_before_domain if {
	fs := rule.deny with input as facts(`https://.*example\.com`)
	count(fs) == 1
	some f in fs
	contains(f.message, ".*")
}

test_escaped_subdomains if {
	count(rule.deny) == 0 with input as facts(`https://.*\.example\.com`)
	count(rule.deny) == 0 with input as facts(`https://([a-z0-9-]+\.)?example\.com`)
	count(rule.deny) == 0 with input as facts(`https://app\.example\.com`)
}

test_only_tld_dot_unescaped if {
	# An unescaped dot before the top-level domain only matches hosts that
	# cannot be registered (examplexcom).
	count(rule.deny) == 0 with input as facts(`https://example.com`)
}

test_any_origin_is_another_rule if {
	count(rule.deny) == 0 with input as facts(`.*`)
}

test_regex_from_environment if {
	count(rule.deny) == 0 with input as {"apps": [t.app({"middleware": [t.middleware("CORSMiddleware", 14, {"allow_origin_regex": t.from_env("ORIGIN_RE", 17)})]})]}
}

test_unescaped_dot_after_wildcard if {
	count(rule.deny) == 1 with input as facts(`https://.*.example\.com`)
}
