from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, Optional


class AssignForm(FlaskForm):
    """One course for one learner."""

    course_id = SelectField(_l("Course"), coerce=int, validators=[DataRequired()])
    due_date = DateField(_l("Due date"), validators=[Optional()])


class UnitAssignForm(AssignForm):
    """One course for every learner of a unit."""

    # Not limited to the choices: the view answers 404 for a unit of another facility.
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[DataRequired()],
                          validate_choice=False)
