# METADATA
# title: API key or token passed in the query string
# description: |
#   The API takes a credential in the URL: an APIKeyQuery security scheme,
#   or a query parameter named api_key, apikey, token or access_token.
#   URLs end up in access logs, proxy logs, browser history and Referer
#   headers, so the credential leaks. Not reported: a parameter named
#   just "key" of a route that authenticates otherwise (a tag or search
#   key), and the single-use token of a link sent by e-mail (password
#   reset, invitation, e-mail verification).
# related_resources:
#   - ref: https://fastapi.tiangolo.com/reference/security/#fastapi.security.APIKeyQuery
#   - ref: https://owasp.org/www-community/vulnerabilities/Information_exposure_through_query_strings_in_url
#   - ref: https://cwe.mitre.org/data/definitions/598.html
# custom:
#   id: api-key-in-query
#   severity: medium
#   confidence: high
#   remediation: Take the key in a header (APIKeyHeader, or Authorization with HTTPBearer) instead of the query string.
#   tags: [fastapi, auth]
package pipeguard.rules.api_key_in_query

import data.pipeguard.lib

credential_names := {"api_key", "apikey", "api-key", "token", "access_token", "auth_token", "key"}

deny contains f if {
	some s in input.security_schemes
	s.class == "APIKeyQuery"
	not lib.is_test(s.path)
	f := lib.report(s.path, s.line, "APIKeyQuery reads the API key from the query string", sprintf("APIKeyQuery:%s", [s.var]))
}

deny contains f if {
	some c in input.calls
	c.method == "APIKeyQuery"
	not scheme_at(c.path, c.line)
	not lib.is_test(c.path)
	f := lib.report(c.path, c.line, "APIKeyQuery reads the API key from the query string", "APIKeyQuery")
}

scheme_at(path, line) if {
	some s in input.security_schemes
	s.path == path
	s.line == line
}

deny contains f if {
	some r in lib.routes
	some p in r.params
	p.kind == "query"
	lower(p.name) in credential_names
	not lib.is_test(r.path)
	not data_key(r, p)
	not link_token(r, p)
	f := lib.report(r.path, p.line, sprintf("%s takes the credential %q in the query string", [r.handler, p.name]), sprintf("%s:%s", [r.handler, p.name]))
}

# data_key: a query parameter named just "key" of a route that
# authenticates otherwise is data (a tag key, a search key).
data_key(r, p) if {
	lower(p.name) == "key"
	r.auth
}

# link_token: the token of a link sent by e-mail (password reset,
# invitation, e-mail verification, unsubscribe) travels in the URL by
# design: it is single-use and the link is the only way to carry it.
link_token(r, p) if {
	lower(p.name) == "token"
	regex.match(`(?i)(^|[_/-])(reset|invite|invitation|verify|verification|confirm|confirmation|unsubscribe|magic)s?([_/-]|$)`, concat("/", [r.handler, r.url]))
}
