"""Samples to Ogg/Opus, with ``soundfile`` (its wheels bundle libsndfile built with Opus).

- :func:`resample`: eSpeak NG speaks at 22 050 Hz; Opus takes 8, 12, 16, 24 or 48 kHz. The
  samples are resampled to 24 kHz (which keeps everything eSpeak makes, up to 11 kHz) with a
  windowed-sinc interpolator: each output sample is a Kaiser-windowed sinc of the 32 input
  samples around it, so there is no aliasing and no imaging, unlike linear interpolation.
- :func:`encode_opus`: mono samples to an Ogg/Opus file in memory (``bytes``), about 24 kbit/s.
  libopus is most of the work: about 0.06 s of CPU per second of speech here.
- :func:`duration`: how many seconds an encoded clip lasts (for tests and the importer).
"""

from __future__ import annotations

import io
from fractions import Fraction
from functools import lru_cache

import numpy as np
from flask_babel import lazy_gettext as _l

__all__ = ["OPUS_RATE", "duration", "encode_opus", "resample"]

OPUS_RATE = 24_000
_HALF = 16  # taps on each side of an output sample
_BETA = 8.0  # Kaiser window: about 80 dB of stop-band attenuation
_CUTOFF = 0.95  # of the lower Nyquist frequency, so the transition band stays below it
_BLOCK = 8192  # output samples computed at once (keeps memory flat for long clips)
# libsndfile turns its "compression level" (0…1) into an Opus bitrate: 0.93 gives about
# 24 kbit/s at 24 kHz, plenty for one voice (its default spends 35 kbit/s on the same speech).
COMPRESSION = 0.93


def resample(samples: np.ndarray, src: int, dst: int = OPUS_RATE) -> np.ndarray:
    """Band-limited resampling of mono ``samples`` from ``src`` to ``dst`` Hz; returns float32,
    scaled to -1…1 for int16 input (left as it is otherwise)."""
    x = np.asarray(samples)
    scale = 1 / 32768 if x.dtype == np.int16 else 1.0
    x = x.astype(np.float32) * np.float32(scale)
    if src == dst or len(x) == 0:
        return x
    step = Fraction(src, dst)  # input samples per output sample: 147/160 for 22 050 → 24 000
    bank = _bank(step.numerator, step.denominator, min(1.0, dst / src))
    n_out = int(len(x) * dst // src)
    padded = np.concatenate([np.zeros(_HALF, np.float32), x, np.zeros(_HALF + 1, np.float32)])
    offsets = np.arange(-_HALF + 1, _HALF + 1) + _HALF
    out = np.empty(n_out, np.float32)
    for start in range(0, n_out, _BLOCK):
        n = np.arange(start, min(start + _BLOCK, n_out), dtype=np.int64) * step.numerator
        base, phase = np.divmod(n, step.denominator)  # input sample and fraction, exactly
        out[start:start + len(n)] = np.einsum(
            "ij,ij->i", padded[base[:, None] + offsets[None, :]], bank[phase])
    return out


@lru_cache(maxsize=8)
def _bank(num: int, den: int, ratio: float) -> np.ndarray:
    """The polyphase filter bank: for each of the ``den`` fractional positions, the 2*_HALF tap
    weights of a Kaiser-windowed sinc whose cut-off is below the lower Nyquist frequency."""
    cutoff = _CUTOFF * ratio
    frac = np.arange(den)[:, None] / den
    dist = frac - np.arange(-_HALF + 1, _HALF + 1)[None, :]
    u = dist / (_HALF + 1)
    window = np.i0(_BETA * np.sqrt(np.clip(1 - u * u, 0, None))) / np.i0(_BETA)
    return (cutoff * np.sinc(cutoff * dist) * window).astype(np.float32)


def encode_opus(samples: np.ndarray, rate: int) -> bytes:
    """Mono float samples (-1…1) at an Opus rate to an Ogg/Opus file, as bytes."""
    try:
        import soundfile
    except (ImportError, OSError) as exc:  # OSError: libsndfile itself failed to load
        from lms.speech.engine import SpeechUnavailable

        raise SpeechUnavailable(_l("The Opus encoder (soundfile) is not available: %(error)s",
                                   error=str(exc))) from exc
    buf = io.BytesIO()
    with soundfile.SoundFile(buf, "w", samplerate=rate, channels=1, format="OGG",
                             subtype="OPUS", compression_level=COMPRESSION) as f:
        f.write(np.clip(samples, -1.0, 1.0))
    return buf.getvalue()


def duration(data: bytes) -> float:
    """Seconds of sound in an encoded clip (any format libsndfile reads)."""
    import soundfile

    return soundfile.info(io.BytesIO(data)).duration
