from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import DataRequired

from ..staff.forms import AssignForm


class UnitAssignForm(AssignForm):
    """One course for every learner of a unit."""

    # Not limited to the choices: the view answers 404 for a unit of another facility.
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[DataRequired()],
                          validate_choice=False)
