"""Every route × every kind of user has an expected outcome; a new route without an entry
fails here. "ok" means the request was let through (any answer but a refusal or a 500);
"no" means refused: 401/403/404, or a redirect to a sign-in page. Objects in URLs belong to
facility 1, so "officer2" and "learner2" (facility 2) must be refused anything personal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import Facility, User
from lms.learn.models import Certificate, PlanItem
from lms.terminals.models import KioskSession, Terminal
from tests.conftest import Auth, csrf_from

USERS = ("anonymous", "learner", "learner2", "lecturer", "officer", "officer2", "admin")

# Who is let through, per access rule.
RULES = {
    "public": set(USERS),
    "learner": {"learner", "learner2"},
    "staff": {"lecturer", "officer", "officer2", "admin"},
    "officer": {"officer", "officer2", "admin"},
    "facility": {"officer", "admin"},  # an object of facility 1
    "admin": {"admin"},
    "author": {"lecturer", "admin"},  # the lecturer works on the course
    "reviewer": {"admin"},
    "analysis": {"officer", "officer2", "lecturer", "admin"},
}

ROUTES = {
    "static": "public", "health.healthz": "public", "content.media": "public", "content.clip": "public",
    "auth.signin": "public", "auth.staff_signin": "public", "auth.enroll": "public",
    "auth.signout": "public", "auth.set_language": "public", "auth.keepalive": "learner",
    "learn.home": "learner", "learn.resume": "learner", "learn.course": "learner",
    "learn.lesson": "learner", "learn.answer": "learner", "learn.retake": "learner",
    "learn.certificates": "learner",
    "review.index": "staff", "certificates.verify": "staff",
    "review.learner": "facility", "review.reset_pin": "facility",
    "review.unlock_learner": "facility", "review.release_learner": "facility",
    "review.open_module": "facility", "review.close_module": "facility",
    "review.readmit_learner": "facility", "reports.learner_summary": "facility",
    "plans.assign_learner": "facility", "plans.remove_item": "facility",
    "review.retire_terminal": "facility", "review.end_session": "facility",
    "certificates.print_page": "facility",
    "review.terminals": "officer", "review.create_learner": "officer",
    "review.import_learners_page": "officer", "plans.assign": "officer",
    "reports.dashboard_page": "officer", "reports.exports_page": "officer",
    "reports.progress_csv": "officer", "reports.xapi_json": "officer",
    "review.courses": "analysis", "review.course_analysis": "analysis",
    "admin.index": "admin", "network.status": "admin", "admin.audit_log": "admin", "admin.create_facility": "admin",
    "admin.add_unit": "admin", "admin.create_staff": "admin",
    "admin.transfer_learner": "admin", "admin.staff_account": "admin",
    "admin.staff_action": "admin", "admin.set_staff_password": "admin", "reports.headquarters_page": "admin",
    "author.index": "author", "author.new_course": "author", "author.course": "author",
    "author.edit_settings": "author", "author.add_module": "author",
    "author.add_lesson": "author", "author.move_module": "author",
    "author.move_lesson": "author", "author.retire_module": "author",
    "author.retire_lesson": "author", "author.restore_lesson": "author",
    "author.lesson": "author", "author.edit_lesson": "author",
    "author.preview_lesson": "author", "author.history": "author",
    "author.compare": "author", "author.preview_revision": "author",
    "author.preview_file": "author",
    "author.restore_revision": "author", "author.media": "author",
    "author.upload_media": "author", "author.delete_media": "author",
    "author.retitle_module": "author", "author.recordings": "author",
    "author.save_recording": "author", "author.share": "author",
    "author.unshare": "author", "author.submit": "author", "author.withdraw": "author",
    "author.review_queue": "reviewer", "author.review": "author",
    "author.publish": "reviewer", "author.send_back": "reviewer",
}

SIGN_IN_PATHS = ("/", "/staff/signin")


def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(ROUTES) == set(), "routes without an access entry"
    assert set(ROUTES) - endpoints == set(), "entries for routes that no longer exist"


@pytest.fixture
def objects(app, db, world, sample_course, terminal_cookie):
    """One of everything a URL can name, in facility 1."""
    from lms.staff.models import CourseStaff

    learner = db.session.scalar(select(User).where(User.learner_number == "1001"))
    lecturer = db.session.scalar(select(User).where(User.username == "lecturer"))
    member = CourseStaff(course_id=sample_course.id, user_id=lecturer.id, role="owner")
    db.session.add(member)
    plan = PlanItem(user_id=learner.id, course_id=sample_course.id)
    cert = Certificate(code="TEST-CODE", user_id=learner.id, course_id=sample_course.id,
                       facility_id=learner.facility_id, learner_name=learner.full_name)
    db.session.add_all([plan, cert])
    f1 = db.session.scalar(select(Facility).where(Facility.code == "F1"))
    terminal = db.session.scalar(select(Terminal).where(Terminal.facility_id == f1.id))
    ks = KioskSession(user_id=learner.id, terminal_id=terminal.id, token_hash="x" * 64)
    db.session.add(ks)
    db.session.commit()
    lesson = sample_course.lessons[0]
    media_url = sample_course.media[0].url
    from lms.speech import clips

    with app.app_context():
        clip = clips.store_human("Анор", "tg", sample_course.media[0].sha256,
                                 sample_course.media[0].mime)
        clip_url = clip.url
        db.session.commit()
    from lms.author import drafts, publishing

    path = f"{lesson.key}.tg.md"
    with app.test_request_context():
        revisions = drafts.sync(sample_course)
        changed = drafts.save(sample_course, path, revisions[path].text + "\nБоз як ҷумла.\n",
                              lecturer, "matrix")
        submission = publishing.submit(sample_course, lecturer)
        db.session.commit()
    exercise = lesson.exercises[0]
    return {
        "learner_id": learner.id, "course_id": sample_course.id, "lesson_id": lesson.id,
        "exercise_id": exercise.id, "item_id": plan.id, "certificate_id": cert.id,
        "terminal_id": terminal.id, "session_id": ks.id, "facility_id": f1.id,
        "key": lesson.key, "lang": "tg", "name": "letter-a", "member_id": member.id,
        "media_id": sample_course.media[0].id, "submission_id": submission.id,
        "module_id": sample_course.modules[0].id,
        "revision_id": changed.id, "path": path, "user_id": lecturer.id,
        "action": "end-sessions",
        "compare": {"a": revisions[path].id, "b": changed.id},
        "filename": "kiosk.css", "media_url": media_url, "clip_url": clip_url, "terminal_cookies": {
            "F1": terminal_cookie("F1", "Matrix 1"), "F2": terminal_cookie("F2", "Matrix 2")},
    }


def _sign_in(app, who: str, objects) -> object:
    client = app.test_client()
    auth = Auth(client, app)
    if who in ("learner", "learner2"):
        number, facility = ("1002", "F1") if who == "learner" else ("2002", "F2")
        assert auth.learner(number, terminal_cookie=objects["terminal_cookies"][facility]
                            ).status_code == 302
    elif who != "anonymous":
        assert auth.staff(who).status_code == 302
    return client


def _url(app, rule, objects) -> str:
    values = {arg: objects[arg] for arg in rule.arguments}
    if rule.endpoint == "content.media":
        return objects["media_url"]
    if rule.endpoint == "content.clip":
        return objects["clip_url"]
    if rule.endpoint == "author.compare":
        values.update(objects["compare"])
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _token(client) -> str:
    for page in ("/learn/", "/review/", "/admin/", "/"):
        response = client.get(page)
        if response.status_code == 200 and "csrf_token" in response.text:
            return csrf_from(response.text)
    raise AssertionError("no page with a form")


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code in (301, 302, 303):
        location = response.headers["Location"].split("?")[0]
        return location.replace("http://localhost", "") in SIGN_IN_PATHS
    return False


@pytest.mark.parametrize("who", USERS)
def test_access_matrix(app, db, objects, who):
    client = _sign_in(app, who, objects)
    token = _token(client)
    problems = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in ("auth.signout", "static"):
            continue
        expected_ok = who in RULES[ROUTES[rule.endpoint]]
        url = _url(app, rule, objects)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": token})
            response.close()
            if response.status_code >= 500:
                problems.append(f"{method} {url}: {response.status_code}")
            elif _refused(response) == expected_ok:
                problems.append(f"{method} {url}: {response.status_code} "
                                f"{'refused' if expected_ok else 'let through'}")
            if who in ("learner", "learner2") and _refused(response) and \
                    response.status_code in (301, 302, 303):
                client = _sign_in(app, who, objects)  # a refusal may have signed them out
                token = _token(client)
    assert not problems, "\n".join(problems)


# A number no column holds, sent in every place a number can go.
HUGE = "9" * 20
NUMBER_QUERY = ("page", "unit", "facility", "course", "learner", "stalled", "a", "b")


def _form_field_names() -> set[str]:
    """Every field of every form in the application."""
    from importlib import import_module
    from pathlib import Path

    from flask_wtf import FlaskForm
    from wtforms.fields.core import UnboundField

    import lms

    for module in Path(lms.__file__).parent.glob("*/forms.py"):  # every area's forms
        import_module(f"lms.{module.parent.name}.forms")

    names: set[str] = set()
    todo = [FlaskForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        names.update(n for n, v in vars(cls).items() if isinstance(v, UnboundField))
    return names


def _huge_url(app, rule, objects) -> str:
    """The rule's URL with every number in the path as HUGE (other arguments real)."""
    from werkzeug.routing import IntegerConverter

    url = _url(app, rule, objects)
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            url = url.replace(str(objects.get(name, "")), HUGE, 1) if name in objects else url
    return url


@pytest.mark.parametrize("who", ("anonymous", "learner", "lecturer", "officer", "admin"))
def test_no_route_answers_500_to_huge_numbers(app, db, objects, who):
    """Every route, with a 20-digit number in its path, in every numeric query argument and in
    every form field of the application: a refusal, an error page or the page, never a 500."""
    client = _sign_in(app, who, objects)
    token = _token(client)
    fields = _form_field_names() - {"csrf_token"}
    query = {name: HUGE for name in (*NUMBER_QUERY, *fields)}
    problems = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in ("auth.signout", "static", "content.media", "content.clip"):
            continue
        for url in {_url(app, rule, objects).split("?")[0],
                    _huge_url(app, rule, objects).split("?")[0]}:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if method == "GET":
                    response = client.get(url, query_string=query)
                else:
                    response = client.post(url, query_string=query,
                                           data={**dict.fromkeys(fields, HUGE), "csrf_token": token})
                response.close()
                if response.status_code >= 500:
                    problems.append(f"{method} {url}: {response.status_code}")
                if response.status_code in (301, 302, 303) and who == "learner":
                    client = _sign_in(app, who, objects)  # a refusal may have signed them out
                    token = _token(client)
    assert not problems, "\n".join(problems)
