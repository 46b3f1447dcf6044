import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.terminals.models import Terminal
from tests.conftest import csrf_from


def _learner(db, number):
    return db.session.scalar(select(User).where(User.learner_number == number))


def test_officer_sees_only_own_facility(auth, client, db, world):
    auth.staff("officer")
    page = client.get("/review/").text
    assert "1001" in page and "2001" not in page


@pytest.mark.parametrize("suffix", ["", "/unlock", "/pin"])
def test_officer_gets_404_for_other_facility_learner(auth, client, db, world, suffix):
    auth.staff("officer")
    other = _learner(db, "2001")
    token = csrf_from(client.get("/review/terminals").text)
    if suffix:
        response = client.post(f"/review/learners/{other.id}{suffix}",
                               data={"csrf_token": token, "pin": "5555"})
    else:
        response = client.get(f"/review/learners/{other.id}")
    assert response.status_code == 404


def test_officer_cannot_retire_other_facility_terminal(auth, client, db, world):
    auth.staff("officer")
    terminal = db.session.scalar(select(Terminal).where(Terminal.name == "Киоски 2"))
    token = csrf_from(client.get("/review/terminals").text)
    assert client.post(f"/review/terminals/{terminal.id}/retire",
                       data={"csrf_token": token}).status_code == 404
    assert "Киоски 2" not in client.get("/review/terminals").text


def test_admin_sees_every_facility(auth, client, world):
    auth.staff("admin")
    page = client.get("/review/").text
    assert "1001" in page and "2001" in page


def test_learner_cannot_reach_staff_pages(auth, client, world, terminal_cookie):
    auth.learner("1001", terminal_cookie=terminal_cookie("F1"))
    for path in ("/review/", "/admin/", "/review/terminals"):
        assert client.get(path).status_code == 404


def test_officer_cannot_reach_admin(auth, client, world):
    auth.staff("officer")
    assert client.get("/admin/").status_code == 403


def test_search_is_case_insensitive_in_cyrillic(auth, client, world):
    auth.staff("officer")
    page = client.get("/review/?q=ФАРҲОД").text
    assert "Фарҳод Раҳимов" in page
    assert "Рустам" not in page
