"""Translations: complete, not fuzzy, not stale, same placeholders; the language switch."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from lms.accounts.models import User
from lms.terminals.models import Terminal
from tests.conftest import csrf_from

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")


def _catalog(lang: str):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=lang)


def _ids(message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)


def _strs(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, tuple | list) else (message.string,)


@pytest.mark.parametrize("lang", ["tg", "ru"])
def test_every_string_translated_and_not_fuzzy(lang):
    catalog = _catalog(lang)
    missing = [m.id for m in catalog if m.id and not all(_strs(m))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not missing, f"{lang}: untranslated: {missing[:10]}"
    assert not fuzzy, f"{lang}: fuzzy: {fuzzy[:10]}"


def test_russian_has_three_plural_forms():
    catalog = _catalog("ru")
    assert catalog.num_plurals == 3
    for message in catalog:
        if message.pluralizable and message.id:
            assert len(_strs(message)) == 3, message.id


@pytest.mark.parametrize("lang", ["tg", "ru"])
def test_placeholders_match(lang):
    for message in _catalog(lang):
        if not message.id:
            continue
        wanted = {p for text in _ids(message) for p in PLACEHOLDER.findall(text)}
        for text in _strs(message):
            assert set(PLACEHOLDER.findall(text)) == wanted, (lang, message.id, text)


def test_catalog_is_not_stale(tmp_path):
    """The committed template holds exactly the strings the code has today."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "--add-comments=i18n:", "--no-location",
         "-o", str(pot), "lms"],
        cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as fh:
        fresh = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    for lang in ("tg", "ru"):
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog(lang) if m.id}
        assert fresh - have == set(), f"{lang} lacks: {sorted(fresh - have)[:10]}"
        assert have - fresh == set(), f"{lang} has obsolete: {sorted(have - fresh)[:10]}"


def test_default_language_is_tajik(client):
    page = client.get("/").text
    assert '<html lang="tg">' in page
    assert "Даромадан" in page  # "Sign in"


def test_lang_parameter_switches_and_is_remembered(client):
    page = client.get("/?lang=ru").text
    assert '<html lang="ru">' in page and "Войти" in page
    assert '<html lang="ru">' in client.get("/staff/signin").text


def test_unknown_language_is_ignored(client):
    response = client.get("/?lang=xx")
    assert response.status_code == 200 and '<html lang="tg">' in response.text


SWITCH_RE = re.compile(r'<form method="post" action="/language" class="lang-switch"(.*?)</form>', re.S)


def _switch(html: str) -> tuple[list[str], str]:
    """The languages the switch offers and the page it comes back to."""
    match = SWITCH_RE.search(html)
    assert match, "no language switch"
    form = match.group(1)
    assert 'name="csrf_token"' in form
    buttons = re.findall(r'<button type="submit" name="lang" value="(\w+)"', form)
    return buttons, re.search(r'name="next" value="([^"]*)"', form).group(1)


def _choose(client, html: str, lang: str):
    _buttons, next_page = _switch(html)
    return client.post("/language", data={
        "lang": lang, "next": next_page.replace("&amp;", "&"), "csrf_token": csrf_from(html)})


def test_language_switch_on_keypad_page(app, client):
    """The kiosk offers Tajik and Russian; English only when KIOSK_ENGLISH asks for it."""
    buttons, next_page = _switch(client.get("/").text)
    assert buttons == ["ru"] and next_page == "/"
    app.config["KIOSK_ENGLISH"] = True
    try:
        assert _switch(client.get("/").text)[0] == ["ru", "en"]
    finally:
        app.config["KIOSK_ENGLISH"] = False


def test_staff_pages_offer_english(client):
    assert _switch(client.get("/staff/signin").text)[0] == ["ru", "en"]


def test_language_switch_keeps_the_page_of_the_lesson(auth, client, db, world,
                                                     terminal_cookie, sample_course):
    """Switching language on page 2 of a lesson shows page 2 in the other language (it used to
    go back to page 1, and "Continue" with it)."""
    from lms.content.models import Lesson

    lesson = db.session.scalar(select(Lesson).where(Lesson.key == "one"))
    auth.learner("1001", terminal_cookie=terminal_cookie("F1", "Switch kiosk"))
    page = client.get(f"/learn/lessons/{lesson.id}?page=2").text
    assert _switch(page)[1] == f"/learn/lessons/{lesson.id}?page=2"
    response = _choose(client, page, "ru")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/learn/lessons/{lesson.id}?page=2")
    assert "Страница 2 из" in client.get(response.headers["Location"]).text


def test_language_switch_ignores_url_options_in_the_query(client):
    page = client.get("/?_scheme=javascript&_external=1&_anchor=x&next=/learn/").text
    assert _switch(page)[1] == "/?next=/learn/"
    assert "javascript:" not in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil"])
def test_language_switch_never_leaves_the_site(client, target):
    page = client.get("/").text
    response = client.post("/language", data={"lang": "ru", "next": target,
                                               "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert response.headers["Location"].replace("http://localhost", "") == "/"


def test_language_switch_needs_its_token_and_a_known_language(client):
    page = client.get("/").text
    assert client.post("/language", data={"lang": "ru", "next": "/"}).status_code == 400
    assert client.post("/language", data={"lang": "xx", "next": "/",
                                          "csrf_token": csrf_from(page)}).status_code == 400


def test_choice_remembered_on_user_and_terminal(auth, client, db, world, terminal_cookie):
    auth.learner("1001", terminal_cookie=terminal_cookie("F1", "Lang kiosk"))
    assert _choose(client, client.get("/learn/").text, "ru").status_code == 302
    user = db.session.scalar(select(User).where(User.learner_number == "1001"))
    terminal = db.session.scalar(select(Terminal).where(Terminal.name == "Lang kiosk"))
    assert user.locale == "ru" and terminal.locale == "ru"
    assert '<html lang="ru">' in client.get("/learn/").text


def test_lang_in_the_address_writes_nothing(auth, client, db, world, terminal_cookie):
    """``?lang=`` chooses the language for the session only: a GET commits nothing."""
    from tests.conftest import count_queries

    auth.staff("officer")
    client.get("/review/")
    db.session.expunge_all()
    with count_queries(db.session.get_bind()) as statements:
        page = client.get("/review/?lang=ru").text
    assert '<html lang="ru">' in page
    writes = [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert not writes, writes
    officer = db.session.scalar(select(User).where(User.username == "officer"))
    assert officer.locale != "ru"
    assert '<html lang="ru">' in client.get("/review/").text  # the session keeps it


def test_no_hook_commits_on_every_request(app):
    from lms import i18n

    hooks = [f for fs in app.before_request_funcs.values() for f in fs]
    assert not hasattr(i18n, "remember_language")
    assert all(getattr(f, "__name__", "") != "remember_language" for f in hooks)


def test_counts_use_russian_plural_forms(app):
    from flask_babel import force_locale, ngettext

    with app.test_request_context(), force_locale("ru"):
        forms = [ngettext("%(num)d learner", "%(num)d learners", n) for n in (1, 3, 5, 21)]
    assert forms == ["1 учащийся", "3 учащихся", "5 учащихся", "21 учащийся"]


def _enum_values() -> set[str]:
    from lms.accounts.models import Role
    from lms.author.models import SubmissionStatus
    from lms.content.models import Category
    from lms.learn.models import Status

    return {m.value for enum in (Role, SubmissionStatus, Category, Status) for m in enum}


class _Text(__import__("html.parser").parser.HTMLParser):
    """The text a person reads on a page (no scripts, styles or attribute values)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style", "template")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style", "template") and self.skip > 0

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def raw_enum_values(html: str) -> set[str]:
    """Enum values (``lecturer``, ``in_progress``...) shown as words on a page."""
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    return {value for value in _enum_values()
            if re.search(rf"(?<![\w.@/-]){re.escape(value)}(?![\w.@/-])", text)}


def test_raw_enum_detector():
    assert raw_enum_values("<p>Малика Азизова (lecturer)</p>") == {"lecturer"}
    assert raw_enum_values("<td>in_progress</td><td>submitted</td>") == {"in_progress", "submitted"}
    assert raw_enum_values('<p class="state-done" title="x">learner.import, learner_number</p>'
                           "<script>var role = 'admin';</script>") == set()


def _crawl(client, start: str, limit: int = 80) -> dict[str, str]:
    """Same-site pages reachable by links from ``start``, as url -> html."""
    seen: dict[str, str] = {}
    todo = [start]
    while todo and len(seen) < limit:
        url = todo.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.content_type:
            seen[url] = ""
            continue
        seen[url] = response.text
        for link in re.findall(r'href="(/[^"#]*)"', response.text):
            link = link.replace("&amp;", "&")
            if link.startswith(("/static/", "/media/", "//")) or "lang=" in link or \
                    link.endswith((".csv", ".json", "/print")) or link in seen:
                continue
            todo.append(link)
    return seen


@pytest.mark.parametrize("who", ["admin", "officer", "lecturer", "learner"])
def test_no_raw_enum_value_on_a_page(app, db, world, sample_course, terminal_cookie, who):
    """Every page a person reaches, in Tajik, shows roles, states and kinds translated."""
    from lms.staff.models import CourseStaff
    from tests.conftest import Auth

    lecturer = db.session.scalar(select(User).where(User.username == "lecturer"))
    db.session.add(CourseStaff(course_id=sample_course.id, user_id=lecturer.id, role="owner"))
    db.session.commit()
    client = app.test_client()
    auth = Auth(client, app)
    if who == "learner":
        assert auth.learner("1001", terminal_cookie=terminal_cookie("F1")).status_code == 302
        start = "/learn/"
    else:
        assert auth.staff(who).status_code == 302
        start = {"admin": "/admin/", "officer": "/review/", "lecturer": "/author/"}[who]
    # Usernames of the demo are role names ("lecturer"): give them other ones for the check.
    for user in db.session.scalars(select(User).where(User.username.is_not(None))):
        user.username = f"staff{user.id}"
    db.session.commit()
    pages = _crawl(client, start)
    assert len([p for p in pages.values() if p]) >= 5, sorted(pages)
    found = {url: raw_enum_values(html) for url, html in pages.items() if html}
    assert not {url: v for url, v in found.items() if v}
