package facts

import (
	"testing"
)

// hasAuthTree is a project of several FastAPI apps: an API server that
// checks an API key, an internal worker and a controller that check
// nothing (separate processes), an app whose authentication comes from a
// router it includes from another module, and two pairs of apps mounted
// one in the other.
var hasAuthTree = map[string]string{
	"requirements.txt":   "fastapi==0.110.0\n",
	"server/__init__.py": "",
	"server/api.py": `from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPBearer

bearer = HTTPBearer(auto_error=False)
api = FastAPI()


async def check_api_key(auth=Depends(bearer)):
    if auth is None or auth.credentials != "k":
        raise HTTPException(status_code=401)
    return auth.credentials


@api.post("/v1/chat", dependencies=[Depends(check_api_key)])
async def chat():
    return {}


@api.post("/api/v1/chat")
async def chat_again():
    return {}
`,
	"server/worker.py": `from fastapi import FastAPI

worker = FastAPI()


@worker.post("/worker_generate")
async def generate():
    return {}
`,
	"server/controller.py": `from fastapi import FastAPI

controller = FastAPI()


@controller.post("/receive_heart_beat")
async def heart_beat():
    return {}
`,
	"server/routes.py": `from fastapi import APIRouter, Depends

from server.api import check_api_key

router = APIRouter(dependencies=[Depends(check_api_key)])


@router.post("/items")
async def create_item():
    return {}
`,
	"server/main.py": `from fastapi import FastAPI

from server.routes import router

main = FastAPI()
main.include_router(router, prefix="/api")


@main.post("/upload")
async def upload():
    return {}
`,
	"server/mounted.py": `from fastapi import Depends, FastAPI

from server.api import check_api_key

outer = FastAPI()
inner = FastAPI()


@outer.post("/open")
async def open_route():
    return {}


@inner.post("/guarded")
async def guarded(key=Depends(check_api_key)):
    return {}


outer.mount("/inner", inner)

shell = FastAPI(dependencies=[Depends(check_api_key)])
sub = FastAPI()


@sub.post("/write")
async def write():
    return {}


shell.mount("/sub", sub)
`,
}

// TestHasAuthPerApp: an app authenticates when its own routes, the
// routers it includes, its own dependencies or middleware do, or an app
// it is mounted in or that is mounted in it does; another app of the
// same project authenticating does not count.
func TestHasAuthPerApp(t *testing.T) {
	f := extractDir(t, writeTree(t, hasAuthTree))
	got := map[string]bool{}
	for _, a := range f.Apps {
		got[a.Var] = a.HasAuth
	}
	tests := []struct {
		app  string
		want bool
	}{
		{"api", true},         // a route's dependency
		{"worker", false},     // only another app of the project authenticates
		{"controller", false}, // likewise
		{"main", true},        // an included router from another module
		{"outer", true},       // the app mounted in it authenticates
		{"inner", true},       // its own route
		{"shell", true},       // an app-level dependency
		{"sub", true},         // mounted in an app that authenticates
	}
	for _, tt := range tests {
		h, ok := got[tt.app]
		if !ok {
			t.Errorf("no app %s among %v", tt.app, got)
			continue
		}
		if h != tt.want {
			t.Errorf("%s: has_auth %v, want %v", tt.app, h, tt.want)
		}
	}
}
