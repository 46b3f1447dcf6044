from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..content.models import ICONS, Category
from ..forms import choices

ID_RULE = Regexp(r"^[a-z0-9][a-z0-9-]{0,63}$",
                 message=_l("Lowercase latin letters, digits and dashes."))
CATEGORY_NAMES = {
    Category.LITERACY.value: _l("Reading and writing"),
    Category.VOCATIONAL.value: _l("A trade"),
    Category.DISENGAGEMENT.value: _l("Life skills and disengagement"),
}


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class SettingsForm(FlaskForm):
    title_tg = StringField(_l("Title in Tajik"), validators=[Optional(), Length(max=200)])
    title_ru = StringField(_l("Title in Russian"), validators=[Optional(), Length(max=200)])
    description_tg = TextAreaField(_l("Description in Tajik"),
                                   validators=[Optional(), Length(max=1000)])
    description_ru = TextAreaField(_l("Description in Russian"),
                                   validators=[Optional(), Length(max=1000)])
    category = SelectField(_l("Kind of course"), choices=choices(CATEGORY_NAMES.items()))
    icon = SelectField(_l("Picture on the kiosk"), choices=choices((i, i) for i in ICONS))
    level = IntegerField(_l("Level (1 beginner to 5)"), default=1,
                         validators=[DataRequired(), NumberRange(1, 5)])
    pass_mark = IntegerField(_l("Pass mark (percent)"), default=60,
                             validators=[Optional(), NumberRange(0, 100)])
    sequential = BooleanField(_l("Lessons open one after the other"), default=True)


class NewCourseForm(SettingsForm):
    slug = StringField(_l("Course id (latin, never changes)"),
                       validators=[DataRequired(), ID_RULE])


class ModuleTitleForm(FlaskForm):
    title_tg = StringField(_l("Title in Tajik"), validators=[Optional(), Length(max=200)])
    title_ru = StringField(_l("Title in Russian"), validators=[Optional(), Length(max=200)])


class ModuleForm(ModuleTitleForm):
    key = StringField(_l("Module id"), validators=[DataRequired(), ID_RULE])


class LessonForm(FlaskForm):
    module = SelectField(_l("Module"))
    key = StringField(_l("Lesson id"), validators=[DataRequired(), ID_RULE])
    title_tg = StringField(_l("Title in Tajik"), validators=[Optional(), Length(max=200)])
    title_ru = StringField(_l("Title in Russian"), validators=[Optional(), Length(max=200)])


class RestoreForm(FlaskForm):
    module = SelectField(_l("Into module"))


class ShareForm(FlaskForm):
    user_id = SelectField(_l("Lecturer"), coerce=int)


class EditorForm(FlaskForm):
    text = TextAreaField(_l("Lesson text (Markdown)"))
    note = StringField(_l("What changed (optional)"), validators=[Optional(), Length(max=200)])


class UploadForm(FlaskForm):
    file = FileField(_l("Picture or sound"), validators=[FileRequired()])
    name = StringField(_l("Name (optional, latin letters)"),
                       validators=[Optional(), Length(max=80)])


class SubmitForm(FlaskForm):
    note = TextAreaField(_l("A note for the reviewer (optional)"),
                         validators=[Optional(), Length(max=1000)])


class ReturnForm(FlaskForm):
    comment = TextAreaField(_l("What should change"), validators=[DataRequired(),
                                                                  Length(max=2000)])
