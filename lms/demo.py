"""Demo data: two facilities, learners, staff and terminals, for trying the platform."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from . import clock
from .accounts import services as accounts
from .accounts.models import Facility, Role, Unit, User
from .content.models import Course
from .extensions import db
from .learn.models import PlanItem
from .terminals.models import Terminal
from .terminals.services import create_terminal

DEFAULT_PASSWORD = "umed-demo"
DEFAULT_PIN = "1234"

NAMES = [
    "Фарҳод Раҳимов", "Рустам Каримов", "Далер Назаров", "Шодмон Саидов", "Бахтиёр Ҳакимов",
    "Ҷамшед Қодиров", "Умед Мирзоев", "Сӯҳроб Шарипов", "Исмоил Ғафуров", "Наврӯз Ҳусейнов",
    "Абдулло Раҷабов", "Баҳром Юсупов", "Комрон Ализода", "Меҳроб Давлатов", "Фирӯз Зоиров",
    "Хуршед Олимов", "Зафар Эмомов", "Нодир Қурбонов", "Парвиз Сафаров", "Тоҳир Неъматов",
    "Азиз Ҷалолов", "Саъдулло Бобоев", "Илҳом Шоев", "Манучеҳр Ёров", "Сиёвуш Қосимов",
]

FACILITIES = [
    {"code": "F1", "name": "Муассисаи ислоҳии №1", "units": ["Блоки А", "Блоки Б"],
     "numbers": range(1001, 1021), "officer": "officer", "terminal": "Киоски 1"},
    {"code": "F2", "name": "Муассисаи ислоҳии №2", "units": ["Блоки асосӣ"],
     "numbers": range(2001, 2006), "officer": "officer2", "terminal": "Киоски 2"},
]


# Which bundled courses each demo unit's plan holds (course slugs).
DEMO_PLAN = {
    "Блоки А": ("tajik-literacy", "life-skills"),
    "Блоки Б": ("tajik-literacy", "farming"),
    "Блоки асосӣ": ("tajik-literacy", "farming", "life-skills"),
}


class DemoError(RuntimeError):
    pass


@dataclass
class DemoSignIns:
    staff: list[tuple[str, str, str]] = field(default_factory=list)  # role, username, password
    learners: list[tuple[str, str, str]] = field(default_factory=list)  # facility, numbers, pin


def _facility(spec: dict) -> Facility:
    facility = db.session.scalar(select(Facility).where(Facility.code == spec["code"]))
    if facility is None:
        facility = Facility(code=spec["code"], name=spec["name"])
        db.session.add(facility)
        db.session.flush()
    for name in spec["units"]:
        if not any(u.name == name for u in facility.units):
            facility.units.append(Unit(name=name))
    db.session.flush()
    return facility


def _staff(username: str, name: str, role: Role, password: str, facility: Facility | None) -> User:
    user = accounts.find_staff(username)
    if user is None:
        user = accounts.create_staff(username, name, role, password, facility)
    else:
        accounts.set_password(user, password)
    return user


def seed(
    password: str = DEFAULT_PASSWORD,
    pin: str = DEFAULT_PIN,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> DemoSignIns:
    """Create (or refresh) the demo. Idempotent; sets ``password`` and ``pin`` on demo accounts."""
    accounts.validate_pin(pin)
    out = DemoSignIns()
    facilities = [_facility(spec) for spec in FACILITIES]
    admin = _staff("admin", "Администратор", Role.ADMIN, password, None)
    lecturer = _staff("lecturer", "Малика Азизова", Role.LECTURER, password, None)
    for facility in facilities:
        if facility not in lecturer.teaching_facilities:
            lecturer.teaching_facilities.append(facility)
    out.staff += [("admin", "admin", password), ("lecturer", "lecturer", password)]
    work = [(spec, facility, number) for spec, facility in zip(FACILITIES, facilities, strict=True)
            for number in spec["numbers"]]
    for spec, facility in zip(FACILITIES, facilities, strict=True):
        _staff(spec["officer"], "Нозим Исмоилов" if spec["code"] == "F1" else "Ситора Набиева",
               Role.OFFICER, password, facility)
        out.staff.append(("officer", spec["officer"], password))
        if not db.session.scalar(select(Terminal).where(Terminal.facility_id == facility.id,
                                                        Terminal.name == spec["terminal"])):
            create_terminal(facility, spec["terminal"], admin.id)
        numbers = list(spec["numbers"])
        out.learners.append((facility.name, f"{numbers[0]}–{numbers[-1]}", pin))
    for i, (_spec, facility, number) in enumerate(progress(work) if progress else work):
        learner = accounts.find_learner(str(number))
        if learner is None:
            unit = facility.units[i % len(facility.units)]
            accounts.create_learner(str(number), NAMES[i % len(NAMES)], facility, unit, pin)
        else:
            accounts.set_pin(learner, pin)
    db.session.flush()
    return out


def load_courses(folder: Path, progress=None) -> list[Course]:
    """Check and import every course under ``folder`` (all or nothing), without their clips:
    voicing the bundled courses takes the machine voice half an hour, so ``make run`` makes
    them in the background once the server is up (``serve``)."""
    from .content.check import check_path
    from .content.importer import import_course

    report = check_path(folder)
    if not report.ok:
        raise DemoError("\n".join(str(line) for line in report.lines()))
    return [import_course(source, progress=progress)
            for source in report.courses]


def share_with_lecturer(lecturer: User) -> None:
    """The demo lecturer owns the bundled courses, so the studio has something to edit."""
    from .staff.models import CourseStaff

    owned = set(db.session.scalars(
        select(CourseStaff.course_id).where(CourseStaff.user_id == lecturer.id)))
    for course in db.session.scalars(select(Course)):
        if course.id not in owned:
            db.session.add(CourseStaff(course_id=course.id, user_id=lecturer.id, role="owner"))
    db.session.flush()


def assign_plan(admin: User | None = None) -> int:
    """Give every demo learner the courses of their unit's plan, due in three months."""
    courses = {c.slug: c for c in db.session.scalars(select(Course))}
    existing = {(p.user_id, p.course_id) for p in db.session.scalars(select(PlanItem))}
    due = (clock.now() + timedelta(days=90)).date()
    added = 0
    learners = db.session.scalars(select(User).where(User.role == Role.LEARNER))
    for learner in learners:
        for slug in DEMO_PLAN.get(learner.unit.name if learner.unit else "", ()):
            course = courses.get(slug)
            if course is None or (learner.id, course.id) in existing:
                continue
            db.session.add(PlanItem(user_id=learner.id, course_id=course.id, due_date=due,
                                    assigned_by_id=admin.id if admin else None))
            added += 1
    db.session.flush()
    return added
