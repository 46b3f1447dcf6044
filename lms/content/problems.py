"""Problems found in course files, each with its file and line."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        if self.warning:
            return _("%(path)s:%(line)s: warning: %(message)s",
                     path=self.path, line=self.line, message=self.message)
        return f"{self.path}:{self.line}: {self.message}"


class Problems(list[Problem]):
    """A list of problems with helpers to add errors and warnings."""

    def error(self, path: str, line: int | None, message: str) -> None:
        self.append(Problem(str(path), max(int(line or 1), 1), message))

    def warn(self, path: str, line: int | None, message: str) -> None:
        self.append(Problem(str(path), max(int(line or 1), 1), message, warning=True))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if p.warning]

    def sorted(self) -> list[Problem]:
        return sorted(self, key=lambda p: (p.path, p.line, p.warning, p.message))


class ContentError(Exception):
    """Raised by an operation that found errors; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
