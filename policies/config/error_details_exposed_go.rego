# Go clauses of error-details-exposed (the rule's METADATA is in
# error_details_exposed.rego): an error's text (err.Error(), or an error
# formatted by fmt) written to the response with a 5xx status, or with no
# status (w.Write, fmt.Fprint to the ResponseWriter). 4xx answers that
# explain a bad request are not reported.
package pipeguard.rules.error_details_exposed

import data.pipeguard.golib
import data.pipeguard.lib

go_server_error(e) if {
	e.status.known
	is_number(e.status.value)
	e.status.value >= 500
}

go_server_error(e) if e.status.source == "none"

deny contains f if {
	some e in input.go.error_exposures
	go_server_error(e)
	not golib.is_test(e.path)
	status := {true: sprintf(" with status %s", [e.status.text]), false: ""}[e.status.text != ""]
	f := lib.report(e.path, e.line, sprintf("%s is sent to the client by %s%s", [e.what, e.sink, status]), sprintf("go:%s:%s", [e.function, e.sink]))
}
