"""Every staff route of the officers' area answers 404 for anything of another facility."""

import pytest
from sqlalchemy import select

from lms.accounts.models import Facility, Unit
from lms.learn.models import Certificate, PlanItem
from lms.terminals.models import KioskSession, Terminal
from lms.terminals.services import start_session
from tests.conftest import csrf_from
from tests.review.conftest import learner_by_number


@pytest.fixture
def other(db, world, complete_course, sample_course):
    """Things of facility 2: a learner with a plan, a certificate and a kiosk session."""
    learner = complete_course("2001")
    f2 = db.session.scalar(select(Facility).where(Facility.code == "F2"))
    terminal = db.session.scalar(select(Terminal).where(Terminal.facility_id == f2.id))
    ks, _token = start_session(learner, terminal)
    item = PlanItem(user_id=learner.id, course_id=sample_course.id)
    db.session.add(item)
    db.session.commit()
    return {
        "learner": learner.id, "facility": f2.id, "terminal": terminal.id, "session": ks.id,
        "unit": db.session.scalar(select(Unit.id).where(Unit.facility_id == f2.id)),
        "item": item.id, "course": sample_course.id,
        "certificate": db.session.scalar(select(Certificate.id).where(
            Certificate.user_id == learner.id)),
    }


GETS = [
    "/review/learners/{learner}",
    "/reports/learners/{learner}/summary",
    "/review/certificates/{certificate}",
    "/review/certificates/{certificate}?language=ru",
    "/review/?unit={unit}",
    "/reports/?facility={facility}",
    "/reports/?unit={unit}",
    "/reports/exports?facility={facility}",
    "/reports/exports/progress.csv?facility={facility}",
    "/reports/exports/progress.csv?unit={unit}",
    "/reports/exports/xapi.json?facility={facility}",
    "/reports/exports/xapi.json?learner={learner}",
    "/review/courses/{course}?facility={facility}",
    "/review/courses/{course}?unit={unit}",
]

POSTS = [
    ("/review/learners/{learner}/unlock", {}),
    ("/review/learners/{learner}/pin", {"pin": "5555"}),
    ("/review/learners/{learner}/release", {}),
    ("/review/learners/{learner}/readmit", {}),
    ("/review/plans/learners/{learner}", {"course_id": "{course}"}),
    ("/review/plans/items/{item}/remove", {}),
    ("/review/plans/", {"unit_id": "{unit}", "course_id": "{course}"}),
    ("/review/learners/new", {"learner_number": "9999", "full_name": "Бегона", "unit_id": "{unit}",
                              "pin": "1234"}),
    ("/review/terminals", {"name": "Бегона", "facility_id": "{facility}"}),
    ("/review/terminals/{terminal}/retire", {}),
    ("/review/sessions/{session}/end", {}),
]


@pytest.mark.parametrize("path", GETS)
def test_officer_gets_404_for_another_facility(auth, client, other, path):
    auth.staff("officer")
    assert client.get(path.format(**other)).status_code == 404


@pytest.mark.parametrize("path, data", POSTS)
def test_officer_cannot_change_another_facility(auth, client, db, other, path, data):
    auth.staff("officer")
    token = csrf_from(client.get("/review/terminals").text)
    form = {k: v.format(**other) for k, v in data.items()} | {"csrf_token": token}
    assert client.post(path.format(**other), data=form).status_code == 404
    db.session.expire_all()
    learner = learner_by_number(db, "2001")
    assert learner.active and learner.learner_number == "2001"
    assert db.session.get(PlanItem, other["item"]).removed_at is None
    assert db.session.get(KioskSession, other["session"]).ended_at is None
    assert db.session.get(Terminal, other["terminal"]).retired_at is None
    assert learner_by_number(db, "9999") is None


@pytest.mark.parametrize("path", GETS)
def test_the_same_pages_open_for_their_own_officer(auth, client, other, path):
    auth.staff("officer2")
    assert client.get(path.format(**other)).status_code == 200


@pytest.mark.parametrize("path", ["/reports/headquarters", "/admin/audit"])
def test_admin_pages_are_closed_to_officers(auth, client, world, path):
    auth.staff("officer")
    assert client.get(path).status_code == 403


def test_officer_cannot_transfer(auth, client, db, other):
    auth.staff("officer2")
    token = csrf_from(client.get("/review/terminals").text)
    response = client.post(f"/admin/learners/{other['learner']}/transfer",
                           data={"csrf_token": token, "facility_id": "1"})
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/reports/", "/review/plans/", "/reports/exports",
                                  "/review/learners/new", "/review/learners/import"])
def test_lecturers_and_learners_stay_out(auth, client, world, terminal_cookie, path):
    auth.staff("lecturer")
    assert client.get(path).status_code == 403
    auth.signout("/review/")
    auth.learner("1001", terminal_cookie=terminal_cookie("F1"))
    assert client.get(path).status_code == 404
