package pipeguard.rules.cors_credentials_any_origin_test

import data.pipeguard.rules.cors_credentials_any_origin as rule
import data.pipeguard.testlib as t

facts(args) := {"apps": [t.app({"middleware": [t.middleware("CORSMiddleware", 14, args)]})]}

test_star_with_credentials if {
	fs := rule.deny with input as facts({"allow_origins": t.lits(["*"], 15), "allow_credentials": t.lit(true, 16)})
	count(fs) == 1
	some f in fs
	f.path == "app/main.py"
	f.line == 15
}

test_list_form_with_credentials if {
	m := object.union(t.middleware("CORSMiddleware", 8, {"allow_origins": t.lits(["https://a.example", "*"], 9), "allow_credentials": t.lit(true, 9)}), {"via": "middleware_list"})
	count(rule.deny) == 1 with input as {"apps": [t.app({"middleware": [m]})]}
}

test_any_regex_with_credentials if {
	count(rule.deny) == 1 with input as facts({"allow_origin_regex": t.lit("https?://.*", 15), "allow_credentials": t.lit(true, 16)})
	count(rule.deny) == 1 with input as facts({"allow_origin_regex": t.lit(".*", 15), "allow_credentials": t.lit(true, 16)})
}

test_star_without_credentials_is_another_rule if {
	count(rule.deny) == 0 with input as facts({"allow_origins": t.lits(["*"], 15)})
	count(rule.deny) == 0 with input as facts({"allow_origins": t.lits(["*"], 15), "allow_credentials": t.lit(false, 16)})
}

test_explicit_origins_with_credentials if {
	count(rule.deny) == 0 with input as facts({"allow_origins": t.lits(["https://app.example.com"], 15), "allow_credentials": t.lit(true, 16)})
}

test_origins_from_environment if {
	count(rule.deny) == 0 with input as facts({"allow_origins": t.from_env("CORS_ORIGINS", 15), "allow_credentials": t.lit(true, 16)})
}

test_credentials_from_environment if {
	count(rule.deny) == 0 with input as facts({"allow_origins": t.lits(["*"], 15), "allow_credentials": t.from_env("CORS_CREDENTIALS", 16)})
}

test_narrow_regex_with_credentials if {
	count(rule.deny) == 0 with input as facts({"allow_origin_regex": t.lit(`https://.*\.example\.com`, 15), "allow_credentials": t.lit(true, 16)})
}

test_other_middleware if {
	count(rule.deny) == 0 with input as {"apps": [t.app({"middleware": [t.middleware("GZipMiddleware", 14, {"allow_origins": t.lits(["*"], 15), "allow_credentials": t.lit(true, 16)})]})]}
}

# CORS middleware a test adds (to its own app or to the real one) is a
# fixture.
test_in_test_files if {
	files := [t.testfile("tests/test_cors.py")]
	m := t.middleware("CORSMiddleware", 14, {"allow_origins": t.lits(["*"], 15), "allow_credentials": t.lit(true, 16)})
	in_test := object.union(m, {"path": "tests/test_cors.py"})
	count(rule.deny) == 1 with input as {"apps": [t.app({"middleware": [m]})], "files": files}
	count(rule.deny) == 0 with input as {"apps": [t.app({"middleware": [in_test]})], "files": files}
	count(rule.deny) == 0 with input as {"apps": [t.app({"path": "tests/test_cors.py", "middleware": [in_test]})], "files": files}
}
