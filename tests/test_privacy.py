"""The privacy gate and the masking rules: leaks planted in a copy of the mini county are caught."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from conftest import REPO, edit_cell, read_rows
from yizhan.buildkit.cache import Cache
from yizhan.derive import derive
from yizhan.load import load
from yizhan.privacy import gate as check
from yizhan.privacy import masking
from yizhan.privacy.gate import Secrets, names_pattern, privacy_gate, scan_text, scan_xlsx
from yizhan.privacy.masking import COMPOUND_SURNAMES, mask_name, mask_phone, mask_text
from yizhan.privacy.memory import MEMORY_FILE
from yizhan.rules.numbers import fold, id_check_char
from yizhan.rules.vocab import PRIVATE
from yizhan.validate import to_model

Run = Callable[..., tuple[int, str, str]]
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
RECIPIENTS = "datasets/救助对象.csv"


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# masking rules -------------------------------------------------------------------------------------


@given(st.text(CJK, min_size=2, max_size=6))
def test_masked_name_never_equals_the_name(name: str) -> None:
    masked = mask_name(name)
    assert masked != name and len(masked) == len(name) and "*" in masked
    assert masked[0] == name[0]


@given(st.sampled_from(sorted(COMPOUND_SURNAMES)), st.text(CJK, min_size=1, max_size=3))
def test_compound_surnames_are_kept_whole(surname: str, given_name: str) -> None:
    masked = mask_name(surname + given_name)
    assert masked.startswith(surname) and masked.count("*") == max(len(given_name) - 1, 1)


def test_mask_name_examples() -> None:
    assert [mask_name(n) for n in ("张三丰", "张三", "欧阳小明", "欧阳")] == [
        "张*丰",
        "张*",
        "欧阳*明",
        "欧*",
    ]


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_masked_phone_hides_the_middle(phone: str) -> None:
    masked = mask_phone(phone)
    digits = fold(phone)  # any script's digits are read as the digits they are
    assert masked == f"{digits[:3]}****{digits[-4:]}" and phone not in masked


@given(st.text(CJK, max_size=10), st.from_regex(r"\d{17}", fullmatch=True), st.text(CJK, max_size=10))
def test_mask_text_hides_id_numbers(before: str, first17: str, after: str) -> None:
    number = first17 + id_check_char(first17)
    masked = mask_text(f"{before}{number}{after}")
    assert number not in masked and not re.search(r"\d{15}", masked)


def test_derive_output_has_no_private_column(mini: Path) -> None:
    model = to_model(load(mini))
    data = derive(model)
    for name, frame in data.tables.items():
        private = {c.key for c in model.specs[name].columns if c.publication == PRIVATE}
        assert not private & set(frame.columns), name
    # Nor does any derived statistic carry a private value.
    secrets = set()
    for name, frame in model.tables.items():
        for column in model.specs[name].columns:
            if column.publication == PRIVATE:
                secrets |= {str(v) for v in frame[column.key].dropna() if str(v)}
    text = repr(data.stats["disclosure"])
    assert not [s for s in secrets if s in text]


def test_example_feedback_summaries_with_numbers_come_out_masked() -> None:
    model = to_model(load(REPO))
    raw = model.tables["feedback"]["summary"]
    planted = raw[raw.str.contains(r"\d{11}", regex=True)]
    assert len(planted) == 12  # 9 with a mobile, 3 with an ID number
    public = derive(model).tables["feedback"]["summary"]
    for index in planted.index:
        assert not re.search(r"\d{11}", public[index]), public[index]
    assert public.str.contains("身份证号已隐去").sum() == 3


# the gate on files ---------------------------------------------------------------------------------------


def test_xlsx_cells_are_scanned_and_located() -> None:
    first17 = "99010119900101123"
    number = first17 + id_check_char(first17)
    book = Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet["C5"] = f"身份证 {number}"
    sheet["B2"] = "王小明"
    buffer = io.BytesIO()
    book.save(buffer)
    secrets = Secrets(values={"王小明": "救助对象「户主姓名」"})
    findings = scan_xlsx("forms/x.xlsx", buffer.getvalue(), secrets, names_pattern(secrets))
    assert {f.place for f in findings} == {"工作表「名单」C5单元格", "工作表「名单」B2单元格"}


def test_findings_are_located_by_line_and_column_after_decoding_escapes() -> None:
    secrets = Secrets(values={"王小明": "救助对象「户主姓名」", "13912345678": "救助对象「联系电话」"})
    text = "<p>甲</p>\n\n<td>&#29579;小明</td><td>13912345678</td>\n乙\\u738b\\u5c0f\\u660e\n"
    findings = scan_text("site/x.html", text, secrets, names_pattern(secrets), markup=True)
    assert [(f.line, f.place, f.what[:10]) for f in findings] == [
        (3, "第17列", "救助对象「联系电话」"),
        (3, "第5列", "救助对象「户主姓名」"),
        (4, "第2列", "救助对象「户主姓名」"),
    ]


def test_the_gate_skips_files_it_found_clean_but_never_hides_a_leak(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = tmp_path / "build", Cache(tmp_path)
    (out / "site").mkdir(parents=True)
    page = out / "site" / "a.html"
    page.write_text("<p>联系人：王小明</p>\n", encoding="utf-8")
    (out / "site" / "b.js").write_text("var x = 1;\n", encoding="utf-8")
    before = Secrets(values={"李四光": "救助对象「户主姓名」"})
    assert privacy_gate(out, before, cache) == []
    record = json.loads((tmp_path / ".yizhan-cache" / MEMORY_FILE).read_text(encoding="utf-8"))
    assert len(record["body"]["clean"]) == 2

    scanned: list[str] = []
    scan_file = check.scan_file
    monkeypatch.setattr(
        check, "scan_file", lambda path, *rest: scanned.append(path.name) or scan_file(path, *rest)
    )
    assert privacy_gate(out, before, cache) == [] and scanned == []

    # A new secret: everything is read again, and the unchanged page now leaks.
    after = Secrets(values={"李四光": "救助对象「户主姓名」", "王小明": "救助对象「户主姓名」"})
    findings = privacy_gate(out, after, cache)
    assert sorted(scanned) == ["a.html", "b.js"]
    assert [(f.file, f.line, f.place) for f in findings] == [("site/a.html", 1, "第8列")]

    # Back to the first secrets: read again once; then only the page that changed is read, and caught.
    assert privacy_gate(out, before, cache) == []
    scanned.clear()
    page.write_text("<p>电话：13912345679</p>\n", encoding="utf-8")
    findings = privacy_gate(out, before, cache)
    assert scanned == ["a.html"]
    assert [f.what for f in findings] == ["未公开的手机号 139****5679"]


def test_a_file_stays_clean_only_while_the_public_phones_it_shows_stay_public(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = tmp_path / "build", Cache(tmp_path)
    (out / "print").mkdir(parents=True)
    (out / "print" / "a.html").write_text("<p>管理员电话 13912345678</p>\n", encoding="utf-8")
    (out / "print" / "b.html").write_text("<p>管理员电话 13812345678</p>\n", encoding="utf-8")
    values = {"李四光": "救助对象「户主姓名」"}
    assert privacy_gate(out, Secrets(values, {"13912345678", "13812345678"}), cache) == []

    scanned: list[str] = []
    scan_file = check.scan_file
    monkeypatch.setattr(
        check, "scan_file", lambda path, *rest: scanned.append(path.name) or scan_file(path, *rest)
    )
    # b's station got a new manager: a is not read again, b is, and its old number is no longer public.
    findings = privacy_gate(out, Secrets(values, {"13912345678", "13700001111"}), cache)
    assert scanned == ["b.html"]
    assert [(f.file, f.what) for f in findings] == [("print/b.html", "未公开的手机号 138****5678")]


def test_a_line_shared_by_many_files_is_judged_in_every_file_that_leaks(tmp_path: Path) -> None:
    """Clean lines are read once per run; a leaking line is reported in each file, at its own place."""
    out = tmp_path / "build"
    (out / "site").mkdir(parents=True)
    shared = "<p>本村民生驿站每周一至周五开放</p>"
    leak = "<td>王小明</td>"
    public = "<p>管理员电话 13912345678</p>"
    for name, lines in {
        "a.html": [shared, public, leak],
        "b.html": [leak, shared, public],
        "c.html": [shared, shared, public, "<p>电话 13812345678</p>"],
    }.items():
        (out / "site" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    secrets = Secrets({"王小明": "救助对象「户主姓名」"}, {"13912345678"})
    findings = privacy_gate(out, secrets)
    assert [(f.file, f.line) for f in findings] == [
        ("site/a.html", 3),
        ("site/b.html", 1),
        ("site/c.html", 4),
    ]
    assert findings[2].what == "未公开的手机号 138****5678"
    # Each file's record names the public phone it showed, though the line was the same in each.
    record = check.CleanLines()
    assert check.scan_text("a", shared, secrets, None, markup=True, clean=record) == []
    assert check.scan_text("b", public, secrets, None, markup=True, clean=record) == []
    assert record(True) == {shared}  # the line with a number is read again in every file


# leaks planted in a copy of the mini county --------------------------------------------------------------


@pytest.fixture
def good_build(mini_built_site: Path) -> Path:
    """The mini county's site built with nothing planted (a copy of the run's shared build)."""
    return mini_built_site


def rebuild_fails(mini: Path, run: Run, before: dict[str, str], *parts: str) -> list[str]:
    """Build again; it must fail, leave the old build as it was, and return the findings printed."""
    only = [arg for part in parts or ("site",) for arg in ("--only", part)]
    code, out, err = run("build", "--project", str(mini), "--out", str(mini / "build"), *only)
    assert code == 1, out + err
    assert tree_digest(mini / "build") == before
    assert "原有的 build/ 保持不变" in err
    return out.splitlines()


def own_templates(mini: Path) -> Path:
    shutil.copytree(REPO / "site_templates", mini / "site_templates")
    return mini / "site_templates"


def test_id_in_feedback_summary_is_caught_when_masking_is_bypassed(
    good_build: Path, mini: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree_digest(good_build)
    rows = read_rows(mini / "datasets/意见建议.csv")
    row = next(i for i, r in enumerate(rows, start=1) if r[8] == "待办")
    number = read_rows(mini / RECIPIENTS)[1][4]
    edit_cell(mini / "datasets/意见建议.csv", row, "内容摘要", f"户主身份证号{number}，请尽快回复。")
    # The schema says 内容摘要 is masked text: simulate a masking bug that lets it through.
    monkeypatch.setitem(masking.MASKS, "text", lambda value: value)
    findings = rebuild_fails(mini, run, before)
    hits = [f for f in findings if f.startswith("site/disclosure/yijian/yuqi.html:") and "身份证号" in f]
    assert hits and re.match(
        r"site/disclosure/yijian/yuqi\.html:\d+（第\d+列）: 救助对象「身份证号」", hits[0]
    )


def test_template_printing_an_id_number_is_caught(good_build: Path, mini: Path, run: Run) -> None:
    before = tree_digest(good_build)
    templates = own_templates(mini)
    number = read_rows(mini / RECIPIENTS)[1][4]
    village = templates / "site/disclosure/village.md.j2"
    village.write_text(
        village.read_text(encoding="utf-8") + f"\n身份证号：{number}\n", encoding="utf-8"
    )  # a template edited to print the ID column's value
    findings = rebuild_fails(mini, run, before)
    assert findings and all(
        re.match(r"site/disclosure/gongshi/2026-11/YZ-[\d-]+\.html:\d+（第\d+列）", f) for f in findings
    )


def test_phone_in_project_name_is_caught_if_the_schema_publishes_it(
    good_build: Path, mini: Path, run: Run
) -> None:
    before = tree_digest(good_build)
    edit_cell(mini / "datasets/民生工程项目.csv", 2, "项目名称", "福塘村危房改造（联系人13987654321）")
    schema_path = mini / "datasets/schemas/民生工程项目.schema.json"
    if not schema_path.exists():  # the fixture reads the data package's schemas; this county has its own
        schema_path.parent.mkdir(exist_ok=True)
        shutil.copy(REPO / "datasets/schemas/民生工程项目.schema.json", schema_path)
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    for field in schema["fields"]:
        if field["name"] == "项目名称":
            field["publication"] = "public"  # a misclassified column: the gate is the last line
            field.pop("mask", None)
    schema_path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    findings = rebuild_fails(mini, run, before, "site")
    files = {f.split(":")[0] for f in findings}
    assert "site/data/minsheng-gongcheng.csv" in files
    assert any(f.startswith("site/disclosure/gongcheng/") for f in files)
    assert all("139****4321" in f for f in findings)


def test_phone_in_project_name_is_masked_by_derive(mini: Path, run: Run) -> None:
    edit_cell(mini / "datasets/民生工程项目.csv", 2, "项目名称", "福塘村危房改造（联系人13987654321）")
    code, out, err = run("build", "--project", str(mini), "--out", str(mini / "build"), "--only", "site")
    assert code == 0, out + err
    page = next((mini / "build/site/disclosure/gongcheng").glob("YZ-*.html")).parent
    text = "".join(check.decoded(p.read_text(encoding="utf-8"), markup=True) for p in page.glob("*.html"))
    assert "139****4321" in text and "13987654321" not in text


def test_two_character_name_on_a_content_page_is_caught_but_managers_are_not(
    good_build: Path, mini: Path, run: Run
) -> None:
    before = tree_digest(good_build)
    edit_cell(mini / RECIPIENTS, 2, "户主姓名", "廖元")
    managers = read_rows(mini / "datasets/驿站名录.csv")[1]
    pages = mini / "content/pages"
    pages.mkdir(parents=True, exist_ok=True)
    (pages / "about.md").write_text(
        f"# 联系我们\n\n| 姓名 | 电话 |\n|---|---|\n| {managers[8]} | {managers[9]} |\n| 廖元 | 见公示 |\n",
        encoding="utf-8",
    )
    findings = rebuild_fails(mini, run, before)
    files = {f.split(":")[0] for f in findings}
    assert "site/about/about.html" in files and files <= {
        "site/about/about.html",
        "site/search/search_index.json",
        "site/search/search_index.js",
    }, findings
    assert all("救助对象「户主姓名」原文「廖…」" in f for f in findings)


def test_leak_inside_a_pdf_is_caught_with_its_page(mini_built: Path, mini: Path, run: Run) -> None:
    before = tree_digest(mini_built)
    templates = own_templates(mini)
    sheet = templates / "print/disclosure/village.html.j2"
    number = read_rows(mini / RECIPIENTS)[1][4]
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(
        text.replace('<p class="privacy">', f'<p>核对 {number}</p><p class="privacy">'), encoding="utf-8"
    )
    findings = rebuild_fails(mini, run, before, "print")
    assert findings and all(
        re.match(r"print/disclosure/2026-11/.+\.pdf:\d+（第1页第\d+行第\d+列）", f) for f in findings
    )


# the loop datasets (走访, 回访, 监督, 问题整改): planted personal data is never published or is caught ------


def plant_in_loop_tables(mini: Path) -> dict[str, str]:
    """A resident's name, a phone and an ID number in every free or personal column of the four loop tables."""
    recipient = read_rows(mini / RECIPIENTS)[1]
    name, number, phone = recipient[3], recipient[4], "13987654321"
    note = f"{name}（电话{phone}，身份证{number}）"
    edit_cell(mini / "datasets/走访记录.csv", 2, "户主姓名", name)
    edit_cell(mini / "datasets/走访记录.csv", 2, "家庭住址", "福塘村三组99号")
    edit_cell(mini / "datasets/走访记录.csv", 2, "问题的具体情况", note)
    edit_cell(mini / "datasets/走访记录.csv", 3, "宣传讲解的政策", note)  # a public column: never shown
    edit_cell(mini / "datasets/回访记录.csv", 4, "被回访人", name)
    edit_cell(mini / "datasets/回访记录.csv", 4, "不满意的原因和群众诉求", note)
    edit_cell(mini / "datasets/民生工程监督.csv", 3, "问题描述", note)
    edit_cell(mini / "datasets/问题整改台账.csv", 2, "问题描述", note)
    edit_cell(mini / "datasets/问题整改台账.csv", 2, "整改措施", note)
    edit_cell(mini / "datasets/问题整改台账.csv", 3, "责任人", name)  # not a public official
    return {"name": name, "number": number, "phone": phone}


def test_personal_data_in_the_loop_tables_is_never_published(mini: Path, run: Run) -> None:
    planted = plant_in_loop_tables(mini)
    code, out, err = run("build", "--project", str(mini), "--out", str(mini / "build"), "--only", "site")
    assert code == 0, out + err
    site = mini / "build/site"
    loop_files = [
        p
        for folder in ("zoufang", "huifang", "jiandu", "wenti")
        for p in (site / "disclosure" / folder).glob("*.html")
    ]
    assert len(loop_files) >= 8 and (site / "data/wenti-taizhang.csv").exists()
    for path in [*site.rglob("*.html"), *site.rglob("*.csv"), *site.rglob("*.js"), *site.rglob("*.json")]:
        text = check.decoded(path.read_text(encoding="utf-8", errors="ignore"), markup=path.suffix == ".html")
        assert not [v for v in planted.values() if v in text], path
    # The official 责任人 of the other items is still published.
    assert "程立新" in (site / "data/wenti-taizhang.csv").read_text(encoding="utf-8-sig")


def test_a_non_official_responsible_let_through_by_derive_is_caught(
    mini: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted = plant_in_loop_tables(mini)
    # Simulate a bug in derive that publishes every 责任人, officials or not: the gate is the last line.
    monkeypatch.setattr("yizhan.derive.officials_only", lambda names, officials: names)
    code, out, err = run("build", "--project", str(mini), "--out", str(mini / "build"), "--only", "site")
    assert code == 1, out + err
    findings = out.splitlines()
    files = {f.split(":")[0] for f in findings if "「" in f}
    assert "site/data/wenti-taizhang.csv" in files
    assert any(f.startswith("site/disclosure/wenti/") for f in files)
    taizhang = [f for f in findings if f.startswith("site/data/wenti-taizhang.csv")]
    assert any(f"原文「{planted['name'][0]}…」" in f for f in taizhang), taizhang
