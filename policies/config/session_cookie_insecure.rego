# METADATA
# title: Session cookie sent without Secure or with SameSite=None
# description: |
#   SessionMiddleware is added without https_only=True (Starlette's
#   default is False, so the session cookie also travels over plain HTTP),
#   or with same_site="none" (the cookie is sent on cross-site requests,
#   which enables CSRF); or a response sets a session or auth cookie
#   (response.set_cookie / set_signed_cookie on a Response,
#   RedirectResponse, JSONResponse..., whose name says session, sid,
#   token, auth, jwt, login or remember, CSRF tokens aside) without
#   secure=True (Starlette's default is False). A secure value read from
#   configuration is not reported; a cookie named only by its variable
#   (key=REFRESH_COOKIE) or kept insecure by a settings default is
#   reported at medium confidence. A cookie whose value is written in the
#   code (a flag such as "true"), test files and files for development
#   are not checked.
# related_resources:
#   - ref: https://www.starlette.io/middleware/#sessionmiddleware
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies
# custom:
#   id: session-cookie-insecure
#   severity: medium
#   confidence: high
#   remediation: Pass https_only=True to SessionMiddleware and secure=True to set_cookie, and keep same_site="lax" (the default) or "strict".
#   tags: [starlette, cookies]
package pipeguard.rules.session_cookie_insecure

import data.pipeguard.lib

problems(m) := [p |
	some [p, hit] in [
		["https_only is not True (the cookie is also sent over HTTP)", {true | not https_only(m)}],
		[`same_site="none" (the cookie is sent on cross-site requests)`, {true | same_site_none(m)}],
	]
	count(hit) > 0
]

# https_only is True, or comes from the environment (unknown: not reported).
https_only(m) if lib.known_true(m.args.https_only)

https_only(m) if {
	v := m.args.https_only
	not v.known
}

same_site_none(m) if lower(lib.known_string(m.args.same_site)) == "none"

deny contains f if {
	some m in lib.middleware
	lib.named(m, "SessionMiddleware")
	ps := problems(m)
	count(ps) > 0
	f := lib.report_range(m.path, problem_line(m), m.end_line, sprintf("SessionMiddleware: %s", [concat("; ", ps)]), concat(";", ps))
}

# problem_line is the line of the argument to change: https_only when it is
# written (False), same_site="none", else the middleware's line (where
# https_only=True goes).
problem_line(m) := m.args.https_only.line if {
	not https_only(m)
	m.args.https_only
} else := m.args.same_site.line if {
	same_site_none(m)
} else := m.line

# session_cookie_name reports whether a cookie's name says it carries a
# session or a credential: one of its words (snake_case, kebab-case,
# camelCase, dotted) is a session, token, auth, jwt, login or remember
# word. A CSRF token (csrftoken, XSRF-TOKEN) is meant to be read by the
# page's script and proves no identity: it is not one. Words, not
# substrings: "assessment", "author" and "tokenizer_lang" are not.
session_cookie_name(s) if {
	words := cookie_words(s)
	some w in words
	regex.match(`^(sess|sessions?|\w*sessionid|sessid|sid|\w*tokens?|auth|authorization|jwt|remember(me)?|login|loggedin)$`, w)
	not csrf_words(words)
}

cookie_words(s) := [w |
	some w in regex.split(`[^a-z0-9]+`, lower(regex.replace(s, `([a-z0-9])([A-Z])`, "${1}_${2}")))
	w != ""
]

csrf_words(words) if {
	some w in words
	regex.match(`(csrf|xsrf)`, w)
}

# Python: response.set_cookie(key, value, max_age, expires, path, domain,
# secure, httponly, samesite), Starlette's signature (Django's and
# Flask's start the same way); the call facts keep only calls whose
# arguments can all be read (no **kwargs) on a response (no cookie jar).
py_cookie_setters := {"set_cookie", "set_signed_cookie"}

# py_cookie_name is the cookie's name, how it is known and how the
# message shows it: its resolved value (a literal, a constant, a settings
# default), else the name of the variable or setting that holds it
# (key=REFRESH_COOKIE_NAME), also when the value is masked because that
# name looks like a secret's.
py_cookie_name(c) := [n, "value", sprintf("%q", [n])] if {
	k := py_cookie_key(c)
	not k.redacted
	n := lib.known_string(k)
} else := [n, "variable", k.text] if {
	k := py_cookie_key(c)
	py_name_unread(k)
	parts := split(k.text, ".")
	n := parts[count(parts) - 1]
}

py_name_unread(k) if not k.known

py_name_unread(k) if k.redacted

py_cookie_key(c) := c.args.key

py_cookie_key(c) := c.positional[0] if not c.args.key

# py_constant_value: the cookie's value is written in the code
# (set_cookie("is_access_token_expired", "true")): a flag that carries no
# credential, whatever its name says.
py_constant_value(c) if py_cookie_value(c).source == "literal"

py_cookie_value(c) := c.args.value

py_cookie_value(c) := c.positional[1] if not c.args.value

# py_secure is the secure argument, by keyword or position.
py_secure(c) := c.args.secure

py_secure(c) := c.positional[6] if not c.args.secure

# py_not_secure: secure is absent (Starlette's default is False) or known
# false. A value read from configuration is given the benefit of the doubt.
py_not_secure(c) if {
	not py_secure(c)
	not c.unknown_kwargs # **kwargs may set it
	not c.unknown_args
}

py_not_secure(c) if lib.known_false(py_secure(c))

py_problems(c) := [p |
	some [p, hit] in [
		["secure is not True (the cookie is also sent over HTTP)", {true | py_not_secure(c)}],
		[`samesite="none" without secure (browsers drop it, or send it cross-site)`, {true | lower(lib.known_string(c.args.samesite)) == "none"}],
	]
	count(hit) > 0
]

deny contains f if {
	some c in input.calls
	py_cookie_setters[c.method]
	[name, how, shown] := py_cookie_name(c)
	session_cookie_name(name)
	not py_constant_value(c)
	py_not_secure(c)
	not lib.is_test(c.path)
	not lib.dev_file(c.path)
	ps := py_problems(c)
	r := lib.report_range(c.path, py_problem_line(c), c.end_line, sprintf("%s(%s): %s", [c.written, shown, concat("; ", ps)]), sprintf("py:%s:%s:%s", [c.function, c.method, name]))
	f := py_confidence(r, c, how)
}

# The name guessed from a variable's, or a secure=False that is a
# settings default (the deployment may set it), is a guess: medium.
py_confidence(f, c, how) := lib.with_confidence(f, "medium") if {
	how == "variable"
} else := lib.with_confidence(f, "medium") if {
	py_secure(c).source in {"settings", "env"}
} else := f

# py_problem_line is the line of secure=False when it is written, else
# the call's (where secure=True goes).
py_problem_line(c) := py_secure(c).line if {
	py_secure(c).line
} else := c.line
