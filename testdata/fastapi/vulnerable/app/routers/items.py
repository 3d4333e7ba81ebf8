import requests
from fastapi import APIRouter, Request
from sqlalchemy import text

from app.db import engine

router = APIRouter(tags=["items"])


@router.get("/")
async def list_items(q: str = ""):
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT * FROM items WHERE name LIKE '%{q}%'"))
    return [dict(r._mapping) for r in rows]


@router.post("/")
async def create_item(request: Request):
    payload = await request.json()
    return payload


@router.delete("/{item_id}")
def delete_item(item_id: str):
    cursor = engine.raw_connection().cursor()
    query = "DELETE FROM items WHERE id = %s" % item_id
    cursor.execute(query)
    return {"deleted": item_id}


@router.get("/external")
def fetch_external(url: str = "https://example.com"):
    return requests.get(url, verify=False).json()
