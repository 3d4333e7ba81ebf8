# METADATA
# title: SQL built by string formatting
# description: |
#   SQL given to execute()/executemany()/text()/exec_driver_sql() is built
#   from variables with an f-string, % formatting, + concatenation or
#   .format(). Input that reaches the string changes the query: SQL
#   injection.
# related_resources:
#   - ref: https://docs.sqlalchemy.org/en/20/core/sqlelement.html#sqlalchemy.sql.expression.text
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html
#   - ref: https://fastapi.tiangolo.com/tutorial/sql-databases/
# custom:
#   id: sql-string-formatting
#   severity: high
#   remediation: 'Pass values as bound parameters: text("... WHERE id = :id").bindparams(id=x), cursor.execute("... WHERE id = %s", (x,)), or use the ORM query API.'
#   tags: [sql, injection]
package pipeguard.rules.sql_string_formatting

import data.pipeguard.lib

sinks := {"execute", "executemany", "executescript", "exec_driver_sql", "text", "raw"}

how := {"fstring": "an f-string", "percent": "% formatting", "concat": "+ concatenation", "format": ".format()"}

deny contains f if {
	some c in input.calls
	c.method in sinks
	c.sql_built_with != "none"
	not lib.is_test(c.path)
	f := lib.report(c.path, c.line, sprintf("SQL passed to %s is built with %s from variables", [c.callee, how[c.sql_built_with]]), sprintf("%s:%s:%s", [c.function, c.callee, c.sql_built_with]))
}
