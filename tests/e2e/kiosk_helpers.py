"""Shared steps for the kiosk browser tests."""

from __future__ import annotations

from pathlib import Path

from lms.extensions import db

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample-course"


def import_sample(live_server) -> None:
    from lms.content.importer import import_course
    from lms.content.loader import load_tree

    with live_server.app.app_context():
        sources, problems = load_tree(SAMPLE)
        assert not problems.errors
        import_course(sources[0])
        db.session.commit()


def keypad_sign_in(page, url: str, number: str, pin: str = "1234") -> None:
    page.goto(url)
    for digit in number:
        page.click(f".keypad button[value='{digit}']")
    page.click(".keypad button[value='next']")
    for digit in pin:
        page.click(f".keypad button[value='{digit}']")
    page.click("button.signin-go")
    page.wait_for_url("**/learn/**")


def new_kiosk_page(browser, live_server, cookie: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": "lms_terminal", "value": cookie, "url": live_server.url}])
    return context, context.new_page()


def guard_outside(context, live_server) -> list[str]:
    """Abort and remember every request to anywhere but the app."""
    outside: list[str] = []

    def check(route):
        url = route.request.url
        if url.startswith(live_server.url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", check)
    return outside
