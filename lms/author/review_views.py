"""Sending a course for review, taking it back, and the reviewers' pages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..content.lesson import lesson_file_name
from ..extensions import db
from ..speech import later
from . import bp, drafts, publishing
from .access import course_or_404, editor_required, reviewer_required
from .drafts import StudioError
from .forms import ActionForm, ReturnForm, SubmitForm
from .models import Revision, Submission


def _submission_or_404(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        abort(404)
    course_or_404(submission.course_id, review=True)
    return submission


@bp.post("/courses/<int:course_id>/submit")
@editor_required
def submit(course_id: int):
    course = course_or_404(course_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        publishing.submit(course, current_user, form.note.data or "")
    except StudioError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("author.course", course_id=course.id, check=1))
    db.session.commit()
    flash(_("The course is sent for review."), "success")
    return redirect(url_for("author.course", course_id=course.id))


@bp.post("/courses/<int:course_id>/withdraw")
@editor_required
def withdraw(course_id: int):
    course = course_or_404(course_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    submission = drafts.waiting_submission(course)
    if submission is None:
        flash(_("Nothing waits for review."), "info")
    else:
        publishing.withdraw(submission, current_user)
        db.session.commit()
        flash(_("The course is back with you: you can change it again."), "success")
    return redirect(url_for("author.course", course_id=course.id))


@bp.get("/review")
@reviewer_required
def review_queue():
    if not publishing.can_review(current_user):
        abort(403)
    return render_template("author/review_queue.html",
                           submissions=publishing.waiting_submissions())


@bp.get("/review/<int:submission_id>")
@reviewer_required
def review(submission_id: int):
    submission = _submission_or_404(submission_id)
    course = submission.course
    revisions = drafts.latest(course)
    published = drafts.published_texts(course)
    submitted = {r.id: r for r in db.session.scalars(
        select(Revision).where(Revision.id.in_(list(submission.files.values()))))}
    files = [(path, submitted[rid], drafts.diff_rows(published.get(path, ""), submitted[rid].text),
              lesson_file_name(path) is not None)
             for path, rid in sorted(submission.files.items()) if rid in submitted]
    return render_template(
        "author/review.html", submission=submission, course=course, files=files,
        check=publishing.check_course(course, revisions) if submission.waiting else None,
        refusal=publishing.refusal(current_user, submission),
        may_decide=publishing.can_review(current_user),
        authors=sorted({r.author.full_name for r in publishing.submitted_revisions(submission)
                        if r.author}),
        action_form=ActionForm(), return_form=ReturnForm())


@bp.post("/review/<int:submission_id>/publish")
@reviewer_required
def publish(submission_id: int):
    submission = _submission_or_404(submission_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    reason = publishing.refusal(current_user, submission)
    if reason:  # not a reviewer, or worked on this change: the two-person rule
        flash(reason, "error")
        return render_template("errors/error.html", code=403, message=reason), 403
    try:
        publishing.publish(submission, current_user)
    except StudioError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("author.review", submission_id=submission.id))
    db.session.commit()
    later.make_later(submission.course.slug)
    flash(_("Published: the kiosks show the new version now."), "success")
    return redirect(url_for("author.review", submission_id=submission.id))


@bp.post("/review/<int:submission_id>/return")
@reviewer_required
def send_back(submission_id: int):
    submission = _submission_or_404(submission_id)
    if not publishing.can_review(current_user):
        abort(403)
    form = ReturnForm()
    try:
        if not form.validate_on_submit():
            raise StudioError(_("Say what should change."))
        publishing.send_back(submission, current_user, form.comment.data)
    except StudioError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("author.review", submission_id=submission.id))
    db.session.commit()
    flash(_("The course is sent back with your comment."), "success")
    return redirect(url_for("author.review_queue"))
