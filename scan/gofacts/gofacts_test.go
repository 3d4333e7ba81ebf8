package gofacts

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func composite(t *testing.T, fx *Facts, typ string, line int) Composite {
	t.Helper()
	for _, c := range fx.Composites {
		if c.Type == typ && c.Line == line {
			return c
		}
	}
	t.Fatalf("no %s literal at line %d in %+v", typ, line, fx.Composites)
	return Composite{}
}

const tlsGo = `package main

import (
	cryptotls "crypto/tls"
	"net/http"
)

const skip = !false

var minVer uint16 = cryptotls.VersionTLS11

func client() *http.Client {
	cfg := &cryptotls.Config{MinVersion: minVer}
	cfg.InsecureSkipVerify = skip
	var conf cryptotls.Config
	conf.MaxVersion = cryptotls.VersionTLS10
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
}
`

// TestStructLiteralsAndLaterFields checks aliases, constants, package
// variables, !x, later field sets and `var x T` declarations.
func TestStructLiteralsAndLaterFields(t *testing.T) {
	fx := extractFiles(t, map[string]string{"main.go": tlsGo})
	c := composite(t, fx, "crypto/tls.Config", 13)
	if c.Var != "cfg" || len(c.SetLater) != 1 || c.SetLater[0] != "InsecureSkipVerify" {
		t.Errorf("cfg literal: %+v", c)
	}
	if v := c.Fields["InsecureSkipVerify"]; !v.Known || v.Value != true || v.Line != 14 || v.Source != "const" || v.DefLine != 8 {
		t.Errorf("InsecureSkipVerify = %+v, want known true set at line 14 from the constant of line 8", v)
	}
	if v := c.Fields["MinVersion"]; !v.Known || v.Value != int64(0x0302) || v.Source != "var" {
		t.Errorf("MinVersion = %+v, want TLS 1.1 through the package variable", v)
	}
	d := composite(t, fx, "crypto/tls.Config", 15)
	if v := d.Fields["MaxVersion"]; d.Var != "conf" || !v.Known || v.Value != int64(0x0301) || v.Qualname != "crypto/tls.VersionTLS10" {
		t.Errorf("var conf: %+v", d)
	}
}

const sqlGo = `package store

import (
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"strings"
)

const table = "users"

func byName(db *sql.DB, name string, limit int) {
	db.Query(fmt.Sprintf("SELECT * FROM %s WHERE name = '%s' LIMIT %d", table, name, limit))
	db.Query(fmt.Sprintf("SELECT * FROM %s LIMIT %d", table, limit))
}

func handler(db *sql.DB, w http.ResponseWriter, r *http.Request) {
	q := "SELECT * FROM users WHERE id = "
	q += r.URL.Query().Get("id")
	db.QueryRowContext(r.Context(), q)
	stmt, _ := db.Prepare("SELECT * FROM users WHERE id = ?")
	stmt.Query(fmt.Sprintf("%s", r.FormValue("id")))
}

func cli(db *sql.DB) {
	var b strings.Builder
	for _, a := range os.Args {
		b.WriteString(a)
	}
	db.Exec("DELETE FROM users WHERE id IN (" + b.String() + ")")
	query := "SELECT 1"
	{
		query := "x"
		query += os.Args[1]
		_ = query
	}
	db.Query(query)
}
`

func sqlAt(t *testing.T, fx *Facts, line int) SQLCall {
	t.Helper()
	for _, s := range fx.SQL {
		if s.Line == line {
			return s
		}
	}
	t.Fatalf("no SQL call at line %d: %+v", line, fx.SQL)
	return SQLCall{}
}

func kinds(s SQLCall) string {
	var k []string
	for _, o := range s.Origins {
		k = append(k, o.Kind)
	}
	return strings.Join(k, ",")
}

// TestSQLOrigins checks how queries are built and where their parts come
// from: parameters, the request, program input; %d, constants, prepared
// statements and shadowed variables do not count.
func TestSQLOrigins(t *testing.T) {
	fx := extractFiles(t, map[string]string{"store/store.go": sqlGo})
	for _, tt := range []struct {
		line         int
		built, kinds string
	}{
		{14, BuiltSprintf, OriginParam},
		{15, BuiltSprintf, ""},
		{21, BuiltConcat, OriginRequest},
		{31, BuiltBuilder, OriginInput},
		{38, BuiltNone, ""},
	} {
		s := sqlAt(t, fx, tt.line)
		if s.BuiltWith != tt.built || kinds(s) != tt.kinds || !s.LooksSQL {
			t.Errorf("line %d: built %s from [%s], want %s from [%s] (%+v)", tt.line, s.BuiltWith, kinds(s), tt.built, tt.kinds, s)
		}
	}
	for _, s := range fx.SQL {
		if s.Line == 23 {
			t.Errorf("a prepared statement's arguments are not SQL: %+v", s)
		}
	}
}

const corsGo = `package api

import "net/http"

func reflect(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	w.Header().Set("Access-Control-Allow-Origin", origin)
	if allowed[origin] {
		w.Header().Set("Access-Control-Allow-Origin", origin)
	}
	w.Header()["Access-Control-Allow-Credentials"] = []string{"true"}
}

var allowed = map[string]bool{}
`

func TestHeaderWrites(t *testing.T) {
	fx := extractFiles(t, map[string]string{"api/cors.go": corsGo})
	if len(fx.HeaderWrites) != 3 {
		t.Fatalf("header writes: %+v", fx.HeaderWrites)
	}
	h0, h1, h2 := fx.HeaderWrites[0], fx.HeaderWrites[1], fx.HeaderWrites[2]
	if h0.Value.RequestHeader != "Origin" || h0.Guarded || h0.Line != 7 {
		t.Errorf("unchecked reflection: %+v", h0)
	}
	if !h1.Guarded {
		t.Errorf("reflection under an allow-list check is not guarded: %+v", h1)
	}
	if h2.Name != "Access-Control-Allow-Credentials" || h2.Value.Value != "true" {
		t.Errorf("index form: %+v", h2)
	}
}

const secretsGo = `package config

import "os"

const APIToken = "tok-CANARY-5f1e2d3c4b5a"

const RefreshTokenKey = "refresh_token"

const envToken = "APP_GIT_TOKEN"

type TokenType string

const AuthToken TokenType = "jwt_iat"

const sessionTokenContextKey = "app-session-token"

var defaults = Config{Password: "CANARY-db-password-77", User: "app"}

type Config struct{ User, Password string }

var secrets string

func init() {
	os.Setenv("STRIPE_SECRET_KEY", "sk_CANARY_abcdef123456")
	password := "changeme"
	_ = password
	if defaults.Password == "CANARY-compare-9911" {
		return
	}
	if secrets != "skipped" {
		return
	}
}
`

// TestSecretsAreMaskedEverywhere checks the secret literals found, and
// that no canary value appears anywhere in the facts.
func TestSecretsAreMaskedEverywhere(t *testing.T) {
	fx := extractFiles(t, map[string]string{"config/config.go": secretsGo})
	got := map[string]string{}
	for _, s := range fx.SecretLiterals {
		got[s.Name] = s.Kind
	}
	want := map[string]string{"APIToken": "const", "Password": "field", "STRIPE_SECRET_KEY": "setenv", "password": "local"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("secret %s: kind %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	for _, n := range []string{"RefreshTokenKey", "envToken", "sessionTokenContextKey", "AuthToken"} {
		if _, ok := got[n]; ok {
			t.Errorf("%s: a value that names a key or a variable is not a secret", n)
		}
	}
	if len(fx.Comparisons) != 1 || fx.Comparisons[0].Name != "Password" {
		t.Errorf("comparisons: %+v", fx.Comparisons)
	}
	b, err := json.Marshal(fx)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "CANARY") {
		t.Errorf("a secret value is in the facts in clear: %s", b)
	}
}

const jwtGo = `package auth

import jwt "github.com/golang-jwt/jwt/v5"

func keyFunc(t *jwt.Token) (any, error) {
	if _, ok := t.Method.(*jwt.SigningMethodHMAC); !ok {
		return nil, errBadAlg
	}
	return key, nil
}

func parse(s string) {
	jwt.Parse(s, keyFunc)
	jwt.Parse(s, func(t *jwt.Token) (any, error) { return key, nil })
	p := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}))
	p.Parse(s, func(t *jwt.Token) (any, error) { return key, nil })
	jwt.NewParser().ParseUnverified(s, jwt.MapClaims{})
}

func peek(s string) {
	jwt.NewParser().ParseUnverified(s, jwt.MapClaims{})
	verifyElsewhere(s)
}
`

func TestJWTParses(t *testing.T) {
	fx := extractFiles(t, map[string]string{"auth/jwt.go": jwtGo})
	if len(fx.JWTParses) != 5 {
		t.Fatalf("parses: %+v", fx.JWTParses)
	}
	p := fx.JWTParses
	if p[0].KeyFunc.Kind != "func" || !p[0].KeyFunc.ChecksMethod || p[0].Callee != "github.com/golang-jwt/jwt/v5.Parse" {
		t.Errorf("named key function: %+v", p[0])
	}
	if p[1].KeyFunc.Kind != "literal" || p[1].KeyFunc.ChecksMethod || len(p[1].Options) != 0 {
		t.Errorf("literal key function: %+v", p[1])
	}
	if len(p[2].Options) != 1 || p[2].Options[0] != "github.com/golang-jwt/jwt/v5.WithValidMethods" {
		t.Errorf("parser options: %+v", p[2])
	}
	if !p[3].Unverified || !p[3].VerifiedInFunction || p[3].TokenPassedOn {
		t.Errorf("unverified parse next to verified ones: %+v", p[3])
	}
	if !p[4].TokenPassedOn || p[4].VerifiedInFunction {
		t.Errorf("token handed to another call: %+v", p[4])
	}
}

// TestFilesLeftOut checks vendor/, testdata/, _examples/ and generated
// files, and that a syntax error is skipped with its line.
func TestFilesLeftOut(t *testing.T) {
	bad := "package main\n\nfunc main() {\n\tx := \n}\n"
	gen := "// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage pb\n\nconst Password = \"CANARY-generated-1\"\n"
	fx := extractFiles(t, map[string]string{
		"main.go": bad, "pb/x.pb.go": gen, "vendor/x/x.go": gen, "testdata/x.go": bad, "_examples/x.go": bad,
		"ok/ok_test.go": "package ok\n", "internal/dbtest/db.go": "package dbtest\n",
	})
	if len(fx.Skipped) != 1 || fx.Skipped[0].Path != "main.go" || fx.Skipped[0].Line != 5 {
		t.Errorf("skipped: %+v", fx.Skipped)
	}
	if len(fx.Files) != 2 || !fx.Files[0].Test || !fx.Files[1].Test {
		t.Errorf("files (a _test.go file and a test helper package): %+v", fx.Files)
	}
	if len(fx.SecretLiterals) != 0 {
		t.Errorf("generated file read: %+v", fx.SecretLiterals)
	}
}

func TestImportName(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/labstack/echo/v4": "echo", "github.com/golang-jwt/jwt/v5": "jwt", "gopkg.in/yaml.v3": "yaml",
		"github.com/dgrijalva/jwt-go": "jwt", "github.com/go-chi/chi/v5": "chi", "net/http": "http",
	} {
		if got := importName(in); got != want {
			t.Errorf("importName(%q) = %q, want %q", in, got, want)
		}
	}
}

const jwtHelpersGo = `package user

import jwt "github.com/golang-jwt/jwt/v5"

func peekAudience(tok string) string {
	var claims jwt.MapClaims
	jwt.NewParser().ParseUnverified(tok, &claims)
	aud, _ := claims["aud"].(string)
	return aud
}

func peekSubject(tok string) string {
	var claims jwt.MapClaims
	jwt.NewParser().ParseUnverified(tok, &claims)
	sub, _ := claims["sub"].(string)
	return sub
}

func parseJWT(tok string, methods []string, aud string) error {
	opts := []jwt.ParserOption{jwt.WithValidMethods(methods)}
	if aud != "" {
		opts = append(opts, jwt.WithAudience(aud))
	}
	_, err := jwt.Parse(tok, func(t *jwt.Token) (any, error) { return key, nil }, opts...)
	return err
}

func Get(header string) error {
	if peekAudience(header) == "mcp" {
		return parseJWT(header, nil, "mcp")
	}
	return parseJWT(header, nil, "")
}

func Who(header, other string) string {
	parseJWT(other, nil, "")
	return peekSubject(header)
}
`

// TestJWTHelpersAndOptionSlices checks a peek helper whose every caller
// verifies the same token, one whose caller verifies another token, and
// parser options passed through a local slice (opts...).
func TestJWTHelpersAndOptionSlices(t *testing.T) {
	fx := extractFiles(t, map[string]string{"user/user.go": jwtHelpersGo})
	by := map[string]JWTParse{}
	for _, p := range fx.JWTParses {
		by[p.Function] = p
	}
	if p := by["peekAudience"]; !p.Unverified || !p.VerifiedByCaller {
		t.Errorf("peekAudience: every caller verifies the same token: %+v", p)
	}
	if p := by["peekSubject"]; !p.Unverified || p.VerifiedByCaller {
		t.Errorf("peekSubject: its caller verifies another token: %+v", p)
	}
	want := []string{"github.com/golang-jwt/jwt/v5.WithValidMethods", "github.com/golang-jwt/jwt/v5.WithAudience"}
	if p := by["parseJWT"]; !slices.Equal(p.Options, want) {
		t.Errorf("parseJWT options through opts...: %v, want %v", p.Options, want)
	}
}

// TestKeywordClauseIsNotASecret: the text a credentials variable holds
// when no credential is configured ("IAM_ROLE default", a Redshift COPY
// clause) is not a secret; a password with a space in it still is.
func TestKeywordClauseIsNotASecret(t *testing.T) {
	src := `package conn

func creds(role string) string {
	credentials := "IAM_ROLE default"
	if role != "" {
		credentials = "IAM_ROLE " + role
	}
	password := "Tr0ub4dor 3xample!"
	_ = password
	apiToken := "AKIA0123456789ABCDEF"
	_ = apiToken
	return credentials
}
`
	fx := extractFiles(t, map[string]string{"conn/conn.go": src})
	got := map[string]bool{}
	for _, s := range fx.SecretLiterals {
		got[s.Name] = true
	}
	if got["credentials"] {
		t.Errorf("a keyword clause is reported as a secret: %+v", fx.SecretLiterals)
	}
	if !got["password"] || !got["apiToken"] {
		t.Errorf("secrets missed: %+v", fx.SecretLiterals)
	}
}

// TestSQLEnumParameters: a parameter of an enum type (a string type with
// typed constants), declared in the folder or, for an overlay folder that
// does not declare it, in a folder of the same package name, names a
// column; a string parameter, or one of a string type without constants,
// is still text from outside.
func TestSQLEnumParameters(t *testing.T) {
	base := `package user

import (
	"database/sql"
	"fmt"
)

type TokenType string

const (
	AuthToken TokenType = "jwt_iat"
	SpotToken TokenType = "spot_jwt_iat"
)

type Filter string

func iat(db *sql.DB, tokenType TokenType, f Filter, name string) {
	db.Query(fmt.Sprintf("SELECT %s FROM users", tokenType))
	db.Query(fmt.Sprintf("SELECT * FROM users WHERE %s", f))
	db.Query(fmt.Sprintf("SELECT * FROM users WHERE name = '%s'", name))
}
`
	overlay := `package user

import (
	"database/sql"
	"fmt"
)

func iatEE(db *sql.DB, tokenType TokenType, f Filter) {
	db.Query(fmt.Sprintf("SELECT %s FROM users", tokenType))
	db.Query(fmt.Sprintf("SELECT * FROM users WHERE %s", f))
}
`
	fx := extractFiles(t, map[string]string{"backend/user/user.go": base, "ee/backend/user/storage.go": overlay})
	for _, tt := range []struct {
		path  string
		line  int
		kinds string
	}{
		{"backend/user/user.go", 18, ""},
		{"backend/user/user.go", 19, OriginParam},
		{"backend/user/user.go", 20, OriginParam},
		{"ee/backend/user/storage.go", 9, ""},
		{"ee/backend/user/storage.go", 10, OriginParam},
	} {
		found := false
		for _, s := range fx.SQL {
			if s.Path == tt.path && s.Line == tt.line {
				found = true
				if kinds(s) != tt.kinds {
					t.Errorf("%s:%d: origins [%s], want [%s]", tt.path, tt.line, kinds(s), tt.kinds)
				}
			}
		}
		if !found {
			t.Errorf("%s:%d: no SQL call", tt.path, tt.line)
		}
	}
}
