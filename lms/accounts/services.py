"""Sign-in rules: credentials, lockout, accounts. Plain functions; nothing here commits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from .models import Facility, Role, Unit, User
from .passwords import hash_secret, needs_rehash, verify_secret

PIN_RE = re.compile(r"^\d{4,6}$")
LEARNER_NUMBER_RE = re.compile(r"^[0-9A-Za-z-]{1,20}$")


class AccountError(ValueError):
    """A rule about accounts was broken; the message is shown to staff."""


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    reason: str | None = None  # "bad", "locked", "inactive", "terminal", "facility"
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None and self.reason is None


def validate_pin(pin: str) -> str:
    if not PIN_RE.match(pin or ""):
        raise AccountError("pin")
    return pin


def find_learner(number: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.learner_number == number.strip(), User.role == Role.LEARNER)
    )


def find_staff(username: str) -> User | None:
    return db.session.scalar(
        select(User).where(
            func.lower(User.username) == username.strip().lower(), User.role != Role.LEARNER
        )
    )


def is_locked(user: User, now: datetime | None = None) -> bool:
    now = now or clock.now()
    return user.locked_until is not None and user.locked_until > now


def check_secret(user: User | None, secret: str, *, attempts: int, minutes: int) -> SignInResult:
    """Verify a PIN or password, counting failures and locking after ``attempts`` in a row."""
    now = clock.now()
    if user is None:
        verify_secret(None, secret)
        return SignInResult(None, "bad")
    if is_locked(user, now):
        return SignInResult(None, "locked", user.locked_until)
    if not verify_secret(user.secret_hash, secret):
        user.failed_attempts += 1
        if user.failed_attempts >= attempts:
            user.locked_until = now + timedelta(minutes=minutes)
            user.failed_attempts = 0
            return SignInResult(None, "locked", user.locked_until)
        return SignInResult(None, "bad")
    if not user.active:
        return SignInResult(None, "inactive")
    user.failed_attempts = 0
    user.locked_until = None
    user.last_seen_at = now
    if needs_rehash(user.secret_hash):
        user.secret_hash = hash_secret(secret)
    return SignInResult(user)


def unlock(user: User) -> None:
    user.failed_attempts = 0
    user.locked_until = None


def end_sessions(user: User) -> None:
    """End every session of ``user`` on every server: each request compares the generation its
    cookie carries with the account's (one read of the user row by its primary key, which the
    request makes anyway). Incremented in SQL, so two servers ending sessions at once both
    count."""
    user.session_version = User.session_version + 1
    db.session.flush()
    db.session.refresh(user, ["session_version"])


def disable(user: User) -> None:
    """Close an account: it can no longer sign in and its sessions end."""
    user.active = False
    end_sessions(user)


def enable(user: User) -> None:
    user.active = True
    unlock(user)


def set_pin(user: User, pin: str) -> None:
    """Set a learner's PIN, unlock the account and end their sessions."""
    user.secret_hash = hash_secret(validate_pin(pin))
    unlock(user)
    end_sessions(user)


def set_password(user: User, password: str) -> None:
    if len(password) < 8:
        raise AccountError("password")
    user.secret_hash = hash_secret(password)
    unlock(user)
    end_sessions(user)


def create_learner(
    number: str, full_name: str, facility: Facility, unit: Unit | None, pin: str
) -> User:
    number = number.strip()
    if not LEARNER_NUMBER_RE.match(number):
        raise AccountError("number")
    if not full_name.strip():
        raise AccountError("name")
    if unit is not None and unit.facility_id != facility.id:
        raise AccountError("unit")
    if find_learner(number) is not None:
        raise AccountError("duplicate")
    user = User(
        role=Role.LEARNER,
        learner_number=number,
        full_name=full_name.strip(),
        facility=facility,
        unit=unit,
        secret_hash=hash_secret(validate_pin(pin)),
    )
    db.session.add(user)
    db.session.flush()
    return user


def create_staff(
    username: str,
    full_name: str,
    role: Role,
    password: str,
    facility: Facility | None = None,
    *,
    reviewer: bool = False,
) -> User:
    if role is Role.LEARNER:
        raise AccountError("role")
    if not re.match(r"^[A-Za-z0-9_.-]{2,80}$", username or ""):
        raise AccountError("username")
    if role is Role.OFFICER and facility is None:
        raise AccountError("facility")
    if find_staff(username) is not None:
        raise AccountError("duplicate")
    if len(password) < 8:
        raise AccountError("password")
    user = User(
        role=role,
        username=username,
        full_name=full_name,
        facility=facility,
        secret_hash=hash_secret(password),
        is_reviewer=reviewer or role is Role.ADMIN,
    )
    db.session.add(user)
    db.session.flush()
    return user
