package facts

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// authLib is a module-level instance of a project class that carries a
// security scheme as an attribute and makes dependencies with methods,
// the way an application wraps its identity provider.
const authLib = `from fastapi import Depends, HTTPException, Request
from fastapi.security.base import SecurityBase


class VendorBearer(SecurityBase):
    def __init__(self, issuer, auto_error=True):
        self.issuer = issuer
        self.auto_error = auto_error

    async def __call__(self, request: Request):
        authorization = request.headers.get("Authorization")
        if not authorization:
            if self.auto_error:
                raise HTTPException(status_code=401, detail="Not authenticated")
            else:
                return None
        return authorization


class Lenient:
    async def __call__(self, request: Request):
        return request.headers.get("X-Tenant")


class AppAuth:
    def __init__(self, issuer, scheme=None):
        self.scheme = VendorBearer(issuer)
        self.injected = scheme
        self.tenant = Lenient()

    def permission(self, name):
        async def permission_dependency(token=Depends(self.scheme)):
            if name not in token:
                raise HTTPException(403, detail="missing permission")

        return permission_dependency

    def get_user(self):
        async def get_user_dependency(token=Depends(self.scheme)):
            return {"sub": token}

        return get_user_dependency

    def get_tenant(self):
        async def get_tenant_dependency(tenant=Depends(self.tenant)):
            return tenant

        return get_tenant_dependency

    async def verify(self, request: Request):
        if not request.headers.get("X-Key"):
            raise HTTPException(status_code=401)

    async def describe(self, request: Request):
        return {"path": request.url.path}


auth = AppAuth("https://issuer.example")
open_auth = AppAuth("https://issuer.example", scheme=Lenient())
strict_auth = AppAuth("https://issuer.example", scheme=VendorBearer("https://issuer.example"))
get_current_user = auth.get_user()
get_tenant = auth.get_tenant()


class Denied(Exception):
    def __init__(self, message="denied", status_code=401):
        super().__init__(message, status_code)


class Gate:
    def __init__(self, scopes):
        self.scopes = scopes

    async def __call__(self, request: Request):
        if not request.headers.get("Authorization"):
            raise Denied()
        return request


class ScopedGate(Gate):
    pass


def Authenticator(scopes) -> Gate:
    return ScopedGate(scopes)


_Read = Authenticator({"read"})
`

// TestIndirectAuthDependencies: a dependency reached through an instance
// (an attribute __init__ assigns, a method making the dependency, a bound
// method), through a module constant bound to a factory's result, or an
// instance whose inherited __call__ authenticates, is authentication for
// the reasons it would be if written directly; one that does not
// authenticate stays unauthenticated.
func TestIndirectAuthDependencies(t *testing.T) {
	tests := []struct {
		name, params, deco string
		auth               bool
	}{
		{"attribute assigned in __init__", "", `dependencies=[Depends(auth.scheme)]`, true},
		{"method making a dependency", "", `dependencies=[Security(auth.permission("items:read"))]`, true},
		{"constant bound to a method's dependency", "user=Security(get_current_user)", "", true},
		{"bound method", "", `dependencies=[Depends(auth.verify)]`, true},
		{"constructor argument kept as attribute", "", `dependencies=[Depends(strict_auth.injected)]`, true},
		{"constructor argument that does not check", "", `dependencies=[Depends(open_auth.injected)]`, false},
		{"attribute whose __call__ does not check", "", `dependencies=[Depends(auth.tenant)]`, false},
		{"method making a dependency that does not check", "tenant=Depends(get_tenant)", "", false},
		{"bound method that does not check", "", `dependencies=[Depends(auth.describe)]`, false},
		{"attribute never assigned", "", `dependencies=[Depends(auth.missing)]`, false},
		{"factory returning a callable instance", "subject=Depends(_Read)", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			deco := `@app.post("/items")`
			if tc.deco != "" {
				deco = `@app.post("/items", ` + tc.deco + `)`
			}
			dir := writeTree(t, map[string]string{
				"requirements.txt": "fastapi==0.110.0\n",
				"app/__init__.py":  "",
				"app/auth.py":      authLib,
				"app/main.py": fmt.Sprintf(`from fastapi import Depends, FastAPI, Security
from app.auth import _Read, auth, get_current_user, get_tenant, open_auth, strict_auth

app = FastAPI()


%s
async def create_item(%s):
    return {}
`, deco, tc.params),
			})
			f := extractDir(t, dir)
			if len(f.Apps) != 1 {
				t.Fatalf("apps = %d, want 1", len(f.Apps))
			}
			rt := findRoute(t, f.Apps[0].Routes, "POST", "/items")
			if rt.Auth != tc.auth {
				t.Errorf("route auth = %v, want %v; dependencies %+v", rt.Auth, tc.auth, rt.Dependencies)
			}
		})
	}
}

// TestIncludeRouterInstanceScheme: include_router(dependencies=[...]) with
// a scheme held by an instance covers every route of the router.
func TestIncludeRouterInstanceScheme(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"app/__init__.py":  "",
		"app/auth.py":      authLib,
		"app/api.py": `from fastapi import APIRouter

router = APIRouter()


@router.delete("/records/{rid}")
async def delete_record(rid: int):
    return {}
`,
		"app/main.py": `from fastapi import Depends, FastAPI
from app import api
from app.auth import auth

app = FastAPI()
app.include_router(api.router, prefix="/api", dependencies=[Depends(auth.scheme)])
`,
	})
	f := extractDir(t, dir)
	rt := findRoute(t, f.Apps[0].Routes, "DELETE", "/api/records/{rid}")
	if !rt.Auth {
		t.Errorf("route auth = false, want true; dependencies %+v", rt.Dependencies)
	}
	// The scheme's `else: return None` under `if self.auto_error` is the
	// switch FastAPI's own schemes have, not a failure let through.
	for _, d := range f.AuthDependencies {
		if d.Function == "VendorBearer.__call__" && len(d.ReturnsOnFailure) != 0 {
			t.Errorf("VendorBearer.__call__ returns on failure = %+v, want none", d.ReturnsOnFailure)
		}
	}
}

// TestGuardDependencyReturns: a dependency that rejects with 401/403 and
// never returns a value is a guard, whose bare returns let the request on;
// a dependency that returns a value (a user, False) on some path still
// has its None returns reported, as do those of dependencies that never
// reject.
func TestGuardDependencyReturns(t *testing.T) {
	tests := []struct {
		name string
		dep  string
		want []int // lines of returns_on_failure, relative to the def line
	}{
		{"guard, allow path returns", `async def require_role(request: Request):
    role = request.headers.get("remote-role")
    if role == "admin":
        return
    raise HTTPException(status_code=403, detail="admin only")
`, nil},
		{"guard, nothing to check returns None", `async def require_camera(camera: str | None = None, request: Request = None):
    if camera is None:
        return None
    if not request.headers.get("remote-user"):
        raise HTTPException(status_code=401)
    return
`, nil},
		{"guard raising a project exception", `async def require_key(request: Request):
    if request.headers.get("X-Key") == KEY:
        return
    raise Forbidden()
`, nil},
		{"returns a user, None on a failed check", `async def get_current_user(token: str = Depends(oauth2)):
    user = lookup(token)
    if user is None:
        return None
    if user.disabled:
        raise HTTPException(status_code=403)
    return user
`, []int{3}},
		{"returns False on a failed check", `async def check_token(token: str = Depends(oauth2)):
    if token != KEY:
        return False
    if token == "revoked":
        raise HTTPException(status_code=401)
`, []int{2}},
		{"never rejects", `async def get_current_user(token: str = Depends(oauth2)):
    if not token:
        return
    return lookup(token)
`, []int{2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := `from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer

oauth2 = OAuth2PasswordBearer(tokenUrl="token")
KEY = "k"


class Forbidden(HTTPException):
    def __init__(self, detail="forbidden", status_code=403):
        super().__init__(status_code=status_code, detail=detail)


def lookup(token):
    return token


` + tc.dep + `

app = FastAPI()


@app.get("/items", dependencies=[Depends(DEP)])
async def items():
    return []
`
			name, _, _ := strings.Cut(strings.TrimPrefix(tc.dep, "async def "), "(")
			src = strings.ReplaceAll(src, "DEP", name)
			defLine := 17
			dir := writeTree(t, map[string]string{"requirements.txt": "fastapi==0.110.0\n", "main.py": src})
			f := extractDir(t, dir)
			var got []int
			found := false
			for _, d := range f.AuthDependencies {
				if d.Function != name {
					continue
				}
				found = true
				for _, r := range d.ReturnsOnFailure {
					got = append(got, r.Line-defLine)
				}
			}
			if !found {
				t.Fatalf("%s is not an auth dependency: %+v", name, f.AuthDependencies)
			}
			sort.Ints(got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("returns on failure at def+%v, want def+%v", got, tc.want)
			}
		})
	}
}
