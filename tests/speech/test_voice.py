"""speak(): Ogg/Opus clips for Tajik and Russian, and a clear SpeechUnavailable when the engine
cannot be had."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

from lms.speech import VOICE_VERSION, SpeechUnavailable, available, engine, speak
from lms.speech.encode import OPUS_RATE, duration, encode_opus, resample

TAJIK = "Ин ҳарфи А аст. Калимаи анор бо ҳамин ҳарф сар мешавад."
RUSSIAN = "Это буква А. Слово «анор» начинается с этой буквы."


@pytest.mark.parametrize(("text", "lang"), [(TAJIK, "tg"), (RUSSIAN, "ru")])
def test_speak_returns_an_ogg_opus_clip_with_sound(text, lang):
    clip = speak(text, lang)
    assert clip[:4] == b"OggS"
    assert b"OpusHead" in clip[:100]
    seconds = duration(clip)
    assert 2.0 < seconds < 10.0
    assert len(clip) / seconds < 6000  # speech, not silence padded or raw samples


def test_numbers_are_spoken_not_skipped():
    short, long = duration(speak("китоб", "tg")), duration(speak("25 китоб", "tg"))
    assert long > short + 0.4
    assert duration(speak("25 книг", "ru")) > duration(speak("книг", "ru")) + 0.4


def test_available_says_what_speaks():
    ok, why = available()
    assert ok, why
    assert why.startswith("eSpeak NG 1.")
    assert isinstance(VOICE_VERSION, int)


def test_an_unknown_language_is_a_programming_error():
    with pytest.raises(ValueError):
        speak("Hello", "en")


@pytest.mark.parametrize("text", ["", "   ", "— * —"])
def test_nothing_to_say_is_unavailable_with_a_reason(text):
    with pytest.raises(SpeechUnavailable, match="nothing to read"):
        speak(text, "tg")


def test_a_too_long_text_is_refused():
    with pytest.raises(SpeechUnavailable, match="too long"):
        speak("китоб " * 2000, "tg")


def test_without_the_library_speak_raises_and_available_says_why(monkeypatch):
    monkeypatch.setattr(engine, "_engine", engine._Engine())
    monkeypatch.setitem(sys.modules, "espeakng_loader", None)  # import fails
    with pytest.raises(SpeechUnavailable, match="espeakng-loader is missing"):
        speak(TAJIK, "tg")
    ok, why = available()
    assert not ok and "espeakng-loader" in why
    with pytest.raises(SpeechUnavailable):  # the failure is remembered, not retried per clip
        speak(RUSSIAN, "ru")


def test_a_broken_library_file_is_unavailable_with_a_reason(monkeypatch, tmp_path):
    import espeakng_loader

    broken = tmp_path / "libespeak-ng.so"
    broken.write_bytes(b"not a library")
    monkeypatch.setattr(engine, "_engine", engine._Engine())
    monkeypatch.setattr(espeakng_loader, "get_library_path", lambda: str(broken))
    with pytest.raises(SpeechUnavailable, match="could not be loaded"):
        speak(TAJIK, "tg")


def test_an_unknown_voice_is_unavailable():
    with pytest.raises(SpeechUnavailable, match="no voice"):
        engine.synthesize("x", "no-such-voice")
    assert engine.synthesize("да", "ru").seconds > 0  # and the engine still works after it


def test_threads_share_the_engine_safely():
    results: dict[int, float] = {}

    def work(i: int) -> None:
        results[i] = duration(speak(TAJIK if i % 2 else RUSSIAN, "tg" if i % 2 else "ru"))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 6
    # eSpeak varies a clip by a few milliseconds from one run to the next, even alone
    for same in ((1, 3, 5), (0, 2, 4)):
        assert max(results[i] for i in same) - min(results[i] for i in same) < 0.05


def test_resampling_keeps_a_tone_and_lets_no_alias_through():
    rate = 22050
    t = np.arange(rate) / rate
    tone = (np.sin(2 * np.pi * 1000 * t) * 16000).astype(np.int16)
    out = resample(tone, rate, OPUS_RATE)
    assert len(out) == OPUS_RATE
    middle = out[2000:-2000]
    spectrum = np.abs(np.fft.rfft(middle * np.hanning(len(middle))))
    freqs = np.fft.rfftfreq(len(middle), 1 / OPUS_RATE)
    assert abs(freqs[np.argmax(spectrum)] - 1000) < 2
    assert np.sqrt(np.mean(middle**2)) == pytest.approx(16000 / 32768 / np.sqrt(2), rel=0.01)
    far = np.abs(freqs - 1000) > 100
    assert 20 * np.log10(spectrum[far].max() / spectrum.max()) < -70


def test_duration_reads_an_encoded_clip():
    silence = np.zeros(OPUS_RATE * 2, dtype=np.float32)
    assert duration(encode_opus(silence, OPUS_RATE)) == pytest.approx(2.0, abs=0.01)
