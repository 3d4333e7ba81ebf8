package facts

import (
	"fmt"
	"reflect"
	"sort"
	"testing"
)

// sqlOrigins returns path:line origin for every SQL call built from values.
func sqlOrigins(f *Facts) []string {
	var out []string
	for _, c := range f.Calls {
		if c.SQLBuiltWith != "none" {
			out = append(out, fmt.Sprintf("%s:%d %s", c.Path, c.SQLLine, c.SQLOrigin))
		}
	}
	sort.Strings(out)
	return out
}

// Values formatted into SQL are followed to where they come from: request
// data and route parameters, through the parameters of project functions
// (module functions, methods called through self, a class or a unique
// method name) to their call sites.
func TestSQLValueOrigins(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"src/__init__.py": "",
		"src/repo.py": `
from dataclasses import dataclass


@dataclass
class Table:
    name: str


class Repo:
    def __init__(self, cur):
        self.cur = cur
        self.table = "items"

    def find(self, name):
        return self.cur.execute(f"SELECT * FROM {self.table} WHERE name = '{name}'")

    def find_exact_record(self, record):
        return self.cur.execute(f"SELECT * FROM items WHERE id = {record.id}")

    def count(self, table: Table):
        return self.cur.execute(f"SELECT COUNT(*) FROM {table.name}")

    def by_kind(self, kind: int):
        return self.cur.execute(f"SELECT * FROM items WHERE kind = {kind}")

    def quoted(self, note):
        safe = note.replace("'", "''")
        return self.cur.execute(f"SELECT * FROM items WHERE note = '{safe}'")

    def built(self, name):
        sql, params = build_query(name)
        return self.cur.execute(sql + " LIMIT 10", params)

    def counts(self):
        return [self.count(Table(n)) for n in ("items", "users")]


def build_query(name):
    return "SELECT * FROM items WHERE name = ?", (name,)
`,
		"app.py": `
import click
from fastapi import APIRouter, Depends, Request

from src.repo import Repo

router = APIRouter()


def get_repo():
    yield Repo(None)


@router.get("/items")
def items(q: str, repo: Repo = Depends(get_repo)):
    repo.find(q)
    repo.quoted(q)
    repo.built(q)
    repo.by_kind(3)
    return repo.find_exact_record(q)


@router.post("/raw")
async def raw(request: Request, repo=Depends(get_repo)):
    body = await request.json()
    return repo.cur.execute("DELETE FROM items WHERE name = '%s'" % body["name"])


def helper(cur, name):
    return cur.execute("SELECT * FROM items WHERE owner = '" + name + "'")


def handler(name):
    return helper(None, name)


@click.command()
@click.argument("table")
def truncate(table):
    return helper(None, table)
`,
	})
	f := extractDir(t, dir)
	got := sqlOrigins(f)
	want := []string{
		"app.py:25 request",       // request.json()
		"app.py:29 param",         // handler's name: an entry point nothing calls
		"src/repo.py:15 request",  // route q through repo.find
		"src/repo.py:18 internal", // record.id
		"src/repo.py:21 internal", // dataclass built from constants
		"src/repo.py:24 internal", // int
		"src/repo.py:28 internal", // quotes doubled
		"src/repo.py:32 internal", // a builder's placeholders
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("origins:\n got %q\nwant %q", got, want)
	}
}
