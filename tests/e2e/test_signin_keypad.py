"""A learner signs in with the on-screen keypad, in Tajik, on an enrolled kiosk."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _tap(page, digits: str) -> None:
    for digit in digits:
        page.click(f".keypad button[value='{digit}']")


def test_enroll_by_code_then_keypad_sign_in_in_tajik(page, live_server):
    # An officer creates a one-time code...
    page.goto(live_server.url + "/staff/signin?lang=tg")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", "umed-demo")
    page.click("button[type=submit].btn-primary")
    page.goto(live_server.url + "/review/terminals")
    page.fill("input[name=name]", "Киоски китобхона")
    page.click("form[novalidate] button[type=submit]")
    code = page.inner_text(".code")
    page.click(".signout button")
    # ...and types it on the kiosk itself.
    page.goto(live_server.url + "/enroll")
    page.fill("input[name=code]", code)
    page.click("button[type=submit].btn-primary")
    assert page.url.rstrip("/") == live_server.url
    assert page.get_attribute("html", "lang") == "tg"
    # The learner uses only the on-screen keypad.
    _tap(page, "1007")
    page.click(".keypad button[value='next']")
    _tap(page, "1234")
    assert page.input_value("#learner_number") == "1007"
    assert page.input_value("#pin") == "1234"
    page.click("button.signin-go")
    page.wait_for_url("**/learn/")
    assert page.get_attribute("html", "lang") == "tg"
    assert "Умед Мирзоев" in page.inner_text(".who")


def test_keypad_refused_on_unenrolled_browser(page, live_server):
    page.goto(live_server.url + "/")
    assert page.locator(".notice-warning").count() == 1
    _tap(page, "1001")
    page.click(".keypad button[value='next']")
    _tap(page, "1234")
    page.click("button.signin-go")
    assert "/learn/" not in page.url
