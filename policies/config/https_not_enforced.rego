# METADATA
# title: HTTPS not enforced
# description: |
#   Nothing in the repository makes clients use HTTPS for this app: no
#   HTTPSRedirectMiddleware, no Strict-Transport-Security header, no TLS
#   in the server command (uvicorn ssl_keyfile/--ssl-certfile), and no
#   TLS-terminating proxy configuration (nginx listen ... ssl,
#   ssl_certificate, or a redirect to https; Traefik routers with TLS or an
#   HTTPS redirect in compose labels or its configuration; a Caddyfile site;
#   a Kubernetes Ingress with tls). Tokens and cookies may then travel in
#   clear text. An app mounted in another (app.mount) gets the outer app's
#   redirect and HSTS, and is reported with it. An app whose only routes
#   are health, readiness or metrics probes is not reported. TLS is often terminated by
#   infrastructure the repository does not describe (a cloud load
#   balancer), so the finding is of low confidence.
# related_resources:
#   - ref: https://fastapi.tiangolo.com/advanced/middleware/#httpsredirectmiddleware
#   - ref: https://fastapi.tiangolo.com/deployment/https/
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Strict_Transport_Security_Cheat_Sheet.html
# custom:
#   id: https-not-enforced
#   severity: medium
#   confidence: low
#   remediation: Terminate TLS in front of the app and redirect HTTP to HTTPS (HTTPSRedirectMiddleware or the proxy), and send Strict-Transport-Security.
#   tags: [fastapi, tls]
package pipeguard.rules.https_not_enforced

import data.pipeguard.lib

deny contains f if {
	some app in input.apps
	count(app.mounted_in) == 0
	not app.tls.https_redirect
	not app.tls.hsts
	not app.tls.server_tls
	not app.tls.proxy_tls
	not lib.is_test(app.path)
	not lib.example_code(app.path)
	not lib.loopback_only(app)
	not lib.probe_only(app)
	f := lib.report_range(app.path, app.line, app.end_line, "HTTPS is not enforced: no HTTPSRedirectMiddleware, no Strict-Transport-Security header, no TLS in the server command and no TLS-terminating proxy config", app.var)
}
