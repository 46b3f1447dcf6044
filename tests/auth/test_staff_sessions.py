"""A staff session ends everywhere: at sign-out, a password change, a closed account and an
administrator's "end this person's sessions". A copied cookie is then refused by every app
server, because each request compares the cookie's session generation with the account's."""

from __future__ import annotations

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from lms.accounts.models import User
from lms.audit.models import AuditEntry
from tests.conftest import Auth, count_queries, csrf_from


def _cookie(client) -> str:
    cookie = client.get_cookie("lms_session")
    assert cookie is not None, "no session cookie"
    return cookie.value


def _copy(app, cookie: str):
    """Another browser (or another computer) holding a copy of ``cookie``."""
    other = app.test_client()
    other.set_cookie("lms_session", cookie)
    return other


def _let_in(client, path: str = "/review/") -> bool:
    response = client.get(path)
    if response.status_code == 200:
        return True
    location = response.headers.get("Location", "").replace("http://localhost", "")
    assert response.status_code == 302 and location.split("?")[0] in ("/", "/staff/signin")
    return False


def _user(db, username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _decode(app, cookie: str) -> dict:
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    return dict(serializer.loads(cookie))


@pytest.fixture
def officer(app, client, world):
    """An officer signed in, and a copy of the cookie in a second browser."""
    assert Auth(client, app).staff("officer").status_code == 302
    return client, _copy(app, _cookie(client))


def test_copied_cookie_refused_after_sign_out(app, client, officer):
    original, copy = officer
    assert _let_in(copy)
    token = csrf_from(original.get("/review/").text)
    original.post("/signout", data={"csrf_token": token})
    assert not _let_in(copy)
    assert not _let_in(_copy(app, _cookie(copy)), "/admin/audit")


def test_sign_out_ends_the_sessions_on_other_computers_too(app, world):
    first, second = app.test_client(), app.test_client()
    Auth(first, app).staff("officer")
    Auth(second, app).staff("officer")
    Auth(first, app).signout("/review/")
    assert not _let_in(second)


def test_another_persons_sessions_are_untouched(app, world):
    officer, officer2 = app.test_client(), app.test_client()
    Auth(officer, app).staff("officer")
    Auth(officer2, app).staff("officer2")
    Auth(officer, app).signout("/review/")
    assert _let_in(officer2)


def test_cookie_changes_at_sign_in_and_old_content_is_refused(app, client, db, world):
    client.get("/staff/signin?lang=ru")
    before = _cookie(client)
    Auth(client, app).staff("officer")
    first = _cookie(client)
    assert first != before
    content = _decode(app, first)
    assert content["lang"] == "ru" and len(content["nonce"]) >= 16
    assert _decode(app, before).get("nonce") is None
    # Signed out and in again: a new nonce, and the first session's cookie is refused.
    Auth(client, app).signout("/review/")
    Auth(client, app).staff("officer")
    second = _cookie(client)
    assert _decode(app, second)["nonce"] != content["nonce"]
    assert _let_in(client)
    assert not _let_in(_copy(app, first))
    # The cookie from before sign-in never becomes a signed-in one.
    assert not _let_in(_copy(app, before))


def test_forged_generation_is_refused(app, client, db, officer):
    _original, copy = officer
    content = _decode(app, _cookie(copy))
    user_id, version = content["_user_id"].split(":")
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    for forged in (f"{user_id}:{int(version) + 1}", f"{user_id}:x", user_id, ":"):
        assert not _let_in(_copy(app, serializer.dumps({**content, "_user_id": forged})))


def _admin(app):
    admin = app.test_client()
    assert Auth(admin, app).staff("admin").status_code == 302
    return admin


def _post_as_admin(admin, path: str, **data):
    user_page = admin.get(path.rsplit("/", 1)[0])  # the account's page, for its form token
    assert user_page.status_code == 200
    return admin.post(path, data={"csrf_token": csrf_from(user_page.text), **data})


def test_admin_ends_a_persons_sessions_and_it_is_audited(app, db, officer):
    original, copy = officer
    user = _user(db, "officer")
    admin = _admin(app)
    page = admin.get(f"/admin/staff/{user.id}")
    assert page.status_code == 200
    assert f'action="/admin/staff/{user.id}/end-sessions"' in page.text
    response = _post_as_admin(admin, f"/admin/staff/{user.id}/end-sessions")
    assert response.status_code == 302
    assert not _let_in(original) and not _let_in(copy)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "staff.end_sessions"))
    assert entry is not None and entry.subject_id == user.id
    # The officer may sign in again at once.
    again = app.test_client()
    assert Auth(again, app).staff("officer").status_code == 302 and _let_in(again)


def test_password_change_ends_the_sessions(app, db, officer):
    original, copy = officer
    user = _user(db, "officer")
    response = _post_as_admin(_admin(app), f"/admin/staff/{user.id}/password",
                              password="a-new-password-1")
    assert response.status_code == 302
    assert not _let_in(original) and not _let_in(copy)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "staff.password"))
    fresh = app.test_client()
    assert Auth(fresh, app).staff("officer").status_code == 401
    assert Auth(fresh, app).staff("officer", "a-new-password-1").status_code == 302


def test_closed_account_ends_the_sessions_and_cannot_sign_in(app, db, officer):
    original, copy = officer
    user = _user(db, "officer")
    admin = _admin(app)
    assert _post_as_admin(admin, f"/admin/staff/{user.id}/disable").status_code == 302
    assert not _let_in(original) and not _let_in(copy)
    assert Auth(app.test_client(), app).staff("officer").status_code == 401
    assert _post_as_admin(admin, f"/admin/staff/{user.id}/enable").status_code == 302
    assert Auth(app.test_client(), app).staff("officer").status_code == 302
    actions = set(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.subject_id == user.id)))
    assert {"staff.disable", "staff.enable"} <= actions


def test_admin_cannot_close_their_own_account(app, db, world):
    admin = _admin(app)
    me = _user(db, "admin")
    _post_as_admin(admin, f"/admin/staff/{me.id}/disable")
    db.session.refresh(me)
    assert me.active and _let_in(admin, "/admin/")


def test_account_page_is_for_staff_accounts_only(app, db, world):
    admin = _admin(app)
    learner = db.session.scalar(select(User).where(User.learner_number == "1001"))
    assert admin.get(f"/admin/staff/{learner.id}").status_code == 404
    assert admin.get("/admin/staff/99999999").status_code == 404


def test_generation_is_one_read_by_primary_key(app, db, officer):
    """The check costs the user row's read that every signed-in request makes anyway."""
    original, _copy_ = officer
    db.session.expunge_all()  # as in production, each request starts with an empty session
    with count_queries(db.session.get_bind()) as statements:
        assert original.get("/review/certificates/verify").status_code == 200
    user_reads = [s for s in statements if "FROM users" in s]
    assert len(user_reads) == 1, statements
    assert "WHERE users.id = " in user_reads[0]


def test_lecturer_lands_in_the_studio(app, client, world):
    response = Auth(client, app).staff("lecturer")
    assert response.headers["Location"].endswith("/author/")
