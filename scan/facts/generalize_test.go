package facts

import (
	"fmt"
	"sort"
	"testing"

	"github.com/pipeguard/pipeguard/scan/names"
)

// The classes of false positives found on real services kept apart from
// the development corpus (issue 11's generalization check), one fixture
// each: what must still be reported, and what must not.

// A credential compared with == counts only in code that authenticates a
// request: a route handler, an authentication dependency, a function (or
// the function around it) named for checking credentials.
func TestComparisonAuthContext(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"app.py": `
import functools

from fastapi import FastAPI, Header

app = FastAPI()
API_KEY = "from-settings"


def redact(secrets, value):
    for secret_value in secrets:
        if secret_value == value:
            return "****"
    return value


def get_api_keys_secret(keys, secret):
    for key in keys:
        if key.secret == secret:
            return key


def verify_api_key(api_key):
    return api_key == API_KEY


def require_api_key(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        if kwargs["token"] != API_KEY:
            raise PermissionError()
        return f(*args, **kwargs)
    return wrapper


@app.get("/items")
def items(x_api_key: str = Header()):
    if x_api_key != API_KEY:
        return None
    return []
`,
	})
	got := map[string]bool{}
	for _, c := range extractDir(t, dir).Comparisons {
		got[fmt.Sprintf("%s:%d", c.Function, c.Line)] = c.AuthContext
	}
	want := map[string]bool{"redact:11": false, "get_api_keys_secret:18": false, "verify_api_key:23": true, "wrapper:29": true, "items:37": true}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s: auth_context %v (found %v), want %v; all %v", k, g, ok, v, got)
		}
	}
}

// An unverified jwt.decode whose result is only read for the claims that
// choose how to verify (iss, kid) is a peek; one whose claims are used
// is not.
func TestJWTClaimPeek(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"auth.py": `
import jwt


def verifier_for(token, verifiers):
    unverified = jwt.decode(token, options={"verify_signature": False})
    return verifiers[unverified["iss"]]


def user_of(token):
    claims = jwt.decode(token, options={"verify_signature": False})
    if claims.get("iss") != "me":
        return None
    return claims["sub"]
`,
	})
	got := map[string]bool{}
	for _, c := range extractDir(t, dir).Calls {
		if c.Callee == "jwt.decode" {
			got[c.Function] = c.ClaimPeek
		}
	}
	if want := map[string]bool{"verifier_for": true, "user_of": false}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("claim_peek %v, want %v", got, want)
	}
}

// Route facts: optional authentication (get_optional_user) is marked as
// such; a body validated against a schema by hand is marked; a dependency
// that returns what a project helper which rejects bad credentials gives
// back authenticates.
func TestRouteGeneralizationFacts(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"deps.py": `
from fastapi import Header, HTTPException
from fastapi.security import OAuth2PasswordBearer

oauth2 = OAuth2PasswordBearer(tokenUrl="/token", auto_error=False)


async def get_optional_user(token: str | None = Depends(oauth2)):
    if token is None:
        return None
    return await load_user(token)


async def resolve_org(api_key):
    org = await find_org(api_key)
    if org is None:
        raise HTTPException(status_code=401, detail="bad key")
    return org


async def current_org(x_api_key: str = Header()):
    return await resolve_org(x_api_key)
`,
		"app.py": `
import yaml
from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel

from deps import current_org, get_optional_user

app = FastAPI()


class Spec(BaseModel):
    name: str


@app.post("/invoices")
async def make_invoice(user=Depends(get_optional_user)):
    return {}


@app.post("/specs")
async def upload_spec(request: Request, org=Depends(current_org)):
    body = yaml.safe_load(await request.body())
    return Spec.model_validate(body)


@app.post("/raw")
async def raw(request: Request, org=Depends(current_org)):
    return await request.json()
`,
	})
	f := extractDir(t, dir)
	var got []string
	for _, a := range f.Apps {
		for _, r := range a.Routes {
			opt := false
			for _, d := range r.Dependencies {
				opt = opt || d.OptionalAuth
			}
			got = append(got, fmt.Sprintf("%s auth=%v optional=%v validates=%v", r.Handler, r.Auth, opt, r.ValidatesBody))
		}
	}
	sort.Strings(got)
	want := []string{
		"make_invoice auth=false optional=true validates=false",
		"raw auth=true optional=false validates=false",
		"upload_spec auth=true optional=false validates=true",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("routes:\n got %q\nwant %q", got, want)
	}
}

// Names that hold a secret, and names that only mention one.
func TestSecretNameQualifiers(t *testing.T) {
	for name, want := range map[string]bool{
		"api_token":                   true,
		"SECRET_KEY":                  true,
		"db_password":                 true,
		"next_page_token":             false, // pagination
		"idempotency_key":             false,
		"user_id_in_token":            false, // a claim read from a token
		"PLACEHOLDER_SECRET_KEY":      false, // stands in for one
		"RAW_SECRET_REFUSAL_SENTINEL": false, // words about a secret
		"password_error":              false,
	} {
		if got := names.Python.IsSecret(name); got != want {
			t.Errorf("names.Python.IsSecret(%q) = %v, want %v", name, got, want)
		}
	}
}

// A switch's value or a marker is no weak secret; a guessable word is.
func TestWeakSecretFlags(t *testing.T) {
	for _, c := range []struct {
		key, value string
		want       bool
	}{
		{"POSTGRES_PASSWORD", "postgres", true},
		{"ADMIN_PASSWORD", "password", true},
		{"ALLOW_EMPTY_PASSWORD", "yes", false},
		{"OAUTH2_PROXY_PASS_ACCESS_TOKEN", "true", false},
		{"SECRET_KEY", "__SECRET_KEY__", false},
		{"SECRET_KEY", "xxxxxxxx", false},
	} {
		if got := weakSecret(c.key, c.value); got != c.want {
			t.Errorf("weakSecret(%s=%s) = %v, want %v", c.key, c.value, got, c.want)
		}
	}
}

// A compose entry carries its service's image, so that rules can tell a
// tool's own switches (SOKETI_DEBUG on the soketi image) from the app's.
func TestComposeEntryImage(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"docker-compose.yml": `
services:
  ws:
    image: quay.io/soketi/soketi:1.4
    environment:
      SOKETI_DEBUG: "1"
  api:
    build: .
    environment:
      DEBUG: "1"
`,
	})
	got := map[string]string{}
	for _, c := range extractDir(t, dir).Compose {
		if c.Key == "environment" {
			got[c.Name] = c.Image
		}
	}
	if want := map[string]string{"SOKETI_DEBUG": "quay.io/soketi/soketi:1.4", "DEBUG": ""}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("images %v, want %v", got, want)
	}
}

// Code under `if __name__ == "__main__":` that does not start a server is
// a module's manual test: its literals are test data. A main block that
// runs the server is the program.
func TestMainGuardManualTest(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"client.py": `
def connect(password):
    return password


if __name__ == "__main__":
    connect(password="hunter2-manual")
`,
		"server.py": `
import uvicorn

from client import connect

if __name__ == "__main__":
    connect(password="hunter2-served")
    uvicorn.run("app:app")
`,
	})
	var got []string
	for _, s := range extractDir(t, dir).SecretLiterals {
		got = append(got, fmt.Sprintf("%s:%d", s.Path, s.Line))
	}
	if want := []string{"server.py:6"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("secret literals %v, want %v", got, want)
	}
}

// An app records the function that creates it, so that a helper server a
// command starts (keep's login callback) is told from the module's service.
func TestAppFunction(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"main.py": `
from fastapi import FastAPI

app = FastAPI()
`,
		"cli.py": `
import uvicorn
from fastapi import FastAPI


def login():
    callback = FastAPI()
    uvicorn.run(callback, host="127.0.0.1", port=8085)
`,
	})
	got := map[string]string{}
	for _, a := range extractDir(t, dir).Apps {
		got[a.Path+":"+a.Var] = a.Function
	}
	if want := map[string]string{"main.py:app": "", "cli.py:callback": "login"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("app functions %v, want %v", got, want)
	}
}
