# METADATA
# title: SQL built by string formatting from outside input
# description: |
#   SQL given to execute()/executemany()/fetch*()/raw()/exec_driver_sql()
#   or SQLAlchemy's text() is built with an f-string, % formatting, +
#   concatenation or .format() from a value that can come from outside: a
#   route's parameter or request data, directly or through the parameters
#   of the project's functions (followed to their callers), or the
#   parameter of a function nothing in the project calls. Input that reaches
#   the string changes the query: SQL injection. SQL formatted from
#   constants, code identifiers (a model's __tablename__), numbers, values
#   read from the database or object state is not reported, nor are
#   placeholders (%s, ?, :name) whose values are passed apart.
# related_resources:
#   - ref: https://docs.sqlalchemy.org/en/20/core/sqlelement.html#sqlalchemy.sql.expression.text
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html
#   - ref: https://fastapi.tiangolo.com/tutorial/sql-databases/
# custom:
#   id: sql-string-formatting
#   severity: high
#   confidence: medium
#   remediation: 'Pass values as bound parameters: text("... WHERE id = :id").bindparams(id=x), cursor.execute("... WHERE id = %s", (x,)), or use the ORM query API; check identifiers (table, column names) against a fixed list.'
#   tags: [sql, injection]
package pipeguard.rules.sql_string_formatting

import data.pipeguard.lib

how := {"fstring": "an f-string", "percent": "% formatting", "concat": "+ concatenation", "format": ".format()"}

# where says where the value comes from, for the message.
where(v) := sprintf("%s (%s)", [v.text, v.via]) if v.via != ""

else := v.text

deny contains f if {
	some c in input.calls
	c.sql_built_with != "none"
	c.sql_origin in {"request", "param"}
	not lib.is_test(c.path)
	v := [x | some x in c.sql_values; x.origin == c.sql_origin][0]
	msg := sprintf("SQL given to %s is built with %s from %s: the value can change the query", [lib.written(c), how[c.sql_built_with], where(v)])
	f0 := lib.report_span(c.path, c.sql_line, object.get(c, "sql_end_line", c.sql_line), msg, sprintf("%s:%s:%s", [c.function, c.callee, c.sql_built_with]))
	f := confidence(f0, c.sql_origin)
}

# A value from the request is certain; a parameter whose callers are not
# all known is a guess.
confidence(f, "request") := lib.with_confidence(f, "high")

confidence(f, "param") := f
