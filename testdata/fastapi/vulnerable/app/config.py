from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    app_name: str = "shop"
    debug: bool = True
    secret_key: str = "changeme"
    database_url: str = "postgresql://localhost/shop"
    api_key: str = ""


settings = Settings()
