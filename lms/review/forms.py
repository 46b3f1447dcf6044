from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp


class PinForm(FlaskForm):
    pin = PasswordField(_l("New PIN (4 to 6 digits)"),
                        validators=[DataRequired(), Regexp(r"^\d{4,6}$", message=_l("4 to 6 digits"))])


class EnrollmentCodeForm(FlaskForm):
    name = StringField(_l("Kiosk name"), validators=[DataRequired(), Length(max=120)])
    facility_id = SelectField(_l("Facility"), coerce=int, validate_choice=False)


class LearnerForm(FlaskForm):
    learner_number = StringField(_l("Learner number"), validators=[
        DataRequired(), Regexp(r"^[0-9A-Za-z-]{1,20}$",
                               message=_l("Up to 20 letters, digits or dashes"))])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    # i18n: the unit is given as "Unit (Facility)"; choosing it also chooses the facility.
    unit_id = SelectField(_l("Unit"), coerce=int, validate_choice=False)
    pin = PasswordField(_l("PIN (4 to 6 digits)"),
                        validators=[DataRequired(), Regexp(r"^\d{4,6}$", message=_l("4 to 6 digits"))])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])
