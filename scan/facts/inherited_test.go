package facts

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// authLevels maps "METHOD url" to the levels of its authenticating
// dependencies ("" when none authenticates).
func authLevels(routes []Route) map[string]string {
	out := map[string]string{}
	for _, r := range routes {
		var levels []string
		for _, d := range r.Dependencies {
			if d.Auth {
				levels = append(levels, d.Level)
			}
		}
		sort.Strings(levels)
		out[strings.Join(r.Methods, ",")+" "+r.URL] = strings.Join(levels, ",")
	}
	return out
}

const inheritedDeps = `
from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

oauth2 = OAuth2PasswordBearer(tokenUrl="/token")
soft_oauth2 = OAuth2PasswordBearer(tokenUrl="/token", auto_error=False)


class PrefixedKey(APIKeyHeader):
    async def __call__(self, request: Request):
        return await super().__call__(request)


async def get_current_user(token: str = Depends(oauth2)):
    if token != "x":
        raise HTTPException(status_code=401)
    return token


async def get_optional_user(token: str = Depends(soft_oauth2)):
    if token is None:
        return None
    if token != "x":
        raise HTTPException(status_code=401)
    return token


async def peek_user(token: str = Depends(soft_oauth2)):
    return token


def current_user_authorizer(*, required: bool = True):
    return get_current_user if required else get_optional_user


def auth(admin: bool = False):
    async def dep(token: str = Depends(oauth2)):
        if not token:
            raise HTTPException(status_code=403)
        return token
    return dep


def session():
    yield None
`

// TestInheritedAuthentication: authentication a route gets from elsewhere
// than its parameters.
func TestInheritedAuthentication(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"pyproject.toml":         "[project]\nname = \"x\"\n",
		"app/__init__.py":        "",
		"app/core/__init__.py":   "from .deps import *\n",
		"app/core/deps.py":       inheritedDeps,
		"app/routes/__init__.py": "",
		"app/routes/base.py": `
from fastapi import APIRouter, Depends

from app.core import get_current_user, session


class BaseController:
    db = Depends(session)


class UserController(BaseController):
    user: str = Depends(get_current_user)


class UserRouter(APIRouter):
    def __init__(self, prefix: str = "", **kwargs):
        super().__init__(prefix=prefix, dependencies=[Depends(get_current_user)], **kwargs)
`,
		"app/routes/items.py": `
from fastapi import APIRouter, Depends, Security

from app.core.deps import PrefixedKey, auth, current_user_authorizer, session
from app.routes.base import BaseController, UserController, UserRouter

router = APIRouter(prefix="/items")
users = UserRouter(prefix="/users")


class ItemViews(UserController):
    @router.post("/cbv")
    def create(self, name: str):
        return name


class PublicViews(BaseController):
    @router.post("/public")
    def create_public(self, name: str):
        return name


@router.post("/factory")
def by_factory(user=Depends(current_user_authorizer())):
    return user


@router.post("/factory-optional")
def by_optional_factory(user=Depends(current_user_authorizer(required=False))):
    return user


@router.post("/inner")
def by_inner_factory(user=Depends(auth(admin=True))):
    return user


@router.post("/scheme-subclass")
def by_scheme_subclass(key: str = Security(PrefixedKey(name="X-Key"))):
    return key


@users.delete("/{id}")
def delete_user(id: int):
    return id
`,
		"app/main.py": `
from fastapi import FastAPI

from app.routes import items

app = FastAPI()
app.include_router(items.router)
app.include_router(items.users)
`,
	})
	f := extractDir(t, dir)
	if len(f.Skipped) != 0 {
		t.Fatalf("skipped: %+v", f.Skipped)
	}
	got := authLevels(f.Apps[0].Routes)
	want := map[string]string{
		"POST /items/cbv":              "class",
		"POST /items/public":           "",
		"POST /items/factory":          "param",
		"POST /items/factory-optional": "",
		"POST /items/inner":            "param",
		"POST /items/scheme-subclass":  "param",
		"DELETE /users/{id}":           "router",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("authenticating levels:\n got %v\nwant %v", got, want)
	}
	for _, r := range f.Apps[0].Routes {
		if r.URL == "/items/cbv" {
			var deps []string
			for _, d := range r.Dependencies {
				deps = append(deps, d.Level+":"+d.Param+":"+d.Qualname)
			}
			// Both class attributes, the inherited one too, with the names they resolve to.
			if w := []string{"class:user:app.core.deps.get_current_user", "class:db:app.core.deps.session"}; !reflect.DeepEqual(deps, w) {
				t.Errorf("cbv dependencies = %v, want %v", deps, w)
			}
		}
	}
	var optional []string
	for _, d := range f.AuthDependencies {
		if d.Optional {
			optional = append(optional, d.Function)
		}
	}
	if want := []string{"get_optional_user"}; !reflect.DeepEqual(optional, want) {
		t.Errorf("optional auth dependencies = %v, want %v", optional, want)
	}
}

// TestAuthDecoratorsAndVerifyingDependencies: authentication written as a
// decorator, or as a dependency that verifies a credential with a call that
// fails on a bad one.
func TestAuthDecoratorsAndVerifyingDependencies(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"main.py": `
from fastapi import Depends, FastAPI, Header, Request
from firebase_admin import auth as firebase_auth

from config import HANDLERS, settings

from security import login_required, retry

app = FastAPI()


def firebase_user(authorization: str = Header(...)):
    return firebase_auth.verify_id_token(authorization.removeprefix("Bearer "))


def tenant(x_tenant: str = Header(...)):
    return lookup_tenant(x_tenant)


def get_handler():
    return HANDLERS[settings.auth_type]


async def auth_user(request: Request, handler=Depends(get_handler)):
    return await handler(request)


async def get_current_user(request: Request, handler=Depends(get_handler)):
    if not settings.AUTH_ENABLED:
        return None
    user = await handler(request)
    if user is None:
        return None
    return user


@app.post("/decorated")
@login_required
async def decorated():
    return {}


@app.post("/retried")
@retry(3)
async def retried():
    return {}


@app.post("/firebase")
async def with_firebase(user=Depends(firebase_user)):
    return user


@app.post("/tenant")
async def with_tenant(t=Depends(tenant)):
    return t


@app.post("/delegated")
async def delegated(user=Depends(auth_user)):
    return user


@app.post("/me")
async def me(user=Depends(get_current_user)):
    return user
`,
	})
	f := extractDir(t, dir)
	got := map[string]bool{}
	for _, r := range f.Apps[0].Routes {
		got[r.URL] = r.Auth
	}
	want := map[string]bool{"/decorated": true, "/retried": false, "/firebase": true, "/tenant": false, "/delegated": true, "/me": true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("route auth = %v, want %v", got, want)
	}
	// Named for authentication, its checks out of sight; the return behind
	// a configuration switch is not a failure let through, the other is.
	deps := map[string]string{}
	for _, d := range f.AuthDependencies {
		var lines []int
		for _, r := range d.ReturnsOnFailure {
			lines = append(lines, r.Line)
		}
		deps[d.Function] = fmt.Sprintf("%v %v", d.Reasons, lines)
	}
	if w := map[string]string{"firebase_user": "[verifies] []", "auth_user": "[name] []", "get_current_user": "[name] [32]"}; !reflect.DeepEqual(deps, w) {
		t.Errorf("auth dependencies = %v, want %v", deps, w)
	}
}

// TestAuthMiddleware: middleware that rejects unauthenticated requests
// covers every route of its app; middleware that does not, does not.
func TestAuthMiddleware(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"main.py": `
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.middleware.base import BaseHTTPMiddleware

from backends import TokenBackend

starlette_auth = FastAPI()
starlette_auth.add_middleware(AuthenticationMiddleware, backend=TokenBackend())

http_auth = FastAPI()


@http_auth.middleware("http")
async def require_key(request: Request, call_next):
    if request.headers.get("x-api-key") != "k":
        return JSONResponse({"detail": "unauthorized"}, status_code=401)
    return await call_next(request)


class KeyMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        if "authorization" not in request.headers:
            return JSONResponse({"detail": "forbidden"}, status_code=403)
        return await call_next(request)


class_auth = FastAPI()
class_auth.add_middleware(KeyMiddleware)

timing = FastAPI()


@timing.middleware("http")
async def add_timing(request: Request, call_next):
    response = await call_next(request)
    response.headers["X-Time"] = "1"
    return response
`,
	})
	f := extractDir(t, dir)
	got := map[string]string{}
	for _, a := range f.Apps {
		var names []string
		for _, m := range a.AuthMiddleware {
			names = append(names, m.Name)
		}
		got[a.Var] = strings.Join(names, ",")
		if a.HasAuth != (len(names) > 0) {
			t.Errorf("%s: has_auth %v with auth middleware %v", a.Var, a.HasAuth, names)
		}
	}
	want := map[string]string{"starlette_auth": "AuthenticationMiddleware", "http_auth": "require_key", "class_auth": "KeyMiddleware", "timing": ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("auth middleware = %v, want %v", got, want)
	}
}

// TestRouteWritesAndSignatures: what a handler body says about the route.
func TestRouteWritesAndSignatures(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"main.py": `
import hmac
import os

import stripe
from fastapi import FastAPI, Header, Request, Response
from starlette.authentication import requires

import crud

app = FastAPI()


@app.get("/items/purge")
def purge(db=None):
    crud.delete_all_items(db)
    db.commit()


@app.get("/items")
def list_items(db=None, cache=None, seen=None):
    seen.add(1)
    cache.delete("items")
    return db.query("x").all()


@app.get("/logout")
def logout(response: Response):
    response.delete_cookie("session")


@app.get("/files/{name}/drop")
def drop(name: str):
    os.remove(name)


@app.post("/hooks/stripe")
async def stripe_hook(request: Request):
    payload = await request.body()
    event = stripe.Webhook.construct_event(payload, request.headers.get("stripe-signature"), "whsec")
    return event


@app.post("/hooks/github")
async def github_hook(request: Request, x_hub_signature_256: str = Header(...)):
    return await request.json()


@app.post("/hooks/plain")
async def plain_hook(request: Request):
    return await request.json()


@app.post("/admin")
@requires("authenticated")
async def admin(request: Request):
    return {}
`,
	})
	f := extractDir(t, dir)
	writes := map[string][]int{}
	signed := map[string]bool{}
	auth := map[string]bool{}
	for _, r := range f.Apps[0].Routes {
		writes[r.URL] = r.WriteLines
		signed[r.URL] = r.VerifiesSignature
		auth[r.URL] = r.Auth
	}
	if want := map[string][]int{"/items/purge": {15, 16}, "/items": {}, "/logout": {}, "/files/{name}/drop": {33},
		"/hooks/stripe": {}, "/hooks/github": {}, "/hooks/plain": {}, "/admin": {}}; !reflect.DeepEqual(writes, want) {
		t.Errorf("write lines = %v, want %v", writes, want)
	}
	if want := map[string]bool{"/items/purge": false, "/items": false, "/logout": false, "/files/{name}/drop": false,
		"/hooks/stripe": true, "/hooks/github": true, "/hooks/plain": false, "/admin": false}; !reflect.DeepEqual(signed, want) {
		t.Errorf("verifies signature = %v, want %v", signed, want)
	}
	if !auth["/admin"] || auth["/hooks/plain"] {
		t.Errorf("auth = %v, want @requires to authenticate /admin only", auth)
	}
}

// TestRouterFactories: routers made by a project function, one returned
// alone or several as a tuple (public, app = get_routers()), carry the
// dependencies the factory gives them, position by position.
func TestRouterFactories(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"routers/base.py": `
from fastapi import APIRouter, Depends, HTTPException, Request


class JWTAuth:
    async def __call__(self, request: Request):
        if not request.headers.get("authorization"):
            raise HTTPException(status_code=401)


def get_routers(prefix="", extra_dependencies=[]):
    public_app = APIRouter(prefix=prefix)
    app = APIRouter(dependencies=[Depends(JWTAuth())] + extra_dependencies, prefix=prefix)
    return public_app, app


def get_admin_router():
    router = APIRouter(prefix="/admin", dependencies=[Depends(JWTAuth())])
    return router
`,
		"routers/core.py": `
from routers.base import get_routers, get_admin_router

public_app, app = get_routers()
admin = get_admin_router()


@public_app.get("/open")
def open_route():
    return {}


@app.post("/closed")
def closed_route():
    return {}


@admin.post("/users")
def admin_route():
    return {}
`,
		"main.py": `
from fastapi import FastAPI
from routers import core

app = FastAPI()
app.include_router(core.public_app)
app.include_router(core.app)
app.include_router(core.admin)
`,
	})
	f := extractDir(t, dir)
	got := map[string]bool{}
	for _, a := range f.Apps {
		for _, r := range a.Routes {
			got[r.URL] = r.Auth
		}
	}
	want := map[string]bool{"/open": false, "/closed": true, "/admin/users": true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("route auth = %v, want %v", got, want)
	}
}

// TestInjectedServices: a handler that calls a method of a service a DI
// container injects (dishka, dependency-injector) is authenticated when
// that method authenticates the request; not when it does not.
func TestInjectedServices(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"services.py": `
from fastapi import HTTPException, Request


class BaseService:
    async def authenticate_request(self, request: Request, scopes):
        if not request.headers.get("authorization"):
            raise HTTPException(status_code=401)


class DeployService(BaseService):
    async def deploy(self, request: Request, settings):
        await self.authenticate_request(request, scopes=["admin"])
        return settings

    async def preview(self, settings):
        return settings


class Container:
    deploy_service = None
`,
		"main.py": `
from typing import Annotated

from dependency_injector.wiring import Provide, inject
from dishka import FromDishka
from fastapi import Depends, FastAPI, Request

from services import Container, DeployService

app = FastAPI()


@app.post("/deploy")
async def deploy(svc: FromDishka[DeployService], request: Request):
    return await svc.deploy(request, {})


@app.post("/deploy2")
async def deploy2(svc: Annotated[DeployService, FromDishka()], request: Request):
    return await svc.deploy(request, {})


@app.post("/deploy3")
@inject
async def deploy3(request: Request, svc: DeployService = Depends(Provide[Container.deploy_service])):
    return await svc.deploy(request, {})


@app.post("/preview")
async def preview(svc: FromDishka[DeployService]):
    return await svc.preview({})
`,
	})
	f := extractDir(t, dir)
	got := map[string]bool{}
	for _, r := range f.Apps[0].Routes {
		got[r.URL] = r.Auth
	}
	want := map[string]bool{"/deploy": true, "/deploy2": true, "/deploy3": true, "/preview": false}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("route auth = %v, want %v", got, want)
	}
}
