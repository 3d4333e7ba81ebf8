from pydantic import Field
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    app_name: str = "shop"
    debug: bool = False
    environment: str = "production"
    secret_key: str = Field(..., min_length=32)
    api_key: str
    allowed_origins: list[str] = ["https://shop.example.com"]
    allowed_hosts: list[str] = ["shop.example.com"]


settings = Settings()
