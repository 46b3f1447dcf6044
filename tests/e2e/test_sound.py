"""Sound on the kiosk in a real browser: a learner in Tajik and in Russian opens the pages of
bundled lessons, finds a speaker beside every text block, prompt and choice, and each one plays.

The clips are made here with the real machine voice, for the first lesson of each bundled
course (about a minute). ``LMS_E2E_EVERY_LESSON=1`` makes them for every lesson and opens every
page that a new learner may open (a quarter of an hour)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.content.models import Course
from lms.extensions import db
from lms.speech import available, cache, clips

from .kiosk_helpers import guard_outside, keypad_sign_in

pytestmark = pytest.mark.browser

EVERY = os.environ.get("LMS_E2E_EVERY_LESSON") == "1"
CONTENT = Path(__file__).resolve().parent.parent.parent / "content"

# Blocks of the page without a speaker, prompts without one (a ```quiz read``` prompt is read,
# not heard), choices and matching items without one (a choice that is only a picture has no
# words to say).
MISSING_JS = """(reading) => {
  const body = document.querySelector('.page-body');
  const out = [];
  const has = (el) => el.querySelector('.speaker button.audio-btn:not([hidden])');
  body.querySelectorAll('p, h1, h2, h3, h4, h5, h6, li, td, th, figcaption').forEach((el) => {
    if (el.closest('.exercise-box') || el.closest('.match-sounds')) return;
    const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent)
      .join('').trim();
    if (/[\\p{L}\\p{N}]/u.test(own) && !has(el)) out.push(el.tagName + ': ' + own.slice(0, 40));
  });
  body.querySelectorAll('.exercise-box .question').forEach((q) => {
    if (reading.includes(q.closest('.exercise-box').id)) return;
    if (!has(q)) out.push('prompt: ' + q.textContent.trim().slice(0, 40));
  });
  body.querySelectorAll('label.choice').forEach((c) => {
    if (!c.textContent.trim()) return;  // a picture without words: nothing to say
    if (!has(c)) out.push('choice: ' + c.textContent.trim().slice(0, 40));
  });
  body.querySelectorAll('.matching .pair').forEach((c) => {
    if (!has(c)) out.push('item: ' + c.textContent.trim().slice(0, 40));
  });
  return out;
}"""

PLAY_JS = """async (url) => {
  const response = await fetch(url);
  const type = response.headers.get('content-type');
  const audio = new Audio(url);
  const duration = await new Promise((resolve) => {
    audio.addEventListener('loadedmetadata', () => resolve(audio.duration));
    audio.addEventListener('error', () => resolve(-1));
    audio.load();
  });
  return [response.status, type, duration];
}"""


@pytest.fixture(scope="module")
def voiced_lessons(live_server):
    """(lesson id, pages per language) of the lessons whose clips were made, and the element
    ids of the ```quiz read``` exercises (whose prompts are read, not heard)."""
    ok, why = available()
    if not ok:
        pytest.skip(why)
    app = live_server.app
    chosen: list = []
    reading: list[str] = []
    with app.app_context():
        from lms import demo

        if not db.session.scalar(select(Course).where(Course.slug == "tajik-literacy")):
            demo.load_courses(CONTENT)  # MACHINE_CLIPS is off in tests: no clips yet
            db.session.commit()
        bundled = [p.name for p in CONTENT.iterdir() if (p / "course.yml").is_file()]
        for course in db.session.scalars(select(Course).where(Course.slug.in_(bundled))
                                         .order_by(Course.slug)):
            lessons = [lesson for lesson in course.lessons if lesson.active]
            lessons = lessons if EVERY else lessons[:1]
            keys = {lesson.key for lesson in lessons}
            found = clips.course_texts(course)
            only = {text for texts in found.values() for text, places in texts.places.items()
                    if keys & set(places) or "" in places}
            clips.make_for_course(course, only=only)
            clips.make_kiosk_words()
            db.session.commit()
            chosen += [(lesson.id, {c.lang: len(c.pages) for c in lesson.contents})
                       for lesson in lessons]
            reading += [f"ex-{e.id}" for lesson in lessons for e in lesson.exercises
                        if any(entry.get("reading") for entry in (e.data or {}).values())]
        cache.forget()
    return chosen, reading


@pytest.mark.parametrize("lang", ["tg", "ru"])
def test_every_text_has_a_sound_that_plays(browser, live_server, enrolled_terminal,
                                           voiced_lessons, lang):
    voiced, reading = voiced_lessons
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": "lms_terminal", "value": enrolled_terminal("F1", "Sound"),
                          "url": live_server.url}])
    outside = guard_outside(context, live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    keypad_sign_in(page, live_server.url + "/", "1012")
    assets = sum(len(page.request.get(url).body()) for url in page.evaluate(
        "() => [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)"
        ".concat([...document.querySelectorAll('script[src]')].map(s => s.src))"))
    if page.get_attribute("html", "lang") != lang:  # the learner's language is remembered
        page.click(f".lang-switch button[lang={lang}]")
    assert page.get_attribute("html", "lang") == lang
    assert page.locator(".course-list .speaker button").count() >= 1  # course names
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "/clips/" in r.url else None)
    missing: list[str] = []
    played = checked = biggest = 0
    for lesson_id, pages in voiced:
        count = pages.get(lang) or next(iter(pages.values()))
        for number in range(1, count + 1):
            fetched.clear()
            response = page.goto(f"{live_server.url}/learn/lessons/{lesson_id}?page={number}",
                                 wait_until="networkidle")
            if "/learn/lessons/" not in page.url:
                continue  # locked for a new learner
            said = set(page.eval_on_selector_all(  # the ::: say box that speaks on opening
                ".page-body button[data-autoplay]", "els => els.map(e => e.src || e.dataset.src)"))
            assert {url.removeprefix(live_server.url) for url in fetched} <= said, fetched
            # no other sound is fetched with the page: only when it is played
            biggest = max(biggest, len(response.body()) + assets)
            missing += [f"{lesson_id}/{number} {m}"
                        for m in page.evaluate(MISSING_JS, reading)]
            urls = page.eval_on_selector_all(
                ".page-body .speaker button.audio-btn",
                "els => [...new Set(els.map(e => e.dataset.src))]")
            checked += len(urls)
            for url in urls[:3]:  # a few of each page, fetched and measured
                status, kind, duration = page.evaluate(PLAY_JS, url)
                assert status == 200 and kind == "audio/ogg" and duration > 0, (url, kind)
                played += 1
    assert not missing, missing[:20]
    assert played and checked
    assert biggest <= 60 * 1024, biggest  # the kiosk's page budget, speakers included
    # One tap plays it (and shows it playing); a second speaker stops the first.
    page.goto(f"{live_server.url}/learn/lessons/{voiced[0][0]}?page=1")
    buttons = page.locator(".page-body .speaker button.audio-btn")
    buttons.nth(0).click()
    page.wait_for_function("() => document.querySelector('.page-body .audio-btn.playing')")
    if buttons.count() > 1:
        buttons.nth(1).click()
        page.wait_for_function(
            "() => document.querySelectorAll('.page-body .audio-btn.playing').length <= 1")
    context.close()
    assert not outside, outside
    assert not errors, errors
