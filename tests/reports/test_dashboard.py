"""The facility dashboard: figures, stalled learners, filters, charts as plain SVG."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from lms import clock
from lms.accounts.models import User
from lms.learn.models import ActivityDay, Event, PlanItem
from lms.reports import dashboard
from lms.staff.filters import Filters
from tests.review.conftest import learner_by_number


def _plan(db, learner, course, days_ago):
    db.session.add(PlanItem(user_id=learner.id, course_id=course.id,
                            assigned_at=clock.now() - timedelta(days=days_ago)))
    db.session.commit()


def test_activity_days_are_kept_by_the_database(db, world, complete_course, sample_course):
    learner = complete_course("1001")
    events = db.session.scalar(select(func.count()).select_from(Event).where(
        Event.user_id == learner.id))
    rolled = db.session.scalar(select(func.sum(ActivityDay.events)).where(
        ActivityDay.user_id == learner.id))
    assert events > 10 and rolled == events
    day = db.session.scalar(select(ActivityDay.day).where(ActivityDay.user_id == learner.id))
    assert day == clock.now().date()
    assert db.session.scalar(select(ActivityDay.course_id).where(
        ActivityDay.user_id == learner.id).limit(1)) == sample_course.id


def test_figures_for_the_officers_facility(app, db, world, complete_course, sample_course):
    complete_course("1001")
    complete_course("2001")  # another facility: never counted for facility 1
    stalled = learner_by_number(db, "1003")
    _plan(db, stalled, sample_course, 20)
    _plan(db, learner_by_number(db, "1005"), sample_course, 2)  # too new to be stalled
    officer = db.session.scalar(select(User).where(User.username == "officer"))
    filters = Filters(facility_id=officer.facility_id)
    with app.test_request_context():
        data = dashboard.build(officer, filters, [sample_course], officer.facility.units)
    assert data.learners == 20
    assert (data.active_7, data.active_30) == (1, 1)
    assert data.lessons_done == 2 and data.courses_done == 1
    assert data.average_score == 1.0
    assert [s.number for s in data.stalled] == ["1003"] and data.stalled_total == 1
    assert data.stalled[0].last_day is None
    row = data.courses[0]
    assert (row.planned, row.started, row.completed) == (2, 1, 1)
    assert len(data.activity) == 56 and data.activity[-1][1] == 1 and data.activity[0][1] == 0
    assert sum(u.learners for u in data.units) == 20


def test_a_learner_stops_being_stalled_when_they_learn(app, db, world, complete_course,
                                                        sample_course):
    learner = learner_by_number(db, "1001")
    _plan(db, learner, sample_course, 30)
    officer = db.session.scalar(select(User).where(User.username == "officer"))
    with app.test_request_context():
        before = dashboard.build(officer, Filters(officer.facility_id), [sample_course], [])
        complete_course("1001", wrong_first=())
        after = dashboard.build(officer, Filters(officer.facility_id), [sample_course], [])
    assert "1001" in [s.number for s in before.stalled]
    assert "1001" not in [s.number for s in after.stalled]  # done: nothing open any more


def test_unit_and_course_filters(auth, client, db, world, complete_course, sample_course):
    complete_course("1001")
    complete_course("1002")
    unit_a = learner_by_number(db, "1001").unit
    auth.staff("officer")
    page = client.get(f"/reports/?unit={unit_a.id}&course={sample_course.id}").text
    kpis = re.findall(r"<li><strong>([^<]+)</strong>", page)
    assert kpis[:5] == ["10", "1", "1", "2", "1"]  # 10 learners in the unit, 1 active…
    everyone = re.findall(r"<li><strong>([^<]+)</strong>", client.get("/reports/").text)
    assert everyone[:5] == ["20", "2", "2", "4", "2"]


def test_charts_are_plain_svg(auth, client, world, complete_course):
    complete_course("1001")
    auth.staff("officer")
    response = client.get("/reports/")
    page = response.text
    assert page.count('<svg class="chart"') == 3
    assert "<script" not in page and " style=" not in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_admin_sees_every_facility_and_can_narrow(auth, client, db, world, complete_course):
    complete_course("1001")
    complete_course("2001")
    auth.staff("admin")
    kpis = re.findall(r"<li><strong>([^<]+)</strong>", client.get("/reports/").text)
    assert kpis[0] == "25" and kpis[4] == "2"
    f2 = learner_by_number(db, "2001").facility_id
    kpis = re.findall(r"<li><strong>([^<]+)</strong>",
                      client.get(f"/reports/?facility={f2}").text)
    assert kpis[0] == "5" and kpis[4] == "1"


def test_headquarters_shows_every_facility(auth, client, world, complete_course):
    complete_course("2001")
    auth.staff("admin")
    page = client.get("/reports/headquarters").text
    assert "Муассисаи ислоҳии №1" in page and "Муассисаи ислоҳии №2" in page
    assert '<svg class="chart"' in page
