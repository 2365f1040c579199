"""Reading spreadsheets as officers save them."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from yizhan.feedback.errors import TableReadError
from yizhan.intake import csvrows
from yizhan.intake.tabular import detect_encoding, normalize_date, read_table

ROWS = "驿站编号,驿站名称\nYZ-01,青溪镇民生驿站\n"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_encodings_detected(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(ROWS.encode(encoding))
    table = read_table(path)
    assert table.encoding == expected
    assert table.header == ["驿站编号", "驿站名称"]
    assert table.rows == [["YZ-01", "青溪镇民生驿站"]]


@pytest.mark.parametrize("data", [b"\xff\xfe\xfa\x80\x81", b"\xef\xbb\xbf\xe6\x97\xa5\xff\xfe\n"])
def test_undecodable_bytes_are_reported(data: bytes) -> None:
    """Also after a UTF-8 BOM (that file was an internal error before)."""
    with pytest.raises(TableReadError) as error:
        detect_encoding(data)
    assert error.value.code == "YZ-FILE-002"


def test_header_spaces_removed(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(" 驿站编号 ,驿站\u3000名称\nYZ-01,x\n", encoding="utf-8")
    assert read_table(path).header == ["驿站编号", "驿站名称"]


def test_xlsx_read_with_dates_and_numbers(tmp_path: Path) -> None:
    import datetime as dt

    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "人次", "备注"])
    sheet.append([dt.datetime(2026, 3, 4), 12.0, None])
    sheet.append([None, None, None])  # formatted blank row Excel keeps
    path = tmp_path / "t.xlsx"
    book.save(path)
    table = read_table(path)
    assert table.encoding == "xlsx"
    assert table.rows == [["2026-03-04", "12", ""]]


def test_xlsx_read_from_a1_with_very_hidden_and_chart_sheets_left_out(tmp_path: Path) -> None:
    """A table that starts at C3 keeps the officer's row numbers; very hidden and chart sheets are never read."""
    from openpyxl.chart import BarChart

    book = Workbook()
    secret = book.active
    secret.title = "旧表"
    secret.append(["驿站编号", "驿站名称"])
    secret.append(["YZ-09", "旧名称"])
    secret.sheet_state = "veryHidden"
    sheet = book.create_sheet("名录")
    sheet["C3"], sheet["D3"] = "驿站编号", "驿站名称"
    sheet["C4"], sheet["D4"] = "YZ-01", "青溪镇民生驿站"
    sheet["C5"], sheet["D5"] = 12, True
    book.create_chartsheet("图表").add_chart(BarChart())
    path = tmp_path / "t.xlsx"
    book.save(path)
    table = read_table(path, titles=["驿站编号", "驿站名称"])
    assert (table.sheet, table.header_row) == ("名录", 3)
    assert table.rows == [["", "", "YZ-01", "青溪镇民生驿站"], ["", "", "12", "是"]]
    assert table.row_numbers.tolist() == [4, 5]
    assert table.marks == {2: {5: "number"}}


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("2026/3/5", "2026-03-05"),
        ("2026.03.05", "2026-03-05"),
        ("2026年3月5日", "2026-03-05"),
        ("20260305", "2026-03-05"),
        ("20261305", "20261305"),
        ("3月5日", "3月5日"),
    ],
)
def test_dates_normalized(typed: str, iso: str) -> None:
    assert normalize_date(typed) == iso


@pytest.mark.parametrize("separator", [",", "\t", ";"])
def test_separator_found_from_the_header_not_free_text(tmp_path: Path, separator: str) -> None:
    path = tmp_path / "t.csv"
    rows = [["驿站编号", "备注"], ["YZ-01", "a;b;c\td\te,f,g"]]
    path.write_text("\n".join(separator.join(f'"{c}"' for c in r) for r in rows) + "\n", encoding="utf-8")
    for titles in (None, ["驿站编号", "备注"]):
        table = read_table(path, titles)
        assert (table.header, table.rows) == (rows[0], rows[1:])


LOG_WITH_A_LINE_BREAK = (
    "驿站服务台账（2026年）\n"  # row 1: a title row
    "日期,驿站编号,备注\n"  # row 2: the header
    '2026-01-01,YZ-01,"第一行\n第二行"\n'  # row 3: Alt+Enter in a cell, one row in Excel
    "2026-01-02,YZ-02,,多余\n"  # row 4: a cell right of the last titled column
    "2026-01-03\n"  # row 5: short
    "\n"  # row 6: blank
    "合计,,\n"  # row 7: totals
    "2026-01-04,YZ-04,末行\n"  # row 8
)


@pytest.mark.parametrize("chunk", [2, 50_000])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_cell_with_a_line_break_is_one_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, encoding: str
) -> None:
    monkeypatch.setattr(csvrows, "CHUNK_ROWS", chunk)  # rows read a chunk at a time: across chunks too
    path = tmp_path / "t.csv"
    path.write_bytes(LOG_WITH_A_LINE_BREAK.encode(encoding))
    table = read_table(path, ["日期", "驿站编号", "备注"])
    assert (table.header_row, table.skipped) == (2, ("驿站服务台账（2026年）",))
    assert table.rows == [
        ["2026-01-01", "YZ-01", "第一行\n第二行"],
        ["2026-01-02", "YZ-02", ""],
        ["2026-01-03", "", ""],
        ["2026-01-04", "YZ-04", "末行"],
    ]
    assert table.row_numbers.tolist() == [3, 4, 5, 8]
    assert (table.extra, table.totals) == ({4: 1}, (7,))


@pytest.mark.parametrize("chunk", [3, 50_000])
def test_a_log_reads_the_same_with_or_without_a_line_break(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """The fast reader (one row a line) and the exact one (cells with line breaks) agree."""
    monkeypatch.setattr(csvrows, "CHUNK_ROWS", chunk)
    lines = ["日期,驿站编号,人次,备注"] + [
        f"2026-01-{i % 28 + 1:02d},YZ-0{i % 7}, {i % 5} ,x{i % 3}" for i in range(20)
    ]
    plain, broken = tmp_path / "plain.csv", tmp_path / "broken.csv"
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    broken.write_text("\n".join([*lines, '2026-02-01,YZ-01,1,"a\nb"']) + "\n", encoding="utf-8")
    fast, exact = read_table(plain), read_table(broken)
    assert exact.rows[:-1] == fast.rows and exact.rows[-1] == ["2026-02-01", "YZ-01", "1", "a\nb"]
    assert exact.row_numbers.tolist() == [*fast.row_numbers.tolist(), 22]
    assert fast.rows[0] == ["2026-01-01", "YZ-00", "0", "x0"]  # trimmed, leading zeros kept


@pytest.mark.parametrize("line_break", [False, True])
def test_a_big_log_is_read_without_a_string_per_cell(tmp_path: Path, line_break: bool) -> None:
    """Memory stays a few times the file's size: the old reader held every cell as its own string."""
    import tracemalloc

    rows = [f"2026-{m:02d}-{d:02d},YZ-{s:02d}-{v:03d},代办,{d},\n" for m in (1, 2) for d in range(1, 29) for s in range(1, 19) for v in range(1, 100)]  # fmt: skip
    body = "".join(rows * 2)
    if line_break:
        body += '2026-03-01,YZ-01,代办,1,"第一行\n第二行"\n'
    path = tmp_path / "log.csv"
    path.write_bytes(("日期,驿站编号,服务类型,人次,备注\n" + body).encode("utf-8-sig"))
    size = path.stat().st_size
    tracemalloc.start()
    try:
        table = read_table(path, ["日期", "驿站编号"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(table.row_numbers) == 2 * len(rows) + line_break
    # Measured: about 4× and 9× the file's size; the reader that kept a string per cell needed 9× and 22×.
    assert peak < (12 if line_break else 6) * size
