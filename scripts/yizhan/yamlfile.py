"""YAML with line numbers, so that every problem in content/ can say where it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


class YamlError(Exception):
    def __init__(self, line: int | None, detail: str) -> None:
        super().__init__(detail)
        self.line = line
        self.detail = detail


@dataclass
class YamlDoc:
    """Parsed data plus the 1-based line of every mapping key and list item."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, *path: str | int) -> int | None:
        """Line of the deepest known node on `path` (the key itself when present)."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            lines[child] = key.start_mark.line + 1
            _walk(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines)


def _date_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A date, or the text as written when it only looks like one (2026-13-40): the checks name it."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


class _SafeLoader(yaml.SafeLoader):
    pass


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


for _loader in (_SafeLoader, _FastLoader):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _date_or_text)

# libyaml when PyYAML has it (several times faster); its error texts differ, so errors are re-read below.
FAST_LOADER = _FastLoader


def _compose_and_construct(text: str, loader_class: type) -> tuple[yaml.Node | None, Any]:
    """One pass: the node tree (for line numbers) and the data built from it."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def parse_yaml(text: str) -> YamlDoc:
    try:
        node, data = _compose_and_construct(text, FAST_LOADER)
    except yaml.YAMLError:
        node, data = None, None  # located and explained by the pure-Python parser's messages below
    try:
        if node is None:
            node, data = _compose_and_construct(text, _SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        detail = error.problem or str(error)
        raise YamlError(mark.line + 1 if mark else None, _translate(detail)) from error
    except yaml.YAMLError as error:
        raise YamlError(None, str(error)) from error
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return YamlDoc(data, lines)


_TRANSLATIONS = {
    "mapping values are not allowed here": "这里不能出现冒号（含冒号的文字请加引号）",
    "could not find expected ':'": "缺少冒号",
    "found character '\\t' that cannot start any token": "用了制表符（Tab），请改用空格缩进",
    "did not find expected key": "缩进不一致",
    "found undefined alias": "引用了未定义的别名",
    "found unexpected end of stream": "文件意外结束（引号或括号没有闭合）",
}


def _translate(detail: str) -> str:
    for english, chinese in _TRANSLATIONS.items():
        if english in detail:
            return chinese
    return detail


def read_yaml(path: Path) -> YamlDoc:
    return parse_yaml(path.read_text(encoding="utf-8-sig"))
