"""Creating learners (form, CSV upload), kiosks, transfers."""

import io

from sqlalchemy import select

from lms.accounts.models import Facility
from lms.audit.models import AuditEntry
from lms.terminals.models import KioskSession
from tests.conftest import Auth, csrf_from
from tests.review.conftest import learner_by_number


def test_create_a_learner(staff, client, db, world):
    staff("officer")
    page = client.get("/review/learners/new").text
    unit = learner_by_number(db, "1001").unit
    response = client.post("/review/learners/new", data={
        "csrf_token": csrf_from(page), "learner_number": "1100", "full_name": "Ғайрат Қаҳҳоров",
        "unit_id": unit.id, "pin": "2468"})
    assert response.status_code == 302
    learner = learner_by_number(db, "1100")
    assert learner.unit_id == unit.id and learner.facility_id == unit.facility_id
    again = client.post("/review/learners/new", data={
        "csrf_token": csrf_from(page), "learner_number": "1100", "full_name": "Ғайрат",
        "unit_id": unit.id, "pin": "2468"})
    assert again.status_code == 200 and "already taken" in again.text


def _upload(client, text: str):
    page = client.get("/review/learners/import").text
    return client.post("/review/learners/import", data={
        "csrf_token": csrf_from(page),
        "file": (io.BytesIO(("\ufeff" + text).encode()), "learners.csv")},
        content_type="multipart/form-data")


def test_import_learners_from_csv(staff, client, db, world):
    staff("officer")
    response = _upload(client, "learner_number,full_name,facility,unit,pin\n"
                               "1201,Зарина Ҳотамова,F1,Блоки А,1357\n"
                               "1202,Шоҳин Ёров,Муассисаи ислоҳии №1,,2468\n")
    assert response.status_code == 302
    assert learner_by_number(db, "1201").unit.name == "Блоки А"
    assert learner_by_number(db, "1202") is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "learner.import"))
    assert entry.details["count"] == 2


def test_an_officer_imports_only_into_their_facility(staff, client, db, world):
    staff("officer")
    response = _upload(client, "learner_number,full_name,facility,unit,pin\n"
                               "1203,Зарина,F1,,1357\n1204,Шоҳин,F2,,2468\n")
    assert response.status_code == 200 and "only to your facility" in response.text
    assert learner_by_number(db, "1203") is None and learner_by_number(db, "1204") is None


def test_import_reports_bad_lines(staff, client, db, world):
    staff("admin")
    response = _upload(client, "learner_number,full_name,facility,unit,pin\n1205,Зарина,F1,,12\n")
    assert "line 2" in response.text and learner_by_number(db, "1205") is None


def test_admin_transfers_a_learner_with_history(staff, client, db, world, complete_course, app):
    learner = complete_course("1008")
    f2 = db.session.scalar(select(Facility).where(Facility.code == "F2"))
    staff("admin")
    page = client.get(f"/review/learners/{learner.id}").text
    response = client.post(f"/admin/learners/{learner.id}/transfer", data={
        "csrf_token": csrf_from(page), "facility_id": f2.id, "unit_id": f2.units[0].id})
    assert response.status_code == 302
    db.session.refresh(learner)
    assert learner.facility_id == f2.id and learner.unit_id == f2.units[0].id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "learner.transfer"))
    assert entry.subject_id == learner.id and entry.details["to_facility"] == f2.id
    officer1, officer2 = app.test_client(), app.test_client()
    Auth(officer1, app).staff("officer")
    Auth(officer2, app).staff("officer2")
    assert officer1.get(f"/review/learners/{learner.id}").status_code == 404
    record = officer2.get(f"/review/learners/{learner.id}").text
    assert "Дарси дуюм" in record


def test_transfer_refuses_a_unit_of_another_facility(staff, client, db, world):
    learner = learner_by_number(db, "1009")
    f1 = learner.facility
    f2 = db.session.scalar(select(Facility).where(Facility.code == "F2"))
    staff("admin")
    page = client.get(f"/review/learners/{learner.id}").text
    client.post(f"/admin/learners/{learner.id}/transfer", data={
        "csrf_token": csrf_from(page), "facility_id": f2.id, "unit_id": f1.units[0].id})
    db.session.refresh(learner)
    assert learner.facility_id == f1.id


def test_kiosks_page_shows_who_and_ends_a_stuck_session(staff, client, db, world,
                                                        terminal_cookie, app):
    kiosk = app.test_client()
    Auth(kiosk, app).learner("1010", terminal_cookie=terminal_cookie("F1", "Киоски толор"))
    staff("officer")
    page = client.get("/review/terminals").text
    assert "Киоски толор" in page and "№ 1010" in page and "1 kiosk is in use now." in page
    ks = db.session.scalar(select(KioskSession).where(KioskSession.ended_at.is_(None)))
    client.post(f"/review/sessions/{ks.id}/end", data={"csrf_token": csrf_from(page)})
    db.session.refresh(ks)
    assert ks.end_reason == "ended"
    assert kiosk.get("/learn/").status_code == 302  # signed out on the kiosk
