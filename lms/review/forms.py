from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp


class PinForm(FlaskForm):
    pin = PasswordField(_l("New PIN (4 to 6 digits)"),
                        validators=[DataRequired(), Regexp(r"^\d{4,6}$", message=_l("4 to 6 digits"))])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class EnrollmentCodeForm(FlaskForm):
    name = StringField(_l("Kiosk name"), validators=[DataRequired(), Length(max=120)])
    facility_id = SelectField(_l("Facility"), coerce=int)
