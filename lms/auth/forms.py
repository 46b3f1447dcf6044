from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp
from wtforms.widgets import PasswordInput


class StaffSignInForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class LearnerSignInForm(FlaskForm):
    """The keypad form. Without JavaScript each key press posts the form (``key``),
    and the server types the digit into the ``active`` field."""

    learner_number = StringField(
        _l("Learner number"),
        validators=[DataRequired(), Regexp(r"^[0-9A-Za-z-]{1,20}$")],
    )
    # The value is kept between no-JavaScript key presses.
    pin = PasswordField(
        _l("PIN"),
        validators=[DataRequired(), Regexp(r"^\d{4,6}$")],
        widget=PasswordInput(hide_value=False),
    )
    active = HiddenField(default="learner_number")


class EnrollForm(FlaskForm):
    code = StringField(_l("Enrollment code"), validators=[DataRequired(), Length(min=8, max=20)])


class LanguageForm(FlaskForm):
    """The language switch: the button pressed names the language; ``next`` is the page."""

    lang = StringField(validators=[DataRequired(), Length(max=8)])
    next = HiddenField(validators=[Length(max=2000)])
