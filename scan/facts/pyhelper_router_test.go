package facts

import (
	"fmt"
	"slices"
	"testing"
)

// usersRouter is a router module with one route needing auth and one
// without (lines 9 and 14).
const usersRouter = `
from fastapi import APIRouter, Depends

from auth import current_user

router = APIRouter(prefix="/users")


@router.get("/me")
def me(user=Depends(current_user)):
    return user


@router.post("/")
def create():
    return {}
`

const authModule = `
def current_user():
    return "someone"
`

// routeAttachment summarises where each route of a project ends up: the
// app (file:var) and URL it is attached to, with auth, or "unattached".
func routeAttachment(f *Facts) []string {
	var out []string
	for _, a := range f.Apps {
		for _, r := range a.Routes {
			out = append(out, fmt.Sprintf("%s:%s %s %s:%d auth=%v", a.Path, a.Var, r.URL, r.Path, r.Line, r.Auth))
		}
	}
	for _, r := range f.UnattachedRoutes {
		out = append(out, fmt.Sprintf("unattached %s %s:%d", r.URL, r.Path, r.Line))
	}
	slices.Sort(out)
	return out
}

// A router given to a helper that includes it is the caller's router:
// its routes are attached to the app, under the include's own prefix and
// dependencies, however the router is passed and along chains of helpers.
func TestHelperIncludesRouterParameter(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{{
		name: "router by position, include prefix kept",
		files: map[string]string{
			"versioning.py": `
def add_versioned_routers(app, api_router, versions):
    app.include_router(api_router, prefix="/v1")
`,
			"main.py": `
from fastapi import FastAPI
from users import router
from versioning import add_versioned_routers


def create_app():
    app = FastAPI()
    add_versioned_routers(app, router, ["v1"])
    return app
`,
		},
		want: []string{
			"main.py:app /v1/users/ users.py:14 auth=false",
			"main.py:app /v1/users/me users.py:9 auth=true",
		},
	}, {
		name: "router by keyword, include dependencies kept",
		files: map[string]string{
			"register.py": `
from fastapi import Depends

from auth import current_user


def register(app, *, api_router):
    app.include_router(api_router, prefix="/api", dependencies=[Depends(current_user)])
`,
			"main.py": `
from fastapi import FastAPI
from users import router as users_router
import register

app = FastAPI()
register.register(app, api_router=users_router)
`,
		},
		want: []string{
			"main.py:app /api/users/ users.py:14 auth=true",
			"main.py:app /api/users/me users.py:9 auth=true",
		},
	}, {
		name: "through two helpers",
		files: map[string]string{
			"setup.py": `
from routes import mount_api


def setup(application, r):
    mount_api(application, r)
`,
			"routes.py": `
def mount_api(target, api):
    target.include_router(api, prefix="/v2")
`,
			"main.py": `
from fastapi import FastAPI
from users import router
from setup import setup

app = FastAPI()
setup(app, router)
`,
		},
		want: []string{
			"main.py:app /v2/users/ users.py:14 auth=false",
			"main.py:app /v2/users/me users.py:9 auth=true",
		},
	}, {
		name: "the same helper given two routers",
		files: map[string]string{
			"items.py": `
from fastapi import APIRouter

router = APIRouter(prefix="/items")


@router.delete("/{id}")
def remove(id: int):
    return {}
`,
			"helper.py": `
def add(app, r):
    app.include_router(r, prefix="/api")
`,
			"main.py": `
from fastapi import FastAPI
import items
import users
from helper import add

app = FastAPI()
add(app, users.router)
add(app, items.router)
`,
		},
		want: []string{
			"main.py:app /api/items/{id} items.py:7 auth=false",
			"main.py:app /api/users/ users.py:14 auth=false",
			"main.py:app /api/users/me users.py:9 auth=true",
		},
	}, {
		name: "router given to a helper that includes it into its module's app",
		files: map[string]string{
			"main.py": `
from fastapi import FastAPI

app = FastAPI()


def plug(r):
    app.include_router(r, prefix="/plugins")
`,
			"plugins.py": `
from main import plug
from users import router

plug(router)
`,
		},
		want: []string{
			"main.py:app /plugins/users/ users.py:14 auth=false",
			"main.py:app /plugins/users/me users.py:9 auth=true",
		},
	}, {
		name: "a helper that includes a router it builds itself",
		files: map[string]string{
			"helper.py": `
from fastapi import APIRouter

own = APIRouter(prefix="/own")


@own.get("/ping")
def ping():
    return "pong"


def add_own(app, unused):
    app.include_router(own, prefix="/x")
`,
			"main.py": `
from fastapi import FastAPI
from users import router
from helper import add_own

app = FastAPI()
add_own(app, router)
`,
		},
		want: []string{
			"main.py:app /x/own/ping helper.py:7 auth=false",
			"unattached /users/ users.py:14",
			"unattached /users/me users.py:9",
		},
	}, {
		name: "a router argument that is no router: nothing attached",
		files: map[string]string{
			"helper.py": `
def add(app, r):
    app.include_router(r)
`,
			"main.py": `
from fastapi import FastAPI
from helper import add

app = FastAPI()
add(app, make_router())
`,
		},
		want: []string{
			"unattached /users/ users.py:14",
			"unattached /users/me users.py:9",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"users.py": usersRouter, "auth.py": authModule}
			for k, v := range tt.files {
				files[k] = v
			}
			got := routeAttachment(extractDir(t, writeTree(t, files)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("routes:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// A router built from the APIRouter subclass a class factory returns
// (APIRouter = get_api_router_class(APIRoute)) is a router: its routes
// reach the app that includes it; a name bound to a factory returning
// some other class is not.
func TestClassFactoryRouter(t *testing.T) {
	routing := `
from fastapi import APIRouter as _APIRouter
from fastapi.routing import APIRoute


def get_api_router_class(route_class):
    class _CustomAPIRouter(_APIRouter):
        def __init__(self, *args, **kwargs):
            kwargs["route_class"] = route_class
            super().__init__(*args, **kwargs)

    return _CustomAPIRouter


def get_other_class():
    class Other:
        pass

    return Other


APIRouter = get_api_router_class(APIRoute)
NotARouter = get_other_class()
`
	tests := []struct {
		name, class string
		want        []string
	}{
		{"class factory's APIRouter subclass", "APIRouter", []string{"main.py:app /v1/things/{id} things.py:7 auth=false"}},
		{"class factory's other class", "NotARouter", []string{"unattached /{id} things.py:7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{
				"routing.py": routing,
				"things.py": fmt.Sprintf(`
from routing import %s

router = %s(prefix="/things")


@router.delete("/{id}")
def remove(id: int):
    return None
`, tt.class, tt.class),
				"main.py": `
from fastapi import FastAPI
from things import router

app = FastAPI()
app.include_router(router, prefix="/v1")
`,
			}
			got := routeAttachment(extractDir(t, writeTree(t, files)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("routes:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
