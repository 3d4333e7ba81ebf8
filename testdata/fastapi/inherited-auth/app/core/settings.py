from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    debug: bool = False
    secret_key: str
    partner_api_key: str


class DevSettings(Settings):
    debug: bool = True


settings = Settings()
