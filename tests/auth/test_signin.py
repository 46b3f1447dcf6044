from datetime import timedelta

from sqlalchemy import select

from lms import clock
from lms.accounts.models import User
from lms.audit.models import AuditEntry
from tests.conftest import csrf_from


def test_staff_sign_in_and_out(auth, client, world):
    response = auth.staff("officer")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/review/")
    assert client.get("/review/").status_code == 200
    assert auth.signout("/review/").status_code == 302
    assert client.get("/review/").status_code == 302  # back to sign-in


def test_staff_wrong_password(auth, world):
    response = auth.staff("officer", "wrong-password")
    assert response.status_code == 401
    assert "Wrong username or password" in response.text or "Номи" in response.text


def test_learner_keypad_sign_in_on_terminal(auth, client, world, terminal_cookie):
    response = auth.learner("1001", terminal_cookie=terminal_cookie("F1"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/learn/")
    assert client.get("/learn/").status_code == 200


def test_learner_refused_without_terminal(auth, world):
    response = auth.learner("1001")
    assert response.status_code == 403


def test_learner_refused_on_other_facility_terminal(auth, world, terminal_cookie):
    response = auth.learner("1001", terminal_cookie=terminal_cookie("F2"))
    assert response.status_code == 401
    assert "/learn/" not in response.headers.get("Location", "")


def test_demo_mode_allows_any_browser(app, auth, world):
    app.config["KIOSK_ANY_BROWSER"] = True
    assert auth.learner("1001").status_code == 302


def test_forged_terminal_cookie_is_ignored(auth, world, terminal_cookie):
    cookie = terminal_cookie("F1")
    assert auth.learner("1001", terminal_cookie=cookie[:-3] + "abc").status_code == 403


def test_keypad_works_without_javascript(client, world, terminal_cookie):
    client.set_cookie("lms_terminal", terminal_cookie("F1"))
    page = client.get("/?lang=en")
    data = {"csrf_token": csrf_from(page.text), "learner_number": "", "pin": "",
            "active": "learner_number"}
    for key in "1001":
        page = client.post("/", data={**data, "key": key})
        assert page.status_code == 200
        data["learner_number"] += key
    assert 'value="1001"' in page.text
    page = client.post("/", data={**data, "key": "next"})
    data["active"] = "pin"
    for key in "1234":
        client.post("/", data={**data, "key": key})
        data["pin"] += key
    response = client.post("/", data={**data, "key": "ok"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/learn/")


def test_lockout_after_five_wrong_pins(app, auth, client, db, world, terminal_cookie):
    cookie = terminal_cookie("F1")
    for _ in range(5):
        assert auth.learner("1002", "9999", terminal_cookie=cookie).status_code == 401
    response = auth.learner("1002", "1234", terminal_cookie=cookie)  # right PIN, but locked
    assert response.status_code == 401
    client.get("/?lang=en")
    response = auth.learner("1002", "1234", terminal_cookie=cookie)
    assert "locked" in response.text
    clock.advance(timedelta(minutes=16))
    assert auth.learner("1002", "1234", terminal_cookie=cookie).status_code == 302


def test_lockout_message_is_translated(auth, client, world, terminal_cookie):
    cookie = terminal_cookie("F1")
    for _ in range(5):
        auth.learner("1003", "9999", terminal_cookie=cookie)
    client.get("/?lang=tg")
    response = auth.learner("1003", "9999", terminal_cookie=cookie)
    assert "locked" not in response.text
    assert "баста" in response.text  # Tajik: "locked"


def test_staff_lockout(auth, world):
    for _ in range(5):
        auth.staff("officer2", "not-the-password")
    assert auth.staff("officer2").status_code == 401


def test_officer_unlocks_and_resets_pin(auth, client, db, world, terminal_cookie):
    cookie = terminal_cookie("F1")
    for _ in range(5):
        auth.learner("1004", "9999", terminal_cookie=cookie)
    learner = db.session.scalar(select(User).where(User.learner_number == "1004"))
    assert learner.locked_until is not None
    officer = client.application.test_client()
    from tests.conftest import Auth

    Auth(officer, client.application).staff("officer")
    page = officer.get(f"/review/learners/{learner.id}")
    assert page.status_code == 200
    token = csrf_from(page.text)
    assert officer.post(f"/review/learners/{learner.id}/pin",
                        data={"pin": "4321", "csrf_token": token}).status_code == 302
    learner = db.session.get(User, learner.id)
    assert learner.locked_until is None
    assert auth.learner("1004", "4321", terminal_cookie=cookie).status_code == 302
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.subject_id == learner.id)).all()
    assert "learner.view" in actions and "learner.pin_reset" in actions


def test_session_fixation_new_session_after_sign_in(auth, client, world):
    client.get("/staff/signin")
    before = client.get_cookie("lms_session").value
    auth.staff("admin")
    assert client.get_cookie("lms_session").value != before
