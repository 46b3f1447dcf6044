"""Two app servers (gunicorn, one worker each) on one PostgreSQL database and one Redis.

A learner signs in on server A, opens a lesson page, then goes on with the same cookies on
server B, lands on the same page through /learn/continue and answers an exercise there. The
session is a signed cookie, not server memory: B never saw the sign-in. Sign-in limits are
counted in Redis, so tries on A and B add up. Runs only when LMS_TEST_DATABASE_URL is set, on
a scratch database it creates and drops.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.conftest import PG_URL, _pg_url, csrf_from

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("LMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SAMPLE_COURSE = ROOT / "tests" / "fixtures" / "sample-course"

pytestmark = pytest.mark.skipif(not PG_URL, reason="LMS_TEST_DATABASE_URL is not set")


class Kiosk:
    """A browser's cookie jar over http.client, talking to any of the servers."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            text_ = response.read().decode()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers.get("Location", ""), text_

    def sign_in(self, port: int, number: str, pin: str) -> tuple[int, str]:
        _status, _location, page = self.request(port, "GET", "/")
        status, location, _text = self.request(port, "POST", "/", {
            "learner_number": number, "pin": pin, "key": "ok", "csrf_token": csrf_from(page)})
        return status, location


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _flask(env: dict, *args: str) -> None:
    result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"flask {' '.join(args)}:\n{result.stdout}\n{result.stderr}"


def _serve(env: dict, log: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    # gunicorn 24+ opens a control socket at one path per user: two servers would share it.
    help_text = subprocess.run([str(BIN / "gunicorn"), "--help"], capture_output=True,
                               text=True, check=False).stdout
    options = ["--no-control-socket"] if "--no-control-socket" in help_text else []
    with log.open("wb") as out:  # the child keeps its own copy of the file
        proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--chdir", str(ROOT), *options, "wsgi:app"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"gunicorn stopped:\n{log.read_text()}")
        try:
            if Kiosk().request(port, "GET", "/healthz")[0] == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer on port {port}:\n{log.read_text()}")


@pytest.fixture
def scratch_database():
    base = make_url(_pg_url())
    name = f"umed_scale_test_{os.getpid()}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def redis_client():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    yield client
    client.close()


def test_two_app_servers_share_sessions_and_limits(tmp_path, scratch_database, redis_client):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(LMS_DATABASE_URL=scratch_database, LMS_SECRET_KEY=secrets.token_urlsafe(32),
               LMS_REDIS_URL=REDIS_URL, LMS_KIOSK_ANY_BROWSER="1",
               LMS_MEDIA_DIR=str(tmp_path / "media"), LMS_SIGNIN_LIMIT_PER_ACCOUNT="4/minute",
               # Every request comes from 127.0.0.1 without a kiosk cookie: the per-address
               # limit would count this test's runs (and any other's) together.
               LMS_SIGNIN_LIMIT_PER_TERMINAL="1000/minute")
    _flask(env, "db", "upgrade")
    _flask(env, "lms", "demo", "--no-courses")
    _flask(env, "lms", "content", "import", str(SAMPLE_COURSE))
    engine = create_engine(scratch_database, poolclass=NullPool)
    with engine.connect() as conn:
        lesson_id = conn.scalar(text(
            "SELECT l.id FROM lessons l JOIN courses c ON c.id = l.course_id "
            "WHERE c.slug = 'sample' AND l.key = 'one'"))
    servers = []
    account = "9" + "".join(secrets.choice("0123456789") for _ in range(8))
    try:
        for name in ("a", "b"):
            servers.append(_serve(env, tmp_path / f"gunicorn-{name}.log"))
        (_a, port_a), (_b, port_b) = servers
        kiosk = Kiosk()

        # Server A: sign in, open the lesson's second page (the one with exercises).
        assert kiosk.sign_in(port_a, "1001", "1234") == (302, "/learn/")
        lesson_path = f"/learn/lessons/{lesson_id}?page=2"
        status, _location, page_a = kiosk.request(port_a, "GET", lesson_path)
        assert status == 200

        # Server B, same cookies: continue where the learner stopped.
        status, location, _text = kiosk.request(port_b, "GET", "/learn/continue")
        assert (status, urlsplit(location).path + "?" + urlsplit(location).query) == \
            (302, lesson_path)
        status, _location, page_b = kiosk.request(port_b, "GET", lesson_path)
        assert status == 200
        actions = re.findall(r'action="(/learn/exercises/\d+)"', page_b)
        assert actions and actions == re.findall(r'action="(/learn/exercises/\d+)"', page_a)

        # Answer the first exercise on B.
        form = page_b[page_b.index(f'action="{actions[0]}"'):]
        client_id = re.search(r'name="client_id" value="([^"]+)"', form).group(1)
        choice = re.search(r'name="choice" value="([^"]+)"', form).group(1)
        status, location, _text = kiosk.request(port_b, "POST", actions[0], {
            "csrf_token": csrf_from(form), "client_id": client_id, "choice": choice,
            "lang": "tg", "key": "check"})
        assert status == 302 and f"/learn/lessons/{lesson_id}" in location
        with engine.connect() as conn:
            saved = conn.execute(text(
                "SELECT u.learner_number FROM attempts a JOIN users u ON u.id = a.user_id "
                "WHERE a.client_id = :c"), {"c": client_id}).scalars().all()
        assert saved == ["1001"]

        # The session lives in the signed cookie: a forged one is refused on either server.
        forged = Kiosk()
        forged.cookies = dict(kiosk.cookies)
        value = forged.cookies["lms_session"]
        forged.cookies["lms_session"] = value[:-2] + ("AA" if value[-2:] != "AA" else "BB")
        for port in (port_a, port_b):
            status, location, _text = forged.request(port, "GET", "/learn/continue")
            assert status == 302 and urlsplit(location).path == "/"
            assert kiosk.request(port, "GET", "/learn/")[0] == 200

        # Sign-in limits: tries on A and on B count together (4 a minute per account).
        other = Kiosk()
        codes = [other.sign_in(port, account, "0000")[0]
                 for port in (port_a, port_b, port_a, port_b, port_a, port_b)]
        assert codes == [401, 401, 401, 401, 429, 429]
    finally:
        for proc, _port in servers:
            proc.terminate()
        for proc, _port in servers:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        engine.dispose()
        for key in redis_client.scan_iter(match=f"*account:{account}*"):
            redis_client.delete(key)
