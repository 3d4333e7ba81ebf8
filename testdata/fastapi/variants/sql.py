from enum import Enum

from dominate.tags import text as html_text
from fastapi import APIRouter, Depends, Request
from sqlalchemy import text

from .models import Item

router = APIRouter()

ITEMS_TABLE = "items"


class Sort(str, Enum):
    NAME = "name"
    PRICE = "price"


def get_db():
    yield None


@router.get("/search")
def search(q: str, db=Depends(get_db)):
    return db.execute(text(f"SELECT * FROM items WHERE name = '{q}'"))


@router.get("/by-owner")
def by_owner(owner: str, db=Depends(get_db)):
    return find_by_owner(db, owner)


def find_by_owner(db, owner):
    sql = "SELECT * FROM items WHERE owner = '%s'" % owner
    return db.execute(text(sql))


@router.get("/raw")
async def raw(request: Request, db=Depends(get_db)):
    term = request.query_params.get("term")
    return db.execute(text("SELECT * FROM items WHERE name LIKE '%" + term + "%'"))


@router.get("/page")
def page(limit: int, sort: Sort, db=Depends(get_db)):
    return db.execute(text(f"SELECT * FROM {ITEMS_TABLE} ORDER BY {sort.value} LIMIT {limit}"))


@router.get("/named")
def named(name: str, db=Depends(get_db)):
    html_text(f"<b>{name}</b>")
    return db.execute(text(f"SELECT * FROM {Item.__tablename__} WHERE name = :name"), {"name": name})


def table_count(db, table):
    return db.execute(text(f"SELECT COUNT(*) FROM {table}"))


def stats(db):
    return [table_count(db, t) for t in ("items", "users")]


def insert_row(cursor, values):
    marks = ", ".join(["?"] * len(values))
    return cursor.execute(f"INSERT INTO items VALUES ({marks})", values)


def unused_helper(cursor, table_name):
    return cursor.execute(f"DROP TABLE {table_name}")
