"""Translated messages for account rule errors (services raise short codes)."""

from flask_babel import lazy_gettext as _l

from .services import AccountError

ACCOUNT_ERRORS = {
    "pin": _l("A PIN is 4 to 6 digits."),
    "number": _l("A learner number is up to 20 letters, digits or dashes."),
    "name": _l("The full name is missing."),
    "unit": _l("The unit does not belong to this facility."),
    "duplicate": _l("This learner number or username is already taken."),
    "role": _l("This role cannot be created here."),
    "username": _l("A username is 2 to 80 latin letters, digits, dots, dashes or underscores."),
    "facility": _l("An officer must belong to a facility."),
    "password": _l("A password needs at least 8 characters."),
}


def account_error(error: AccountError) -> str:
    return str(ACCOUNT_ERRORS.get(str(error), error))
