"""The XLSX templates: formats and dropdowns that prevent Excel's damage, and a filled-in one validates."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import FIXTURES, read_rows
from yizhan.feedback.report import NOTE, Report
from yizhan.load import load, load_specs
from yizhan.model.project import TableSpec
from yizhan.sheets.templates import GUIDE_SHEET, template_bytes, what_goes_here
from yizhan.validate import validate

EDITION = dt.date(2026, 11, 20)
SPECS = load_specs(FIXTURES / "mini", Report())


@pytest.mark.parametrize("name", sorted(SPECS))
def test_template_formats_and_validations(name: str) -> None:
    spec: TableSpec = SPECS[name]
    book = load_workbook(io.BytesIO(template_bytes(spec, EDITION)))
    assert book.sheetnames == [spec.title, GUIDE_SHEET]
    sheet = book[spec.title]
    assert [c.value for c in sheet[1]] == [c.title for c in spec.columns]
    assert sheet.freeze_panes == "A2"
    lists = {
        str(v.sqref).split(":")[0][:-1]: v.formula1
        for v in sheet.data_validations.dataValidation
        if v.type == "list"
    }
    for index, column in enumerate(spec.columns):
        header = sheet.cell(row=1, column=index + 1)
        letter = header.column_letter
        assert header.comment.text == what_goes_here(spec, column)
        below = sheet.cell(row=50, column=index + 1).number_format
        if column.check in ("id_number", "phone") or column.kind in ("code", "yearmonth"):
            assert below == "@", column.title
        elif column.type == "date":
            assert below == "yyyy-mm-dd", column.title
        else:
            assert below == "General", column.title
        enum = next(f for f in spec.descriptor["fields"] if f["key"] == column.key).get("constraints", {})
        if "enum" in enum:
            assert lists[letter] == '"' + ",".join(enum["enum"]) + '"'
        else:
            assert letter not in lists
    guide = [r[0] for r in book[GUIDE_SHEET].iter_rows(min_row=6, values_only=True)]
    assert guide == [c.title for c in spec.columns]


def test_templates_are_byte_identical_between_builds() -> None:
    spec = SPECS["stations"]
    assert template_bytes(spec, EDITION) == template_bytes(spec, EDITION)


def _fill(spec: TableSpec, rows: list[list[str]], target: Path) -> None:
    """Type the rows into the template as an officer would (text where the template says text)."""
    book = load_workbook(io.BytesIO(template_bytes(spec, EDITION)))
    sheet = book[spec.title]
    header = rows[0]
    typed: dict[str, Callable[[str], object]] = {}
    for column in spec.columns:
        if column.type == "date":
            typed[column.title] = lambda v: dt.datetime.strptime(v, "%Y-%m-%d") if v else None
        elif column.type in ("integer", "number"):
            typed[column.title] = lambda v: float(v) if v else None
    for number, row in enumerate(rows[1:], start=2):
        for title, value in zip(header, row, strict=True):
            column = [c.title for c in spec.columns].index(title) + 1
            sheet.cell(row=number, column=column, value=typed.get(title, lambda v: v or None)(value))
    book.save(target)


def test_filled_in_templates_validate(mini: Path) -> None:
    for spec in SPECS.values():
        path = mini / "datasets" / spec.path
        _fill(spec, read_rows(path), path.with_suffix(".xlsx"))
        path.unlink()
    project = load(mini)
    report = validate(project)
    assert report.valid, report.to_text()
    assert [p for p in report.problems if p.severity != NOTE and p.code != "YZ-RULE-005"] == []
    typed = read_rows(FIXTURES / "mini/datasets/救助对象.csv")[1]
    got = list(project.datasets["recipients"].frame.loc[2])
    amount = [c.title for c in SPECS["recipients"].columns].index("保障金额")
    assert float(got.pop(amount)) == float(typed.pop(amount))  # a number cell: 2000.00 reads as 2000
    assert got == typed


def test_init_empty_starts_with_templates(tmp_path: Path, run: Callable[..., tuple[int, str, str]]) -> None:
    target = tmp_path / "new"
    code, _, err = run("init", "--empty", str(target))
    assert code == 0, err
    names = sorted(p.name for p in (target / "datasets").glob("*.xlsx"))
    assert names == sorted(f"{s.title}.xlsx" for s in SPECS.values())
    assert not list((target / "datasets").glob("*.csv"))
    report = validate(load(target))
    assert {p.code for p in report.errors} == {"YZ-YAML-005"}
    assert {p.where.line for p in report.errors} == {2, 4, 9, 10}
    assert [p for p in report.problems if p.code.startswith("YZ-NOTE")] == []
    assert "public_officials: []\n" in (target / "content/county.yml").read_text(encoding="utf-8")
    assert "程立新" not in (target / "content/county.yml").read_text(encoding="utf-8")


def test_forms_page_offers_the_templates(mini: Path) -> None:
    from bs4 import BeautifulSoup

    from yizhan.buildkit.paths import project_file
    from yizhan.derive import derive
    from yizhan.forms.render import render_forms
    from yizhan.validate import to_model

    project = load(mini)
    output = render_forms(derive(to_model(project)), project_file(mini, "site_templates"))
    page = BeautifulSoup(output.docs["forms/index.md"], "html.parser")
    links = [(a["href"], a.text) for a in page.select("ul.yz-table-templates a[download]")]
    titles = [s.title for s in SPECS.values()]
    assert links == [(f"tables/{t}.xlsx", f"{t}.xlsx") for t in titles]
    for title in titles:
        book = load_workbook(io.BytesIO(output.site_files[f"forms/tables/{title}.xlsx"]))
        assert book.sheetnames == [title, GUIDE_SHEET]
