"""Benchmark data: 5 facilities, 10,000 learners, the bundled courses and a year of learning.

    .venv/bin/python bench/seed.py --database-url sqlite:////tmp/umed-bench.sqlite3
    .venv/bin/python bench/seed.py --database-url postgresql+psycopg://postgres@127.0.0.1/umed_bench

The database must be new or empty (a PostgreSQL database must exist). The schema is made with
the migrations, the bundled courses in ``content/`` are imported with the content engine, then
people and a year of learning are bulk-inserted — SQLAlchemy ``insert()`` executemany on SQLite,
COPY on PostgreSQL — through the same tables and triggers the app uses: about 1.1 million
events with the lesson_progress, attempts, plan_items and certificates rows that go with them.
Media go to ``LMS_MEDIA_DIR`` (default ``instance/media``). Learners are numbered from 100001
and all have the PIN 1234 (one argon2 hash, shared: hashing 10,000 PINs would take 20 minutes);
staff ``bench-officer1``… and ``bench-admin`` have the password ``umed-bench``.

Prints rows and rows/s per table.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import click  # noqa: E402
from sqlalchemy import JSON, Table, func, insert, select, text  # noqa: E402

from lms import clock, create_app  # noqa: E402
from lms.collation import sort_key  # noqa: E402
from lms.content import reading  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.learn.models import Status  # noqa: E402

PIN = "1234"
PASSWORD = "umed-bench"
FIRST_NUMBER = 100001
CHUNK = 250  # learners generated and written at a time
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
NAMES = ["Фарҳод", "Рустам", "Далер", "Шодмон", "Бахтиёр", "Ҷамшед", "Умед", "Сӯҳроб",
         "Исмоил", "Наврӯз", "Абдулло", "Баҳром", "Комрон", "Меҳроб", "Фирӯз"]
SURNAMES = ["Раҳимов", "Каримов", "Назаров", "Саидов", "Ҳакимов", "Қодиров", "Мирзоев",
            "Шарипов", "Ғафуров", "Ҳусейнов", "Раҷабов", "Юсупов", "Ализода", "Давлатов"]


class Writer:
    """Bulk rows into a table: COPY on PostgreSQL, executemany elsewhere; times each table."""

    def __init__(self, connection):
        self.conn = connection
        self.pg = connection.dialect.name == "postgresql"
        self.rows: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)

    def write(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        start = time.perf_counter()
        if self.pg:
            columns = list(rows[0])
            as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
            cursor = self.conn.connection.driver_connection.cursor()
            names = ", ".join(columns)
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([json.dumps(row[c], ensure_ascii=False) if c in as_json
                                    else _pg_value(row[c]) for c in columns])
            cursor.close()
        else:
            self.conn.execute(insert(table), rows)
        self.seconds[table.name] += time.perf_counter() - start
        self.rows[table.name] += len(rows)


def _pg_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def certificate_code(n: int) -> str:
    chars = []
    for _ in range(8):
        n, digit = divmod(n, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[digit])
    return "".join(chars[:4]) + "-" + "".join(chars[4:])


def course_shapes():
    """For every published course: its lessons with page counts and graded exercises."""
    from lms.content.models import Course

    shapes = []
    for course in db.session.scalars(select(Course).order_by(Course.id)):
        lessons = []
        for lesson in course.lessons:
            if not lesson.active:
                continue
            content = reading.read(lesson).content("tg")
            exercises = [(e.id, e.graded, e.type == "essay") for e in lesson.exercises if e.active]
            lessons.append({"id": lesson.id, "pages": max(len(content.pages) if content else 1, 1),
                            "exercises": exercises, "attempts": lesson.attempts or 3,
                            "pass": lesson.effective_pass_mark, "placement": lesson.placement,
                            "minutes": lesson.minutes})
        shapes.append({"id": course.id, "titles": dict(course.titles), "lessons": lessons})
    return shapes


def people(writer: Writer, tables, learners: int, facilities: int, rng: random.Random):
    """Facilities, units, staff, kiosks and learners; returns learner and terminal rows."""
    from lms.accounts import services as accounts
    from lms.accounts.models import Facility, Role, Unit
    from lms.accounts.passwords import hash_secret
    from lms.terminals.services import create_terminal

    made = []
    admin = accounts.create_staff("bench-admin", "Bench admin", Role.ADMIN, PASSWORD)
    for n in range(1, facilities + 1):
        facility = Facility(code=f"B{n}", name=f"Муассисаи ислоҳии №{n}")
        facility.units = [Unit(name=f"Блоки {c}") for c in "АБВ"]
        db.session.add(facility)
        db.session.flush()
        accounts.create_staff(f"bench-officer{n}", f"Officer {n}", Role.OFFICER, PASSWORD,
                              facility)
        terminals = [create_terminal(facility, f"Киоск {k}", admin.id)[0].id for k in range(10)]
        made.append((facility.id, [u.id for u in facility.units], terminals))
    db.session.flush()
    pin_hash = hash_secret(PIN)
    now = clock.now()
    rows = []
    for i in range(learners):
        facility_id, units, _terminals = made[i % facilities]
        name = f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}"
        rows.append({"role": Role.LEARNER, "learner_number": str(FIRST_NUMBER + i),
                     "full_name": name, "name_key": name.casefold(),
                     "name_sort": sort_key(name), "facility_id": facility_id,
                     "unit_id": rng.choice(units), "secret_hash": pin_hash,
                     "failed_attempts": 0, "active": True, "is_reviewer": False,
                     "session_version": 1, "created_at": now - timedelta(days=400)})
    writer.write(tables["users"], rows)
    ids = dict(db.session.execute(select(tables["users"].c.learner_number, tables["users"].c.id)
                                  .where(tables["users"].c.learner_number.is_not(None))).all())
    by_facility = {facility_id: terminals for facility_id, _units, terminals in made}
    return [(ids[row["learner_number"]], row["facility_id"], by_facility[row["facility_id"]])
            for row in rows]


def history(learner, shapes, rng: random.Random, now: datetime, budget: int, codes):
    """One learner's year: plan, lesson visits, answers, completions; rows by table."""
    user_id, facility_id, terminals = learner
    out: dict[str, list] = defaultdict(list)
    start = now - timedelta(days=rng.uniform(120, 365))
    t = start
    terminal = rng.choice(terminals)
    courses = rng.sample(shapes, k=min(len(shapes), rng.choice((1, 2, 2, 3))))
    seen: list[dict] = []
    answers = 0

    def event(verb, object_type, object_id, course_id, lesson_id=None, result=None,
              client_id=None):
        nonlocal t
        t += timedelta(seconds=rng.uniform(15, 180))
        out["events"].append({"user_id": user_id, "facility_id": facility_id, "verb": verb,
                              "object_type": object_type, "object_id": object_id,
                              "course_id": course_id, "lesson_id": lesson_id, "result": result,
                              "lang": "tg", "terminal_id": terminal, "client_id": client_id,
                              "at": t})

    for course in courses:
        out["plan_items"].append({"user_id": user_id, "course_id": course["id"],
                                  "assigned_at": start,
                                  "due_date": (now + timedelta(days=90)).date()})
        done_all = True
        for lesson in course["lessons"]:
            if len(out["events"]) >= budget:
                done_all = False
                break
            t += timedelta(days=rng.expovariate(1 / 3), hours=rng.uniform(0, 4))
            began = t
            event("launched", "lesson", lesson["id"], course["id"], lesson["id"])
            for page in range(lesson["pages"]):
                event("experienced", "page", lesson["id"], course["id"], lesson["id"],
                      {"page": page + 1, "of": lesson["pages"]})
            best = {}
            for exercise_id, graded, essay in lesson["exercises"]:
                for try_number in range(1, lesson["attempts"] + 1):
                    correct = not graded or rng.random() < 0.65
                    fraction = 1.0 if correct else 0.0
                    answers += 1
                    client_id = f"seed-{user_id}-{answers}"
                    out["attempts"].append({
                        "client_id": client_id, "user_id": user_id, "exercise_id": exercise_id,
                        "lesson_id": lesson["id"], "round": 1, "try_number": try_number,
                        "response": "…" if essay else "A", "fraction": fraction,
                        "correct": correct and graded, "graded": graded, "private": essay,
                        "lang": "tg", "terminal_id": terminal, "at": t})
                    event("answered", "exercise", exercise_id, course["id"], lesson["id"],
                          {"score": fraction, "success": correct, "try": try_number},
                          client_id=client_id)
                    best[exercise_id] = max(best.get(exercise_id, 0.0), fraction)
                    if correct:
                        break
            graded = [e for e, g, _essay in lesson["exercises"] if g]
            score = sum(best.get(e, 0.0) for e in graded) / len(graded) if graded else 1.0
            passed = lesson["placement"] or score * 100 >= lesson["pass"]
            if passed:
                event("completed", "lesson", lesson["id"], course["id"], lesson["id"],
                      {"score": round(score, 4), "success": True})
            else:
                done_all = False
            out["lesson_progress"].append({
                "user_id": user_id, "lesson_id": lesson["id"], "course_id": course["id"],
                "status": Status.DONE if passed else Status.IN_PROGRESS,
                "current_page": lesson["pages"] - 1, "pages_seen": list(range(lesson["pages"])),
                "page_count": lesson["pages"], "score": score, "round": 1, "started_at": began,
                "updated_at": t, "completed_at": t if passed else None})
            seen.append((lesson, course["id"]))
        if done_all:
            code = certificate_code(next(codes))
            minutes = sum(le["minutes"] for le in course["lessons"] if not le["placement"])
            out["certificates"].append({
                "code": code, "user_id": user_id, "course_id": course["id"],
                "facility_id": facility_id, "learner_name": f"learner {user_id}",
                "course_titles": course["titles"], "hours": round(minutes / 60, 1),
                "issued_at": t})
            event("completed", "course", course["id"], course["id"], None,
                  {"score": 1.0, "success": True, "certificate": code})
    while seen and len(out["events"]) < budget:  # coming back to read a lesson again
        lesson, course_id = rng.choice(seen)
        t += timedelta(days=rng.expovariate(1 / 5))
        for page in range(lesson["pages"]):
            event("experienced", "page", lesson["id"], course_id, lesson["id"],
                  {"page": page + 1, "of": lesson["pages"]})
    end = t
    if end > now:  # squeeze the year into the time there was
        scale = (now - timedelta(hours=1) - start) / (end - start)
        for rows in out.values():
            for row in rows:
                for key in ("at", "started_at", "updated_at", "completed_at", "issued_at",
                            "assigned_at"):
                    if row.get(key) is not None:
                        row[key] = start + (row[key] - start) * scale
    return out


def events_of_one(rng: random.Random, mean: float) -> int:
    """A few learners do a lot (and finish courses), most do a little: exponential, same mean."""
    return int(min(max(rng.expovariate(1 / mean), 10), 8 * mean))


class RollupPaused:
    """The trigger that keeps activity_days off while events are bulk-loaded; the roll-up is
    then rebuilt in one grouped INSERT (as the migration that made it does) and checked."""

    DAY = {"postgresql": "(at AT TIME ZONE 'UTC')::date", "sqlite": "date(at)"}

    def __init__(self, session):
        self.session = session
        self.dialect = session.get_bind().dialect.name
        self.sqlite_triggers: list[str] = []

    def __enter__(self) -> RollupPaused:
        if self.dialect == "postgresql":
            self.session.execute(text("ALTER TABLE events DISABLE TRIGGER USER"))
        else:
            rows = self.session.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'events'")).all()
            for name, sql in rows:
                self.session.execute(text(f'DROP TRIGGER "{name}"'))
                self.sqlite_triggers.append(sql)
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is not None:
            return
        if self.dialect == "postgresql":
            self.session.execute(text("ALTER TABLE events ENABLE TRIGGER USER"))
        for sql in self.sqlite_triggers:
            self.session.execute(text(sql))
        day = self.DAY[self.dialect]
        self.session.execute(text("DELETE FROM activity_days"))
        self.session.execute(text(
            f"INSERT INTO activity_days (user_id, day, course_id, events) "
            f"SELECT user_id, {day}, coalesce(course_id, 0), count(*) FROM events "
            f"GROUP BY user_id, {day}, coalesce(course_id, 0)"))
        rolled = self.session.scalar(text("SELECT coalesce(sum(events), 0) FROM activity_days"))
        events = self.session.scalar(text("SELECT count(*) FROM events"))
        if rolled != events:
            raise SystemExit(f"activity_days counts {rolled} events, events has {events}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--facilities", type=int, default=5)
    parser.add_argument("--events", type=int, default=1_100_000, help="about this many events")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    from lms import demo
    from lms.migrate import upgrade

    rng = random.Random(args.seed)
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url,
                      "SECRET_KEY": secrets.token_urlsafe(32)})
    began = time.perf_counter()
    with app.app_context():
        upgrade()
        tables = db.metadata.tables
        if db.session.scalar(select(func.count()).select_from(tables["users"])):
            sys.exit("The database already has people in it: give a new or empty one.")
        step = time.perf_counter()
        courses = demo.load_courses(ROOT / "content")
        db.session.commit()
        print(f"courses: {len(courses)} imported in {time.perf_counter() - step:.1f} s")
        shapes = course_shapes()
        writer = Writer(db.session.connection())
        learners = people(writer, tables, args.learners, args.facilities, rng)
        now = clock.now()
        codes = iter(range(1, 10**9))
        budget = args.events / args.learners
        step = time.perf_counter()
        with RollupPaused(db.session), \
                click.progressbar(range(0, len(learners), CHUNK), label="Learning history",
                                  file=sys.stderr) as bar:
            for first in bar:
                rows: dict[str, list] = defaultdict(list)
                for learner in learners[first:first + CHUNK]:
                    mine = history(learner, shapes, rng, now,
                                   events_of_one(rng, budget), codes)
                    for name, more in mine.items():
                        rows[name] += more
                for name in ("plan_items", "lesson_progress", "attempts", "events",
                             "certificates"):
                    writer.write(tables[name], rows[name])
        history_seconds = time.perf_counter() - step
        db.session.commit()
        step = time.perf_counter()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        analyze = time.perf_counter() - step
        counts = {name: db.session.scalar(select(func.count()).select_from(tables[name]))
                  for name in ("users", "events", "attempts", "lesson_progress", "plan_items",
                               "certificates", "activity_days") if name in tables}
        db.engine.dispose()
    total = time.perf_counter() - began
    print(f"\n{'table':<16} {'rows':>10} {'write s':>8} {'rows/s':>9}")
    for name, seconds in writer.seconds.items():
        print(f"{name:<16} {writer.rows[name]:>10,} {seconds:>8.1f} "
              f"{writer.rows[name] / max(seconds, 1e-9):>9,.0f}")
    written = sum(writer.rows.values())
    print(f"{'all bulk rows':<16} {written:>10,} {sum(writer.seconds.values()):>8.1f} "
          f"{written / max(sum(writer.seconds.values()), 1e-9):>9,.0f}")
    print(f"\nin the database: {', '.join(f'{k} {v:,}' for k, v in counts.items())}")
    print(f"learning history (generating, writing, rebuilding activity_days) "
          f"{history_seconds:.1f} s")
    print(f"ANALYZE {analyze:.1f} s; total {total:.1f} s "
          f"({written / total:,.0f} rows/s end to end)")


if __name__ == "__main__":
    main()
