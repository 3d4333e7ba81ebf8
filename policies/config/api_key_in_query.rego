# METADATA
# title: API key or token passed in the query string
# description: |
#   The API takes a credential in the URL: an APIKeyQuery security scheme,
#   or a query parameter named api_key, apikey, token or access_token.
#   URLs end up in access logs, proxy logs, browser history and Referer
#   headers, so the credential leaks.
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
	f := lib.report(r.path, p.line, sprintf("%s takes the credential %q in the query string", [r.handler, p.name]), sprintf("%s:%s", [r.handler, p.name]))
}
