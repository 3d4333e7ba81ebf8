# Go clauses of session-cookie-insecure (the rule's METADATA is in
# session_cookie_insecure.rego): an http.Cookie for a session (its name
# says session, sid, token, auth, jwt, login or remember) without
# Secure: true, or with SameSite: http.SameSiteNoneMode without Secure;
# gorilla/sessions and gin-contrib/sessions Options without Secure: true;
# gin's c.SetCookie(name, value, maxAge, path, domain, false, ...) for a
# session cookie. A Secure value read from configuration is not reported.
package pipeguard.rules.session_cookie_insecure

import data.pipeguard.golib
import data.pipeguard.lib

# go_session_name: the name says session or credential, word by word
# (session_cookie_name in session_cookie_insecure.rego): "csrf_token",
# "assessment" and "author" are not session cookies.
go_session_name(s) if session_cookie_name(s)

# go_not_secure: Secure absent, or known false. (An unknown value, read
# from configuration, is given the benefit of the doubt.)
go_not_secure(c) if not c.fields.Secure

go_not_secure(c) if lib.known_false(c.fields.Secure)

go_same_site_none(c) if c.fields.SameSite.value == 4

go_same_site_none(c) if endswith(c.fields.SameSite.qualname, ".SameSiteNoneMode")

go_problems(c) := [p |
	some [p, hit] in [
		["Secure is not true (the cookie is also sent over HTTP)", {true | go_not_secure(c)}],
		["SameSite=None without Secure (sent on cross-site requests)", {true | go_same_site_none(c); go_not_secure(c)}],
	]
	count(hit) > 0
]

deny contains f if {
	some c in golib.composites("net/http.Cookie")
	name := lib.known_string(c.fields.Name)
	go_session_name(name)
	ps := go_problems(c)
	count(ps) > 0
	f := lib.report(c.path, c.line, sprintf("http.Cookie %q: %s", [name, concat("; ", ps)]), sprintf("go:%s:cookie:%s", [c.function, name]))
}

go_session_options := {"github.com/gorilla/sessions.Options", "github.com/gin-contrib/sessions.Options"}

deny contains f if {
	some t in go_session_options
	some c in golib.composites(t)
	ps := go_problems(c)
	count(ps) > 0
	f := lib.report(c.path, c.line, sprintf("%s: %s", [c.type, concat("; ", ps)]), sprintf("go:%s:%s", [c.function, t]))
}

deny contains f if {
	some c in input.go.calls
	c.method == "SetCookie"
	count(c.args) == 7
	name := lib.known_string(c.args[0])
	go_session_name(name)
	lib.known_false(c.args[5])
	not golib.is_test(c.path)
	f := lib.report(c.path, c.line, sprintf("%s.SetCookie(%q, ...) with secure=false: the session cookie is also sent over HTTP", [c.recv, name]), sprintf("go:%s:setcookie:%s", [c.function, name]))
}
