"""Studio services: revisions, the course tree, languages, review and publishing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.author import drafts, overview, publishing, structure
from lms.author.drafts import StudioError
from lms.author.models import Revision, SubmissionStatus
from lms.content import reading
from lms.content.models import Course, Lesson
from lms.learn import visibility
from lms.staff.models import CourseStaff

from .conftest import LESSON_RU, LESSON_TG


def _publish(db, course, submitter, publisher):
    submission = publishing.submit(course, submitter, "ready")
    publishing.publish(submission, publisher)
    db.session.commit()
    return submission


def test_new_course_is_owned_and_not_on_kiosks(db, ctx, lecturer, make_course):
    course = make_course(lecturer)
    assert db.session.scalar(select(CourseStaff.role).where(
        CourseStaff.course_id == course.id)) == "owner"
    assert course.published_at is None
    assert course not in visibility.published_courses()
    revisions = drafts.latest(course)
    assert set(revisions) == {"course.yml", "hello.tg.md", "hello.ru.md"}
    meta = structure.read(revisions["course.yml"].text)
    assert meta["slug"] == "greetings" and meta["modules"][0]["lessons"] == ["hello"]
    assert revisions["hello.tg.md"].title == "Салом"
    assert revisions["hello.tg.md"].questions[0]["id"] == "pick"


def test_every_save_is_a_revision_and_restoring_adds_one(db, ctx, lecturer, make_course):
    course = make_course(lecturer)
    assert drafts.save(course, "hello.tg.md", LESSON_TG, lecturer) is None  # unchanged
    changed = drafts.save(course, "hello.tg.md", LESSON_TG.replace("Матни", "Матни нави"),
                          lecturer, "better words")
    first = drafts.history(course, "hello.tg.md")[-1]
    restored = drafts.restore(course, first, lecturer)
    numbers = [r.number for r in drafts.history(course, "hello.tg.md")]
    assert numbers == [4, 3, 2, 1]
    assert changed.note == "better words" and changed.author_id == lecturer.id
    assert restored.text == first.text and "1" in restored.note


def test_windows_line_ends_are_saved_as_unix(db, ctx, lecturer, make_course):
    course = make_course(lecturer)
    revision = drafts.save(course, "hello.tg.md", LESSON_TG.replace("\n", "\r\n") + "x",
                           lecturer)
    assert "\r" not in revision.text and revision.text.endswith("x\n")


def test_diff_rows_side_by_side():
    rows = drafts.diff_rows("a\nb\nc\n", "a\nB\nc\nd\n")
    kinds = [(r.kind, r.left, r.right) for r in rows]
    assert ("changed", "b", "B") in kinds and ("added", "", "d") in kinds
    assert kinds[0] == ("same", "a", "a")
    long = "\n".join(str(i) for i in range(40))
    folded = drafts.diff_rows(long, long.replace("20", "twenty"))
    assert [r.kind for r in folded].count("skipped") == 2


def test_other_language_out_of_date_until_it_catches_up(db, ctx, lecturer, make_course):
    course = make_course(lecturer)

    def statuses():
        modules, _retired = overview.tree(course, drafts.latest(course))
        return {s.lang: s.status for s in modules[0].lessons[0].langs}

    assert set(statuses().values()) == {"changed"}  # never published, neither behind
    drafts.save(course, "hello.tg.md", LESSON_TG + "\nБоз як сатр.\n", lecturer)
    assert statuses() == {"tg": "changed", "ru": "behind"}
    drafts.save(course, "hello.ru.md", LESSON_RU + "\nЕщё строка.\n", lecturer)
    assert statuses() == {"tg": "changed", "ru": "changed"}
    drafts.save(course, "hello.ru.md", LESSON_RU + "\nЕщё две строки.\n", lecturer)
    assert statuses()["tg"] == "behind"


def test_exercise_mismatch_between_languages(db, ctx, lecturer, make_course):
    course = make_course(lecturer)
    drafts.save(course, "hello.ru.md", LESSON_RU.replace("{=А ~Б ~Д}", "{~А =Б ~Д}"), lecturer)
    modules, _ = overview.tree(course, drafts.latest(course))
    [problem] = modules[0].lessons[0].mismatch
    assert "pick" in problem.message and problem.path.endswith("hello.ru.md")


def test_tree_add_move_retire_and_bring_back(db, ctx, lecturer, make_course):
    course = make_course(lecturer)
    structure.add_module(course, "second", {"tg": "Қисми 2"}, lecturer)
    structure.add_lesson(course, "second", "bye", {"tg": "Хайр"}, lecturer)
    structure.add_lesson(course, "second", "again", {"ru": "Снова"}, lecturer)
    meta = lambda: structure.read(drafts.latest(course)["course.yml"].text)  # noqa: E731
    structure.move_lesson(course, "bye", -1, lecturer)  # first of its module: to the one before
    assert [m["lessons"] for m in meta()["modules"]] == [["hello", "bye"], ["again"]]
    structure.move_lesson(course, "again", 1, lecturer)  # last of the last: stays
    structure.move_module(course, "second", -1, lecturer)
    assert [m["id"] for m in meta()["modules"]] == ["second", "first"]
    with pytest.raises(StudioError):
        structure.retire_module(course, "first", lecturer)  # it has lessons
    structure.retire_lesson(course, "bye", lecturer)
    modules, retired = overview.tree(course, drafts.latest(course))
    assert [r.key for r in retired] == ["bye"]
    with pytest.raises(StudioError):
        structure.add_lesson(course, "first", "bye", {"tg": "Нав"}, lecturer)  # id used
    structure.restore_lesson(course, "bye", "second", lecturer)
    assert meta()["modules"][0]["lessons"] == ["again", "bye"]
    assert "again.ru.md" in drafts.latest(course) and "again.tg.md" not in drafts.latest(course)


def test_submit_publish_reaches_kiosks_and_audit(db, ctx, lecturer, admin, make_course):
    course = make_course(lecturer)
    submission = _publish(db, course, lecturer, admin)
    assert submission.status is SubmissionStatus.PUBLISHED
    assert course in visibility.published_courses()
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
    assert lesson.key == "hello" and lesson.version == 1
    assert "Матни дарс." in reading.read(lesson).content("tg").pages[0]
    assert [e.key for e in lesson.exercises] == ["pick"]
    assert course.source == drafts.latest(course)["course.yml"].text
    assert all(r.published_at for r in drafts.latest(course).values())
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["course.submit", "course.publish"]
    with pytest.raises(StudioError):
        publishing.submit(course, lecturer)  # nothing changed since


def test_two_person_rule(db, ctx, lecturer, reviewer, admin, make_course):
    course = make_course(lecturer)
    db.session.add(CourseStaff(course_id=course.id, user_id=reviewer.id, role="editor"))
    submission = publishing.submit(course, lecturer)
    assert publishing.refusal(lecturer, submission)  # not a reviewer, and the author
    drafts_by_reviewer = publishing.submitted_revisions(submission)
    assert {r.author_id for r in drafts_by_reviewer} == {lecturer.id}
    assert publishing.refusal(reviewer, submission) is None
    publishing.withdraw(submission, lecturer)
    # The reviewer edits the lesson: now they may not publish it, even if someone else submits.
    drafts.save(course, "hello.tg.md", LESSON_TG + "\nИлова.\n", reviewer)
    drafts.save(course, "hello.ru.md", LESSON_RU + "\nДобавка.\n", lecturer)
    submission = publishing.submit(course, lecturer)
    assert "another reviewer" in publishing.refusal(reviewer, submission)
    with pytest.raises(StudioError):
        publishing.publish(submission, reviewer)
    reviewer.is_reviewer = True
    lecturer.is_reviewer = True
    with pytest.raises(StudioError):
        publishing.publish(submission, lecturer)
    publishing.publish(submission, admin)


def test_waiting_course_is_locked_until_taken_back(db, ctx, lecturer, admin, make_course):
    course = make_course(lecturer)
    submission = publishing.submit(course, lecturer)
    with pytest.raises(StudioError):
        drafts.save(course, "hello.tg.md", "changed", lecturer)
    with pytest.raises(StudioError):
        publishing.submit(course, lecturer)
    publishing.send_back(submission, admin, "Расми беҳтар гузоред.")
    assert submission.status is SubmissionStatus.RETURNED
    assert publishing.last_decision(course).comment == "Расми беҳтар гузоред."
    assert drafts.save(course, "hello.tg.md", LESSON_TG + "\nНав.\n", lecturer)
    with pytest.raises(StudioError):
        publishing.send_back(publishing.submit(course, lecturer), admin, "  ")


def test_submit_refuses_errors(db, ctx, lecturer, make_course):
    course = make_course(lecturer)
    drafts.save(course, "hello.tg.md", LESSON_TG.replace("minutes: 5\n", ""), lecturer)
    check = publishing.check_course(course, drafts.latest(course))
    assert any("minutes" in p.message for p in check.problems.errors)
    with pytest.raises(StudioError):
        publishing.submit(course, lecturer)


def test_exercise_type_cannot_change_once_published(db, ctx, lecturer, admin, make_course):
    course = make_course(lecturer)
    _publish(db, course, lecturer, admin)
    for path, text in (("hello.tg.md", LESSON_TG), ("hello.ru.md", LESSON_RU)):
        drafts.save(course, path, text.split("```quiz")[0] + "```quiz\n::pick:: Бале? {T}\n```\n",
                    lecturer)
    problems = publishing.check_course(course, drafts.latest(course)).problems
    assert any("new id" in p.message for p in problems.errors)


def test_imported_course_gets_published_revisions_and_follows_cli_import(
        db, ctx, sample_course, admin):
    revisions = drafts.sync(sample_course)
    assert set(revisions) == {"course.yml", "one.tg.md", "one.ru.md", "two.tg.md", "two.ru.md"}
    assert all(r.author_id is None and r.published_at for r in revisions.values())
    assert publishing.changed_files(sample_course, revisions) == {}
    assert publishing.check_course(sample_course, revisions).ok
    assert drafts.sync(sample_course) == revisions  # nothing new the second time
    content = sample_course.lessons[0].contents[0]
    content.source += "\nAdded by an import.\n"
    again = drafts.sync(sample_course)
    assert again[f"one.{content.lang}.md"].number == 2


def test_publishing_an_imported_course_keeps_ids(db, ctx, sample_course, lecturer, admin):
    db.session.add(CourseStaff(course_id=sample_course.id, user_id=lecturer.id, role="owner"))
    lesson = sample_course.lessons[0]
    exercise_ids = {e.key: e.id for e in lesson.exercises}
    text = drafts.sync(sample_course)["one.tg.md"].text
    drafts.save(sample_course, "one.tg.md", text.replace("Саҳифаи дуюм.", "Саҳифаи 2."), lecturer)
    _publish(db, sample_course, lecturer, admin)
    db.session.refresh(lesson)
    assert {e.key: e.id for e in lesson.exercises} == exercise_ids
    assert lesson.version == 2 and "Саҳифаи 2." in reading.read(lesson).content("tg").pages[1]
    assert db.session.get(Course, sample_course.id).published_at is not None


def test_revisions_keep_what_the_check_found(db, ctx, lecturer, make_course):
    course = make_course(lecturer)
    revision = drafts.save(course, "hello.tg.md", LESSON_TG + "\n![Ҷ](record:letter-jj)\n"
                           "![нест](media/missing.png)\n", lecturer)
    assert revision.errors == 1
    assert ["record", "record:letter-jj", "Ҷ", 15] in revision.refs
    assert db.session.scalar(select(Revision.errors).where(Revision.id == revision.id)) == 1
