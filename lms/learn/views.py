"""The learner's kiosk pages: home, course, lesson player, answers, certificates."""

from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import and_, inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.access import learner_required
from ..content import reading
from ..content.models import Course, Exercise, Lesson
from ..content.reading import LessonReading
from ..extensions import db
from ..i18n import current_language
from ..speech.sounds import say
from . import answers, bp, exercise_view, placement, responses, tries, viewing
from . import certificates as earned
from . import visibility as learn
from .models import LessonProgress, ModuleOpening, Status


def _terminal_id() -> int | None:
    terminal = g.get("terminal")
    return terminal.id if terminal is not None else None


def _lesson_or_404(lesson_id: int) -> Lesson:
    lesson = learn.lesson_for_learner(lesson_id)
    if lesson is None:
        abort(404)
    return lesson


def _refuse(error: learn.LearnError):
    if error.code == "missing":
        abort(404)
    message = {
        "locked": _("This lesson opens when you finish the one before it."),
        "no_tries": _("You have used all your tries for this exercise."),
        "done": _("You have already answered this."),
    }.get(error.code, _("Please choose or write an answer first."))
    if request.accept_mimetypes.best == "application/json":
        return ({"error": message, "code": error.code, "speaker": str(say(message))},
                409 if error.code != "bad_answer" else 400)
    flash(message, "error")
    return None


@bp.get("/")
@learner_required
def home():
    lang = current_language()
    courses = learn.published_courses()
    plan = learn.plan(current_user)
    planned = {item.course_id for item in plan}
    return render_template(
        "learn/home.html", lang=lang, target=learn.continue_target(current_user),
        plan=plan, others=[c for c in courses if c.id not in planned],
        totals=learn.course_totals(current_user),
        certificates=earned.of(current_user), title_of=lambda lesson: _title(lesson, lang),
    )


def _title(lesson: Lesson, lang: str) -> str:
    content = reading.read(lesson).content(lang)
    return content.title if content else lesson.key


@bp.get("/continue")
@learner_required
def resume():
    target = learn.continue_target(current_user)
    if target is None:
        return redirect(url_for("learn.home"))
    lesson, page = target
    return redirect(url_for("learn.lesson", lesson_id=lesson.id, page=page + 1))


@bp.get("/courses/<int:course_id>")
@learner_required
def course(course_id: int):
    course = db.session.get(Course, course_id)
    if course is None or course.published_at is None or not course.active:
        abort(404)
    progress = learn.progress_by_lesson(current_user, [course.id])
    modules = [(m, [le for le in m.lessons if le.active]) for m in course.modules
               if m.retired_at is None]
    lang = current_language()
    titles = {}
    for _module, lessons in modules:
        for lesson in lessons:
            content = learn.reading_of(lesson, progress.get(lesson.id)).content(lang)
            titles[lesson.id] = content.title if content else lesson.key
    heard = [course.title(lang), course.description(lang), *titles.values(),
             *(module.title(lang) for module, _lessons in modules)]
    return render_template(
        "learn/course.html", course=course, modules=modules, progress=progress,
        status=lambda lesson: learn.lesson_status(lesson, progress), titles=titles,
        heard=heard, opened_by=lambda lesson: _opened_by(lesson, lang),
        totals=learn.course_totals(current_user).get(course.id, (0, 0)),
        next_lesson=learn.next_lesson(course, progress), lang=current_language(),
    )


@bp.get("/lessons/<int:lesson_id>")
@learner_required
def lesson(lesson_id: int):
    learner = current_user._get_current_object()
    opened = learn.open_lesson(learner, lesson_id)
    if opened is None:
        abort(404)
    lesson, in_course = opened
    lang = current_language()
    if request.args.get("part") == "result":
        return _result_alone(lesson, in_course.get(lesson.id), lang)
    page = max(request.args.get("page", 1, type=int) or 1, 1) - 1
    try:
        progress = viewing.view_page(learner, lesson, page, lang, _terminal_id(), in_course)
    except learn.LearnError as error:
        if error.code == "locked":  # say which lesson opens it
            flash(_("This lesson opens when you finish «%(title)s».",
                    title=_opened_by(lesson, lang) or ""), "error lock")  # heard: the lock
        else:
            _refuse(error)
        return redirect(url_for("learn.course", course_id=lesson.course_id))
    db.session.commit()
    return _render_lesson(lesson, progress, learn.reading_of(lesson, progress), lang, {})


def _opened_by(lesson: Lesson, lang: str) -> str | None:
    """The title of the lesson whose completion opens ``lesson`` in a sequential course."""
    previous = None
    for other in learn.counted_lessons(lesson.course):
        if other.id == lesson.id:
            break
        previous = other
    return _title(previous, lang) if previous is not None else None


def _next_lesson(course) -> Lesson | None:
    """The course's next lesson as the course page shows it (``visibility.next_lesson``, past
    the modules opened for the learner): the course's lessons, the learner's progress in them
    and the openings read in one query."""
    rows = db.session.execute(
        select(Lesson, LessonProgress, ModuleOpening.id)
        .outerjoin(LessonProgress, and_(LessonProgress.lesson_id == Lesson.id,
                                        LessonProgress.user_id == current_user.id))
        .outerjoin(ModuleOpening, and_(ModuleOpening.module_id == Lesson.module_id,
                                       ModuleOpening.user_id == current_user.id))
        .where(Lesson.course_id == course.id).order_by(Lesson.position, Lesson.id)).all()
    if "lessons" in inspect(course).unloaded:
        set_committed_value(course, "lessons", [lesson for lesson, _mine, _o in rows])
    progress = learn.Progress(((mine.lesson_id, mine) for _l, mine, _o in rows if mine),
                              {lesson.module_id for lesson, _m, opened in rows if opened})
    return learn.next_lesson(course, progress)


def _result(lesson: Lesson, progress, read: LessonReading, lang: str) -> dict:
    """What the last page of a lesson says: the score, passed or not yet, what to do next."""
    result = tries.lesson_result(current_user, lesson, progress, read, lang)

    def link(exercise: Exercise) -> dict:
        data = read.data(exercise).get(read.language_of(exercise, lang), {})
        text = Markup((data.get("html") or {}).get("text", "")).striptags()
        return {"page": read.page_of(exercise, lang) + 1, "id": exercise.id,
                "text": text if len(text) <= 80 else text[:78] + "…"}

    following = _next_lesson(lesson.course) if result.passed else None
    placed = None
    if lesson.placement:
        placed = placement.outcome(current_user, lesson, progress.round,
                                   read.in_page_order(lang))
    return {"r": result, "again": [link(e) for e in result.again],
            "unwritten": [link(e) for e in result.unwritten],
            "next": following, "next_title": _title(following, lang) if following else "",
            "placement": placed and {
                "skipped": [m.title(lang) for m in placed.skipped],
                "unanswered": [link(e) for e in placed.unanswered]}}


def _result_alone(lesson: Lesson, mine, lang: str):
    """The end-of-lesson result alone (the kiosk script asks for it after an answer on a
    lesson's last page); reads only, records no page view."""
    if mine is None:
        abort(404)
    return render_template("learn/_result.html", lesson=lesson,
                           result=_result(lesson, mine, learn.reading_of(lesson, mine), lang))


def _render_lesson(lesson: Lesson, progress, read: LessonReading, lang: str, draft: dict):
    content = read.content(lang)
    page = progress.current_page
    shown = read.page(lang, page)
    keys = shown.exercise_keys
    by_key = {e.key: e for e in read.exercises()} if keys else {}
    on_page = [by_key[k] for k in keys if k in by_key]
    so_far = tries.tries(current_user, [e.id for e in on_page], progress.round)
    views = {e.key: exercise_view.build(current_user, e, read, content.lang if content else lang,
                                        so_far.get(e.id, tries.Tries()), draft.get(e.id))
             for e in on_page}
    result = _result(lesson, progress, read, lang) if page + 1 >= progress.page_count else None
    return render_template(
        "learn/lesson.html", lesson=lesson, course=lesson.course, content=content,
        progress=progress, page=page, page_count=progress.page_count, shown=shown,
        views=views, other_language=content is not None and content.lang != lang,
        done=progress.status is Status.DONE,
        exhausted=result["r"].exhausted if result else tries.exhausted(current_user, lesson,
                                                                        progress),
        result=result,
        keyboard=exercise_view.keyboard(lesson.course, content.lang if content else lang),
        number_keys=responses.NUMBER_KEYS, new_client_id=lambda: uuid.uuid4().hex,
    )


@bp.post("/exercises/<int:exercise_id>")
@learner_required
def answer(exercise_id: int):
    opened = learn.open_exercise(current_user._get_current_object(), exercise_id)
    if opened is None:
        abort(404)
    exercise, in_course = opened
    lesson = exercise.lesson
    progress = in_course.get(lesson.id)
    # The version the learner reads decides the exercises.
    read = learn.reading_of(lesson, progress)
    if exercise.id not in read.exercise_kinds():
        abort(404)
    lang = read.language_of(exercise, request.form.get("lang") or current_language())
    kind = exercise.type
    key = request.form.get("key")
    if key is not None and key != "check":  # a key of the on-screen keyboard, without JS
        text = responses.press(request.form.get("text", ""), key, numeric=kind == "numerical")
        if progress is None:
            abort(404)
        return _render_lesson(lesson, progress, read, lang, {exercise.id: text})
    response = responses.parse(kind, request.form)
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        if response is None:
            raise learn.LearnError("bad_answer")
        outcome = answers.submit_answer(current_user, exercise, response,
                                      request.form.get("client_id", ""), lang, _terminal_id(),
                                      in_course)
    except learn.LearnError as error:
        db.session.rollback()
        refused = _refuse(error)
        if refused is not None:
            return refused
        return redirect(_back_to(exercise, read, lang))
    db.session.commit()
    if wants_json:
        return exercise_view.outcome_json(current_user, exercise, read, lang, outcome)
    if outcome.certificate is not None:
        flash(_("You finished the course! Your certificate is ready."), "success")
    return redirect(_back_to(exercise, read, lang))


def _back_to(exercise: Exercise, read: LessonReading, lang: str) -> str:
    page = read.page_of(exercise, lang)
    return url_for("learn.lesson", lesson_id=exercise.lesson_id, page=page + 1,
                   _anchor=f"ex-{exercise.id}")


@bp.post("/lessons/<int:lesson_id>/retake")
@learner_required
def retake(lesson_id: int):
    lesson = _lesson_or_404(lesson_id)
    try:
        viewing.retake(current_user, lesson)
    except learn.LearnError as error:
        _refuse(error)
        return redirect(url_for("learn.lesson", lesson_id=lesson.id))
    db.session.commit()
    return redirect(url_for("learn.lesson", lesson_id=lesson.id, page=1))


@bp.get("/certificates")
@learner_required
def certificates():
    return render_template("learn/certificates.html",
                           certificates=earned.of(current_user), lang=current_language())
