package facts

import (
	"reflect"
	"testing"
)

// TestNestedSettingsModel: a settings field that holds a model resolves
// through to the model's defaults, as pydantic fills them in.
func TestNestedSettingsModel(t *testing.T) {
	config := `
from typing import List, Optional
from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings


class ProjectSettings(BaseModel):
    allow_origins: List[str] = Field(default_factory=lambda: ["*"])
    hosts: List[str] = ["a.example"]
    made: List[str] = Field(default_factory=lambda x: ["*"])


class CorsSettings(BaseModel):
    origins: List[str] = ["https://app.example"]


class AppConfig(BaseSettings):
    project: ProjectSettings
    cors: Optional[CorsSettings] = CorsSettings()
    tags: List[str] = []


def load_config():
    return AppConfig(project=ProjectSettings())


config = load_config()
`
	tests := []struct {
		arg  string
		want any // nil: not known
	}{
		{"config.project.allow_origins", []any{"*"}},
		{"config.project.hosts", []any{"a.example"}},
		{"config.cors.origins", []any{"https://app.example"}},
		{"config.project.made", nil}, // a factory that takes arguments is not run
		{"config.tags.origins", nil}, // a list is no model
		{"config.project.missing", nil},
	}
	for _, tt := range tests {
		dir := writeTree(t, map[string]string{
			"requirements.txt": "fastapi==0.110.0\n",
			"config.py":        config,
			"main.py": `
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from config import config

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=` + tt.arg + `)
`,
		})
		f := extractDir(t, dir)
		if len(f.Apps) != 1 {
			t.Fatalf("%s: apps = %d", tt.arg, len(f.Apps))
		}
		v := findMiddleware(t, f.Apps[0], "CORSMiddleware").Args["allow_origins"]
		var got any
		if v.Known {
			got = v.Value
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s = %#v (known %v), want %#v", tt.arg, v.Value, v.Known, tt.want)
		}
	}
}
