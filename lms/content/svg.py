"""SVG pictures: a strict allow-list check.

An SVG is accepted only if every element and attribute is on the lists below (simple drawings:
shapes, paths, groups, gradients, title and description). Anything else (scripts, styles, text,
links, images, external references, DOCTYPEs and entities, processing instructions, event
attributes) makes the file refused with the line where it was found. Accepted files are served
byte for byte as written, and with a restrictive Content-Security-Policy on top.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from flask_babel import gettext as _

MAX_SVG_BYTES = 512 * 1024
SVG_NS = "http://www.w3.org/2000/svg"

ELEMENTS = frozenset({
    "svg", "g", "path", "circle", "ellipse", "rect", "line", "polyline", "polygon", "title",
    "desc", "defs", "linearGradient", "radialGradient", "stop",
})
ATTRIBUTES = frozenset({
    "xmlns", "viewBox", "width", "height", "d", "cx", "cy", "r", "rx", "ry", "x", "y", "x1",
    "y1", "x2", "y2", "points", "fill", "stroke", "stroke-width", "stroke-linecap",
    "stroke-linejoin", "opacity", "fill-opacity", "transform", "id", "offset", "stop-color",
    "gradientUnits", "fx", "fy", "fill-rule",
})
TEXT_ELEMENTS = frozenset({"title", "desc"})
# url(#local-id) is the only reference allowed (gradients); no other url(), no schemes.
_URL_RE = re.compile(r"url\s*\(", re.I)
_LOCAL_URL_RE = re.compile(r"^url\(#[A-Za-z_][A-Za-z0-9_.-]*\)$")
_BAD_VALUE_RE = re.compile(r"[<>\\]|(?:javascript|data|vbscript|https?|file)\s*:|expression\s*\(",
                           re.I)


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def check_svg(data: bytes) -> list[tuple[int, str]]:
    """Every problem in an SVG file as (line, message); an empty list means it is safe."""
    if len(data) > MAX_SVG_BYTES:
        return [(1, _("the drawing is too big (%(kb)s KB at most)", kb=MAX_SVG_BYTES // 1024))]
    problems: list[tuple[int, str]] = []
    parser = expat.ParserCreate()
    stack: list[str] = []

    def line() -> int:
        return parser.CurrentLineNumber

    def refuse(message: str) -> None:
        raise _Refused(line(), message)

    def start(name: str, attrs: dict[str, str]) -> None:
        if not stack and name != "svg":
            refuse(_("the picture must start with <svg>, not <%(name)s>", name=name))
        if name not in ELEMENTS:
            problems.append((line(), _("element <%(name)s> is not allowed in pictures",
                                       name=name)))
        for attr, value in attrs.items():
            if attr not in ATTRIBUTES:
                problems.append((line(), _("attribute %(attr)s on <%(name)s> is not allowed in "
                                           "pictures", attr=attr, name=name)))
            elif attr == "xmlns":
                if value != SVG_NS:
                    problems.append((line(), _("xmlns must be %(ns)s", ns=SVG_NS)))
            elif _URL_RE.search(value) and not _LOCAL_URL_RE.match(value.strip()):
                problems.append((line(), _("attribute %(attr)s may only refer to this picture "
                                           "(url(#id))", attr=attr)))
            elif _BAD_VALUE_RE.search(value):
                problems.append((line(), _("attribute %(attr)s has a value that is not allowed",
                                           attr=attr)))
        if not stack and attrs.get("xmlns") != SVG_NS:
            problems.append((line(), _("<svg> needs xmlns=\"%(ns)s\"", ns=SVG_NS)))
        stack.append(name)

    def end(name: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if data.strip() and (not stack or stack[-1] not in TEXT_ELEMENTS):
            problems.append((line(), _("text is only allowed inside <title> and <desc>")))

    def forbidden(what: str):
        def handler(*args) -> None:
            refuse(_("%(what)s is not allowed in pictures", what=what))
        return handler

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = forbidden("<!DOCTYPE>")
    parser.EntityDeclHandler = forbidden("<!ENTITY>")
    parser.ProcessingInstructionHandler = forbidden(_("a processing instruction"))
    parser.StartCdataSectionHandler = forbidden("CDATA")
    parser.ExternalEntityRefHandler = forbidden(_("an external entity"))
    # Entity references other than the five XML ones (and character references) end up here.
    parser.SkippedEntityHandler = forbidden(_("an entity reference"))
    parser.DefaultHandler = None
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        problems.append((exc.line, exc.message))
    except expat.ExpatError as exc:
        problems.append((exc.lineno or 1, _("not a well-formed drawing: %(error)s",
                                            error=expat.ErrorString(exc.code))))
    return sorted(set(problems))
