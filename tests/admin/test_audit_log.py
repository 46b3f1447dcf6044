"""Administrators browse the audit log, filtered by action, actor, learner, facility, dates."""

from tests.conftest import Auth
from tests.review.conftest import learner_by_number


def test_browse_and_filter(staff, client, db, world, app):
    first, second = learner_by_number(db, "1001"), learner_by_number(db, "2002")
    officer = app.test_client()
    Auth(officer, app).staff("officer")
    officer.get(f"/review/learners/{first.id}")
    staff("admin")
    client.get(f"/review/learners/{second.id}")
    page = client.get("/admin/audit?action=learner.view").text
    assert page.count("<code>learner.view</code>") == 2
    page = client.get("/admin/audit?action=learner.view&actor=officer").text
    assert page.count("<code>learner.view</code>") == 1 and "1001" in page
    page = client.get("/admin/audit?learner=2002").text
    assert page.count("<code>learner.view</code>") == 1 and "admin" in page
    page = client.get(f"/admin/audit?facility={second.facility_id}&action=learner.view").text
    assert page.count("<code>learner.view</code>") == 1
    assert "1 entry" in client.get("/admin/audit?learner=2002&start=2000-01-01").text
    assert "No entries." in client.get("/admin/audit?learner=2002&end=2000-01-01").text
    assert "127.0.0.1" in page
