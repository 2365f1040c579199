"""XLSX templates for the datasets: a sheet that prevents the damage Excel does to typed data.

The contract's Chinese headers on a frozen first row, each with a comment saying what goes there;
ID-number, phone, code and 年月 columns formatted as text (so Excel keeps every digit and the
leading 0); a dropdown for every column with fixed values; date columns as dates; and a 说明 sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from ..buildkit.memo import remembered
from ..feedback.report import column_letter
from ..model.project import Column, TableSpec
from .workbooks import workbook_bytes

FORMATTED_ROWS = 500  # cells formatted in advance; below them the column's own format applies
CHECKED_ROWS = 20000  # rows the dropdowns and checks cover
TEXT, DATE = "@", "yyyy-mm-dd"
GUIDE_SHEET = "说明"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def is_text_column(column: Column) -> bool:
    """Columns Excel would damage if left General: ID numbers, phones, codes, 年月."""
    return column.check in ("id_number", "phone") or column.kind in ("code", "yearmonth")


def _field(spec: TableSpec, column: Column) -> dict:
    return next(f for f in spec.descriptor["fields"] if f["key"] == column.key)


def _choices(spec: TableSpec, column: Column) -> list[str]:
    return list(_field(spec, column).get("constraints", {}).get("enum") or [])


def what_goes_here(spec: TableSpec, column: Column) -> str:
    """The header comment and 说明 line: required or not, the format, the choices."""
    field = _field(spec, column)
    limits = field.get("constraints", {})
    parts = ["必填" if column.required else "可不填"]
    if field.get("description"):
        parts.append(str(field["description"]))
    if column.check == "id_number":
        parts.append("18位身份证号，本列已设为文本，请勿改为数字格式")
    elif column.check == "phone":
        parts.append("手机号或带区号的固定电话，本列已设为文本，开头的 0 不会丢")
    elif column.kind == "yearmonth":
        parts.append("年月，如 2026-03（本列为文本，Excel 不会改成日期）")
    elif column.type == "date":
        parts.append("日期，如 2026-03-05")
    elif column.type == "integer":
        parts.append("整数" + (f"，不小于 {limits['minimum']}" if "minimum" in limits else ""))
    elif column.type == "number":
        parts.append("数字，不带单位" + (f"，不小于 {limits['minimum']}" if "minimum" in limits else ""))
    if field.get("hint"):
        parts.append(str(field["hint"]))
    if limits.get("enum"):
        parts.append("从下拉列表中选：" + "、".join(limits["enum"]))
    return "；".join(parts)


def _validation(spec: TableSpec, column: Column) -> DataValidation | None:
    choices = _choices(spec, column)
    limits = _field(spec, column).get("constraints", {})
    if choices:
        check = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        check.error = "请从下拉列表中选择：" + "、".join(choices)
    elif column.type in ("integer", "number") and "minimum" in limits:
        kind = "whole" if column.type == "integer" else "decimal"
        check = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(limits["minimum"]))
        check.error = f"请填写不小于 {limits['minimum']} 的" + ("整数" if kind == "whole" else "数")
    elif column.type == "date":
        check = DataValidation(type="date", operator="greaterThan", formula1="1")
        check.error = "请填写日期，如 2026-03-05"
    else:
        return None
    check.errorTitle, check.showErrorMessage = "填写有误", True
    return check


@remembered("table-template")
def template_bytes(spec: TableSpec, edition: dt.date) -> bytes:
    """The template workbook of one table, byte-identical for the same schema and edition date."""
    book = Workbook()
    sheet = book.active
    sheet.title = spec.title
    for index, column in enumerate(spec.columns):
        letter = column_letter(index)
        cell = sheet.cell(row=1, column=index + 1, value=column.title)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.comment = Comment(what_goes_here(spec, column), "yizhan", width=260, height=120)
        width = 22 if column.check == "id_number" else max(10, 2 * len(column.title) + 4)
        sheet.column_dimensions[letter].width = width
        number_format = TEXT if is_text_column(column) else DATE if column.type == "date" else None
        if number_format:
            sheet.column_dimensions[letter].number_format = number_format
            for row in range(2, FORMATTED_ROWS + 2):
                sheet.cell(row=row, column=index + 1).number_format = number_format
        check = _validation(spec, column)
        if check is not None:
            check.add(f"{letter}2:{letter}{CHECKED_ROWS + 1}")
            sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet(GUIDE_SHEET)
    guide.append([f"{spec.title}：填写说明"])
    guide.append(["在「" + spec.title + "」工作表中每行填一条；不要改动第1行的列标题，不要合并单元格。"])
    guide.append(["保存为 .xlsx，文件名为「" + spec.title + ".xlsx」，放进项目的 datasets/ 文件夹。"])
    guide.append([])
    guide.append(["列标题", "填写说明"])
    for column in spec.columns:
        guide.append([column.title, what_goes_here(spec, column)])
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 18, 90
    return workbook_bytes(book, edition)


def template_files(
    specs: Iterable[TableSpec], edition: dt.date, folder: str = "forms/tables"
) -> dict[str, bytes]:
    """Every table's template, keyed by its path in the site (the officer saves it under that name)."""
    return {f"{folder}/{spec.title}.xlsx": template_bytes(spec, edition) for spec in specs}
