"""YAML with line numbers, so that every problem in content/ can say where it is.

Content and form files are small, plain trees: anchors and aliases (never needed there, and the way
a few hundred bytes expand into gigabytes), deep nesting and oversized files are refused, located,
before anything is built from them.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..feedback.errors import Failure

Path_ = tuple[str | int, ...]


MAX_DEPTH = 32  # nested mappings and lists; a policy needs about five
MAX_BYTES = 1 << 20  # the longest policy is a few kilobytes


class YamlError(Failure):
    """A file that cannot be read; `code` and `values` fill its catalogue message (the caller adds the file)."""

    prefix = "YZ-YAML-"

    def __init__(self, line: int | None, detail: str, code: str = "YZ-YAML-001", **values: object) -> None:
        super().__init__(code, None, **(values or {"detail": detail}))
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


def check_plain(text: str, loader_class: type = FAST_LOADER) -> None:
    """Refuse anchors, aliases and nesting deeper than MAX_DEPTH, reading events only (nothing expands)."""
    loader = loader_class(text)
    depth = 0
    try:
        while (event := loader.get_event()) is not None:
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = f"*{event.anchor}" if isinstance(event, yaml.AliasEvent) else f"&{event.anchor}"
                raise YamlError(line, mark, "YZ-YAML-013", mark=mark)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlError(line, "depth", "YZ-YAML-014", limit=MAX_DEPTH)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def parse_yaml(text: str) -> YamlDoc:
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlError(
            None, "size", "YZ-YAML-015", size=len(text.encode("utf-8")) // 1024, limit=MAX_BYTES // 1024
        )
    with contextlib.suppress(yaml.YAMLError):  # a syntax error: located and explained below
        check_plain(text)
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
    size = path.stat().st_size
    if size > MAX_BYTES:  # refused before reading it
        raise YamlError(None, "size", "YZ-YAML-015", size=size // 1024, limit=MAX_BYTES // 1024)
    return parse_yaml(path.read_text(encoding="utf-8-sig"))
