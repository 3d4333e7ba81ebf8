package facts

import (
	"fmt"
	"reflect"
	"sort"
	"testing"
)

// TestCredentialComparisonClasses: comparisons that mention a credential
// but check none are not facts; the credential checks next to them are.
func TestCredentialComparisonClasses(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"auth.py": `
from pydantic import BaseModel, field_validator
from sqlalchemy import select

from settings import settings


class Register(BaseModel):
    password: str
    password_confirm: str

    @field_validator("password_confirm")
    @classmethod
    def same(cls, value, info):
        if value != info.data["password"]:
            raise ValueError("passwords do not match")
        return value


class Client:
    def __eq__(self, other):
        return other.token == self.token


class FakeHasher:
    def verify(self, password, hashed):
        return password == hashed


def change_password(body, user, db):
    if body.current_password == body.new_password:
        raise ValueError("same password")
    if body.password != body.password_repeat:
        raise ValueError("no match")
    if new_password == old_password:
        raise ValueError("same")
    if user.password == "LDAP":
        raise ValueError("ldap user")
    if authorization != "unknown":
        authorization = "REDACTED"
    if client.token_endpoint_auth_method == "none":
        return None
    if settings.SECRET_KEY == "changeme":
        raise RuntimeError("set SECRET_KEY")
    saved = db.users.update_password(user.id, password_hash)
    if saved.password != password_hash:
        raise RuntimeError("not saved")
    db.execute(select(User).where(User.api_key == api_key))
    if User.hashed_password == digest:
        pass


def check(request, user, x_api_key):
    if x_api_key != settings.API_KEY:
        raise PermissionError()
    if request.headers.get("X-Token") == user.token:
        return True
    if user.password == request.form["password"]:
        return True
    if password == "hunter2":
        return True
    if strength(password) == "weak":
        return False
    if hashlib.sha256(api_key.encode()).hexdigest() == user.key_digest:
        return True
    return False
`,
	})
	f := extractDir(t, dir)
	var got []string
	for _, c := range f.Comparisons {
		got = append(got, fmt.Sprintf("%d %s %s %s literal=%v", c.Line, c.Left, c.Op, c.Right, c.LiteralSide))
	}
	want := []string{
		`53 x_api_key != settings.API_KEY literal=false`,
		`55 request.headers.get("X-Token") == user.token literal=false`,
		`57 user.password == request.form["password"] literal=false`,
		`59 password == "****" literal=true`,
		// strength(password) is not the password; a digest of the key is the key.
		`63 hashlib.sha256(api_key.encode()).hexdigest() == user.key_digest literal=false`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("comparisons:\n got %q\nwant %q", got, want)
	}
}

// TestExceptionExposureClasses: exception text is a fact only where it
// reaches an HTTP answer, with the status and what was caught.
func TestExceptionExposureClasses(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"errors.py": `
class ShopError(Exception):
    pass


class StatusResponse:
    def __init__(self, error, balance):
        self.error = error
`,
		"services.py": `
import click

from errors import StatusResponse


def probe():
    try:
        return connect()
    except Exception as exc:
        return StatusResponse(str(exc), 0)


def run_job():
    try:
        work()
    except Exception as exc:
        return {"status": "error", "message": str(exc)}


def ping(host):
    try:
        return do_ping(host)
    except OSError as exc:
        return {"error": str(exc)}


@click.command()
def cli():
    try:
        work()
    except Exception as exc:
        return False, str(exc)
`,
		"main.py": `
from http import HTTPStatus

import jwt
import requests
from fastapi import FastAPI, HTTPException, status
from fastapi.responses import JSONResponse

from errors import ShopError
from services import ping, run_job

app = FastAPI()


@app.exception_handler(ValueError)
async def on_value_error(request, exc: ValueError):
    return JSONResponse(status_code=400, content={"detail": str(exc)})


@app.exception_handler(HTTPException)
async def on_http_error(request, exc: HTTPException):
    return JSONResponse(status_code=exc.status_code, content={"detail": str(exc)})


@app.post("/orders")
def create_order(order: dict):
    try:
        place(order)
    except ValueError as exc:
        raise HTTPException(status_code=status.HTTP_400_BAD_REQUEST, detail=str(exc))
    except ShopError as exc:
        raise HTTPException(HTTPStatus.CONFLICT, str(exc))
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise HTTPException(502, detail=f"upstream: {exc}")
    except jwt.ExpiredSignatureError as exc:
        raise HTTPException(401, detail=str(exc))
    except Exception as exc:
        return JSONResponse({"error": repr(exc)}, status_code=500)


@app.get("/ping/{host}")
def ping_route(host: str):
    result = ping(host)
    return result


@app.get("/job")
def job():
    run_job()
    return {"ok": True}


@app.get("/report")
def report():
    try:
        return build_report()
    except Exception as e:
        raise HTTPException(status_code=500, detail=f"Error building the report: {str(e)}")
`,
	})
	f := extractDir(t, dir)
	var got []string
	for _, e := range f.ExceptionExposures {
		got = append(got, fmt.Sprintf("%s:%d %s %s %s status=%d caught=%v %s", e.Path, e.Line, e.Kind, e.Sink, e.Function, e.Status, e.Caught, e.CaughtKind))
	}
	sort.Strings(got)
	want := []string{
		"main.py:16 str response on_value_error status=400 caught=[ValueError] validation",
		"main.py:29 str http_exception create_order status=400 caught=[ValueError] validation",
		"main.py:31 str http_exception create_order status=409 caught=[ShopError] app",
		"main.py:33 format http_exception create_order status=502 caught=[requests.ConnectionError requests.Timeout] other",
		"main.py:35 str http_exception create_order status=401 caught=[jwt.ExpiredSignatureError] validation",
		"main.py:37 repr response create_order status=500 caught=[Exception] broad",
		"main.py:57 str http_exception report status=500 caught=[Exception] broad",
		// ping's result is what the route returns; run_job's and probe's
		// are not answers, nor is the CLI's, nor an HTTPException's own
		// detail sent again by its handler.
		"services.py:24 str return ping status=0 caught=[OSError] other",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("exposures:\n got %q\nwant %q", got, want)
	}
}

// TestCommentsInArgumentLists: a comment anywhere in an argument list,
// right after the opening parenthesis included, is not an argument.
func TestCommentsInArgumentLists(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"main.py": `
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI(  # the API
    # docs stay on
    title="x",
)
app.add_middleware(  # CORS for the SPA
    # everything, for now
    CORSMiddleware,  # the class
    allow_origins=["*"],  # any site
    # and cookies
    allow_credentials=True,
)
`,
	})
	f := extractDir(t, dir)
	a := f.Apps[0]
	if len(a.Positional) != 0 || a.Args["title"].Value != "x" {
		t.Errorf("app arguments: positional %+v, args %+v", a.Positional, a.Args)
	}
	m := findMiddleware(t, a, "CORSMiddleware")
	if m.Line != 8 || m.EndLine != 14 || m.Args["allow_origins"].Line != 11 || m.Args["allow_credentials"].Value != true || len(m.Positional) != 0 {
		t.Errorf("middleware = %+v", m)
	}
	if a.Line != 4 || a.EndLine != 7 {
		t.Errorf("app at %d-%d, want 4-7", a.Line, a.EndLine)
	}
}

// TestEnvPlaceholders: dotenv values that are placeholders or references.
func TestEnvPlaceholders(t *testing.T) {
	dir := writeTree(t, map[string]string{
		".env": "SECRET_KEY=changethis\nDB_PASSWORD=${POSTGRES_PASSWORD}\nAPI_TOKEN=tok-93f1c2\nDEBUG=false\nSENTRY_DSN=\n",
	})
	f := extractDir(t, dir)
	got := map[string]string{}
	for _, e := range f.Env {
		got[e.Key] = fmt.Sprintf("redacted=%v placeholder=%v", e.Redacted, e.Placeholder)
	}
	want := map[string]string{
		"SECRET_KEY":  "redacted=true placeholder=true",
		"DB_PASSWORD": "redacted=false placeholder=true", // a reference names where the secret is, it holds none
		"API_TOKEN":   "redacted=true placeholder=false",
		"DEBUG":       "redacted=false placeholder=false",
		"SENTRY_DSN":  "redacted=false placeholder=false",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("env = %v, want %v", got, want)
	}
}

// TestIdentifierAndLookupComparisons: a session id against the caller's
// own token's jti compares identifiers; a row's field against the value
// the row was fetched by repeats the query. A row fetched by something
// else, or by part of the token, is still checked with ==.
func TestIdentifierAndLookupComparisons(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"sessions.py": `
def list_sessions(sessions, current_token_jti):
    return [{"current": str(s.id) == current_token_jti} for s in sessions]


def verify_login_token(db, schema):
    token = db.query(TokenLogin).filter_by(token=schema.token).first()
    if token.token != schema.token:
        raise ValueError()
    row = db.query(ApiKey).filter(ApiKey.key == key).first()
    if row.key != key:
        raise ValueError()


def by_other_field(db, schema, token):
    user = db.query(User).filter_by(email=schema.email).first()
    if user.token != schema.token:
        raise ValueError()
    row = find_by_prefix(token[:8])
    if row.token != token[:8] + token[8:]:
        raise ValueError()
    admin = db.query(Admin).filter_by(token=schema.other).first()
    if admin.token != schema.token:
        raise ValueError()
`,
	})
	var got []string
	for _, c := range extractDir(t, dir).Comparisons {
		got = append(got, fmt.Sprintf("%d %s %s %s", c.Line, c.Left, c.Op, c.Right))
	}
	want := []string{
		`16 user.token != schema.token`,
		`19 row.token != token[:8] + token[8:]`,
		`22 admin.token != schema.token`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("comparisons:\n got %q\nwant %q", got, want)
	}
}
