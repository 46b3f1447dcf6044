"""Listen to the machine voice: ``python -m lms.speech tg "Салом, дӯстон!" [-o clip.ogg|.wav]``.

Prints what eSpeak is given (phoneme input for Tajik) and the phonemes it spoke, in IPA.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from lms.speech import engine, tajik
from lms.speech.numbers import say_numbers
from lms.speech.voice import _VOICES, SpeechUnavailable, speak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lms.speech", description=__doc__)
    parser.add_argument("lang", choices=("tg", "ru"))
    parser.add_argument("text")
    parser.add_argument("-o", "--output", help="write the clip: .ogg (Opus) or .wav (raw eSpeak)")
    args = parser.parse_args(argv)
    try:
        voice, rate = _VOICES[args.lang]
        if args.lang == "tg":
            source = tajik.phonemes(args.text)
        else:
            source = say_numbers(args.text, "ru")
        result = engine.synthesize(source, voice, phoneme_input=args.lang == "tg", rate=rate)
        print(source)
        print("/" + " ".join(result.phonemes) + f"/  {result.seconds:.2f} s")
        if args.output and args.output.endswith(".wav"):
            import soundfile

            soundfile.write(args.output, np.asarray(result.samples), result.rate)
        elif args.output:
            with open(args.output, "wb") as f:
                f.write(speak(args.text, args.lang))
    except SpeechUnavailable as exc:
        print(f"no voice: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
