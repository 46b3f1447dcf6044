"""Reading an answer out of a submitted form, and the no-JavaScript on-screen keyboards."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

KEYBOARDS = {
    "tg": ["ёйқукенгшҳзхъ", "фҷвапролджэ", "ячсмитӣбюғӯ"],
    "ru": ["ёйцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"],
    "en": ["qwertyuiop", "asdfghjkl", "zxcvbnm"],
}
# A literacy course may ask for the keys in the order its learners learn the letters
# (``kiosk: keyboard: alphabet`` in course.yml).
ALPHABETS = {
    "tg": ["абвгғдеёжзиӣ", "йкқлмнопрсту", "ӯфхҳчҷшъэюя"],
    "ru": ["абвгдеёжзий", "клмнопрстуф", "хцчшщъыьэюя"],
}
NUMBER_KEYS = "1234567890,-"
TEXT_LIMIT = 4000


def keyboard_rows(lang: str, order: str = "standard") -> list[str]:
    """The letter rows of the on-screen keyboard for ``lang`` (``order``: "standard" or
    "alphabet", the course's kiosk setting)."""
    if order == "alphabet" and lang in ALPHABETS:
        return ALPHABETS[lang]
    return KEYBOARDS.get(lang, KEYBOARDS["tg"])


def press(text: str, key: str, *, numeric: bool = False) -> str:
    """Apply one on-screen key to a draft answer (used when the page runs without JavaScript)."""
    if key == "back":
        return text[:-1]
    if key == "space":
        return (text + " ")[:TEXT_LIMIT]
    if key == "clear":
        return ""
    allowed = NUMBER_KEYS if numeric else "".join(KEYBOARDS["tg"] + KEYBOARDS["ru"]) + NUMBER_KEYS
    if len(key) == 1 and key.lower() in allowed:
        return (text + key)[:TEXT_LIMIT]
    return text


def parse(kind: str, form: MultiDict[str, str]) -> Any:
    """The response in the shape ``grading.grade`` takes; None when nothing was given."""
    if kind in ("multichoice",):
        return form.get("choice") or None
    if kind == "truefalse":
        value = form.get("choice")
        return value if value in ("true", "false") else None
    if kind == "multiresponse":
        chosen = form.getlist("choice")
        return chosen or None
    if kind in ("shortanswer", "numerical", "essay"):
        text = (form.get("text") or "").strip()
        return text[:TEXT_LIMIT] or None
    if kind == "matching":
        pairs = {k[6:]: v for k, v in form.items() if k.startswith("match-") and v}
        return pairs or None
    return None
