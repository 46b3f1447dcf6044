"""The kiosk's own words that get a sound, in every language (the same msgids as the
templates use)."""

from __future__ import annotations

from flask import g, has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..content.speaker_marks import normalize

KIOSK_WORDS = (
    _l("Continue"), _l("Next"), _l("Back"), _l("Check"), _l("Save"), _l("True"), _l("False"),
    _l("Right!"), _l("Not quite."), _l("Partly right."), _l("Lesson passed!"), _l("Not passed yet"), _l("Next lesson"),
    _l("Back to the course"), _l("Take the lesson again"),
    _l("You have used all your tries. Read the lesson again and try once more."),
    _l("Choose every right answer."), _l("Tap a word on the left, then its pair on the right."),
    _l("Sign out"), _l("Sign in"), _l("Your learner number"), _l("Your PIN"), _l("I am here"),
    _l("Are you still there? You will be signed out in a minute."),
    _l("Start"), _l("Home"), _l("My certificates"), _l("Try these exercises again:"),
    _l("Write your answer to these:"), _l("Read these pages too:"),
    _l("You have finished every lesson of this course."),
    _l("The test is finished"), _l("The test is not finished yet"),
    _l("You know these already and may skip them:"),
    _l("Start the course at its beginning: every lesson is for you."),
    _l("Answer these too: a right answer may let you skip more."),
    _l("Please choose or write an answer first."),
    _l("You have used all your tries for this exercise."), _l("You have already answered this."),
    _l("This lesson opens when you finish the one before it."),
)


def kiosk_words(lang: str) -> list[str]:
    cache = g.setdefault("_kiosk_words", {}) if has_app_context() else {}
    if lang not in cache:
        with force_locale(lang):
            cache[lang] = [normalize(str(word)) for word in KIOSK_WORDS]
    return cache[lang]
