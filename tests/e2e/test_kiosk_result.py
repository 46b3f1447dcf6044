"""What the learner is told, in Chromium: the keyboard is there from the start and types, general
feedback waits until a question is finished, and the lesson's last page shows its result, kept
up to date after each answer there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .kiosk_helpers import guard_outside, import_sample, keypad_sign_in

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("LMS_SCREENSHOTS")  # a folder to keep screenshots in, when set


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _box(page, text):
    return page.locator(".exercise-box", has=page.locator(".question", has_text=text))


def _voice_the_result(live_server, lang: str) -> None:
    """The machine clips of the result's headings (the kiosk's words), when the voice is here."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from lms.extensions import db
    from lms.speech import available, cache, clips

    if not available()[0]:
        return
    with live_server.app.app_context(), force_locale(lang):
        for word in (_("Lesson passed!"), _("Not passed yet")):
            if not clips.playable([clips.text_key(word)], lang):
                clips.make_clip(clips.normalize(word), lang)
        db.session.commit()
    cache.forget()


@pytest.mark.parametrize(("lang", "number"), [("tg", "1017"), ("ru", "1018")])
def test_the_learner_is_told_where_they_stand(browser, live_server, enrolled_terminal, lang,
                                              number):
    import_sample(live_server)
    _voice_the_result(live_server, lang)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "lms_terminal", "value": enrolled_terminal("F1", f"Kiosk {lang}"),
                          "url": live_server.url}])
    outside = guard_outside(context, live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    keypad_sign_in(page, live_server.url + f"/?lang={lang}", number)
    sample = "Курси намуна" if lang == "tg" else "Пробный курс"
    page.click(f"a.course-card:has-text('{sample}')")
    _shot(page, f"{lang}-course-locked")
    assert page.locator(".status-locked .opens").count() == 1
    page.click("a.btn-huge")
    page.click(".pager a[rel=next]")
    page.wait_for_selector(".exercise-box")

    # A wrong answer with a try left: the answer's feedback, not the general one.
    box = _box(page, "Кадом ҳарф" if lang == "tg" else "Какая буква")
    box.locator(".choice", has_text="Б").first.click()
    box.locator("button.check").click()
    page.wait_for_selector(".exercise-box .feedback-wrong")
    assert page.locator(".exercise-box .fb.general").count() == 0
    _shot(page, f"{lang}-not-yet-right")

    # The last page: the keyboard is there before anything is tapped, and it types.
    page.click(".pager a[rel=next]")
    page.wait_for_selector("#lesson-result")
    short = _box(page, "нависед" if lang == "tg" else "Напишите")
    assert short.locator(".keys").is_visible()
    assert short.locator(".keys button[data-key='н']").is_visible()
    _shot(page, f"{lang}-last-page-before")
    before = page.inner_text("#lesson-result")
    for ch in "нон":
        short.locator(f".keys button[data-key='{ch}']").click()
    assert short.locator(".answer-text").input_value() == "нон"
    short.locator(".keys button[data-key='back']").click()
    short.locator(".keys button[data-key='н']").click()
    short.locator("button.check").click()
    page.wait_for_selector(".exercise-box .feedback-right")
    # The result follows the answer: the score rose, and this exercise is no longer listed.
    page.wait_for_function("b => document.getElementById('lesson-result').innerText !== b",
                           arg=before)
    assert f"ex-{short.get_attribute('id')[3:]}" not in page.inner_html("#lesson-result")
    # The new result's speakers are the kiosk's big buttons, not bare audio controls.
    from lms.speech import available

    if available()[0]:
        assert page.locator("#lesson-result .speaker button.audio-btn:visible").count() >= 1
    assert page.locator("#lesson-result audio:visible").count() == 0
    _shot(page, f"{lang}-last-page-after")
    page.goto(live_server.url + "/learn/")
    _shot(page, f"{lang}-home")
    assert page.locator("form[action$='/signout']").count() == 1
    context.close()
    assert not outside and not errors, (outside, errors)
