# Go clauses of debug-enabled (the rule's METADATA is in
# debug_enabled.rego): gin.SetMode(gin.DebugMode), GIN_MODE=debug in a
# deployment file (committed .env, Dockerfile ENV, compose environment;
# files named for development excepted), echo's e.Debug = true (echo then
# sends error details to clients).
package pipeguard.rules.debug_enabled

import data.pipeguard.golib
import data.pipeguard.lib

deny contains f if {
	some c in golib.calls_to("github.com/gin-gonic/gin.SetMode")
	lib.known_string(c.args[0]) == "debug"
	f := lib.report(c.path, c.line, sprintf("debug mode is on: gin.SetMode(%s)", [c.args[0].text]), "gin.SetMode(debug)")
}

deny contains f if {
	some e in lib.deploy_env
	upper(e.key) == "GIN_MODE"
	lower(trim_space(e.value)) == "debug"
	not lib.dev_file(e.path)
	f := lib.report(e.path, e.line, sprintf("debug mode is on: %s=%s", [e.key, e.value]), "GIN_MODE=debug")
}

deny contains f if {
	some a in input.go.assignments
	a.field == "Debug"
	startswith(golib.norm(a.recv_from), "github.com/labstack/echo.")
	lib.known_true(a.value)
	not golib.is_test(a.path)
	f := lib.report(a.path, a.line, sprintf("debug mode is on: %s = %s (echo sends error details to clients)", [a.target, a.value.text]), sprintf("echo:%s", [a.target]))
}
