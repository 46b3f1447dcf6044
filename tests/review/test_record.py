"""A learner's record: plan, progress, answers (never a reflection's text), audit."""

import re

from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.learn.models import PlanItem
from tests.conftest import Auth, csrf_from
from tests.review.conftest import TEXTS, learner_by_number


def _audit(db, action, subject=None):
    stmt = select(AuditEntry).where(AuditEntry.action == action)
    if subject is not None:
        stmt = stmt.where(AuditEntry.subject_id == subject.id)
    return db.session.scalars(stmt).all()


def test_record_shows_progress_answers_and_hides_reflections(staff, client, db, world,
                                                             complete_course, terminal_cookie):
    learner = complete_course("1001", wrong_first=("mc", "num"))
    staff("officer")
    page = client.get(f"/review/learners/{learner.id}").text
    assert "Курси намуна" in page and "Дарси якум" in page and "Дарси дуюм" in page
    assert "Кадом ҳарф садонок аст?" in page
    assert re.search(r'class="wrong">Б<', page) and re.search(r'class="right">А<', page)
    assert re.search(r'class="wrong">7<', page) and re.search(r'class="right">35<', page)
    assert "Reflection written (private)" in page
    assert TEXTS["essay"] not in page and "Сирри ман" not in page
    assert "№ 1001" in page and "K" in page
    assert len(_audit(db, "learner.view", learner)) == 1


def test_list_shows_plan_status_and_progress_and_sorts(staff, client, db, world, complete_course,
                                                       sample_course):
    complete_course("1002")
    for number in ("1002", "1003"):
        db.session.add(PlanItem(user_id=learner_by_number(db, number).id,
                                course_id=sample_course.id))
    db.session.commit()
    staff("officer")
    page = client.get("/review/?sort=progress").text
    assert 'badge-done' in page and 'badge-on' in page
    assert '<progress max="2" value="2">' in page and '<progress max="2" value="0">' in page
    numbers = re.findall(r'/review/learners/\d+">(\d+)<', page)
    assert numbers[:2] == ["1002", "1003"]
    assert re.findall(r'/review/learners/\d+">(\d+)<', client.get("/review/?sort=activity").text
                      )[0] == "1002"
    by_name = re.findall(r'/review/learners/\d+">(\d+)<', client.get("/review/?sort=name").text)
    assert by_name[0] != "1001"


def test_list_paginates(staff, client, world, monkeypatch):
    from lms.review import services

    monkeypatch.setattr(services, "PAGE_SIZE", 10)
    staff("admin")
    first = client.get("/review/").text
    assert "25 learners" in first and "Next page" in first and "Previous page" not in first
    last = client.get("/review/?page=3").text
    assert len(re.findall(r'/review/learners/\d+"', last)) == 5
    assert "Next page" not in last and "Previous page" in last


def test_assign_and_unassign_a_course(staff, client, db, world, sample_course, terminal_cookie):
    learner = learner_by_number(db, "1004")
    staff("officer")
    page = client.get(f"/review/learners/{learner.id}").text
    client.post(f"/review/plans/learners/{learner.id}", data={
        "csrf_token": csrf_from(page), "course_id": sample_course.id, "due_date": "2030-01-31"})
    item = db.session.scalar(select(PlanItem).where(PlanItem.user_id == learner.id))
    assert item.due_date.isoformat() == "2030-01-31" and item.removed_at is None
    assert _audit(db, "plan.assign", learner)[0].details["course"] == "sample"
    client.post(f"/review/plans/items/{item.id}/remove", data={"csrf_token": csrf_from(page)})
    db.session.refresh(item)
    assert item.removed_at is not None
    assert len(_audit(db, "plan.unassign", learner)) == 1


def test_assign_a_course_to_a_whole_unit_then_the_kiosk_shows_it(
        staff, client, db, world, sample_course, terminal_cookie, app):
    learner = learner_by_number(db, "1001")
    staff("officer")
    page = client.get("/review/plans/").text
    response = client.post("/review/plans/", data={
        "csrf_token": csrf_from(page), "unit_id": learner.unit_id,
        "course_id": sample_course.id, "due_date": "2030-06-30"})
    assert response.status_code == 302
    planned = db.session.scalars(select(PlanItem.user_id).where(
        PlanItem.course_id == sample_course.id)).all()
    assert len(planned) == 10 and learner.id in planned
    assert len(_audit(db, "plan.assign")) == 10
    kiosk = app.test_client()
    Auth(kiosk, app).learner("1001", terminal_cookie=terminal_cookie("F1"))
    home = kiosk.get("/learn/?lang=en").text
    plan = home.split("My plan", 1)[1].split("</ul>", 1)[0]
    assert "Курси намуна" in plan and "2030" in plan


def test_release_blocks_sign_in_and_keeps_history(staff, client, db, world, complete_course,
                                                  terminal_cookie, app):
    learner = complete_course("1006")
    staff("officer")
    page = client.get(f"/review/learners/{learner.id}").text
    client.post(f"/review/learners/{learner.id}/release", data={"csrf_token": csrf_from(page)})
    db.session.refresh(learner)
    assert not learner.active
    assert len(_audit(db, "learner.release", learner)) == 1
    kiosk = app.test_client()
    Auth(kiosk, app).learner("1006", terminal_cookie=terminal_cookie("F1"))
    assert kiosk.get("/learn/").status_code != 200
    page = client.get(f"/review/learners/{learner.id}").text
    assert "Released" in page and "Дарси дуюм" in page  # the record is kept


def test_pin_reset_is_audited(staff, client, db, world):
    learner = learner_by_number(db, "1007")
    staff("officer")
    page = client.get(f"/review/learners/{learner.id}").text
    client.post(f"/review/learners/{learner.id}/pin", data={"csrf_token": csrf_from(page),
                                                            "pin": "8642"})
    assert len(_audit(db, "learner.pin_reset", learner)) == 1
