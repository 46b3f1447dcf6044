"""The yardsticks for bench/load.py, served by gunicorn with the same settings as Umed in the
same run (``gunicorn --chdir bench hello:app``):

- ``/``      hello world;
- ``/write`` the least a kiosk page view must do: append one row to a SQLite file (WAL, as
             Umed sets it up) with the standard library and commit, then answer a short text.
             No ORM, no session, no template: what is left of the lesson page's cost when
             everything Umed adds is taken away.
- ``/stack`` the least a page of this stack costs: Flask-SQLAlchemy reads one row by its key
             through the ORM, appends one row through the ORM and commits, and Jinja renders a
             page shaped like a lesson page (about 5 KB: a little chrome around pre-rendered
             text). No sign-in, no session cookie, no translations, no security headers.
"""

import os
import sqlite3
import threading
import time

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from jinja2 import DictLoader
from markupsafe import Markup
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

app = Flask(__name__)
_local = threading.local()


class Base(DeclarativeBase):
    pass


app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.abspath(
    os.environ.get("BENCH_FLOOR_DB", "floor.sqlite3") + "-stack")
orm = SQLAlchemy(app, model_class=Base)


class Person(orm.Model):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


class View(orm.Model):
    __tablename__ = "views"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int]
    page: Mapped[int]
    at: Mapped[float]


with app.app_context():
    engine = orm.engine
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    orm.create_all()
    if orm.session.get(Person, 1) is None:
        orm.session.add(Person(id=1, name="Learner"))
        orm.session.commit()

# A page shaped like a kiosk lesson page (about 5 KB): a little chrome around a lesson's text,
# which Umed renders once at import and the template inserts as it is.
LESSON = Markup("".join(
    f"<p>Paragraph {n}: some text that stands for what a lesson page holds, with a word in "
    f"<strong>bold</strong> and a <a href=\"#p{n}\">link</a>.</p>\n" for n in range(30)))
PAGE = """<!doctype html><html lang="tg"><head><meta charset="utf-8">
<title>{{ title }} · Umed</title><link rel="stylesheet" href="{{ url_for('static', filename='k.css') }}">
</head><body class="kiosk"><header><span>{{ person.name }}</span>
<form method="post" action="/signout"><button type="submit">Sign out</button></form></header>
<main><h1>{{ title }}</h1><progress max="{{ count }}" value="{{ page }}"></progress>
<span>Page {{ page }} of {{ count }}</span>
<article>{{ lesson }}</article>
<nav><a href="{{ url_for('stack', page=page - 1) }}">Back</a>
<a href="{{ url_for('stack', page=page + 1) }}">Next</a></nav></main></body></html>"""
app.jinja_loader = DictLoader({"page.html": PAGE})  # compiled once, as Umed's templates are


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


@app.get("/stack")
def stack() -> str:
    person = orm.session.get(Person, 1)
    orm.session.add(View(person_id=person.id, page=1, at=time.time()))
    orm.session.commit()
    return render_template("page.html", person=person, title="Lesson", page=1, count=4,
                           lesson=LESSON)
