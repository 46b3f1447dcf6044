import pytest


@pytest.mark.parametrize("path", ["/", "/staff/signin", "/signout", "/enroll",
                                  "/kiosk/keepalive"])
def test_post_without_csrf_token_is_refused(client, world, path):
    response = client.post(path, data={"username": "admin", "password": "umed-demo",
                                       "learner_number": "1001", "pin": "1234", "key": "ok",
                                       "code": "ABCD-EFGH"})
    assert response.status_code == 400


def test_signed_in_post_without_token_is_refused(auth, client, world):
    auth.staff("admin")
    response = client.post("/admin/facilities", data={"code": "X", "name": "X"})
    assert response.status_code == 400


def test_signout_is_post_only(client):
    assert client.get("/signout").status_code == 405


def test_session_cookie_flags(auth, client, world):
    response = auth.staff("admin")
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
