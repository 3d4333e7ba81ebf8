package pipeguard.rules.cors_credentials_any_origin_go_test

import data.pipeguard.rules.cors_credentials_any_origin as rule
import data.pipeguard.testlib as t

lines(fs) := {f.line | some f in fs}

creds(line) := t.go_lit(true, line)

test_each_library if {
	i := t.go_input({"composites": [
		t.go_composite("a.go", 10, "github.com/rs/cors.Options", {"AllowedOrigins": t.go_lit(["*"], 11), "AllowCredentials": creds(12)}),
		t.go_composite("a.go", 20, "github.com/rs/cors.Options", {"AllowOriginFunc": t.go_func([t.go_lit(true, 21)], 21), "AllowCredentials": creds(22)}),
		t.go_composite("a.go", 30, "github.com/go-chi/cors.Options", {"AllowCredentials": creds(31)}),
		t.go_composite("a.go", 40, "github.com/gin-contrib/cors.Config", {"AllowAllOrigins": t.go_lit(true, 41), "AllowCredentials": creds(42)}),
		t.go_composite("a.go", 50, "github.com/labstack/echo/v4/middleware.CORSConfig", {"AllowOrigins": t.go_lit(["*"], 51), "AllowCredentials": creds(52)}),
		t.go_composite("a.go", 60, "github.com/gofiber/fiber/v2/middleware/cors.Config", {"AllowOrigins": t.go_lit("*", 61), "AllowCredentials": creds(62)}),
	]})
	lines(rule.deny) == {10, 20, 30, 40, 50, 60} with input as i
}

test_listed_origins_or_no_credentials_are_fine if {
	i := t.go_input({"composites": [
		t.go_composite("a.go", 10, "github.com/rs/cors.Options", {"AllowedOrigins": t.go_lit(["https://app.example.com"], 11), "AllowCredentials": creds(12)}),
		t.go_composite("a.go", 20, "github.com/rs/cors.Options", {"AllowedOrigins": t.go_name("cfg.Origins", 21), "AllowCredentials": creds(22)}),
		t.go_composite("a.go", 30, "github.com/rs/cors.Options", {"AllowOriginFunc": t.go_func([t.go_name("ok", 31)], 31), "AllowCredentials": creds(32)}),
		t.go_composite("a.go", 40, "github.com/rs/cors.Options", {"AllowedOrigins": t.go_lit(["*"], 41)}),
		t.go_composite("a.go", 50, "github.com/gin-contrib/cors.Config", {"AllowOrigins": t.go_lit(["https://a.example"], 51), "AllowCredentials": creds(52)}),
	]})
	count(rule.deny) == 0 with input as i
}

test_gorilla_handlers if {
	star := object.union(t.go_name("handlers.AllowedOrigins([]string{\"*\"})", 10), {"type": "call", "qualname": "github.com/gorilla/handlers.AllowedOrigins", "args": [t.go_lit(["*"], 10)]})
	cred := object.union(t.go_name("handlers.AllowCredentials()", 10), {"type": "call", "qualname": "github.com/gorilla/handlers.AllowCredentials"})
	i := t.go_input({"calls": [t.go_call("a.go", 10, "github.com/gorilla/handlers.CORS", [star, cred])]})
	lines(rule.deny) == {10} with input as i
}

origin_write(line, function, guarded) := {"path": "a.go", "line": line, "function": function, "name": "Access-Control-Allow-Origin", "guarded": guarded,
	"value": object.union(t.go_name("r.Header.Get(\"Origin\")", line), {"request_header": "Origin"})}

creds_write(line, function) := {"path": "a.go", "line": line, "function": function, "name": "Access-Control-Allow-Credentials", "guarded": false, "value": t.go_lit("true", line)}

test_reflected_origin_with_credentials if {
	i := t.go_input({"header_writes": [
		origin_write(10, "cors", false), creds_write(11, "cors"),
		origin_write(20, "checked", true), creds_write(21, "checked"),
		origin_write(30, "nocreds", false),
	]})
	lines(rule.deny) == {10} with input as i
}
