import hashlib
import hmac

from fastapi import APIRouter, Depends, HTTPException, Request

from app.api.base import UserController, UserRouter
from app.core import current_user_authorizer, get_db
from app.core.settings import settings
from app.store import StatusResponse, delete_all_items, save_note

router = APIRouter(prefix="/items")
accounts = UserRouter(prefix="/accounts")


class ItemViews(UserController):
    @router.post("")
    def create(self, name: str):
        return {"name": name, "owner": self.user}

    @router.delete("/{item_id}")
    def delete(self, item_id: int):
        return {"deleted": item_id}


@router.put("/{item_id}/favorite")
def favorite(item_id: int, user=Depends(current_user_authorizer())):
    return {"item": item_id, "user": user}


@router.get("/purge")
def purge(db=Depends(get_db)):
    delete_all_items(db)
    db.commit()
    return {"ok": True}


@router.post("/notes")
def add_note(text: str, db=Depends(get_db)):
    return save_note(db, text)


@router.post("/password-recovery/{email}")
def recover_password(email: str):
    return {"sent": True}


@router.post("/hooks/payments")
async def payment_webhook(request: Request):
    body = await request.body()
    expected = hmac.new(settings.partner_api_key.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("x-signature", "")):
        raise HTTPException(status_code=400, detail="bad signature")
    return await request.json()


@router.post("/hooks/inventory")
async def inventory_webhook(request: Request):
    event = await request.json()
    return {"received": event["type"]}


@router.get("/{item_id}/stock")
def stock(item_id: int):
    try:
        return {"stock": query_stock(item_id)}
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc))
    except Exception as exc:
        raise HTTPException(status_code=500, detail=f"stock service failed: {exc}")


def warehouse_status():
    try:
        return StatusResponse(None, ping_warehouse())
    except Exception as exc:
        return StatusResponse(str(exc), 0)


@accounts.delete("/{account_id}")
def close_account(account_id: int):
    return {"closed": account_id}
