"""The machine voice: text in Tajik or Russian to an Ogg/Opus clip.

    from lms.speech import SpeechUnavailable, VOICE_VERSION, available, speak

    ok, why = available()          # (True, "eSpeak NG 1.52.0") or (False, "…reason…")
    clip = speak("Салом, дӯстон!", "tg")   # bytes of an Ogg/Opus file; raises SpeechUnavailable

- ``speak(text, lang)``: ``text`` is plain text (no Markdown) of one block a learner sees: a
  paragraph, a heading, an answer choice. ``lang`` is ``"tg"`` (the Tajik letter table driving
  eSpeak's Persian voice with phoneme input, :mod:`lms.speech.tajik`) or ``"ru"`` (eSpeak's
  Russian voice reading plain text). Numbers in digits are read as words in both
  (:mod:`lms.speech.numbers`). Clips are mono, 24 kHz, Opus in Ogg. It takes tens of
  milliseconds per short sentence: call it when a course is imported or a revision published,
  never while a learner waits.
- ``VOICE_VERSION``: store it with every machine clip and make the clip again when it differs;
  it changes whenever the letter table, the rules, the numbers or the engine's settings change
  what a clip sounds like.
- ``available()``: whether clips can be made here, and if not, why (for the studio and the
  check command). It never raises.
- ``SpeechUnavailable``: the one exception; ``str(error)`` is a reason a person can read. A
  ``ValueError`` means a programming error (an unknown language).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.speech import engine, tajik
from lms.speech.encode import OPUS_RATE, encode_opus, resample
from lms.speech.engine import SpeechUnavailable
from lms.speech.numbers import say_numbers

__all__ = ["LANGUAGES", "MAX_CHARS", "VOICE_VERSION", "SpeechUnavailable", "available", "speak"]

VOICE_VERSION = 1
LANGUAGES = ("tg", "ru")
MAX_CHARS = 5000  # a clip is one block; a longer text is a mistake upstream
# eSpeak's voice and words per minute; slower than eSpeak's 175 for readers who are learning.
_VOICES = {"tg": ("fa", 140), "ru": ("ru", 145)}


def available() -> tuple[bool, str]:
    """(True, what will speak) or (False, why not)."""
    try:
        version = engine.info()
        import soundfile

        if "OPUS" not in soundfile.available_subtypes("OGG"):
            return False, _("This libsndfile cannot write Ogg/Opus")
    except SpeechUnavailable as exc:
        return False, str(exc)
    except (ImportError, OSError) as exc:
        return False, _("The Opus encoder (soundfile) is not available: %(error)s", error=str(exc))
    return True, f"eSpeak NG {version}"


def speak(text: str, lang: str) -> bytes:
    """``text`` read aloud in ``lang`` ("tg" or "ru"), as the bytes of an Ogg/Opus file."""
    if lang not in _VOICES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    text = (text or "").strip()
    if len(text) > MAX_CHARS:
        raise SpeechUnavailable(
            _l("The text is too long for one clip (%(n)s characters)", n=len(text)))
    voice, rate = _VOICES[lang]
    if lang == "tg":
        source, phoneme_input = tajik.phonemes(text), True
    else:
        source, phoneme_input = say_numbers(text, "ru"), False
    if not source.strip(" .,!?;:"):
        raise SpeechUnavailable(_l("The text has nothing to read aloud"))
    result = engine.synthesize(source, voice, phoneme_input=phoneme_input, rate=rate)
    if result.seconds <= 0:
        raise SpeechUnavailable(_l("eSpeak NG made no sound for this text"))
    return encode_opus(resample(result.samples, result.rate, OPUS_RATE), OPUS_RATE)
