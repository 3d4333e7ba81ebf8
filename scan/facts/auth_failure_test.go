package facts

import (
	"reflect"
	"strings"
	"testing"
)

// extractMain extracts the facts of a project whose only module is main.py.
func extractMain(t *testing.T, src string) *Facts {
	t.Helper()
	dir := writeTree(t, map[string]string{"requirements.txt": "fastapi==0.110.0\n", "main.py": src})
	return extractDir(t, dir)
}

// lineOf is the 1-based line of the first line of src containing marker.
func lineOf(t *testing.T, src, marker string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, marker) {
			return i + 1
		}
	}
	t.Fatalf("no line contains %q", marker)
	return 0
}

// failureLines are the lines of rs, in order.
func failureLines(rs []FailureReturn) []int {
	out := []int{}
	for _, r := range rs {
		out = append(out, r.Line)
	}
	return out
}

// TestFailureReturnThroughVariable: a login handler that builds its
// rejection in a variable and returns the variable rejects; a variable
// holding an ordinary answer is still a failure let through.
func TestFailureReturnThroughVariable(t *testing.T) {
	const head = `from fastapi import FastAPI, status
from fastapi.responses import JSONResponse


class JsonResponseDict(JSONResponse):
    def __init__(self, message, status_code=200):
        super().__init__(content={"message": message}, status_code=status_code)


app = FastAPI()


@app.post("/login")
async def login(password: str):
    user = lookup(password)
    if not user:
`
	tests := []struct {
		name string
		body string
		want bool // the marked return is a failure let through
	}{
		{"subclass with a 401 constant", `        response = JsonResponseDict("bad", status_code=status.HTTP_401_UNAUTHORIZED)
        return response  # MARK`, false},
		{"subclass with a 422 constant", `        response = JsonResponseDict("bad", status_code=status.HTTP_422_UNPROCESSABLE_ENTITY)
        return response  # MARK`, false},
		{"positional status of a response", `        resp = JSONResponse({"error": "bad"}, 401)
        return resp  # MARK`, false},
		{"helper given a status constant", `        resp = make_answer("bad", status.HTTP_403_FORBIDDEN)
        return resp  # MARK`, false},
		{"variable of a variable", `        resp = JSONResponse({"error": "bad"}, status_code=401)
        out = resp
        return out  # MARK`, false},
		{"awaited helper named for an error", `        resp = await error_response("bad")
        return resp  # MARK`, false},
		{"variable holding a 200", `        response = JsonResponseDict("bad")
        return response  # MARK`, true},
		{"variable holding a dict", `        response = {"message": "User not found"}
        return response  # MARK`, true},
		{"last assignment wins", `        response = JSONResponse({"error": "bad"}, status_code=401)
        response = {"message": "ok"}
        return response  # MARK`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := head + tc.body + "\n    return {\"token\": user}\n"
			f := extractMain(t, src)
			var got []int
			for _, a := range f.Apps {
				for _, r := range a.Routes {
					if r.Handler == "login" {
						got = failureLines(r.FailureReturns)
					}
				}
			}
			var want []int
			if tc.want {
				want = []int{lineOf(t, src, "# MARK")}
			}
			if len(got) == 0 && len(want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("failure returns at %v, want %v", got, want)
			}
		})
	}
}

// TestDelegatedDependencyReturns: a dependency that receives an
// authentication dependency lets a failure through only where it decides
// on what it received; its other bare returns (a rate limiter under the
// limit, failing open) are not authentication.
func TestDelegatedDependencyReturns(t *testing.T) {
	const head = `from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import OAuth2PasswordBearer

oauth2 = OAuth2PasswordBearer(tokenUrl="token")


async def get_current_user(token: str = Depends(oauth2)):
    user = decode(token)
    if user is None:
        raise HTTPException(status_code=401)
    return user


`
	tests := []struct {
		name string
		dep  string
		want []string // markers of the returns let through
	}{
		{"rate limiter", `async def limit(principal=Depends(get_current_user)) -> None:
    if settings.disabled:
        return
    try:
        allowed = await hit(principal.id)
    except TimeoutError:
        if policy.fail_open:
            return  # A
        raise HTTPException(status_code=503)
    if allowed:
        return  # B
    raise HTTPException(status_code=429)`, nil},
		{"inactive user let through", `async def limit(current_user=Depends(get_current_user)):
    if not current_user.is_active:
        return None  # A
    return current_user`, []string{"# A"}},
		{"attribute test of the received user", `async def limit(current_user=Depends(get_current_user)):
    if current_user.role == "guest":
        return None  # A
    elif quota.exceeded:
        return None  # B
    return current_user`, []string{"# A"}},
		{"attribute of the same name is not the parameter", `async def limit(request, user=Depends(get_current_user)):
    if request.user:
        return None  # A
    return user`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := head + tc.dep + "\n\n\napp = FastAPI()\n\n\n@app.get(\"/items\", dependencies=[Depends(limit)])\nasync def items():\n    return []\n"
			f := extractMain(t, src)
			found := false
			var got []int
			for _, d := range f.AuthDependencies {
				if d.Function == "limit" {
					found = true
					got = failureLines(d.ReturnsOnFailure)
				}
			}
			if !found {
				t.Fatalf("limit is not an auth dependency: %+v", f.AuthDependencies)
			}
			want := []int{}
			for _, m := range tc.want {
				want = append(want, lineOf(t, src, m))
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("returns on failure at %v, want %v", got, want)
			}
		})
	}
}

// TestOptionalThroughAlias: an Optional-returning dependency consumed
// through a type alias (CurrentTenant = Annotated[UUID | None,
// Depends(...)]) is optional when the alias says None, not otherwise.
func TestOptionalThroughAlias(t *testing.T) {
	tests := []struct {
		name  string
		alias string
		want  bool
	}{
		{"alias allows None", "Annotated[UUID | None, Depends(get_tenant_id)]", true},
		{"alias with Optional", "Annotated[Optional[UUID], Depends(get_tenant_id)]", true},
		{"alias requires a value", "Annotated[UUID, Depends(get_tenant_id)]", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := `from typing import Annotated, Optional
from uuid import UUID

from fastapi import Depends, FastAPI
from fastapi.security import HTTPBearer

security = HTTPBearer(auto_error=False)


async def get_tenant_id(credentials=Depends(security)) -> UUID | None:
    if not credentials:
        return None
    return UUID(credentials.credentials)


CurrentTenant = ` + tc.alias + `

app = FastAPI()


@app.get("/items")
async def items(tenant_id: CurrentTenant):
    return []


async def helper(tenant_id: CurrentTenant):
    return tenant_id
`
			f := extractMain(t, src)
			found := false
			for _, d := range f.AuthDependencies {
				if d.Function == "get_tenant_id" {
					found = true
					if d.Optional != tc.want {
						t.Errorf("optional = %v, want %v", d.Optional, tc.want)
					}
				}
			}
			if !found {
				t.Fatalf("get_tenant_id is not an auth dependency: %+v", f.AuthDependencies)
			}
		})
	}
}
