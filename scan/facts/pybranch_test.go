package facts

import (
	"fmt"
	"reflect"
	"sort"
	"testing"
)

// TestBranchNarrowing: isinstance narrows a broad except to the class
// tested, and a branch that runs only in development or tests sends the
// error's text on purpose; the production branch still counts.
func TestBranchNarrowing(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "fastapi==0.110.0\n",
		"main.py": `
import os
import traceback

from fastapi import FastAPI, HTTPException

from config import Mode, settings


class NotFound(Exception):
    pass


app = FastAPI()


@app.get("/a")
def narrowed():
    try:
        work()
    except Exception as e:
        if isinstance(e, NotFound):
            raise HTTPException(404, str(e))
        elif isinstance(e, (KeyError, IndexError)):
            raise HTTPException(400, str(e))
        raise HTTPException(500, str(e))


@app.get("/b")
def debug_only():
    try:
        work()
    except Exception as e:
        if settings.DEBUG:
            raise HTTPException(500, detail={"error": str(e), "tb": traceback.format_exc()})
        if getattr(settings, "MODE", None) == getattr(Mode, "testing", "testing"):
            raise HTTPException(500, str(e))
        if os.getenv("APP_ENV") in ("local", "dev") and settings.verbose:
            raise HTTPException(500, str(e))
        if settings.ENVIRONMENT != "production":
            raise HTTPException(500, str(e))
        if settings.ENVIRONMENT == "production":
            raise HTTPException(500, "internal error")
        else:
            raise HTTPException(500, str(e))


@app.get("/c")
def production_too():
    try:
        work()
    except Exception as e:
        if not settings.DEBUG:
            raise HTTPException(500, str(e))
        if settings.ENVIRONMENT == "production":
            raise HTTPException(500, str(e))
        if settings.DEBUG or settings.verbose:
            raise HTTPException(500, str(e))
        if settings.TOKEN_MODE == "strict":
            raise HTTPException(500, str(e))
`,
	})
	f := extractDir(t, dir)
	var got []string
	for _, e := range f.ExceptionExposures {
		got = append(got, fmt.Sprintf("%s:%d %s caught=%v", e.Function, e.Line, e.Kind, e.Caught))
	}
	sort.Strings(got)
	want := []string{
		"narrowed:22 str caught=[NotFound]",
		"narrowed:24 str caught=[KeyError IndexError]",
		"narrowed:25 str caught=[Exception]",
		"production_too:53 str caught=[Exception]",
		"production_too:55 str caught=[Exception]",
		"production_too:57 str caught=[Exception]",
		"production_too:59 str caught=[Exception]",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("exposures:\n got %q\nwant %q", got, want)
	}
}
