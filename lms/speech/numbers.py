"""Numbers written with digits, read as Tajik or Russian words.

``say_numbers(text, lang)`` returns ``text`` with every number written in digits replaced by
words, so that the voice reads «25 сомонӣ» as «бисту панҷ сомонӣ» and «25 лет» as «двадцать пять
лет». What it reads:

- whole numbers from 0 to 999 999 999 999, written together or in groups of three separated by
  a space, a no-break space or a thin space («1 500 000»);
- decimals with a comma or a point («2,5», «0.75»): Tajik «ду бутуну панҷ даҳяк», Russian «две
  целых пять десятых»; more than three decimals are read digit by digit after the word for
  comma («вергул», «запятая»);
- «%» after a number: «фоиз», «процент/процента/процентов»;
- Tajik ordinals written «5-ум», «2-юм»: «панҷум», «дуюм»;
- ranges «4–6» and «4-6»: «чор-шаш», «четыре-шесть»; dates «12.05.2024» as three numbers.

Tajik joins the parts of a number with -у after a consonant and -ю after a vowel («ду ҳазору
панҷсаду бисту чор»). Russian uses the masculine forms for counting («один», «два») and the
feminine before «тысяча» and in decimals. Case and gender agreement with the word that follows
(«двух книг») is not done: the nominative is read.
"""

from __future__ import annotations

import re

__all__ = ["say_numbers", "tajik_number", "russian_number"]

_TG_UNITS = ["сифр", "як", "ду", "се", "чор", "панҷ", "шаш", "ҳафт", "ҳашт", "нӯҳ"]
_TG_TEENS = ["даҳ", "ёздаҳ", "дувоздаҳ", "сездаҳ", "чордаҳ", "понздаҳ", "шонздаҳ", "ҳабдаҳ",
             "ҳаждаҳ", "нуздаҳ"]
_TG_TENS = ["", "", "бист", "сӣ", "чил", "панҷоҳ", "шаст", "ҳафтод", "ҳаштод", "навад"]
_TG_HUNDREDS = ["", "сад", "дусад", "сесад", "чорсад", "панҷсад", "шашсад", "ҳафтсад", "ҳаштсад",
                "нӯҳсад"]
_TG_SCALES = [(10**9, "миллиард"), (10**6, "миллион"), (1000, "ҳазор")]
_TG_FRACTIONS = {1: "даҳяк", 2: "садяк", 3: "ҳазоряк"}
_TG_VOWELS = "аеёиӣоуӯэюя"

_RU_UNITS = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
_RU_TEENS = ["десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
             "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"]
_RU_TENS = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
            "восемьдесят", "девяносто"]
_RU_HUNDREDS = ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот",
                "восемьсот", "девятьсот"]
_RU_SCALES = [(10**9, ("миллиард", "миллиарда", "миллиардов"), False),
              (10**6, ("миллион", "миллиона", "миллионов"), False),
              (1000, ("тысяча", "тысячи", "тысяч"), True)]
_RU_FRACTIONS = {1: "десят", 2: "сот", 3: "тысячн"}

MAX = 10**12 - 1


def _tg_join(parts: list[str]) -> str:
    """Tajik joins the parts of a number with -у (after a consonant) or -ю (after a vowel)."""
    out = []
    for part in parts[:-1]:
        if part.endswith("ӣ"):
            out.append(part[:-1] + "ию")
        elif part[-1] in _TG_VOWELS:
            out.append(part + "ю")
        else:
            out.append(part + "у")
    return " ".join(out + parts[-1:])


def _tg_below_1000(n: int) -> list[str]:
    parts = []
    if n >= 100:
        parts.append(_TG_HUNDREDS[n // 100])
        n %= 100
    if 10 <= n < 20:
        parts.append(_TG_TEENS[n - 10])
    else:
        if n >= 20:
            parts.append(_TG_TENS[n // 10])
        if n % 10:
            parts.append(_TG_UNITS[n % 10])
    return parts


def tajik_number(n: int) -> str:
    """A whole number 0…999 999 999 999 in Tajik words: 2024 → «ду ҳазору бисту чор»."""
    if not 0 <= n <= MAX:
        raise ValueError(f"{n} is out of range")
    if n == 0:
        return _TG_UNITS[0]
    parts: list[str] = []
    for size, name in _TG_SCALES:
        count, n = divmod(n, size)
        if count:
            head = _tg_join(_tg_below_1000(count))
            parts.append(name if (count == 1 and size == 1000) else f"{head} {name}")
    if n:
        parts.extend(_tg_below_1000(n))
    return _tg_join(parts)


def _tg_ordinal(n: int) -> str:
    words = tajik_number(n)
    if words.endswith("ӣ"):
        return words[:-1] + "июм"
    return words + ("юм" if words[-1] in _TG_VOWELS else "ум")


def _ru_plural(n: int, forms: tuple[str, str, str]) -> str:
    if 11 <= n % 100 <= 14:
        return forms[2]
    if n % 10 == 1:
        return forms[0]
    if 2 <= n % 10 <= 4:
        return forms[1]
    return forms[2]


def _ru_below_1000(n: int, feminine: bool = False) -> list[str]:
    parts = []
    if n >= 100:
        parts.append(_RU_HUNDREDS[n // 100])
        n %= 100
    if 10 <= n < 20:
        parts.append(_RU_TEENS[n - 10])
    else:
        if n >= 20:
            parts.append(_RU_TENS[n // 10])
        if n % 10:
            unit = _RU_UNITS[n % 10]
            if feminine and n % 10 in (1, 2):
                unit = "одна" if n % 10 == 1 else "две"
            parts.append(unit)
    return parts


def russian_number(n: int, feminine: bool = False) -> str:
    """A whole number 0…999 999 999 999 in Russian words: 2024 → «две тысячи двадцать четыре»."""
    if not 0 <= n <= MAX:
        raise ValueError(f"{n} is out of range")
    if n == 0:
        return _RU_UNITS[0]
    parts: list[str] = []
    for size, forms, fem in _RU_SCALES:
        count, n = divmod(n, size)
        if count:
            if count > 1 or not fem:  # «тысяча», not «одна тысяча»
                parts.extend(_ru_below_1000(count, fem))
            parts.append(_ru_plural(count, forms))
    if n:
        parts.extend(_ru_below_1000(n, feminine))
    return " ".join(parts)


def _decimal(whole: int, frac: str, lang: str) -> str:
    if lang == "tg":
        if len(frac) > 3:
            return f"{tajik_number(whole)} вергул " + " ".join(_TG_UNITS[int(d)] for d in frac)
        return (f"{tajik_number(whole)} бутуну {tajik_number(int(frac))} "
                f"{_TG_FRACTIONS[len(frac)]}")
    if len(frac) > 3:
        return f"{russian_number(whole)} запятая " + " ".join(_RU_UNITS[int(d)] for d in frac)
    numerator = int(frac)
    one = lambda k: k % 10 == 1 and k % 100 != 11  # noqa: E731
    return (f"{russian_number(whole, feminine=True)} {'целая' if one(whole) else 'целых'} "
            f"{russian_number(numerator, feminine=True)} "
            f"{_RU_FRACTIONS[len(frac)]}{'ая' if one(numerator) else 'ых'}")


def _percent(number: str, is_decimal: bool, lang: str) -> str:
    if lang == "tg":
        return "фоиз"
    if is_decimal:
        return "процента"
    return _ru_plural(int(number), ("процент", "процента", "процентов"))


_SEP = "[ \u00a0\u202f\u2009]"
_INT = rf"\d{{1,3}}(?:{_SEP}\d{{3}})+(?!\d)|\d+"
_NUMBER = re.compile(
    rf"(?P<date>(?<!\d)\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}(?!\d))"
    rf"|(?P<range>(?<![\d.,])(?:{_INT})[-–](?:{_INT})(?![\d.,]\d))"
    rf"|(?P<int>{_INT})(?:[.,](?P<frac>\d+))?"
    rf"(?P<ord>-(?:ум|юм|ӯм|ом)\b)?(?P<pct>\s?%)?"
)


def _whole(digits: str, lang: str) -> str:
    n = int(re.sub(_SEP, "", digits))
    if n > MAX:
        return " ".join(_whole(d, lang) for d in digits)  # read digit by digit
    return tajik_number(n) if lang == "tg" else russian_number(n)


def say_numbers(text: str, lang: str) -> str:
    """``text`` with its numbers in words of ``lang`` ("tg" or "ru")."""
    if lang not in ("tg", "ru"):
        raise ValueError(f"unknown language {lang!r}")

    def replace(m: re.Match) -> str:
        if m.group("date"):
            return ", ".join(_whole(p, lang) for p in m.group("date").split(".")) + ","
        if m.group("range"):
            a, b = re.split("[-–]", m.group("range"))
            return f"{_whole(a, lang)}-{_whole(b, lang)}"
        digits, frac = m.group("int"), m.group("frac")
        if frac is not None:
            words = _decimal(int(re.sub(_SEP, "", digits)), frac, lang)
        elif m.group("ord") and lang == "tg":
            words = _tg_ordinal(int(re.sub(_SEP, "", digits)))
        else:
            words = _whole(digits, lang)
            if m.group("ord"):
                words += m.group("ord")
        if m.group("pct"):
            words += " " + _percent(re.sub(_SEP, "", digits), frac is not None, lang)
        return words

    return _NUMBER.sub(replace, text)
