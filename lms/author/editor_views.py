"""The lesson editor: Markdown per language, the live preview, revisions and comparisons."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..content.lesson import LANGS, lesson_file_name
from ..content.models import Course
from ..extensions import db
from ..learn import responses
from ..security import CSP
from . import bp, drafts, library, overview, preview, snippets, structure
from .access import can_edit, course_or_404, editor_required, reviewer_required
from .drafts import StudioError
from .forms import ActionForm, EditorForm
from .models import COURSE_YML, Revision

# The preview is framed by the editor page, and only by it.
PREVIEW_HEADERS = {"X-Frame-Options": "SAMEORIGIN"}
PREVIEW_CSP = (CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
               .replace("script-src 'self'", "script-src 'none'") + "; sandbox allow-same-origin")


def _lesson_or_404(course: Course, key: str, revisions: dict[str, Revision]) -> None:
    if key not in structure.known_lessons(course, revisions):
        abort(404)


def _revision_or_404(course: Course, revision_id: int) -> Revision:
    revision = db.session.get(Revision, revision_id)
    if revision is None or revision.course_id != course.id:
        abort(404)
    return revision


def _render_preview(template: str, shown: preview.Preview) -> str:
    return render_template(template, p=shown, keyboard=responses.keyboard_rows(shown.lang),
                           number_keys=responses.NUMBER_KEYS, new_client_id=lambda: "preview")


def _framed(html: str):
    """The preview page, which only the studio's own pages may show in a frame. It runs no
    script, framed or opened on its own: the studio fills it from outside (the frame is
    sandboxed with ``allow-same-origin`` only, so the editor may write into it)."""
    response = make_response(html)
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers.update(PREVIEW_HEADERS)
    return response


def _marks(problems) -> dict[int, dict]:
    """line -> {"error": bool, "text": the messages}, for the marks beside the lines."""
    marks: dict[int, dict] = {}
    for problem in problems:
        mark = marks.setdefault(problem.line, {"error": False, "text": ""})
        mark["error"] = mark["error"] or not problem.warning
        mark["text"] = "; ".join(filter(None, [mark["text"], problem.message]))
    return marks


@bp.get("/courses/<int:course_id>/lessons/<key>")
@reviewer_required
def lesson(course_id: int, key: str):
    course = course_or_404(course_id, review=True)
    revisions = drafts.current(course)
    _lesson_or_404(course, key, revisions)
    row = overview.lesson_row(course, key, revisions, drafts.published_texts(course),
                              {lesson.key for lesson in course.lessons if lesson.active})
    return render_template("author/lesson.html", course=course, row=row,
                           editable=can_edit(current_user, course)
                           and drafts.waiting_submission(course) is None)


@bp.route("/courses/<int:course_id>/lessons/<key>/<lang>", methods=["GET", "POST"])
@editor_required
def edit_lesson(course_id: int, key: str, lang: str):
    course = course_or_404(course_id)
    if lang not in LANGS:
        abort(404)
    form = EditorForm()
    # Looking writes nothing; saving records the published texts first.
    revisions = drafts.sync(course) if form.is_submitted() else drafts.current(course)
    _lesson_or_404(course, key, revisions)
    path = drafts.lesson_path(key, lang)
    if form.validate_on_submit():
        try:
            saved = drafts.save(course, path, form.text.data or "", current_user,
                                form.note.data or "", revisions)
        except StudioError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            if saved is None:
                flash(_("Nothing changed."), "info")
            else:
                flash(_("Saved as revision %(number)s.", number=saved.number), "success")
            return redirect(url_for("author.edit_lesson", course_id=course.id, key=key,
                                    lang=lang))
    revision = revisions.get(path)
    other = revisions.get(drafts.lesson_path(key, drafts.other_lang(lang)))
    if request.method == "GET":
        form.text.data = revision.text if revision else (other.text if other else "")
    _version, problems = drafts.check_text(course, path, form.text.data or "",
                                            revisions=revisions)
    listed = set(structure.listed_lessons(structure.draft_meta(course, revisions)))
    return render_template(
        "author/editor.html", course=course, key=key, lang=lang, path=path, form=form,
        revision=revision, other=other, problems=problems.sorted(), marks=_marks(problems),
        pieces=snippets.pieces(), exercises=snippets.exercises(),
        behind=drafts.is_behind(path, revisions), waiting=drafts.waiting_submission(course),
        images=[m for m in course.media if m.mime.startswith("image/")],
        sounds=[m for m in course.media if m.mime.startswith("audio/")],
        wanted=[(name, use) for name, use in library.wanted_recordings(revisions, listed)
                if use.path == path])


@bp.post("/courses/<int:course_id>/lessons/<key>/<lang>/preview")
@reviewer_required
def preview_lesson(course_id: int, key: str, lang: str):
    course = course_or_404(course_id, review=True)
    if lang not in LANGS:
        abort(404)
    revisions = drafts.latest(course)
    shown = preview.build(course, drafts.lesson_path(key, lang), request.form.get("text", ""),
                          revisions)
    if request.accept_mimetypes.best == "application/json":
        return {"body": _render_preview("author/_preview_body.html", shown),
                "problems": [{"line": p.line, "message": p.message, "warning": p.warning}
                             for p in shown.problems],
                "mismatch": [str(p) for p in shown.mismatch]}
    return _framed(_render_preview("author/preview.html", shown))


@bp.get("/courses/<int:course_id>/revisions/<int:revision_id>/preview")
@reviewer_required
def preview_revision(course_id: int, revision_id: int):
    course = course_or_404(course_id, review=True)
    revision = _revision_or_404(course, revision_id)
    if lesson_file_name(revision.path) is None:
        abort(404)
    shown = preview.build(course, revision.path, revision.text, drafts.latest(course))
    return _framed(_render_preview("author/preview.html", shown))


@bp.get("/courses/<int:course_id>/files/<path>/preview")
@reviewer_required
def preview_file(course_id: int, path: str):
    """The newest text of a lesson file, also one published outside the studio whose first
    revision is not recorded yet (looking records nothing)."""
    course = course_or_404(course_id, review=True)
    if lesson_file_name(path) is None:
        abort(404)
    revisions = drafts.current(course)
    if path not in revisions:
        abort(404)
    shown = preview.build(course, path, revisions[path].text, revisions)
    return _framed(_render_preview("author/preview.html", shown))


@bp.get("/courses/<int:course_id>/history/<path>")
@reviewer_required
def history(course_id: int, path: str):
    course = course_or_404(course_id, review=True)
    if path != COURSE_YML and lesson_file_name(path) is None:
        abort(404)
    revisions = drafts.history(course, path)
    if not revisions:  # published outside the studio and not changed since: its one text
        unsaved = drafts.current(course).get(path)
        if unsaved is None:
            abort(404)
        revisions = [unsaved]
    published = next((r for r in revisions if r.published_at), revisions[-1])
    return render_template("author/history.html", course=course, path=path,
                           revisions=revisions, published=published, action_form=ActionForm(),
                           editable=can_edit(current_user, course)
                           and drafts.waiting_submission(course) is None)


@bp.get("/courses/<int:course_id>/compare")
@reviewer_required
def compare(course_id: int):
    course = course_or_404(course_id, review=True)
    old = _revision_or_404(course, request.args.get("a", 0, type=int))
    new = _revision_or_404(course, request.args.get("b", 0, type=int))
    if old.path != new.path:
        abort(404)
    if old.number > new.number:
        old, new = new, old
    return render_template("author/compare.html", course=course, old=old, new=new,
                           rows=drafts.diff_rows(old.text, new.text))


@bp.post("/courses/<int:course_id>/revisions/<int:revision_id>/restore")
@editor_required
def restore_revision(course_id: int, revision_id: int):
    course = course_or_404(course_id)
    revision = _revision_or_404(course, revision_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        restored = drafts.restore(course, revision, current_user)
    except StudioError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        if restored is not None:
            flash(_("Revision %(old)s is the newest again (revision %(new)s).",
                    old=revision.number, new=restored.number), "success")
    return redirect(url_for("author.history", course_id=course.id, path=revision.path))
