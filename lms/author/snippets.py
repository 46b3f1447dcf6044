"""What the editor's toolbar inserts: the common pieces of a lesson and a template for each
kind of GIFT exercise (``{id}`` becomes a free exercise id in the browser)."""

from __future__ import annotations

from flask_babel import gettext as _


def _quiz(body: str) -> str:
    return "\n```quiz\n" + body + "\n```\n"


def pieces() -> list[tuple[str, str]]:
    """(label, text) of the lesson pieces."""
    return [
        (_("Heading"), "\n## " + _("Heading") + "\n"),
        (_("Picture"), "\n![" + _("What the picture shows") + "](media/)\n"),
        (_("Sound"), "![" + _("What the sound says") + "](media/)"),
        (_("Recording wanted"), "![" + _("What to say") + "](record:name)"),
        (_("Note box"), "\n::: note\n" + _("Something worth knowing.") + "\n:::\n"),
        (_("Tip box"), "\n::: tip\n" + _("A helpful hint.") + "\n:::\n"),
        (_("Warning box"), "\n::: warning\n" + _("Be careful.") + "\n:::\n"),
        (_("New page"), "\n\n---\n\n"),
    ]


def exercises() -> list[tuple[str, str]]:
    """(label, text) of the exercise templates, one per GIFT type."""
    right, wrong = _("a right answer"), _("a wrong answer")
    return [
        (_("Multiple choice"), _quiz(
            "::{id}:: " + _("The question?") + " {\n  =" + right + "#" + _("Yes!") + "\n  ~"
            + wrong + "#" + _("Not this one.") + "\n  ~" + wrong + "\n}")),
        (_("Multiple answers"), _quiz(
            "::{id}:: " + _("Choose every right answer.") + " {\n  ~%50%" + right + "\n  ~%50%"
            + right + "\n  ~%-100%" + wrong + "\n}")),
        (_("True or false"), _quiz("::{id}:: " + _("A sentence that is true.") + " {T}")),
        (_("Short answer"), _quiz("::{id}:: " + _("Write the word") + " {=" + right + "}")),
        (_("Number"), _quiz("::{id}:: " + _("How many?") + " {#35}")),
        (_("Matching"), _quiz(
            "::{id}:: " + _("Match the pairs.") + " {\n  =А -> 1\n  =Б -> 2\n  =В -> 3\n}")),
        (_("Missing word"), _quiz(
            "::{id}:: " + _("I eat") + " {=" + right + " ~" + wrong + "} "
            + _("every day."))),
        (_("Reflection"), _quiz("::{id}:: " + _("What do you think?") + " {}")),
    ]
