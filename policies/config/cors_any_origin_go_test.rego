package pipeguard.rules.cors_any_origin_go_test

import data.pipeguard.rules.cors_any_origin as rule
import data.pipeguard.testlib as t

lines(fs) := {f.line | some f in fs}

test_defaults_and_stars if {
	i := t.go_input({
		"calls": [
			t.go_call("a.go", 10, "github.com/rs/cors.Default", []),
			t.go_call("a.go", 11, "github.com/gin-contrib/cors.Default", []),
			t.go_call("a.go", 12, "github.com/labstack/echo/v4/middleware.CORS", []),
			t.go_call("a.go", 13, "github.com/gofiber/fiber/v2/middleware/cors.New", []),
			t.go_call("a.go", 14, "github.com/go-chi/cors.AllowAll", []),
		],
		"composites": [
			t.go_composite("a.go", 20, "github.com/rs/cors.Options", {"AllowedOrigins": t.go_lit(["*"], 21)}),
			t.go_composite("a.go", 30, "github.com/labstack/echo/v4/middleware.CORSConfig", {"AllowMethods": t.go_lit(["GET"], 31)}),
		],
		"header_writes": [{"path": "a.go", "line": 40, "function": "h", "name": "Access-Control-Allow-Origin", "guarded": false, "value": t.go_lit("*", 40)}],
	})
	lines(rule.deny) == {10, 11, 12, 13, 14, 20, 30, 40} with input as i
}

test_credentials_go_to_the_other_rule if {
	i := t.go_input({"composites": [t.go_composite("a.go", 20, "github.com/rs/cors.Options", {"AllowedOrigins": t.go_lit(["*"], 21), "AllowCredentials": t.go_lit(true, 22)})]})
	count(rule.deny) == 0 with input as i
}

test_configured_origins_are_fine if {
	i := t.go_input({
		"calls": [t.go_call("a.go", 13, "github.com/gofiber/fiber/v2/middleware/cors.New", [t.go_name("cfg", 13)])],
		"composites": [
			t.go_composite("a.go", 20, "github.com/rs/cors.Options", {"AllowedOrigins": t.go_name("origins", 21)}),
			t.go_composite("a.go", 30, "github.com/labstack/echo/v4/middleware.CORSConfig", {"AllowOrigins": t.go_lit(["https://a.example"], 31)}),
			t.go_composite("a.go", 40, "github.com/gin-contrib/cors.Config", {"AllowOrigins": t.go_lit(["https://a.example"], 41)}),
		],
	})
	count(rule.deny) == 0 with input as i
}
