package pipeguard.rules.server_timeouts_missing_test

import data.pipeguard.rules.server_timeouts_missing as rule
import data.pipeguard.testlib as t

lines(fs) := {f.line | some f in fs}

test_package_functions if {
	i := t.go_input({"calls": [
		t.go_call("main.go", 10, "net/http.ListenAndServe", [t.go_lit(":8080", 10), t.go_lit(null, 10)]),
		t.go_call("main.go", 11, "net/http.ListenAndServeTLS", []),
		t.go_call("main.go", 12, "net/http.Serve", []),
		t.go_call("main.go", 13, "net/http.NewServeMux", []),
	]})
	lines(rule.deny) == {10, 11, 12} with input as i
}

test_http_server if {
	i := t.go_input({"composites": [
		t.go_composite("main.go", 20, "net/http.Server", {"Addr": t.go_lit(":8080", 21)}),
		t.go_composite("main.go", 30, "net/http.Server", {"ReadHeaderTimeout": t.go_name("5 * time.Second", 31)}),
		object.union(t.go_composite("main.go", 40, "net/http.Server", {"ReadTimeout": t.go_name("cfg.Timeout", 45)}), {"var": "srv", "set_later": ["ReadTimeout"]}),
	]})
	lines(rule.deny) == {20} with input as i
}

test_gin_run_and_echo_start if {
	run := object.union(t.go_method("main.go", 50, "r", "Run", []), {"recv_from": "github.com/gin-gonic/gin.Default"})
	start := object.union(t.go_method("main.go", 60, "e", "Start", [t.go_lit(":8080", 60)]), {"recv_from": "github.com/labstack/echo/v4.New"})
	tuned := object.union(t.go_method("other.go", 70, "e", "Start", [t.go_lit(":8080", 70)]), {"path": "other.go", "recv_from": "github.com/labstack/echo/v4.New"})
	other := object.union(t.go_method("main.go", 80, "worker", "Run", []), {"recv_from": "method:NewWorker"})
	i := t.go_input({
		"calls": [run, start, tuned, other],
		"assignments": [{"path": "other.go", "line": 69, "function": "main", "target": "e.Server.ReadHeaderTimeout", "field": "ReadHeaderTimeout", "recv_from": "github.com/labstack/echo/v4.New", "value": t.go_name("10 * time.Second", 69)}],
	})
	lines(rule.deny) == {50, 60} with input as i
}
