package pipeguard.rules.session_cookie_insecure_py_test

import data.pipeguard.rules.session_cookie_insecure as rule
import data.pipeguard.testlib as t

set_cookie(line, args) := object.union(t.call("response.set_cookie", line, args, []), {"path": "app/auth.py"})

lines(fs) := {f.line | some f in fs}

# Which cookies are reported, by their name and secure argument.
test_py_set_cookie_table if {
	cases := [
		# [name, args, reported line or 0]
		["literal session, no secure", {"key": t.lit("session", 10), "httponly": t.lit(true, 11)}, 10],
		["refresh token, secure=False", {"key": t.lit("app_refresh_token", 10), "secure": t.lit(false, 12)}, 12],
		["settings name", {"key": t.settings_value("fba_refresh_token", 10, "core/conf.py", 133)}, 10],
		["camelCase", {"key": t.lit("accessToken", 10)}, 10],
		["sid", {"key": t.lit("sid", 10)}, 10],
		["secure=True", {"key": t.lit("session", 10), "secure": t.lit(true, 12)}, 0],
		["secure from env", {"key": t.lit("session", 10), "secure": t.from_env("COOKIE_SECURE", 12)}, 0],
		["secure computed", {"key": t.lit("session", 10), "secure": t.name_value("request.url.is_secure", 12)}, 0],
		["theme cookie", {"key": t.lit("theme", 10)}, 0],
		["csrf token", {"key": t.lit("csrftoken", 10)}, 0],
		["xsrf token", {"key": t.lit("XSRF-TOKEN", 10)}, 0],
		["author", {"key": t.lit("author_pref", 10)}, 0],
		["assessment", {"key": t.lit("assessment_id", 10)}, 0],
	]
	bad := [c[0] |
		some c in cases
		got := lines(rule.deny) with input as {"calls": [set_cookie(10, c[1])], "files": []}
		want := {l | l := c[2]; l != 0}
		got != want
	]
	bad == []
}

test_py_positional if {
	c := t.call("resp.set_cookie", 20, {}, [t.lit("sessionid", 20), t.name_value("sid", 20)])
	lines(rule.deny) == {20} with input as {"calls": [c], "files": []}
	sec := t.call("resp.set_cookie", 20, {}, [t.lit("sessionid", 20), t.name_value("sid", 20), t.lit(3600, 20), t.lit(null, 20), t.lit("/", 20), t.lit(null, 20), t.lit(true, 20)])
	count(rule.deny) == 0 with input as {"calls": [sec], "files": []}
}

test_py_confidence if {
	# A name known only from the variable holding it: medium.
	v := set_cookie(10, {"key": t.name_value("settings.REFRESH_TOKEN_COOKIE", 10)})
	fs := rule.deny with input as {"calls": [v], "files": []}
	[f.confidence | some f in fs] == ["medium"]
	contains(fs[_].message, "REFRESH_TOKEN_COOKIE")

	# secure=False that is a settings default: medium.
	s := set_cookie(10, {"key": t.lit("session", 10), "secure": t.settings_value(false, 11, "core/conf.py", 5)})
	gs := rule.deny with input as {"calls": [s], "files": []}
	[g.confidence | some g in gs] == ["medium"]

	# A literal name: the rule's confidence (high).
	l := set_cookie(10, {"key": t.lit("session", 10)})
	hs := rule.deny with input as {"calls": [l], "files": []}
	[object.get(h, "confidence", "high") | some h in hs] == ["high"]

	# A variable whose name says nothing.
	n := set_cookie(10, {"key": t.name_value("cookie_name", 10)})
	count(rule.deny) == 0 with input as {"calls": [n], "files": []}
}

test_py_other_methods_and_files if {
	d := object.union(t.call("response.delete_cookie", 10, {"key": t.lit("session", 10)}, []), {"path": "app/auth.py"})
	count(rule.deny) == 0 with input as {"calls": [d], "files": []}
	signed := object.union(t.call("response.set_signed_cookie", 10, {"key": t.lit("sessionid", 10)}, []), {"path": "app/auth.py"})
	count(rule.deny) == 1 with input as {"calls": [signed], "files": []}

	tc := object.union(set_cookie(10, {"key": t.lit("session", 10)}), {"path": "tests/test_auth.py"})
	count(rule.deny) == 0 with input as {"calls": [tc], "files": [t.testfile("tests/test_auth.py")]}
	dev := object.union(set_cookie(10, {"key": t.lit("session", 10)}), {"path": "app/dev_server.py"})
	count(rule.deny) == 0 with input as {"calls": [dev], "files": []}
}

# A name masked because its setting looks like a secret's
# (COOKIE_REFRESH_TOKEN_KEY = "fba_refresh_token") is judged by the
# setting's name, at medium confidence.
test_py_masked_name if {
	k := object.union(t.settings_value("fba_****", 10, "core/conf.py", 133), {"text": "settings.COOKIE_REFRESH_TOKEN_KEY", "redacted": true})
	fs := rule.deny with input as {"calls": [set_cookie(10, {"key": k})], "files": []}
	[f.confidence | some f in fs] == ["medium"]
	contains(fs[_].message, "settings.COOKIE_REFRESH_TOKEN_KEY")
	m := object.union(t.settings_value("app_****", 10, "core/conf.py", 133), {"text": "settings.COOKIE_KEY", "redacted": true})
	count(rule.deny) == 0 with input as {"calls": [set_cookie(10, {"key": m})], "files": []}
}

# A flag named after the token (is_access_token_expired = "true") holds
# no credential; the token itself, computed, does.
test_py_constant_value if {
	flag := t.call("response.set_cookie", 50, {}, [t.lit("is_access_token_expired", 50), t.lit("true", 50)])
	count(rule.deny) == 0 with input as {"calls": [flag], "files": []}
	kw := set_cookie(50, {"key": t.lit("logged_in", 50), "value": t.lit("1", 50)})
	count(rule.deny) == 0 with input as {"calls": [kw], "files": []}
	tok := t.call("response.set_cookie", 50, {}, [t.lit("cookie_access_token", 50), t.name_value("access_token", 50)])
	count(rule.deny) == 1 with input as {"calls": [tok], "files": []}
}

# set_cookie("session", token, **cookie_opts): the options may set secure;
# a secure=False written besides is still reported.
test_py_unknown_kwargs if {
	c := object.union(t.call("resp.set_cookie", 20, {}, [t.lit("sessionid", 20), t.name_value("sid", 20)]), {"unknown_kwargs": true})
	count(rule.deny) == 0 with input as {"calls": [c], "files": []}
	off := object.union(t.call("resp.set_cookie", 20, {"secure": t.lit(false, 21)}, [t.lit("sessionid", 20), t.name_value("sid", 20)]), {"unknown_kwargs": true})
	lines(rule.deny) == {21} with input as {"calls": [off], "files": []}
}
