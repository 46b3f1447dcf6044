"""The media library (pictures and sounds of a course) and the recordings a course wants."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..content.lesson import RECORD_RE
from ..content.media import AUDIO_TYPES, detect_mime
from ..content.models import MediaFile
from ..extensions import db
from . import bp, drafts, library, media_removal, structure
from .access import course_or_404, editor_required
from .drafts import StudioError
from .forms import ActionForm, UploadForm


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _uploaded(form: UploadForm) -> tuple[str, bytes]:
    upload = form.file.data
    name = (form.name.data or "").strip() or (upload.filename or "")
    if form.name.data and "." not in name and "." in (upload.filename or ""):
        name += "." + upload.filename.rsplit(".", 1)[1]
    return name, upload.read(library.MAX_AUDIO_BYTES + 1)


def _media_json(item: MediaFile) -> dict:
    label = item.name.removeprefix("media/").rsplit(".", 1)[0]
    return {"name": item.name, "url": item.url, "mime": item.mime,
            "markdown": f"![{label}]({item.name})"}


@bp.get("/courses/<int:course_id>/media")
@editor_required
def media(course_id: int):
    course = course_or_404(course_id)
    revisions = drafts.current(course)
    listed = set(structure.listed_lessons(structure.draft_meta(course, revisions)))
    return render_template("author/media.html", course=course, form=UploadForm(),
                           action_form=ActionForm(),
                           usage=library.usage(revisions, listed),
                           max_image=library.MAX_IMAGE_BYTES // (1024 * 1024),
                           max_audio=library.MAX_AUDIO_BYTES // (1024 * 1024))


@bp.post("/courses/<int:course_id>/media")
@editor_required
def upload_media(course_id: int):
    course = course_or_404(course_id)
    form = UploadForm()
    if not form.validate_on_submit():
        message = _("Choose a file to upload.")
        if _wants_json():
            return {"error": message}, 400
        flash(message, "error")
        return redirect(url_for("author.media", course_id=course.id))
    name, data = _uploaded(form)
    if request.form.get("unique") and "." in name:  # a recording: never refused for its name
        stem, extension = name.rsplit(".", 1)
        name = library.free_name(course, stem, extension)
    try:
        item = library.upload(course, name, data)
    except StudioError as error:
        db.session.rollback()
        if _wants_json():
            return {"error": str(error)}, 400
        flash(str(error), "error")
        return redirect(url_for("author.media", course_id=course.id))
    db.session.commit()
    if _wants_json():
        return _media_json(item)
    flash(_("%(name)s is uploaded.", name=item.name), "success")
    return redirect(url_for("author.media", course_id=course.id, _anchor=item.name))


@bp.post("/courses/<int:course_id>/media/<int:media_id>/delete")
@editor_required
def delete_media(course_id: int, media_id: int):
    """Take one file out of the library (refused while a lesson uses it)."""
    course = course_or_404(course_id)
    item = db.session.get(MediaFile, media_id)
    if item is None or item.course_id != course.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = item.name
    try:
        unused = media_removal.delete_media(course, item, current_user)
    except StudioError as error:
        db.session.rollback()
        flash(str(error), "error")  # shown at the top of the page: no jump to the row
        return redirect(url_for("author.media", course_id=course.id))
    db.session.commit()
    media_removal.discard_stored(unused)
    flash(_("%(name)s is deleted.", name=name), "success")
    return redirect(url_for("author.media", course_id=course.id))


@bp.get("/courses/<int:course_id>/recordings")
@editor_required
def recordings(course_id: int):
    course = course_or_404(course_id)
    revisions = drafts.current(course)
    listed = set(structure.listed_lessons(structure.draft_meta(course, revisions)))
    return render_template("author/recordings.html", course=course,
                           wanted=library.wanted_recordings(revisions, listed),
                           waiting=drafts.waiting_submission(course), form=UploadForm())


@bp.post("/courses/<int:course_id>/recordings/<name>")
@editor_required
def save_recording(course_id: int, name: str):
    """A recording made in the browser for the ``record:<name>`` marks of the drafts."""
    course = course_or_404(course_id)
    form = UploadForm()
    if not RECORD_RE.match(name):
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    data = form.file.data.read(library.MAX_AUDIO_BYTES + 1)
    extension = AUDIO_TYPES.get(detect_mime(data) or "", "webm")
    try:
        revisions = drafts.sync(course)
        drafts.ensure_editable(course)
        item = library.upload(course, library.free_name(course, name, extension), data)
        listed = set(structure.listed_lessons(structure.draft_meta(course, revisions)))
        saved = library.fill_recording(course, name, item, current_user, revisions, listed)
    except StudioError as error:
        db.session.rollback()
        if _wants_json():
            return {"error": str(error)}, 400
        flash(str(error), "error")
        return redirect(url_for("author.recordings", course_id=course.id))
    db.session.commit()
    if _wants_json():
        return _media_json(item) | {"files": [r.path for r in saved]}
    flash(_("The recording is saved and put into %(files)s.",
            files=", ".join(r.path for r in saved)), "success")
    return redirect(url_for("author.recordings", course_id=course.id))
