from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..forms import choices


class FacilityForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Regexp(r"^[A-Za-z0-9-]{1,32}$")])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])


class UnitForm(FlaskForm):
    name = StringField(_l("Unit name"), validators=[DataRequired(), Length(max=120)])


class StaffForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_.-]{2,80}$")])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=choices([
        ("officer", _l("Officer")), ("lecturer", _l("Lecturer")), ("admin", _l("Administrator"))]))
    facility_id = SelectField(_l("Facility"), coerce=int, validators=[Optional()])
    password = PasswordField(_l("Password (at least 8 characters)"),
                             validators=[DataRequired(), Length(min=8, max=200)])
    reviewer = BooleanField(_l("May publish content (reviewer)"))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    action = SelectField(_l("Action"), validators=[Optional()])
    actor = StringField(_l("Staff username"), validators=[Optional(), Length(max=80)])
    learner = StringField(_l("Learner number"), validators=[Optional(), Length(max=20)])
    facility = SelectField(_l("Facility"), coerce=int, validators=[Optional()])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password (at least 8 characters)"),
                             validators=[DataRequired(), Length(min=8, max=200)])
