"""Creating learner accounts: one by one with a form, or many from the foundation's CSV."""

from __future__ import annotations

import csv
import io

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..accounts import services as accounts
from ..accounts.access import ensure_facility, officer_required
from ..accounts.csv_import import COLUMNS, ImportFailed, RowError, import_learners
from ..accounts.messages import account_error
from ..accounts.models import Role, Unit, User
from ..audit.services import record as audit
from ..extensions import db
from ..forms import choices
from . import bp, services
from .forms import ImportForm, LearnerForm


@bp.route("/learners/new", methods=["GET", "POST"])
@officer_required
def create_learner():
    form = LearnerForm()
    form.unit_id.choices = choices((u.id, f"{u.name} ({u.facility.name})")
                                   for u in services.units(current_user))
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data) or abort(404)
        ensure_facility(current_user, unit.facility_id)
        try:
            learner = accounts.create_learner(form.learner_number.data, form.full_name.data,
                                              unit.facility, unit, form.pin.data)
        except accounts.AccountError as exc:
            flash(account_error(exc), "error")
        else:
            audit(current_user, "learner.create", subject=learner, ip=request.remote_addr)
            db.session.commit()
            flash(_("The learner %(number)s is created.", number=learner.learner_number),
                  "success")
            return redirect(url_for("review.learner", learner_id=learner.id))
    return render_template("review/learner_new.html", form=form)


def _other_facility_rows(data: bytes, viewer: User) -> list[RowError]:
    """Rows naming a facility the viewer may not add learners to (officers: not their own)."""
    if viewer.role is Role.ADMIN:
        return []
    allowed = {f.code for f in services.facilities(viewer)} | {
        f.name for f in services.facilities(viewer)}
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    errors = []
    for row in reader:
        name = (row.get("facility") or "").strip()
        if name not in allowed:
            errors.append(RowError(reader.line_num, _("you may add learners only to your facility, "
                                                      "not to “%(name)s”", name=name)))
    return errors


@bp.route("/learners/import", methods=["GET", "POST"])
@officer_required
def import_learners_page():
    form = ImportForm()
    errors: list[RowError] = []
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            errors = _other_facility_rows(data, current_user)
            if errors:
                raise ImportFailed(errors)
            count = import_learners(data)
        except UnicodeDecodeError:
            flash(_("The file is not UTF-8 text. Save it from the spreadsheet as “CSV UTF-8”."),
                  "error")
        except ImportFailed as exc:
            db.session.rollback()
            errors = exc.errors
            flash(_("Nothing was imported: correct the lines below and try again."), "error")
        else:
            audit(current_user, "learner.import", facility_id=current_user.facility_id,
                  ip=request.remote_addr, count=count, file=form.file.data.filename or "")
            db.session.commit()
            flash(ngettext("%(num)d learner imported.", "%(num)d learners imported.", count),
                  "success")
            return redirect(url_for("review.index"))
    return render_template("review/learners_import.html", form=form, errors=errors,
                           columns=COLUMNS)
