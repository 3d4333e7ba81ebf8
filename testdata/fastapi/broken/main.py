from fastapi import FastAPI

app = FastAPI(
    title="broken"
def ping():
    return "pong"
