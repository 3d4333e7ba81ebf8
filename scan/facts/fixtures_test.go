package facts

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

const fixtures = "../../testdata/fastapi/"

func findRoute(t *testing.T, routes []Route, method, url string) Route {
	t.Helper()
	for _, r := range routes {
		for _, m := range r.Methods {
			if m == method && r.URL == url {
				return r
			}
		}
	}
	t.Fatalf("no route %s %s", method, url)
	return Route{}
}

func findCall(t *testing.T, calls []Call, path string, line int, callee string) Call {
	t.Helper()
	for _, c := range calls {
		if c.Path == path && c.Line == line && c.Callee == callee {
			return c
		}
	}
	t.Fatalf("no call %s at %s:%d", callee, path, line)
	return Call{}
}

func findMiddleware(t *testing.T, a App, class string) Middleware {
	t.Helper()
	for _, m := range a.Middleware {
		if m.Class == class {
			return m
		}
	}
	t.Fatalf("no middleware %s", class)
	return Middleware{}
}

func TestVulnerableApp(t *testing.T) {
	f := extractDir(t, fixtures+"vulnerable")
	if len(f.Skipped) != 0 {
		t.Errorf("skipped: %+v", f.Skipped)
	}
	if len(f.Apps) != 1 {
		t.Fatalf("got %d apps, want 1", len(f.Apps))
	}
	a := f.Apps[0]
	if a.Path != "app/main.py" || a.Line != 14 || a.Var != "app" || a.Framework != "fastapi" || a.Module != "app.main" {
		t.Errorf("app = %s:%d var %q %s %s", a.Path, a.Line, a.Var, a.Framework, a.Module)
	}
	if !a.HasAuth || !a.PasswordForm || a.RateLimiter {
		t.Errorf("has_auth %v password_form %v rate_limiter %v, want true true false", a.HasAuth, a.PasswordForm, a.RateLimiter)
	}
	if a.TLS != (TLS{}) {
		t.Errorf("tls = %+v, want nothing", a.TLS)
	}
	debug := a.Args["debug"]
	if !debug.Known || debug.Value != true || debug.Source != "settings" || debug.DefPath != "app/config.py" || debug.DefLine != 6 || debug.Line != 14 {
		t.Errorf("debug arg = %+v, want the settings default True at app/config.py:6", debug)
	}
	if a.Docs.DocsURL.State != "default" || a.Docs.OpenAPIURL.State != "default" || a.Docs.DocsURL.Line != 14 {
		t.Errorf("docs = %+v", a.Docs)
	}

	cors := findMiddleware(t, a, "CORSMiddleware")
	if cors.Line != 16 || cors.Via != "add_middleware" || cors.Qualname != "fastapi.middleware.cors.CORSMiddleware" {
		t.Errorf("cors = %s:%d via %s %s", cors.Path, cors.Line, cors.Via, cors.Qualname)
	}
	if v := cors.Args["allow_origins"]; !reflect.DeepEqual(v.Value, []any{"*"}) || v.Line != 18 || len(v.Items) != 1 || v.Items[0].Line != 18 {
		t.Errorf("allow_origins = %+v", v)
	}
	if v := cors.Args["allow_credentials"]; v.Value != true || v.Line != 19 {
		t.Errorf("allow_credentials = %+v", v)
	}
	sess := findMiddleware(t, a, "SessionMiddleware")
	if v := sess.Args["secret_key"]; !v.Redacted || v.Value != "sess****" || strings.Contains(v.Text, "abc123") {
		t.Errorf("session secret_key not masked: %+v", v)
	}
	if _, ok := sess.Args["https_only"]; ok {
		t.Error("https_only should be absent")
	}

	// Routes across files, with prefixes and dependencies at every level.
	tests := []struct {
		method, url, path string
		line              int
		auth              bool
	}{
		{"POST", "/token", "app/main.py", 37, false},
		{"GET", "/me", "app/main.py", 45, true},
		{"POST", "/reports", "app/main.py", 50, false},
		{"GET", "/items/", "app/routers/items.py", 11, false},
		{"POST", "/items/", "app/routers/items.py", 18, false},
		{"DELETE", "/items/{item_id}", "app/routers/items.py", 24, false},
		{"GET", "/items/external", "app/routers/items.py", 32, false},
		{"POST", "/admin/reset", "app/routers/admin.py", 23, true},
		{"GET", "/admin/sync", "app/routers/admin.py", 28, true},
	}
	if len(a.Routes) != len(tests) {
		t.Errorf("got %d routes, want %d", len(a.Routes), len(tests))
	}
	for _, tt := range tests {
		r := findRoute(t, a.Routes, tt.method, tt.url)
		if r.Path != tt.path || r.Line != tt.line || r.Auth != tt.auth {
			t.Errorf("%s %s: %s:%d auth %v, want %s:%d auth %v", tt.method, tt.url, r.Path, r.Line, r.Auth, tt.path, tt.line, tt.auth)
		}
	}
	tok := findRoute(t, a.Routes, "POST", "/token")
	if !tok.TokenURL || !tok.PasswordForm || !reflect.DeepEqual(tok.FailureReturns, []FailureReturn{{Line: 39, Value: `{"error": "invalid credentials"}`}}) {
		t.Errorf("token route: token_url %v password_form %v failure_returns %+v", tok.TokenURL, tok.PasswordForm, tok.FailureReturns)
	}
	reset := findRoute(t, a.Routes, "POST", "/admin/reset")
	var levels []string
	for _, d := range reset.Dependencies {
		levels = append(levels, fmt.Sprintf("%s/%s/%v", d.Name, d.Level, d.Auth))
	}
	if want := []string{"verify_api_key/param/true", "get_current_user/include/true"}; !reflect.DeepEqual(levels, want) {
		t.Errorf("reset dependencies = %v, want %v", levels, want)
	}
	if d := reset.Dependencies[1]; d.Path != "app/main.py" || d.Line != 58 || d.Qualname != "app.main.get_current_user" {
		t.Errorf("include dependency at %s:%d %s", d.Path, d.Line, d.Qualname)
	}
	create := findRoute(t, a.Routes, "POST", "/items/")
	if !reflect.DeepEqual(create.RequestJSONLines, []int{19}) {
		t.Errorf("request_json_lines = %v", create.RequestJSONLines)
	}
	sync := findRoute(t, a.Routes, "GET", "/admin/sync")
	if len(sync.Params) != 1 || sync.Params[0] != (Param{Name: "token", Line: 28, Kind: "query", Annotation: "str"}) {
		t.Errorf("sync params = %+v", sync.Params)
	}
	del := findRoute(t, a.Routes, "DELETE", "/items/{item_id}")
	if len(del.Params) != 1 || del.Params[0].Kind != "path" {
		t.Errorf("delete params = %+v", del.Params)
	}

	// Auth dependencies, and how they fail.
	got := map[string]AuthDependency{}
	for _, d := range f.AuthDependencies {
		got[d.Function] = d
	}
	if len(got) != 2 {
		t.Errorf("auth dependencies = %+v, want get_current_user and verify_api_key", f.AuthDependencies)
	}
	if d := got["get_current_user"]; d.Line != 28 || !reflect.DeepEqual(d.ReturnsOnFailure, []FailureReturn{{Line: 32, Value: "None"}}) ||
		!reflect.DeepEqual(d.Schemes, []string{"OAuth2PasswordBearer"}) {
		t.Errorf("get_current_user = %+v", d)
	}
	if d := got["verify_api_key"]; !reflect.DeepEqual(d.Raises, []int{403}) || len(d.ReturnsOnFailure) != 0 {
		t.Errorf("verify_api_key = %+v", d)
	}

	// Calls.
	dec := findCall(t, f.Calls, "app/main.py", 30, "jose.jwt.decode")
	if _, ok := dec.Args["algorithms"]; ok {
		t.Error("jwt.decode has no algorithms")
	}
	if k := dec.Positional[1]; k.Source != "const" || k.DefLine != 11 || !k.Redacted {
		t.Errorf("jwt key = %+v", k)
	}
	if c := findCall(t, f.Calls, "app/routers/items.py", 13, "sqlalchemy.text"); c.SQLBuiltWith != "fstring" {
		t.Errorf("text(f...) sql_built_with = %s", c.SQLBuiltWith)
	}
	if c := findCall(t, f.Calls, "app/routers/items.py", 13, "conn.execute"); c.SQLBuiltWith != "none" {
		t.Errorf("execute(text(...)) sql_built_with = %s", c.SQLBuiltWith)
	}
	if c := findCall(t, f.Calls, "app/routers/items.py", 27, "cursor.execute"); c.SQLBuiltWith != "percent" || c.SQLLine != 26 {
		t.Errorf("cursor.execute(query) sql = %s at %d", c.SQLBuiltWith, c.SQLLine)
	}
	if c := findCall(t, f.Calls, "app/routers/items.py", 33, "requests.get"); c.Args["verify"].Value != false {
		t.Errorf("requests.get verify = %+v", c.Args["verify"])
	}
	if c := findCall(t, f.Calls, "app/db.py", 13, "hashlib.md5"); !c.CredentialArg {
		t.Error("hashlib.md5(password...) should have credential_arg")
	}
	if c := findCall(t, f.Calls, "app/main.py", 61, "uvicorn.run"); c.Args["forwarded_allow_ips"].Value != "*" {
		t.Errorf("uvicorn.run forwarded_allow_ips = %+v", c.Args["forwarded_allow_ips"])
	}

	var secrets []string
	for _, s := range f.SecretLiterals {
		secrets = append(secrets, fmt.Sprintf("%s:%d %s %s placeholder=%v empty=%v", s.Path, s.Line, s.Kind, s.Name, s.Placeholder, s.Empty))
	}
	wantSecrets := []string{
		"app/config.py:7 settings_default secret_key placeholder=true empty=false",
		"app/config.py:9 settings_default api_key placeholder=false empty=true",
		"app/db.py:7 getenv_default DB_PASSWORD placeholder=false empty=false",
		"app/main.py:11 const SECRET_KEY placeholder=true empty=false",
		"app/main.py:23 session_secret secret_key placeholder=false empty=false",
		"app/routers/admin.py:8 const API_KEY placeholder=false empty=false",
	}
	if !reflect.DeepEqual(secrets, wantSecrets) {
		t.Errorf("secret literals:\n got %q\nwant %q", secrets, wantSecrets)
	}

	var cmps []string
	for _, c := range f.Comparisons {
		cmps = append(cmps, fmt.Sprintf("%s:%d %s %s %s literal=%v const=%v", c.Path, c.Line, c.Left, c.Op, c.Right, c.LiteralSide, c.ConstSide))
	}
	wantCmps := []string{
		`app/main.py:38 form_data.password != "****" literal=true const=false`,
		`app/routers/admin.py:17 api_key != API_KEY literal=false const=true`,
	}
	if !reflect.DeepEqual(cmps, wantCmps) {
		t.Errorf("comparisons:\n got %q\nwant %q", cmps, wantCmps)
	}
	if want := []ExceptionExposure{{Path: "app/main.py", Line: 54, EndLine: 54, Kind: "str", Sink: "http_exception", Function: "create_report",
		Status: 500, Caught: []string{"Exception"}, CaughtKind: CaughtBroad}}; !reflect.DeepEqual(f.ExceptionExposures, want) {
		t.Errorf("exception exposures = %+v", f.ExceptionExposures)
	}

	// Configuration files.
	var cfg []string
	for _, e := range f.Env {
		cfg = append(cfg, fmt.Sprintf("%s:%d %s=%s", e.Path, e.Line, e.Key, e.Value))
	}
	for _, d := range f.Dockerfile {
		if d.Instruction == "ENV" || d.Instruction == "CMD" {
			cfg = append(cfg, fmt.Sprintf("%s:%d %s %s=%s %q", d.Path, d.Line, d.Instruction, d.Key, d.Value, d.Args))
		}
	}
	for _, c := range f.Compose {
		cfg = append(cfg, fmt.Sprintf("%s:%d %s %s %s=%s %q", c.Path, c.Line, c.Service, c.Key, c.Name, c.Value, c.Args))
	}
	want := []string{
		".env:1 DEBUG=true",
		".env:2 SECRET_KEY=dev-****",
		".env:3 DATABASE_URL=postgresql://shop:shop@db/shop",
		".env.example:1 DEBUG=false",
		".env.example:2 SECRET_KEY=",
		".env.example:3 DATABASE_URL=",
		`Dockerfile:6 ENV APP_ENV=production ["APP_ENV=production"]`,
		`Dockerfile:7 ENV DEBUG=1 ["DEBUG=1"]`,
		`Dockerfile:8 CMD = ["uvicorn" "app.main:app" "--host" "0.0.0.0" "--port" "8000" "--reload"]`,
		`docker-compose.yml:4 api command =uvicorn app.main:app --host 0.0.0.0 --reload --forwarded-allow-ips=* ["uvicorn" "app.main:app" "--host" "0.0.0.0" "--reload" "--forwarded-allow-ips=*"]`,
		`docker-compose.yml:6 api environment DEBUG=true []`,
		`docker-compose.yml:7 api environment FORWARDED_ALLOW_IPS=* []`,
		`docker-compose.yml:13 db environment POSTGRES_PASSWORD=**** []`,
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("config facts:\n got %q\nwant %q", cfg, want)
	}
	var unpinned []int
	for _, r := range f.Requirements {
		if !r.Pinned {
			unpinned = append(unpinned, r.Line)
		}
	}
	if !reflect.DeepEqual(unpinned, []int{2, 3, 4, 6, 7, 8}) || len(f.Lockfiles) != 0 {
		t.Errorf("unpinned requirement lines = %v, lockfiles %v", unpinned, f.Lockfiles)
	}
	var templates []string
	for _, fi := range f.Files {
		if fi.Template {
			templates = append(templates, fi.Path)
		}
	}
	if !reflect.DeepEqual(templates, []string{".env.example"}) {
		t.Errorf("templates = %v", templates)
	}
}

func TestPartnerAPI(t *testing.T) {
	f := extractDir(t, fixtures+"partner-api")
	if len(f.Apps) != 1 {
		t.Fatalf("got %d apps", len(f.Apps))
	}
	a := f.Apps[0]
	if a.HasAuth {
		t.Error("partner-api has no authentication")
	}
	if a.Docs.DocsURL.State != "disabled" || a.Docs.OpenAPIURL.State != "default" {
		t.Errorf("docs = %+v", a.Docs)
	}
	// middleware=middleware resolves the module constant list.
	cors := findMiddleware(t, a, "CORSMiddleware")
	if cors.Via != "middleware_list" || cors.Line != 14 {
		t.Errorf("cors via %s at %d", cors.Via, cors.Line)
	}
	if v := cors.Args["allow_origin_regex"]; v.Value != `https://.*example\.com` || v.Line != 17 {
		t.Errorf("allow_origin_regex = %+v", v)
	}
	if v := cors.Args["allow_origins"]; len(v.Items) != 2 || v.Items[0].Value != "null" {
		t.Errorf("allow_origins = %+v", v)
	}
	th := findMiddleware(t, a, "TrustedHostMiddleware")
	if th.Line != 20 || !reflect.DeepEqual(th.Args["allowed_hosts"].Value, []any{"*"}) {
		t.Errorf("trusted host = %+v", th)
	}
	if len(a.Attributes) != 1 || a.Attributes[0].Target != "app.debug" || a.Attributes[0].Value.Value != true || a.Attributes[0].Line != 24 {
		t.Errorf("app attributes = %+v", a.Attributes)
	}
	if len(a.HTTPMiddleware) != 1 || a.HTTPMiddleware[0].Line != 28 || len(a.HTTPMiddleware[0].HeadersSet) != 1 ||
		a.HTTPMiddleware[0].HeadersSet[0].Name != "X-Frame-Options" || a.HTTPMiddleware[0].HeadersSet[0].Line != 30 {
		t.Errorf("http middleware = %+v", a.HTTPMiddleware)
	}
	dec := findCall(t, f.Calls, "main.py", 43, "jwt.decode")
	if !reflect.DeepEqual(dec.Args["options"].Value, map[string]any{"verify_signature": false}) {
		t.Errorf("options = %+v", dec.Args["options"])
	}
	// A value from the environment is never a literal.
	if k := dec.Positional[1]; k.Known || k.Source != "env" || k.EnvVar != "JWT_SECRET" {
		t.Errorf("JWT_SECRET = %+v, want an unknown env value", k)
	}
	if len(f.SecretLiterals) != 0 {
		t.Errorf("secret literals = %+v", f.SecretLiterals)
	}
	ctx := findCall(t, f.Calls, "main.py", 35, "ssl.SSLContext")
	if ctx.Positional[0].Qualname != "ssl.PROTOCOL_TLSv1" {
		t.Errorf("SSLContext arg = %+v", ctx.Positional[0])
	}
	var minv *AttributeAssignment
	for i := range f.AttributeAssignments {
		if f.AttributeAssignments[i].Attr == "minimum_version" {
			minv = &f.AttributeAssignments[i]
		}
	}
	if minv == nil || minv.Line != 36 || minv.Value.Qualname != "ssl.TLSVersion.TLSv1_1" {
		t.Errorf("minimum_version = %+v", minv)
	}
	if len(f.Procfile) != 1 || !reflect.DeepEqual(f.Procfile[0].Args[len(f.Procfile[0].Args)-2:], []string{"--forwarded-allow-ips", "*"}) {
		t.Errorf("procfile = %+v", f.Procfile)
	}
}

func TestHardenedApp(t *testing.T) {
	f := extractDir(t, fixtures+"hardened")
	if len(f.Apps) != 1 || len(f.Skipped) != 0 {
		t.Fatalf("apps %d skipped %v", len(f.Apps), f.Skipped)
	}
	a := f.Apps[0]
	if want := (TLS{HTTPSRedirect: true, HSTS: true, ProxyTLS: true}); a.TLS != want {
		t.Errorf("tls = %+v, want %+v", a.TLS, want)
	}
	if !a.RateLimiter || !a.HasAuth || !a.PasswordForm {
		t.Errorf("rate_limiter %v has_auth %v password_form %v", a.RateLimiter, a.HasAuth, a.PasswordForm)
	}
	if a.Args["debug"].Value != false || a.Args["debug"].Source != "settings" {
		t.Errorf("debug = %+v", a.Args["debug"])
	}
	for _, d := range []DocsState{a.Docs.DocsURL, a.Docs.RedocURL, a.Docs.OpenAPIURL} {
		if d.State != "disabled" {
			t.Errorf("docs = %+v", a.Docs)
		}
	}
	var headers []string
	for _, h := range a.ResponseHeaders {
		headers = append(headers, h.Name)
	}
	sort.Strings(headers)
	if want := []string{"Content-Security-Policy", "Referrer-Policy", "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options"}; !reflect.DeepEqual(headers, want) {
		t.Errorf("headers = %v, want %v (from the dict loop)", headers, want)
	}
	cors := findMiddleware(t, a, "CORSMiddleware")
	if v := cors.Args["allow_origins"]; v.Source != "settings" || !reflect.DeepEqual(v.Value, []any{"https://shop.example.com"}) || v.DefPath != "app/config.py" || v.DefLine != 11 {
		t.Errorf("allow_origins = %+v", v)
	}
	sess := findMiddleware(t, a, "SessionMiddleware")
	if v := sess.Args["secret_key"]; v.Known || v.Source != "settings" {
		t.Errorf("secret_key from a settings field without default = %+v", v)
	}
	for _, r := range a.Routes {
		if !r.Auth && !r.TokenURL {
			t.Errorf("route %v %s has no auth", r.Methods, r.URL)
		}
		if len(r.FailureReturns) != 0 || len(r.RequestJSONLines) != 0 {
			t.Errorf("route %s: %+v", r.URL, r)
		}
	}
	tok := findRoute(t, a.Routes, "POST", "/auth/token")
	if tok.Auth || !tok.TokenURL || tok.Line != 42 || tok.DecoratorLine != 40 {
		t.Errorf("token route = %+v", tok)
	}
	del := findRoute(t, a.Routes, "DELETE", "/items/{item_id}")
	if len(del.Dependencies) != 1 || del.Dependencies[0].Level != "include" || !del.Dependencies[0].Auth {
		t.Errorf("router-level auth not applied: %+v", del.Dependencies)
	}
	if len(f.AuthDependencies) != 1 || !reflect.DeepEqual(f.AuthDependencies[0].Raises, []int{401}) || len(f.AuthDependencies[0].ReturnsOnFailure) != 0 {
		t.Errorf("auth dependencies = %+v", f.AuthDependencies)
	}
	if len(f.SecretLiterals)+len(f.Comparisons)+len(f.ExceptionExposures) != 0 {
		t.Errorf("secrets %v comparisons %v exposures %v", f.SecretLiterals, f.Comparisons, f.ExceptionExposures)
	}
	for _, c := range f.Calls {
		if c.SQLBuiltWith != "none" {
			t.Errorf("call %s:%d builds SQL with %s", c.Path, c.Line, c.SQLBuiltWith)
		}
		if strings.HasSuffix(c.Callee, "jwt.decode") {
			if _, ok := c.Args["algorithms"]; !ok {
				t.Errorf("jwt.decode at %d without algorithms", c.Line)
			}
		}
	}
	for _, r := range append(f.Requirements, Requirement{Pinned: true}) {
		if !r.Pinned {
			t.Errorf("requirement %s:%d not pinned", r.Path, r.Line)
		}
	}
	if len(f.Lockfiles) != 1 || f.Lockfiles[0].Kind != "uv" {
		t.Errorf("lockfiles = %+v", f.Lockfiles)
	}
}

func TestBrokenFilesAreSkipped(t *testing.T) {
	f := extractDir(t, fixtures+"broken")
	var got []string
	for _, s := range f.Skipped {
		got = append(got, fmt.Sprintf("%s:%d", s.Path, s.Line))
	}
	if want := []string{"docker-compose.yml:3", "main.py:3", "nginx.conf:5", "py314.py:8"}; !reflect.DeepEqual(got, want) {
		t.Errorf("skipped = %v, want %v", got, want)
	}
	// The rest of a Python file that does not parse is still read.
	findCall(t, f.Calls, "py314.py", 12, "requests.get")
	if len(f.SecretLiterals) != 1 || f.SecretLiterals[0].Path != "settings.py" || f.SecretLiterals[0].Line != 1 {
		t.Errorf("the good file was not scanned: %+v", f.SecretLiterals)
	}
}
