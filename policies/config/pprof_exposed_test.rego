package pipeguard.rules.pprof_exposed_test

import data.pipeguard.rules.pprof_exposed as rule
import data.pipeguard.testlib as t

go_facts(imports, calls, composites) := {"files": [], "go": object.union(t.go_empty, {"imports": imports, "calls": calls, "composites": composites})}

pprof_import(path, line) := {"path": path, "line": line, "import": "net/http/pprof", "name": "_"}

listen(path, line, addr) := t.go_call(path, line, "net/http.ListenAndServe", [t.go_lit(addr, line), t.go_lit(null, line)])

test_import_with_public_default_mux if {
	i := go_facts([pprof_import("main.go", 5)], [listen("main.go", 20, ":8080")], [])
	{f.line | some f in rule.deny} == {5} with input as i
}

test_loopback_only_is_fine if {
	i := go_facts([pprof_import("main.go", 5)], [listen("main.go", 20, "localhost:6060")], [])
	count(rule.deny) == 0 with input as i
}

test_own_mux_is_fine if {
	i := go_facts([pprof_import("main.go", 5)], [t.go_call("main.go", 20, "net/http.ListenAndServe", [t.go_lit(":8080", 20), t.go_name("mux", 20)])], [])
	count(rule.deny) == 0 with input as i
}

test_server_in_an_importing_package if {
	imp := {"path": "cmd/api/main.go", "line": 4, "import": "example.com/svc/internal/debug", "name": ""}
	i := go_facts([pprof_import("internal/debug/debug.go", 5), imp], [listen("cmd/api/main.go", 20, ":8080")], [])
	{f.path | some f in rule.deny} == {"internal/debug/debug.go"} with input as i
	other := {"path": "cmd/api/main.go", "line": 4, "import": "example.com/svc/internal/debug/assets", "name": ""}
	count(rule.deny) == 0 with input as go_facts([pprof_import("internal/debug/debug.go", 5), other], [listen("cmd/api/main.go", 20, ":8080")], [])
	std := {"path": "cmd/api/main.go", "line": 4, "import": "net/http", "name": ""}
	count(rule.deny) == 0 with input as go_facts([pprof_import("http/server.go", 5), std], [listen("cmd/api/main.go", 20, ":8080")], [])
}

test_handler_set_through_a_field if {
	srv := t.go_composite("server.go", 30, "net/http.Server", {})
	set := {"path": "server.go", "line": 40, "function": "NewServer", "target": "s.server.Handler", "field": "Handler", "recv_from": "", "value": t.go_name("h", 40)}
	i := object.union(go_facts([pprof_import("server.go", 5)], [], [srv]), {"go": object.union(t.go_empty, {"imports": [pprof_import("server.go", 5)], "composites": [srv], "assignments": [set]})})
	count(rule.deny) == 0 with input as i
}

test_http_server_without_handler if {
	srv := t.go_composite("main.go", 30, "net/http.Server", {"Addr": t.go_lit(":443", 31)})
	i := go_facts([pprof_import("main.go", 5)], [], [srv])
	{f.line | some f in rule.deny} == {5} with input as i
}

test_router_registration if {
	c := object.union(t.go_method("main.go", 40, "r", "HandleFunc", [t.go_lit("/debug/pprof/", 40)]), {"args": [
		t.go_lit("/debug/pprof/", 40),
		object.union(t.go_name("pprof.Index", 40), {"qualname": "net/http/pprof.Index"}),
	]})
	g := t.go_call("main.go", 41, "github.com/gin-contrib/pprof.Register", [t.go_name("r", 41)])
	i := go_facts([], [c, g], [])
	{f.line | some f in rule.deny} == {40, 41} with input as i
}

test_tests_do_not_count if {
	i := {"files": [], "go": object.union(t.go_empty, {
		"files": [{"path": "main_test.go", "package": "main", "test": true}],
		"imports": [pprof_import("main_test.go", 5)],
		"calls": [listen("main.go", 20, ":8080")],
	})}
	count(rule.deny) == 0 with input as i
}

test_router_served_on_loopback if {
	reg := object.union(t.go_method("main.go", 40, "mux", "HandleFunc", []), {"args": [
		t.go_lit("/debug/pprof/", 40),
		object.union(t.go_name("pprof.Index", 40), {"qualname": "net/http/pprof.Index"}),
	]})
	srv := t.go_composite("main.go", 41, "net/http.Server", {"Addr": t.go_lit("127.0.0.1:6060", 41), "Handler": t.go_name("mux", 41)})
	count(rule.deny) == 0 with input as go_facts([], [reg], [srv])
	pub := t.go_composite("main.go", 41, "net/http.Server", {"Addr": t.go_lit(":6060", 41), "Handler": t.go_name("mux", 41)})
	count(rule.deny) == 1 with input as go_facts([], [reg], [pub])
}
