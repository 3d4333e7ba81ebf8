# Go clauses of sql-string-formatting (the rule's METADATA is in
# sql_string_formatting.rego): SQL given to Query/Exec/QueryRow/Prepare
# (database/sql, sqlx, pgx, gorm's Raw/Exec) built with fmt.Sprintf, +,
# += or a strings.Builder from a function parameter, the HTTP request or
# program input (os.Args, os.Getenv, fmt.Scan). Parts formatted with %d
# and friends, numeric conversions and pq.QuoteIdentifier do not count;
# nor do parts pipeguard cannot trace (a struct field, a call's result).
package pipeguard.rules.sql_string_formatting

import data.pipeguard.golib
import data.pipeguard.lib

go_how := {"sprintf": "fmt.Sprintf", "concat": "+ concatenation", "builder": "a strings.Builder"}

go_what := {"param": "function parameter", "request": "the HTTP request", "input": "program input"}

deny contains f if {
	some s in input.go.sql
	how := go_how[s.built_with]
	some o in s.origins
	what := go_what[o.kind]
	not golib.is_test(s.path)
	first := [x | some x in s.origins; go_what[x.kind]][0]
	o == first
	f := lib.report(s.path, s.line, sprintf("SQL passed to %s is built with %s from %s (%s, line %d): SQL injection", [s.callee, how, what, o.text, o.line]), sprintf("go:%s:%s:%s", [s.function, s.callee, s.built_with]))
}
