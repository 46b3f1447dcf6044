"""Configuration: the only module that reads the environment.

Every setting comes from an ``LMS_*`` environment variable or from the dict passed to
``create_app(config)`` (tests). Values are validated when the app starts.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from limits import parse_many

SUPPORTED_LOCALES = ("tg", "ru", "en")
DEFAULT_LOCALE = "tg"


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


def _secret_key(instance_path: Path) -> str:
    """The key from LMS_SECRET_KEY, or one generated once into the instance folder."""
    env = os.environ.get("LMS_SECRET_KEY")
    if env:
        return env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def from_environment(instance_path: Path) -> dict[str, Any]:
    """Build the configuration dict from LMS_* variables."""
    env = os.environ.get
    db_url = env("LMS_DATABASE_URL") or f"sqlite:///{instance_path / 'lms.sqlite3'}"
    trusted = [k.strip() for k in (env("LMS_TRUSTED_KEYS") or "").split(",") if k.strip()]
    return {
        "SECRET_KEY": None,  # filled lazily below so tests never touch the instance folder
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SQL_ECHO": _bool(env("LMS_SQL_ECHO")),
        "REDIS_URL": env("LMS_REDIS_URL") or None,
        "KIOSK_ANY_BROWSER": _bool(env("LMS_KIOSK_ANY_BROWSER")),
        # English is a developers' language: the kiosk's switch offers it only when this is on
        # (staff pages always offer it).
        "KIOSK_ENGLISH": _bool(env("LMS_KIOSK_ENGLISH")),
        "KIOSK_IDLE_SECONDS": _int("LMS_KIOSK_IDLE_SECONDS", 600),
        "KIOSK_IDLE_WARNING_SECONDS": _int("LMS_KIOSK_IDLE_WARNING_SECONDS", 60),
        "STAFF_SESSION_HOURS": _int("LMS_STAFF_SESSION_HOURS", 8),
        "LOCKOUT_ATTEMPTS": _int("LMS_LOCKOUT_ATTEMPTS", 5),
        "LOCKOUT_MINUTES": _int("LMS_LOCKOUT_MINUTES", 15),
        "ENROLLMENT_CODE_MINUTES": _int("LMS_ENROLLMENT_CODE_MINUTES", 30),
        "SESSION_COOKIE_SECURE": _bool(env("LMS_SECURE_COOKIES")),
        "MEDIA_DIR": env("LMS_MEDIA_DIR") or str(instance_path / "media"),
        "MAX_CONTENT_LENGTH": _int("LMS_MAX_UPLOAD_MB", 20) * 1024 * 1024,
        "TRUSTED_KEYS": trusted,
        "ARGON2_PROFILE": env("LMS_ARGON2_PROFILE") or "strong",
        "RATELIMIT_ENABLED": _bool(env("LMS_RATELIMIT"), True),
        "SIGNIN_LIMIT_PER_TERMINAL": env("LMS_SIGNIN_LIMIT_PER_TERMINAL") or "20/minute",
        "SIGNIN_LIMIT_PER_ACCOUNT": env("LMS_SIGNIN_LIMIT_PER_ACCOUNT") or "10/minute",
        "PROXY_HOPS": _int("LMS_PROXY_HOPS", 0),
        # Activity and account IRIs of exported xAPI statements start with this.
        "XAPI_BASE_URL": env("LMS_XAPI_BASE_URL") or "https://umed.local/xapi",
        # Make the machine voice's clips of a course when it is imported or published
        # (docs/speech.md). Off by default under TESTING, so that importing the bundled courses
        # in tests stays fast; a test that wants clips sets it to True.
        "MACHINE_CLIPS": _bool(env("LMS_MACHINE_CLIPS"), True) if env("LMS_MACHINE_CLIPS")
        else None,
        "TESTING": False,
    }


def finalize(config: dict[str, Any], instance_path: Path) -> None:
    """Fill derived settings and refuse an unsafe configuration."""
    if config.get("MACHINE_CLIPS") is None:
        config["MACHINE_CLIPS"] = not config.get("TESTING")
    if not config.get("SECRET_KEY"):
        if config.get("TESTING"):
            config["SECRET_KEY"] = secrets.token_urlsafe(32)
        else:
            config["SECRET_KEY"] = _secret_key(instance_path)
    if len(config["SECRET_KEY"]) < 16:
        raise RuntimeError("LMS_SECRET_KEY is too short: use at least 16 random characters")
    config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_NAME"] = "lms_session"
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=config["STAFF_SESSION_HOURS"])
    config["WTF_CSRF_TIME_LIMIT"] = None  # the token lives as long as the session
    config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LOCALE
    config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Dushanbe"
    url = config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql://"):
        config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + url[len("postgresql://"):]
    if config["ARGON2_PROFILE"] not in {"strong", "fast"}:
        raise RuntimeError("LMS_ARGON2_PROFILE must be 'strong' or 'fast'")
    if config["ARGON2_PROFILE"] == "fast" and not config.get("TESTING"):
        raise RuntimeError("the 'fast' password hashing profile is for tests only")
    for key in ("SIGNIN_LIMIT_PER_TERMINAL", "SIGNIN_LIMIT_PER_ACCOUNT"):
        try:
            parse_many(str(config[key]))
        except ValueError as exc:
            raise RuntimeError(f"LMS_{key} must be a rate limit such as '20/minute', "
                               f"got {config[key]!r}") from exc
    Path(config["MEDIA_DIR"]).mkdir(parents=True, exist_ok=True)
