package pipeguard.rules.rate_limit_missing_test

import data.pipeguard.rules.rate_limit_missing as rule
import data.pipeguard.testlib as t

test_password_form_without_limiter if {
	{f.line | some f in rule.deny} == {10} with input as {"files": [], "nginx": [], "apps": [t.app({"password_form": true})]}
}

test_limiter_or_no_login if {
	count(rule.deny) == 0 with input as {"files": [], "nginx": [], "apps": [t.app({"password_form": true, "rate_limiter": true})]}
	count(rule.deny) == 0 with input as {"files": [], "nginx": [], "apps": [t.app({"password_form": false})]}
}

test_nginx_limit_req if {
	d := {"path": "nginx.conf", "line": 9, "project": ".", "directive": "limit_req", "args": ["zone=login", "burst=5"], "context": "http/server/location"}
	count(rule.deny) == 0 with input as {"files": [], "nginx": [d], "apps": [t.app({"password_form": true})]}
}

test_example_code_is_not_the_service if {
	count(rule.deny) == 0 with input as {"files": [], "nginx": [], "apps": [t.app({"password_form": true, "path": "tutorials/login/main.py"})]}
}
