"""A small evaluator for the ODK XPath subset our XLSForm constraints use (for tests, not shipped).

ODK semantics where they differ from XPath 1.0: substr(s, start, end) is zero-based with an exclusive
end; regex(s, pattern) is a Java regex search over the whole value (our patterns are anchored);
format-date understands %Y %m %d. `and`/`or` short-circuit as in JavaRosa. Paths resolve by their last step.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>'[^']*'|\"[^\"]*\")|(?P<op><=|>=|!=|=|<|>|\+|-|\*|\(|\)|,)"
    r"|(?P<path>/[\w/.-]+|\.)|(?P<name>[A-Za-z_][\w-]*))"
)


DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text.rstrip()):
        match = TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise SyntaxError(f"cannot read {text[pos : pos + 20]!r}")
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


def number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and DATE.fullmatch(value):  # typed date values compare as days (JavaRosa)
        return float((dt.date.fromisoformat(value) - dt.date(1970, 1, 1)).days)
    try:
        return float(str(value).strip())
    except ValueError:
        return math.nan


def string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else (str(int(value)) if value.is_integer() else str(value))
    return str(value)


def _substr(s: Any, start: Any, end: Any = None) -> str:
    text = string(s)
    a, b = number(start), (number(end) if end is not None else len(text))
    if math.isnan(a) or math.isnan(b):
        return ""
    return text[max(int(a), 0) : max(int(b), 0)]


def _format_date(value: Any, pattern: Any) -> str:
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(string(value))
    return (
        string(pattern)
        .replace("%Y", f"{day.year:04d}")
        .replace("%m", f"{day.month:02d}")
        .replace("%d", f"{day.day:02d}")
    )


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "regex": lambda s, p: re.search(string(p), string(s), re.ASCII) is not None,  # Java's \\d is ASCII
    "substr": _substr,
    "string-length": lambda s: float(len(string(s))),
    "number": number,
    "translate": lambda s, a, b: string(s).translate(
        {ord(c): (string(b)[i] if i < len(string(b)) else None) for i, c in enumerate(string(a))}
    ),
    "concat": lambda *parts: "".join(string(p) for p in parts),
    "today": lambda: dt.date.today(),
    "format-date": _format_date,
    "selected": lambda s, v: string(v) in string(s).split(),
}


class Evaluator:
    """Evaluate one expression for `value` (the `.`) and the other answers (`/data/key` → answers[key])."""

    def __init__(self, expression: str, value: str, answers: dict[str, str] | None = None) -> None:
        self.items, self.at = tokens(expression), 0
        self.value, self.answers = value, answers or {}
        self.dry = False  # parsing a skipped operand: no function is called

    def run(self) -> bool:
        result = self.expr()
        if self.at != len(self.items):
            raise SyntaxError(f"unexpected {self.items[self.at]}")
        return bool(result)

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def take(self) -> tuple[str, str]:
        self.at += 1
        return self.items[self.at - 1]

    def expr(self) -> Any:
        return self.binary(0)

    LEVELS = (("or",), ("and",), ("=", "!="), ("<=", ">=", "<", ">"), ("+", "-"), ("*", "div", "mod"))

    def binary(self, level: int) -> Any:
        if level == len(self.LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while (token := self.peek()) is not None and token[1] in self.LEVELS[level]:
            op = self.take()[1]
            if op == "and" and not left:
                self.skip(level + 1)
                left = False
                continue
            if op == "or" and left:
                self.skip(level + 1)
                left = True
                continue
            right = self.binary(level + 1)
            left = False if self.dry else self.apply(op, left, right)
        return left

    def skip(self, level: int) -> None:
        """Parse the right operand without evaluating it (short-circuit)."""
        dry, self.dry = self.dry, True
        self.binary(level)
        self.dry = dry

    @staticmethod
    def apply(op: str, a: Any, b: Any) -> Any:
        if op in ("and", "or"):
            return bool(a) and bool(b) if op == "and" else bool(a) or bool(b)
        if op in ("=", "!="):
            if isinstance(a, bool) or isinstance(b, bool):
                same = bool(a) == bool(b)
            elif isinstance(a, float) or isinstance(b, float):
                same = number(a) == number(b)
            else:
                same = string(a) == string(b)
            return same if op == "=" else not same
        x, y = number(a), number(b)
        return {"<=": x <= y, ">=": x >= y, "<": x < y, ">": x > y, "+": x + y, "-": x - y, "*": x * y,
                "div": x / y if y else math.nan, "mod": math.fmod(x, y) if y else math.nan}[op]  # fmt: skip

    def unary(self) -> Any:
        if self.peek() == ("op", "-"):
            self.take()
            return -number(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1]
        if kind == "path":
            return self.value if text == "." else self.answers.get(text.rstrip("/").rsplit("/", 1)[-1], "")
        if (kind, text) == ("op", "("):
            value = self.expr()
            self.take()
            return value
        if kind == "name" and self.peek() == ("op", "("):
            self.take()
            args = []
            while self.peek() != ("op", ")"):
                args.append(self.expr())
                if self.peek() == ("op", ","):
                    self.take()
            self.take()
            return "" if self.dry else FUNCTIONS[text](*args)
        raise SyntaxError(f"unexpected {text!r}")


def holds(expression: str, value: str, answers: dict[str, str] | None = None) -> bool:
    """Whether an ODK constraint holds for `value`."""
    return Evaluator(expression, value, answers).run()
