package gofacts

import (
	"regexp"
	"strings"
)

// interestPkgs are the packages (import path prefixes, any major version)
// whose calls, struct literals and names are facts.
var interestPkgs = []string{
	"crypto/tls", "net/http", "database/sql", "os",
	"github.com/gin-gonic/gin", "github.com/gin-contrib/",
	"github.com/labstack/echo", "github.com/go-chi/", "github.com/gorilla/",
	"github.com/rs/cors", "github.com/gofiber/fiber",
	"github.com/golang-jwt/jwt", "github.com/dgrijalva/jwt-go", "github.com/form3tech-oss/jwt-go",
	"github.com/jmoiron/sqlx", "github.com/jackc/pgx", "gorm.io/gorm", "github.com/jinzhu/gorm",
}

// versionRe is a major-version path element: /v2, /v5.
var versionRe = regexp.MustCompile(`/v\d+(/|$)`)

// normPkg drops major-version elements: github.com/labstack/echo/v4/middleware
// -> github.com/labstack/echo/middleware.
func normPkg(p string) string {
	if !strings.Contains(p, "/v") {
		return p // no match is possible: most names, without the regexp
	}
	return versionRe.ReplaceAllString(p, "$1")
}

func interesting(importPath string) bool {
	if importPath == "" {
		return false
	}
	for _, p := range interestPkgs {
		if importPath == p || strings.HasPrefix(importPath, p) && (strings.HasSuffix(p, "/") || strings.HasPrefix(importPath[len(p):], "/")) {
			return true
		}
	}
	return false
}

// refPkgs are the packages whose every package-level name used is a Ref.
func refPkg(importPath string) bool {
	n := normPkg(importPath)
	return n == "net/http/pprof" || strings.HasPrefix(n, "github.com/golang-jwt/jwt") ||
		strings.HasPrefix(n, "github.com/dgrijalva/jwt-go") || strings.HasPrefix(n, "github.com/form3tech-oss/jwt-go")
}

// interestMethods are method names whose calls are facts whatever the
// receiver: servers, routers, middleware, modes, cookies.
var interestMethods = map[string]bool{
	"ListenAndServe": true, "ListenAndServeTLS": true, "Serve": true, "ServeTLS": true,
	"Run": true, "RunTLS": true, "Start": true, "StartTLS": true, "Listen": true, "ListenTLS": true,
	"Use": true, "Handle": true, "HandleFunc": true, "Mount": true, "Any": true, "GET": true, "Get": true,
	"SetCookie": true, "SetMode": true, "Debug": true,
}

// knownConsts are values of standard library and framework constants a
// reader knows by heart, by normalized qualified name.
var knownConsts = map[string]any{
	"crypto/tls.VersionSSL30": int64(0x0300), "crypto/tls.VersionTLS10": int64(0x0301),
	"crypto/tls.VersionTLS11": int64(0x0302), "crypto/tls.VersionTLS12": int64(0x0303),
	"crypto/tls.VersionTLS13":                          int64(0x0304),
	"crypto/tls.NoClientCert":                          int64(0),
	"net/http.SameSiteDefaultMode":                     int64(1),
	"net/http.SameSiteLaxMode":                         int64(2),
	"net/http.SameSiteStrictMode":                      int64(3),
	"net/http.SameSiteNoneMode":                        int64(4),
	"github.com/gin-gonic/gin.DebugMode":               "debug",
	"github.com/gin-gonic/gin.ReleaseMode":             "release",
	"github.com/gin-gonic/gin.TestMode":                "test",
	"github.com/gin-gonic/gin.EnvGinMode":              "GIN_MODE",
	"github.com/labstack/echo.MIMEApplicationJSON":     "application/json",
	"github.com/gorilla/handlers.AllowedOriginsHeader": "Access-Control-Allow-Origin",
	"net/http.MethodGet":                               "GET",
	"net/http.MethodPost":                              "POST",
}

// httpStatus maps net/http status constant names to their codes (the
// ones error handlers use).
var httpStatus = map[string]int64{
	"StatusOK": 200, "StatusCreated": 201, "StatusAccepted": 202, "StatusNoContent": 204,
	"StatusMovedPermanently": 301, "StatusFound": 302, "StatusSeeOther": 303, "StatusNotModified": 304,
	"StatusTemporaryRedirect": 307, "StatusPermanentRedirect": 308,
	"StatusBadRequest": 400, "StatusUnauthorized": 401, "StatusPaymentRequired": 402, "StatusForbidden": 403,
	"StatusNotFound": 404, "StatusMethodNotAllowed": 405, "StatusNotAcceptable": 406, "StatusRequestTimeout": 408,
	"StatusConflict": 409, "StatusGone": 410, "StatusLengthRequired": 411, "StatusPreconditionFailed": 412,
	"StatusRequestEntityTooLarge": 413, "StatusUnsupportedMediaType": 415, "StatusExpectationFailed": 417,
	"StatusTeapot": 418, "StatusUnprocessableEntity": 422, "StatusLocked": 423, "StatusFailedDependency": 424,
	"StatusPreconditionRequired": 428, "StatusTooManyRequests": 429, "StatusRequestHeaderFieldsTooLarge": 431,
	"StatusUnavailableForLegalReasons": 451,
	"StatusInternalServerError":        500, "StatusNotImplemented": 501, "StatusBadGateway": 502,
	"StatusServiceUnavailable": 503, "StatusGatewayTimeout": 504, "StatusHTTPVersionNotSupported": 505,
	"StatusInsufficientStorage": 507, "StatusLoopDetected": 508, "StatusNetworkAuthenticationRequired": 511,
}

// constOf returns the known value of a normalized qualified name.
func constOf(q string) (any, bool) {
	if v, ok := knownConsts[q]; ok {
		return v, true
	}
	if name, ok := strings.CutPrefix(q, "net/http."); ok {
		if n, ok := httpStatus[name]; ok {
			return n, true
		}
	}
	if name, ok := strings.CutPrefix(q, "github.com/gofiber/fiber."); ok {
		if n, ok := httpStatus[name]; ok {
			return n, true
		}
	}
	if name, ok := strings.CutPrefix(q, "github.com/labstack/echo."); ok && strings.HasPrefix(name, "Status") {
		if n, ok := httpStatus[name]; ok {
			return n, true
		}
	}
	return nil, false
}

// requestTypes are the parameter types that carry an HTTP request: any
// method called on such a parameter reads the request.
var requestTypes = map[string]bool{
	"*net/http.Request": true, "*github.com/gin-gonic/gin.Context": true, "github.com/labstack/echo.Context": true,
	"*github.com/gofiber/fiber.Ctx": true, "github.com/gofiber/fiber.Ctx": true,
}

// requestFuncs read the request given as argument.
var requestFuncs = map[string]bool{
	"github.com/gorilla/mux.Vars": true, "github.com/go-chi/chi.URLParam": true, "github.com/go-chi/chi.URLParamFromCtx": true,
}

// inputFuncs read program input: arguments, environment, standard input.
var inputFuncs = map[string]bool{
	"os.Getenv": true, "os.LookupEnv": true,
}

// scanFuncs fill their pointer arguments from standard input.
var scanFuncs = map[string]bool{
	"fmt.Scan": true, "fmt.Scanln": true, "fmt.Scanf": true, "fmt.Sscan": true, "fmt.Sscanf": true, "fmt.Sscanln": true,
	"fmt.Fscan": true, "fmt.Fscanln": true, "fmt.Fscanf": true,
}

// sanitizers return text that is safe inside SQL, or numbers.
var sanitizers = map[string]bool{
	"strconv.Itoa": true, "strconv.FormatInt": true, "strconv.FormatUint": true, "strconv.FormatFloat": true,
	"strconv.FormatBool": true, "strconv.Quote": true,
	"github.com/lib/pq.QuoteIdentifier": true, "github.com/lib/pq.QuoteLiteral": true,
	"github.com/jackc/pgx.Identifier.Sanitize": true, "strings.Repeat": true, "strings.Join": false,
}

// sqlMethods run or prepare the SQL given as their first string argument
// (after a context).
var sqlMethods = map[string]bool{
	"Query": true, "QueryContext": true, "QueryRow": true, "QueryRowContext": true, "Exec": true, "ExecContext": true,
	"Prepare": true, "PrepareContext": true, "Queryx": true, "QueryRowx": true, "QueryxContext": true,
	"QueryRowxContext": true, "MustExec": true, "MustExecContext": true, "NamedExec": true, "NamedQuery": true,
	"NamedExecContext": true, "NamedQueryContext": true, "Select": true, "Get": true, "SelectContext": true,
	"GetContext": true, "Raw": true, "Preparex": true, "PreparexContext": true,
}

// sqlPkgs are the packages whose import makes a file a SQL user.
var sqlPkgs = []string{"database/sql", "github.com/jmoiron/sqlx", "github.com/jackc/pgx", "gorm.io/gorm",
	"github.com/jinzhu/gorm", "github.com/lib/pq", "github.com/go-sql-driver/mysql", "github.com/mattn/go-sqlite3",
	"modernc.org/sqlite", "github.com/uptrace/bun", "github.com/go-pg/pg", "github.com/doug-martin/goqu"}

var sqlRe = regexp.MustCompile(`(?i)\b(select\s.+\sfrom|insert\s+into|update\s+\S+\s+set|delete\s+from|where\s|order\s+by|values\s*\(|create\s+table|drop\s+table|alter\s+table)\b|\b(select|insert|update|delete)\b`)

// looksLikeSQL reports whether constant text looks like SQL.
func looksLikeSQL(s string) bool { return sqlRe.MatchString(s) }

// responseSinks are methods that write a response body: the index of the
// status argument (-1: none) and of the first body argument.
type sink struct{ status, body int }

var ctxResponseMethods = map[string]sink{
	"JSON": {0, 1}, "IndentedJSON": {0, 1}, "PureJSON": {0, 1}, "SecureJSON": {0, 1}, "AsciiJSON": {0, 1},
	"JSONP": {0, 1}, "XML": {0, 1}, "YAML": {0, 1}, "TOML": {0, 1}, "String": {0, 1}, "HTML": {0, 1},
	"AbortWithStatusJSON": {0, 1}, "JSONPretty": {0, 1}, "Blob": {0, 2}, "Data": {0, 2},
	"SendString": {-1, 0}, "Send": {-1, 0},
}
