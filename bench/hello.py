"""The yardsticks for bench/load.py, served by gunicorn with the same settings as Umed in the
same run (``gunicorn --chdir bench hello:app``):

- ``/``      hello world;
- ``/write`` the least a kiosk page view must do: append one row to a SQLite file (WAL, as
             Umed sets it up) with the standard library and commit, then answer a short text.
             No ORM, no session, no template: what is left of the lesson page's cost when
             everything Umed adds is taken away.
"""

import os
import sqlite3
import threading
import time

from flask import Flask

app = Flask(__name__)
_local = threading.local()


@app.get("/")
def hello() -> str:
    return "Hello, World!"


def _connection() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(os.environ.get("BENCH_FLOOR_DB", "floor.sqlite3"),
                               isolation_level=None, timeout=5)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE IF NOT EXISTS views (id INTEGER PRIMARY KEY, at REAL)")
        _local.conn = conn
    return conn


@app.get("/write")
def write() -> str:
    conn = _connection()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO views (at) VALUES (?)", (time.time(),))
    conn.execute("COMMIT")
    return "Saved."
