"""An officer plans a course for a unit; a learner of that unit finds it on the kiosk home and
completes it; the officer prints the certificate (Chromium's PDF) with the learner's name."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.extensions import db

from .kiosk_helpers import guard_outside, import_sample, keypad_sign_in, new_kiosk_page

pytestmark = pytest.mark.browser

LEARNER = "1005"  # Бахтиёр Ҳакимов, unit "Блоки А" of facility 1
NAME = "Бахтиёр Ҳакимов"


def _answer(page, question: str, how) -> None:
    """Answer the exercise whose question contains ``question``; wait for its feedback.
    Works with the kiosk script (answers sent in the background) and without it."""
    box = page.locator(".exercise-box", has=page.locator(".question", has_text=question))
    box_id = box.get_attribute("id")
    how(box)
    page.wait_for_selector(f"#{box_id} .feedback-right")


def _choose(*texts):
    def how(box):
        for text in texts:
            box.locator(".choice", has_text=text).first.click()
        box.locator("button.check").click()
    return how


def _write(text):
    def how(box):
        box.locator(".answer-text").fill(text)
        box.locator("button.check").click()
    return how


def _pair(pairs):
    def how(box):
        for left, right in pairs:
            if box.locator("select").count() and box.locator("select").first.is_visible():
                box.locator(".pair", has_text=left).locator("select").select_option(label=right)
            else:
                box.locator(".m-left", has_text=left).click()
                box.locator(".m-right", has_text=right).click()
        box.locator("button.check").click()
    return how


def _true(box):
    box.locator(".tf-true").click()


def test_officer_plans_learner_completes_officer_prints(page, browser, live_server,
                                                        enrolled_terminal):
    import_sample(live_server)
    url = live_server.url
    # The officer assigns the sample course to unit "Блоки А".
    page.goto(url + "/staff/signin?lang=tg")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", "umed-demo")
    page.click("button[type=submit].btn-primary")
    page.goto(url + "/review/plans/")
    page.select_option("select[name=unit_id]", label="Блоки А (Муассисаи ислоҳии №1)")
    page.select_option("select[name=course_id]", label="Курси намуна")
    page.fill("input[name=due_date]", "2030-06-30")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector(".flash-success")

    # The learner signs in on a kiosk: the course is in their plan on the home screen.
    context, kiosk = new_kiosk_page(browser, live_server, enrolled_terminal("F1", "Киоски блок А"))
    outside = guard_outside(context, live_server)
    errors: list[str] = []
    kiosk.on("pageerror", lambda exc: errors.append(str(exc)))
    keypad_sign_in(kiosk, url + "/?lang=tg", LEARNER)
    plan = kiosk.locator("section", has=kiosk.locator("h2 svg use[href$='#flag']"))
    card = plan.locator("a.course-card", has_text="Курси намуна")
    assert card.count() == 1 and "2030" in card.inner_text()
    card.click()
    kiosk.click("a.btn-huge")  # start the first lesson
    kiosk.click(".pager a[rel=next]")
    _answer(kiosk, "Кадом ҳарф садонок аст?", _choose("А"))
    _answer(kiosk, "Офтоб гарм аст.", _true)
    _answer(kiosk, "Садонокҳоро интихоб кунед.", _choose("А", "О"))
    kiosk.click(".pager a[rel=next]")
    _answer(kiosk, "нависед", _write("нон"))
    _answer(kiosk, "чанд ҳарф", _write("35"))
    _answer(kiosk, "Ҷуфт кунед.", _pair((("А", "а"), ("Б", "б"), ("В", "в"))))
    _answer(kiosk, "мехӯрам", _choose("нон"))
    _answer(kiosk, "Чаро шумо хондан мехоҳед?", _write("барои писарам"))
    kiosk.goto(url + "/learn/")
    kiosk.locator("a.course-card", has_text="Курси намуна").first.click()
    kiosk.click("a.btn-huge")  # the second lesson
    _answer(kiosk, "бобо", _choose("Б"))
    kiosk.goto(url + "/learn/certificates")
    assert "Курси намуна" in kiosk.inner_text("main")
    context.close()
    assert not errors, errors
    assert not outside, outside

    # The officer finds the learner, sees the plan complete, and prints the certificate.
    page.goto(url + f"/review/?q={LEARNER}")
    page.click(f"a:text-is('{LEARNER}')")
    assert page.locator("#plan .badge-done").count() == 1
    assert "барои писарам" not in page.content()  # the reflection stays private
    page.click(".panel a[href*='language=tg']")
    page.wait_for_selector(".certificate")
    assert NAME in page.inner_text(".cert-name")
    pdf = page.pdf(format="A4", print_background=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert NAME in text and "Курси намуна" in text
    code = page.inner_text(".cert-code")
    page.goto(url + f"/review/certificates/verify?code={code}")
    assert NAME in page.inner_text(".verified-name")

    with live_server.app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert {"plan.assign", "learner.view", "certificate.print",
            "certificate.verify"} <= set(actions)
