package pipeguard.rules.session_cookie_insecure_go_test

import data.pipeguard.rules.session_cookie_insecure as rule
import data.pipeguard.testlib as t

lines(fs) := {f.line | some f in fs}

cookie(line, fields) := t.go_composite("auth.go", line, "net/http.Cookie", fields)

test_session_cookies if {
	i := t.go_input({"composites": [
		cookie(10, {"Name": t.go_lit("session_id", 10), "HttpOnly": t.go_lit(true, 11)}),
		cookie(20, {"Name": t.go_lit("token", 20), "Secure": t.go_lit(false, 21)}),
		cookie(30, {"Name": t.go_lit("sid", 30), "Secure": t.go_lit(true, 31), "SameSite": t.go_qual("net/http.SameSiteNoneMode", 4, 32)}),
		cookie(40, {"Name": t.go_lit("theme", 40)}),
		cookie(50, {"Name": t.go_lit("session", 50), "Secure": t.go_name("cfg.Secure", 51)}),
		t.go_composite("auth.go", 60, "github.com/gorilla/sessions.Options", {"MaxAge": t.go_lit(3600, 61)}),
		t.go_composite("auth.go", 70, "github.com/gorilla/sessions.Options", {"Secure": t.go_lit(true, 71)}),
	]})
	lines(rule.deny) == {10, 20, 60} with input as i
}

args(name, secure) := [t.go_lit(name, 80), t.go_name("tok", 80), t.go_lit(3600, 80), t.go_lit("/", 80), t.go_lit("", 80), t.go_lit(secure, 80), t.go_lit(true, 80)]

test_gin_set_cookie if {
	i := t.go_input({"calls": [
		t.go_method("auth.go", 80, "c", "SetCookie", args("auth_token", false)),
		t.go_method("auth.go", 81, "c", "SetCookie", args("auth_token", true)),
		t.go_method("auth.go", 82, "c", "SetCookie", args("lang", false)),
	]})
	lines(rule.deny) == {80} with input as i
}

test_go_cookie_name_words if {
	i := t.go_input({"composites": [
		cookie(10, {"Name": t.go_lit("csrf_token", 10)}),
		cookie(20, {"Name": t.go_lit("assessment", 20)}),
		cookie(30, {"Name": t.go_lit("authorName", 30)}),
		cookie(40, {"Name": t.go_lit("refreshToken", 40)}),
	]})
	lines(rule.deny) == {40} with input as i
}
