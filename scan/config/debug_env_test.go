package config

import (
	"slices"
	"testing"
)

// A DEBUG variable a deployment file sets is debug mode only when the
// application gives it to the framework's debug switch; a DEBUG setting
// the code reads for a log level is not.
func TestDeploymentDebugReadByTheApp(t *testing.T) {
	const settings = `from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    DEBUG: bool = False


settings = Settings()
`
	tests := []struct {
		name, main string
		want       bool
	}{
		{"FastAPI(debug=settings.DEBUG)", `from fastapi import FastAPI

from app.config import settings

app = FastAPI(debug=settings.DEBUG)
`, true},
		{"app.debug = settings.DEBUG", `from fastapi import FastAPI

from app.config import settings

app = FastAPI()
app.debug = settings.DEBUG
`, true},
		{"a log level only", `import logging

from fastapi import FastAPI

from app.config import settings

app = FastAPI()
logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG if settings.DEBUG else logging.WARNING)
`, false},
	}
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := gitRepo(t, map[string]string{
				"app/__init__.py":    "",
				"app/config.py":      settings,
				"app/main.py":        tt.main,
				"docker-compose.yml": "services:\n  api:\n    build: .\n    environment:\n      - DEBUG=true\n",
			})
			got := slices.Contains(locations(scanDir(t, s, root).Findings), "debug-enabled docker-compose.yml:5")
			if got != tt.want {
				t.Errorf("debug-enabled docker-compose.yml:5 reported = %v, want %v", got, tt.want)
			}
		})
	}
}
