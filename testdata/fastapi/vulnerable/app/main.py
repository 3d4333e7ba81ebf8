import uvicorn
from fastapi import Depends, FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from jose import jwt
from starlette.middleware.sessions import SessionMiddleware

from app.config import settings
from app.routers import admin, items

SECRET_KEY = "super-secret-signing-key-123"
ALGORITHM = "HS256"

app = FastAPI(title="Shop", debug=settings.debug)

app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)
app.add_middleware(SessionMiddleware, secret_key="session-secret-abc123")

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


def get_current_user(token: str = Depends(oauth2_scheme)):
    try:
        payload = jwt.decode(token, SECRET_KEY)
    except Exception:
        return None
    return payload.get("sub")


@app.post("/token")
async def login(form_data: OAuth2PasswordRequestForm = Depends()):
    if form_data.password != "admin123":
        return {"error": "invalid credentials"}
    token = jwt.encode({"sub": form_data.username}, SECRET_KEY, algorithm=ALGORITHM)
    return {"access_token": token, "token_type": "bearer"}


@app.get("/me")
async def me(user=Depends(get_current_user)):
    return {"user": user}


@app.post("/reports")
async def create_report(data: dict):
    try:
        return {"ok": True, "rows": len(data)}
    except Exception as exc:
        raise HTTPException(status_code=500, detail=str(exc))


app.include_router(items.router, prefix="/items")
app.include_router(admin.router, prefix="/admin", dependencies=[Depends(get_current_user)])

if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", forwarded_allow_ips="*")
