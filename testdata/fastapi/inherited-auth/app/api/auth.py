from fastapi import APIRouter, Depends, Header, HTTPException
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, field_validator

from app.core.settings import settings
from app.limiter import limiter

router = APIRouter(prefix="/auth")


class Registration(BaseModel):
    email: str
    password: str
    password_repeat: str

    @field_validator("password_repeat")
    @classmethod
    def passwords_match(cls, value, info):
        if value != info.data.get("password"):
            raise ValueError("passwords do not match")
        return value


@router.post("/token")
@limiter.limit("5/minute")
async def login(form: OAuth2PasswordRequestForm = Depends()):
    user = authenticate(form.username, form.password)
    if user is None:
        raise HTTPException(status_code=401, detail="bad credentials")
    if user.auth_method == "LDAP":
        raise HTTPException(status_code=400, detail="use the directory login")
    return {"access_token": issue(user), "token_type": "bearer"}


@router.post("/register")
async def register(data: Registration):
    if data.password != data.password_repeat:
        raise HTTPException(status_code=422, detail="passwords do not match")
    return {"email": data.email}


@router.post("/partner/sync")
async def partner_sync(x_api_key: str = Header(...)):
    if x_api_key != settings.partner_api_key:
        raise HTTPException(status_code=401, detail="bad key")
    return {"ok": True}
