package facts

import (
	"reflect"
	"testing"
)

// What a value formatted into SQL is made of decides the finding, not
// the names around it: a condition choosing between literal clauses, the
// keys of a mapping written with fixed keys or of a model (column names
// bound with placeholders), a comprehension's own counter, an enum field
// of the request's model. The keys of a dict the client sends, and a text
// field of the request's model, still reach the query.
func TestSQLValueShapes(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"schemas.py": `
from enum import Enum

from pydantic import BaseModel


class SortOrder(str, Enum):
    asc = "ASC"
    desc = "DESC"


class Search(BaseModel):
    order: SortOrder = SortOrder.desc
    column: str = "name"


class Changes(BaseModel):
    name: str | None = None
    email: str | None = None
`,
		"db.py": `
def update(cur, user_id, changes):
    sub = [f"{k} = %({k})s" for k in changes.keys()]
    cur.execute(cur.mogrify(f"UPDATE users SET {','.join(sub)} WHERE id = %(id)s", {"id": user_id, **changes}))


def update_items(cur, changes: dict):
    sets = []
    for key, value in changes.items():
        sets.append(f"{key} = %({key})s")
    cur.execute(f"UPDATE items SET {','.join(sets)}", changes)


def by_token(cur, token, pass_token=None):
    cur.execute(f"SELECT * FROM users WHERE token = %(t)s {'AND pwd_token = %(p)s' if pass_token else ''}",
                {"t": token, "p": pass_token})


def insert_roles(cur, role_id, projects):
    cur.execute(f"INSERT INTO roles(role_id, project_id) VALUES {','.join([f'(%(r)s, %(p_{i})s)' for i in range(len(projects))])}")


def search(cur, data):
    cur.execute(f"SELECT * FROM users ORDER BY updated_at {data.order}")


def search_by(cur, data):
    cur.execute(f"SELECT * FROM users ORDER BY {data.column}")
`,
		"app.py": `
from fastapi import FastAPI

import db
from schemas import Changes, Search

app = FastAPI()


@app.post("/me")
def edit_me(data: Changes):
    db.update(None, 1, changes=data.model_dump())
    return db.update(None, 1, changes={"name": data.name})


@app.post("/items")
def edit_items(payload: dict):
    return db.update_items(None, payload)


@app.post("/token")
def token(t: str, p: str):
    return db.by_token(None, t, p)


@app.post("/roles")
def roles(projects: list[int]):
    return db.insert_roles(None, 1, projects)


@app.post("/search")
def search(data: Search):
    db.search(None, data)
    return db.search_by(None, data)
`,
	})
	f := extractDir(t, dir)
	got := sqlOrigins(f)
	want := []string{ // sorted as text
		"db.py:10 request",  // keys of the client's own dict
		"db.py:14 internal", // a literal clause chosen by a condition
		"db.py:19 internal", // placeholders numbered by range(len(...))
		"db.py:23 internal", // an enum field of the request's model
		"db.py:27 request",  // a text field of the request's model
		"db.py:3 internal",  // keys of a model dump and of a dict literal
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("origins:\n got %q\nwant %q", got, want)
	}
}
