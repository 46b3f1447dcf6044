"""Languages: Tajik (default), Russian, English; the choice follows ?lang=, the session,
the signed-in user and the terminal, in that order. Also the ``flask i18n`` commands.

``?lang=`` lasts for the session; the language switch (a POST, ``auth.set_language``) also
saves the choice on the person and the kiosk. No request writes anything else about language."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app, g, has_request_context, request, session, url_for
from flask.cli import AppGroup
from flask_babel import get_locale
from flask_login import current_user

from .config import DEFAULT_LOCALE, SUPPORTED_LOCALES
from .extensions import babel

LANGUAGE_NAMES = {"tg": "Тоҷикӣ", "ru": "Русский", "en": "English"}
# Languages a course can be written in (English is for developers only).
CONTENT_LOCALES = ("tg", "ru")


def select_locale() -> str:
    if not has_request_context():  # commands speak the default language
        return DEFAULT_LOCALE
    asked = request.args.get("lang")
    if asked in SUPPORTED_LOCALES:
        return asked
    chosen = session.get("lang")
    if chosen in SUPPORTED_LOCALES:
        return chosen
    user = current_user if current_user and current_user.is_authenticated else None
    if user is not None and user.locale in SUPPORTED_LOCALES:
        return user.locale
    terminal = getattr(g, "terminal", None)
    if terminal is not None and terminal.locale in SUPPORTED_LOCALES:
        return terminal.locale
    return DEFAULT_LOCALE


def remember_in_session() -> None:
    """``?lang=`` chooses the language for the rest of the session (no database write: the
    saved choice of a person or kiosk changes only through the switch, see ``save_choice``)."""
    asked = request.args.get("lang")
    if asked in SUPPORTED_LOCALES and session.get("lang") != asked:
        session["lang"] = asked


def save_choice(code: str) -> None:
    """The language switch was pressed: remember ``code`` on the session, the signed-in person
    and the enrolled kiosk. The caller commits."""
    session["lang"] = code
    if current_user and current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code
    terminal = getattr(g, "terminal", None)
    if terminal is not None and terminal.locale != code:
        terminal.locale = code


def switch_languages(kiosk: bool) -> tuple[str, ...]:
    """The languages the switch offers: English on kiosks only when ``KIOSK_ENGLISH`` is set."""
    if kiosk and not current_app.config.get("KIOSK_ENGLISH"):
        return CONTENT_LOCALES
    return SUPPORTED_LOCALES


def current_language() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


def this_page() -> str:
    """This page's address and query without ``?lang=`` (a lesson stays on its page): where
    the language switch comes back to. Query keys that url_for would take as its own options
    (``_scheme``, ``_external``, ...) are dropped, so a crafted address cannot turn the switch
    into another site's address. A route's own ``lang`` (the studio's file language) is kept."""
    if request.endpoint is None or request.url_rule is None or request.method != "GET":
        return url_for("auth.signin")
    args = {key: value for key, value in request.args.items()
            if key != "lang" and not key.startswith("_")}
    args.update(request.view_args or {})
    return url_for(request.endpoint, **args)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(remember_in_session)
    app.cli.add_command(i18n_cli)

    @app.context_processor
    def _languages():
        return {"LANGUAGE_NAMES": LANGUAGE_NAMES, "current_language": current_language,
                "this_page": this_page, "switch_languages": switch_languages}


i18n_cli = AppGroup("i18n", help="Extract, update and compile the translation catalogs.")


def _root() -> Path:
    """The checkout whose catalogs the commands edit (they need babel.cfg and the sources).
    An installed app compiles its catalogs by itself when it starts (lms/resources.py)."""
    from .resources import checkout

    root = checkout()
    if root is None:
        raise click.ClickException("the i18n commands work in a checkout of the source, "
                                   "not in an installed package")
    return root


def _pybabel(*args: str) -> None:
    cmd = [sys.executable, "-m", "babel.messages.frontend", *args]
    result = subprocess.run(cmd, cwd=_root(), check=False)
    if result.returncode:
        raise click.ClickException("pybabel " + " ".join(args[:1]) + " failed")


@i18n_cli.command("extract")
def extract() -> None:
    """Collect every translatable string into translations/messages.pot."""
    _pybabel(
        "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--add-comments=i18n:",
        "--no-location", "--sort-output", "--project=Umed",
        "-o", "translations/messages.pot", "lms",
    )


@i18n_cli.command("update")
def update() -> None:
    """Extract, then merge new strings into the Tajik and Russian catalogs."""
    extract.callback()  # type: ignore[misc]
    for lang in CONTENT_LOCALES:  # English is the source language
        po = _root() / "translations" / lang / "LC_MESSAGES" / "messages.po"
        if po.exists():
            _pybabel("update", "-i", "translations/messages.pot", "-d", "translations",
                     "-l", lang, "--no-fuzzy-matching", "--ignore-obsolete")
        else:
            _pybabel("init", "-i", "translations/messages.pot", "-d", "translations", "-l", lang)


@i18n_cli.command("compile")
def compile_() -> None:
    """Build the .mo files the application reads."""
    _pybabel("compile", "-d", "translations", "--statistics")
