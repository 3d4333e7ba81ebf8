package facts

import (
	"reflect"
	"strings"
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

// A file that parses in part gives one skipped entry at its first bad
// line, naming every part not understood.
func TestSyntaxErrorsNamedOnce(t *testing.T) {
	dir := writeTree(t, map[string]string{"tpl.py": "import os\nx = t\"{value}\"\ny = 1\n\n\nz = t\"{a}\"\nSECRET_KEY = 'dev-Secret-42'\n"})
	f := extractDir(t, dir)
	if len(f.Skipped) != 1 {
		t.Fatalf("skipped = %+v, want one entry", f.Skipped)
	}
	s := f.Skipped[0]
	if s.Line != 2 || !strings.Contains(s.Reason, "at lines 2, 6") || !strings.Contains(s.Reason, "the rest of the file was analysed") {
		t.Errorf("skipped = %+v", s)
	}
	if len(f.SecretLiterals) != 1 || f.SecretLiterals[0].Line != 7 {
		t.Errorf("secrets = %+v, want the constant of line 7", f.SecretLiterals)
	}
}
