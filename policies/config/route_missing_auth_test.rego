package pipeguard.rules.route_missing_auth_test

import data.pipeguard.rules.route_missing_auth as rule
import data.pipeguard.testlib as t

auth_dep(level) := {"name": "get_current_user", "qualname": "app.deps.get_current_user", "kind": "depends", "path": "app/routers/items.py", "line": 5, "level": level, "auth": true}

facts(has_auth, routes) := {"files": [], "apps": [t.app({"has_auth": has_auth, "routes": routes})]}

test_unauthenticated_post if {
	fs := rule.deny with input as facts(true, [t.route({})])
	{[f.path, f.line] | some f in fs} == {["app/routers/items.py", 20]}
}

test_read_only_routes if {
	count(rule.deny) == 0 with input as facts(true, [t.route({"methods": ["GET"]}), t.route({"methods": ["HEAD", "OPTIONS"], "line": 30})])
}

test_app_without_any_auth if {
	count(rule.deny) == 0 with input as facts(false, [t.route({})])
}

test_auth_at_any_level if {
	every level in ["param", "decorator", "class", "router", "include", "app"] {
		count(rule.deny) == 0 with input as facts(true, [t.route({"auth": true, "dependencies": [auth_dep(level)]})])
	}
}

test_token_and_login_routes_exempt if {
	i := facts(true, [
		t.route({"url": "/token", "handler": "issue", "token_url": true, "line": 40}),
		t.route({"url": "/auth/form", "handler": "form_login", "password_form": true, "line": 50}),
		t.route({"url": "/users/register", "handler": "register_user", "line": 60}),
		t.route({"url": "/api/login", "handler": "do_it", "line": 70}),
	])
	count(rule.deny) == 0 with input as i
}

test_one_finding_per_handler if {
	r := t.route({"methods": ["PUT", "PATCH"]})
	i := {"files": [], "apps": [t.app({"has_auth": true, "routes": [r]}), t.app({"line": 50, "has_auth": true, "routes": [object.union(r, {"url": "/v2/items/"})]})]}
	count(rule.deny) == 1 with input as i
}

# The one finding of a handler mounted at several URLs names the first of
# them, whichever app comes first.
test_one_finding_names_the_first_url if {
	r := t.route({"methods": ["PUT"], "url": "/v2/items/"})
	i := {"files": [], "apps": [t.app({"has_auth": true, "routes": [r]}), t.app({"line": 50, "has_auth": true, "routes": [object.union(r, {"url": "/a/items/"})]})]}
	fs := rule.deny with input as i
	count(fs) == 1
	some f in fs
	startswith(f.message, "PUT /a/items/ (")
}

test_public_by_design if {
	i := facts(true, [
		t.route({"url": "/api/v1/password-recovery/{email}", "handler": "recover", "line": 40}),
		t.route({"url": "/reset-password/", "handler": "do_reset", "line": 50}),
		t.route({"url": "/users/forgot-password", "handler": "forgot_password", "line": 60}),
		t.route({"url": "/health", "handler": "health", "line": 70}),
		t.route({"url": "/hooks/stripe", "handler": "stripe_events", "verifies_signature": true, "line": 80}),
		t.route({"url": "/auth/oauth/azure/callback", "handler": "azure_callback", "line": 90}),
		t.route({"url": "/password/reset", "handler": "change_password_by_invitation", "line": 100}),
	])
	count(rule.deny) == 0 with input as i
}

test_action_pair_must_be_public_words if {
	fs := rule.deny with input as facts(true, [t.route({"url": "/password/change", "handler": "change_password"})])
	count(fs) == 1
}

test_webhook_without_signature_check if {
	fs := rule.deny with input as facts(true, [t.route({"url": "/callback", "handler": "payment_callback"})])
	count(fs) == 1
}

test_capability_urls if {
	public := facts(true, [
		t.route({"url": "/checkouts/client/{client_secret}", "methods": ["PATCH"], "handler": "client_update", "line": 40}),
		t.route({"url": "/seats/claim/{invitation_token}", "handler": "claim", "line": 50}),
		t.route({"url": "/customer-session/authenticate", "handler": "authenticate", "line": 60}),
	])
	count(rule.deny) == 0 with input as public
	ids := facts(true, [t.route({"url": "/items/{item_id}", "methods": ["DELETE"], "handler": "delete_item"})])
	count(rule.deny) == 1 with input as ids
}

test_token_word_inside_url_is_not_public if {
	fs := rule.deny with input as facts(true, [t.route({"url": "/token/{id}/revoke", "handler": "revoke"})])
	count(fs) == 1
}

test_auth_middleware_covers_every_route if {
	a := t.app({"has_auth": true, "routes": [t.route({})], "auth_middleware": [{"name": "AuthenticationMiddleware", "path": "app/main.py", "line": 12}]})
	count(rule.deny) == 0 with input as {"files": [], "apps": [a]}
}

test_get_that_writes if {
	fs := rule.deny with input as facts(true, [
		t.route({"methods": ["GET"], "url": "/items/purge", "handler": "purge", "write_lines": [23, 22]}),
		t.route({"methods": ["GET"], "url": "/items/", "handler": "list_items", "line": 30}),
	])
	[f] := [f | some f in fs]
	f.line == 20
	f.confidence == "low"
	contains(f.message, "GET /items/purge (purge) writes or deletes stored data (line 22)")
}

test_confidence_is_medium if {
	fs := rule.deny with input as facts(true, [t.route({})])
	[f] := [f | some f in fs]
	f.confidence == "medium"
}

test_optional_authentication_serves_anonymous_users if {
	d := object.union(auth_dep("param"), {"name": "get_optional_user", "auth": false, "optional_auth": true})
	count(rule.deny) == 0 with input as facts(true, [t.route({"dependencies": [d]})])
	count(rule.deny) == 1 with input as facts(true, [t.route({"dependencies": [object.union(d, {"optional_auth": false})]})])
}

test_post_named_for_reading if {
	i := facts(true, [
		t.route({"url": "/alerts/search", "handler": "search_alerts"}),
		t.route({"url": "/info", "handler": "get_info", "line": 30}),
	])
	count(rule.deny) == 0 with input as i
}

test_read_name_that_still_writes if {
	fs := rule.deny with input as facts(true, [
		t.route({"url": "/invoices", "handler": "get_or_create_invoice"}),
		t.route({"url": "/list", "handler": "list_things", "write_lines": [33], "line": 30}),
		t.route({"url": "/things", "handler": "get_things", "line": 40}),
		t.route({"url": "/things", "handler": "read_things", "methods": ["GET"], "auth": true, "line": 50}),
	])
	{f.line | some f in fs} == {20, 30, 40}
}

test_handler_hands_the_credential_on if {
	count(rule.deny) == 0 with input as facts(true, [t.route({"url": "/slack/events", "handler": "slack_endpoint", "handler_auth": true})])
}

test_handler_only_setting_a_cookie if {
	count(rule.deny) == 0 with input as facts(true, [t.route({"url": "/set-session-cookie", "handler": "set_session_cookie", "cookie_only": true})])
}

test_public_forms if {
	i := facts(true, [
		t.route({"url": "/api/v1/contact", "handler": "create_contact_us", "line": 40}),
		t.route({"url": "/api/v1/faq-inquiries", "handler": "create_faq_inquiry", "line": 50}),
		t.route({"url": "/api/v1/newsletter-subscription", "handler": "sub_newsletter", "line": 60}),
		t.route({"url": "/newsletters/unsubscribe", "handler": "unsubscribe", "line": 70}),
		t.route({"url": "/api/v1/jobs/{job_id}/applications", "handler": "apply_to_job", "line": 80}),
		t.route({"url": "/contact-us", "handler": "send_message", "line": 90}),
	])
	count(rule.deny) == 0 with input as i
}

# Managing what a form received is no form: an update, a delete, a
# record by its id, a subscription that is not to a newsletter, a
# plural contacts book.
test_managing_form_records_is_not_public if {
	fs := rule.deny with input as facts(true, [
		t.route({"url": "/api/v1/jobs/{job_id}/applications/{application_id}", "methods": ["PATCH"], "handler": "update_application", "line": 40}),
		t.route({"url": "/api/v1/contact/{id}", "methods": ["DELETE"], "handler": "delete_contact", "line": 50}),
		t.route({"url": "/api/v1/faq-inquiries", "methods": ["PUT"], "handler": "update_inquiry", "line": 60}),
		t.route({"url": "/billing/subscription", "handler": "create_subscription", "line": 70}),
		t.route({"url": "/contacts", "handler": "create_contact", "line": 80}),
		t.route({"url": "/mails/send-email", "handler": "send_email", "line": 90}),
		t.route({"url": "/activity-logs/create", "handler": "create_activity_log", "line": 100}),
	])
	{f.line | some f in fs} == {40, 50, 60, 70, 80, 90, 100}
}
