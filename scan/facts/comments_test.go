package facts

import (
	"reflect"
	"testing"
)

// Comments may stand anywhere in an argument list, a list or a dict, right
// after the opening bracket included: they never change what the values are.
func TestCommentsDoNotChangeArguments(t *testing.T) {
	dir := writeTree(t, map[string]string{"main.py": `
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
import requests

app = FastAPI()
app.add_middleware(  # let the SPA in
    # any origin, for now
    CORSMiddleware,  # from starlette
    allow_origins=[  # everyone
        "*",  # really
    ],
    # cookies too
    allow_credentials=True,
)

def get(url):
    return requests.get(  # the partner API
        url,  # from config
        # no CA bundle there
        verify=False,
        headers={  # auth
            # the key
            "X-Key": "k",
        },
    )
`})
	f := extractDir(t, dir)
	if len(f.Apps) != 1 {
		t.Fatalf("apps = %d", len(f.Apps))
	}
	cors := findMiddleware(t, f.Apps[0], "CORSMiddleware")
	if v := cors.Args["allow_origins"]; !reflect.DeepEqual(v.Value, []any{"*"}) || v.Line != 9 || v.Items[0].Line != 10 {
		t.Errorf("allow_origins = %+v, want [*] at line 9", v)
	}
	if v := cors.Args["allow_credentials"]; v.Value != true || v.Line != 13 {
		t.Errorf("allow_credentials = %+v, want true at line 13", v)
	}
	c := findCall(t, f.Calls, "main.py", 17, "requests.get")
	if len(c.Positional) != 1 || c.Positional[0].Text != "url" {
		t.Errorf("positional = %+v, want url", c.Positional)
	}
	if v := c.Args["verify"]; v.Value != false || v.Line != 20 {
		t.Errorf("verify = %+v", v)
	}
	if v := c.Args["headers"]; !reflect.DeepEqual(v.Value, map[string]any{"X-Key": "k"}) {
		t.Errorf("headers = %+v", v)
	}
}
