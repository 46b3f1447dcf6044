"""/admin/network: administrators only; on SQLite it says a network needs PostgreSQL."""

import pytest


def test_administrator_sees_the_network(client, auth, world, backend):
    auth.staff("admin")
    page = client.get("/admin/network/")
    assert page.status_code == 200
    if backend == "sqlite":
        assert "PostgreSQL-ро талаб мекунад" in page.text  # "needs PostgreSQL", in Tajik
    else:
        assert "Обуна нест." in page.text  # "No subscriptions."
        assert "ҳанӯз ба шабака ҳамроҳ нашудааст" in page.text  # "has not joined a network yet"


@pytest.mark.parametrize("username", ["officer", "lecturer"])
def test_other_staff_may_not(client, auth, world, username):
    auth.staff(username)
    assert client.get("/admin/network/").status_code == 403


def test_signed_out_people_sign_in_first(client, world):
    assert client.get("/admin/network/").status_code in (302, 401)
