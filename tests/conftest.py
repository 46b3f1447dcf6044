"""Shared fixtures: an app per database engine, migrated once, every test rolled back.

Tests run on SQLite; when LMS_TEST_DATABASE_URL is set they run on PostgreSQL too."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import scoped_session, sessionmaker

from lms import clock, create_app
from lms.extensions import db as _db

PG_URL = os.environ.get("LMS_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _pg_url() -> str:
    url = PG_URL or ""
    return "postgresql+psycopg://" + url.split("://", 1)[1] if "://" in url else url


def reset_postgresql(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_config(tmp: Path, backend: str) -> dict:
    url = f"sqlite:///{tmp / 'test.sqlite3'}" if backend == "sqlite" else _pg_url()
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "ARGON2_PROFILE": "fast",
        "MEDIA_DIR": str(tmp / "media"),
        "KIOSK_ANY_BROWSER": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def _app(backend, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(backend)
    config = make_config(tmp, backend)
    if backend == "postgresql":
        reset_postgresql(config["SQLALCHEMY_DATABASE_URI"])
    app = create_app(config)
    from lms.migrate import upgrade

    with app.app_context():
        upgrade()
        _db.engine.dispose()
    yield app
    with app.app_context():
        _db.engine.dispose()


class _TestSession(scoped_session):
    """The request teardown's ``remove()`` only rolls back what was not committed, so objects
    a test holds stay attached (and are refreshed) across requests."""

    def remove(self) -> None:
        if self.registry.has():
            self.registry().rollback()

    def dispose(self) -> None:
        super().remove()


@pytest.fixture
def app(_app) -> Iterator:
    """The app, with every database change of the test rolled back afterwards."""
    _app.config.update(KIOSK_ANY_BROWSER=False, RATELIMIT_ENABLED=False)
    # No app context stays pushed during the test: each request gets its own, as in
    # production (a shared one would leak ``g`` between requests).
    with _app.app_context():
        connection = _db.engine.connect()
    outer = connection.begin()
    original = _db.session
    _db.session = _TestSession(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                     expire_on_commit=False)
    )
    try:
        yield _app
    finally:
        _db.session.dispose()
        _db.session = original
        outer.rollback()
        connection.close()
        clock.reset()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@contextmanager
def count_queries(engine):
    """The SQL statements ``engine`` runs inside the ``with`` block, as a list."""
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


@pytest.fixture
def world(app, db):
    """Two facilities with staff, learners and terminals (the demo data, cheap hashes)."""
    from lms import demo

    demo.seed()
    db.session.commit()
    return demo


class Auth:
    def __init__(self, client, app):
        self.client = client
        self.app = app

    def staff(self, username: str, password: str = "umed-demo"):
        page = self.client.get("/staff/signin")
        return self.client.post("/staff/signin", data={
            "username": username, "password": password, "csrf_token": csrf_from(page.text)})

    def learner(self, number: str, pin: str = "1234", terminal_cookie: str | None = None):
        if terminal_cookie is not None:
            self.client.set_cookie("lms_terminal", terminal_cookie)
        page = self.client.get("/")
        return self.client.post("/", data={
            "learner_number": number, "pin": pin, "key": "ok",
            "csrf_token": csrf_from(page.text)})

    def signout(self, page_url: str = "/learn/"):
        token = csrf_from(self.client.get(page_url).text)
        return self.client.post("/signout", data={"csrf_token": token})


@pytest.fixture
def auth(client, app):
    return Auth(client, app)


@pytest.fixture
def terminal_cookie(app, db, world):
    """A factory: an enrolled terminal's cookie for a facility code."""
    from sqlalchemy import select

    from lms.accounts.models import Facility
    from lms.terminals.services import cookie_value, create_terminal

    def make(code: str = "F1", name: str = "Test kiosk") -> str:
        facility = db.session.scalar(select(Facility).where(Facility.code == code))
        terminal, secret = create_terminal(facility, name)
        db.session.commit()
        return cookie_value(terminal, secret, app.config["SECRET_KEY"])

    return make


SAMPLE_COURSE = Path(__file__).resolve().parent / "fixtures" / "sample-course"


@pytest.fixture
def sample_course(app, db):
    """The small two-lesson course with every exercise type, imported and published."""
    from lms.content.importer import import_course
    from lms.content.loader import load_tree
    from lms.content.models import Course

    with app.app_context():
        sources, problems = load_tree(SAMPLE_COURSE)
        assert not problems.errors, [str(p) for p in problems.errors]
        import_course(sources[0])
        db.session.commit()
    from sqlalchemy import select

    return db.session.scalar(select(Course).where(Course.slug == "sample"))


