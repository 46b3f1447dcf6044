"""Fixtures for the content engine: a small valid two-language course written to a temp folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200">\n'
       b'  <title>A circle</title>\n'
       b'  <circle cx="100" cy="100" r="80" fill="#e33"/>\n'
       b'</svg>\n')
OGG = b"OggS" + bytes(60)

COURSE_YML = """\
slug: demo
title:
  tg: Курси намунавӣ
  ru: Демо-курс
category: literacy
modules:
  - id: m1
    title:
      tg: Модули якум
      ru: Первый модуль
    lessons:
      - l1
      - l2
"""

# Line numbers matter: tests refer to them (e.g. the image is on line 9, q1 on line 16).
LESSON = """\
---
id: {key}
title: {title}
minutes: 5
---

# {title}

![{alt}](media/pic.svg "{caption}")

![{sound}](media/snd.ogg)

---

```quiz
::q1:: 2 + 2 = ? {{=4#{yes} ~3#{no} ~5}}

::q2:: {statement} {{T}}
```
"""

TEXTS = {
    "tg": dict(title="Дарси {n}", alt="Доира", caption="Доираи сурх", sound="Гӯш кунед",
               yes="Дуруст", no="Не", statement="Об тар аст."),
    "ru": dict(title="Урок {n}", alt="Круг", caption="Красный круг", sound="Послушайте",
               yes="Верно", no="Нет", statement="Вода мокрая."),
}


def lesson_text(key: str, lang: str, n: int = 1) -> str:
    texts = dict(TEXTS[lang])
    texts["title"] = texts["title"].format(n=n)
    return LESSON.format(key=key, **texts)


def write_course(root: Path, slug: str = "demo") -> Path:
    """Write the demo course to ``root/slug`` and return its folder."""
    folder = root / slug
    (folder / "media").mkdir(parents=True)
    (folder / "course.yml").write_text(COURSE_YML.replace("slug: demo", f"slug: {slug}"),
                                       encoding="utf-8")
    for n, key in enumerate(("l1", "l2"), start=1):
        for lang in ("tg", "ru"):
            (folder / f"{key}.{lang}.md").write_text(lesson_text(key, lang, n),
                                                     encoding="utf-8")
    (folder / "media" / "pic.svg").write_bytes(SVG)
    (folder / "media" / "snd.ogg").write_bytes(OGG)
    return folder


@pytest.fixture
def course_dir(tmp_path) -> Path:
    return write_course(tmp_path / "src")


@pytest.fixture
def edit() -> Callable[[Path, str, str], None]:
    """Replace text in a file (asserting the old text is there)."""
    def replace(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path.name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return replace


def invoke(app, group, args: list[str]):
    """Run a command of ``group`` in English (commands otherwise speak the default, Tajik)."""
    from flask_babel import force_locale

    with app.app_context(), force_locale("en"):
        return app.test_cli_runner().invoke(group, [str(a) for a in args])
