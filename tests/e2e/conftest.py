"""Browser tests: the app served on a local port, driven by Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from lms import create_app
from lms.extensions import db
from tests.conftest import make_config

from .kiosk_helpers import guard_outside

CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]

pytestmark = pytest.mark.browser


class LiveServer:
    def __init__(self, app, tmp: Path):
        self.app = app
        self.tmp = tmp
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """One app on a file SQLite database with the demo loaded, for all browser tests."""
    tmp = tmp_path_factory.mktemp("live")
    config = make_config(tmp, "sqlite")
    app = create_app(config)
    from lms import demo
    from lms.migrate import upgrade

    with app.app_context():
        upgrade()
        demo.seed()
        db.session.commit()
    server = LiveServer(app, tmp)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) that fails the test on any outside request."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    outside = guard_outside(context, live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not outside, f"requests outside the app: {outside}"
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture(scope="session")
def enrolled_terminal(live_server):
    """A factory: enroll a terminal in facility ``code`` and return its cookie value."""
    from sqlalchemy import select

    from lms.accounts.models import Facility
    from lms.terminals.services import cookie_value, create_terminal

    def make(code: str = "F1", name: str = "Browser kiosk") -> str:
        with live_server.app.app_context():
            facility = db.session.scalar(select(Facility).where(Facility.code == code))
            terminal, secret = create_terminal(facility, name)
            db.session.commit()
            return cookie_value(terminal, secret, live_server.app.config["SECRET_KEY"])

    return make
