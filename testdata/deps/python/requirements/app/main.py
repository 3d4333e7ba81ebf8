"""A tiny API that uses fastapi and requests; starlette is only pulled in."""
from fastapi import FastAPI
import os, requests as http

from .routes import router  # the project's own module

app = FastAPI()
