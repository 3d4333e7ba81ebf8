package pipeguard.rules.debug_enabled_go_test

import data.pipeguard.rules.debug_enabled as rule
import data.pipeguard.testlib as t

lines(fs) := {f.line | some f in fs}

base(go, env, dockerfile) := {"files": [t.file(".env", "env")], "apps": [], "settings": [], "env": env, "dockerfile": dockerfile, "compose": [], "go": object.union(t.go_empty, go)}

test_gin_and_echo if {
	i := base({
		"calls": [
			t.go_call("main.go", 10, "github.com/gin-gonic/gin.SetMode", [t.go_qual("github.com/gin-gonic/gin.DebugMode", "debug", 10)]),
			t.go_call("main.go", 11, "github.com/gin-gonic/gin.SetMode", [t.go_qual("github.com/gin-gonic/gin.ReleaseMode", "release", 11)]),
			t.go_call("main.go", 12, "github.com/gin-gonic/gin.SetMode", [t.go_name("os.Getenv(\"MODE\")", 12)]),
		],
		"assignments": [
			{"path": "main.go", "line": 20, "function": "main", "target": "e.Debug", "field": "Debug", "recv_from": "github.com/labstack/echo/v4.New", "value": t.go_lit(true, 20)},
			{"path": "main.go", "line": 21, "function": "main", "target": "cfg.Debug", "field": "Debug", "recv_from": "", "value": t.go_lit(true, 21)},
		],
	}, [], [])
	lines(rule.deny) == {10, 20} with input as i
}

test_gin_mode_in_deployment if {
	i := base({}, [{"path": ".env", "line": 3, "project": ".", "key": "GIN_MODE", "value": "debug", "redacted": false}], [
		{"path": "Dockerfile", "line": 5, "project": ".", "instruction": "ENV", "args": [], "form": "", "key": "GIN_MODE", "value": "release", "redacted": false},
		{"path": "Dockerfile.dev", "line": 5, "project": ".", "instruction": "ENV", "args": [], "form": "", "key": "GIN_MODE", "value": "debug", "redacted": false},
	])
	{[f.path, f.line] | some f in rule.deny} == {[".env", 3]} with input as i
}
