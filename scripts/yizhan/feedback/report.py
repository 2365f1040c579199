"""Problems found in a project, reported as data: never an exception for bad input."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from . import messages

ERROR = "error"
WARNING = "warning"
NOTE = "note"  # what was read differently from how it was typed (a sheet chosen, 村级 read as 村)
MARKS = {ERROR: "", WARNING: "（警告）", NOTE: "（说明）"}
GROUP_AFTER = 3  # more rows than this with one problem in one column become one message
FIRST_ROWS = 5


def _one_for_many(first: Problem, rows: tuple[int, ...]) -> Problem:
    """The message for one problem on many rows, shown by the first of them."""
    shown = "、".join(str(r) for r in rows[:FIRST_ROWS])
    problem, _ = messages.text(
        "YZ-DATA-013", count=len(rows), rows=shown, first=rows[0], example=first.problem, fix=first.fix
    )
    assert first.where is not None
    where = Location(first.where.file, column=first.where.column, title=first.where.title)
    return Problem(first.code, first.severity, where, problem, first.fix, rows)


def column_letter(index: int) -> str:
    """Excel column letter for a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Location:
    """Where a problem is, as the user sees the file."""

    file: str
    line: int | None = None  # YAML line
    row: int | None = None  # spreadsheet row (header is row 1)
    column: str | None = None  # Excel letter
    title: str | None = None  # Chinese column title

    def __str__(self) -> str:
        parts = [self.file + (f":{self.line}" if self.line else "")]
        if self.row:
            parts.append(f"第{self.row}行")
        if self.column or self.title:
            parts.append(f"{self.column or ''}列「{self.title}」" if self.title else f"{self.column}列")
        return " ".join(parts)


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str
    where: Location | None  # None only for a failure no file explains (e.g. an internal error)
    problem: str
    fix: str
    rows: tuple[int, ...] = ()  # every row a grouped message stands for

    def __str__(self) -> str:
        place = f"{self.where}: " if self.where else ""
        return f"{place}{MARKS.get(self.severity, '')}{self.problem} —— {self.fix}"


@dataclass
class Report:
    """Every problem of one run, in the order found."""

    problems: list[Problem] = field(default_factory=list)
    each_row: bool = False  # add_rows reports every row (an import sets bad rows aside one by one)

    def add(self, code: str, where: Location, severity: str = ERROR, **values: object) -> None:
        problem, fix = messages.text(code, **values)
        self.problems.append(Problem(code, severity, where, problem, fix))

    def add_rows(
        self, code: str, places: list[tuple[Location, dict[str, object]]], severity: str = ERROR
    ) -> None:
        """One problem on many rows of one column: each row when few, else one message with the count."""
        if self.each_row or len(places) <= GROUP_AFTER:
            for where, values in places:
                self.add(code, where, severity, **values)
            return
        first = Problem(code, severity, places[0][0], *messages.text(code, **places[0][1]))
        self.problems.append(_one_for_many(first, tuple(where.row or 0 for where, _ in places)))

    def group_rows(self, start: int = 0) -> None:
        """Problems from `start` on: one found on more than a few rows of one column of one file
        becomes one message, in the place of its first row."""
        added = self.problems[start:]
        del self.problems[start:]
        groups: dict[object, list[Problem]] = {}
        for index, problem in enumerate(added):
            where = problem.where
            alone = where is None or not where.row or problem.rows
            key = index if alone else (problem.code, problem.severity, where.file, where.column)
            groups.setdefault(key, []).append(problem)
        for members in groups.values():
            if len(members) <= GROUP_AFTER:
                self.problems.extend(members)
            else:
                rows = tuple(m.where.row or 0 for m in members if m.where)
                self.problems.append(_one_for_many(members[0], rows))

    def extend(self, other: Report) -> None:
        self.problems.extend(other.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == NOTE]

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_text(self, limit: int | None = None) -> str:
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [str(p) for p in shown]
        if limit is not None and len(self.problems) > limit:
            lines.append(f"……另有 {len(self.problems) - limit} 条未显示（用 --format json 查看全部）")
        summary = f"共 {len(self.errors)} 个错误，{len(self.warnings)} 个警告。"
        lines.append(("检查通过。" if self.valid else "检查未通过。") + summary)
        return "\n".join(lines)

    def to_json(self) -> str:
        items = [
            {
                **asdict(p),
                "where": {**asdict(p.where), "text": str(p.where)} if p.where else None,
                "message": str(p),
            }
            for p in self.problems
        ]
        body = {"valid": self.valid, "errors": len(self.errors), "warnings": len(self.warnings)}
        return json.dumps({**body, "problems": items}, ensure_ascii=False, indent=2)
