package facts

import (
	"fmt"
	"testing"
)

// guardLib is a policy-guard module: a factory builds an authenticator
// in a local variable and returns an inner dependency that depends on it
// (polar's PayoutAccountPolicyGuard), next to one whose local is a
// dependency that does not check anything.
const guardLib = `
from typing import Annotated

from fastapi import Depends, HTTPException


class _Authenticator:
    def __init__(self, scopes):
        self.scopes = scopes

    async def __call__(self, token: str = ""):
        if not token:
            raise HTTPException(status_code=401)
        return token


def Authenticator(scopes):
    return _Authenticator(scopes)


def get_db():
    return "db"


def OwnerGuard():
    _authenticator = Authenticator({"write"})

    async def dependency(id: int, subject: Annotated[str, Depends(_authenticator)]):
        if subject != "owner":
            raise LookupError(id)
        return subject

    return dependency


def LoaderGuard():
    _loader = get_db

    async def dependency(id: int, db: Annotated[str, Depends(_loader)]):
        return db

    return dependency


AuthorizeOwner = Annotated[str, Depends(OwnerGuard())]
LoadOnly = Annotated[str, Depends(LoaderGuard())]
`

// A dependency given as a local variable of the function around it (a
// closure, evaluated where the inner function is defined) is the value
// that variable holds.
func TestClosureDependencyAuth(t *testing.T) {
	tests := []struct {
		name, param string
		auth        bool
	}{
		{"inner dependency on an authenticator built by the factory", "authz: AuthorizeOwner", true},
		{"inner dependency on a local that does not check", "loaded: LoadOnly", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{
				"app/__init__.py": "",
				"app/guards.py":   guardLib,
				"app/main.py": fmt.Sprintf(`from fastapi import FastAPI
from app.guards import AuthorizeOwner, LoadOnly

app = FastAPI()


@app.delete("/items/{id}")
async def delete_item(%s):
    return None
`, tc.param),
			})
			f := extractDir(t, dir)
			if len(f.Apps) != 1 {
				t.Fatalf("apps = %d, want 1", len(f.Apps))
			}
			rt := findRoute(t, f.Apps[0].Routes, "DELETE", "/items/{id}")
			if rt.Auth != tc.auth {
				t.Errorf("route auth = %v, want %v; dependencies %+v", rt.Auth, tc.auth, rt.Dependencies)
			}
		})
	}
}
