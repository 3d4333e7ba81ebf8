package facts

import (
	"fmt"
	"sort"
	"testing"
)

// routeFlags extracts app.py (with a requirements file) and lists each
// route as "handler handler_auth=.. cookie_only=..".
func routeFlags(t *testing.T, app string) []string {
	t.Helper()
	dir := writeTree(t, map[string]string{"requirements.txt": "fastapi==0.110.0\n", "app.py": app})
	var got []string
	for _, a := range extractDir(t, dir).Apps {
		for _, r := range a.Routes {
			got = append(got, fmt.Sprintf("%s handler_auth=%v cookie_only=%v", r.Handler, r.HandlerAuth, r.CookieOnly))
		}
	}
	sort.Strings(got)
	return got
}

// A handler that hands the caller's credential on authenticates in its
// body; one whose one effect is a cookie on the caller's browser changes
// nothing on the server, one that only echoes its request still counts.
func TestHandlerBodyShapes(t *testing.T) {
	got := routeFlags(t, `
from fastapi import BackgroundTasks, Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from bots import adapter, bot, slack_handler, store, get_db

app = FastAPI()
CACHE = {}


@app.post("/slack/events")
async def slack(req: Request):
    """Slack Bolt verifies the signing secret."""
    return await slack_handler.handle(req)


@app.post("/teams/events")
async def teams(req: Request):
    body = await req.json()
    auth_header = req.headers.get("Authorization", "")
    return await adapter.process_activity(body, auth_header, bot.on_turn)


@app.post("/hook")
async def hook(payload: dict, authorization: str = Header()):
    return await adapter.check(authorization, payload)


@app.post("/logged")
async def logged(req: Request):
    print(req.headers.get("Authorization"))
    auth = req.headers.get("X-Trace")
    await store.save(auth)
    return {}


@app.post("/forward")
async def forward(req: Request):
    body = await req.json()
    return await store.create(req)


@app.post("/set-session-cookie")
async def set_session_cookie(request: Request, response: Response):
    body = await request.json()
    session_id = body.get("session_id")
    if not session_id:
        raise HTTPException(status_code=400, detail="no id")
    is_local = request.client and request.client.host in ["127.0.0.1", "localhost"]
    response.set_cookie(key="sid", value=session_id, secure=not is_local)
    return {"message": "set"}


@app.post("/lang")
async def lang(code: str):
    r = JSONResponse({"ok": True})
    r.set_cookie("lang", str(code))
    return r


@app.post("/echo")
async def echo(request: Request):
    payload = await request.json()
    return payload


@app.post("/items")
async def add_item(item: dict):
    CACHE[item["id"]] = item
    return item


@app.post("/mail")
async def mail(to: str, tasks: BackgroundTasks):
    tasks.add_task(print, to)
    return {}


@app.post("/state")
async def state(request: Request):
    request.app.state.flag = True
    return {}


@app.post("/db")
async def db_write(item: dict, db=Depends(get_db)):
    return {}


@app.post("/loop")
async def loop(request: Request):
    for k in await request.json():
        store.add(k)
    return {}
`)
	want := []string{
		"add_item handler_auth=false cookie_only=false",
		"db_write handler_auth=false cookie_only=false",
		"echo handler_auth=false cookie_only=false",
		"forward handler_auth=false cookie_only=false",
		"hook handler_auth=true cookie_only=false",
		"lang handler_auth=false cookie_only=true",
		"logged handler_auth=false cookie_only=false",
		"loop handler_auth=false cookie_only=false",
		"mail handler_auth=false cookie_only=false",
		"set_session_cookie handler_auth=false cookie_only=true",
		"slack handler_auth=true cookie_only=false",
		"state handler_auth=false cookie_only=false",
		"teams handler_auth=true cookie_only=false",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("routes:\n got %q\nwant %q", got, want)
	}
}
