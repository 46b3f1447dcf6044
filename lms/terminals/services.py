"""Terminal enrollment and kiosk sessions. Plain functions; nothing here commits."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from .. import clock
from ..accounts.models import Facility, User
from ..codes import new_code, normalize_code, shown
from ..extensions import db
from .models import EnrollmentCode, KioskSession, Terminal

TOUCH_EVERY = timedelta(seconds=10)


class TerminalError(ValueError):
    """Enrollment failed; ``code`` says why ("unknown", "used", "expired")."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def create_enrollment_code(
    facility: Facility, name: str, created_by: User, minutes: int
) -> tuple[EnrollmentCode, str]:
    """A fresh one-time code (shown once, stored hashed), valid for ``minutes``."""
    raw = new_code()
    code = EnrollmentCode(
        facility=facility,
        code_hash=_digest(raw),
        terminal_name=name.strip() or "Kiosk",
        created_by_id=created_by.id,
        expires_at=clock.now() + timedelta(minutes=minutes),
    )
    db.session.add(code)
    db.session.flush()
    return code, shown(raw)


def enroll(raw_code: str) -> tuple[Terminal, str]:
    """Use a code: create the terminal and return it with its secret for the cookie."""
    now = clock.now()
    code = db.session.scalar(
        select(EnrollmentCode).where(EnrollmentCode.code_hash == _digest(normalize_code(raw_code)))
    )
    if code is None:
        raise TerminalError("unknown")
    if code.used_at is not None:
        raise TerminalError("used")
    if code.expires_at <= now:
        raise TerminalError("expired")
    terminal, secret = create_terminal(code.facility, code.terminal_name, code.created_by_id)
    code.used_at = now
    code.terminal_id = terminal.id
    return terminal, secret


def create_terminal(
    facility: Facility, name: str, enrolled_by_id: int | None = None
) -> tuple[Terminal, str]:
    secret = secrets.token_urlsafe(32)
    terminal = Terminal(
        facility=facility, name=name, secret_hash=_digest(secret), enrolled_by_id=enrolled_by_id
    )
    db.session.add(terminal)
    db.session.flush()
    return terminal, secret


def cookie_value(terminal: Terminal, secret: str, key: str) -> str:
    return URLSafeSerializer(key, salt="terminal").dumps({"t": terminal.id, "s": secret})


def terminal_from_cookie(value: str | None, key: str) -> Terminal | None:
    """The active terminal a signed cookie proves, or None."""
    if not value:
        return None
    try:
        data = URLSafeSerializer(key, salt="terminal").loads(value)
        terminal_id, secret = int(data["t"]), str(data["s"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    terminal = db.session.get(Terminal, terminal_id)
    if terminal is None or not terminal.active:
        return None
    if not hmac.compare_digest(terminal.secret_hash, _digest(secret)):
        return None
    return terminal


def retire(terminal: Terminal) -> None:
    terminal.retired_at = clock.now()
    end_sessions(terminal=terminal, reason="retired")


def start_session(user: User, terminal: Terminal | None) -> tuple[KioskSession, str]:
    """Open a kiosk session; any other open session of this learner ends."""
    end_sessions(user=user, reason="replaced")
    token = secrets.token_urlsafe(32)
    ks = KioskSession(user=user, terminal=terminal, token_hash=_digest(token))
    db.session.add(ks)
    if terminal is not None:
        terminal.last_seen_at = clock.now()
    db.session.flush()
    return ks, token


def end_sessions(
    *, user: User | None = None, terminal: Terminal | None = None, reason: str
) -> int:
    stmt = update(KioskSession).where(KioskSession.ended_at.is_(None))
    if user is not None:
        stmt = stmt.where(KioskSession.user_id == user.id)
    if terminal is not None:
        stmt = stmt.where(KioskSession.terminal_id == terminal.id)
    result = db.session.execute(
        stmt.values(ended_at=clock.now(), end_reason=reason).execution_options(
            synchronize_session="fetch"
        )
    )
    return result.rowcount or 0


def end_session(ks: KioskSession, reason: str) -> None:
    if ks.ended_at is None:
        ks.ended_at = clock.now()
        ks.end_reason = reason


def session_for_token(token: str | None) -> KioskSession | None:
    """The kiosk session a token opens, with its learner and terminal (so loading the signed-in
    user and the terminal afterwards costs no query)."""
    if not token:
        return None
    return db.session.scalar(_SESSION_BY_TOKEN, {"token_hash": _digest(token)})


# Built once: every kiosk request runs it.
_SESSION_BY_TOKEN = (
    select(KioskSession)
    .options(joinedload(KioskSession.user), joinedload(KioskSession.terminal))
    .where(KioskSession.token_hash == bindparam("token_hash"))
)


def touch(ks: KioskSession, idle_seconds: int) -> str | None:
    """Check a kiosk session on a request: None if still valid (and mark activity),
    or the reason it is over ("idle", "replaced", "ended", ...)."""
    if ks.ended_at is not None:
        return ks.end_reason or "ended"
    now = clock.now()
    if now - ks.last_seen_at > timedelta(seconds=idle_seconds):
        end_session(ks, "idle")
        return "idle"
    if now - ks.last_seen_at >= TOUCH_EVERY:  # spare a write on every request
        ks.last_seen_at = now
        if ks.terminal is not None:
            ks.terminal.last_seen_at = now
    return None
