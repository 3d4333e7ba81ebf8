from dataclasses import dataclass
from typing import Optional


@dataclass
class User:
    username: str
    hashed_password: str
    disabled: bool = False


_USERS: dict[str, User] = {}


def get_user(username: str) -> Optional[User]:
    return _USERS.get(username)
