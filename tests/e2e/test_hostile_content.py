"""XSS payloads in lessons, exercises, feedback, course titles, learner names and CSV imports
execute nothing in Chromium: no dialog, no script side effect."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from lms.extensions import db

from .kiosk_helpers import SAMPLE, guard_outside, keypad_sign_in

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>window.__xss=1;alert(1)</script>",
    "<img src=x onerror=\"window.__xss=1;alert(1)\">",
    "<svg onload=\"window.__xss=1\">",
    "[click](javascript:window.__xss=1)",
    "[data](data:text/html,<script>alert(1)</script>)",
    "\"><iframe src=javascript:alert(1)>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "{{7*7}} ${alert(1)} <style>body{background:url(javascript:alert(1))}</style>",
]
HOSTILE = " ".join(PAYLOADS)


def _escape_gift(text: str) -> str:
    for ch in "\\~=#{}:":
        text = text.replace(ch, "\\" + ch)
    return text


def _hostile_course(tmp_path):
    folder = tmp_path / "hostile"
    shutil.copytree(SAMPLE, folder)
    course = (folder / "course.yml").read_text()
    course = course.replace("slug: sample", "slug: hostile")
    course = course.replace("ru: Пробный курс", "ru: 'Курс " + HOSTILE.replace("'", "''") + "'")
    (folder / "course.yml").write_text(course)
    for lang in ("tg", "ru"):
        path = folder / f"one.{lang}.md"
        text = path.read_text()
        text = text.replace("\n\n---\n\n", f"\n\n{HOSTILE}\n\n---\n\n", 1)
        gift = _escape_gift(HOSTILE)
        text = text.replace("::mc:: ", f"::mc:: {gift} ", 1)
        text = text.replace("#Б", f"#Б {gift}", 1) if lang == "tg" else text
        text = text.replace("=А#", f"=А {gift}#", 1)
        path.write_text(text)
    return folder


def test_hostile_content_executes_nothing(browser, live_server, enrolled_terminal, tmp_path):
    from lms.accounts.csv_import import import_learners
    from lms.accounts.models import User
    from lms.content.check import check_path
    from lms.content.importer import import_course

    folder = _hostile_course(tmp_path)
    with live_server.app.app_context():
        report = check_path(folder)
        assert report.ok, [str(line) for line in report.lines()]
        import_course(report.courses[0])
        csv = ("learner_number,full_name,facility,unit,pin\n"
               f"9001,\"{HOSTILE.replace(chr(34), chr(39))}\",F1,Блоки А,1234\n")
        import_learners(csv)
        learner = db.session.scalar(select(User).where(User.learner_number == "1016"))
        learner.full_name = HOSTILE
        db.session.commit()
        learner_id = learner.id

    context = browser.new_context()
    outside = guard_outside(context, live_server)
    context.add_cookies([{"name": "lms_terminal", "value": enrolled_terminal("F1", "XSS kiosk"),
                          "url": live_server.url}])
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    def visit(url: str) -> None:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss") is None, url
        for link in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            assert not link.lower().startswith(("javascript:", "data:")), (url, link)

    keypad_sign_in(page, live_server.url + "/?lang=ru", "1016")
    visit("/learn/")
    page.click("a.course-card:has-text('Курс')")
    page.click("a.btn-huge")
    for n in (1, 2, 3):
        visit(page.url.split("?")[0].replace(live_server.url, "") + f"?page={n}")
        if n == 1:  # the payloads are there, as harmless text
            assert "window.__xss=1" in page.inner_text("main")
    box = page.locator(".exercise-box[data-type=multichoice]").first
    box.locator(".choice").first.click()
    box.locator("button.check").click()
    page.wait_for_timeout(500)
    assert page.evaluate("window.__xss") is None
    page.click(".signout button")

    # Staff see the hostile learner names too.
    page.goto(live_server.url + "/staff/signin")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", "umed-demo")
    page.click("button[type=submit].btn-primary")
    visit("/review/")
    visit(f"/review/learners/{learner_id}")
    assert "<script>" in page.inner_text("main")  # the name, shown as text
    context.close()
    assert not dialogs, dialogs
    assert not outside, outside
