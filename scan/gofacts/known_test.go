package gofacts

import "testing"

func TestNormPkg(t *testing.T) {
	tests := map[string]string{
		"github.com/golang-jwt/jwt/v5":                "github.com/golang-jwt/jwt",
		"github.com/labstack/echo/v4/middleware":      "github.com/labstack/echo/middleware",
		"github.com/gofiber/fiber/v2/middleware/cors": "github.com/gofiber/fiber/middleware/cors",
		"net/http":               "net/http",
		"github.com/x/validator": "github.com/x/validator", // /v not followed by digits
		"github.com/x/v2x":       "github.com/x/v2x",
		"github.com/x/v10":       "github.com/x",
		"":                       "",
		"crypto/tls.Config":      "crypto/tls.Config",
		"github.com/a/v3/b/v4":   "github.com/a/b",
	}
	for in, want := range tests {
		if got := normPkg(in); got != want {
			t.Errorf("normPkg(%q) = %q, want %q", in, got, want)
		}
		if ref := versionRe.ReplaceAllString(in, "$1"); ref != want {
			t.Errorf("the regexp gives %q for %q, the table says %q", ref, in, want)
		}
	}
}
