"""The lecturer studio in a real browser: a lesson written with text, a picture, an exercise and
a recording from Chromium's fake microphone; reviewed, published, and read on a kiosk."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.accounts.models import User
from lms.content.models import Course
from lms.extensions import db
from tests.author.conftest import png
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.kiosk_helpers import guard_outside, keypad_sign_in, new_kiosk_page

pytestmark = pytest.mark.browser

MEDIA_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]

LESSON = """---
id: first-bee
title: Занбӯри аввал
minutes: 5
---

# Занбӯр асал медиҳад

Занбӯрон дар кандуи чӯбин зиндагӣ мекунанд.

```quiz
::bees-make:: Занбӯр чӣ медиҳад? {=асал ~шир ~нон}
```
"""


@pytest.fixture(scope="module")
def studio_browser(browser):
    """Chromium launched like the shared browser, with a fake microphone that needs no
    permission prompt."""
    studio = browser.browser_type.launch(executable_path=CHROMIUM,
                                         args=CHROMIUM_ARGS + MEDIA_ARGS, headless=True)
    yield studio
    studio.close()


@pytest.fixture
def studio_page(studio_browser, live_server):
    """A fresh context that fails the test on any outside request or JavaScript error."""
    context = studio_browser.new_context(viewport={"width": 1400, "height": 900})
    context.grant_permissions(["microphone"], origin=live_server.url)
    outside = guard_outside(context, live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not outside, f"requests outside the app: {outside}"
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def lecturer_reviews(live_server):
    """The demo lecturer may publish (but never their own change) for this test."""
    def set_flag(value: bool) -> None:
        with live_server.app.app_context():
            user = db.session.scalar(select(User).where(User.username == "lecturer"))
            user.is_reviewer = value
            db.session.commit()

    set_flag(True)
    yield
    set_flag(False)


def _sign_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/staff/signin?lang=en")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "umed-demo")
    page.click("button[type=submit].btn-primary")
    page.wait_for_load_state()


def _sign_out(page) -> None:
    page.click(".signout button")
    page.wait_for_load_state()


def _preview(page):
    return page.frame_locator("#preview-frame")


def test_lecturer_writes_reviewer_publishes_learner_reads(
        studio_page, live_server, lecturer_reviews, studio_browser, enrolled_terminal):
    page = studio_page
    slug = "bees-" + uuid.uuid4().hex[:6]
    _sign_in(page, live_server, "lecturer")

    # A new course, a module and a lesson, all without typing a line of YAML.
    page.click("nav.staff-nav a[href='/author/']")
    page.click("text=New course")
    page.fill("#slug", slug)
    page.fill("#title_tg", "Занбӯрпарварӣ")
    page.fill("#title_ru", "Пчеловодство")
    page.select_option("#category", "vocational")
    page.click("form button[type=submit].btn-primary")
    page.fill("#add-module #key", "hives")
    page.fill("#add-module #title_tg", "Кандуҳо")
    page.click("#add-module button[type=submit]")
    page.fill("#add-lesson #key", "first-bee")
    page.fill("#add-lesson #title_tg", "Занбӯри аввал")
    page.click("#add-lesson button[type=submit]")
    page.click("#lesson-first-bee a[href$='/lessons/first-bee/tg']")

    # The editor: text and an exercise; the preview follows without a reload.
    editor_url = page.url
    page.fill("#source", LESSON)
    preview = _preview(page)
    preview.locator("h1", has_text="Занбӯр асал медиҳад").wait_for()
    preview.locator(".exercise-box input[type=radio]").first.wait_for()
    assert preview.locator(".exercise-box .question").inner_text().startswith("Занбӯр чӣ")
    assert page.url == editor_url

    # A checker error shows beside its line, and goes away when mended.
    page.fill("#source", LESSON.replace("minutes: 5\n", ""))
    page.locator("#gutter li.has-error").first.wait_for()
    assert "minutes" in page.locator("#notes li.has-error").first.inner_text()
    page.fill("#source", LESSON)
    expect(page.locator("#gutter li.has-error")).to_have_count(0)

    # A picture, uploaded from the toolbar and put where the cursor is.
    page.locator("#source").press("Control+End")
    page.set_input_files("#upload-media", files=[{
        "name": "hive.png", "mimeType": "image/png", "buffer": png(8, 6)}])
    expect(page.locator("#source")).to_have_value(re.compile(r"\]\(media/hive\.png\)"))
    image = preview.locator("figure img")
    image.wait_for()
    assert image.evaluate("img => img.complete && img.naturalWidth") == 8

    # A recording from the (fake) microphone: record, listen, record again, save.
    page.click("[data-record-new]")
    page.fill("#recording-name", "bee-word")
    page.click("[data-rec=start]")
    page.wait_for_timeout(700)
    page.click("[data-rec=stop]")
    page.locator("[data-rec=again]").wait_for()
    page.click("[data-rec=again]")
    page.wait_for_timeout(700)
    page.click("[data-rec=stop]")
    page.locator("[data-rec=save]").wait_for()
    page.click("[data-rec=save]")
    expect(page.locator("#source")).to_have_value(re.compile(r"\]\(media/bee-word\.webm\)"))
    preview.locator(".audio audio").wait_for()

    page.fill("#note", "first version")
    page.click("#save")
    page.wait_for_load_state()
    assert "revision" in page.locator(".flash-success").inner_text()
    kiosk_ready = page.input_value("#source")
    preview_text = preview.locator(".page-body > p").first.inner_text()

    # Sent for review; the lecturer may review but not their own change.
    page.goto(live_server.url + "/author/?lang=en")
    page.click("text=Занбӯрпарварӣ")
    page.click("button:has-text('Send for review')")
    assert "sent for review" in page.locator(".flash-success").inner_text()
    page.click("text=See what was sent")
    assert "You worked on this change" in page.locator("#publish").inner_text()
    assert page.locator("#publish button").count() == 0
    _sign_out(page)

    # An administrator publishes it.
    _sign_in(page, live_server, "admin")
    page.goto(live_server.url + "/author/review")
    page.click("text=Занбӯрпарварӣ")
    page.click("#publish button[type=submit]")
    assert "Published" in page.locator(".flash-success").inner_text()

    with live_server.app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == slug))
        assert course.published_at is not None
        lesson = course.lessons[0]
        assert lesson.contents[0].source == kiosk_ready
        course_id, lesson_id = course.id, lesson.id

    # A learner on a kiosk reads exactly that lesson.
    context, kiosk = new_kiosk_page(studio_browser, live_server, enrolled_terminal("F1"))
    outside = guard_outside(context, live_server)
    try:
        keypad_sign_in(kiosk, live_server.url + "/?lang=tg", "1003")
        kiosk.goto(live_server.url + f"/learn/courses/{course_id}")
        kiosk.click(f"a[href*='/learn/lessons/{lesson_id}']")
        assert kiosk.locator("article.lesson h1").first.inner_text() == "Занбӯри аввал"
        assert kiosk.locator(".page-body h1").inner_text() == "Занбӯр асал медиҳад"
        assert kiosk.locator(".page-body > p").first.inner_text() == preview_text
        picture = kiosk.locator(".page-body figure img")
        assert picture.evaluate("img => img.complete && img.naturalWidth") == 8
        sound = kiosk.locator(".page-body .audio button.audio-btn")
        assert re.match(r"^/media/[0-9a-f]{64}\.webm$", sound.get_attribute("data-src"))
        assert kiosk.locator(".exercise-box .question").inner_text().startswith("Занбӯр чӣ")
        assert kiosk.locator(".exercise-box input[type=radio]").count() == 3
        media = kiosk.request.get(live_server.url + sound.get_attribute("data-src"))
        assert media.headers["content-type"] == "audio/webm"
        assert media.body()[:4] == bytes.fromhex("1a45dfa3")
    finally:
        context.close()
    assert not outside


def test_recordings_wanted_list_records_into_every_lesson(studio_page, live_server):
    from lms.author import drafts, structure
    from lms.author.structure import Settings

    slug = "letters-" + uuid.uuid4().hex[:6]
    with live_server.app.test_request_context():
        lecturer = db.session.scalar(select(User).where(User.username == "lecturer"))
        course = structure.create_course(slug, Settings(titles={"tg": "Ҳарфҳо"}), lecturer)
        structure.add_module(course, "one", {"tg": "Як"}, lecturer)
        structure.add_lesson(course, "one", "jj", {"tg": "Ҳарфи Ҷ"}, lecturer)
        text = drafts.latest(course)["jj.tg.md"].text + "\n![Ҳарфи Ҷ](record:letter-jj)\n"
        drafts.save(course, "jj.tg.md", text, lecturer)
        db.session.commit()
        course_id = course.id
    page = studio_page
    _sign_in(page, live_server, "lecturer")
    page.goto(live_server.url + f"/author/courses/{course_id}/recordings")
    page.click("#record-letter-jj button[data-record-for]")
    assert page.locator("#recorder [data-rec-title]").inner_text() == "«Ҳарфи Ҷ»"
    page.click("[data-rec=start]")
    page.wait_for_timeout(600)
    page.click("[data-rec=stop]")
    page.click("[data-rec=save]")
    expect(page.locator("#record-letter-jj")).to_have_count(0)
    with live_server.app.app_context():
        course = db.session.get(Course, course_id)
        assert "](media/letter-jj.webm)" in drafts.latest(course)["jj.tg.md"].text
