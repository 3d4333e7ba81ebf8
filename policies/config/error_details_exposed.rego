# METADATA
# title: Exception details sent to the client
# description: |
#   An HTTP answer is built from str(exc), repr(exc), an f-string over the
#   exception, or traceback.format_exc(): an HTTPException detail, the body
#   of a response, or a value returned by a route or an exception handler.
#   Error messages and tracebacks reveal file paths, SQL, library versions
#   and sometimes data, and help an attacker tune an exploit. Not reported:
#   validation feedback about the client's own input, that is the message of
#   a ValueError, ValidationError or of the project's own exception classes
#   answered with a 4xx status.
# related_resources:
#   - ref: https://fastapi.tiangolo.com/tutorial/handling-errors/
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html
#   - ref: https://cwe.mitre.org/data/definitions/209.html
# custom:
#   id: error-details-exposed
#   severity: medium
#   confidence: medium
#   remediation: Log the exception server-side and answer with a generic message (and a correlation id).
#   tags: [fastapi]
package pipeguard.rules.error_details_exposed

import data.pipeguard.lib

what := {"str": "str(exc)", "repr": "repr(exc)", "format": "the exception formatted into a string", "traceback": "a traceback"}

# where says how the text reaches the client.
where(e) := "is sent to the client in an HTTPException detail" if e.sink == "http_exception"

where(e) := "is sent to the client in a response body" if e.sink == "response"

where(e) := sprintf("is returned to the client by %s", [e.function]) if e.sink == "return"

# feedback: the message of an exception about the client's input, sent
# with a 4xx status.
feedback(e) if {
	e.status >= 400
	e.status < 500
	e.caught_kind in {"validation", "app"}
}

# Any exception's text, or a traceback, may hold internals; the message of
# one kind of library error is less sure to.
confidence(e) := "high" if {
	e.kind == "traceback"
} else := "high" if {
	e.caught_kind == "broad"
} else := "medium"

caught(e) := sprintf(" (%s)", [concat(", ", e.caught)]) if {
	count(e.caught) > 0
} else := " (any exception)" if {
	e.kind != "traceback"
} else := ""

status(e) := sprintf(", status %d", [e.status]) if {
	e.status > 0
} else := ""

# reported are the exposures to report, once per statement: a raise whose
# detail holds the exception twice (message and error fields) is one.
reported contains e if {
	some e in input.exception_exposures
	not lib.is_test(e.path)
	not feedback(e)
	not earlier_in_statement(e)
}

earlier_in_statement(e) if {
	some x in input.exception_exposures
	x.path == e.path
	x.end_line == e.end_line
	x.sink == e.sink
	x.line < e.line
	x.line > 0
	not feedback(x)
}

deny contains f if {
	some e in reported
	msg := sprintf("%s%s %s%s", [what[e.kind], caught(e), where(e), status(e)])
	f := object.union(lib.report_range(e.path, e.line, e.end_line, msg, concat(":", [e.function, e.kind, e.sink])), {"confidence": confidence(e)})
}
