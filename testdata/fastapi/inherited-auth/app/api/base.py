from fastapi import APIRouter, Depends

from app.core import get_current_user, get_db


class BaseController:
    db = Depends(get_db)


class UserController(BaseController):
    user: dict = Depends(get_current_user)


class UserRouter(APIRouter):
    """Every route of this router needs a logged-in user."""

    def __init__(self, prefix: str = "", **kwargs):
        super().__init__(prefix=prefix, dependencies=[Depends(get_current_user)], **kwargs)
