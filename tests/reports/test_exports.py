"""Exports: the progress CSV (BOM, Cyrillic, parsed back) and xAPI statements; both audited."""

import csv
import io
import json

from sqlalchemy import func, select

from lms.audit.models import AuditEntry
from lms.learn.models import Certificate, Event
from tests.review.conftest import TEXTS, learner_by_number


def test_progress_csv(staff, client, db, world, complete_course, sample_course):
    learner = complete_course("1001")
    complete_course("2001")
    staff("officer")
    response = client.get(f"/reports/exports/progress.csv?course={sample_course.id}")
    assert response.mimetype == "text/csv" and "attachment" in response.headers[
        "Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[3] == "Learner number" and len(header) == 16
    assert [r[3] for r in body] == ["1001"]  # facility 2 is not the officer's
    row = dict(zip(header, body[0], strict=True))
    assert row["Full name"] == learner.full_name == "Фарҳод Раҳимов"
    assert row["Course"] == "Курси намуна"
    assert (row["Lessons in course"], row["Lessons done"], row["Average score, %"]) == (
        "2", "2", "100")
    code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == learner.id))
    assert row["Certificate"] == code
    assert TEXTS["essay"].encode() not in raw
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export.progress_csv"))
    assert entry.details["rows"] == 1 and entry.details["course"] == sample_course.id


def test_progress_csv_period(staff, client, db, world, complete_course):
    complete_course("1001")
    staff("officer")
    body = list(csv.reader(io.StringIO(client.get(
        "/reports/exports/progress.csv?start=2000-01-01&end=2000-12-31").data.decode("utf-8-sig"))))
    assert body[1][10:12] == ["2", "0"]  # done, but not in that period


def test_xapi_statements(staff, client, db, world, complete_course, sample_course, app):
    learner = complete_course("1001", terminal_id=None)
    complete_course("2001")
    staff("officer")
    response = client.get("/reports/exports/xapi.json")
    statements = json.loads(response.get_data(as_text=True))
    events = db.session.scalar(select(func.count()).select_from(Event).where(
        Event.user_id == learner.id))
    assert len(statements) == events  # one statement per event, none of facility 2
    assert {s["actor"]["account"]["name"] for s in statements} == {"1001"}
    base = app.config["XAPI_BASE_URL"]
    assert statements[0]["actor"]["account"]["homePage"] == base
    verbs = {s["verb"]["id"] for s in statements}
    assert verbs == {f"http://adlnet.gov/expapi/verbs/{v}"
                     for v in ("launched", "experienced", "answered", "completed")}
    answered = [s for s in statements if s["verb"]["display"]["en-US"] == "answered"]
    assert all(s["object"]["id"].startswith(f"{base}/courses/sample/lessons/") for s in answered)
    mc = next(s for s in answered if s["object"]["id"].endswith("/exercises/mc"))
    assert mc["result"]["success"] is True and mc["result"]["score"]["scaled"] == 1.0
    assert mc["context"]["language"] == "tg"
    assert mc["context"]["contextActivities"]["grouping"][0]["id"] == f"{base}/courses/sample"
    essay = next(s for s in answered if s["object"]["id"].endswith("/exercises/essay"))
    assert "response" not in essay["result"]
    assert TEXTS["essay"] not in response.get_data(as_text=True)
    course_done = [s for s in statements if s["object"]["id"] == f"{base}/courses/sample"]
    assert course_done[-1]["result"]["completion"] is True
    assert all(s["timestamp"].endswith("Z") for s in statements)
    assert len({s["id"] for s in statements}) == len(statements)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export.xapi"))


def test_xapi_for_one_learner_carries_the_kiosk(staff, client, db, world, complete_course):
    from lms.terminals.models import Terminal

    terminal = db.session.scalar(select(Terminal).where(Terminal.name == "Киоски 1"))
    learner = complete_course("1002", terminal_id=terminal.id)
    complete_course("1003")
    staff("officer")
    statements = client.get(f"/reports/exports/xapi.json?learner={learner.id}").get_json()
    assert {s["actor"]["account"]["name"] for s in statements} == {"1002"}
    extension = statements[0]["context"]["extensions"]
    terminal_key = next(k for k in extension if k.endswith("/extensions/terminal"))
    assert extension[terminal_key]["name"] == "Киоски 1"


def test_summary_page_for_case_reviews(staff, client, db, world, complete_course):
    learner = complete_course("1001")
    staff("officer")
    page = client.get(f"/reports/learners/{learner.id}/summary").text
    assert "Learning summary" in page and "Фарҳод Раҳимов" in page and "Курси намуна" in page
    assert TEXTS["essay"] not in page and "Кадом ҳарф" not in page  # no answers at all
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "learner.summary"))
    assert learner_by_number(db, "1001").id == learner.id
