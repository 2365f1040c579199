"""Reading spreadsheets as officers save them."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from yizhan.tabular import TableReadError, detect_encoding, normalize_date, read_table

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


def test_undecodable_bytes_are_reported() -> None:
    with pytest.raises(TableReadError) as error:
        detect_encoding(b"\xff\xfe\xfa\x80\x81")
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
