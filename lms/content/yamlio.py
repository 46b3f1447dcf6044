"""YAML that remembers line numbers, so every problem can name its line.

Mappings load as ``LineDict`` (``.line`` of the mapping, ``.lines[key]`` of each key, and
``.duplicates``: keys written twice with their lines); sequences as ``LineList`` (``.lines[i]``).
Only the safe YAML subset is read (no Python objects).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, SequenceNode


class LineDict(dict):
    line: int = 1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines: dict[Any, int] = {}
        self.duplicates: list[tuple[Any, int]] = []

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LineList(list):
    line: int = 1

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError as exc:
            raise ConstructorError(None, None, "a key must be a simple value",
                                   key_node.start_mark) from exc
        line = key_node.start_mark.line + 1
        if key in result:
            result.duplicates.append((key, line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


def _sequence(loader: _Loader, node: SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


class YamlError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def load(text: str, first_line: int = 1) -> Any:
    """Parse YAML; line numbers are shifted so that the text's first line is ``first_line``.

    Raises ``YamlError`` with the line of the problem."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + first_line
        raise YamlError(line, str(exc.problem or exc.context or "invalid YAML")) from exc
    except yaml.YAMLError as exc:
        raise YamlError(first_line, str(exc)) from exc
    except RecursionError as exc:
        raise YamlError(first_line, "nested too deeply") from exc
    if first_line != 1:
        _shift(data, first_line - 1, set())
    return data


def _shift(value: Any, offset: int, seen: set[int]) -> None:
    if id(value) in seen:  # aliases share objects: shift each one once
        return
    if isinstance(value, LineDict):
        seen.add(id(value))
        value.line += offset
        value.lines = {k: v + offset for k, v in value.lines.items()}
        value.duplicates = [(k, v + offset) for k, v in value.duplicates]
        for item in value.values():
            _shift(item, offset, seen)
    elif isinstance(value, LineList):
        seen.add(id(value))
        value.line += offset
        value.lines = [v + offset for v in value.lines]
        for item in value:
            _shift(item, offset, seen)
