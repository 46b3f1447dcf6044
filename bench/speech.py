"""The machine voice's cost: real paragraphs of the bundled courses made into Ogg/Opus clips.

    .venv/bin/python bench/speech.py              # every paragraph of content/*/l0*.{tg,ru}.md
    .venv/bin/python bench/speech.py --limit 50   # the first 50 per language

Paragraphs, headings and list items are taken from the lessons' Markdown with the markup, the
pictures and the quiz blocks removed (a rough cut: the importer will speak the rendered blocks).
For each language it prints the clips made per second of work, the seconds of audio made per
second of work, the bytes per second of audio, and where the time goes (eSpeak NG, resampling,
Opus). Work is measured as wall time and as this process's CPU time: the machine may be shared,
and CPU time is what another machine of the same kind would need.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lms.speech import engine, tajik  # noqa: E402
from lms.speech.encode import OPUS_RATE, duration, encode_opus, resample  # noqa: E402
from lms.speech.numbers import say_numbers  # noqa: E402
from lms.speech.voice import _VOICES  # noqa: E402

_FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
_MARKUP = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), " "),  # pictures and record: placeholders
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"^\s{0,3}(#{1,6}|[-*+]|\d+[.)]|>|:::.*)\s*", re.M), ""),  # block markers
    (re.compile(r"[*_`|]+"), " "),
]


def paragraphs(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)  # front matter
    text = _FENCE.sub("", text)
    out = []
    for block in re.split(r"\n\s*\n|\n(?=\s{0,3}(?:[-*+]|\d+[.)]|#)\s)", text):
        for pattern, repl in _MARKUP:
            block = pattern.sub(repl, block)
        block = " ".join(block.split()).strip(" -:")
        if re.search(r"\w", block) and block != "---":
            out.append(block)
    return out


def run(lang: str, texts: list[str]) -> None:
    voice, rate = _VOICES[lang]
    t_prep = t_synth = t_resample = t_opus = 0.0
    audio = size = 0.0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for text in texts:
        c0 = time.process_time()
        source = tajik.phonemes(text) if lang == "tg" else say_numbers(text, "ru")
        c1 = time.process_time()
        result = engine.synthesize(source, voice, phoneme_input=lang == "tg", rate=rate)
        c2 = time.process_time()
        samples = resample(result.samples, result.rate, OPUS_RATE)
        c3 = time.process_time()
        clip = encode_opus(samples, OPUS_RATE)
        c4 = time.process_time()
        t_prep, t_synth = t_prep + c1 - c0, t_synth + c2 - c1
        t_resample, t_opus = t_resample + c3 - c2, t_opus + c4 - c3
        audio += duration(clip)
        size += len(clip)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    n = len(texts)
    print(f"{lang}: {n} clips, {audio:.0f} s of audio, {size / 1024:.0f} KiB, "
          f"{wall:.1f} s wall, {cpu:.1f} s CPU")
    print(f"    clips per second of work:        {n / wall:6.1f} wall  {n / cpu:6.1f} CPU")
    print(f"    audio seconds per second of work: {audio / wall:6.1f} wall  {audio / cpu:6.1f} CPU")
    print(f"    bytes per second of audio:        {size / audio:6.0f}"
          f"  ({size * 8 / audio / 1000:.1f} kbit/s), {audio / n:.1f} s a clip on average")
    print(f"    CPU: text {t_prep:.2f} s, eSpeak {t_synth:.2f} s, resampling {t_resample:.2f} s, "
          f"Opus {t_opus:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="paragraphs per language (0: all)")
    args = parser.parse_args()
    print(f"eSpeak NG {engine.info()}")
    engine.synthesize("а", "fa")  # initialise outside the measurement
    for lang in ("tg", "ru"):
        texts = [p for f in sorted(ROOT.glob(f"content/*/l0*.{lang}.md")) for p in paragraphs(f)]
        run(lang, texts[: args.limit] if args.limit else texts)


if __name__ == "__main__":
    main()
