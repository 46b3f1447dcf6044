"""Demo data: two facilities, learners, staff and terminals, for trying the platform."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from .auth import services as accounts
from .auth.models import Facility, Role, Unit, User
from .extensions import db
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
