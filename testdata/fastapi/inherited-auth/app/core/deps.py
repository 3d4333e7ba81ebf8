import jwt
from fastapi import Depends, HTTPException
from fastapi.security import OAuth2PasswordBearer

from app.core.settings import settings

oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/token")
oauth2_optional = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def get_db():
    yield None


async def get_current_user(token: str = Depends(oauth2)):
    try:
        return jwt.decode(token, settings.secret_key, algorithms=["HS256"])
    except jwt.PyJWTError:
        raise HTTPException(status_code=401, detail="invalid token")


async def get_optional_user(token: str | None = Depends(oauth2_optional)):
    # Anonymous visitors get the public view.
    if token is None:
        return None
    return jwt.decode(token, settings.secret_key, algorithms=["HS256"])


def current_user_authorizer(*, required: bool = True):
    return get_current_user if required else get_optional_user
