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


def test_language_switch_on_keypad_page(client):
    page = client.get("/").text
    assert 'href="/?lang=ru"' in page and 'href="/?lang=en"' in page


def test_language_switch_keeps_the_page_of_the_lesson(auth, client, db, world,
                                                     terminal_cookie, sample_course):
    """Switching language on page 2 of a lesson shows page 2 in the other language (it used to
    go back to page 1, and "Continue" with it)."""
    from lms.content.models import Lesson

    lesson = db.session.scalar(select(Lesson).where(Lesson.key == "one"))
    auth.learner("1001", terminal_cookie=terminal_cookie("F1", "Switch kiosk"))
    page = client.get(f"/learn/lessons/{lesson.id}?page=2").text
    assert f'href="/learn/lessons/{lesson.id}?page=2&amp;lang=ru"' in page
    assert "Страница 2 из" in client.get(f"/learn/lessons/{lesson.id}?page=2&lang=ru").text


def test_language_switch_ignores_url_options_in_the_query(client):
    page = client.get("/?_scheme=javascript&_external=1&_anchor=x&next=/learn/").text
    assert 'href="/?next=/learn/&amp;lang=ru"' in page
    assert "javascript:" not in page


def test_choice_remembered_on_user_and_terminal(auth, client, db, world, terminal_cookie):
    auth.learner("1001", terminal_cookie=terminal_cookie("F1", "Lang kiosk"))
    client.get("/learn/?lang=ru")
    user = db.session.scalar(select(User).where(User.learner_number == "1001"))
    terminal = db.session.scalar(select(Terminal).where(Terminal.name == "Lang kiosk"))
    assert user.locale == "ru" and terminal.locale == "ru"


def test_counts_use_russian_plural_forms(app):
    from flask_babel import force_locale, ngettext

    with app.test_request_context(), force_locale("ru"):
        forms = [ngettext("%(num)d learner", "%(num)d learners", n) for n in (1, 3, 5, 21)]
    assert forms == ["1 учащийся", "3 учащихся", "5 учащихся", "21 учащийся"]
