from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.trustedhost import TrustedHostMiddleware

from app.api import auth, items
from app.core.settings import settings

app = FastAPI(debug=settings.debug, docs_url=None, redoc_url=None, openapi_url=None)
app.add_middleware(TrustedHostMiddleware, allowed_hosts=["api.example.com"])
app.add_middleware(  # the browser client
    CORSMiddleware,
    # every origin, and cookies
    allow_origins=["*"],
    allow_credentials=True,
)


@app.middleware("http")
async def security_headers(request: Request, call_next):
    response = await call_next(request)
    response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
api.include_router(items.router)
api.include_router(items.accounts)
api.include_router(auth.router)

app.mount("/api/v1", app=api)
