"""Sign-in rate limits: per terminal (or address) and per account, shared through Redis.

The limiter is one object for the whole process (``lms.extensions.limiter``) that takes its
state (enabled, storage) from the last app it was bound to. These tests bind it to apps of
their own with limits on, and put it back as it was afterwards, so no other test is limited.
Two app servers are two processes: the Redis test runs the second one as a child process
(this file, run as a script), so the two limiters share nothing but Redis.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # the second app server of the Redis test
    sys.path.insert(0, str(ROOT))

from flask_babel import force_locale  # noqa: E402

from lms import create_app  # noqa: E402
from lms.extensions import db, limiter  # noqa: E402

REDIS_URL = os.environ.get("LMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SECRET = "rate-limit-tests-0123456789abcdef"


def _csrf(html: str) -> str:
    from tests.conftest import csrf_from

    return csrf_from(html)


def attempt(client, number: str, pin: str = "0000", address: str = "127.0.0.2",
            query: str = "") -> int:
    """One learner sign-in attempt (keypad "OK") from ``address``; the status code."""
    environ = {"REMOTE_ADDR": address}
    page = client.get("/" + query, environ_base=environ)
    response = client.post("/" + query, environ_base=environ, data={
        "learner_number": number, "pin": pin, "key": "ok", "csrf_token": _csrf(page.text)})
    return response.status_code


# ---- fixtures ------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _limiter_restored():
    saved = dict(vars(limiter))
    yield
    vars(limiter).clear()
    vars(limiter).update(saved)


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A SQLite file with the demo people and two kiosks of facility F1, committed."""
    from sqlalchemy import select

    from lms import demo
    from lms.accounts.models import Facility
    from lms.migrate import upgrade
    from lms.terminals.services import cookie_value, create_terminal
    from tests.conftest import make_config

    tmp = tmp_path_factory.mktemp("ratelimits")
    saved = dict(vars(limiter))
    app = create_app({**make_config(tmp, "sqlite"), "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade()
        demo.seed()
        facility = db.session.scalar(select(Facility).where(Facility.code == "F1"))
        cookies = [cookie_value(*create_terminal(facility, f"Kiosk {n}"), SECRET)
                   for n in (1, 2)]
        db.session.commit()
        db.engine.dispose()
    vars(limiter).update(saved)
    return {"url": app.config["SQLALCHEMY_DATABASE_URI"], "tmp": tmp, "terminals": cookies}


def base_config(database: dict) -> dict:
    from tests.conftest import make_config

    return {
        **make_config(database["tmp"], "sqlite"),
        "SQLALCHEMY_DATABASE_URI": database["url"],
        "SECRET_KEY": SECRET,
        "RATELIMIT_ENABLED": True,
        "REDIS_URL": None,
        "KIOSK_ANY_BROWSER": True,
        "SIGNIN_LIMIT_PER_TERMINAL": "100/minute",
        "SIGNIN_LIMIT_PER_ACCOUNT": "100/minute",
    }


@pytest.fixture
def make_app(database):
    apps = []

    def make(**overrides):
        app = create_app({**base_config(database), **overrides})
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


# ---- the limits ----------------------------------------------------------------------------

def test_account_limit_counts_attempts_from_every_kiosk(make_app):
    app = make_app(SIGNIN_LIMIT_PER_ACCOUNT="3/minute")
    client = app.test_client()
    wrong = [attempt(client, "1001", address=f"127.0.0.{n}") for n in (2, 3, 4)]
    assert wrong == [401, 401, 401]
    # The fourth try is refused before the PIN is looked at, even the right PIN.
    assert attempt(client, "1001", pin="1234", address="127.0.0.5") == 429
    assert attempt(client, " 1001 ", pin="1234", address="127.0.0.6") == 429
    # Another account is not affected.
    assert attempt(client, "1002", pin="1234", address="127.0.0.7") == 302

    from lms.accounts.services import find_learner

    with app.app_context():  # the lockout counted only the tries that reached the view
        assert find_learner("1001").failed_attempts == 3


def test_terminal_limit_counts_attempts_not_key_presses(make_app, database):
    app = make_app(SIGNIN_LIMIT_PER_TERMINAL="4/minute")
    first, second = database["terminals"]
    client = app.test_client()
    client.set_cookie("lms_terminal", first)
    token = _csrf(client.get("/").text)
    for key in "1003":  # the no-JavaScript keypad posts every key
        assert client.post("/", data={"key": key, "csrf_token": token}).status_code == 200
    tries = [attempt(client, number) for number in ("1003", "1004", "1005", "1006")]
    assert tries == [401, 401, 401, 401]
    assert attempt(client, "1007", pin="1234") == 429
    # Same address, another kiosk: its own count.
    other = app.test_client()
    other.set_cookie("lms_terminal", second)
    assert attempt(other, "1007", pin="1234") == 302


def test_without_a_terminal_the_address_is_limited(make_app):
    app = make_app(SIGNIN_LIMIT_PER_TERMINAL="2/minute")
    client = app.test_client()

    def staff(username: str, address: str) -> int:
        environ = {"REMOTE_ADDR": address}
        page = client.get("/staff/signin", environ_base=environ)
        return client.post("/staff/signin", environ_base=environ, data={
            "username": username, "password": "wrong-password",
            "csrf_token": _csrf(page.text)}).status_code

    assert [staff("officer", "127.0.0.8"), staff("admin", "127.0.0.8")] == [401, 401]
    assert staff("lecturer", "127.0.0.8") == 429
    assert staff("lecturer", "127.0.0.9") == 401


def test_staff_account_limit(make_app):
    app = make_app(SIGNIN_LIMIT_PER_ACCOUNT="2/minute")
    client = app.test_client()
    codes = []
    for n, username in enumerate(["officer2", "OFFICER2", "officer2"]):
        environ = {"REMOTE_ADDR": f"127.0.1.{n}"}
        page = client.get("/staff/signin", environ_base=environ)
        codes.append(client.post("/staff/signin", environ_base=environ, data={
            "username": username, "password": "wrong-password",
            "csrf_token": _csrf(page.text)}).status_code)
    assert codes == [401, 401, 429]


def test_limited_page_is_translated(make_app):
    from lms.web import ERROR_MESSAGES

    app = make_app(SIGNIN_LIMIT_PER_ACCOUNT="1/minute")
    client = app.test_client()
    assert attempt(client, "1008", query="?lang=ru") == 401
    environ = {"REMOTE_ADDR": "127.0.0.2"}
    page = client.get("/?lang=ru", environ_base=environ)
    response = client.post("/?lang=ru", environ_base=environ, data={
        "learner_number": "1008", "pin": "1234", "key": "ok", "csrf_token": _csrf(page.text)})
    assert response.status_code == 429
    with app.test_request_context("/"), force_locale("ru"):
        expected = str(ERROR_MESSAGES[429])
    assert expected in response.text
    assert 'lang="ru"' in response.text


def test_limits_are_checked_at_start():
    with pytest.raises(RuntimeError, match="SIGNIN_LIMIT_PER_ACCOUNT"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "SIGNIN_LIMIT_PER_ACCOUNT": "ten a minute"})


# ---- two app servers, one Redis ------------------------------------------------------------

def _redis():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


def _forget(redis_client, *keys: str) -> None:
    for name in keys:
        for key in redis_client.scan_iter(match=f"*{name}/*"):
            redis_client.delete(key)


def test_two_app_servers_count_together_through_redis(make_app, database):
    redis_client = _redis()
    account = "9" + "".join(secrets.choice("0123456789") for _ in range(8))
    addresses = [f"127.{secrets.randbelow(250) + 1}.{secrets.randbelow(250)}.{n}" for n in (1, 2)]
    keys = [f"account:{account}", *(f"address:{a}" for a in addresses)]
    _forget(redis_client, *keys)
    overrides = {"REDIS_URL": REDIS_URL, "SIGNIN_LIMIT_PER_ACCOUNT": "4/minute"}
    try:
        server_a = make_app(**overrides).test_client()
        assert [attempt(server_a, account, address=addresses[0]),
                attempt(server_a, account, address=addresses[0])] == [401, 401]
        assert redis_client.keys(f"*account:{account}*"), "the count is not kept in Redis"
        peer = subprocess.run(
            [sys.executable, __file__, json.dumps({**base_config(database), **overrides,
                                                   "MEDIA_DIR": str(database["tmp"] / "b")}),
             account, "3", addresses[1]],
            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
        )
        assert peer.returncode == 0, peer.stderr
        assert json.loads(peer.stdout.strip().splitlines()[-1]) == [401, 401, 429]
        assert attempt(server_a, account, address=addresses[0]) == 429
    finally:
        _forget(redis_client, *keys)


def _peer(config_json: str, account: str, count: str, address: str) -> None:
    """The second app server: its own process, its own limiter; prints the status codes."""
    app = create_app(json.loads(config_json))
    client = app.test_client()
    codes = [attempt(client, account, address=address) for _ in range(int(count))]
    with app.app_context():
        db.engine.dispose()
    print(json.dumps(codes))


if __name__ == "__main__":
    _peer(*sys.argv[1:5])
