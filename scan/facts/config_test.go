package facts

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/pipeguard/pipeguard/scan/names"
)

func TestParseDotenv(t *testing.T) {
	src := "# comment\n\nexport DEBUG=1\nAPP_ENV=\"production\" # inline\nAPI_TOKEN='tok_12345678'\nnot a line\nEMPTY=\n"
	out := parseDotenv(".env", ".", []byte(src))
	want := []EnvEntry{
		{Path: ".env", Line: 3, Project: ".", Key: "DEBUG", Value: "1"},
		{Path: ".env", Line: 4, Project: ".", Key: "APP_ENV", Value: "production"},
		{Path: ".env", Line: 5, Project: ".", Key: "API_TOKEN", Value: "tok_****", Redacted: true},
		{Path: ".env", Line: 7, Project: ".", Key: "EMPTY", Value: ""},
	}
	if !reflect.DeepEqual(out.env, want) {
		t.Errorf("env:\n got %+v\nwant %+v", out.env, want)
	}
	if len(out.skipped) != 1 || out.skipped[0].Line != 6 {
		t.Errorf("skipped = %+v, want line 6", out.skipped)
	}
}

func TestParseDockerfile(t *testing.T) {
	src := "FROM python:3.12\nENV A=1 B=\"two words\"\nENV LEGACY value here\nARG SECRET_KEY=abcdefghijk\nENTRYPOINT [\"uvicorn\", \"m:app\"]\nCMD uvicorn m:app --reload \\\n    --forwarded-allow-ips '*'\n"
	out, err := parseDockerfile("Dockerfile", ".", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Line        int
		Instr, Key  string
		Value, Form string
		Args        []string
		Redacted    bool
	}
	var got []row
	for _, d := range out.dockerfile {
		got = append(got, row{d.Line, d.Instruction, d.Key, d.Value, d.Form, d.Args, d.Redacted})
	}
	want := []row{
		{1, "FROM", "", "", "", []string{"python:3.12"}, false},
		{2, "ENV", "A", "1", "", []string{"A=1"}, false},
		{2, "ENV", "B", "two words", "", []string{"B=two words"}, false},
		{3, "ENV", "LEGACY", "value here", "", []string{"LEGACY=value here"}, false},
		{4, "ARG", "SECRET_KEY", "abcd****", "", []string{"SECRET_KEY=abcd****"}, true},
		{5, "ENTRYPOINT", "", "", "exec", []string{"uvicorn", "m:app"}, false},
		{6, "CMD", "", "", "shell", []string{"uvicorn", "m:app", "--reload", "--forwarded-allow-ips", "*"}, false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("dockerfile:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseCompose(t *testing.T) {
	src := `services:
  web:
    command: ["uvicorn", "m:app", "--reload"]
    environment:
      DEBUG: "true"
      EMPTY:
  worker:
    entrypoint: celery -A tasks worker
    environment:
      - ENV=prod
      - PASSTHROUGH
`
	out, err := parseCompose("compose.yaml", ".", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range out.compose {
		got = append(got, c.Service+"/"+c.Key+"/"+c.Name+"="+c.Value+"@"+itoa(c.Line))
	}
	want := []string{
		"web/command/=uvicorn m:app --reload@3",
		"web/environment/DEBUG=true@5",
		"web/environment/EMPTY=@6",
		"worker/entrypoint/=celery -A tasks worker@8",
		"worker/environment/ENV=prod@10",
		"worker/environment/PASSTHROUGH=@11",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("compose:\n got %q\nwant %q", got, want)
	}
	if _, err := parseCompose("c.yml", ".", []byte("services:\n  a: [\n")); err == nil {
		t.Error("malformed YAML accepted")
	}
}

// TestComposeBuilds: a build section names the Dockerfile it reads,
// resolved from the compose file's folder, and the stage it builds.
func TestComposeBuilds(t *testing.T) {
	tests := []struct {
		name, build string
		want        ComposeBuild
	}{
		{"short form", "build: ./api", ComposeBuild{Dockerfile: "deploy/api/Dockerfile"}},
		{"mapping", "build:\n      context: ..\n      dockerfile: queue.dockerfile\n      target: development",
			ComposeBuild{Dockerfile: "queue.dockerfile", Target: "development"}},
		{"default of an interpolation", "build:\n      context: ${SRC:-.}\n      dockerfile: Dockerfile.prod",
			ComposeBuild{Dockerfile: "deploy/Dockerfile.prod"}},
		{"interpolation without default", "build:\n      context: ${SRC}", ComposeBuild{}},
		{"remote context", "build: https://github.com/o/r.git#main", ComposeBuild{}},
		{"outside the root", "build: ../../elsewhere", ComposeBuild{}},
		{"inline", "build:\n      dockerfile_inline: |\n        FROM alpine", ComposeBuild{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "services:\n  api:\n    " + tt.build + "\n"
			out, err := parseCompose("deploy/compose.yaml", "deploy", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Path, tt.want.Line, tt.want.Project, tt.want.Service = "deploy/compose.yaml", 3, "deploy", "api"
			if len(out.builds) != 1 || out.builds[0] != tt.want {
				t.Errorf("builds = %+v, want %+v", out.builds, tt.want)
			}
		})
	}
}

func TestParseNginx(t *testing.T) {
	src := "http {\n  server {\n    listen 443 ssl; # tls\n    add_header Content-Security-Policy \"frame-ancestors 'none'\" always;\n    location /api { return 301 https://$host$request_uri; }\n  }\n}\n"
	out, err := parseNginx("nginx.conf", ".", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range out.nginx {
		got = append(got, itoa(n.Line)+" "+n.Context+" "+n.Directive+" "+join(n.Args))
	}
	want := []string{
		"1  http ",
		"2 http server ",
		"3 http/server listen 443|ssl",
		"4 http/server add_header Content-Security-Policy|frame-ancestors 'none'|always",
		"5 http/server location /api",
		"5 http/server/location return 301|https://$host$request_uri",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("nginx:\n got %q\nwant %q", got, want)
	}
	for _, bad := range []string{"server {\n listen 80\n}\n", "server {\n", "}\n", "add_header \"x;\n"} {
		if _, err := parseNginx("n.conf", ".", []byte(bad)); err == nil {
			t.Errorf("malformed nginx %q accepted", bad)
		}
	}
}

func TestParseRequirements(t *testing.T) {
	src := "-r base.txt\n--index-url https://pypi.org/simple\nFastAPI==0.110.0\nuvicorn[standard]>=0.29 ; python_version >= '3.9'\nrequests~=2.31\ndjango==4.*\npkg===1.0\nhashed==1.0 \\\n    --hash=sha256:abc\n./local/pkg\n# comment\n" +
		"tflite-runtime @ https://github.com/x/y/releases/download/v2.17.1/tflite_runtime-2.17.1-cp311-linux_x86_64.whl; platform_machine == 'x86_64'\n" +
		"lib @ git+https://github.com/x/lib@0123456789abcdef0123456789abcdef01234567\n" +
		"moving @ https://github.com/x/moving/archive/refs/heads/main.zip\n" +
		"branch @ git+https://github.com/x/branch@main\n"
	out := parseRequirements("requirements.txt", ".", []byte(src))
	var got []string
	for _, r := range out.requirements {
		got = append(got, itoa(r.Line)+" "+r.Name+" "+r.Spec+" "+map[bool]string{true: "pinned", false: "loose"}[r.Pinned])
	}
	want := []string{
		"3 fastapi ==0.110.0 pinned",
		"4 uvicorn >=0.29 loose",
		"5 requests ~=2.31 loose",
		"6 django ==4.* loose",
		"7 pkg ===1.0 pinned",
		"8 hashed ==1.0 pinned",
		"12 tflite-runtime @ https://github.com/x/y/releases/download/v2.17.1/tflite_runtime-2.17.1-cp311-linux_x86_64.whl pinned",
		"13 lib @ git+https://github.com/x/lib@0123456789abcdef0123456789abcdef01234567 pinned",
		"14 moving @ https://github.com/x/moving/archive/refs/heads/main.zip loose",
		"15 branch @ git+https://github.com/x/branch@main loose",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("requirements:\n got %q\nwant %q", got, want)
	}
	if !out.requirements[5].Hashed || out.lockfile != nil {
		t.Errorf("hashed %v lockfile %v", out.requirements[5].Hashed, out.lockfile)
	}
	locked := parseRequirements("requirements.txt", ".", []byte("a==1 --hash=sha256:x\nb==2 \\\n  --hash=sha256:y\n"))
	if locked.lockfile == nil || locked.lockfile.Kind != "pip-hashes" {
		t.Errorf("fully hashed requirements are a lock file: %+v", locked.lockfile)
	}
}

func TestParsePyproject(t *testing.T) {
	src := "[project]\nname = \"x\"\ndependencies = [\n  \"fastapi>=0.100\",\n  \"pyjwt==2.8.0\",\n]\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\nhttpx = \"^0.27\"\nuvicorn = { version = \"0.29.0\", extras = [\"standard\"] }\n"
	out, err := parsePyproject("pyproject.toml", ".", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range out.pyproject {
		got = append(got, itoa(d.Line)+" "+d.Section+" "+d.Name+" "+d.Spec+" "+map[bool]string{true: "pinned", false: "loose"}[d.Pinned])
	}
	want := []string{
		"4 project.dependencies fastapi >=0.100 loose",
		"5 project.dependencies pyjwt ==2.8.0 pinned",
		"10 tool.poetry.dependencies httpx ^0.27 loose",
		"11 tool.poetry.dependencies uvicorn 0.29.0 pinned",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pyproject:\n got %q\nwant %q", got, want)
	}
	_, err = parsePyproject("pyproject.toml", ".", []byte("[project]\nname = \"x\"\ndependencies = [\n"))
	pe, ok := err.(*parseError)
	if !ok || pe.line == 0 {
		t.Errorf("malformed TOML: %v, want a parse error with a line", err)
	}
}

func TestParseProcfile(t *testing.T) {
	out := parseProcfile("Procfile", ".", []byte("web: gunicorn m:app --certfile cert.pem\nrelease: alembic upgrade head\nbroken line\n"))
	if len(out.procfile) != 2 || out.procfile[0].Process != "web" || out.procfile[1].Line != 2 || !reflect.DeepEqual(out.procfile[0].Args, []string{"gunicorn", "m:app", "--certfile", "cert.pem"}) {
		t.Errorf("procfile = %+v", out.procfile)
	}
	if len(out.skipped) != 1 || out.skipped[0].Line != 3 {
		t.Errorf("skipped = %+v", out.skipped)
	}
}

func TestClassify(t *testing.T) {
	for p, want := range map[string]string{
		"app/main.py":                 KindPython,
		".env":                        KindEnv,
		"deploy/.env.production":      KindEnv,
		"prod.env":                    KindEnv,
		"Dockerfile":                  KindDockerfile,
		"docker/Dockerfile.prod":      KindDockerfile,
		"api.dockerfile":              KindDockerfile,
		"queue.dockerfile.prod":       KindDockerfile,
		"docker-compose.override.yml": KindCompose,
		"compose.yaml":                KindCompose,
		"Procfile":                    KindProcfile,
		"nginx.conf":                  KindNginx,
		"deploy/nginx/site.conf":      KindNginx,
		"etc/app.conf":                "",
		"requirements-dev.txt":        KindRequirements,
		"requirements/base.txt":       KindRequirements,
		"pyproject.toml":              KindPyproject,
		"poetry.lock":                 KindLockfile,
		"README.md":                   "",
		"notes.txt":                   "",
	} {
		if got := Classify(p); got != want {
			t.Errorf("Classify(%q) = %q, want %q", p, got, want)
		}
	}
	for p, want := range map[string]bool{
		"tests/test_api.py": true, "app/test_x.py": true, "app/x_test.py": true, "conftest.py": true,
		"app/main.py": false, "app/testing.py": false, "api/v1/services/api_tests.py": true, "shop/tests.py": true,
		"app/contests.py": false, "app/latests.py": false,
		"ruoyi-fastapi-test/common/login_helper.py": true, "integration-tests/api.py": true, "e2e_tests/x.py": true,
		"latest/app.py": false, "contest/app.py": false, "test-data-tools/app.py": false,
	} {
		if got := IsTestPath(p); got != want {
			t.Errorf("IsTestPath(%q) = %v", p, got)
		}
	}
}

func TestSecretNames(t *testing.T) {
	for name, want := range map[string]bool{
		"SECRET_KEY": true, "jwt_secret": true, "api_key": true, "apiKey": true, "DB_PASSWORD": true, "token": true,
		"signing_key": true, "PRIVATE_KEY": true, "client_secret": true, "X-API-Key": true,
		"TOKEN_URL": false, "ACCESS_TOKEN_EXPIRE_MINUTES": false, "api_key_header": false, "key": false,
		"token_type": false, "PASSWORD_MIN_LENGTH": false, "keyboard": false, "monkey": false,
	} {
		if got := names.Python.IsSecret(name); got != want {
			t.Errorf("names.Python.IsSecret(%q) = %v, want %v", name, got, want)
		}
	}
	for v, want := range map[string]bool{"changeme": true, "your-secret-key": true, "CHANGE_ME_PLEASE": true, "secret": true,
		"xxxxxx": true, "sk_live_51HxAdminKey0000": false, "": false} {
		if got := names.IsPlaceholder(v); got != want {
			t.Errorf("names.IsPlaceholder(%q) = %v, want %v", v, got, want)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func join(a []string) string {
	s := ""
	for i, x := range a {
		if i > 0 {
			s += "|"
		}
		s += x
	}
	return s
}
