"""Learner pages: WCAG 2 A/AA by axe-core in Chromium, the 60 KB budget, right lang attributes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .kiosk_helpers import guard_outside, import_sample, keypad_sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BUDGET = 60 * 1024


@pytest.fixture(scope="module")
def learner_pages(browser, live_server, request):
    """A signed-in kiosk context (CSP bypassed only so axe can be injected) and the URLs."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci --prefix tests/e2e/axe)")
    import_sample(live_server)
    from sqlalchemy import select

    from lms.content.models import Course, Lesson
    from lms.extensions import db

    with live_server.app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "sample"))
        lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id,
                                                        Lesson.key == "one"))
        course_id, lesson_id = course.id, lesson.id
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 800})
    enroll = request.getfixturevalue("enrolled_terminal")
    context.add_cookies([{"name": "lms_terminal", "value": enroll("F1", "Axe kiosk"),
                          "url": live_server.url}])
    outside = guard_outside(context, live_server)
    page = context.new_page()
    keypad_sign_in(page, live_server.url + "/", "1015")
    urls = {
        "home": "/learn/",
        "course": f"/learn/courses/{course_id}",
        "lesson": f"/learn/lessons/{lesson_id}?page=1",
        "exercises-1": f"/learn/lessons/{lesson_id}?page=2",
        "exercises-2": f"/learn/lessons/{lesson_id}?page=3",
        "certificates": "/learn/certificates",
    }
    yield page, urls
    context.close()
    assert not outside, outside


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("lang", ["tg", "ru"])
def test_learner_pages_pass_axe(learner_pages, live_server, lang):
    page, urls = learner_pages
    for name, url in urls.items():
        page.goto(f"{live_server.url}{url}{'&' if '?' in url else '?'}lang={lang}")
        assert page.get_attribute("html", "lang") == lang
        violations = _axe(page)
        assert not violations, (name, lang, violations)


def test_sign_in_page_passes_axe(browser, live_server):
    if not AXE.exists():
        pytest.skip("axe-core is not installed")
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    for lang in ("tg", "ru"):
        page.goto(f"{live_server.url}/?lang={lang}")
        assert page.get_attribute("html", "lang") == lang
        assert not _axe(page), lang
    context.close()


def test_lesson_text_carries_its_own_language(learner_pages, live_server):
    """A Tajik lesson shown in the Russian interface is marked lang="tg"."""
    page, urls = learner_pages
    page.goto(f"{live_server.url}{urls['lesson']}&lang=en")
    assert page.get_attribute("article.lesson", "lang") == "tg"


def test_learner_pages_within_budget_and_local_only(learner_pages, live_server):
    """HTML + CSS + JS of each learner page (media excluded) stay under 60 KB, all local."""
    page, urls = learner_pages
    for name, url in urls.items():
        response = page.goto(live_server.url + url, wait_until="networkidle")
        assets = page.evaluate("""() => [
            ...[...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href),
            ...[...document.querySelectorAll('script[src]')].map(s => s.src)]""")
        sizes = {"page": len(response.body())}
        for asset in assets:
            assert asset.startswith(live_server.url), (name, asset)
            sizes[asset] = len(page.request.get(asset).body())
        total = sum(sizes.values())
        assert total <= BUDGET, (name, total, sizes)
        assert all(re.search(r"\.(css|js)\?v=[0-9a-f]{10}$", a) for a in assets), assets
