from fastapi import Depends, FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel

from .settings import STRIPE_API_KEY

app = FastAPI(title="orders", debug=True)

app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


def current_user(token: str = Depends(oauth2_scheme)) -> str:
    if not token:
        raise HTTPException(status_code=401, detail="not authenticated")
    return token


class Order(BaseModel):
    item: str
    quantity: int


@app.get("/orders")
def list_orders(user: str = Depends(current_user)):
    return []


@app.post("/orders")
def create_order(order: Order, user: str = Depends(current_user)):
    return {"item": order.item, "quantity": order.quantity}


@app.delete("/orders/{order_id}")
def delete_order(order_id: int):
    return {"deleted": order_id, "charged_with": STRIPE_API_KEY[:4]}
