package facts

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// appEffects summarises what each app of a project has attached: its
// middleware (with allow_origins for CORS), @app.middleware functions,
// routes and attributes, each at its file:line.
func appEffects(f *Facts) map[string][]string {
	out := map[string][]string{}
	for _, a := range f.Apps {
		k := a.Path + ":" + a.Var
		got := []string{}
		for _, m := range a.Middleware {
			s := fmt.Sprintf("mw %s %s:%d", m.Class, m.Path, m.Line)
			if v, ok := m.Args["allow_origins"]; ok {
				s += fmt.Sprintf(" origins=%v", v.Value)
			}
			got = append(got, s)
		}
		for _, h := range a.HTTPMiddleware {
			got = append(got, fmt.Sprintf("http %s %s:%d", h.Function, h.Path, h.Line))
		}
		for _, r := range a.Routes {
			got = append(got, fmt.Sprintf("route %s %s %s:%d", strings.Join(r.Methods, ","), r.URL, r.Path, r.Line))
		}
		for _, at := range a.Attributes {
			got = append(got, fmt.Sprintf("attr %s %s:%d", at.Target, at.Path, at.Line))
		}
		slices.Sort(got)
		out[k] = got
	}
	return out
}

// corsHelper is a helper module that adds CORS to the app it is given,
// with its origins in a local variable (lines 5-6).
const corsHelper = `
from fastapi.middleware.cors import CORSMiddleware


def add_cors(app):
    origins = ["*"]
    app.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=True)
`

const corsMw = "mw CORSMiddleware helpers/cors.py:6 origins=[*]"

// What a helper in another module does to the app given to it is
// attached to the app, at the helper's line: whatever the import style,
// at module level or in a factory, along chains, once per app.
func TestHelpersAcrossModules(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  map[string][]string
	}{{
		name: "from import, in a factory",
		files: map[string]string{
			"helpers/cors.py": corsHelper,
			"server.py": `
from fastapi import FastAPI
from helpers.cors import add_cors


def create_app():
    app = FastAPI()
    add_cors(app)
    return app
`,
			"main.py": `
from server import create_app

app = create_app()
`,
		},
		want: map[string][]string{"server.py:app": {corsMw}},
	}, {
		name: "module import, at module level",
		files: map[string]string{
			"helpers/__init__.py": "",
			"helpers/cors.py":     corsHelper,
			"main.py": `
from fastapi import FastAPI
import helpers.cors

app = FastAPI()
helpers.cors.add_cors(app)
`,
		},
		want: map[string][]string{"main.py:app": {corsMw}},
	}, {
		name: "aliased module, keyword argument, relative import",
		files: map[string]string{
			"pkg/__init__.py":         "",
			"pkg/helpers/__init__.py": "",
			"pkg/helpers/cors.py":     corsHelper,
			"pkg/main.py": `
from fastapi import FastAPI
from .helpers import cors as c

application = FastAPI()
c.add_cors(app=application)
`,
		},
		want: map[string][]string{"pkg/main.py:application": {"mw CORSMiddleware pkg/helpers/cors.py:6 origins=[*]"}},
	}, {
		name: "module-level call on an app a factory builds",
		files: map[string]string{
			"helpers/cors.py": corsHelper,
			"server.py": `
from fastapi import FastAPI


def create_app():
    app = FastAPI()
    return app
`,
			"main.py": `
from server import create_app
from helpers.cors import add_cors

application = create_app()
add_cors(application)
`,
		},
		want: map[string][]string{"server.py:app": {corsMw}},
	}, {
		name: "chain of two helpers, parameters named otherwise",
		files: map[string]string{
			"helpers/cors.py": corsHelper,
			"helpers/handle.py": `
from fastapi.middleware.gzip import GZipMiddleware
from helpers.cors import add_cors


def handle_middleware(application):
    add_cors(application)
    application.add_middleware(GZipMiddleware)
`,
			"server.py": `
from fastapi import FastAPI
from helpers.handle import handle_middleware


def create_app():
    app = FastAPI()
    handle_middleware(app)
    return app
`,
		},
		want: map[string][]string{"server.py:app": {corsMw, "mw GZipMiddleware helpers/handle.py:7"}},
	}, {
		name: "helpers that do not touch the app",
		files: map[string]string{
			"helpers/cors.py": `
from fastapi.middleware.cors import CORSMiddleware


def log_app(app):
    print(app.title)


def configure(other, app):
    other.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
`,
			"main.py": `
from fastapi import FastAPI
from helpers.cors import configure, log_app

app = FastAPI()
log_app(app)
configure(None, app)
`,
		},
		want: map[string][]string{"main.py:app": {}},
	}, {
		name: "helpers that call each other: a cycle, each effect once",
		files: map[string]string{
			"a.py": `
from fastapi.middleware.gzip import GZipMiddleware


def setup_a(app):
    from b import setup_b
    setup_b(app)
    app.add_middleware(GZipMiddleware)
`,
			"b.py": `
from fastapi.middleware.cors import CORSMiddleware
from a import setup_a


def setup_b(app):
    setup_a(app)
    app.add_middleware(CORSMiddleware, allow_origins=["*"])
`,
			"main.py": `
from fastapi import FastAPI
from a import setup_a

app = FastAPI()
setup_a(app)
setup_a(app)
`,
		},
		want: map[string][]string{"main.py:app": {"mw CORSMiddleware b.py:7 origins=[*]", "mw GZipMiddleware a.py:7"}},
	}, {
		name: "one helper given two apps: both get it",
		files: map[string]string{
			"helpers/cors.py": corsHelper,
			"main.py": `
from fastapi import FastAPI
from helpers.cors import add_cors

app = FastAPI()
admin = FastAPI()
add_cors(app)
add_cors(admin)
`,
		},
		want: map[string][]string{"main.py:app": {corsMw}, "main.py:admin": {corsMw}},
	}, {
		name: "same module, parameter named like the app: attached once",
		files: map[string]string{
			"main.py": `
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware


def add_cors(app):
    app.add_middleware(CORSMiddleware, allow_origins=["*"])


app = FastAPI()
add_cors(app)
`,
		},
		want: map[string][]string{"main.py:app": {"mw CORSMiddleware main.py:6 origins=[*]"}},
	}, {
		name: "routers, routes, http middleware and attributes in helpers",
		files: map[string]string{
			"api/users.py": `
from fastapi import APIRouter

router = APIRouter(prefix="/users")


@router.get("/")
def users():
    return []
`,
			"setup.py": `
from api import users


def register_routers(app):
    app.include_router(users.router)


def register_extras(app):
    app.debug = True

    @app.middleware("http")
    async def add_header(request, call_next):
        return await call_next(request)

    @app.get("/health")
    def health():
        return "ok"


class Setup:
    @classmethod
    def all(cls, app):
        register_routers(app)
        register_extras(app)
`,
			"main.py": `
from fastapi import FastAPI
from setup import Setup

app = FastAPI()
Setup.all(app)
`,
		},
		want: map[string][]string{"main.py:app": {
			"attr app.debug setup.py:9",
			"http add_header setup.py:12",
			"route GET /health setup.py:16",
			"route GET /users/ api/users.py:7",
		}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := appEffects(extractDir(t, writeTree(t, tt.files)))
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("apps:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}
