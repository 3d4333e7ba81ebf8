package pipeguard.rules.session_cookie_insecure_test

import data.pipeguard.rules.session_cookie_insecure as rule
import data.pipeguard.testlib as t

facts(args) := {"apps": [t.app({"middleware": [t.middleware("SessionMiddleware", 14, object.union({"secret_key": t.from_env("SESSION_KEY", 14)}, args))]})]}

test_default_https_only if {
	fs := rule.deny with input as facts({})
	{f.line | some f in fs} == {14}
	some f in fs
	contains(f.message, "https_only")
}

test_https_only_false if {
	fs := rule.deny with input as facts({"https_only": t.lit(false, 15)})
	{f.line | some f in fs} == {15} # the argument to change
}

test_same_site_none if {
	fs := rule.deny with input as facts({"https_only": t.lit(true, 15), "same_site": t.lit("None", 16)})
	{f.line | some f in fs} == {16}
	some f in fs
	contains(f.message, "same_site")
	not contains(f.message, "https_only")
}

test_hardened if {
	count(rule.deny) == 0 with input as facts({"https_only": t.lit(true, 15)})
	count(rule.deny) == 0 with input as facts({"https_only": t.lit(true, 15), "same_site": t.lit("strict", 16)})
	count(rule.deny) == 0 with input as facts({"https_only": t.from_env("HTTPS_ONLY", 15)})
}

test_in_test_files if {
	files := [t.testfile("tests/test_session.py")]
	m := t.middleware("SessionMiddleware", 14, {"secret_key": t.from_env("SESSION_KEY", 14)})
	count(rule.deny) == 1 with input as {"apps": [t.app({"middleware": [m]})], "files": files}
	count(rule.deny) == 0 with input as {"apps": [t.app({"middleware": [object.union(m, {"path": "tests/test_session.py"})]})], "files": files}
}
