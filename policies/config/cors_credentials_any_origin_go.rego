# Go clauses of cors-credentials-any-origin (the rule's METADATA is in
# cors_credentials_any_origin.rego): rs/cors, go-chi/cors, gin-contrib/cors,
# echo, fiber or gorilla/handlers configured to accept every origin with
# credentials allowed, and handlers that copy the request's Origin into
# Access-Control-Allow-Origin unchecked while allowing credentials.
package pipeguard.rules.cors_credentials_any_origin

import data.pipeguard.golib
import data.pipeguard.lib

deny contains f if {
	some c in golib.cors_configs
	c.reason != ""
	c.credentials
	f := lib.report(c.path, c.line, sprintf("%s allows credentials from any origin (%s): any site a user visits can make authenticated requests and read the answers", [c.what, c.reason]), sprintf("go:%s:%s", [c.what, c.reason]))
}

deny contains f if {
	some r in golib.origin_reflections
	r.credentials
	f := lib.report(r.path, r.line, "the handler copies the request's Origin into Access-Control-Allow-Origin without checking it and allows credentials: any site can make authenticated requests", sprintf("go:%s:reflect-origin", [r.function]))
}
