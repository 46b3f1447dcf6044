"""The learner's record shows what placement decided; an officer of the learner's facility opens
or closes a module for them, and every change is audited."""

from __future__ import annotations

from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.learn.models import ModuleOpening, OpenedBy
from tests.conftest import csrf_from
from tests.learn.test_placement import _module, _take_test, placed_course  # noqa: F401
from tests.review.conftest import learner_by_number


def _openings(db, learner) -> dict[str, ModuleOpening]:
    db.session.expire_all()
    return {o.module.key: o for o in db.session.scalars(
        select(ModuleOpening).where(ModuleOpening.user_id == learner.id))}


def _audit(db, action, learner):
    return db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.subject_id == learner.id)).all()


def test_record_shows_placement_and_officer_opens_and_closes(app, db, world, staff, client,
                                                             placed_course):  # noqa: F811
    learner = learner_by_number(db, "1001")
    _take_test(app, db, learner, wrong_first=("q3",))
    staff("officer")
    page = client.get(f"/review/learners/{learner.id}").text
    assert "Placement and opened modules" in page and "Placement test finished on" in page
    assert "<code>letters</code>" in page and "<code>words</code>" in page
    assert "2 of 2" in page and "1 of 2" in page
    assert "Mastered" in page and "Not mastered" in page
    assert page.count("By the placement test") == 1  # m1 only
    # m2 and m3 can be opened, m1 closed; the placement test's own module offers nothing
    assert page.count("Open for this learner") == 2 and page.count(">Close</button>") == 1

    m3 = _module(db, "m3")
    token = csrf_from(page)
    response = client.post(f"/review/learners/{learner.id}/modules/{m3.id}/open",
                           data={"csrf_token": token})
    assert response.status_code == 302
    opened = _openings(db, learner)
    assert set(opened) == {"m1", "m3"}
    assert opened["m3"].why is OpenedBy.OFFICER
    assert opened["m3"].opened_by.username == "officer"
    [entry] = _audit(db, "learner.module_open", learner)
    assert entry.details["module"] == "m3"
    page = client.get(f"/review/learners/{learner.id}").text
    assert "By Нозим Исмоилов" in page

    m1 = _module(db, "m1")
    client.post(f"/review/learners/{learner.id}/modules/{m1.id}/close",
                data={"csrf_token": token})
    assert set(_openings(db, learner)) == {"m3"}
    [entry] = _audit(db, "learner.module_close", learner)
    assert entry.details["opened_by"] == "placement"


def test_only_officers_of_the_learners_facility_open_a_module(app, db, world, staff, client,
                                                              placed_course):  # noqa: F811
    learner = learner_by_number(db, "1001")
    m1 = _module(db, "m1")
    staff("officer2")  # another facility's officer
    token = csrf_from(client.get("/review/").text)
    response = client.post(f"/review/learners/{learner.id}/modules/{m1.id}/open",
                           data={"csrf_token": token})
    assert response.status_code == 404
    assert _openings(db, learner) == {}
    assert _audit(db, "learner.module_open", learner) == []


def test_opening_needs_the_form_token(app, db, world, staff, client,
                                      placed_course):  # noqa: F811
    learner = learner_by_number(db, "1001")
    staff("officer")
    response = client.post(f"/review/learners/{learner.id}/modules/{_module(db, 'm1').id}/open")
    assert response.status_code == 400
    assert _openings(db, learner) == {}
