from typing import NamedTuple


class StatusResponse(NamedTuple):
    error: str | None
    balance: int


def delete_all_items(db):
    db.execute("DELETE FROM items")


def save_note(db, text):
    db.add(text)
