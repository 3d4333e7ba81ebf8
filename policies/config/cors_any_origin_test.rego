package pipeguard.rules.cors_any_origin_test

import data.pipeguard.rules.cors_any_origin as rule
import data.pipeguard.testlib as t

facts(args) := {"apps": [t.app({"middleware": [t.middleware("CORSMiddleware", 14, args)]})], "nginx": []}

nginx(args) := {"apps": [], "nginx": [{"path": "deploy/nginx.conf", "line": 12, "project": ".", "directive": "add_header", "args": args, "context": "http/server/location"}]}

test_star if {
	fs := rule.deny with input as facts({"allow_origins": t.lits(["*"], 15)})
	count(fs) == 1
	some f in fs
	f.line == 15 # the argument to change
	f.end_line == 15
}

test_points_at_the_regex if {
	m := object.union(t.middleware("CORSMiddleware", 14, {"allow_origin_regex": t.lit(".*", 16)}), {"end_line": 18})
	[f] := [f | some f in rule.deny] with input as {"apps": [t.app({"middleware": [m]})], "nginx": []}
	[f.line, f.end_line] == [16, 18]
}

test_star_credentials_false if {
	count(rule.deny) == 1 with input as facts({"allow_origins": t.lits(["*"], 15), "allow_credentials": t.lit(false, 16)})
}

test_any_regex if {
	count(rule.deny) == 1 with input as facts({"allow_origin_regex": t.lit(".*", 15)})
}

test_star_with_credentials_is_the_high_rule if {
	count(rule.deny) == 0 with input as facts({"allow_origins": t.lits(["*"], 15), "allow_credentials": t.lit(true, 16)})
}

test_explicit_origins if {
	count(rule.deny) == 0 with input as facts({"allow_origins": t.lits(["https://app.example.com", "http://localhost:3000"], 15)})
}

test_origins_from_settings_env if {
	count(rule.deny) == 0 with input as facts({"allow_origins": t.from_env("ORIGINS", 15)})
}

test_nginx_star if {
	fs := rule.deny with input as nginx(["Access-Control-Allow-Origin", "*"])
	count(fs) == 1
	some f in fs
	f.path == "deploy/nginx.conf"
	f.line == 12
}

test_nginx_reflected_origin if {
	count(rule.deny) == 1 with input as nginx(["Access-Control-Allow-Origin", "$http_origin"])
}

test_nginx_specific_origin if {
	count(rule.deny) == 0 with input as nginx(["Access-Control-Allow-Origin", "https://app.example.com"])
	count(rule.deny) == 0 with input as nginx(["X-Frame-Options", "*"])
}
