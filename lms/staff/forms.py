"""Forms more than one staff area uses: a bare action button, assigning a course, moving a
learner to another facility."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, Optional

from ..accounts.models import Facility
from ..extensions import db
from ..forms import choices


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class AssignForm(FlaskForm):
    """One course for one learner."""

    course_id = SelectField(_l("Course"), coerce=int, validators=[DataRequired()])
    due_date = DateField(_l("Due date"), validators=[Optional()])


class TransferForm(FlaskForm):
    """Move a learner to another facility (and unit), with their whole history."""

    facility_id = SelectField(_l("New facility"), coerce=int)
    unit_id = SelectField(_l("New unit"), coerce=int, validators=[Optional()])

    def set_choices(self) -> None:
        facilities = list(db.session.scalars(
            select(Facility).options(selectinload(Facility.units)).order_by(Facility.name)))
        self.facility_id.choices = choices((f.id, f.name) for f in facilities)
        self.unit_id.choices = choices([(0, "—")] + [(u.id, f"{u.name} ({f.name})")
                                                     for f in facilities for u in f.units])
