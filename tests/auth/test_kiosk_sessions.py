from datetime import timedelta

from sqlalchemy import select

from lms import clock
from lms.terminals.models import KioskSession, Terminal
from tests.conftest import Auth, csrf_from


def test_idle_kiosk_session_expires_on_the_server(app, auth, client, world, terminal_cookie):
    auth.learner("1001", terminal_cookie=terminal_cookie("F1"))
    clock.advance(timedelta(seconds=app.config["KIOSK_IDLE_SECONDS"] - 30))
    assert client.get("/learn/").status_code == 200  # activity resets the timer
    clock.advance(timedelta(seconds=app.config["KIOSK_IDLE_SECONDS"] - 30))
    assert client.get("/learn/").status_code == 200
    clock.advance(timedelta(seconds=app.config["KIOSK_IDLE_SECONDS"] + 1))
    response = client.get("/learn/")
    assert response.status_code == 302
    assert client.get("/learn/").status_code == 302


def test_idle_limit_is_configurable(app, auth, client, world, terminal_cookie):
    app.config["KIOSK_IDLE_SECONDS"] = 120
    try:
        auth.learner("1001", terminal_cookie=terminal_cookie("F1"))
        clock.advance(timedelta(seconds=121))
        assert client.get("/learn/").status_code == 302
    finally:
        app.config["KIOSK_IDLE_SECONDS"] = 600


def test_idle_warning_is_on_the_page(auth, client, world, terminal_cookie):
    auth.learner("1001", terminal_cookie=terminal_cookie("F1"))
    page = client.get("/learn/").text
    assert 'id="idle-warning"' in page and 'data-idle="600"' in page and 'data-warn="60"' in page


def test_one_learner_one_kiosk_session(app, auth, client, db, world, terminal_cookie):
    auth.learner("1001", terminal_cookie=terminal_cookie("F1", "A"))
    other = app.test_client()
    Auth(other, app).learner("1001", terminal_cookie=terminal_cookie("F1", "B"))
    assert other.get("/learn/").status_code == 200
    response = client.get("/learn/")
    assert response.status_code == 302  # the first kiosk was signed out
    sessions = db.session.scalars(select(KioskSession)).all()
    assert sorted(s.end_reason or "open" for s in sessions) == ["open", "replaced"]


def test_staff_session_expires_after_eight_hours(auth, client, world):
    auth.staff("officer")
    clock.advance(timedelta(hours=7, minutes=59))
    assert client.get("/review/").status_code == 200
    clock.advance(timedelta(minutes=2))
    assert client.get("/review/").status_code == 302


def test_enroll_terminal_with_one_time_code(app, auth, client, db, world):
    auth.staff("officer")
    page = client.get("/review/terminals")
    response = client.post("/review/terminals", data={
        "name": "Block A kiosk", "facility_id": world_facility_id(db, "F1"),
        "csrf_token": csrf_from(page.text)})
    assert response.status_code == 200
    code = response.text.split('class="code">')[1].split("<")[0]
    kiosk = app.test_client()
    page = kiosk.get("/enroll")
    response = kiosk.post("/enroll", data={"code": code.lower(), "csrf_token": csrf_from(page.text)})
    assert response.status_code == 302
    assert kiosk.get_cookie("lms_terminal") is not None
    assert Auth(kiosk, app).learner("1005").status_code == 302
    # the code is single-use
    again = app.test_client()
    page = again.get("/enroll")
    assert again.post("/enroll", data={"code": code, "csrf_token": csrf_from(page.text)}
                      ).status_code == 400
    terminal = db.session.scalar(select(Terminal).where(Terminal.name == "Block A kiosk"))
    assert terminal is not None and terminal.active


def test_expired_code_refused(app, auth, client, db, world):
    auth.staff("officer")
    page = client.get("/review/terminals")
    response = client.post("/review/terminals", data={
        "name": "Late", "facility_id": world_facility_id(db, "F1"),
        "csrf_token": csrf_from(page.text)})
    code = response.text.split('class="code">')[1].split("<")[0]
    clock.advance(timedelta(minutes=31))
    kiosk = app.test_client()
    page = kiosk.get("/enroll")
    assert kiosk.post("/enroll", data={"code": code, "csrf_token": csrf_from(page.text)}
                      ).status_code == 400


def test_retired_terminal_refuses_learners(app, auth, client, db, world, terminal_cookie):
    cookie = terminal_cookie("F1", "Old")
    terminal = db.session.scalar(select(Terminal).where(Terminal.name == "Old"))
    officer = app.test_client()
    Auth(officer, app).staff("officer")
    page = officer.get("/review/terminals")
    officer.post(f"/review/terminals/{terminal.id}/retire", data={"csrf_token": csrf_from(page.text)})
    assert auth.learner("1001", terminal_cookie=cookie).status_code == 403


def world_facility_id(db, code):
    from lms.accounts.models import Facility

    return db.session.scalar(select(Facility.id).where(Facility.code == code))
