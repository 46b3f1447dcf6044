"""Tajik text to eSpeak NG phoneme input for eSpeak's Persian voice (``fa``).

eSpeak NG has no Tajik voice, but Tajik Cyrillic spelling is close to phonemic and Tajik's sounds
are nearly all Persian's, so a letter table, a few rules and Persian's phonemes go a long way.

Public API:

- :data:`LETTERS`: the 35 letters of the Tajik alphabet, lower case, each a :class:`Letter`
  (its eSpeak phonemes where no rule applies, its IPA, an example word); :data:`LOANS`: the same
  for ц щ ы ь, which Russian loanwords bring.
- :func:`phonemes`: a text (plain text, not Markdown) to eSpeak input: every word becomes
  ``[[…]]`` with its stress marked, punctuation stays outside the brackets and is spoken as a
  pause, numbers written with digits are first read as Tajik words (:mod:`lms.speech.numbers`).
- :func:`word_phonemes`: one word, without brackets; handy in tests.

The rules, in the order they apply (``docs/speech.md`` has the same with examples):

1. е, ё, ю, я are й + vowel (``je jA ju ja``) at the start of a word, after a vowel, after ъ and
   after ь. After a consonant е is a plain ``e``; ё, ю, я keep their й there too (Tajik has no
   soft consonants: «дунё» is [dunjɔ]). After й they are the vowel alone (й is already there).
2. ъ after a vowel lengthens it («баъд» [baːd], «маъюс»), except before а, и, о, у…, where
   it is a glottal stop; between a consonant and е/ё/ю/я it only
   separates them («объект»); elsewhere after a consonant it is a glottal stop («санъат»).
3. The izofat: a final и after a consonant is unstressed (the stress stays on the word: «китоби
   ман» ki'tobi); after a vowel it is said with a й («хонаи» xo'naji).
4. Stress: the last syllable, except that
   - the enclitics -ро (written on the word: «китобро»), the izofat -и and the copula -аст
     written on a participle («шудааст») take no stress;
   - the verb prefixes ме-, на-, би- take it when the word ends in a personal ending (-ам, -ӣ,
     -ад, -ем, -ед, -анд): «мекунам» 'mekunam, «набошад», «бигиред»; наме- stresses на-;
     stems that only look prefixed (навис-, намо-, бин-…) are listed in :data:`NOT_PREFIXED`;
   - an imperative without би- (a word in -ед that has no ме-) is stressed on its first
     syllable: «кунед» 'kuned, «нависед» 'navised; nouns in -ед («умед», «сафед») are listed
     in :data:`NOT_IMPERATIVE`;
   - the clitics in :data:`PROCLITICS` (ба, дар, аз, бо, ва…) are joined to the next word and
     :data:`ENCLITICS` (аст) to the previous one, so they carry no stress of their own.
5. A word that is one consonant letter (a literacy lesson's «б — б — б») is the sound with a
   short neutral vowel after it (``b@``), so that it can be heard at all.
6. ц щ ы ь (Russian loanwords): ``ts``, ``S;`` (ɕ), ``i``, nothing; Latin letters are read one
   by one as a Tajik reader would say them.

Not done, and said in the docs: homographs, the stress of loanwords and of compound verbs, past
tense endings (after a past stem they are unstressed: 'рафтам), possessive endings, proper names.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from lms.speech.numbers import say_numbers

__all__ = ["LETTERS", "LOANS", "ENCLITICS", "NOT_IMPERATIVE", "NOT_PREFIXED", "PROCLITICS",
           "Letter", "phonemes", "word_phonemes"]


class Letter(NamedTuple):
    espeak: str  # eSpeak NG mnemonics (Persian phoneme table) where no rule applies
    ipa: str  # what eSpeak says for them
    example: str


LETTERS: dict[str, Letter] = {
    "а": Letter("a", "a", "анор"),
    "б": Letter("b", "b", "бобо"),
    "в": Letter("v", "v", "вақт"),
    "г": Letter("g", "ɡ", "гул"),
    "ғ": Letter("Q", "ɣ", "ғалла"),  # Tajik [ʁ]; Persian's voiced back fricative is close
    "д": Letter("d", "d", "дил"),
    "е": Letter("e", "e", "мева"),  # je at word start, after a vowel, ъ or ь
    "ё": Letter("jA", "jɑ", "ёр"),
    "ж": Letter("Z", "ʒ", "жола"),
    "з": Letter("z", "z", "замин"),
    "и": Letter("i", "i", "ин"),
    "ӣ": Letter("i", "i", "тоҷикӣ"),
    "й": Letter("j", "j", "рӯй"),
    "к": Letter("k", "k", "китоб"),
    "қ": Letter("q", "q", "қалам"),
    "л": Letter("l", "l", "лола"),
    "м": Letter("m", "m", "модар"),
    "н": Letter("n", "n", "нон"),
    "о": Letter("A", "ɑ", "об"),  # Tajik [ɔ]: Persian's long back a
    "п": Letter("p", "p", "пахта"),
    "р": Letter("R", "r", "роҳ"),  # a trill; eSpeak's r is the English one
    "с": Letter("s", "s", "себ"),
    "т": Letter("t", "t", "тут"),
    "у": Letter("u", "u", "умед"),
    "ӯ": Letter("o", "o", "кӯҳ"),  # Tajik [ɵ]; Persian's o, which Tajik о does not use
    "ф": Letter("f", "f", "фарзанд"),
    "х": Letter("x", "x", "хона"),
    "ҳ": Letter("h", "h", "ҳаво"),
    "ч": Letter("tS", "tʃ", "чой"),
    "ҷ": Letter("dZ", "dʒ", "ҷой"),
    "ш": Letter("S", "ʃ", "шир"),
    "ъ": Letter("?", "ʔ", "санъат"),  # or length, or nothing: rule 2
    "э": Letter("e", "e", "эълон"),
    "ю": Letter("ju", "ju", "юнон"),
    "я": Letter("ja", "ja", "яхдон"),
}

LOANS: dict[str, Letter] = {
    "ц": Letter("ts", "ts", "цемент"),
    "щ": Letter("S;", "ɕ", "щётка"),
    "ы": Letter("i", "i", "мыло"),
    "ь": Letter("", "", "апрель"),
}

_LATIN = {
    "a": "a", "b": "b", "c": "k", "d": "d", "e": "e", "f": "f", "g": "g", "h": "h", "i": "i",
    "j": "dZ", "k": "k", "l": "l", "m": "m", "n": "n", "o": "A", "p": "p", "q": "k", "r": "R",
    "s": "s", "t": "t", "u": "u", "v": "v", "w": "v", "x": "ks", "y": "j", "z": "z",
}

VOWELS = frozenset("аеёиӣоуӯэюяы")
_IOTATED = frozenset("еёюя")
_TABLE = {**LETTERS, **LOANS}
_VOWEL_PHONEMES = ("a", "e", "i", "A", "u", "o", "@")

PROCLITICS = frozenset({"ба", "дар", "аз", "бо", "бе", "то", "ва", "ё", "ки", "чун"})
ENCLITICS = frozenset({"аст"})
NOT_PREFIXED = ("навис", "намо", "намуд", "бин", "нишон", "бис", "метав")
_PREFIXES = ("наме", "ме", "на", "би")
_PERSONAL = ("анд", "ам", "ад", "ем", "ед", "янд", "ям", "яд", "ӣ")  # -яд: «меояд»
# Words in -ед that are not imperatives (rule 4): they keep the final stress.
NOT_IMPERATIVE = frozenset({"умед", "сафед", "сапед", "хуршед", "бед", "ид", "шед", "навед"})
_NO_ENCLITIC_RO = frozenset({"чаро", "зеро", "маро", "тоҷро"})


class _Unit(NamedTuple):
    ph: str
    vowel: bool


def _units(word: str) -> tuple[list[_Unit], bool]:
    """Letters to phoneme units, with rules 1–3 and 6. Returns (units, ends in an izofat)."""
    out: list[_Unit] = []
    izofat = False
    n = len(word)
    for i, ch in enumerate(word):
        prev = word[i - 1] if i else ""
        nxt = word[i + 1] if i + 1 < n else ""
        if ch in _IOTATED:
            vowel = {"е": "e", "ё": "A", "ю": "u", "я": "a"}[ch]
            if prev == "й":
                out.append(_Unit(vowel, True))
            elif ch == "е" and prev and prev not in VOWELS and prev not in "ъь":
                out.append(_Unit("e", True))
            else:
                out += [_Unit("j", False), _Unit(vowel, True)]
        elif ch == "ъ":
            if prev in VOWELS and (nxt not in VOWELS or nxt in _IOTATED) and out[-1:] and out[-1].vowel:
                out[-1] = _Unit(out[-1].ph + ":", True)
            elif prev and prev not in VOWELS and nxt in _IOTATED:
                pass
            elif prev:
                out.append(_Unit("?", False))
        elif ch == "и" and i == n - 1 and n > 2:
            izofat = True
            if prev in VOWELS:
                out.append(_Unit("j", False))
            out.append(_Unit("i", True))
        elif ch in _TABLE:
            ph = _TABLE[ch].espeak
            if ph:
                out.append(_Unit(ph, ch in VOWELS))
        elif ch in _LATIN:
            out.append(_Unit(_LATIN[ch], ch in "aeiou"))
    if izofat and sum(u.vowel for u in out) < 2:
        izofat = False  # «ки», «чи», «ни» are words, not an izofat
    return out, izofat


def _stressed(word: str, vowels: int, izofat: bool) -> int:
    """Which vowel (0-based) carries the stress: rule 4."""
    if vowels <= 1:
        return 0
    if word.startswith("наме") and word.endswith(_PERSONAL):
        return 0
    if (word.startswith(_PREFIXES) and word.endswith(_PERSONAL) and len(word) >= 5
            and not word.startswith(NOT_PREFIXED)):
        return 0
    if word.endswith("ед") and word not in NOT_IMPERATIVE and not word.startswith("ме"):
        return 0  # an imperative without би-: «кунед» 'kuned, «нависед», «кушоед»
    if izofat:
        return vowels - 2
    if word.endswith("ро") and word not in _NO_ENCLITIC_RO:
        return vowels - 2
    if word.endswith("аст") and len(word) > 4 and word[-4] in VOWELS:
        return vowels - 2  # the perfect: «шудааст» шу'дааст, the copula written on the word
    return vowels - 1


def _mark(units: list[_Unit], stressed: int) -> str:
    vowel_at = [i for i, u in enumerate(units) if u.vowel]
    if not vowel_at:  # a lone consonant (rule 5)
        return "".join(u.ph for u in units) + ("@" if units else "")
    at = vowel_at[stressed]
    if at > 0 and not units[at - 1].vowel:
        at -= 1  # the mark goes before the syllable's first consonant
    return "".join(("'" if i == at else "") + u.ph for i, u in enumerate(units))


def word_phonemes(word: str) -> str:
    """One word (letters, maybe joined by hyphens: «А-ро») to eSpeak mnemonics, stress marked."""
    parts = [p for p in word.lower().split("-") if p]
    if not parts:
        return ""
    out = []
    for j, part in enumerate(parts):
        units, izofat = _units(part)
        if not units:
            continue
        if j and part in ("ро", "и", "у", "ю"):  # an enclitic written after a hyphen
            out.append("".join(u.ph for u in units))
            continue
        vowels = sum(u.vowel for u in units)
        out.append(_mark(units, _stressed(part, vowels, izofat)))
    return "".join(out)


# A word: letters (Tajik, Russian, Latin), maybe with hyphens inside («А-ро», «хоҳу-нохоҳ»).
_LETTER = r"[^\W\d_]"
_TOKEN = re.compile(rf"(?P<word>{_LETTER}+(?:-{_LETTER}+)*)|(?P<stop>[.!?…]+)|(?P<pause>[,;:()\[\]—–\n]|(?<=\s)-(?=\s))")


def _groups(text: str):
    """Tokens as (kind, value): "word", "stop" (. ! ?), "pause" (a comma's worth)."""
    for m in _TOKEN.finditer(text):
        if m.group("word"):
            yield "word", m.group("word")
        elif m.group("stop"):
            yield "stop", m.group("stop")[0] if m.group("stop")[0] != "…" else "."
        else:
            yield "pause", ","


def phonemes(text: str) -> str:
    """A Tajik text to eSpeak NG phoneme input for the ``fa`` voice (synthesize with
    ``espeakPHONEMES``). Words become ``[[…]]``; . ! ? and , ; : — ( ) and line breaks become
    pauses; other signs are dropped. Digits are read first (``say_numbers(text, "tg")``)."""
    text = say_numbers(text.replace("[[", " ").replace("]]", " "), "tg")
    words: list[str] = []  # the phonological words of the current phrase, clitics joined
    pending: list[str] = []  # proclitics waiting for their host
    out: list[str] = []

    def flush_phrase(sign: str) -> None:
        words.extend(pending)
        pending.clear()
        if words:  # a sign with no words before it (",," or ". ,") adds nothing
            out.append(" ".join(f"[[{w}]]" for w in words) + sign)
        words.clear()

    for kind, value in _groups(text):
        if kind != "word":
            flush_phrase(value)
            continue
        low = value.lower()
        ph = word_phonemes(value)
        if not ph:
            continue
        if low in PROCLITICS:
            pending.append(ph.replace("'", ""))
        elif (low in ENCLITICS and words and not pending
              and not (words[-1][-1] in _VOWEL_PHONEMES and ph.lstrip("'")[0] in "aeiouA")):
            words[-1] += ph.replace("'", "")  # «хуб аст» xu'bast; «хона аст» stays two words
        else:
            words.append("".join(p for p in pending) + ph)
            pending.clear()
    flush_phrase("")
    return " ".join(out).strip()
