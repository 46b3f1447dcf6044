"""The dashboard and the learner list run as many queries for 500 learners as for 10."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from lms import clock
from lms.accounts.models import Facility, Role, User
from lms.learn.models import Event, LessonProgress, PlanItem, Status
from tests.conftest import count_queries


def add_learners(db, course, prefix: str, n: int) -> None:
    """``n`` learners of facility 1 with a plan, progress and days of events, in bulk."""
    f1 = db.session.scalar(select(Facility).where(Facility.code == "F1"))
    template = db.session.scalar(select(User).where(User.learner_number == "1001"))
    now = clock.now()
    db.session.execute(insert(User), [{
        "role": Role.LEARNER, "learner_number": f"{prefix}{i:05d}", "full_name": f"Ҷамшед {i}",
        "name_key": f"ҷамшед {i}", "facility_id": f1.id, "unit_id": f1.units[i % 2].id,
        "secret_hash": template.secret_hash, "created_at": now} for i in range(n)])
    ids = db.session.scalars(select(User.id).where(User.learner_number.like(f"{prefix}%"))).all()
    lesson = course.lessons[0]
    db.session.execute(insert(PlanItem), [
        {"user_id": uid, "course_id": course.id, "assigned_at": now - timedelta(days=30),
         "due_date": (now - timedelta(days=1)).date() if k % 3 == 0 else None}
        for k, uid in enumerate(ids)])
    db.session.execute(insert(LessonProgress), [
        {"user_id": uid, "lesson_id": lesson.id, "course_id": course.id,
         "status": Status.DONE if k % 2 else Status.IN_PROGRESS, "score": 0.8,
         "started_at": now, "updated_at": now, "completed_at": now if k % 2 else None}
        for k, uid in enumerate(ids)])
    db.session.execute(insert(Event), [
        {"user_id": uid, "facility_id": f1.id, "verb": "experienced", "object_type": "page",
         "object_id": lesson.id, "course_id": course.id, "lesson_id": lesson.id,
         "at": now - timedelta(days=(k + day) % 40)}
        for k, uid in enumerate(ids) for day in range(3)])
    db.session.commit()


def queries_for(app, client, db, path: str) -> int:
    client.get(path)  # first-request work (templates, translations) is not what we measure
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


@pytest.mark.parametrize("path", ["/reports/", "/reports/?unit={unit}&course={course}", "/review/",
                                  "/review/?sort=progress", "/review/?sort=activity&q=ҷамшед",
                                  "/reports/headquarters"])
def test_constant_number_of_queries(app, auth, client, db, world, sample_course, path):
    auth.staff("admin" if "headquarters" in path else "officer")
    unit = db.session.scalar(select(User.unit_id).where(User.learner_number == "1001"))
    path = path.format(unit=unit, course=sample_course.id)
    add_learners(db, sample_course, "Q", 10)
    few = queries_for(app, client, db, path)
    add_learners(db, sample_course, "R", 490)
    many = queries_for(app, client, db, path)
    assert many == few, (few, many)
    assert 5 <= few <= 25
