package facts

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// writeTree writes files (path -> content) under a new temporary folder.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(strings.TrimLeft(c, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func routeAuth(routes []Route) map[string]bool {
	out := map[string]bool{}
	for _, r := range routes {
		out[strings.Join(r.Methods, ",")+" "+r.URL] = r.Auth
	}
	return out
}

func TestAuthThroughEveryDependencyForm(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"svc/__init__.py":  "",
		"svc/security.py": `
from typing import Annotated

from fastapi import Depends, HTTPException, Security, status
from fastapi.security import APIKeyHeader, HTTPBearer, OAuth2PasswordBearer

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/login")
bearer = HTTPBearer()
key_header = APIKeyHeader(name="X-API-Key")


def get_user(token: Annotated[str, Depends(oauth2)]):
    return token


def require_role(role: str):
    def checker(user=Depends(get_user)):
        if role not in user:
            raise HTTPException(status_code=status.HTTP_403_FORBIDDEN)
        return user
    return checker


class KeyChecker:
    def __init__(self, scopes):
        self.scopes = scopes

    def __call__(self, key: str = Security(key_header)):
        return key


def check_signature(sig: str):
    if not sig:
        raise HTTPException(401, "bad signature")


def load_item(item_id: int):
    return item_id


def optional_user(token=Depends(bearer)):
    if token is None:
        return None
    return token
`,
		"svc/main.py": `
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI

from .security import KeyChecker, check_signature, get_user, load_item, optional_user, require_role

app = FastAPI()
api = APIRouter(prefix="/v1")
admin = APIRouter(prefix="/admin", dependencies=[Depends(require_role("admin"))])
hooks = APIRouter()
open_router = APIRouter()


@app.post("/api/login")
def login():
    return {}


@api.post("/annotated")
def annotated(user: Annotated[str, Depends(get_user)]):
    return user


@api.post("/factory", dependencies=[Depends(require_role("editor"))])
def factory():
    return {}


@api.put("/class")
def by_class(key=Depends(KeyChecker(["write"]))):
    return key


@admin.delete("/users/{user_id}")
def delete_user(user_id: int):
    return user_id


@hooks.api_route("/hook", methods=["post", "put"])
def hook():
    return {}


@open_router.patch("/items/{item_id}")
def patch_item(item_id=Depends(load_item)):
    return item_id


@open_router.post("/maybe")
def maybe(user=Depends(optional_user)):
    return user


def legacy():
    return {}


api.include_router(admin)
app.include_router(api, prefix="/api")
app.include_router(hooks, dependencies=[Depends(check_signature)])
app.include_router(open_router)
app.add_api_route("/legacy", legacy, methods=["DELETE"])
`,
	})
	f := extractDir(t, dir)
	if len(f.Apps) != 1 {
		t.Fatalf("apps = %d", len(f.Apps))
	}
	got := routeAuth(f.Apps[0].Routes)
	want := map[string]bool{
		"POST /api/login":                      false,
		"POST /api/v1/annotated":               true,
		"POST /api/v1/factory":                 true,
		"PUT /api/v1/class":                    true,
		"DELETE /api/v1/admin/users/{user_id}": true,
		"POST,PUT /hook":                       true,
		"PATCH /items/{item_id}":               false,
		"POST /maybe":                          false, // optional authentication lets anonymous users in
		"DELETE /legacy":                       false,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("route auth:\n got %v\nwant %v", got, want)
	}
	levels := map[string]string{}
	for _, r := range f.Apps[0].Routes {
		for _, d := range r.Dependencies {
			if d.Auth {
				levels[r.URL] += d.Level + " "
			}
		}
	}
	for url, lv := range map[string]string{
		"/api/v1/factory":               "decorator ",
		"/api/v1/admin/users/{user_id}": "router ",
		"/hook":                         "include ",
		"/api/v1/annotated":             "param ",
	} {
		if levels[url] != lv {
			t.Errorf("%s auth levels = %q, want %q", url, levels[url], lv)
		}
	}
	login := findRoute(t, f.Apps[0].Routes, "POST", "/api/login")
	if !login.TokenURL {
		t.Error("/api/login is the tokenUrl")
	}
	legacy := findRoute(t, f.Apps[0].Routes, "DELETE", "/legacy")
	if legacy.Handler != "legacy" || legacy.Path != "svc/main.py" {
		t.Errorf("add_api_route handler = %+v", legacy)
	}
	var deps []string
	for _, d := range f.AuthDependencies {
		deps = append(deps, d.Function)
		if d.Function == "optional_user" && (len(d.ReturnsOnFailure) != 1 || d.ReturnsOnFailure[0].Line != 42) {
			t.Errorf("optional_user returns_on_failure = %+v", d.ReturnsOnFailure)
		}
	}
	sort.Strings(deps)
	if want := []string{"KeyChecker.__call__", "check_signature", "checker", "get_user", "optional_user"}; !reflect.DeepEqual(deps, want) {
		t.Errorf("auth dependencies = %v, want %v", deps, want)
	}
	if len(f.Routers) != 4 {
		t.Errorf("routers = %+v", f.Routers)
	}
	for _, r := range f.Routers {
		if !r.Included {
			t.Errorf("router %s not included", r.Var)
		}
	}
}

func TestValueResolution(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"pyproject.toml":      "[project]\nname = \"x\"\ndependencies = [\"fastapi>=0.100\"]\n",
		"src/app/__init__.py": "",
		"src/app/consts.py": `
import os

DOCS = "/documentation"
ORIGINS = ["https://a.example.com", "https://b.example.com"]
DEBUG = os.getenv("APP_DEBUG", "false")
TOKEN_URL = "/token"
ACCESS_TOKEN_EXPIRE_MINUTES = 30
`,
		"src/app/settings.py": `
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings
from starlette.config import Config

config = Config(".env")
REDOC = config("REDOC_URL", default="/redoc")


class Base(BaseSettings):
    openapi_url: str = Field(default="/openapi.json")


class Settings(Base):
    debug: bool = Field(True, description="debug")
    webhook_secret: str = "whsec_0123456789abcdef"


@lru_cache
def get_settings():
    return Settings()
`,
		"src/app/main.py": `
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from . import consts
from .consts import DEBUG
from .settings import REDOC, get_settings

ORIGINS = ["https://shadowed.example.com"]

app = FastAPI(
    debug=DEBUG,
    docs_url=consts.DOCS,
    redoc_url=REDOC,
    openapi_url=get_settings().openapi_url,
    title=get_settings().debug,
)
app.add_middleware(CORSMiddleware, allow_origins=consts.ORIGINS)


def handler(ORIGINS):
    return ORIGINS
`,
	})
	f := extractDir(t, dir)
	if len(f.Apps) != 1 {
		t.Fatalf("apps = %d", len(f.Apps))
	}
	a := f.Apps[0]
	if a.Module != "app.main" {
		t.Errorf("module = %s, want app.main (src layout)", a.Module)
	}
	dbg := a.Args["debug"]
	if dbg.Known || dbg.Source != "env" || dbg.EnvVar != "APP_DEBUG" || dbg.Default != "false" || dbg.DefPath != "src/app/consts.py" {
		t.Errorf("debug = %+v, want env APP_DEBUG default false", dbg)
	}
	if v := a.Args["docs_url"]; v.Value != "/documentation" || v.Source != "import" || v.DefLine != 3 {
		t.Errorf("docs_url = %+v", v)
	}
	if v := a.Args["redoc_url"]; v.Known || v.Source != "env" || v.EnvVar != "REDOC_URL" || v.Default != "/redoc" {
		t.Errorf("redoc_url = %+v (starlette Config)", v)
	}
	if v := a.Args["openapi_url"]; v.Value != "/openapi.json" || v.Source != "settings" || v.DefLine != 12 || v.Qualname != "app.settings.Base.openapi_url" {
		t.Errorf("openapi_url = %+v (inherited Field default through get_settings())", v)
	}
	if v := a.Args["title"]; v.Value != true || v.Source != "settings" || v.DefLine != 16 {
		t.Errorf("settings debug = %+v (Field(True))", v)
	}
	if a.Docs.DocsURL.State != "set" || a.Docs.RedocURL.State != "unknown" {
		t.Errorf("docs = %+v", a.Docs)
	}
	cors := findMiddleware(t, a, "CORSMiddleware")
	if v := cors.Args["allow_origins"]; !reflect.DeepEqual(v.Value, []any{"https://a.example.com", "https://b.example.com"}) {
		t.Errorf("allow_origins = %+v", v)
	}
	var secrets []string
	for _, s := range f.SecretLiterals {
		secrets = append(secrets, s.Name+"/"+s.Kind+"/"+s.Masked)
	}
	if want := []string{"webhook_secret/settings_default/whse****"}; !reflect.DeepEqual(secrets, want) {
		t.Errorf("secrets = %v, want %v (TOKEN_URL and *_EXPIRE_MINUTES are not secrets)", secrets, want)
	}
	var fields []string
	for _, s := range f.Settings {
		fields = append(fields, s.Class+"."+s.Field)
	}
	if want := []string{"Base.openapi_url", "Settings.debug", "Settings.webhook_secret"}; !reflect.DeepEqual(fields, want) {
		t.Errorf("settings = %v", fields)
	}
}

func TestExposuresHeadersAndComparisons(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"app.py": `
import hmac
import traceback

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware


class Headers(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        response = await call_next(request)
        response.headers.update({"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"})
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response


app = FastAPI()
app.add_middleware(Headers)


@app.exception_handler(Exception)
async def on_error(request: Request, exc: Exception):
    return JSONResponse(status_code=500, content={"detail": str(exc)})


@app.get("/debug")
def debug():
    try:
        return 1 / 0
    except ZeroDivisionError as e:
        return {"error": f"failed: {e}", "trace": traceback.format_exc()}


def check(token, password, api_key, user):
    if token == None:
        return False
    if len(password) == 0:
        return False
    if user.token_type == "bearer":
        return True
    if hmac.compare_digest(api_key, "k"):
        return True
    return request_key(api_key) != user.api_key
`,
	})
	f := extractDir(t, dir)
	var exp []string
	for _, e := range f.ExceptionExposures {
		exp = append(exp, e.Kind+"/"+e.Sink+"/"+e.Function)
	}
	sort.Strings(exp)
	if want := []string{"format/return/debug", "str/response/on_error", "traceback/return/debug"}; !reflect.DeepEqual(exp, want) {
		t.Errorf("exposures = %v, want %v", exp, want)
	}
	a := f.Apps[0]
	var names []string
	for _, h := range a.ResponseHeaders {
		names = append(names, h.Name+"="+h.Value)
	}
	if want := []string{"X-Content-Type-Options=nosniff", "Referrer-Policy=same-origin", "X-Frame-Options=SAMEORIGIN"}; !reflect.DeepEqual(names, want) {
		t.Errorf("headers from a middleware class = %v", names)
	}
	if mw := findMiddleware(t, a, "Headers"); mw.Qualname != "app.Headers" || len(mw.HeadersSet) != 3 {
		t.Errorf("middleware = %+v", mw)
	}
	if len(f.Comparisons) != 1 || f.Comparisons[0].Line != 43 || f.Comparisons[0].LiteralSide {
		t.Errorf("comparisons = %+v, want only line 43", f.Comparisons)
	}
}

func TestSyntaxErrorIsSkippedWithLine(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"ok.py":  "SECRET_KEY = 'abcdefghijkl'\n",
		"bad.py": "def f():\n    return 1\n\nclass :\n    pass\n",
		"new.py": "match x:\n    case [1, *rest] if (n := len(rest)) > 0:\n        print(f\"{n=}\")\n",
	})
	f := extractDir(t, dir)
	if len(f.Skipped) != 1 || f.Skipped[0].Path != "bad.py" || f.Skipped[0].Line != 4 {
		t.Errorf("skipped = %+v, want bad.py:4 only (modern syntax parses)", f.Skipped)
	}
	if len(f.SecretLiterals) != 1 {
		t.Errorf("the good file was not scanned: %+v", f.SecretLiterals)
	}
}

func TestCredentialComparisons(t *testing.T) {
	tests := []struct {
		code    string
		want    bool
		literal bool
	}{
		{`form.password == "hunter22"`, true, true},
		{`api_key != settings.api_key`, true, false},
		{`request.headers["X-API-Key"] == expected`, true, false},
		{`credentials.username == "admin"`, false, false},
		{`user.password_hash == computed`, true, false},
		{`token == None`, false, false},
		{`len(password) == 0`, false, false},
		{`token.name == "YAML"`, false, false},
		{`token == Keyword`, false, false},
		{`token == "("`, false, false},
		{`scheme_token.lower() == "bearer"`, false, false},
		{`token_type == "bearer"`, false, false},
		{`ask("Save credentials? [y/N]") == "y"`, false, false},
		{`token == ("", "")`, false, false},
	}
	for _, tt := range tests {
		dir := writeTree(t, map[string]string{"m.py": "def f(form, api_key, settings, request, expected, credentials, user, computed, token, password, token_type, scheme_token):\n    return " + tt.code + "\n"})
		f := extractDir(t, dir)
		if got := len(f.Comparisons) == 1; got != tt.want {
			t.Errorf("%s: recorded %v, want %v (%+v)", tt.code, got, tt.want, f.Comparisons)
			continue
		}
		if tt.want && f.Comparisons[0].LiteralSide != tt.literal {
			t.Errorf("%s: literal_side %v", tt.code, f.Comparisons[0].LiteralSide)
		}
		if tt.want && strings.Contains(f.Comparisons[0].Right, "hunter22") {
			t.Errorf("%s: literal not masked: %s", tt.code, f.Comparisons[0].Right)
		}
	}
}

func TestStarletteRoutesList(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"app.py": `
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Route, WebSocketRoute


async def home(request):
    return None


async def upload(request):
    data = await request.json()
    return data


async def ws(websocket):
    pass


routes = [
    Route("/", home),
    Route("/upload", endpoint=upload, methods=["POST"]),
    WebSocketRoute("/ws", ws),
]

app = Starlette(debug=True, routes=routes, middleware=[Middleware(SessionMiddleware, secret_key="k", same_site="none")])
`,
	})
	f := extractDir(t, dir)
	if len(f.Apps) != 1 || f.Apps[0].Framework != "starlette" {
		t.Fatalf("apps = %+v", f.Apps)
	}
	a := f.Apps[0]
	var got []string
	for _, r := range a.Routes {
		got = append(got, strings.Join(r.Methods, ",")+" "+r.URL+" "+r.Handler)
	}
	if want := []string{"GET / home", "POST /upload upload", "WEBSOCKET /ws ws"}; !reflect.DeepEqual(got, want) {
		t.Errorf("routes = %q, want %q", got, want)
	}
	up := findRoute(t, a.Routes, "POST", "/upload")
	if up.Line != 11 || up.DecoratorLine != 22 || !reflect.DeepEqual(up.RequestJSONLines, []int{12}) {
		t.Errorf("upload = %+v", up)
	}
	if v := a.Args["debug"]; v.Value != true || a.Docs.DocsURL.State != "default" {
		t.Errorf("debug %+v docs %+v", v, a.Docs)
	}
	if mw := findMiddleware(t, a, "SessionMiddleware"); mw.Args["same_site"].Value != "none" {
		t.Errorf("session middleware = %+v", mw)
	}
}

func TestAppFactory(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"svc/__init__.py": "",
		"svc/factory.py": `
from fastapi import FastAPI

from svc.routes import router


def create_app():
    application = FastAPI(debug=True)
    application.include_router(router)
    return application
`,
		"svc/main.py": `
from svc.factory import create_app

app = create_app()


@app.post("/hook")
def hook():
    return {}
`,
		"svc/routes.py": `
from fastapi import APIRouter

router = APIRouter()


@router.delete("/items/{i}")
def delete(i: int):
    return i
`,
		"svc/orphan.py": `
from somewhere import thing


@thing.post("/x")
def x():
    return 1
`,
	})
	f := extractDir(t, dir)
	if len(f.Apps) != 1 {
		t.Fatalf("apps = %d", len(f.Apps))
	}
	got := routeAuth(f.Apps[0].Routes)
	if want := map[string]bool{"POST /hook": false, "DELETE /items/{i}": false}; !reflect.DeepEqual(got, want) {
		t.Errorf("factory app routes = %v, want %v", got, want)
	}
	if len(f.UnattachedRoutes) != 1 || f.UnattachedRoutes[0].URL != "/x" {
		t.Errorf("unattached = %+v", f.UnattachedRoutes)
	}
}

func TestAuthLibraries(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"app.py": `
from fastapi import Depends, FastAPI
from fastapi_jwt_auth import AuthJWT
from fastapi_login import LoginManager
from fastapi_users import FastAPIUsers

fastapi_users = FastAPIUsers(get_user_manager, [auth_backend])
current_active_user = fastapi_users.current_user(active=True)
manager = LoginManager("x", "/login")
app = FastAPI()


@app.post("/a")
def a(user=Depends(current_active_user)):
    return user


@app.post("/b")
def b(Authorize: AuthJWT = Depends()):
    Authorize.jwt_required()


@app.post("/c")
def c(user=Depends(manager)):
    return user


@app.post("/d")
def d():
    return 1
`,
	})
	f := extractDir(t, dir)
	got := routeAuth(f.Apps[0].Routes)
	if want := map[string]bool{"POST /a": true, "POST /b": true, "POST /c": true, "POST /d": false}; !reflect.DeepEqual(got, want) {
		t.Errorf("routes = %v, want %v", got, want)
	}
}

func TestAnnotatedAliasDependencies(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"app/__init__.py": "",
		"app/deps.py": `
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

reusable_oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/login/access-token")


def get_db():
    yield None


SessionDep = Annotated[object, Depends(get_db)]
TokenDep = Annotated[str, Depends(reusable_oauth2)]


def get_current_user(session: SessionDep, token: TokenDep):
    return token


CurrentUser = Annotated[dict, Depends(get_current_user)]


def get_current_active_superuser(current_user: CurrentUser):
    if not current_user.get("is_superuser"):
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN)
    return current_user
`,
		"app/main.py": `
from fastapi import APIRouter, Depends, FastAPI

from app.deps import CurrentUser, SessionDep, get_current_active_superuser

app = FastAPI()
router = APIRouter(prefix="/users")


@router.patch("/me")
def update_me(session: SessionDep, current_user: CurrentUser):
    return current_user


@router.post("/", dependencies=[Depends(get_current_active_superuser)])
def create_user(session: SessionDep):
    return {}


@router.post("/signup")
def signup(session: SessionDep):
    return {}


app.include_router(router, prefix="/api/v1")
`,
	})
	f := extractDir(t, dir)
	got := routeAuth(f.Apps[0].Routes)
	want := map[string]bool{"PATCH /api/v1/users/me": true, "POST /api/v1/users/": true, "POST /api/v1/users/signup": false}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("routes = %v, want %v", got, want)
	}
	me := findRoute(t, f.Apps[0].Routes, "PATCH", "/api/v1/users/me")
	var kinds []string
	for _, p := range me.Params {
		kinds = append(kinds, p.Name+":"+p.Kind)
	}
	if strings.Join(kinds, " ") != "session:depends current_user:depends" {
		t.Errorf("params = %v", kinds)
	}
	var auth []string
	for _, d := range f.AuthDependencies {
		auth = append(auth, d.Function)
	}
	sort.Strings(auth)
	if strings.Join(auth, " ") != "get_current_active_superuser get_current_user" {
		t.Errorf("auth dependencies = %v", auth)
	}
}

func TestFStringAndSettingsPrefixes(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"app/__init__.py": "",
		"app/config.py": `
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    API_V1_STR: str = "/api/v1"
    PROJECT: str = "shop"


settings = Settings()
`,
		"app/main.py": `
from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import OAuth2PasswordBearer

from app.config import settings

oauth2 = OAuth2PasswordBearer(tokenUrl=f"{settings.API_V1_STR}/login/access-token")
app = FastAPI(openapi_url=f"{settings.API_V1_STR}/openapi.json", docs_url=f"/{unknown_name}")
router = APIRouter()


@router.post("/login/access-token")
def login():
    return {}


@router.post("/items")
def create(token=Depends(oauth2)):
    return {}


app.include_router(router, prefix=settings.API_V1_STR)
`,
	})
	f := extractDir(t, dir)
	a := f.Apps[0]
	if v := a.Args["openapi_url"]; !v.Known || v.Value != "/api/v1/openapi.json" || v.Type != "str" {
		t.Errorf("openapi_url = %+v", v)
	}
	if a.Docs.OpenAPIURL.State != "set" || a.Docs.DocsURL.State != "set" {
		t.Errorf("docs = %+v (an f-string is a URL)", a.Docs)
	}
	if len(f.SecuritySchemes) != 1 || f.SecuritySchemes[0].TokenURL != "/api/v1/login/access-token" {
		t.Errorf("schemes = %+v", f.SecuritySchemes)
	}
	login := findRoute(t, a.Routes, "POST", "/api/v1/login/access-token")
	if !login.TokenURL {
		t.Error("login route is the tokenUrl")
	}
	if r := findRoute(t, a.Routes, "POST", "/api/v1/items"); !r.Auth {
		t.Error("items route has auth")
	}
}

func TestCustomAuthException(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"errors.py": `
from fastapi import HTTPException


class NotAuthenticated(HTTPException):
    def __init__(self, detail="not authenticated"):
        super().__init__(status_code=401, detail=detail)


class NotFound(HTTPException):
    def __init__(self):
        super().__init__(status_code=404)
`,
		"main.py": `
from fastapi import Depends, FastAPI, Header

from errors import NotAuthenticated, NotFound

app = FastAPI()


def require_key(x_key: str = Header(...)):
    if x_key != "expected-value-1":
        raise NotAuthenticated()


def load(item_id: int):
    raise NotFound()


@app.post("/a", dependencies=[Depends(require_key)])
def a():
    return {}


@app.post("/b")
def b(item=Depends(load)):
    return item
`,
	})
	f := extractDir(t, dir)
	got := routeAuth(f.Apps[0].Routes)
	if want := map[string]bool{"POST /a": true, "POST /b": false}; !reflect.DeepEqual(got, want) {
		t.Errorf("routes = %v, want %v", got, want)
	}
	if len(f.AuthDependencies) != 1 || !reflect.DeepEqual(f.AuthDependencies[0].Raises, []int{401}) {
		t.Errorf("auth dependencies = %+v", f.AuthDependencies)
	}
}

// TestSecretLiteralsNotTemplates checks that strings bound to secret-like
// names count as secrets unless they evidently are not credentials.
func TestSecretLiteralsNotTemplates(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{`SECRET_KEY = "s3cr3t-Value-42"`, true},
		{`DB_PASSWORD = "hunter2"`, true},
		{`JWT_SECRET = "changeme"`, true},
		{`API_TOKEN = "tok.en"`, true},
		{`token_cache_key = "tokens:%s"`, false},
		{`PASSWORD_RESET_TEMPLATE = "reset {token} now"`, false},
		{`auth_token = "Bearer {}"`, false},
		{`SESSION_SECRET = "%(secret)s"`, false},
		{`DONE_TOKEN = "done."`, false},
		{`SEP_TOKEN = "token:"`, false},
		// Messages about a credential's state, not credentials.
		{`INVALID_CREDENTIALS = "Invalid Credentials!"`, false},
		{`ACCESS_TOKEN_MISSING = "Access token missing in the response"`, false},
		{`SECRET_KEY = "super secret jwt secret"`, true},
		{`INVALID_PASSWORD = "hunter2"`, true},
		{`WRONG_PASSWORD = "not 4 u"`, true},
		{`INVALID_CREDENTIALS = "用户名或密码不正确"`, false},
		{`MISSING_ACCESS_TOKEN = "mcp-missing-access-token"`, false},
		{`MISSING_ACCESS_TOKEN = "mcp-access-token-x"`, true},
		{`INVALID_TOKEN = "Zx8!rT"`, true},
		// Beside enabled=False the secret is never checked.
		{`auth = AuthSettings(enabled=False, secret="secret-key")`, false},
		{`auth = AuthSettings(enabled=True, secret="secret-key")`, true},
		// A short literal under a hash's name locks the account.
		{`User(password_hash="!oauth")`, false},
		{`User(hashed_password="*")`, false},
		{`User(password_hash="$2b$12$KIXQ4hGQv0aQk8y1uZ6c8eWm3c1qg0Zr6gJ8mQ0aZ1bq9lq0zH4bW")`, true},
		// A client's key for another service that says it is fake.
		{`OPENAI_API_KEY = "sk-FAKE-OPENAI-API-KEY"`, false},
		{`os.environ["OPENAI_API_KEY"] = "sk-fake-key"`, false},
		{`ADMIN_PASSWORD = "fake-password"`, true},
		{`OPENAI_API_KEY = "sk-live-fakir-3f9a"`, true},
	}
	for _, tt := range tests {
		dir := writeTree(t, map[string]string{"m.py": tt.code + "\n"})
		f := extractDir(t, dir)
		if got := len(f.SecretLiterals) == 1; got != tt.want {
			t.Errorf("%s: secret recorded %v, want %v (%+v)", tt.code, got, tt.want, f.SecretLiterals)
		}
	}
}
