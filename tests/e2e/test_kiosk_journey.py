"""The whole learner journey on kiosks, with JavaScript, as issue 4 describes it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lms import clock

from .kiosk_helpers import guard_outside, import_sample, keypad_sign_in

pytestmark = pytest.mark.browser


def _box(page, key_text):
    return page.locator(".exercise-box", has=page.locator(".question", has_text=key_text))


def _exact(box, selector, text):
    """A tap target whose own label is exactly ``text`` (matching is case-insensitive)."""
    label = re.compile(f"^{re.escape(text)}$")
    if selector == ".m-left":
        return box.locator(".m-left", has=box.page.locator(".m-text", has_text=label))
    return box.locator(selector, has_text=label)


def _check(box):
    box.locator("button.check").click()


def _wait_feedback(box, kind):
    box.page.wait_for_function(
        "([q, k]) => [...document.querySelectorAll('.exercise-box')].some(b => "
        "b.querySelector('.question').textContent.includes(q) && b.querySelector(k))",
        arg=[box.locator(".question").inner_text()[:12], f".feedback-{kind}"])


def _type(page, box, text):
    box.locator(".answer-text").click()
    for ch in text:
        page.locator(f".osk button[data-key='{ch}']").click()


def test_learner_journey(browser, live_server, enrolled_terminal):
    import_sample(live_server)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": "lms_terminal", "value": enrolled_terminal("F1", "Kiosk A"),
                          "url": live_server.url}])
    outside = guard_outside(context, live_server)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    keypad_sign_in(page, live_server.url + "/", "1010")
    # Russian, then into the course.
    page.click(".lang-switch button[lang=ru]")
    assert page.get_attribute("html", "lang") == "ru"
    page.click("a.course-card:has-text('Пробный курс')")
    page.click("a.btn-huge")  # Start
    assert "Первый урок" in page.inner_text("h1")
    page.click(".pager a[rel=next]")
    page.wait_for_selector("text=Вторая страница.")
    url_before = page.url

    # Multiple choice: wrong, then right; no page reload in between.
    page.evaluate("window.__marker = 1")
    box = _box(page, "Какая буква гласная?")
    box.locator(".choice", has_text="Б").click()
    _check(box)
    _wait_feedback(box, "wrong")
    box = _box(page, "Какая буква гласная?")
    assert "Нет, Б — согласная." in box.inner_text()
    box.locator(".choice", has_text="А").first.click()
    _check(box)
    _wait_feedback(box, "right")
    assert page.evaluate("window.__marker") == 1
    # True/false
    box = _box(page, "Солнце тёплое.")
    box.locator(".tf-false").click()
    _wait_feedback(box, "wrong")
    _box(page, "Солнце тёплое.").locator(".tf-true").click()
    _wait_feedback(_box(page, "Солнце тёплое."), "right")
    # Multiple answers
    box = _box(page, "Выберите гласные.")
    box.locator(".choice", has_text="Б").click()
    _check(box)
    _wait_feedback(box, "wrong")
    box = _box(page, "Выберите гласные.")
    for letter in ("А", "О"):
        box.locator(".choice", has_text=letter).click()
    box.locator(".choice", has_text="Б").click()  # untick
    _check(box)
    _wait_feedback(_box(page, "Выберите гласные."), "right")

    # Signed out by idle time (the server's clock), then on another kiosk: same page.
    assert page.url == url_before
    clock.advance(timedelta(minutes=11))
    page.click(".pager a[rel=next]")
    page.wait_for_selector(".keypad")
    context.close()
    clock.reset()

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": "lms_terminal", "value": enrolled_terminal("F1", "Kiosk B"),
                          "url": live_server.url}])
    outside += guard_outside(context, live_server)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    keypad_sign_in(page, live_server.url + "/?lang=ru", "1010")
    page.click("a.continue")
    assert page.url.endswith("page=2")
    assert "Вторая страница." in page.inner_text("main")
    page.click(".pager a[rel=next]")
    page.wait_for_selector("text=Напишите слово")

    # Short answer with the on-screen keyboard (Tajik letters in the Russian UI's lesson).
    box = _box(page, "Напишите слово")
    _type(page, box, "нан")
    _check(box)
    _wait_feedback(box, "wrong")
    box = _box(page, "Напишите слово")
    box.locator(".answer-text").fill("")
    _type(page, box, "нон")
    _check(box)
    _wait_feedback(_box(page, "Напишите слово"), "right")
    # Numerical with the number pad
    box = _box(page, "Сколько букв")
    _type(page, box, "33")
    _check(box)
    _wait_feedback(box, "wrong")
    box = _box(page, "Сколько букв")
    box.locator(".answer-text").fill("")
    _type(page, box, "35")
    _check(box)
    _wait_feedback(_box(page, "Сколько букв"), "right")
    # Matching by tapping: first a wrong pairing, then the right one
    box = _box(page, "Соедините пары.")
    for left, right in (("А", "б"), ("Б", "а"), ("В", "в")):
        _exact(box, ".m-left", left).click()
        _exact(box, ".m-right", right).click()
    _check(box)
    _wait_feedback(box, "wrong")
    box = _box(page, "Соедините пары.")
    for left, right in (("А", "а"), ("Б", "б"), ("В", "в")):
        _exact(box, ".m-left", left).click()
        _exact(box, ".m-right", right).click()
    _check(box)
    _wait_feedback(_box(page, "Соедините пары."), "right")
    # Missing word
    box = _box(page, "каждый день")
    box.locator(".choice", has_text="об").click()
    _check(box)
    _wait_feedback(box, "wrong")
    box = _box(page, "каждый день")
    box.locator(".choice", has_text="нон").click()
    _check(box)
    _wait_feedback(_box(page, "каждый день"), "right")
    # Reflection: private, said so on the screen
    box = _box(page, "Почему вы хотите")
    assert box.locator(".hint.private").count() == 1
    _type(page, box, "ради сына")
    _check(box)
    _wait_feedback(_box(page, "Почему вы хотите"), "right")

    # Lesson one done; lesson two finishes the course.
    page.goto(live_server.url + "/learn/")
    page.click("a.course-card:has-text('Пробный курс')")
    page.click("a.btn-huge")
    box = _box(page, "бобо")
    box.locator(".choice", has_text="Б").click()
    _check(box)
    _wait_feedback(_box(page, "бобо"), "right")
    page.goto(live_server.url + "/learn/certificates")
    assert "Пробный курс" in page.inner_text("main")
    context.close()
    assert not errors, errors
    assert not outside, outside
