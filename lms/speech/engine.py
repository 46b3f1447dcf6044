"""eSpeak NG, loaded from the ``espeakng-loader`` wheel and driven through ctypes.

The wheel bundles ``libespeak-ng`` and its ``espeak-ng-data`` folder, so nothing is needed from
the operating system. This module is the only one that touches the library:

- :func:`synthesize` turns text (or eSpeak phoneme input) into 16-bit mono samples;
- :func:`info` says which eSpeak NG was loaded, or raises :class:`SpeechUnavailable`.

eSpeak NG keeps global state and is not thread-safe: every call goes through one lock, and the
library is initialised once per process, on first use, in synchronous mode (samples are handed to
a callback while :c:func:`espeak_Synth` runs; nothing is played). Every failure, from a missing
wheel to an error code, becomes :class:`SpeechUnavailable` with a reason a person can read.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

import numpy as np
from flask_babel import lazy_gettext as _l

__all__ = ["Synthesis", "SpeechUnavailable", "info", "synthesize"]

# speak_lib.h
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 0x1
_PHONEMES = 0x100  # espeakPHONEMES: text between [[ and ]] is phoneme input
_ENDPAUSE = 0x1000
_INIT_PHONEME_EVENTS = 0x0001
_INIT_PHONEME_IPA = 0x0002
_INIT_DONT_EXIT = 0x8000  # without it, a bad data path makes the library call exit()
_EVENT_LIST_TERMINATED = 0
_EVENT_PHONEME = 7
_RATE = 1  # espeakRATE, words per minute (80–450, default 175)
_ERRORS = {1: "EE_INTERNAL_ERROR", 2: "EE_BUFFER_FULL", 3: "EE_NOT_FOUND"}


class SpeechUnavailable(RuntimeError):
    """The machine voice cannot make this clip. ``str(error)`` says why, for a person, in the
    language of the request when there is one (the reasons are translated), else in English."""


class _Id(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _Id),
    ]


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass(frozen=True)
class Synthesis:
    """What eSpeak made: mono 16-bit ``samples`` at ``rate`` Hz, and the phonemes it spoke
    (IPA, one string per phoneme event), which tests use to check what eSpeak understood."""

    samples: np.ndarray
    rate: int
    phonemes: tuple[str, ...]

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate if self.rate else 0.0


class _Engine:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lib = None
        self.rate = 0
        self.version = ""
        self.error = None  # the reason loading failed, kept (untranslated until shown)
        self.voice: str | None = None
        self._chunks: list[np.ndarray] = []
        self._phonemes: list[str] = []
        self._callback = _CALLBACK(self._collect)  # kept alive as long as the engine

    def _collect(self, wav, numsamples, events) -> int:
        if wav and numsamples > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(numsamples,)).copy())
        if events:
            i = 0
            while events[i].type != _EVENT_LIST_TERMINATED:
                if events[i].type == _EVENT_PHONEME and events[i].id.string:
                    self._phonemes.append(events[i].id.string.decode("utf-8", "replace"))
                i += 1
        return 0

    def load(self) -> None:
        """Load and initialise the library once; remember a failure and its reason."""
        if self.lib is not None:
            return
        if self.error is not None:
            raise SpeechUnavailable(self.error)
        try:
            self._load()
        except SpeechUnavailable as exc:
            self.error = exc.args[0]
            raise

    def _load(self) -> None:
        try:
            import espeakng_loader
        except ImportError as exc:
            raise SpeechUnavailable(_l(
                "eSpeak NG is not installed (the Python package espeakng-loader is missing)"
            )) from exc
        try:
            path = espeakng_loader.get_library_path()
            data = espeakng_loader.get_data_path()
        except Exception as exc:  # the loader raises RuntimeError for a missing data folder
            raise SpeechUnavailable(
                _l("eSpeak NG's files are incomplete: %(error)s", error=str(exc))) from exc
        try:
            lib = ctypes.CDLL(path)
        except OSError as exc:
            raise SpeechUnavailable(
                _l("eSpeak NG's library could not be loaded: %(error)s", error=str(exc))) from exc
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p,
        ]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
        options = _INIT_PHONEME_EVENTS | _INIT_PHONEME_IPA | _INIT_DONT_EXIT
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data.encode(), options)
        if rate <= 0:
            raise SpeechUnavailable(
                _l("eSpeak NG could not start with its data in %(path)s", path=data))
        lib.espeak_SetSynthCallback(self._callback)
        self.version = (lib.espeak_Info(None) or b"").decode()
        self.rate = rate
        self.lib = lib

    def synthesize(self, text: str, voice: str, *, phoneme_input: bool, rate: int) -> Synthesis:
        with self.lock:
            self.load()
            lib = self.lib
            if voice != self.voice:
                err = lib.espeak_SetVoiceByName(voice.encode())
                if err != 0:
                    self.voice = None
                    raise SpeechUnavailable(_l("eSpeak NG has no voice %(voice)s (%(error)s)",
                                               voice=voice, error=_ERRORS.get(err, err)))
                self.voice = voice
            lib.espeak_SetParameter(_RATE, rate, 0)
            data = text.encode("utf-8") + b"\0"
            flags = _CHARS_UTF8 | _ENDPAUSE | (_PHONEMES if phoneme_input else 0)
            self._chunks, self._phonemes = [], []
            try:
                err = lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, flags, None, None)
                samples = (np.concatenate(self._chunks) if self._chunks
                           else np.zeros(0, dtype=np.int16))
                phonemes = tuple(self._phonemes)
            finally:
                self._chunks, self._phonemes = [], []
            if err != 0:
                raise SpeechUnavailable(
                    _l("eSpeak NG could not speak (%(error)s)", error=_ERRORS.get(err, err)))
            return Synthesis(samples.astype(np.int16, copy=False), self.rate, phonemes)


_engine = _Engine()


def info() -> str:
    """The loaded eSpeak NG's version (e.g. ``"1.52.0"``); raises :class:`SpeechUnavailable`."""
    with _engine.lock:
        _engine.load()
        return _engine.version


def synthesize(text: str, voice: str, *, phoneme_input: bool = False, rate: int = 150) -> Synthesis:
    """Speak ``text`` with eSpeak's ``voice`` (``"fa"``, ``"ru"``…) at ``rate`` words a minute.

    With ``phoneme_input`` the text may hold eSpeak phoneme mnemonics between ``[[`` and ``]]``
    (what :func:`lms.speech.tajik.phonemes` writes); punctuation outside them makes pauses.
    """
    return _engine.synthesize(text, voice, phoneme_input=phoneme_input, rate=rate)
