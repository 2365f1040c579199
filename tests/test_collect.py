"""`yizhan collect import`: every row validated, appended once, nothing lost or rewritten."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import REPO, read_rows, write_rows
from yizhan.feedback import messages
from yizhan.load import load
from yizhan.validate import validate

Run = Callable[..., tuple[int, str, str]]
HEADER = ["编号", "收集日期", "驿站编号", "类别", "涉及事项", "内容摘要", "反映人", "联系电话", "办理状态", "整改措施", "办结日期", "回访结果"]  # fmt: skip
GOOD = ["YJ202611-0901", "2026-11-18", "YZ-01-001", "建设类", "村道修缮", "村口道路坑洼。", "王某某", "13912345678", "待办", "", "", "未回访"]  # fmt: skip
OTHER = ["YJ202611-0902", "2026/11/19", "YZ-01-001", "资金类", "低保", "询问低保标准。", "李某", "", "待办", "", "", "未回访"]  # fmt: skip


@pytest.fixture
def county(mini: Path) -> Path:
    shutil.copytree(REPO / "forms", mini / "forms")
    return mini


def feedback(county: Path) -> Path:
    return county / "datasets/意见建议.csv"


def test_web_csv_is_appended_once(county: Path, tmp_path: Path, run: Run) -> None:
    before = feedback(county).read_bytes()
    source = tmp_path / "yijian.csv"
    write_rows(source, [HEADER, GOOD, OTHER])
    code, out, _ = run("collect", "import", "--project", str(county), "yijian", str(source))
    assert code == 0, out
    after = feedback(county).read_bytes()
    assert after.startswith(before)  # existing rows untouched, in order
    rows = read_rows(feedback(county))
    assert rows[-2] == GOOD and rows[-1][1] == "2026-11-19"
    assert (county / "datasets/意见建议.csv.bak").read_bytes() == before
    assert validate(load(county)).valid
    code, out, _ = run("collect", "import", "--project", str(county), "yijian", str(source))
    assert code == 0
    assert messages.text("YZ-FORM-026", duplicates=2)[0] in out
    assert feedback(county).read_bytes() == after


def test_one_invalid_row_writes_nothing(county: Path, tmp_path: Path, run: Run) -> None:
    before = feedback(county).read_bytes()
    bad = [*GOOD[:7], "139123", *GOOD[8:]]
    source = tmp_path / "bad.csv"
    write_rows(source, [HEADER, OTHER, bad])
    code, out, _ = run("collect", "import", "--project", str(county), "yijian", str(source))
    assert code == 1
    assert "bad.csv 第3行 H列「联系电话」" in out
    assert messages.text("YZ-DATA-010", value="139123")[0] in out
    assert feedback(county).read_bytes() == before
    assert not (county / "datasets/意见建议.csv.bak").exists()
    code, out, _ = run("collect", "import", "--project", str(county), "yijian", str(source), "--skip-invalid")
    assert code == 0
    rejects = read_rows(tmp_path / "bad.未导入.csv")
    assert rejects[0][-1] == "错误说明" and rejects[1][1:-1] == bad and "139123" in rejects[1][-1]
    assert read_rows(feedback(county))[-1][0] == OTHER[0]


def test_kobo_export_is_imported(county: Path, tmp_path: Path, run: Run) -> None:
    keys = ["feedback_id", "date", "station_id", "category", "topic", "summary", "person", "phone", "status", "measures", "closed_date", "revisit"]  # fmt: skip
    header = [
        "start",
        "end",
        *[f"g/{k}" if k == "summary" else k for k in keys],
        "_id",
        "_uuid",
        "_submission_time",
    ]
    row = ["2026-11-18T09:00", "2026-11-18T09:05", *GOOD, "17", "abc-1", "2026-11-18T09:06"]
    source = tmp_path / "kobo.csv"
    source.write_text("\n".join(";".join(r) for r in (header, row)) + "\n", encoding="utf-8")
    code, out, _ = run("collect", "import", "--project", str(county), "yijian", str(source))
    assert code == 0, out
    rows = read_rows(feedback(county))
    assert rows[0][12] == "提交编号" and rows[-1][:12] == GOOD and rows[-1][12] == "abc-1"


def test_xlsx_typed_from_paper_with_labels(county: Path, tmp_path: Path, run: Run) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "驿站编号", "服务类型", "服务人次", "备注"])
    sheet.append(["2026-11-18", "YZ-01-001", "代办", 7, "代办医保缴费"])
    sheet.append(["2026-11-18", "YZ-01-001", "代办", -3, ""])
    source = tmp_path / "taizhang.xlsx"
    book.save(source)
    code, out, _ = run("collect", "import", "--project", str(county), "taizhang", str(source))
    assert code == 1
    assert "taizhang.xlsx 第3行 D列「人次」" in out
    sheet.delete_rows(3)
    book.save(source)
    code, out, _ = run("collect", "import", "--project", str(county), "taizhang", str(source))
    assert code == 0, out
    assert read_rows(county / "datasets/服务台账.csv")[-1] == [
        "2026-11-18",
        "YZ-01-001",
        "代办",
        "7",
        "代办医保缴费",
    ]


def test_unknown_form_and_form_without_dataset(county: Path, tmp_path: Path, run: Run) -> None:
    source = tmp_path / "x.csv"
    write_rows(source, [HEADER, GOOD])
    code, out, _ = run("collect", "import", "--project", str(county), "nosuch", str(source))
    assert code == 1 and "找不到表格 nosuch" in out
    (county / "forms/zixun.yml").write_text(
        "code: zixun\ntitle: 咨询登记\nversion: '1'\nfields:\n  - key: q\n    kind: text\n    label: 问题\n",
        encoding="utf-8",
    )
    code, out, _ = run("collect", "import", "--project", str(county), "zixun", str(source))
    assert code == 1 and messages.text("YZ-FORM-021", value="zixun")[0] in out


@pytest.mark.parametrize("layout", ["title row", "second sheet"])
def test_a_workbook_it_cannot_write_back_safely_is_left_untouched(
    county: Path, tmp_path: Path, run: Run, layout: str
) -> None:
    """A dataset workbook with a title row, or with the table behind a 说明 sheet, is read but never written."""
    rows = read_rows(feedback(county))
    book = Workbook()
    sheet = book.active
    if layout == "title row":
        sheet.append(["示例县意见建议登记表（2026年）"])
    else:
        sheet.title = "说明"
        sheet.append(["本表由驿站管理员填写"])
        sheet = book.create_sheet("意见建议")
    for row in rows:
        sheet.append(row)
    target = county / "datasets/意见建议.xlsx"
    book.save(target)
    feedback(county).unlink()
    before = target.read_bytes()
    source = tmp_path / "yijian.csv"
    write_rows(source, [HEADER, GOOD])
    code, out, _ = run("collect", "import", "--project", str(county), "yijian", str(source))
    assert code == 1
    kind = "表格不在第一个工作表，或表头不在第1行的 Excel 工作簿"
    problem, fix = messages.text("YZ-FORM-038", kind=kind)
    assert f"datasets/意见建议.xlsx: {problem} —— {fix}" in out.splitlines()
    assert target.read_bytes() == before
    assert not (county / "datasets/意见建议.xlsx.bak").exists()


def test_many_bad_rows_of_one_column_set_aside_only_those_rows(
    county: Path, tmp_path: Path, run: Run
) -> None:
    """More bad phones than a report names one by one, among good rows: the import refuses and shows
    one message for the column; with --skip-invalid the good rows go in and only the bad ones are set
    aside, each with its own value in its reason (a grouped message is not a header problem)."""
    before = feedback(county).read_bytes()
    phones = ["139123", "1391234", "1391234567", "0369-12", "1390000"]
    bad = [[f"YJ202611-091{i}", *GOOD[1:7], phone, *GOOD[8:]] for i, phone in enumerate(phones)]
    source = tmp_path / "bad.csv"
    write_rows(source, [HEADER, OTHER, *bad, GOOD])  # the bad rows are spreadsheet rows 3–7
    code, out, _ = run("collect", "import", "--project", str(county), "yijian", str(source))
    assert code == 1
    example, fix = messages.text("YZ-DATA-010", value="139123")
    one = messages.text("YZ-DATA-013", count=5, rows="3、4、5、6、7", first=3, example=example, fix=fix)[0]
    assert f"bad.csv H列「联系电话」: {one} —— {fix}" in out.splitlines()
    assert messages.text("YZ-FORM-023", count=5)[0] in out
    assert feedback(county).read_bytes() == before
    code, out, _ = run("collect", "import", "--project", str(county), "yijian", str(source), "--skip-invalid")
    assert code == 0
    assert messages.text("YZ-FORM-024", added=2, duplicates=0, backup="")[0].split("备份")[0] in out
    rejects = read_rows(tmp_path / "bad.未导入.csv")
    assert [row[1:-1] for row in rejects[1:]] == bad
    for row, phone in zip(rejects[1:], phones, strict=True):
        assert row[-1] == f"{messages.text('YZ-DATA-010', value=phone)[0]}（{fix}）"
    ids = [row[0] for row in read_rows(feedback(county))]
    assert ids[-2:] == [OTHER[0], GOOD[0]]
