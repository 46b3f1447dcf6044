"""The learning record as xAPI statements, for a Learning Record Store.

One statement per event: actor (an account: the platform's home page and the learner number),
verb (ADL verb IRIs), object (activity IRIs under a configurable base), result, timestamp and
context (kiosk, facility, language). A private reflection's text is never part of it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..accounts.models import Facility, User
from ..content.models import Course, Exercise, Lesson
from ..extensions import db
from ..learn.models import Event
from ..staff.filters import Filters, scoped
from ..terminals.models import Terminal

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
KNOWN_VERBS = ("launched", "experienced", "answered", "completed")
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "page": "http://activitystrea.ms/schema/1.0/page",
    "exercise": "http://adlnet.gov/expapi/activities/cmi.interaction",
}
BATCH = 1000


class Activities:
    """Activity IRIs and names, read once per export (three queries)."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.courses = {c.id: c for c in db.session.scalars(select(Course))}
        self.lessons = {le.id: le for le in db.session.scalars(
            select(Lesson).options(selectinload(Lesson.contents)))}
        self.exercises = {e.id: (e.lesson_id, e.key, e.type) for e in db.session.scalars(
            select(Exercise))}

    def course(self, course_id: int | None) -> dict[str, Any] | None:
        course = self.courses.get(course_id) if course_id else None
        if course is None:
            return None
        return {"objectType": "Activity", "id": f"{self.base}/courses/{course.slug}",
                "definition": {"type": ACTIVITY_TYPES["course"], "name": dict(course.titles)}}

    def lesson(self, lesson_id: int | None) -> dict[str, Any] | None:
        lesson = self.lessons.get(lesson_id) if lesson_id else None
        course = self.courses.get(lesson.course_id) if lesson else None
        if lesson is None or course is None:
            return None
        names = {c.lang: c.title for c in lesson.contents}
        return {"objectType": "Activity",
                "id": f"{self.base}/courses/{course.slug}/lessons/{lesson.key}",
                "definition": {"type": ACTIVITY_TYPES["lesson"], "name": names}}

    def object(self, event: Event) -> dict[str, Any]:
        if event.object_type == "course":
            found = self.course(event.object_id)
        elif event.object_type == "exercise":
            lesson_id, key, _kind = self.exercises.get(event.object_id, (None, "", ""))
            parent = self.lesson(lesson_id)
            found = parent and {"objectType": "Activity", "id": f"{parent['id']}/exercises/{key}",
                                "definition": {"type": ACTIVITY_TYPES["exercise"]}}
        elif event.object_type == "page":
            parent = self.lesson(event.object_id)
            page = (event.result or {}).get("page", 0)
            found = parent and {"objectType": "Activity", "id": f"{parent['id']}/pages/{page}",
                                "definition": {"type": ACTIVITY_TYPES["page"]}}
        else:
            found = self.lesson(event.object_id)
        return found or {"objectType": "Activity",
                         "id": f"{self.base}/{event.object_type}/{event.object_id}"}

    def private(self, event: Event) -> bool:
        return (event.object_type == "exercise"
                and self.exercises.get(event.object_id, (0, "", ""))[2] == "essay")


def _result(event: Event, private: bool, base: str) -> dict[str, Any] | None:
    raw = dict(event.result or {})
    result: dict[str, Any] = {}
    if "score" in raw:
        result["score"] = {"scaled": float(raw["score"])}
    if "success" in raw:
        result["success"] = bool(raw["success"])
    if event.verb == "completed":
        result["completion"] = True
    if "response" in raw and not private:
        response = raw["response"]
        result["response"] = response if isinstance(response, str) else json.dumps(
            response, ensure_ascii=False, sort_keys=True)
    extensions = {k: raw[k] for k in ("page", "of", "try", "certificate") if k in raw}
    if extensions:
        result["extensions"] = {f"{base}/extensions/{k}": v
                                for k, v in extensions.items()}
    return result or None


def statement(event: Event, number: str, facility: str | None, terminal: str | None,
              activities: Activities) -> dict[str, Any]:
    base = activities.base
    verb = event.verb
    verb_id = ADL_VERBS + verb if verb in KNOWN_VERBS else f"{base}/verbs/{verb}"
    context: dict[str, Any] = {"platform": "Umed"}
    if event.lang:
        context["language"] = event.lang
    parents = [a for a in (activities.lesson(event.lesson_id),) if a and event.object_type
               in ("page", "exercise")]
    grouping = [a for a in (activities.course(event.course_id),) if a and event.object_type
                != "course"]
    if parents or grouping:
        context["contextActivities"] = {k: v for k, v in (("parent", parents),
                                                          ("grouping", grouping)) if v}
    extensions = {}
    if terminal is not None:
        extensions[f"{base}/extensions/terminal"] = {"id": event.terminal_id, "name": terminal}
    if facility:
        extensions[f"{base}/extensions/facility"] = facility
    if extensions:
        context["extensions"] = extensions
    out: dict[str, Any] = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base}/events/{event.id}")),
        "actor": {"objectType": "Agent", "account": {"homePage": base, "name": number}},
        "verb": {"id": verb_id, "display": {"en-US": verb}},
        "object": activities.object(event),
        "timestamp": event.at.astimezone(clock.now().tzinfo).isoformat().replace("+00:00", "Z"),
        "context": context,
    }
    result = _result(event, activities.private(event), base)
    if result:
        out["result"] = result
    return out


def _statement_query(viewer: User, filters: Filters):
    stmt = scoped(
        select(Event, User.learner_number, Facility.code, Terminal.name)
        .join(User, User.id == Event.user_id)
        .outerjoin(Facility, Facility.id == Event.facility_id)
        .outerjoin(Terminal, Terminal.id == Event.terminal_id), viewer, filters)
    tz = clock.now().tzinfo
    if filters.course_id:
        stmt = stmt.where(Event.course_id == filters.course_id)
    if filters.start:
        stmt = stmt.where(Event.at >= datetime.combine(filters.start, time.min, tzinfo=tz))
    if filters.end:
        stmt = stmt.where(Event.at < datetime.combine(filters.end + timedelta(days=1), time.min,
                                                      tzinfo=tz))
    return stmt.order_by(Event.at, Event.id)


def statements(viewer: User, filters: Filters, base: str,
               learner_id: int | None = None) -> Iterator[dict[str, Any]]:
    """Statements for the events of the learners ``viewer`` may see, oldest first."""
    activities = Activities(base)
    stmt = _statement_query(viewer, filters)
    if learner_id is not None:
        stmt = stmt.where(Event.user_id == learner_id)
    for event, number, facility, terminal in db.session.execute(
            stmt.execution_options(yield_per=BATCH)):
        yield statement(event, number, facility, terminal, activities)


def json_lines(items: Iterator[dict[str, Any]]) -> Iterator[str]:
    """A JSON array written piece by piece, so a year of statements is never all in memory."""
    yield "["
    first = True
    for item in items:
        yield ("" if first else ",") + "\n" + json.dumps(item, ensure_ascii=False)
        first = False
    yield "\n]\n"
