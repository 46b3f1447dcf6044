"""The studio through the browser's eyes (no JavaScript): who may open what, and each page."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from lms.author import drafts
from lms.author.models import Submission, SubmissionStatus
from lms.content.models import Course, MediaFile
from lms.staff.models import CourseStaff
from tests.conftest import csrf_from

from .conftest import LESSON_TG, WEBM, png, sign_in


def _post(client, url, data=None, page=None, **kwargs):
    token = csrf_from(client.get(page or "/author/").text)
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def test_lecturer_creates_a_course_without_javascript(client, auth, db, lecturer):
    sign_in(auth, "lecturer")
    page = client.get("/author/courses/new")
    assert page.status_code == 200
    response = client.post("/author/courses/new", data={
        "csrf_token": csrf_from(page.text), "slug": "bees", "title_tg": "Занбӯрпарварӣ",
        "title_ru": "Пчеловодство", "category": "vocational", "icon": "farm", "level": 2,
        "pass_mark": 70, "sequential": "y"})
    assert response.status_code == 302
    course = db.session.scalar(select(Course).where(Course.slug == "bees"))
    assert course.published_at is None and course.titles["tg"] == "Занбӯрпарварӣ"
    home = client.get(response.headers["Location"]).text
    assert "Занбӯрпарварӣ" in home and "Add a module" in home or "Қисм" in home
    _post(client, f"/author/courses/{course.id}/modules",
          {"key": "hives", "title_tg": "Кандуҳо", "title_ru": "Ульи"})
    _post(client, f"/author/courses/{course.id}/lessons",
          {"module": "hives", "key": "l01", "title_tg": "Кандуи аввал", "title_ru": "Первый улей"})
    _post(client, f"/author/courses/{course.id}/lessons",
          {"module": "hives", "key": "l02", "title_tg": "Асал"})
    _post(client, f"/author/courses/{course.id}/lessons/l02/move", {"direction": "up"})
    meta = drafts.latest(course)["course.yml"].text
    assert "- l02\n    - l01" in meta or "- l02\n  - l01" in meta
    page = client.get(f"/author/courses/{course.id}").text
    assert page.index("lesson-l02") < page.index("lesson-l01")
    assert "Асал" in page


def test_editor_saves_and_shows_problems_beside_lines(client, auth, course, lecturer):
    sign_in(auth, "lecturer")
    url = f"/author/courses/{course.id}/lessons/hello/tg"
    page = client.get(url)
    assert page.status_code == 200 and 'id="source"' in page.text
    assert "Permissions-Policy" in page.headers and "microphone=(self)" in page.headers[
        "Permissions-Policy"]
    broken = LESSON_TG + "\n![](media/nothing.png)\n"
    response = client.post(url, data={"csrf_token": csrf_from(page.text), "text": broken,
                                      "note": "a picture"})
    assert response.status_code == 302
    page = client.get(url).text
    assert 'id="line-15" class="has-error"' in page
    assert "nothing.png does not exist" in page
    history = client.get(f"/author/courses/{course.id}/history/hello.tg.md").text
    assert "a picture" in history


def test_preview_is_the_kiosk_markup_and_may_be_framed(client, auth, course):
    sign_in(auth, "lecturer")
    editor = client.get(f"/author/courses/{course.id}/lessons/hello/tg").text
    response = client.post(f"/author/courses/{course.id}/lessons/hello/tg/preview",
                           data={"csrf_token": csrf_from(editor), "text": LESSON_TG})
    assert response.status_code == 200
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    html = response.text
    assert "kiosk.css" in html and 'class="exercise-box' in html and "Матни дарс." in html
    assert 'type="radio" name="choice"' in html
    as_json = client.post(f"/author/courses/{course.id}/lessons/hello/tg/preview",
                          data={"csrf_token": csrf_from(editor), "text": "no front matter"},
                          headers={"Accept": "application/json"}).get_json()
    assert as_json["problems"][0]["line"] == 1 and "body" in as_json
    # Every other page may not be framed.
    assert "frame-ancestors 'none'" in client.get(
        f"/author/courses/{course.id}/lessons/hello/tg").headers["Content-Security-Policy"]


def test_compare_and_restore(client, auth, course, lecturer):
    sign_in(auth, "lecturer")
    first = drafts.history(course, "hello.tg.md")[-1]
    drafts_now = drafts.latest(course)["hello.tg.md"]
    page = client.get(f"/author/courses/{course.id}/compare?a={first.id}&b={drafts_now.id}")
    assert page.status_code == 200 and "diff-changed" in page.text or "diff-added" in page.text
    response = _post(client, f"/author/courses/{course.id}/revisions/{first.id}/restore")
    assert response.status_code == 302
    assert drafts.latest(course)["hello.tg.md"].text == first.text


@pytest.mark.parametrize("user, status", [("lecturer2", 404), ("officer", 403),
                                          ("officer2", 403), ("admin", 200)])
def test_who_may_open_a_course(client, auth, course, lecturer2, user, status):
    auth.staff(user)
    for url in (f"/author/courses/{course.id}", f"/author/courses/{course.id}/lessons/hello/tg",
                f"/author/courses/{course.id}/media", f"/author/courses/{course.id}/settings"):
        assert client.get(url).status_code == status, url


def test_learners_do_not_learn_the_studio_exists(client, auth, course, kiosk):
    assert client.get("/author/").status_code == 404
    assert client.get(f"/author/courses/{course.id}").status_code == 404


def test_sharing_gives_edit_rights_and_only_the_owner_shares(client, auth, db, course,
                                                              lecturer, lecturer2):
    sign_in(auth, "lecturer2")
    assert client.get(f"/author/courses/{course.id}/lessons/hello/tg").status_code == 404
    assert client.get("/author/").status_code == 200
    auth.signout("/author/")
    sign_in(auth, "lecturer")
    page = client.get(f"/author/courses/{course.id}/staff")
    assert "Фарзона Каримова" in page.text
    client.post(f"/author/courses/{course.id}/staff",
                data={"csrf_token": csrf_from(page.text), "user_id": lecturer2.id})
    assert db.session.scalar(select(CourseStaff.role).where(
        CourseStaff.course_id == course.id, CourseStaff.user_id == lecturer2.id)) == "editor"
    auth.signout("/author/")
    sign_in(auth, "lecturer2")
    assert client.get(f"/author/courses/{course.id}/lessons/hello/tg").status_code == 200
    assert client.get(f"/author/courses/{course.id}/staff").status_code == 404  # not the owner
    assert "Саломҳо" in client.get("/author/").text


def test_officer_cannot_post_changes(client, auth, course):
    sign_in(auth, "officer")
    response = _post(client, f"/author/courses/{course.id}/lessons/hello/tg",
                     {"text": "x"}, page="/review/terminals")
    assert response.status_code == 403


def test_review_flow_through_the_pages(client, auth, db, course, lecturer, reviewer):
    sign_in(auth, "lecturer")
    response = _post(client, f"/author/courses/{course.id}/submit", {"note": "Тайёр"})
    assert response.status_code == 302
    submission = db.session.scalar(select(Submission))
    page = client.get(f"/author/review/{submission.id}").text
    assert "Тайёр" in page and "Publish to the kiosks" not in page  # the author: no button
    assert client.get("/author/review").status_code == 403  # not a reviewer
    assert _post(client, f"/author/review/{submission.id}/publish").status_code == 403  # two-person rule
    assert submission.status is SubmissionStatus.SUBMITTED
    auth.signout("/author/")
    sign_in(auth, "reviewer")
    queue = client.get("/author/review").text
    assert "Саломҳо" in queue
    page = client.get(f"/author/review/{submission.id}").text
    assert "diff-added" in page and "hello.tg.md" in page
    _post(client, f"/author/review/{submission.id}/return", {"comment": "Расм лозим."})
    assert submission.status is SubmissionStatus.RETURNED
    auth.signout("/author/")
    sign_in(auth, "lecturer")
    assert "Расм лозим." in client.get(f"/author/courses/{course.id}").text


@pytest.mark.parametrize("name, data, message", [
    ("notes.png", b"just some text, not a picture", "not a real PNG"),
    ("photo.png", b"\xff\xd8\xff" + b"\x00" * 100, "really JPG"),
    ("../../x.png", png(), "folders"),
    ("a/b.png", png(), "folders"),
    ("..\\x.png", png(), "folders"),
    (".hidden.png", png(), "folders"),
    ("Анор.png", png(), "latin letters"),
    ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "PNG, JPEG or WebP"),
    ("script.js", b"alert(1)", "unknown kind"),
])
def test_upload_refused(client, auth, db, course, name, data, message):
    sign_in(auth, "lecturer")
    page = client.get(f"/author/courses/{course.id}/media").text
    response = client.post(f"/author/courses/{course.id}/media", data={
        "csrf_token": csrf_from(page), "file": (io.BytesIO(data), name)},
        headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert message in response.get_json()["error"]
    assert db.session.scalar(select(MediaFile).where(MediaFile.course_id == course.id)) is None


def test_oversize_upload_refused(client, auth, db, course, monkeypatch):
    from lms.author import library

    # A small limit keeps the request in memory (the real one is 5 MB).
    monkeypatch.setattr(library, "MAX_IMAGE_BYTES", 4096)
    sign_in(auth, "lecturer")
    page = client.get(f"/author/courses/{course.id}/media").text
    big = png() + b"\x00" * library.MAX_IMAGE_BYTES
    response = client.post(f"/author/courses/{course.id}/media", data={
        "csrf_token": csrf_from(page), "file": (io.BytesIO(big), "big.png")})
    assert response.status_code == 302
    assert "too big" in client.get(response.headers["Location"]).text
    assert not course.media


def test_upload_then_listed_with_its_uses(client, auth, db, course, lecturer):
    sign_in(auth, "lecturer")
    page = client.get(f"/author/courses/{course.id}/media").text
    response = client.post(f"/author/courses/{course.id}/media", data={
        "csrf_token": csrf_from(page), "file": (io.BytesIO(png()), "Apple.PNG")},
        headers={"Accept": "application/json"})
    assert response.get_json()["name"] == "media/apple.png"
    item = db.session.scalar(select(MediaFile).where(MediaFile.course_id == course.id))
    with client.get(item.url) as served:
        assert served.status_code == 200 and served.mimetype == "image/png"
        assert "immutable" in served.headers["Cache-Control"]
    drafts.save(course, "hello.tg.md", LESSON_TG + "\n![Себ](media/apple.png)\n", lecturer)
    db.session.commit()
    listing = client.get(f"/author/courses/{course.id}/media").text
    assert "hello (tg), line 15" in listing or "hello (tg)" in listing


def test_recording_fills_every_mark(client, auth, db, course, lecturer):
    for path in ("hello.tg.md", "hello.ru.md"):
        text = drafts.latest(course)[path].text
        drafts.save(course, path, text + "\n![Ҷ](record:letter-jj)\n", lecturer)
    db.session.commit()
    sign_in(auth, "lecturer")
    page = client.get(f"/author/courses/{course.id}/recordings").text
    assert "letter-jj" in page and "hello.tg, line 15" in page and "hello.ru" in page
    response = client.post(f"/author/courses/{course.id}/recordings/letter-jj", data={
        "csrf_token": csrf_from(page), "file": (io.BytesIO(WEBM), "blob")},
        headers={"Accept": "application/json"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["name"] == "media/letter-jj.webm"
    for path in ("hello.tg.md", "hello.ru.md"):
        assert "](media/letter-jj.webm)" in drafts.latest(course)[path].text
    assert "No lesson asks" in client.get(f"/author/courses/{course.id}/recordings").text \
        or "letter-jj" not in client.get(f"/author/courses/{course.id}/recordings").text


def test_course_page_queries_do_not_grow_with_lessons(client, auth, db, course, lecturer, app):
    from sqlalchemy import event

    from lms.author import structure

    sign_in(auth, "lecturer")
    url = f"/author/courses/{course.id}"
    client.get(url)
    engine = db.session.get_bind()
    counted: list[str] = []

    def count(*args):
        counted.append(args[2])

    def queries() -> int:
        counted.clear()
        db.session.expire_all()  # each page read from a cold session, as a new request is
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(counted)

    before = queries()
    with app.test_request_context():
        for n in range(4):
            structure.add_lesson(course, "first", f"more-{n}", {"tg": f"Дарс {n}"}, lecturer)
        db.session.commit()
    after = queries()
    assert after == before


def test_language_switch_keeps_the_file_language(client, auth, course):
    """The editor's address names the lesson file's language; the switch changes only the
    language of the screens."""
    sign_in(auth, "lecturer")
    page = client.get(f"/author/courses/{course.id}/lessons/hello/ru").text
    switch = page[page.index('class="lang-switch"'):]
    switch = switch[:switch.index("</form>")]
    buttons = re.findall(r'<button type="submit" name="lang" value="([^"]+)"', switch)
    assert len(buttons) == 2  # the two other languages of the screens
    assert re.findall(r'name="next" value="([^"]+)"', switch) == [
        f"/author/courses/{course.id}/lessons/hello/ru"]


def test_studio_pages_write_nothing_when_looked_at(client, auth, db, sample_course, lecturer):
    """Looking at the studio changes nothing: a course imported outside the studio shows its
    published texts as drafts without their revisions being saved until someone writes."""
    from sqlalchemy import event, func

    from lms.author.models import Revision

    course = sample_course  # imported as ``content import`` does, never opened in the studio
    db.session.add(CourseStaff(course_id=course.id, user_id=lecturer.id, role="owner"))
    db.session.commit()
    sign_in(auth, "lecturer")
    lesson = next(le for le in course.lessons if le.active)
    urls = [f"/author/courses/{course.id}", f"/author/courses/{course.id}/settings",
            f"/author/courses/{course.id}/media", f"/author/courses/{course.id}/recordings",
            f"/author/courses/{course.id}/lessons/{lesson.key}",
            f"/author/courses/{course.id}/lessons/{lesson.key}/tg",
            f"/author/courses/{course.id}/history/{lesson.key}.tg.md",
            f"/author/courses/{course.id}/history/course.yml",
            f"/author/courses/{course.id}/files/{lesson.key}.tg.md/preview"]
    engine = db.session.get_bind()
    writes: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    before = db.session.scalar(select(func.count(Revision.id)))
    event.listen(engine, "before_cursor_execute", count)
    try:
        for url in urls:
            assert client.get(url).status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert writes == []
    assert db.session.scalar(select(func.count(Revision.id))) == before


def test_a_file_never_opened_in_the_studio_has_its_history_and_preview(client, auth, db,
                                                                      sample_course, lecturer):
    """Before anybody writes, the published text stands as the only revision: the lesson page
    links its preview, its history shows it with nothing to compare or restore."""
    course = sample_course
    db.session.add(CourseStaff(course_id=course.id, user_id=lecturer.id, role="owner"))
    db.session.commit()
    sign_in(auth, "lecturer")
    lesson = next(le for le in course.lessons if le.active)
    preview_url = f"/author/courses/{course.id}/files/{lesson.key}.tg.md/preview"
    page = client.get(f"/author/courses/{course.id}/lessons/{lesson.key}").text
    assert preview_url in page and "The text as it was published" in page
    shown = client.get(preview_url)
    assert shown.status_code == 200 and "kiosk.css" in shown.text
    assert "sandbox allow-same-origin" in shown.headers["Content-Security-Policy"]
    published = drafts.current(course)[f"{lesson.key}.tg.md"]
    assert published.id is None and published.title and published.title in shown.text
    history = client.get(f"/author/courses/{course.id}/history/{lesson.key}.tg.md").text
    assert "Nobody has changed this file in the studio yet" in history
    assert preview_url in history
    assert "Compare A with B" not in history and 'name="a"' not in history
    editor = client.get(f"/author/courses/{course.id}/lessons/{lesson.key}/tg").text
    assert f'src="{preview_url}"' in editor
    assert client.get(f"/author/courses/{course.id}/files/nothing.tg.md/preview"
                      ).status_code == 404
    assert client.get(f"/author/courses/{course.id}/files/course.yml/preview").status_code == 404
    # Once somebody saves, the history is the recorded one again.
    _post(client, f"/author/courses/{course.id}/lessons/{lesson.key}/tg",
          {"text": published.text + "\nМатни нав.\n", "note": "first change"},
          page=f"/author/courses/{course.id}/lessons/{lesson.key}/tg")
    history = client.get(f"/author/courses/{course.id}/history/{lesson.key}.tg.md").text
    assert "first change" in history and "Compare A with B" in history
    assert "Nobody has changed" not in history


def test_a_publication_commits_at_once_and_its_clips_are_made_after(
        app, client, auth, db, course, lecturer, reviewer, runner, monkeypatch, tmp_path):
    """The machine voice never works inside the reviewer's request: the publication is
    committed, then the clips are made by ``lms content clips SLUG --make`` in a process of its
    own (started here, run here by the CLI runner)."""
    from lms.author import publishing
    from lms.speech import cache, clips, later

    said: list[str] = []
    started: list[list[str]] = []

    def fake_speak(text: str, lang: str) -> bytes:
        said.append(text)
        from tests.speech.test_clips import real_clip

        return real_clip()

    class FakePopen:
        def __init__(self, args, **kwargs):
            started.append(list(args))
            assert kwargs["start_new_session"] and kwargs["stdin"] is not None

    monkeypatch.setitem(app.config, "MACHINE_CLIPS", True)
    monkeypatch.setattr("lms.speech.speak", fake_speak)
    monkeypatch.setattr(later.subprocess, "Popen", FakePopen)
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    cache.forget()
    with app.test_request_context():
        submission = publishing.submit(course, lecturer)
        db.session.commit()
    sign_in(auth, "reviewer")
    response = _post(client, f"/author/review/{submission.id}/publish",
                     page=f"/author/review/{submission.id}")
    assert response.status_code == 302
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.PUBLISHED
    assert said == []  # nothing was spoken inside the request
    assert started == [later.command(course.slug)]
    assert started[0][-2:] == [course.slug, "--make"]
    assert (tmp_path / "clips.log").exists()
    machine = select(func.count()).select_from(clips.Clip).where(
        clips.Clip.source == clips.MACHINE, clips.Clip.sha256.is_not(None))
    before = db.session.scalar(machine)
    result = runner.invoke(args=started[0][started[0].index("lms"):])
    assert result.exit_code == 0, result.output
    assert said and "Салом" in " ".join(said)
    assert db.session.scalar(machine) > before
    assert (tmp_path / "clips.lock").exists()  # made holding the instance's clip lock
