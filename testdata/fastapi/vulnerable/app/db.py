import hashlib
import os

from sqlalchemy import create_engine

DATABASE_URL = os.getenv("DATABASE_URL", "sqlite:///./shop.db")
DB_PASSWORD = os.getenv("DB_PASSWORD", "postgres")

engine = create_engine(DATABASE_URL)


def hash_password(password: str) -> str:
    return hashlib.md5(password.encode()).hexdigest()
