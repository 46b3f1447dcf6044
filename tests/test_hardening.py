"""Bad input gets a clear 4xx, never a 500; every response carries the security headers."""

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from tests.conftest import csrf_from


def test_security_headers_on_every_kind_of_response(client):
    for path in ("/", "/staff/signin", "/healthz", "/no/such/page"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_pages_with_personal_data_are_not_cached(auth, client, world):
    auth.staff("officer")
    assert client.get("/review/").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x",
                                    "/\\evil.example", "javascript:alert(1)", "http:/x"])
def test_no_open_redirect_after_sign_in(client, world, target):
    page = client.get("/staff/signin")
    response = client.post(f"/staff/signin?next={target}", data={
        "username": "officer", "password": "umed-demo", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/review/", "http://localhost/review/")


def test_local_next_is_followed(client, world):
    page = client.get("/staff/signin")
    response = client.post("/staff/signin?next=/review/terminals", data={
        "username": "officer", "password": "umed-demo", "csrf_token": csrf_from(page.text)})
    assert response.headers["Location"].endswith("/review/terminals")


@pytest.mark.parametrize("path", ["/learn/lessons/abc", "/learn/lessons/99999999",
                                  "/learn/courses/-1", "/review/learners/0",
                                  "/learn/exercises/x", "/media/../../etc/passwd"])
def test_bad_ids_are_404(auth, client, world, terminal_cookie, path):
    auth.learner("1001", terminal_cookie=terminal_cookie("F1"))
    response = client.get(path)
    assert response.status_code == 404


def test_oversized_body_is_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/staff/signin", data={"username": "x" * 5000})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
    assert response.status_code == 413


@pytest.mark.parametrize("data", [
    {"learner_number": "\x00\x01", "pin": "1234", "key": "ok"},
    {"learner_number": "1" * 10000, "pin": "x" * 10000, "key": "ok"},
    {"learner_number": ["1", "2"], "pin": "1234", "key": "ok"},
])
def test_malformed_sign_in_is_4xx(client, world, terminal_cookie, data):
    client.set_cookie("lms_terminal", terminal_cookie("F1"))
    page = client.get("/")
    response = client.post("/", data={**data, "csrf_token": csrf_from(page.text)})
    assert 400 <= response.status_code < 500 or response.status_code == 200


def test_invalid_utf8_form_is_not_a_500(client, world, terminal_cookie):
    client.set_cookie("lms_terminal", terminal_cookie("F1"))
    page = client.get("/")
    body = f"csrf_token={csrf_from(page.text)}&learner_number=%ff%fe&pin=%c3&key=ok"
    response = client.post("/", data=body, content_type="application/x-www-form-urlencoded")
    assert 400 <= response.status_code < 500


def test_malformed_answers_are_4xx(auth, client, world, terminal_cookie, sample_course, db):
    from sqlalchemy import select

    from lms.content.models import Exercise

    auth.learner("1001", terminal_cookie=terminal_cookie("F1"))
    token = csrf_from(client.get("/learn/").text)
    for exercise in db.session.scalars(select(Exercise)):
        for data in ({"choice": "999"}, {"choice": "abc"}, {"text": "x" * 100000},
                     {"match-0": "zz"}, {}, {"choice": ["1", "2", "3"]}):
            response = client.post(f"/learn/exercises/{exercise.id}", data={
                **data, "client_id": "m" * 80, "csrf_token": token})
            assert response.status_code < 500, (exercise.key, data)


def test_unknown_language_is_ignored_not_an_error(client):
    for lang in ("xx", "../../etc", "", "tg\r\nSet-Cookie: a=b"):
        response = client.get("/", query_string={"lang": lang})
        assert response.status_code == 200
        assert "a=b" not in response.headers.get("Set-Cookie", "")


def test_errors_show_no_stack_trace(client):
    response = client.get("/learn/lessons/1", headers={"Accept": "text/html"})
    assert "Traceback" not in response.text


# A number no column holds: 20 digits, as an attacker would send.
HUGE = "9" * 20
NUMBER_QUERIES = ("/review/?page={n}", "/review/?unit={n}", "/admin/audit?page={n}",
                  "/admin/audit?facility={n}", "/reports/?facility={n}", "/reports/?unit={n}",
                  "/reports/?course={n}", "/reports/?stalled={n}", "/review/learners/{n}",
                  "/review/?page=-{n}", "/reports/exports/xapi.json?learner={n}")


@pytest.mark.parametrize("path", NUMBER_QUERIES)
def test_huge_numbers_in_the_address_are_no_500(auth, client, world, path):
    auth.staff("admin")
    response = client.get(path.format(n=HUGE))
    assert response.status_code in (200, 302, 400, 404), response.status_code


def test_huge_number_in_a_route_is_404(auth, client, world):
    auth.staff("admin")
    assert client.get(f"/review/learners/{HUGE}").status_code == 404
    assert client.get(f"/review/learners/{2**31}").status_code == 404


def test_huge_revision_numbers_of_compare_are_404(auth, client, world, sample_course, db):
    from lms.staff.models import CourseStaff

    auth.staff("admin")
    db.session.add(CourseStaff(course_id=sample_course.id, user_id=db.session.scalar(
        select(User.id).where(User.username == "admin")), role="owner"))
    db.session.commit()
    response = client.get(f"/author/courses/{sample_course.id}/compare?a={HUGE}&b={HUGE}")
    assert response.status_code == 404


def test_huge_number_in_a_form_field_is_no_500(auth, client, world):
    auth.staff("officer")
    page = client.get("/review/terminals")
    response = client.post("/review/terminals", data={
        "csrf_token": csrf_from(page.text), "name": "Kiosk", "facility_id": HUGE})
    assert response.status_code in (200, 400, 404)


def test_shared_parser_bounds():
    from lms.web import ID_MAX, parse_int

    assert parse_int(" 42 ") == 42 and parse_int(str(ID_MAX)) == ID_MAX
    for bad in (HUGE, str(ID_MAX + 1), "1e5", "", "x", "٣", True, "1" * 5000):
        with pytest.raises(ValueError):
            parse_int(bad)


def test_every_int_route_argument_is_bounded(app):
    from werkzeug.routing import IntegerConverter

    from lms.web import ID_MAX, IdConverter

    for rule in app.url_map.iter_rules():
        for converter in rule._converters.values():
            if isinstance(converter, IntegerConverter):
                assert isinstance(converter, IdConverter) and converter.max <= ID_MAX, rule.rule


def test_database_refuses_numbers_it_cannot_hold(app, db):
    from lms.web import NumberOutOfRange

    with app.app_context(), pytest.raises(NumberOutOfRange):
        db.session.get(User, 10**20)


def test_oversized_csv_field_is_a_bad_row(app, db, world, tmp_path):
    from lms.accounts.csv_import import FIELD_LIMIT, ImportFailed, import_learners

    data = ("learner_number,full_name,facility,unit,pin\n"
            "7001,Сино Раҳимов,F1,,1234\n"
            f"7002,\"{'Я' * (FIELD_LIMIT + 1)}\",F1,,1234\n")
    with app.test_request_context(), pytest.raises(ImportFailed) as failed:
        import_learners(data)
    [error] = failed.value.errors
    assert error.line == 3 and str(FIELD_LIMIT) in error.message
    path = tmp_path / "big.csv"
    path.write_text(data, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["lms", "learners", "import", str(path)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"{path}:3: " in result.output


def test_oversized_csv_upload_is_no_500(auth, client, world):
    import io

    from lms.accounts.csv_import import FIELD_LIMIT

    auth.staff("officer")
    page = client.get("/review/learners/import")
    body = f"learner_number,full_name,facility,unit,pin\n7003,\"{'x' * (FIELD_LIMIT + 5)}\",F1,,1234\n"
    response = client.post("/review/learners/import", data={
        "csrf_token": csrf_from(page.text),
        "file": (io.BytesIO(body.encode()), "big.csv")}, content_type="multipart/form-data")
    assert 400 <= response.status_code < 500 or response.status_code == 200
