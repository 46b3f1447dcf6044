"""The studio's course pages: the course list, settings, the module/lesson tree, sharing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import User
from ..extensions import db
from ..forms import choices
from ..staff.models import CourseStaff
from . import bp, drafts, overview, publishing, staff, structure
from .access import can_share, course_or_404, courses_for, editor_required, lecturers
from .drafts import StudioError
from .forms import (
    ActionForm,
    LessonForm,
    ModuleForm,
    ModuleTitleForm,
    NewCourseForm,
    RestoreForm,
    SettingsForm,
    ShareForm,
    SubmitForm,
)


def _titles(form) -> dict[str, str]:
    return {"tg": form.title_tg.data or "", "ru": form.title_ru.data or ""}


def _settings(form) -> structure.Settings:
    return structure.Settings(
        titles=_titles(form),
        descriptions={"tg": form.description_tg.data or "", "ru": form.description_ru.data or ""},
        category=form.category.data, icon=form.icon.data, level=form.level.data or 1,
        pass_mark=form.pass_mark.data if form.pass_mark.data is not None else 60,
        sequential=bool(form.sequential.data))


def _back(course_id: int, anchor: str | None = None):
    return redirect(url_for("author.course", course_id=course_id, _anchor=anchor))


@bp.get("/")
@editor_required
def index():
    return render_template("author/index.html", courses=courses_for(current_user),
                           waiting={s.course_id for s in publishing.waiting_submissions()},
                           may_review=publishing.can_review(current_user))


@bp.route("/courses/new", methods=["GET", "POST"])
@editor_required
def new_course():
    form = NewCourseForm()
    if form.validate_on_submit():
        try:
            course = structure.create_course(form.slug.data, _settings(form), current_user)
        except StudioError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The course is created. Add a module, then lessons."), "success")
            return redirect(url_for("author.course", course_id=course.id))
    return render_template("author/course_form.html", form=form, course=None)


@bp.get("/courses/<int:course_id>")
@editor_required
def course(course_id: int):
    course = course_or_404(course_id)
    revisions = drafts.current(course)
    modules, retired = overview.tree(course, revisions)
    check = publishing.check_course(course, revisions) if request.args.get("check") else None
    lesson_form, restore_form = LessonForm(), RestoreForm()
    lesson_form.module.choices = restore_form.module.choices = choices(
        (m.key, m.titles.get("tg") or m.titles.get("ru") or m.key) for m in modules)
    return render_template(
        "author/course.html", course=course, modules=modules, retired=retired, check=check,
        changed=publishing.changed_files(course, revisions),
        waiting=drafts.waiting_submission(course), decision=publishing.last_decision(course),
        module_form=ModuleForm(), lesson_form=lesson_form, restore_form=restore_form,
        submit_form=SubmitForm(), action_form=ActionForm(),
        may_share=can_share(current_user, course))


@bp.route("/courses/<int:course_id>/settings", methods=["GET", "POST"])
@editor_required
def edit_settings(course_id: int):
    course = course_or_404(course_id)
    revisions = drafts.current(course)  # the service records the published texts when saving
    form = SettingsForm()
    if form.validate_on_submit():
        try:
            structure.update_settings(course, _settings(form), current_user)
        except StudioError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The settings are saved."), "success")
            return _back(course.id)
    elif request.method == "GET":
        current = structure.settings_of(structure.draft_meta(course, revisions))
        form.title_tg.data, form.title_ru.data = (current.titles.get("tg"),
                                                  current.titles.get("ru"))
        form.description_tg.data = current.descriptions.get("tg")
        form.description_ru.data = current.descriptions.get("ru")
        form.category.data, form.icon.data = current.category, current.icon
        form.level.data, form.pass_mark.data = current.level, current.pass_mark
        form.sequential.data = current.sequential
    return render_template("author/course_form.html", form=form, course=course)


def _tree_change(course_id: int, change, anchor: str | None = None):
    """Run one change of the course tree for a posted form, then go back to the course."""
    course = course_or_404(course_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        change(course)
    except StudioError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
    return _back(course_id, anchor)


@bp.post("/courses/<int:course_id>/modules")
@editor_required
def add_module(course_id: int):
    form = ModuleForm()
    if not form.validate():
        flash(_("Give the module an id (latin letters, digits, dashes) and a title."), "error")
        return _back(course_id)
    return _tree_change(course_id, lambda c: structure.add_module(
        c, form.key.data, _titles(form), current_user), f"module-{form.key.data}")


@bp.post("/courses/<int:course_id>/modules/<key>/move")
@editor_required
def move_module(course_id: int, key: str):
    step = -1 if request.form.get("direction") == "up" else 1
    return _tree_change(course_id, lambda c: structure.move_module(c, key, step, current_user),
                        f"module-{key}")


@bp.post("/courses/<int:course_id>/modules/<key>/title")
@editor_required
def retitle_module(course_id: int, key: str):
    course_or_404(course_id)
    form = ModuleTitleForm()
    if not form.validate():
        if form.csrf_token.errors:
            abort(400)
        flash(_("A title may have 200 characters at most."), "error")
        return _back(course_id, f"module-{key}")
    return _tree_change(course_id, lambda c: structure.retitle_module(
        c, key, _titles(form), current_user), f"module-{key}")


@bp.post("/courses/<int:course_id>/modules/<key>/retire")
@editor_required
def retire_module(course_id: int, key: str):
    return _tree_change(course_id, lambda c: structure.retire_module(c, key, current_user))


@bp.post("/courses/<int:course_id>/lessons")
@editor_required
def add_lesson(course_id: int):
    form = LessonForm()
    form.module.choices = choices([(request.form.get("module", ""), "")])
    if not form.validate():
        flash(_("Give the lesson an id (latin letters, digits, dashes) and a title."), "error")
        return _back(course_id)
    return _tree_change(course_id, lambda c: structure.add_lesson(
        c, form.module.data, form.key.data, _titles(form), current_user),
        f"lesson-{form.key.data}")


@bp.post("/courses/<int:course_id>/lessons/<key>/move")
@editor_required
def move_lesson(course_id: int, key: str):
    step = -1 if request.form.get("direction") == "up" else 1
    return _tree_change(course_id, lambda c: structure.move_lesson(c, key, step, current_user),
                        f"lesson-{key}")


@bp.post("/courses/<int:course_id>/lessons/<key>/retire")
@editor_required
def retire_lesson(course_id: int, key: str):
    return _tree_change(course_id, lambda c: structure.retire_lesson(c, key, current_user),
                        "retired")


@bp.post("/courses/<int:course_id>/lessons/<key>/restore")
@editor_required
def restore_lesson(course_id: int, key: str):
    module = request.form.get("module", "")
    return _tree_change(course_id, lambda c: structure.restore_lesson(
        c, key, module, current_user), f"lesson-{key}")


@bp.route("/courses/<int:course_id>/staff", methods=["GET", "POST"])
@editor_required
def share(course_id: int):
    course = course_or_404(course_id, share=True)
    members = staff.members(course)
    form = ShareForm()
    taken = {m.user_id for m in members}
    form.user_id.choices = choices((u.id, f"{u.full_name} ({u.username})")
                                   for u in lecturers() if u.id not in taken)
    if form.validate_on_submit():
        try:
            staff.share(course, db.session.get(User, form.user_id.data), current_user)
        except StudioError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The course is shared."), "success")
            return redirect(url_for("author.share", course_id=course.id))
    return render_template("author/share.html", course=course, members=members, form=form,
                           action_form=ActionForm())


@bp.post("/courses/<int:course_id>/staff/<int:member_id>/remove")
@editor_required
def unshare(course_id: int, member_id: int):
    course = course_or_404(course_id, share=True)
    member = db.session.get(CourseStaff, member_id)
    if member is None or member.course_id != course.id or not ActionForm().validate_on_submit():
        abort(404)
    try:
        staff.unshare(course, member, current_user)
    except StudioError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
    return redirect(url_for("author.share", course_id=course.id))

