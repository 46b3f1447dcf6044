"""The machine voice for Tajik and Russian: eSpeak NG from a wheel, a Tajik letter table, Opus.

Use :func:`speak`, :func:`available`, :data:`VOICE_VERSION` and :class:`SpeechUnavailable`
(documented in :mod:`lms.speech.voice`). The parts: :mod:`lms.speech.tajik` (letters to
phonemes), :mod:`lms.speech.numbers` (digits to words), :mod:`lms.speech.engine` (eSpeak NG
through ctypes), :mod:`lms.speech.encode` (resampling and Ogg/Opus). ``docs/speech.md`` says
what the voice can and cannot do. ``python -m lms.speech tg "Салом"`` prints the phonemes and
can write a clip, for listening.
"""

from lms.speech.voice import LANGUAGES, VOICE_VERSION, SpeechUnavailable, available, speak

__all__ = ["LANGUAGES", "VOICE_VERSION", "SpeechUnavailable", "available", "speak"]
