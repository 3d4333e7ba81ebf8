import os
import ssl

import jwt
from fastapi import FastAPI, Header, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.trustedhost import TrustedHostMiddleware
from starlette.middleware import Middleware

JWT_SECRET = os.environ["JWT_SECRET"]
PARTNER_TOKEN = os.getenv("PARTNER_TOKEN")

middleware = [
    Middleware(
        CORSMiddleware,
        allow_origins=["null", "https://partner.example.com"],
        allow_origin_regex=r"https://.*example\.com",
        allow_credentials=True,
    ),
    Middleware(TrustedHostMiddleware, allowed_hosts=["*"]),
]

app = FastAPI(title="Partner API", docs_url=None, middleware=middleware)
app.debug = True


@app.middleware("http")
async def frame_options(request, call_next):
    response = await call_next(request)
    response.headers["X-Frame-Options"] = "DENY"
    return response


def partner_context() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_1
    return ctx


@app.get("/claims")
def claims(authorization: str = Header(...)):
    token = authorization.removeprefix("Bearer ")
    return jwt.decode(token, JWT_SECRET, algorithms=["HS256"], options={"verify_signature": False})


@app.post("/orders")
def create_order(order: dict):
    return {"accepted": True, "items": len(order)}
