import os
from enum import Enum

import boto3
from flask import Flask
from starlette.middleware.sessions import SessionMiddleware

s3 = boto3.client(
    "s3",
    aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
)
env_s3 = boto3.client("s3", aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])

flask_app = Flask(__name__)
flask_app.config["SECRET_KEY"] = "flask-dev-key"
flask_app.config.update(SECRET_KEY="flask-dev-key-2")
flask_app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
wrapped = SessionMiddleware(flask_app, secret_key="session-signing-value")

JWT_SECRET = os.getenv("JWT_SECRET", "dev-secret")
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-secret-2"
settings = {"jwt_secret_key": os.environ.get("JWT_SECRET_KEY")}
jwt_key = settings.get("jwt_secret_key", "super-secret")
response = {"password": "x"}
challenge = response.get("password", "123")


def login(user, password="admin123"):
    return user, password


def login_later(user, password=None):
    return user, password


class AuthMethod(str, Enum):
    USERNAME_PASSWORD = "username-password"
    API_TOKEN = "api-token"


class AuditEvent:
    PASSWORD_RESET_EVENT = "user.password_reset"


RESET_PASSWORD_TOKEN_AUDIENCE = "fastapi-users:reset"
SECRET_FILE_EXTENSIONS = [".pem", ".key"]
API_KEY = "xxxxxxxxxxxxxxxx"
API_TOKEN = "<your-token-here>"
ACCESS_TOKEN_KEY = "access_token"
SECRET = "APP_SECRET_KEY"
AUTH_SECRET_NOTE = "Ask the admin for the key"
