package pyreq

import (
	"errors"
	"reflect"
	"testing"
)

func TestExactPin(t *testing.T) {
	tests := []struct {
		spec, want string
		ok         bool
	}{
		{"==1.2.3", "1.2.3", true},
		{"=== 1.2.3", "1.2.3", true},
		{">=1.2,==1.2.5", "1.2.5", true},
		{"==1.*", "", false},
		{">=1.2", "", false},
		{"~=1.2", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got, ok := ExactPin(tt.spec); got != tt.want || ok != tt.ok {
			t.Errorf("ExactPin(%q) = %q %v, want %q %v", tt.spec, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSplit(t *testing.T) {
	name, spec, ok := Split("uvicorn[standard] (==0.30.1) ; python_version >= '3.8'")
	if name != "uvicorn" || spec != "==0.30.1" || !ok {
		t.Errorf("Split = %q %q %v", name, spec, ok)
	}
	if _, _, ok := Split("./local/pkg"); ok {
		t.Error("a path is no requirement")
	}
}

const doc = `[project]
name = "svc"
dependencies = [
  "fastapi==0.110.0",
  "httpx>=0.27",
  "mylib @ git+https://example.com/mylib.git",
]

[project.optional-dependencies]
dev = ["pytest==8.2.0"]

[dependency-groups]
lint = ["ruff==0.4.4", {include-group = "dev"}]

[tool.poetry.dependencies]
python = "^3.11"
sqlalchemy = "2.0.30"
pydantic = "^2.7"
local = { path = "../local" }

[tool.poetry.dev-dependencies]
"black" = { version = "==24.4.2" }

[tool.poetry.group.test.dependencies]
coverage = "7.5.1"
`

func TestPyproject(t *testing.T) {
	deps, err := Pyproject([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Section, Name, Version string
		Line                   int
		Direct                 bool
	}
	var got []row
	for _, d := range deps {
		got = append(got, row{d.Section, d.Name, d.Version, d.Line, d.Direct})
	}
	want := []row{
		{"project.dependencies", "fastapi", "0.110.0", 4, false},
		{"project.dependencies", "httpx", "", 5, false},
		{"project.dependencies", "mylib", "", 6, true},
		{"project.optional-dependencies.dev", "pytest", "8.2.0", 10, false},
		{"dependency-groups.lint", "ruff", "0.4.4", 13, false},
		{"tool.poetry.dependencies", "local", "", 19, true},
		{"tool.poetry.dependencies", "pydantic", "", 18, false},
		{"tool.poetry.dependencies", "sqlalchemy", "2.0.30", 17, false},
		{"tool.poetry.dev-dependencies", "black", "24.4.2", 22, false},
		{"tool.poetry.group.test.dependencies", "coverage", "7.5.1", 25, false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

func TestPyprojectSyntaxError(t *testing.T) {
	_, err := Pyproject([]byte("[project]\ndependencies = [\n  \"a\",\n  oops\n]\n"))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line == 0 {
		t.Errorf("err = %v, want a ParseError with a line", err)
	}
}
