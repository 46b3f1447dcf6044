"""Small factories for the rows a test needs, instead of the whole demo world.

Each makes what it is asked for and flushes (the test's transaction is rolled back after it);
names and numbers are fixed unless given, so a test reads as its own story."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from lms.accounts import services as accounts
from lms.accounts.models import Facility, Role, Unit, User
from lms.extensions import db
from lms.terminals.services import cookie_value, create_terminal


def facility(code: str = "T1", name: str = "Муассисаи санҷишӣ", units: tuple[str, ...] = ("A",)
             ) -> Facility:
    """A facility with its units, or the one with this code already."""
    found = db.session.scalar(select(Facility).where(Facility.code == code))
    if found is not None:
        return found
    made = Facility(code=code, name=name)
    made.units = [Unit(name=unit) for unit in units]
    db.session.add(made)
    db.session.flush()
    return made


def learner(number: str = "7001", *, pin: str = "1234", name: str = "Фаррух Саидов",
            at: Facility | None = None) -> User:
    """A learner of ``at`` (a test facility by default), in its first unit."""
    place = at or facility()
    return accounts.create_learner(number, name, place, place.units[0] if place.units else None,
                                   pin)


def staff(username: str, role: Role = Role.OFFICER, *, password: str = "umed-demo",
          at: Facility | None = None, name: str = "Нозим Исмоилов") -> User:
    """A staff account; an officer works at ``at`` (a test facility by default)."""
    place = at if at is not None or role is not Role.OFFICER else facility()
    return accounts.create_staff(username, name, role, password, place)


def terminal_cookie(app: Flask, at: Facility, name: str = "Киоски санҷишӣ") -> str:
    """The signed cookie of a newly enrolled kiosk of ``at``, committed (a kiosk's request
    reads it from another session)."""
    terminal, secret = create_terminal(at, name)
    db.session.commit()
    return cookie_value(terminal, secret, app.config["SECRET_KEY"])
