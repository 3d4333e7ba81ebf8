# METADATA
# title: Go HTTP server without read timeouts
# description: |
#   The server reads requests with no deadline: http.ListenAndServe,
#   ListenAndServeTLS, Serve and ServeTLS (the package functions) cannot
#   set one, gin's r.Run/RunTLS call them, echo's e.Start uses a server
#   without timeouts unless e.Server's are set, and an http.Server is
#   built without ReadHeaderTimeout or ReadTimeout (set in the literal or
#   later in the same function). A client that sends headers slowly
#   (Slowloris) then holds a connection and a goroutine for as long as it
#   likes, and a few thousand of them exhaust the server.
# related_resources:
#   - ref: https://pkg.go.dev/net/http#Server
#   - ref: https://blog.cloudflare.com/the-complete-guide-to-golang-net-http-timeouts/
#   - ref: https://cwe.mitre.org/data/definitions/400.html
# custom:
#   id: server-timeouts-missing
#   severity: medium
#   languages: [go]
#   remediation: 'Build an http.Server with ReadHeaderTimeout (e.g. 10 * time.Second) or ReadTimeout, plus WriteTimeout and IdleTimeout, and call its ListenAndServe: srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}.'
#   tags: [go, dos]
package pipeguard.rules.server_timeouts_missing

import data.pipeguard.golib
import data.pipeguard.lib

package_funcs := {"net/http.ListenAndServe", "net/http.ListenAndServeTLS", "net/http.Serve", "net/http.ServeTLS"}

deny contains f if {
	some q in package_funcs
	some c in golib.calls_to(q)
	f := lib.report(c.path, c.line, sprintf("%s serves with no read timeout (Slowloris): use an http.Server with ReadHeaderTimeout", [substring(q, count("net/"), -1)]), sprintf("go:%s:%s", [c.function, q]))
}

read_timeouts := {"ReadHeaderTimeout", "ReadTimeout"}

deny contains f if {
	some c in golib.composites("net/http.Server")
	every t in read_timeouts {
		not c.fields[t]
	}
	f := lib.report(c.path, c.line, "http.Server has neither ReadHeaderTimeout nor ReadTimeout: a client can hold connections open by sending headers slowly (Slowloris)", sprintf("go:%s:http.Server", [c.function]))
}

# gin's Run and RunTLS call http.ListenAndServe(TLS).
deny contains f if {
	some c in input.go.calls
	c.method in {"Run", "RunTLS"}
	golib.norm(c.recv_from) in {"github.com/gin-gonic/gin.Default", "github.com/gin-gonic/gin.New"}
	not golib.is_test(c.path)
	f := lib.report(c.path, c.line, sprintf("gin's %s.%s() serves with http.ListenAndServe: no read timeout (Slowloris); serve the engine with an http.Server that sets ReadHeaderTimeout", [c.recv, c.method]), sprintf("go:%s:gin.%s", [c.function, c.method]))
}

# echo's Start uses e.Server, whose timeouts are zero unless set.
deny contains f if {
	some c in input.go.calls
	c.method in {"Start", "StartTLS"}
	startswith(golib.norm(c.recv_from), "github.com/labstack/echo.New")
	not echo_timeout_set(c)
	not golib.is_test(c.path)
	f := lib.report(c.path, c.line, sprintf("echo's %s.%s() serves with no read timeout (Slowloris): set %s.Server.ReadHeaderTimeout or ReadTimeout first", [c.recv, c.method, c.recv]), sprintf("go:%s:echo.%s", [c.function, c.method]))
}

echo_timeout_set(c) if {
	some a in input.go.assignments
	a.path == c.path
	a.field in read_timeouts
	startswith(a.target, concat("", [c.recv, "."]))
}
