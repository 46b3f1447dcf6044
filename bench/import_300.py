"""Benchmark: check and import a generated 300-lesson course (Tajik and Russian, pages,
pictures, recordings, every exercise type) into a fresh SQLite database.

    .venv/bin/python bench/import_300.py [--lessons 300]

Prints seconds for ``content check``, for ``content import`` (which checks again, then writes
in one transaction) and for a re-import of the unchanged course (updates in place).
Target: import under 10 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200"><title>{n}</title>'
       '<circle cx="100" cy="100" r="{r}" fill="#2a7" stroke="#123" stroke-width="6"/></svg>\n')

QUIZ = {
    "tg": """```quiz
::mc:: Кадом ҳарф садонок аст? {{
  =А#Бале, А садонок аст.
  ~Б#Не, Б ҳамсадо аст.
  ~Д#Не.
  ####Садонокҳо: А, О, У, И, Е, Ӯ, Ӣ.
}}

::tf:: Об дар {n} дараҷа меҷӯшад. {{F#Не.#Дуруст.}}

::multi:: Садонокҳоро интихоб кунед. {{~%50%А ~%50%О ~%-100%Б}}

::short:: Калимаи «нон»-ро нависед. {{=нон =Нон}}

::num:: Дар алифбо чанд ҳарф ҳаст? {{#35:1}}

::match:: Ҷуфт кунед. {{=А -> а =Б -> б =В -> в}}

::gap:: Ман {{=нон ~об}} мехӯрам.

::essay:: Чаро шумо хондан мехоҳед? {{}}
```
""",
    "ru": """```quiz
::mc:: Какая буква гласная? {{
  =А#Да, А — гласная.
  ~Б#Нет, Б — согласная.
  ~Д#Нет.
  ####Гласные: А, О, У, И, Е, Ӯ, Ӣ.
}}

::tf:: Вода кипит при {n} градусах. {{F#Нет.#Верно.}}

::multi:: Выберите гласные. {{~%50%А ~%50%О ~%-100%Б}}

::short:: Напишите слово «нон». {{=нон =Нон}}

::num:: Сколько букв в алфавите? {{#35:1}}

::match:: Сопоставьте. {{=А -> а =Б -> б =В -> в}}

::gap:: Я ем {{=хлеб ~воду}}.

::essay:: Почему вы хотите учиться читать? {{}}
```
""",
}

PAGE = {
    "tg": ("# Саҳифаи {p}\n\nИн матни дарси **{n}** аст. Мо ҳарфҳо ва калимаҳоро меомӯзем. "
           "Ҳар рӯз каме хондан ба шумо кӯмак мекунад.\n\n- якум\n- дуюм\n- сеюм\n\n"
           "![Доираи сабз {n}](media/pic{m}.svg \"Расми {n}\")\n\n"
           "![Ҳарфи А](record:letter-{n}-{p})\n\n::: tip\nМаслиҳат: оҳиста хонед.\n:::\n"),
    "ru": ("# Страница {p}\n\nЭто текст урока **{n}**. Мы учим буквы и слова. "
           "Каждый день понемногу читать — это полезно.\n\n- первое\n- второе\n- третье\n\n"
           "![Зелёный круг {n}](media/pic{m}.svg \"Рисунок {n}\")\n\n"
           "![Буква А](record:letter-{n}-{p})\n\n::: tip\nСовет: читайте медленно.\n:::\n"),
}


def generate(root: Path, lessons: int, per_module: int = 30) -> Path:
    folder = root / "bench-course"
    (folder / "media").mkdir(parents=True)
    for m in range(10):
        (folder / "media" / f"pic{m}.svg").write_text(SVG.format(n=m, r=40 + m), "utf-8")
    modules = []
    for index in range(lessons):
        key = f"l{index:03d}"
        if index % per_module == 0:
            modules.append((f"m{index // per_module:02d}", []))
        modules[-1][1].append(key)
        for lang in ("tg", "ru"):
            pages = [PAGE[lang].format(p=p, n=index, m=(index + p) % 10) for p in range(1, 4)]
            pages[1] += "\n" + QUIZ[lang].format(n=100)
            title = f"Дарси {index}" if lang == "tg" else f"Урок {index}"
            text = (f"---\nid: {key}\ntitle: {title}\nminutes: 10\n---\n\n"
                    + "\n---\n\n".join(pages))
            (folder / f"{key}.{lang}.md").write_text(text, "utf-8")
    lines = ["slug: bench-course", "title:", "  tg: Курси санҷишӣ", "  ru: Тестовый курс",
             "category: literacy", "modules:"]
    for key, keys in modules:
        lines += [f"  - id: {key}", "    title:", f"      tg: Модули {key}",
                  f"      ru: Модуль {key}", "    lessons:", *(f"      - {k}" for k in keys)]
    (folder / "course.yml").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", type=int, default=300)
    args = parser.parse_args()

    from lms import create_app
    from lms.content.check import check_path
    from lms.content.importer import import_course
    from lms.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = generate(root, args.lessons)
        app = create_app({
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'bench.sqlite3'}",
            "MEDIA_DIR": str(root / "media"),
            "ARGON2_PROFILE": "fast",
        })
        with app.app_context():
            db.create_all()
            start = time.perf_counter()
            report = check_path(folder)
            check_seconds = time.perf_counter() - start
            assert report.ok, "\n".join(report.lines()[:20])

            start = time.perf_counter()
            report = check_path(folder)
            import_course(report.courses[0])
            db.session.commit()
            import_seconds = time.perf_counter() - start

            db.session.remove()
            start = time.perf_counter()
            report = check_path(folder)
            import_course(report.courses[0])
            db.session.commit()
            again_seconds = time.perf_counter() - start

        print(f"course: {report.lesson_count} lessons x 2 languages, "
              f"{report.exercise_count} exercises")
        print(f"check:                {check_seconds:6.2f} s")
        print(f"import (check+write): {import_seconds:6.2f} s   (target < 10 s)")
        print(f"re-import (in place): {again_seconds:6.2f} s")


if __name__ == "__main__":
    main()
