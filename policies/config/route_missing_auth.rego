# METADATA
# title: State-changing route without authentication
# description: |
#   The app authenticates somewhere (its own routes, routers or
#   middleware, or an app it is mounted in or mounts; not merely another
#   app of the same project), but this POST, PUT, PATCH or DELETE
#   route (or a GET route whose handler writes or deletes stored data) has
#   no authentication at any level: not as a parameter, not in the
#   decorator's dependencies, not on the class of a class-based view, its
#   APIRouter, its include_router call or the app, and no middleware of the
#   app authenticates every request. Anyone can call it. A POST handler
#   named for reading (get_info, list_types, search_alerts) that writes
#   nothing is a read, and a handler whose one effect is a cookie on the
#   caller's browser changes nothing on the server. Routes that are public by design are exempt: issuing tokens and logging in (the OAuth2
#   token URL, OAuth2PasswordRequestForm handlers, login/signup/register,
#   the steps of a login flow under /auth/, /oauth/, /sso/),
#   password recovery and reset, e-mail verification, health checks,
#   webhooks that verify the sender's signature, handlers that hand the
#   caller's credential on to a call that checks it (the Authorization
#   header to a bot framework's adapter, the request to an SDK's webhook
#   handler), forms visitors submit without an account (contact, inquiry,
#   newsletter subscription, job application), routes whose
#   authentication is optional by design (get_optional_user), and capability
#   URLs whose path carries the secret the client proves itself with
#   ({client_secret}, {invitation_token}).
# related_resources:
#   - ref: https://fastapi.tiangolo.com/tutorial/security/
#   - ref: https://fastapi.tiangolo.com/tutorial/bigger-applications/#include-an-apirouter-with-a-custom-prefix-tags-responses-and-dependencies
#   - ref: https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/
# custom:
#   id: route-missing-auth
#   severity: medium
#   confidence: medium
#   remediation: Add the authentication dependency (Depends(get_current_user), Security(...)) to the route, or to its router with APIRouter(dependencies=[...]).
#   tags: [fastapi, auth]
package pipeguard.rules.route_missing_auth

import data.pipeguard.lib

unsafe_methods := {"POST", "PUT", "PATCH", "DELETE"}

# Routes public by design: they let users in (the token URL, a password
# form, a login-like name), recover access, or report health.
public_words := `login|log_in|logout|log_out|signin|sign_in|signup|sign_up|register|registration|authenticate|token|refresh|forgot_password|recover_password|password_recovery|password_reset|reset_password|forgot|recover|verify_email|confirm_email|email_verification|email_confirmation|health|healthz|healthcheck|ping|readiness|liveness`

# The patterns are built once per evaluation, not once per route.
public_word_re := sprintf(`(?i)(^|_)(%s)(_|$)`, [public_words])

public_segment_re := sprintf(`^(%s)$`, [public_words])

public_name(handler, _) if regex.match(public_word_re, handler)

# The URL's last segment that is not a path parameter names the action:
# /api/v1/password-recovery/{email}, /auth/token.
public_name(_, url) if {
	segs := [s | some s in split(lower(url), "/"); s != ""; not startswith(s, "{")]
	count(segs) > 0
	regex.match(public_segment_re, replace(segs[count(segs) - 1], "-", "_"))
}

# The last two segments name the action too: /password/reset,
# /email/verification.
public_name(_, url) if {
	segs := [s | some s in split(lower(url), "/"); s != ""; not startswith(s, "{")]
	n := count(segs)
	n > 1
	pair := replace(concat("_", [segs[n - 2], segs[n - 1]]), "-", "_")
	regex.match(public_segment_re, pair)
}

# public is why a route needs no authentication, if it is public by design.
public(r) if r.token_url

public(r) if r.password_form

public(r) if public_name(r.handler, r.url)

# A webhook authenticates its sender with a signature instead.
public(r) if r.verifies_signature

# Optional authentication: the route serves anonymous users by design and
# decides on the user itself (get_or_create_invoice(user=Security(optional_auth))).
public(r) if {
	some d in r.dependencies
	d.optional_auth
}

# A capability URL: the client proves itself with a secret the URL
# carries (/checkouts/client/{client_secret}, /seats/claim/{invitation_token}),
# which the handler looks up; a path parameter that is an id is none.
public(r) if {
	some m in regex.find_all_string_submatch_n(`\{([A-Za-z0-9_]+)`, r.url, -1)
	regex.match(`(?i)(^|_)(secret|token|signature|nonce|otp|password)$`, m[1])
}

# The handler authenticates the caller itself, handing the credential on
# to a call that checks it: the Authorization header to a bot framework's
# adapter, the whole request to an SDK's webhook handler (Slack Bolt
# verifies the signing secret).
public(r) if r.handler_auth

# Forms a site's visitors submit without an account, by design: a POST
# to a contact or inquiry form, a newsletter subscription, a job
# application. Only the submission itself: the URL ends in the form's
# name, not in the id of a message or application someone manages.
public(r) if {
	r.methods == ["POST"]
	segs := [replace(s, "-", "_") | some s in split(lower(r.url), "/"); s != ""; not startswith(s, "{")]
	n := count(segs)
	n > 0
	not endswith(r.url, "}")
	public_form(split(segs[n - 1], "_"), split(concat("_", array.slice(segs, n - 2, n)), "_"))
}

form_nouns := {"inquiry", "inquiries", "enquiry", "enquiries"}

subscription_words := {"sub", "subscribe", "unsubscribe", "subscription", "subscriptions", "subscriber", "subscribers", "signup"}

job_words := {"job", "jobs", "career", "careers", "vacancy", "vacancies"}

# public_form tells a form by the words of the URL's last segment (last)
# and of its last two (two): /contact, /contact-us, /faq-inquiries,
# /newsletter/subscribe, /jobs/{id}/applications.
public_form(last, _) if last in [["contact"], ["contact", "us"], ["contactus"]]

public_form(last, _) if {
	some w in last
	w in form_nouns
}

public_form(last, two) if {
	some w in last
	w in subscription_words
	some x in two
	x in {"newsletter", "newsletters"}
}

public_form(last, two) if {
	some w in last
	w in {"application", "applications"}
	some x in two
	x in job_words
}

# The steps of a login flow: /auth/..., /oauth/.../callback, /sso/...
public(r) if {
	some seg in split(lower(r.url), "/")
	seg in {"auth", "oauth", "oauth2", "sso", "saml", "oidc", "openid", "login"}
}

# Handlers named for reading (RPC-style APIs read with POST: get_info,
# list_types, search_alerts, validate) or for redirecting only.
read_words := `get|list|read|fetch|search|query|find|count|describe|lookup|preview|validate|redirect`

# write_words in a name say the handler does more than read
# (get_or_create_invoice).
write_words := `create|add|set|update|upsert|delete|remove|insert|save|write|upload|submit|send|run|execute|trigger|start|stop|cancel|approve|pay|refund|reset|change|install|uninstall|import|restore|register|assign|enable|disable|toggle|mark|move|copy|clone|merge|sync|apply|store|put|patch|post|make|generate|issue|revoke|rotate|grant|invite|open|close`

# reads_only: a handler named for reading that writes nothing, at a URL
# of its own (a POST beside a protected GET of the same URL is the
# method-level gap the rule is for).
read_name_re := sprintf(`(?i)^(api_|_)?(%s)(_|$)`, [read_words])

write_word_re := sprintf(`(?i)(^|_)(%s)(_|$)`, [write_words])

reads_only(app, r) if {
	regex.match(read_name_re, r.handler)
	not regex.match(write_word_re, r.handler)
	count(r.write_lines) == 0
	not shared_url(app, r)
}

shared_url(app, r) if {
	some o in app.routes
	o.url == r.url
	o.line != r.line
}

# changes reports how route r changes state: its unsafe methods (unless
# the handler only reads and writes nothing, or only sets a cookie on the
# caller's browser), or the first write of a GET handler.
changes(app, r) := {"what": concat("/", sort(ms)), "writes": 0} if {
	ms := {x | some x in r.methods; x in unsafe_methods}
	count(ms) > 0
	not reads_only(app, r)
	not r.cookie_only
} else := {"what": "GET", "writes": min(r.write_lines)} if {
	"GET" in r.methods
	count(r.write_lines) > 0
}

# unprotected are the unauthenticated state-changing routes, once per
# handler (a router included by two apps gives one finding).
unprotected contains [r.path, r.line, r.handler, r.url, c.what, c.writes] if {
	some app in input.apps
	app.has_auth
	count(app.auth_middleware) == 0
	not lib.is_test(app.path)
	some r in app.routes
	not r.auth
	not public(r)
	c := changes(app, r)
}

message(desc, handler, 0) := sprintf("%s (%s) changes state without any authentication dependency", [desc, handler])

message(desc, handler, w) := sprintf("%s (%s) writes or deletes stored data (line %d) without any authentication dependency", [desc, handler, w]) if w > 0

# by_place groups the unprotected routes by handler (path, line, name),
# in one pass over them.
by_place[[p, l, h]] contains [sprintf("%s %s", [m, u]), w] if {
	some [p, l, h, u, m, w] in unprotected
}

deny contains f if {
	some loc, descs in by_place
	[path, line, handler] := loc
	[desc, writes] := sort(descs)[0]

	# A GET that writes is a guess about what the handler does.
	conf := {true: "low", false: "medium"}[writes > 0]
	f := object.union(lib.report(path, line, message(desc, handler, writes), handler), {"confidence": conf})
}
