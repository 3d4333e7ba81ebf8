from fastapi import APIRouter, HTTPException
from pydantic import BaseModel
from sqlalchemy import text

from app.db import Item, SessionLocal

router = APIRouter(tags=["items"])


class ItemIn(BaseModel):
    name: str
    price: float


@router.get("/")
def list_items(q: str = ""):
    with SessionLocal() as session:
        rows = session.execute(text("SELECT id, name FROM items WHERE name LIKE :q"), {"q": f"%{q}%"})
        return [dict(r._mapping) for r in rows]


@router.post("/", status_code=201)
def create_item(item: ItemIn):
    with SessionLocal() as session:
        obj = Item(name=item.name, price=item.price)
        session.add(obj)
        session.commit()
        return {"id": obj.id}


@router.delete("/{item_id}")
def delete_item(item_id: int):
    with SessionLocal() as session:
        obj = session.get(Item, item_id)
        if obj is None:
            raise HTTPException(status_code=404, detail="not found")
        session.delete(obj)
        session.commit()
    return {"deleted": item_id}
