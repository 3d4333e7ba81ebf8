# Go clauses of cors-any-origin (the rule's METADATA is in
# cors_any_origin.rego): the configurations of cors-credentials-any-origin
# without credentials, Access-Control-Allow-Origin: * written by a
# handler, and an unchecked copy of the request's Origin.
package pipeguard.rules.cors_any_origin

import data.pipeguard.golib
import data.pipeguard.lib

deny contains f if {
	some c in golib.cors_configs
	c.reason != ""
	not c.credentials
	f := lib.report(c.path, c.line, sprintf("%s allows any origin (%s)", [c.what, c.reason]), sprintf("go:%s:%s", [c.what, c.reason]))
}

deny contains f if {
	some h in golib.star_headers
	f := lib.report(h.path, h.line, "the handler answers Access-Control-Allow-Origin: *", sprintf("go:%s:star", [h.function]))
}

deny contains f if {
	some r in golib.origin_reflections
	not r.credentials
	f := lib.report(r.path, r.line, "the handler copies the request's Origin into Access-Control-Allow-Origin without checking it: every origin is allowed", sprintf("go:%s:reflect-origin", [r.function]))
}
