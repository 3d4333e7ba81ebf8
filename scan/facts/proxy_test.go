package facts

import (
	"fmt"
	"reflect"
	"sort"
	"testing"
)

const tinyApp = `
from fastapi import FastAPI

app = FastAPI()
`

func proxies(f *Facts) []string {
	var out []string
	for _, p := range f.TLSProxies {
		out = append(out, fmt.Sprintf("%s %s:%d %s hsts=%v", p.Kind, p.Path, p.Line, p.What, p.HSTS))
	}
	sort.Strings(out)
	return out
}

func appTLS(f *Facts) map[string]TLS {
	out := map[string]TLS{}
	for _, a := range f.Apps {
		out[a.Path] = a.TLS
	}
	return out
}

// TestTLSProxies: Traefik, Caddy and Kubernetes Ingress terminate TLS in
// front of the apps, like nginx.
func TestTLSProxies(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  []string // TLS proxy facts
		tls   bool     // the app counts as served over TLS
	}{{
		name: "traefik labels (list) and entry point redirect",
		files: map[string]string{
			"docker-compose.yml": `
services:
  proxy:
    image: traefik:3
    command:
      - --entrypoints.http.address=:80
      - --entrypoints.http.http.redirections.entrypoint.scheme=https
  api:
    build: ./backend
    labels:
      - traefik.http.routers.api.rule=Host(` + "`api.example.com`" + `)
      - traefik.http.routers.api.tls=true
`,
		},
		want: []string{
			"traefik docker-compose.yml:11 label of service api: traefik.http.routers.api.tls=true hsts=false",
			"traefik docker-compose.yml:6 command of service proxy: --entrypoints.http.http.redirections.entrypoint.scheme=https hsts=false",
		},
		tls: true,
	}, {
		name: "traefik labels (map) with a cert resolver and HSTS",
		files: map[string]string{
			"compose.yaml": `
services:
  api:
    labels:
      traefik.http.routers.api.tls.certresolver: le
      traefik.http.middlewares.sec.headers.stsSeconds: "31536000"
`,
		},
		want: []string{"traefik compose.yaml:4 label of service api: traefik.http.routers.api.tls.certresolver=le hsts=true"},
		tls:  true,
	}, {
		name: "traefik without TLS",
		files: map[string]string{
			"docker-compose.yml": `
services:
  api:
    labels:
      - traefik.enable=true
      - traefik.http.routers.api.entrypoints=web
      - traefik.http.routers.api.tls=false
`,
		},
		tls: false,
	}, {
		name: "caddy site with automatic HTTPS",
		files: map[string]string{
			"deploy/Caddyfile": "# the API\napi.example.com {\n\treverse_proxy api:8000\n\theader Strict-Transport-Security max-age=31536000\n}\n",
		},
		want: []string{"caddy deploy/Caddyfile:2 site api.example.com hsts=true"},
		tls:  true,
	}, {
		name: "caddy over plain HTTP",
		files: map[string]string{
			"Caddyfile": ":80 {\n\treverse_proxy api:8000\n}\nhttp://api.example.com {\n\treverse_proxy api:8000\n}\n",
		},
		tls: false,
	}, {
		name: "kubernetes ingress with tls",
		files: map[string]string{
			"k8s/ingress.yaml": `
apiVersion: v1
kind: Service
metadata:
  name: api
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
spec:
  tls:
    - hosts: [api.example.com]
      secretName: api-tls
  rules: []
`,
			"k8s/other.yaml":           "apiVersion: apps/v1\nkind: Deployment\n",
			".github/workflows/ci.yml": "on: push\njobs: {}\n",
		},
		want: []string{"ingress k8s/ingress.yaml:12 Ingress with spec.tls hsts=false"},
		tls:  true,
	}, {
		name: "kubernetes ingress forcing the redirect",
		files: map[string]string{
			"ingress.yml": `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  annotations:
    nginx.ingress.kubernetes.io/force-ssl-redirect: "true"
spec:
  rules: []
`,
		},
		want: []string{"ingress ingress.yml:5 Ingress annotation nginx.ingress.kubernetes.io/force-ssl-redirect: true hsts=false"},
		tls:  true,
	}, {
		name: "helm template",
		files: map[string]string{
			"chart/templates/ingress.yaml": "{{- if .Values.ingress.enabled }}\napiVersion: networking.k8s.io/v1\nkind: Ingress\nspec:\n  {{- if .Values.ingress.tls }}\n  tls:\n    {{- toYaml .Values.ingress.tls | nindent 4 }}\n  {{- end }}\n{{- end }}\n",
		},
		want: []string{"ingress chart/templates/ingress.yaml:6 tls: in a templated Ingress hsts=false"},
		tls:  true,
	}, {
		name: "ingress without tls",
		files: map[string]string{
			"ingress.yaml": "apiVersion: networking.k8s.io/v1\nkind: Ingress\nspec:\n  rules: []\n",
		},
		tls: false,
	}, {
		name: "nginx",
		files: map[string]string{
			"nginx/app.conf": "server {\n  listen 443 ssl;\n  add_header Strict-Transport-Security max-age=1;\n}\n",
		},
		want: []string{"nginx nginx/app.conf:2 listen 443 ssl hsts=true"},
		tls:  true,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{"backend/pyproject.toml": "[project]\nname = \"api\"\n", "backend/app/main.py": tinyApp}
			for k, v := range c.files {
				files[k] = v
			}
			f := extractDir(t, writeTree(t, files))
			if len(f.Skipped) != 0 {
				t.Errorf("skipped: %+v", f.Skipped)
			}
			if got := proxies(f); !reflect.DeepEqual(got, c.want) && (len(got) > 0 || len(c.want) > 0) {
				t.Errorf("tls proxies:\n got %q\nwant %q", got, c.want)
			}
			if got := appTLS(f)["backend/app/main.py"].ProxyTLS; got != c.tls {
				t.Errorf("app proxy_tls = %v, want %v", got, c.tls)
			}
		})
	}
}

// TestProxyAppliesToWhichApps: a proxy deploys the apps of its project,
// of the projects below it, and, from a folder without Python code, of the
// whole repository; not those of a sibling project with its own code.
func TestProxyAppliesToWhichApps(t *testing.T) {
	f := extractDir(t, writeTree(t, map[string]string{
		"svc-a/requirements.txt":     "fastapi==0.110.0\n",
		"svc-a/main.py":              tinyApp,
		"svc-a/Caddyfile":            "a.example.com {\n\treverse_proxy localhost:8000\n}\n",
		"svc-b/requirements.txt":     "fastapi==0.110.0\n",
		"svc-b/main.py":              tinyApp,
		"svc-b/tools/pyproject.toml": "[project]\nname = \"tools\"\n",
		"svc-b/tools/main.py":        tinyApp,
		"svc-b/Dockerfile":           "FROM python:3.12\nCMD [\"uvicorn\", \"main:app\", \"--ssl-keyfile=k.pem\", \"--ssl-certfile=c.pem\"]\n",
	}))
	got := map[string]string{}
	for p, tls := range appTLS(f) {
		got[p] = fmt.Sprintf("proxy=%v server=%v", tls.ProxyTLS, tls.ServerTLS)
	}
	want := map[string]string{
		"svc-a/main.py":       "proxy=true server=false",
		"svc-b/main.py":       "proxy=false server=true",
		"svc-b/tools/main.py": "proxy=false server=true",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tls = %v, want %v", got, want)
	}

	// A deploy/ folder (a project of its own, by its compose file) without
	// Python code serves every app.
	f = extractDir(t, writeTree(t, map[string]string{
		"api/requirements.txt":      "fastapi==0.110.0\n",
		"api/main.py":               tinyApp,
		"deploy/docker-compose.yml": "services:\n  api:\n    labels:\n      - traefik.http.routers.api.tls=true\n",
	}))
	if !appTLS(f)["api/main.py"].ProxyTLS {
		t.Errorf("the deploy folder's Traefik does not serve api/main.py: %+v", f.TLSProxies)
	}
}

// TestMountedAppsInheritTLS: an app mounted in another answers through
// the outer app's middleware.
func TestMountedAppsInheritTLS(t *testing.T) {
	f := extractDir(t, writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"main.py": `
from fastapi import FastAPI, Request
from fastapi.middleware.httpsredirect import HTTPSRedirectMiddleware

from api import api

app = FastAPI()
app.add_middleware(HTTPSRedirectMiddleware)
frontend = FastAPI()


@app.middleware("http")
async def hsts(request: Request, call_next):
    response = await call_next(request)
    response.headers["Strict-Transport-Security"] = "max-age=63072000"
    return response


app.mount("/api/v1", app=api)
app.mount("/", frontend)
`,
		"api.py": "from fastapi import FastAPI\n\napi = FastAPI(root_path=\"/api/v1\")\n",
	}))
	got := map[string]string{}
	for _, a := range f.Apps {
		var in []string
		for _, m := range a.MountedIn {
			in = append(in, fmt.Sprintf("%s@%s:%d at %q (%s:%d)", m.Var, m.AppPath, m.AppLine, m.At, m.Path, m.Line))
		}
		got[a.Var] = fmt.Sprintf("redirect=%v hsts=%v mounted=%v", a.TLS.HTTPSRedirect, a.TLS.HSTS, in)
	}
	want := map[string]string{
		"app":      "redirect=true hsts=true mounted=[]",
		"frontend": `redirect=true hsts=true mounted=[app@main.py:6 at "/" (main.py:19)]`,
		"api":      `redirect=true hsts=true mounted=[app@main.py:6 at "/api/v1" (main.py:18)]`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("apps:\n got %v\nwant %v", got, want)
	}
}
