"""Formula guard on what `yizhan collect import` writes: rows set aside, the county's CSV and its workbook."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from conftest import REPO, read_rows, write_rows
from yizhan.load import load
from yizhan.sheets.cells import FORMULA_START
from yizhan.validate import validate

Run = Callable[..., tuple[int, str, str]]
HEADER = ["编号", "收集日期", "驿站编号", "类别", "涉及事项", "内容摘要", "反映人", "联系电话", "办理状态", "整改措施", "办结日期", "回访结果"]  # fmt: skip
GOOD = ["YJ202611-0901", "2026-11-18", "YZ-01-001", "建设类", "村道修缮", "村口道路坑洼。", "王某某", "13912345678", "待办", "", "", "未回访"]  # fmt: skip
HOSTILE = ['=HYPERLINK("http://example.invalid","点此")', "+1", "-1+2", "@SUM(A1:A9)"]


@pytest.fixture
def county(mini: Path) -> Path:
    shutil.copytree(REPO / "forms", mini / "forms")
    return mini


def test_rows_set_aside_come_out_neutralised(county: Path, tmp_path: Path, run: Run) -> None:
    """A hostile value in a row that is set aside (bad phone) is no formula in 未导入.csv."""
    rows = [HEADER]
    for number, value in enumerate(HOSTILE, start=1):
        row = [f"YJ202611-09{number:02d}", *GOOD[1:5], value, value, "139123", *GOOD[8:]]
        rows.append(row)
    source = tmp_path / "bad.csv"
    write_rows(source, rows)
    code, out, _ = run("collect", "import", "--project", str(county), "yijian", str(source), "--skip-invalid")
    assert code == 0, out
    rejects = read_rows(tmp_path / "bad.未导入.csv")
    assert len(rejects) == 1 + len(HOSTILE)
    title = rejects[0].index("内容摘要")
    for row, value in zip(rejects[1:], HOSTILE, strict=True):
        assert row[title] == "'" + value  # shown as text in Excel and WPS, the value itself kept
        assert not any(cell.startswith(FORMULA_START) for cell in row), row


def test_imported_hostile_text_is_guarded_in_the_csv_and_read_back_as_typed(
    county: Path, tmp_path: Path, run: Run
) -> None:
    rows = [HEADER] + [
        [f"YJ202611-09{n:02d}", *GOOD[1:5], value, *GOOD[6:]] for n, value in enumerate(HOSTILE, start=1)
    ]
    source = tmp_path / "hostile.csv"
    write_rows(source, rows)
    code, out, _ = run("collect", "import", "--project", str(county), "yijian", str(source))
    assert code == 0, out
    stored = read_rows(county / "datasets/意见建议.csv")
    column = stored[0].index("内容摘要")
    assert [r[column] for r in stored[-len(HOSTILE) :]] == ["'" + v for v in HOSTILE]
    project = load(county)
    assert validate(project).valid
    frame = project.datasets["feedback"].frame
    assert list(frame["summary"].iloc[-len(HOSTILE) :]) == HOSTILE  # read as typed, not with the guard
    after = (county / "datasets/意见建议.csv").read_bytes()
    code, out, _ = run("collect", "import", "--project", str(county), "yijian", str(source))
    assert code == 0, out
    assert (county / "datasets/意见建议.csv").read_bytes() == after  # the same rows again: nothing changes


def test_rows_added_to_a_workbook_are_text_never_formulas(county: Path, tmp_path: Path, run: Run) -> None:
    target = county / "datasets/意见建议.xlsx"
    book = Workbook()
    sheet = book.active
    for row in read_rows(county / "datasets/意见建议.csv"):
        sheet.append(row)
    book.save(target)
    (county / "datasets/意见建议.csv").unlink()
    source = tmp_path / "hostile.csv"
    write_rows(source, [HEADER, [GOOD[0], *GOOD[1:5], HOSTILE[0], *GOOD[6:]]])
    code, out, _ = run("collect", "import", "--project", str(county), "yijian", str(source))
    assert code == 0, out
    written = load_workbook(target).active
    last = [c for c in written[written.max_row]]
    assert all(c.data_type != "f" for c in last)
    assert HOSTILE[0] in [c.value for c in last]
