"""Failures that stop a run, as located catalogue messages: what the command line prints, never a traceback."""

from __future__ import annotations

import traceback
from concurrent.futures import BrokenExecutor
from dataclasses import dataclass
from pathlib import Path

from . import messages
from .report import ERROR, Location, Problem

EXIT_INVALID, EXIT_USAGE = 1, 2


class Failure(Exception):
    """An expected failure: one located message from the catalogue, and the exit code it deserves.

    Every exception a user can meet is one of these (or of a subclass): it carries a catalogue code
    starting with the class's `prefix`, and the command line prints it as it is, never a traceback.
    """

    prefix = "YZ-"  # the catalogue codes this kind of failure carries
    exit_code = EXIT_INVALID

    def __init__(
        self, code: str, where: Location | None = None, exit_code: int | None = None, **values: object
    ) -> None:
        if not code.startswith(self.prefix):
            raise ValueError(f"{type(self).__name__} carries {self.prefix} codes, not {code}")
        problem, fix = messages.text(code, **values)
        self.problem = Problem(code, ERROR, where, problem, fix)
        self.values = values
        if exit_code is not None:
            self.exit_code = exit_code
        super().__init__(located(self.problem))

    @property
    def code(self) -> str:
        return self.problem.code

    def __reduce__(self) -> tuple[object, ...]:
        # As it is, not rebuilt from the catalogue: a failure raised in a worker process reaches the
        # main one whole (its arguments are the message, not the code).
        return (_restored, (type(self), self.args, self.__dict__))


def _restored(cls: type[Failure], args: tuple[object, ...], state: dict[str, object]) -> Failure:
    failure = Exception.__new__(cls)
    failure.args = args
    failure.__dict__.update(state)
    return failure


def located(problem: Problem) -> str:
    """How the command line shows a failure: code, place, what is wrong and how to fix it."""
    return f"[{problem.code}] {problem}"


@dataclass(frozen=True)
class Explained:
    message: str
    exit_code: int


def _relative(path: str | None, roots: tuple[Path, ...]) -> str:
    """A path as the officer knows it: inside the project (or the tool's own templates) when it is."""
    if not path:
        return ""
    full = Path(path).resolve()
    for root in roots:
        if full.is_relative_to(root):
            return full.relative_to(root).as_posix()
    return full.as_posix()


def _template_line(error: BaseException) -> tuple[str | None, int | None]:
    """The template file and line a jinja2 error happened in (jinja puts template frames in the traceback)."""
    place: tuple[str | None, int | None] = (None, None)
    for frame, line in traceback.walk_tb(error.__traceback__):
        name = frame.f_code.co_filename
        if name.endswith((".j2", ".html", ".css", ".js", ".md")):
            place = (name, line)
    return place


def _failure(code: str, where: Location | None, exit_code: int, **values: object) -> Explained:
    return Explained(located(Failure(code, where, exit_code, **values).problem), exit_code)


def explain(error: BaseException, roots: tuple[Path, ...]) -> Explained:
    """The message and exit code for any exception that reached the command line."""
    import jinja2

    if isinstance(error, Failure):
        return Explained(str(error), error.exit_code)
    if isinstance(error, jinja2.TemplateSyntaxError):
        where = Location(
            _relative(error.filename, roots) or str(error.name or messages.detail("template")),
            line=error.lineno,
        )
        return _failure("YZ-RUN-001", where, EXIT_INVALID, detail=error.message)
    if isinstance(error, jinja2.TemplateNotFound):
        where = Location(f"site_templates/{error.name}")
        return _failure(
            "YZ-RUN-002", where, EXIT_INVALID, detail=messages.detail("template-missing", name=error.name)
        )
    if isinstance(error, jinja2.TemplateError):
        name, line = _template_line(error)
        where = Location(_relative(name, roots) or "site_templates/", line=line)
        return _failure("YZ-RUN-002", where, EXIT_INVALID, detail=str(error))
    if isinstance(error, RecursionError):
        return _failure("YZ-RUN-003", None, EXIT_INVALID)
    if isinstance(error, MemoryError):
        return _failure("YZ-RUN-006", None, EXIT_USAGE, detail=messages.detail("memory"))
    if isinstance(error, BrokenExecutor):  # a worker process was killed (by the kernel, when memory ran out)
        return _failure("YZ-RUN-006", None, EXIT_USAGE, detail=messages.detail("worker-killed"))
    if isinstance(error, OSError):
        where = Location(_relative(error.filename, roots)) if error.filename else None
        return _failure("YZ-RUN-004", where, EXIT_USAGE, detail=error.strerror or str(error))
    detail = f"{type(error).__name__}: {error}"
    return _failure("YZ-RUN-005", None, EXIT_USAGE, detail=detail)


class TableReadError(Failure):
    """A file that cannot be read as the table; carries a catalogue code and its values (the caller adds the file)."""

    def __init__(self, code: str, **values: str) -> None:
        super().__init__(code, None, **values)
