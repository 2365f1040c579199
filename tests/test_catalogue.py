"""One error base, one catalogue: every failure a user can meet is a coded Failure; the CLI writes no sentence."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import yizhan
from conftest import REPO
from yizhan.feedback import messages
from yizhan.feedback.errors import EXIT_USAGE, Failure, located
from yizhan.feedback.report import ERROR, Location, Problem

Run = Callable[..., tuple[int, str, str]]
PACKAGE = REPO / "scripts/yizhan"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def string_literals(path: Path) -> list[tuple[int, str]]:
    """Every string constant in a module (f-string pieces included), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_cli_has_no_chinese_string_literal() -> None:
    found = [(line, text) for line, text in string_literals(PACKAGE / "cli.py") if CJK.search(text)]
    assert found == []


def test_the_literal_check_sees_chinese_in_fstrings(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('x = 1\nprint(f"完成：{x}")\n', encoding="utf-8")
    assert [line for line, text in string_literals(sample) if CJK.search(text)] == [2]


def exception_classes() -> list[type[BaseException]]:
    """Every exception class defined in the yizhan package."""
    found = []
    for module in pkgutil.walk_packages(yizhan.__path__, "yizhan."):
        if module.name.endswith("__main__"):
            continue
        loaded = importlib.import_module(module.name)
        for _, item in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(item, BaseException) and item.__module__ == module.name:
                found.append(item)
    return found


def test_every_exception_class_derives_from_failure_with_codes_in_the_catalogue() -> None:
    classes = exception_classes()
    names = {c.__name__ for c in classes}
    assert {"OutFolderError", "YamlError", "TableReadError", "ClusterError", "DocumentError"} <= names
    for item in classes:
        assert issubclass(item, Failure), item
        assert any(code.startswith(item.prefix) for code in messages.CATALOGUE), item


def raised_codes() -> list[tuple[str, str, str]]:
    """(module, class, code) for every `raise SomeError("YZ-…")` and `SomeError("YZ-…")` in the package."""
    classes = {c.__name__: c for c in exception_classes()}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in classes or not node.args:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((path.name, node.func.id, first.value))
    return found


def test_every_code_raised_is_in_the_catalogue_and_fits_its_class() -> None:
    classes = {c.__name__: c for c in exception_classes()}
    found = raised_codes()
    assert len(found) > 20
    for module, name, code in found:
        assert code in messages.CATALOGUE, (module, name, code)
        assert code.startswith(classes[name].prefix), (module, name, code)


def test_a_failure_refuses_a_code_of_another_kind() -> None:
    from yizhan.buildkit.outfolder import OutFolderError

    with pytest.raises(ValueError):
        OutFolderError("YZ-DATA-001", title="x")
    error = OutFolderError("YZ-OUT-001")
    assert (error.code, error.exit_code) == ("YZ-OUT-001", EXIT_USAGE)
    assert str(error) == located(Problem("YZ-OUT-001", ERROR, None, *messages.text("YZ-OUT-001")))


def test_every_line_the_cli_says_is_in_the_catalogue() -> None:
    """Each code cli.py prints through exists; each SAY line is used by the command line."""
    source = (PACKAGE / "cli.py").read_text(encoding="utf-8")
    used = set(re.findall(r'"(YZ-CLI-\d{3})"', source))
    assert used == set(messages.SAY)


def test_missing_import_files_say_the_file_code(mini: Path, tmp_path: Path, run: Run) -> None:
    """The files to import do not exist: YZ-FILE-001 (once in the catalogue), exit code 2."""
    missing = tmp_path / "无此文件.csv"
    code, _, err = run("collect", "import", "--project", str(mini), "yijian", str(missing))
    assert code == EXIT_USAGE
    where = Location(str(missing))
    line = located(Problem("YZ-FILE-001", ERROR, where, *messages.text("YZ-FILE-001")))
    assert messages.say("YZ-CLI-004", error=line) in err.splitlines()


def test_init_into_a_folder_in_use_says_why(tmp_path: Path, run: Run) -> None:
    (tmp_path / "x.txt").write_text("x", encoding="utf-8")
    code, _, err = run("init", str(tmp_path))
    assert code == EXIT_USAGE
    line = located(Problem("YZ-RUN-007", ERROR, None, *messages.text("YZ-RUN-007", target=tmp_path)))
    assert messages.say("YZ-CLI-004", error=line) in err.splitlines()


def test_build_help_lists_catalogue_texts(capsys: pytest.CaptureFixture[str]) -> None:
    from yizhan.cli import parser

    with pytest.raises(SystemExit):
        parser().parse_args(["build", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for key in ("out", "only", "project"):
        assert " ".join(messages.HELP[key].split()) in shown


def test_the_field_wording_publishes_no_number() -> None:
    """The web form and the XLSForm publish the field wording: a phone in it would stop every build."""
    from yizhan.rules.numbers import find_numbers

    for kind in messages.FIELD:
        assert list(find_numbers(messages.FIELD[kind], every_id=True)) == [], kind
