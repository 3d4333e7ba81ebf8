package facts

import (
	"reflect"
	"testing"
)

// TestDocsPages: routes that serve the app's docs themselves are listed
// with its docs: one returning FastAPI's docs page, or its own /docs or
// /redoc in place of a built-in page it turns off.
func TestDocsPages(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"own /docs after docs_url=None", `
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

app = FastAPI(docs_url=None)

@app.get("/docs", include_in_schema=False)
async def swagger():
    return HTMLResponse("<div id='swagger-ui'></div>")
`, []string{"/docs"}},
		{"get_swagger_ui_html at another URL", `
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html

app = FastAPI(docs_url=None, redoc_url=None)

@app.get("/api-docs", include_in_schema=False)
async def swagger():
    return get_swagger_ui_html(openapi_url=app.openapi_url, title="API")
`, []string{"/api-docs"}},
		{"get_redoc_html through the module", `
from fastapi import FastAPI
from fastapi.openapi import docs

app = FastAPI()

@app.get("/reference")
def reference():
    return docs.get_redoc_html(openapi_url="/openapi.json", title="API")
`, []string{"/reference"}},
		{"/docs while the built-in page is on", `
from fastapi import FastAPI

app = FastAPI()

@app.get("/docs/{name}")
def doc(name: str):
    return {"name": name}
`, []string{}},
		{"a POST at /docs", `
from fastapi import FastAPI

app = FastAPI(docs_url=None)

@app.post("/docs")
def upload():
    return {}
`, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := extractDir(t, writeTree(t, map[string]string{"main.py": tt.src}))
			if len(f.Apps) != 1 {
				t.Fatalf("apps = %d", len(f.Apps))
			}
			got := []string{}
			for _, p := range f.Apps[0].Docs.Pages {
				got = append(got, p.URL)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("docs pages = %q, want %q", got, tt.want)
			}
		})
	}
}
