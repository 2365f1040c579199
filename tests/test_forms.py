"""Form definitions: located errors, blank paper PDF, Table Schema, XLSForm."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from frictionless import Schema
from pyxform.xls2xform import convert

from conftest import REPO
from yizhan.feedback import messages
from yizhan.forms import load_forms
from yizhan.forms.paper import ID_BOXES, PHONE_BOXES, paper_html, skip_notes
from yizhan.forms.schema import table_schema
from yizhan.forms.xlsform import xlsform_bytes
from yizhan.load import load
from yizhan.model.stations import Station
from yizhan.printing.engine import render_pdf
from yizhan.validate import to_model, validate

# one xdist worker runs this whole module, so its module-scoped builds are made once
pytestmark = pytest.mark.xdist_group("forms")

TEMPLATES = REPO / "site_templates"
CODES = {"dibao", "tekun", "linshi", "yijian", "taizhang", "zoufang", "jiandu", "huifang", "zhenggai"}


@pytest.fixture(scope="module")
def model():
    project = load(REPO)
    assert validate(project).valid
    return to_model(project)


@pytest.fixture(scope="module")
def forms(model):
    return {f.code: f for f in load_forms(model.forms)}


@pytest.fixture(scope="module")
def dibao_pdf(forms, model, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "dibao.pdf"
    path.write_bytes(render_pdf(paper_html(forms["dibao"], model.county, TEMPLATES), "forms/dibao.pdf"))
    return path


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_nine_forms_exist_and_policies_link_them(forms, model) -> None:
    assert set(forms) == CODES
    linked = {p.id: p.forms for p in model.policies if p.forms}
    assert linked["dibao"] == ("dibao",) and linked["tekun"] == ("tekun",) and linked["linshi"] == ("linshi",)
    assert forms["yijian"].dataset == "feedback" and forms["taizhang"].dataset == "services"
    assert forms["zhenggai"].dataset == "problems"


def test_paper_form_has_boxes_choices_and_conditions(forms, model) -> None:
    form = forms["dibao"]
    page = BeautifulSoup(paper_html(form, model.county, TEMPLATES), "html.parser")
    rows = [r for r in page.select("table.grid tr") if r.select_one("td.label")]
    id_row = next(r for r in rows if "公民身份号码" in r.select_one("td.label").get_text())
    assert len(id_row.select(".boxes > span")) == ID_BOXES
    phone_row = next(r for r in rows if r.select_one("td.label") and "联系电话" in r.get_text())
    assert len(phone_row.select(".boxes > span")) == PHONE_BOXES
    gender = next(r for r in rows if r.select_one("td.label") and "性别" in r.get_text())
    assert [c.get_text(strip=True) for c in gender.select(".choice")] == ["☐男", "☐女"]
    assert page.select("select") == []  # no dropdowns on paper
    members = page.select_one("table.members")
    assert len(members.select("tr")) == 1 + form.field("members").rows
    assert len(members.select("tr")[1].select(".boxes > span")) == ID_BOXES
    assert "若第14项选「否」，请跳过第15项。" in skip_notes(form)["has_car"]
    assert len(page.select("td.seal")) == 2 and len(page.select("td.sign")) == 2


def test_skip_notes_group_ranges(forms) -> None:
    notes = skip_notes(forms["zoufang"])
    needs_help = forms["zoufang"].field("needs_help").number
    assert (
        notes["needs_help"]
        == [
            f"若第{needs_help}项选「否」，请跳过第{needs_help + 1}–{needs_help + 5}项。"  # needs … 转办编号, 问题编号
        ]
    )


def test_dibao_pdf_fits_its_pages(dibao_pdf: Path) -> None:
    text = pdf_text(dibao_pdf)
    pages = text.split("\f")[:-1]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页/共{len(pages)}页" in page.replace(" ", "")
        assert "dibao · 第 2026.1 版" in page
    assert "最低生活保障申请表" in pages[0] and "编号" in pages[0] and "填表日期" in pages[0]
    assert "若第14项选「否」，请跳过第15项。" in text
    assert text.count("☐") >= 2 + 2 + 2 + 6 * (6 + 4 + 2) + 4
    fonts = subprocess.run(["pdffonts", str(dibao_pdf)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts and "Noto-Serif-CJK-SC" in fonts


def test_station_variant_and_qr(forms, model) -> None:
    import dataclasses

    county = dataclasses.replace(model.county, site_url="https://minsheng.example.gov.cn")
    html = paper_html(
        forms["taizhang"],
        county,
        TEMPLATES,
        Station("YZ-01-001", "福塘村民生驿站", "村", "城关镇", "福塘村", "", "", "", "", "每周三", "运行"),
    )
    page = BeautifulSoup(html, "html.parser")
    assert page.select_one(".head .station").get_text(strip=True) == "福塘村民生驿站（YZ-01-001）"
    assert page.select_one(".head .qr img")["src"].startswith("data:image/svg+xml;base64,")
    plain = BeautifulSoup(paper_html(forms["taizhang"], model.county, TEMPLATES), "html.parser")
    assert plain.select_one(".qr") is None and plain.select_one(".station") is None


def test_table_schemas_are_valid_and_use_dataset_titles(forms) -> None:
    for form in forms.values():
        descriptor = table_schema(form)
        Schema.from_descriptor(json.loads(json.dumps(descriptor)))
    names = [f["name"] for f in table_schema(forms["yijian"])["fields"]]
    assert names[:3] == ["编号", "收集日期", "驿站编号"]
    fields = {f["key"]: f for f in table_schema(forms["yijian"])["fields"]}
    assert fields["category"]["constraints"]["enum"] == ["资金类", "建设类", "保险类", "其他"]
    assert fields["person"]["publication"] == "private"
    assert "required" not in fields["closed_date"].get("constraints", {})


def test_pyxform_converts_every_xlsform(forms, model) -> None:
    for form in forms.values():
        data = xlsform_bytes(form, model.county.edition)
        assert data == xlsform_bytes(form, model.county.edition)
        result = convert(data, validate=False, file_type=".xlsx", form_name=form.code)
        assert "<h:title>" + form.title + "</h:title>" in result.xform
        assert "jr:itext" in result.xform  # labels come from the Chinese translation


@pytest.mark.parametrize(
    ("edit", "code", "values"),
    [
        (("kind: choice", "kind: dropdown", 1), "YZ-FORM-003", None),
        (("key: gender", "key: applicant_name", 1), "YZ-FORM-004", None),
        (
            ("{field: has_car, equals: 是}", "{field: has_boat, equals: 是}", 1),
            "YZ-FORM-009",
            {"value": "has_boat"},
        ),
        (("    choices: [男, 女]\n", "", 1), "YZ-FORM-006", {"label": "性别"}),
    ],
)
def test_broken_definition_is_located(tmp_path: Path, edit, code, values) -> None:
    root = tmp_path / "county"
    shutil.copytree(REPO / "tests/fixtures/mini", root)
    shutil.copytree(REPO / "forms", root / "forms")
    path = root / "forms/dibao.yml"
    text = path.read_text(encoding="utf-8")
    old, new, count = edit
    assert old in text
    lines_before = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    report = validate(load(root))
    found = [p for p in report.errors if p.code == code]
    assert found, report.to_text()
    assert found[0].where.file == "forms/dibao.yml"
    assert found[0].where.line in range(lines_before - 3, lines_before + 1)
    if values:
        assert found[0].problem == messages.text(code, **values)[0]
