"""Studio fixtures: lecturers in two facilities, a reviewer, and a small course made in the
studio (one module, one lesson in Tajik and Russian with a multiple-choice exercise)."""

from __future__ import annotations

import struct
import zlib

import pytest
from sqlalchemy import select

from lms.accounts import services as accounts
from lms.accounts.models import Facility, Role, User
from lms.author import drafts, structure
from lms.author.structure import Settings
from tests.learn.conftest import kiosk, learner  # noqa: F401 (shared fixtures)

LESSON_TG = """---
id: hello
title: Салом
minutes: 5
---

# Салом

Матни дарс.

```quiz
::pick:: Кадом ҳарф садонок аст? {=А ~Б ~Д}
```
"""

LESSON_RU = """---
id: hello
title: Привет
minutes: 5
---

# Привет

Текст урока.

```quiz
::pick:: Какая буква гласная? {=А ~Б ~Д}
```
"""



def png(width: int = 2, height: int = 2, rgb: tuple[int, int, int] = (200, 60, 30)) -> bytes:
    """A real PNG picture of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


WEBM = bytes.fromhex("1a45dfa3") + b"\x00" * 60


def _user(db, username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


@pytest.fixture
def admin(db, world):
    return _user(db, "admin")


@pytest.fixture
def lecturer(db, world):
    return _user(db, "lecturer")


@pytest.fixture
def lecturer2(db, world):
    """A second lecturer, teaching only in facility 2."""
    user = accounts.create_staff("lecturer2", "Фарзона Каримова", Role.LECTURER, "umed-demo")
    user.teaching_facilities.append(db.session.scalar(select(Facility).where(Facility.code == "F2")))
    db.session.commit()
    return user


@pytest.fixture
def reviewer(db, world):
    """A lecturer of the religious committee who may publish."""
    user = accounts.create_staff("reviewer", "Раҳим Олимов", Role.LECTURER, "umed-demo",
                                 reviewer=True)
    db.session.commit()
    return user


@pytest.fixture
def officer(db, world):
    return _user(db, "officer")


@pytest.fixture
def ctx(app):
    """A request context for calling studio services directly (they speak the user's
    language: English here, so tests can read the messages)."""
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def make_course(app, db, world):
    """A factory: a studio course owned by ``owner`` with one module and the lesson "hello"."""

    def make(owner: User, slug: str = "greetings"):
        with app.test_request_context():
            course = structure.create_course(
                slug, Settings(titles={"tg": "Саломҳо", "ru": "Приветствия"}), owner)
            structure.add_module(course, "first", {"tg": "Қисми 1", "ru": "Часть 1"}, owner)
            structure.add_lesson(course, "first", "hello", {"tg": "Салом", "ru": "Привет"},
                                 owner)
            drafts.save(course, "hello.tg.md", LESSON_TG, owner, "text")
            drafts.save(course, "hello.ru.md", LESSON_RU, owner, "text")
            db.session.commit()
        return course

    return make


@pytest.fixture
def course(make_course, lecturer):
    return make_course(lecturer)


def sign_in(auth, username: str) -> None:
    """Sign a staff member in, in English (the messages tests look for)."""
    auth.staff(username)
    auth.client.get("/staff/signin?lang=en")
