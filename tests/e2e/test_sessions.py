"""Two app servers on two ports, one database: an officer's session cookie, copied to another
browser, opens the officer's pages on the second server until the officer signs out on the
first; from then on the second server refuses it."""

from __future__ import annotations

import pytest

from lms import create_app
from lms.extensions import db
from tests.conftest import make_config

from .conftest import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    """Servers A and B: two apps (as two processes would be) sharing one SQLite file and one
    secret key, and nothing else."""
    tmp = tmp_path_factory.mktemp("two-servers")
    config = make_config(tmp, "sqlite")
    first = create_app(config)
    from lms import demo
    from lms.migrate import upgrade

    with first.app_context():
        upgrade()
        demo.seed()
        db.session.commit()
    second = create_app({**config, "SECRET_KEY": first.config["SECRET_KEY"]})
    servers = (LiveServer(first, tmp), LiveServer(second, tmp))
    yield servers
    for server in servers:
        server.stop()


def _context(browser, servers):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    outside: list[str] = []

    def check(route):
        url = route.request.url
        if url.startswith(tuple(s.url for s in servers)) or url.startswith("data:"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", check)
    return context, outside


def test_copied_staff_cookie_refused_on_a_second_server_after_sign_out(browser, two_servers):
    a, b = two_servers
    officer, outside_1 = _context(browser, two_servers)
    page = officer.new_page()
    page.goto(a.url + "/staff/signin?lang=en")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", "umed-demo")
    page.click("button[type=submit].btn-primary")
    page.wait_for_load_state()
    assert page.url.startswith(a.url + "/review/")
    [cookie] = [c for c in officer.cookies() if c["name"] == "lms_session"]

    # Someone copies the cookie into another browser and uses it on server B.
    thief, outside_2 = _context(browser, two_servers)
    thief.add_cookies([{"name": "lms_session", "value": cookie["value"], "url": b.url}])
    stolen = thief.new_page()
    response = stolen.goto(b.url + "/review/")
    assert response.status == 200 and "/review/" in stolen.url
    assert stolen.locator("form.signout").count() == 1

    # The officer signs out on server A ...
    page.click(".signout button")
    page.wait_for_load_state()
    assert "/staff/signin" in page.url

    # ... and server B refuses the copy at once: the sign-in page, not the learners.
    stolen.goto(b.url + "/review/")
    assert "/review/" not in stolen.url.split("?")[0]
    assert stolen.locator("form.signout").count() == 0
    assert stolen.locator("input[name=username], input[name=learner_number]").count() >= 1
    officer.close()
    thief.close()
    assert not outside_1 and not outside_2
