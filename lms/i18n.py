"""Languages: Tajik (default), Russian, English; the choice follows ?lang=, the session,
the signed-in user and the terminal, in that order. Also the ``flask i18n`` commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import click
from flask import Flask, g, has_request_context, request, session, url_for
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


def remember_language() -> None:
    """Persist ``?lang=`` on the session, the user and the terminal."""
    asked = request.args.get("lang")
    if asked not in SUPPORTED_LOCALES:
        return
    session["lang"] = asked
    changed = False
    if current_user and current_user.is_authenticated and current_user.locale != asked:
        current_user.locale = asked
        changed = True
    terminal = getattr(g, "terminal", None)
    if terminal is not None and terminal.locale != asked:
        terminal.locale = asked
        changed = True
    if changed:
        from .extensions import db

        db.session.commit()


def current_language() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


def language_url(code: str) -> str:
    """This page in language ``code``: the same address and query (a lesson stays on its
    page), with ``?lang=`` set. Query keys that url_for would take as its own options
    (``_scheme``, ``_external``, ...) are dropped, so a crafted link cannot turn the switch into
    another site's address. A route's own ``lang`` (the studio's file language) is kept."""
    args = {key: value for key, value in request.args.items()
            if key != "lang" and not key.startswith("_")}
    args.update(request.view_args or {})
    url = url_for(request.endpoint or "auth.signin", **args)
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'lang': code})}"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.cli.add_command(i18n_cli)

    @app.context_processor
    def _languages():
        return {"LANGUAGE_NAMES": LANGUAGE_NAMES, "current_language": current_language,
                "language_url": language_url}


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
