# METADATA
# title: Go profiling endpoints exposed (net/http/pprof)
# description: |
#   net/http/pprof is imported in a Go program that serves
#   http.DefaultServeMux (http.ListenAndServe(addr, nil), an http.Server
#   without Handler) on an address that is not loopback-only, in its own
#   package or in a package that imports it directly: the import
#   registers /debug/pprof/ on that mux, and anyone who reaches the
#   service can read heap and goroutine dumps (secrets, tokens, request
#   data) and start CPU profiles that load the server. Also: pprof
#   handlers registered on a router (r.HandleFunc("/debug/pprof/",
#   pprof.Index), gin-contrib/pprof.Register, chi's middleware.Profiler,
#   fiber's pprof middleware), unless the same function serves that
#   router on a loopback address only; pipeguard cannot tell a router
#   served elsewhere on an internal port from a public one.
# related_resources:
#   - ref: https://pkg.go.dev/net/http/pprof
#   - ref: https://github.com/securego/gosec#available-rules
#   - ref: https://cwe.mitre.org/data/definitions/200.html
# custom:
#   id: pprof-exposed
#   severity: medium
#   languages: [go]
#   remediation: Serve pprof on a separate mux bound to localhost (or an internal port behind authentication), e.g. mux := http.NewServeMux(); mux.HandleFunc("/debug/pprof/", pprof.Index); go http.ListenAndServe("localhost:6060", mux), and give the public server its own mux.
#   tags: [go, debug]
package pipeguard.rules.pprof_exposed

import data.pipeguard.golib
import data.pipeguard.lib

pprof_imports contains i if {
	some i in input.go.imports
	i.import == "net/http/pprof"
	not golib.is_test(i.path)
}

# public_default_mux are the DefaultServeMux servers not bound to loopback.
public_default_mux contains s if {
	some s in golib.servers_default_mux
	not golib.loopback(s.addr)
}

# The import's own package serves DefaultServeMux publicly; or it serves
# none, and a package that imports it does (the import registers on the
# process-wide DefaultServeMux of the binary that links it). Imports are
# matched by folder: a package in folder d is imported as ".../d".
exposing_server(i) := s if {
	some s in public_default_mux
	golib.dir(s.path) == golib.dir(i.path)
} else := s if {
	count([s | some s in golib.servers_default_mux; golib.dir(s.path) == golib.dir(i.path)]) == 0
	some s in public_default_mux
	imports_folder(golib.dir(s.path), golib.dir(i.path))
}

imports_folder(from, folder) if {
	folder != "."
	some im in input.go.imports
	golib.dir(im.path) == from
	contains(split(im.import, "/")[0], ".") # not the standard library (net/http is not folder http)
	endswith(im.import, concat("/", ["", folder]))
}

deny contains f if {
	some i in pprof_imports
	s := exposing_server(i)
	where := {true: sprintf("%s:%d", [s.path, s.line]), false: sprintf("line %d", [s.line])}[s.path != i.path]
	addr := {true: sprintf(" on %q", [s.addr]), false: ""}[s.addr != ""]
	f := lib.report(i.path, i.line, sprintf("net/http/pprof registers /debug/pprof/ on http.DefaultServeMux, which is served%s at %s: heap dumps and profiles are public", [addr, where]), "import net/http/pprof")
}

pprof_registrars := {
	"github.com/gin-contrib/pprof.Register", "github.com/gin-contrib/pprof.RouteRegister",
	"github.com/go-chi/chi/middleware.Profiler", "github.com/labstack/echo-contrib/pprof.Register",
	"github.com/gofiber/fiber/middleware/pprof.New",
}

deny contains f if {
	some c in input.go.calls
	golib.norm(c.callee) in pprof_registrars
	not golib.is_test(c.path)
	f := lib.report(c.path, c.line, sprintf("%s serves the pprof endpoints on a router: keep them off public listeners", [c.callee]), sprintf("go:%s:%s", [c.function, c.callee]))
}

# loopback_mux: the router is served, in the same function, only on a
# loopback address (http.Server{Addr: "127.0.0.1:6060", Handler: mux} or
# http.ListenAndServe("localhost:6060", mux)).
loopback_mux(c) if {
	some s in golib.composites("net/http.Server")
	s.path == c.path
	s.function == c.function
	s.fields.Handler.text == c.recv
	golib.loopback(golib.server_addr(s))
}

loopback_mux(c) if {
	some q in {"net/http.ListenAndServe", "net/http.ListenAndServeTLS"}
	some l in golib.calls_to(q)
	l.path == c.path
	l.function == c.function
	l.args[count(l.args) - 1].text == c.recv
	golib.loopback(golib.addr(l.args[0]))
}

# router_registrations are the pprof handlers registered on a router, by
# file, function and router: one finding for the set, at the first.
router_registrations contains [c.path, c.function, c.recv, c.line, a.text] if {
	some c in input.go.calls
	c.method in {"Handle", "HandleFunc", "GET", "Get", "Any", "Mount"}
	some a in c.args
	startswith(a.qualname, "net/http/pprof.")
	not golib.is_test(c.path)
	not loopback_mux(c)
}

deny contains f if {
	some [path, function, recv, _, _] in router_registrations
	regs := sort([[line, text] | some [path, function, recv, line, text] in router_registrations])
	handlers := [text | some [_, text] in regs]
	f := lib.report(path, regs[0][0], sprintf("%s registers the pprof handlers (%s) on a router: profiles and heap dumps are served to whoever reaches it", [recv, concat(", ", handlers)]), sprintf("go:%s:%s", [function, recv]))
}
