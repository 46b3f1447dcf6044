"""Where the application's own files are, installed or in a checkout.

A checkout keeps ``static/``, ``translations/`` and ``migrations/`` at its top, beside ``lms/``;
a wheel carries the same folders inside the package (``lms/static`` ...). Everything that opens
one of them asks :func:`folder`, so the app runs the same from either.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
_ABOVE = PACKAGE.parent


def folder(name: str) -> Path:
    """The folder ``name`` (``static``, ``translations``, ``migrations``): the installed
    package's copy when there is one, else the checkout's."""
    for candidate in (PACKAGE / name, _ABOVE / name):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"{name}/ is neither inside the package ({PACKAGE}) nor beside it")


def checkout() -> Path | None:
    """The checkout's top folder when the package runs from one, else None (installed)."""
    if (_ABOVE / "pyproject.toml").is_file() and (_ABOVE / "migrations").is_dir():
        return _ABOVE
    return None


def instance_folder() -> str | None:
    """Where the database file, the secret key and media live unless configured apart:
    ``LMS_INSTANCE_DIR``, else the checkout's ``instance/``, else None, which lets Flask pick
    its default for an installed package (``<prefix>/var/lms-instance``)."""
    chosen = os.environ.get("LMS_INSTANCE_DIR")
    if chosen:
        return str(Path(chosen).expanduser().resolve())
    root = checkout()
    return str(root / "instance") if root is not None else None


def translations(instance: Path) -> Path:
    """The folder Flask-Babel reads ``<lang>/LC_MESSAGES/messages.mo`` from.

    ``.mo`` files are built, never shipped: a wheel carries only the ``.po`` catalogs. When
    every catalog has an up-to-date ``.mo`` beside it (a checkout after ``flask i18n compile``)
    that folder is used; otherwise the stale catalogs are compiled once (about 60 ms for both)
    into ``instance/translations`` and that copy is used."""
    source = folder("translations")
    catalogs = sorted(source.glob("*/LC_MESSAGES/messages.po"))
    if all(_fresh(po.with_suffix(".mo"), po) for po in catalogs):
        return source
    target = instance / "translations"
    for po in catalogs:
        mo = target / po.relative_to(source).with_suffix(".mo")
        if not _fresh(mo, po):
            _compile(po, mo)
    return target


def _fresh(mo: Path, po: Path) -> bool:
    return mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime


def _compile(po: Path, mo: Path) -> None:
    """Compile like ``pybabel compile`` (fuzzy entries left out). Several app servers may start
    at once: each writes a file of its own and renames it into place."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=po.parent.parent.name)
    try:
        mo.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=mo.parent, prefix=".messages-", suffix=".mo")
    except OSError as exc:
        raise RuntimeError(f"cannot compile the translations into {mo.parent} ({exc}): "
                           "set LMS_INSTANCE_DIR to a folder the app may write") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        os.chmod(partial, 0o644)
        os.replace(partial, mo)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
