"""Spreadsheets as WPS and Excel save them: read what the officer sees, or one located message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, read_rows, write_rows
from make_spreadsheets import id_as_number, month_as_date, to_xlsx, with_separator
from yizhan.feedback import messages
from yizhan.feedback.report import NOTE, WARNING, Problem
from yizhan.load import load
from yizhan.rules.numbers import id_check_char
from yizhan.validate import validate

STATIONS = "datasets/驿站名录"
RECIPIENTS = "datasets/救助对象"
SERVICES = "datasets/服务台账"
HEADER = read_rows(FIXTURES / "mini/datasets/驿站名录.csv")[0]


def expected(where: str, code: str, mark: str = "", **values: object) -> str:
    problem, fix = messages.text(code, **values)
    return f"{where}: {mark}{problem} —— {fix}"


def grouped(where: str, code: str, rows: list[int], **values: object) -> str:
    example, fix = messages.text(code, **values)
    shown = "、".join(str(r) for r in rows[:5])
    problem, _ = messages.text(
        "YZ-DATA-013", count=len(rows), rows=shown, first=rows[0], example=example, fix=fix
    )
    return f"{where}: {problem} —— {fix}"


def problems(project: Path) -> list[Problem]:
    return validate(load(project)).problems


def texts(project: Path) -> list[str]:
    return [str(p) for p in problems(project)]


def errors(project: Path) -> list[str]:
    return [str(p) for p in problems(project) if p.severity not in (NOTE, WARNING)]


def stale_rows() -> list[list[str]]:
    rows = read_rows(FIXTURES / "mini/datasets/驿站名录.csv")
    return [rows[0], [("旧管理员" if t == "管理员" else v) for t, v in zip(rows[0], rows[1], strict=True)]]


# --- which sheet, which header row ------------------------------------------------------------


def test_hidden_sheet_is_never_read(mini: Path) -> None:
    to_xlsx(mini / f"{STATIONS}.csv", sheet_name="Sheet2", before=[("旧表", True, stale_rows())])
    project = load(mini)
    frame = project.datasets["stations"].frame
    assert validate(project).valid
    assert "旧管理员" not in set(frame["manager"])
    assert frame.loc[2, "manager"] == "孙红才"
    note = expected(f"{STATIONS}.xlsx", "YZ-NOTE-002", "（说明）", sheet="Sheet2", others="「旧表」")
    assert note in texts(mini)


def test_headers_only_on_a_hidden_sheet(mini: Path) -> None:
    to_xlsx(
        mini / f"{STATIONS}.csv",
        sheet_name="说明",
        rows=[["请按模板填写"]],
        before=[("名录", True, stale_rows())],
    )
    want = expected(f"{STATIONS}.xlsx", "YZ-FILE-007", sheets="「名录」")
    assert texts(mini) == [want]


def test_data_behind_an_instructions_sheet(mini: Path) -> None:
    to_xlsx(mini / f"{STATIONS}.csv", sheet_name="数据", before=[("说明", False, [["填表说明：每站一行"]])])
    project = load(mini)
    assert validate(project).valid
    assert len(project.datasets["stations"].frame) == 33


def test_two_sheets_with_headers_are_ambiguous(mini: Path) -> None:
    to_xlsx(mini / f"{STATIONS}.csv", sheet_name="十二月", before=[("十一月", False, stale_rows())])
    want = expected(f"{STATIONS}.xlsx", "YZ-FILE-006", sheets="「十一月」、「十二月」", table="驿站名录")
    assert texts(mini) == [want]


def test_sheet_named_after_the_table_wins(mini: Path) -> None:
    to_xlsx(mini / f"{STATIONS}.csv", sheet_name="驿站名录", before=[("十一月", False, stale_rows())])
    project = load(mini)
    assert validate(project).valid
    assert "旧管理员" not in set(project.datasets["stations"].frame["manager"])


def test_title_and_unit_rows_above_the_header(mini: Path) -> None:
    title, unit = "示例县民生驿站名录（2026年11月）", "填报单位：示例县民政局  填报日期：2026-11-20"
    path = mini / f"{STATIONS}.csv"
    rows = read_rows(path)
    rows[3][rows[0].index("管理员电话")] = "1380000"  # spreadsheet row 4 + 2 title rows = row 6
    to_xlsx(path, title_rows=[title, unit], rows=rows)
    got = texts(mini)
    note = expected(
        f"{STATIONS}.xlsx 第3行", "YZ-NOTE-001", "（说明）", row=3, count=2, text=f"{title}；{unit}"
    )
    bad = expected(f"{STATIONS}.xlsx 第6行 J列「管理员电话」", "YZ-DATA-010", value="1380000")
    assert got == [note, bad]


def test_unmatched_header_gives_one_message(mini: Path) -> None:
    path = mini / f"{STATIONS}.csv"
    rows = read_rows(path)
    rows[0] = [f"列{i}" for i in range(len(rows[0]))]
    write_rows(path, rows)
    want = expected(f"{STATIONS}.csv", "YZ-FILE-005", titles="驿站编号」「驿站名称」「层级", rows=30)
    assert texts(mini) == [want]


def test_missing_required_column_is_reported_once(mini: Path) -> None:
    path = mini / f"{STATIONS}.csv"
    rows = [[c for i, c in enumerate(r) if i != HEADER.index("地址")] for r in read_rows(path)]
    write_rows(path, rows)
    assert errors(mini) == [expected(f"{STATIONS}.csv 第1行", "YZ-DATA-001", title="地址")]


# --- one file per table, old formats, separators --------------------------------------------------


def test_csv_and_xlsx_of_one_table(mini: Path) -> None:
    path = mini / f"{STATIONS}.csv"
    shutil.copy(path, mini / "keep.csv")
    to_xlsx(path)
    shutil.copy(mini / "keep.csv", path)
    want = expected(f"{STATIONS}.csv", "YZ-FILE-008", count=2, files="驿站名录.csv、驿站名录.xlsx")
    assert texts(mini) == [want]


def test_xls_read_from_the_visible_sheet(mini: Path) -> None:
    """tests/fixtures/xls/驿站名录.xls (see make_xls.py there): hidden old sheet, title row, number cell."""
    (mini / f"{STATIONS}.csv").unlink()
    shutil.copy(FIXTURES / "xls/驿站名录.xls", mini / f"{STATIONS}.xls")
    project = load(mini)
    report = validate(project)
    assert report.valid, report.to_text()
    frame = project.datasets["stations"].frame
    assert "旧管理员" not in set(frame["manager"])
    assert list(frame.loc[3]) == read_rows(FIXTURES / "mini/datasets/驿站名录.csv")[1]
    assert frame.index[0] == 3  # the title row is row 1, the header row 2


def test_wps_et_file_says_what_to_save_it_as(mini: Path) -> None:
    (mini / f"{STATIONS}.csv").rename(mini / f"{STATIONS}.et")
    assert texts(mini) == [expected(f"{STATIONS}.et", "YZ-FILE-009")]


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_unreadable_workbook_in_chinese(mini: Path, suffix: str) -> None:
    (mini / f"{STATIONS}.csv").unlink()
    (mini / f"{STATIONS}{suffix}").write_bytes(b"PK\x03\x04 not really a workbook")
    got = texts(mini)
    assert got == [expected(f"{STATIONS}{suffix}", "YZ-FILE-003")]
    assert "Error" not in got[0]


@pytest.mark.parametrize("separator", ["\t", ";"])
def test_tab_and_semicolon_separated_csv(mini: Path, separator: str) -> None:
    with_separator(mini / f"{STATIONS}.csv", separator)
    project = load(mini)
    assert validate(project).valid
    assert project.datasets["stations"].frame.loc[2, "name"] == "城关镇民生驿站"


# --- values ---------------------------------------------------------------------------------------


def test_full_width_digits_read_as_half_width(mini: Path) -> None:
    path = mini / f"{STATIONS}.csv"
    rows = read_rows(path)
    column = rows[0].index("管理员电话")
    rows[2][column] = "１８８８８７０７５０２"
    write_rows(path, rows)
    project = load(mini)
    assert validate(project).valid
    assert project.datasets["stations"].frame.loc[3, "manager_phone"] == "18888707502"
    what = "全角数字、字母或空格改为半角"
    note = expected(
        f"{STATIONS}.csv J列「管理员电话」", "YZ-NOTE-003", "（说明）", count=1, what=what,
        before="１８８８８７０７５０２", after="18888707502",
    )  # fmt: skip
    assert note in texts(mini)


def test_thousands_separator_and_compact_date(mini: Path) -> None:
    path = mini / f"{RECIPIENTS}.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("保障金额")] = "1,200.00"
    rows[1][rows[0].index("起始日期")] = "20251218"
    write_rows(path, rows)
    project = load(mini)
    assert validate(project).valid
    frame = project.datasets["recipients"].frame
    assert (frame.loc[2, "amount"], frame.loc[2, "start_date"]) == ("1200.00", "2025-12-18")
    got = texts(mini)
    for letter, title, what, before, after in (
        ("I", "保障金额", "去掉了千位分隔符", "1,200.00", "1200.00"),
        ("K", "起始日期", "日期改为 年-月-日 的写法", "20251218", "2025-12-18"),
    ):
        where = f"{RECIPIENTS}.csv {letter}列「{title}」"
        note = expected(where, "YZ-NOTE-003", "（说明）", count=1, what=what, before=before, after=after)
        assert note in got


def test_year_month_cells_excel_made_dates(mini: Path) -> None:
    to_xlsx(mini / f"{RECIPIENTS}.csv", cell=month_as_date)
    project = load(mini)
    report = validate(project)
    assert report.valid
    typed = {row[0] for row in read_rows(FIXTURES / "mini/datasets/救助对象.csv")[1:]}
    assert set(project.datasets["recipients"].frame["batch"]) == typed
    notes = [p for p in report.problems if p.code == "YZ-NOTE-003" and p.where.title == "批次"]
    assert len(notes) == 1 and notes[0].problem.startswith("134 个值")


def test_vocabulary_aliases_normalised_with_a_count(mini: Path) -> None:
    path = mini / f"{STATIONS}.csv"
    rows = read_rows(path)
    for row in rows[1:]:
        row[rows[0].index("层级")] = {"村": "村级"}.get(row[rows[0].index("层级")], row[2])
        row[rows[0].index("状态")] = "正常"
    write_rows(path, rows)
    project = load(mini)
    assert validate(project).valid
    frame = project.datasets["stations"].frame
    assert set(frame["level"]) == {"乡镇", "村", "组"} and set(frame["status"]) == {"运行"}
    what = "常用写法改为规范的值"
    got = texts(mini)
    assert expected(
        f"{STATIONS}.csv C列「层级」", "YZ-NOTE-003", "（说明）", count=3, what=what, before="村级", after="村"
    ) in got  # fmt: skip
    assert expected(
        f"{STATIONS}.csv L列「状态」", "YZ-NOTE-003", "（说明）", count=33, what=what, before="正常", after="运行"
    ) in got  # fmt: skip


# --- Excel damage ---------------------------------------------------------------------------------


def _survives_as_double(birth: str) -> str:
    """An ID number with a valid checksum that a double stores exactly: Excel's damage is invisible."""
    for sequence in range(1000):
        first17 = f"990101{birth}{sequence:03d}"
        number = first17 + id_check_char(first17)
        if number.isdigit() and int(float(number)) == int(number):
            return number
    raise AssertionError("no such ID")


def test_id_numbers_stored_as_numbers_are_refused(mini: Path) -> None:
    path = mini / f"{RECIPIENTS}.csv"
    rows = read_rows(path)[:3]
    column = rows[0].index("身份证号")
    rows[1][column] = _survives_as_double("19700101")  # checksum still right: accepted before
    to_xlsx(path, cell=id_as_number, rows=rows)
    read_back = [str(int(float(rows[n - 1][column]))) for n in (2, 3)]  # what the cell now holds
    assert read_back[0] == rows[1][column] and read_back[1] != rows[2][column]
    where = f"{RECIPIENTS}.xlsx 第{{row}}行 E列「身份证号」"
    want = [
        expected(where.format(row=n), "YZ-DATA-014", value=v) for n, v in zip((2, 3), read_back, strict=True)
    ]
    assert errors(mini) == want


def test_id_numbers_in_scientific_notation_in_csv(mini: Path) -> None:
    path = mini / f"{RECIPIENTS}.csv"
    rows = read_rows(path)
    column = rows[0].index("身份证号")
    for row in rows[1:]:
        row[column] = "9.90101E+17"
    write_rows(path, rows)
    rows_hit = list(range(2, len(rows) + 1))
    want = grouped(f"{RECIPIENTS}.csv E列「身份证号」", "YZ-DATA-014", rows_hit, value="9.90101E+17")
    assert errors(mini) == [want]


def test_phone_that_lost_its_leading_zero(mini: Path) -> None:
    to_xlsx(
        mini / f"{STATIONS}.csv",
        cell=lambda t, v: 3695201234 if t == "管理员电话" and v == "13332322661" else v,
    )
    want = expected(
        f"{STATIONS}.xlsx 第2行 J列「管理员电话」", "YZ-DATA-015", value="3695201234", fixed="03695201234"
    )
    assert errors(mini) == [want]


# --- structure: repeated titles, totals, blank rows, messages that scale ------------------------


def test_repeated_column_title_names_both_letters(mini: Path) -> None:
    path = mini / f"{STATIONS}.csv"
    rows = [[*r, r[HEADER.index("管理员电话")]] for r in read_rows(path)]
    write_rows(path, rows)
    want = expected(
        f"{STATIONS}.csv 第1行 M列「管理员电话」", "YZ-DATA-016", title="管理员电话", first="J", second="M"
    )
    assert errors(mini) == [want]
    assert "manager_phone" not in load(mini).datasets["stations"].header_letters


def test_totals_row_skipped_with_one_line_and_blank_rows_ignored(mini: Path) -> None:
    path = mini / f"{SERVICES}.csv"
    rows = read_rows(path)
    rows.insert(5, ["", "", "", "", ""])
    rows.insert(6, ["  ", "\u3000", "", "", ""])
    rows.append(["合计", "", "", "12345", ""])
    write_rows(path, rows)
    project = load(mini)
    report = validate(project)
    assert report.valid
    frame = project.datasets["services"].frame
    assert len(frame) == len(rows) - 4 and 6 not in frame.index and 7 not in frame.index
    want = expected(f"{SERVICES}.csv 第{len(rows)}行", "YZ-DATA-017", "（警告）", rows=len(rows))
    assert [str(p) for p in report.problems] == [want]


def test_same_problem_on_many_rows_is_one_message(mini: Path) -> None:
    path = mini / f"{SERVICES}.csv"
    rows = read_rows(path)
    for row in rows[1:401]:
        row[3] = "十"
    write_rows(path, rows)
    fix = "请填写整数，不要带单位或小数点"
    want = grouped(
        f"{SERVICES}.csv D列「人次」",
        "YZ-DATA-004",
        list(range(2, 402)),
        value="十",
        type_name="整数",
        fix=fix,
    )
    found = problems(mini)
    assert [str(p) for p in found] == [want]
    assert found[0].rows == tuple(range(2, 402))


def test_a_rule_broken_on_many_rows_of_a_column_is_one_message(mini: Path) -> None:
    """Next month's service log typed before the edition moved on: one warning with the count, as
    for a type error, not one line per row; a rule broken on a few rows still names each row."""
    path = mini / f"{SERVICES}.csv"
    rows = read_rows(path)
    for row in rows[1:7]:  # spreadsheet rows 2–7
        row[0] = "2026-12-01"
    write_rows(path, rows)
    values = {"title": "日期", "value": "2026-12-01", "edition": "2026-11-20"}
    late = [p for p in problems(mini) if p.code == "YZ-RULE-011"]
    want = grouped(f"{SERVICES}.csv A列「日期」", "YZ-RULE-011", list(range(2, 8)), **values)
    assert [str(p) for p in late] == [want.replace(": ", ": （警告）", 1)]
    assert late[0].severity == WARNING and late[0].rows == tuple(range(2, 8))
    for row in rows[4:7]:
        row[0] = "2026-11-01"
    write_rows(path, rows)
    late = [p for p in problems(mini) if p.code == "YZ-RULE-011"]
    assert [p.where.row for p in late if p.where] == [2, 3, 4]
    assert str(late[0]) == expected(f"{SERVICES}.csv 第2行 A列「日期」", "YZ-RULE-011", "（警告）", **values)


def test_mistyped_level_is_not_repeated_for_its_villages(mini: Path) -> None:
    path = mini / f"{STATIONS}.csv"
    rows = read_rows(path)
    column = rows[0].index("层级")
    rows[1][column] = "镇政府"  # the township station of 城关镇: its villages have no parent now
    write_rows(path, rows)
    choices = "乡镇、村、组、街道、社区、网格"
    want = expected(f"{STATIONS}.csv 第2行 C列「层级」", "YZ-DATA-005", value="镇政府", choices=choices)
    assert errors(mini) == [want]


def test_frictionless_stays_the_authority(mini: Path) -> None:
    """Judging each distinct value once gives exactly the rows and faults of frictionless over the rows."""
    from frictionless import Resource

    from yizhan.validate.tables import _frictionless_schema

    path = mini / f"{SERVICES}.csv"
    rows = read_rows(path)[:200]
    bad = ["2026-13-01", "2026/1/2x", "", "-3", "1.5", "上门", "12人", "0", "2026-02-30", " "]
    for number, row in enumerate(rows[1:], start=2):
        row[number % 4 if number % 4 != 1 else 3] = bad[number % len(bad)]
    write_rows(path, rows)
    project = load(mini)
    dataset = project.datasets["services"]
    ours = {
        (row, p.where.title)
        for p in validate(project).problems
        if p.code.startswith("YZ-DATA-00")
        for row in (p.rows or (p.where.row,))
    }
    header = [c.title for c in dataset.spec.columns]
    keys = [c.key for c in dataset.spec.columns]
    data = [header, *dataset.frame[keys].to_numpy().tolist()]
    result = Resource(data=data, schema=_frictionless_schema(dataset)).validate(limit_errors=10**6)
    numbers = list(dataset.frame.index)
    theirs = {
        (numbers[e.row_number - 2], e.field_name)
        for e in result.tasks[0].errors
        if e.type in ("type-error", "constraint-error")
    }
    assert theirs and ours == theirs
