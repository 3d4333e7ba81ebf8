package facts

import (
	"strings"
	"testing"
)

// sqlOriginOf returns the origin of the one SQL call built from values
// in a project of one module app.py (with helpers in checks.py).
func sqlOriginOf(t *testing.T, app string) string {
	t.Helper()
	dir := writeTree(t, map[string]string{
		"checks.py": `
import re

ALLOWED = {"name", "email"}


def validate_column(col):
    if col not in ALLOWED:
        raise ValueError(col)


def validate_present(col):
    if not col:
        raise ValueError("required")
    if not isinstance(col, str):
        raise TypeError(col)


def check_identifier(col):
    if not re.fullmatch(r"[a-z_]+", col):
        raise ValueError(col)


def log_column(col):
    if col not in ALLOWED:
        print(col)
`,
		"app.py": `
from fastapi import APIRouter

from checks import ALLOWED, check_identifier, log_column, validate_column, validate_present

router = APIRouter()
` + app,
	})
	f := extractDir(t, dir)
	var got []string
	for _, c := range f.Calls {
		if c.SQLBuiltWith != "none" && c.Path == "app.py" {
			got = append(got, c.SQLOrigin)
		}
	}
	if len(got) != 1 {
		t.Fatalf("want one SQL call built from values, got %q", got)
	}
	return got[0]
}

// A value read from a constant mapping cannot change a query's text,
// whatever key the request picks, and neither can a value a helper
// checked against an allowlist (by raising) before the use. A .get
// default some entry needs, a check after the use or under a condition,
// and a check that tests no allowlist leave the value outside data.
func TestSQLConstantsAndChecks(t *testing.T) {
	const constMap = `
INDEXES = {
    "users": {"table": "users", "suggest": "email"},
    "logs": {"table": "logs", "suggest": "action"},
}
PARTIAL = {
    "users": {"table": "users", "suggest": "email"},
    "logs": {"table": "logs"},
}
COLUMNS = {"new": "created_at", "old": "created_at DESC"}
`
	cases := []struct {
		name, app, want string
	}{
		{"get default every entry defines", constMap + `
@router.get("/s")
def s(cur, index: str, field: str):
    config = INDEXES.get(index)
    if not config:
        return []
    col = config.get("suggest", field)
    return cur.execute(f"SELECT {col} FROM {config['table']}")
`, "internal"},
		{"get default some entry lacks", constMap + `
@router.get("/s")
def s(cur, index: str, field: str):
    config = PARTIAL[index]
    col = config.get("suggest", field)
    return cur.execute(f"SELECT {col} FROM users")
`, "request"},
		{"get keyed by the request", constMap + `
@router.get("/s")
def s(cur, sort: str):
    return cur.execute(f"SELECT * FROM items ORDER BY {COLUMNS.get(sort, 'id')}")
`, "internal"},
		{"get defaulting to the request", constMap + `
@router.get("/s")
def s(cur, sort: str):
    return cur.execute(f"SELECT * FROM items ORDER BY {COLUMNS.get(sort, sort)}")
`, "request"},
		{"mapping of computed values", `
SOURCES = {"a": {"col": make_column()}}

@router.get("/s")
def s(cur, field: str):
    col = SOURCES["a"].get("col", field)
    return cur.execute(f"SELECT {col} FROM items")
`, "request"},
		{"mapping rebound", constMap + `
COLUMNS = load_columns()

@router.get("/s")
def s(cur, sort: str):
    return cur.execute(f"SELECT * FROM items ORDER BY {COLUMNS.get(sort, 'id')}")
`, "request"},
		{"allowlist check before the use", `
@router.get("/s")
def s(cur, field: str):
    validate_column(field)
    return cur.execute(f"SELECT {field} FROM items")
`, "internal"},
		{"check passed on to a helper", `
def suggest(cur, field):
    return cur.execute(f"SELECT {field} FROM items")


@router.get("/s")
async def s(cur, field: str):
    validate_column(col=field)
    return suggest(cur, field=field)
`, "internal"},
		{"pattern check named as one", `
@router.get("/s")
def s(cur, field: str):
    check_identifier(field)
    return cur.execute(f"SELECT {field} FROM items")
`, "internal"},
		{"local allowlist check by a method", `
class Repo:
    def _ensure(self, col):
        if col.lower() not in ALLOWED:
            raise ValueError(col)

    def find(self, cur, col):
        self._ensure(col)
        return cur.execute(f"SELECT {col} FROM items")


@router.get("/s")
def s(cur, field: str):
    return Repo().find(cur, field)
`, "internal"},
		{"check after the use", `
@router.get("/s")
def s(cur, field: str):
    r = cur.execute(f"SELECT {field} FROM items")
    validate_column(field)
    return r
`, "request"},
		{"check under a condition", `
@router.get("/s")
def s(cur, field: str, strict: bool):
    if strict:
        validate_column(field)
    return cur.execute(f"SELECT {field} FROM items")
`, "request"},
		{"check of presence and type only", `
@router.get("/s")
def s(cur, field: str):
    validate_present(field)
    return cur.execute(f"SELECT {field} FROM items")
`, "request"},
		{"allowlist test that does not raise", `
@router.get("/s")
def s(cur, field: str):
    log_column(field)
    return cur.execute(f"SELECT {field} FROM items")
`, "request"},
		{"rebound after the check", `
@router.get("/s")
def s(cur, field: str, other: str):
    validate_column(field)
    field = other
    return cur.execute(f"SELECT {field} FROM items")
`, "request"},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			if got := sqlOriginOf(t, tc.app); got != tc.want {
				t.Errorf("origin %q, want %q", got, tc.want)
			}
		})
	}
}
