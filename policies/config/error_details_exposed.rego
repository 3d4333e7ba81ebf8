# METADATA
# title: Exception details sent to the client
# description: |
#   A response or HTTPException(detail=...) is built from str(exc),
#   repr(exc), an f-string over the exception, or traceback.format_exc().
#   Error messages and tracebacks reveal file paths, SQL, library versions
#   and sometimes data, and help an attacker tune an exploit.
# related_resources:
#   - ref: https://fastapi.tiangolo.com/tutorial/handling-errors/
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html
#   - ref: https://cwe.mitre.org/data/definitions/209.html
# custom:
#   id: error-details-exposed
#   severity: medium
#   remediation: Log the exception server-side and answer with a generic message (and a correlation id).
#   tags: [fastapi]
package pipeguard.rules.error_details_exposed

import data.pipeguard.lib

what := {"str": "str(exc)", "repr": "repr(exc)", "format": "the exception formatted into a string", "traceback": "a traceback"}

sink := {"http_exception": "HTTPException detail", "response": "a response body", "return": "a returned value"}

deny contains f if {
	some e in input.exception_exposures
	not lib.is_test(e.path)
	f := lib.report(e.path, e.line, sprintf("%s is sent to the client in %s", [what[e.kind], sink[e.sink]]), concat(":", [e.function, e.kind, e.sink]))
}
