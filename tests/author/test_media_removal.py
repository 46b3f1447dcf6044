"""Deleting a picture or sound from a course's media library."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.author import drafts, library, media_removal, publishing
from lms.author.drafts import StudioError
from lms.content import media
from lms.content.models import MediaFile
from tests.conftest import csrf_from

from .conftest import LESSON_TG, png, sign_in

APPLE = png(rgb=(10, 120, 40))  # a colour no other test uploads


def _stored(app, sha: str) -> bool:
    return media.path_for(sha, Path(app.config["MEDIA_DIR"])).exists()


@pytest.fixture
def apple(app, db, course):
    with app.test_request_context():
        item = library.upload(course, "apple.png", APPLE)
        db.session.commit()
    return item


def _use(db, course, lecturer) -> None:
    drafts.save(course, "hello.tg.md", LESSON_TG + "\n![Себ](media/apple.png)\n", lecturer)
    db.session.commit()


def _delete(client, course, item):
    page = client.get(f"/author/courses/{course.id}/media").text
    return client.post(f"/author/courses/{course.id}/media/{item.id}/delete",
                       data={"csrf_token": csrf_from(page)}, follow_redirects=True)


def test_deleting_an_unused_file(app, client, auth, db, course, apple):
    sha = apple.sha256
    sign_in(auth, "lecturer")
    listing = client.get(f"/author/courses/{course.id}/media").text
    assert f"/media/{apple.id}/delete" in listing
    response = _delete(client, course, apple)
    assert response.status_code == 200
    assert "media/apple.png is deleted." in response.text
    assert db.session.scalar(select(MediaFile).where(MediaFile.course_id == course.id)) is None
    assert not _stored(app, sha)  # no course has this content any more
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "course.media_delete"))
    assert entry.details == {"course": "greetings", "name": "media/apple.png", "sha256": sha}


def test_a_used_file_is_refused_naming_where(app, client, auth, db, course, apple, lecturer):
    _use(db, course, lecturer)
    sign_in(auth, "lecturer")
    response = _delete(client, course, apple)
    assert "media/apple.png is still used in lesson hello (tg, line 15)" in response.text
    assert db.session.scalar(select(MediaFile.name).where(
        MediaFile.course_id == course.id)) == "media/apple.png"
    assert _stored(app, apple.sha256)
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "course.media_delete")) is None


def test_the_published_text_still_counts(db, ctx, course, apple, lecturer, reviewer):
    """Taken out of the draft but still on the kiosks: publish the change first."""
    _use(db, course, lecturer)
    publishing.publish(publishing.submit(course, lecturer), reviewer)
    db.session.commit()
    drafts.save(course, "hello.tg.md", LESSON_TG, lecturer, "no picture")
    with pytest.raises(StudioError) as refused:
        media_removal.delete_media(course, apple, lecturer)
    assert "lesson hello as published (tg, line 15)" in str(refused.value)


def test_a_retired_lesson_still_counts(db, ctx, course, apple, lecturer):
    from lms.author import structure

    _use(db, course, lecturer)
    structure.retire_lesson(course, "hello", lecturer)
    with pytest.raises(StudioError, match="retired lesson hello"):
        media_removal.delete_media(course, apple, lecturer)


def test_bytes_shared_with_another_course_are_kept(app, db, ctx, make_course, course, apple,
                                                   lecturer):
    other = make_course(lecturer, "other")
    library.upload(other, "same.png", APPLE)
    unused = media_removal.delete_media(course, apple, lecturer)
    db.session.commit()
    assert unused is None
    assert not media_removal.discard_stored(apple.sha256)
    assert _stored(app, apple.sha256)


@pytest.mark.parametrize("user, status", [("lecturer2", 404), ("officer", 403)])
def test_others_may_not_delete(client, auth, db, course, apple, lecturer2, user, status):
    auth.staff(user)
    token = csrf_from(client.get("/review/" if user == "officer" else "/author/").text)
    response = client.post(f"/author/courses/{course.id}/media/{apple.id}/delete",
                           data={"csrf_token": token})
    assert response.status_code == status
    assert db.session.scalar(select(MediaFile.id).where(MediaFile.id == apple.id)) is not None


def test_a_file_of_another_course_is_not_found(client, auth, db, make_course, course, apple,
                                               lecturer):
    other = make_course(lecturer, "other")
    sign_in(auth, "lecturer")
    page = client.get(f"/author/courses/{other.id}/media").text
    response = client.post(f"/author/courses/{other.id}/media/{apple.id}/delete",
                           data={"csrf_token": csrf_from(page)})
    assert response.status_code == 404


def test_an_older_version_a_learner_still_reads_counts(db, ctx, course, apple, lecturer,
                                                       reviewer):
    """A learner part-way through keeps the version they started: its picture stays until
    they finish or leave."""
    from lms.accounts.models import User
    from lms.content.models import Lesson
    from lms.learn import viewing

    _use(db, course, lecturer)
    publishing.publish(publishing.submit(course, lecturer), reviewer)
    db.session.commit()
    learner = db.session.scalar(select(User).where(User.learner_number == "1001"))
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id,
                                                    Lesson.key == "hello"))
    viewing.view_page(learner, lesson, 0, "tg", None)
    db.session.commit()
    drafts.save(course, "hello.tg.md", LESSON_TG, lecturer, "no picture")
    publishing.publish(publishing.submit(course, lecturer), reviewer)
    db.session.commit()
    assert lesson.version == 2

    with pytest.raises(StudioError) as refused:
        media_removal.delete_media(course, apple, lecturer)
    assert ("lesson hello as published before (version 1), which 1 learner is still reading"
            in str(refused.value))

    learner.active = False  # released: no longer reading
    db.session.commit()
    assert media_removal.delete_media(course, apple, lecturer) == apple.sha256
