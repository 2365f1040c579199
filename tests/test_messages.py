"""Every catalogue code is raised by a test that asserts its located message, built from the catalogue."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import REPO, TESTS, edit_cell, read_rows, write_rows
from yizhan.feedback import messages
from yizhan.feedback.errors import located
from yizhan.feedback.report import ERROR, WARNING, Location, Problem
from yizhan.load import load
from yizhan.model.output import PrintJob
from yizhan.printing.jobs import PrintError, bind, render_jobs
from yizhan.validate import validate

Run = Callable[..., tuple[int, str, str]]
Edit = Callable[[Path], None]
STATIONS = "datasets/驿站名录.csv"
PROJECTS = "datasets/民生工程项目.csv"
FEEDBACK = "datasets/意见建议.csv"


def line(where: str, **parts: object) -> str:
    """A report line for `where` (as Location prints it) from the catalogue."""
    code = parts.pop("code")
    severity = parts.pop("severity", ERROR)
    problem, fix = messages.text(str(code), **parts)
    mark = "" if severity == ERROR else "（警告）"
    return f"{where}: {mark}{problem} —— {fix}"


def problems(project: Path) -> list[str]:
    return [str(p) for p in validate(load(project)).problems]


def test_every_catalogue_code_is_named_by_a_test() -> None:
    tests = "\n".join(p.read_text(encoding="utf-8") for p in TESTS.glob("test_*.py"))
    unused = [code for code in messages.CATALOGUE if code not in tests]
    assert unused == []


def test_every_catalogue_code_is_used_by_the_code() -> None:
    package = REPO / "scripts/yizhan"
    code = "\n".join(p.read_text(encoding="utf-8") for p in package.rglob("*.py") if p.name != "messages.py")
    assert [c for c in messages.CATALOGUE if f'"{c}"' not in code] == []


# --- content/ ----------------------------------------------------------------------------------


def set_line(path: Path, prefix: str, new: str) -> int:
    """Replace the line starting with `prefix` by `new`; return its 1-based number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, text in enumerate(lines) if text.startswith(prefix))
    lines[index] = new
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1


def append(path: Path, text: str) -> int:
    """Append `text` (one line) at the end; return its line number."""
    body = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
    path.write_text(body + text + "\n", encoding="utf-8")
    return body.count("\n") + 1


COUNTY = "content/county.yml"
DIBAO = "content/policies/dibao.yml"


def test_county_settings_problems_are_located(mini: Path) -> None:
    county = mini / COUNTY
    days = set_line(county, "disclosure_days:", "disclosure_days: 七天")
    bureau = set_line(county, "bureau:", 'bureau: ""')
    hotline = set_line(county, "hotline:", 'hotline: "123"')
    edition = set_line(county, "edition:", "edition: 2026-13-40")
    extra = append(county, "colour: red")
    found = problems(mini)
    title, key, expected = "公示天数", "disclosure_days", "整数（如 20）"
    assert line(f"{COUNTY}:{days}", code="YZ-YAML-003", title=title, key=key, expected=expected) in found
    assert line(f"{COUNTY}:{bureau}", code="YZ-YAML-005", title="主管单位", key="bureau") in found
    assert line(f"{COUNTY}:{hotline}", code="YZ-YAML-011", value="123") in found
    assert line(f"{COUNTY}:{edition}", code="YZ-YAML-012", value="2026-13-40") in found
    assert line(f"{COUNTY}:{extra}", code="YZ-YAML-006", severity=WARNING, key="colour") in found


def test_policy_problems_are_located(mini: Path) -> None:
    folder = mini / "content/policies"
    shutil.copy(folder / "dibao.yml", folder / "dibao2.yml")
    gaoling = set_line(folder / "gaoling.yml", "id:", "id: gaoling2")
    limit = set_line(folder / "dibao.yml", "time_limit_days:", "time_limit_days: 20")
    forms = append(folder / "tekun.yml", "forms: [nosuch]")
    found = problems(mini)
    where = "content/policies/gaoling.yml"
    assert line(f"{where}:{gaoling}", code="YZ-YAML-007", value="gaoling2", stem="gaoling") in found
    copy = "content/policies/dibao2.yml:3"
    assert line(copy, code="YZ-YAML-009", value="dibao", other=DIBAO) in found
    assert line(f"{DIBAO}:{limit}", code="YZ-YAML-008", total=25, limit=20) in found
    assert line(f"content/policies/tekun.yml:{forms}", code="YZ-YAML-010", value="nosuch") in found


# --- datasets/ ---------------------------------------------------------------------------------


def cell(file: str, row: int, letter: str, title: str) -> str:
    return f"{file} 第{row}行 {letter}列「{title}」"


def test_missing_empty_and_damaged_tables_are_named(mini: Path) -> None:
    (mini / FEEDBACK).unlink()
    (mini / STATIONS).unlink()
    (mini / "datasets/驿站名录.xlsx").write_bytes(b"not a workbook")
    Workbook().save(mini / "datasets/服务台账.xlsx")
    (mini / "datasets/服务台账.csv").unlink()
    found = problems(mini)
    assert line(FEEDBACK, code="YZ-FILE-001") in found
    assert line("datasets/驿站名录.xlsx", code="YZ-FILE-003", detail="BadZipFile") in found
    assert line("datasets/服务台账.xlsx", code="YZ-FILE-004") in found


def test_register_problems_are_located_by_cell(mini: Path) -> None:
    register = mini / STATIONS
    rows = read_rows(register)
    rows[0].append("备注2")
    rows[2].append("")
    rows[3] += ["", "多余"]
    write_rows(register, rows)
    edit_cell(register, 5, "驿站名称", "")
    edit_cell(register, 6, "驿站编号", "ZZ-9")
    edit_cell(register, 7, "所属组", "")
    edit_cell(register, 8, "驿站编号", "YZ-01-002-88")
    edit_cell(register, 11, "所属乡镇", "火星镇")
    found = problems(mini)
    assert line(cell(STATIONS, 1, "M", "备注2"), code="YZ-DATA-002", severity=WARNING, title="备注2") in found
    assert line(f"{STATIONS} 第4行", code="YZ-DATA-012", count=1) in found
    assert line(cell(STATIONS, 5, "B", "驿站名称"), code="YZ-DATA-003", title="驿站名称") in found
    hint = "请按 YZ-01（乡镇）、YZ-01-003（村）、YZ-01-003-07（组）的格式填写"
    assert line(cell(STATIONS, 6, "A", "驿站编号"), code="YZ-DATA-006", value="ZZ-9", fix=hint) in found
    assert line(cell(STATIONS, 7, "F", "所属组"), code="YZ-RULE-007", level="组", title="所属组") in found
    assert (
        line(cell(STATIONS, 8, "A", "驿站编号"), code="YZ-RULE-008", value="YZ-01-002-88", parent="YZ-01-001")
        in found
    )
    assert line(cell(STATIONS, 11, "D", "所属乡镇"), code="YZ-RULE-001", value="火星镇") in found


def test_recipient_household_size_has_a_maximum(mini: Path) -> None:
    path = mini / "datasets/救助对象.csv"
    edit_cell(path, 3, "家庭人口", "45")
    where = cell("datasets/救助对象.csv", 3, "H", "家庭人口")
    assert line(where, code="YZ-DATA-011", value="45", maximum=20) in problems(mini)


def test_project_rules_are_located_by_cell(mini: Path) -> None:
    path = mini / PROJECTS
    rows = read_rows(path)
    started = rows[1][rows[0].index("实际开工日期")]
    edit_cell(path, 2, "实际完工日期", "2025-01-01")
    edit_cell(path, 3, "政策编号", "nosuch")
    edit_cell(path, 4, "状态", "未开工")
    edit_cell(path, 5, "状态", "已完工")
    edit_cell(path, 5, "实际完工日期", "")
    edit_cell(path, 6, "实际开工日期", "2026-12-01")
    edit_cell(path, 6, "实际完工日期", "")
    edit_cell(path, 6, "状态", "在建")
    found = problems(mini)
    later = {"later_title": "实际完工日期", "later": "2025-01-01", "earlier_title": "实际开工日期"}
    assert line(cell(PROJECTS, 2, "K", "实际完工日期"), code="YZ-RULE-006", earlier=started, **later) in found
    assert line(cell(PROJECTS, 3, "C", "政策编号"), code="YZ-RULE-004", value="nosuch") in found
    done = cell(PROJECTS, 4, "I", "实际开工日期")
    assert line(done, code="YZ-RULE-010", status="未开工", title="实际开工日期") in found
    assert (
        line(
            cell(PROJECTS, 5, "K", "实际完工日期"), code="YZ-RULE-009", status="已完工", title="实际完工日期"
        )
        in found
    )
    future = cell(PROJECTS, 6, "I", "实际开工日期")
    values = {"title": "实际开工日期", "value": "2026-12-01", "edition": "2026-11-20"}
    assert line(future, code="YZ-RULE-011", severity=WARNING, **values) in found


# --- forms/ ------------------------------------------------------------------------------------

BASE_FORM = """code: demo
title: 测试表
version: "1"
fields:
  - key: a
    kind: choice
    label: 甲
    choices: [是的, 不是]
"""
FORM = "forms/demo.yml"


def form_problems(mini: Path, text: str) -> list[str]:
    (mini / "forms").mkdir(exist_ok=True)
    (mini / FORM).write_text(text, encoding="utf-8")
    return [p for p in problems(mini) if p.startswith(FORM)]


@pytest.mark.parametrize(
    ("text", "where", "values"),
    [
        (BASE_FORM + "colour: red\n", 9, {"code": "YZ-FORM-001", "key": "colour"}),
        (BASE_FORM.replace("title: 测试表\n", ""), 1, {"code": "YZ-FORM-002", "key": "title", "title": "表格名称"}),
        (BASE_FORM + "  - key: b\n    kind: text\n    label: 乙\n    when: 是\n", 12, {"code": "YZ-FORM-005", "value": "是"}),
        (BASE_FORM.replace("code: demo", "code: other"), 1, {"code": "YZ-FORM-007", "value": "other", "stem": "demo"}),
        (BASE_FORM + "dataset: nosuch\n", 9, {"code": "YZ-FORM-008", "value": "nosuch", "choices": None}),
        (BASE_FORM + "    publication: secret\n", 9, {"code": "YZ-FORM-010", "value": "secret", "choices": "public、masked、private"}),
        (BASE_FORM + '    pattern: "(["\n', 9, {"code": "YZ-FORM-011", "value": "(["}),
        (BASE_FORM + "  - key: t\n    kind: table\n    label: 家庭成员\n", 9, {"code": "YZ-FORM-012", "label": "家庭成员"}),
        (BASE_FORM + "  - key: b\n    kind: text\n    label: 乙\n  - key: c\n    kind: text\n    label: 丙\n    when: {field: b, equals: x}\n", 15, {"code": "YZ-FORM-013", "value": "b"}),
        (BASE_FORM + "  - key: b\n    kind: text\n    label: 乙\n    when: {field: a, equals: 也许}\n", 12, {"code": "YZ-FORM-014", "value": "也许", "field": "a", "choices": "是的、不是"}),
        (BASE_FORM.replace("key: a", "key: Bad-Key"), 5, {"code": "YZ-FORM-015", "value": "Bad-Key"}),
    ],
)  # fmt: skip
def test_form_definition_problems_are_located(mini: Path, text: str, where: int, values: dict) -> None:
    if values.get("choices", "") is None:  # every dataset of the package, as the message lists them
        values["choices"] = "、".join(f"{s.name}（{s.title}）" for s in load(mini).specs.values())
    assert line(f"{FORM}:{where}", **values) in form_problems(mini, text)


def test_a_form_feeding_a_dataset_must_match_its_columns(mini: Path) -> None:
    text = BASE_FORM.replace("fields:", "dataset: feedback\nfields:")
    text += "  - key: person\n    kind: name\n    label: 反映人\n"
    found = form_problems(mini, text)
    assert line(f"{FORM}:6", code="YZ-FORM-016", value="a", dataset="意见建议") in found
    assert line(f"{FORM}:10", code="YZ-FORM-018", value="public", title="反映人", expected="private") in found
    missing = {"key": "feedback_id", "title": "编号", "dataset": "意见建议"}
    assert line(f"{FORM}:5", code="YZ-FORM-017", **missing) in found


# --- collect import ----------------------------------------------------------------------------

HEADER = read_rows(TESTS / "fixtures/mini" / FEEDBACK)[0]
GOOD = ["YJ202611-0901", "2026-11-18", "YZ-01-001", "建设类", "村道修缮", "村口道路坑洼。", "王某某", "13912345678", "待办", "", "", "未回访"]  # fmt: skip


@pytest.fixture
def county(mini: Path) -> Path:
    shutil.copytree(REPO / "forms", mini / "forms")
    return mini


def import_rows(county: Path, tmp_path: Path, run: Run, rows: list[list[str]], *flags: str) -> tuple:
    source = tmp_path / "incoming.csv"
    write_rows(source, rows)
    return run("collect", "import", "--project", str(county), *flags, "yijian", str(source))


def test_import_names_an_unknown_form(county: Path, run: Run, tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    write_rows(source, [HEADER, GOOD])
    code, out, _ = run("collect", "import", "--project", str(county), "nosuch", str(source))
    assert code == 1
    forms = "、".join(sorted(p.stem for p in (REPO / "forms").glob("*.yml")))
    assert line("forms/", code="YZ-FORM-020", value="nosuch", choices=forms) in out.splitlines()


def test_import_locates_unknown_columns_and_bad_cells(county: Path, run: Run, tmp_path: Path) -> None:
    long_topic = "村" * 25
    bad = [["YJ-1", *GOOD[1:]], [*GOOD[:4], long_topic, *GOOD[5:]]]
    bad[1][0] = "YJ202611-0902"
    code, out, _ = import_rows(county, tmp_path, run, [[*HEADER, "奇怪的列"], *[[*r, ""] for r in bad]])
    assert code == 1
    lines = out.splitlines()
    assert line(cell("incoming.csv", 1, "M", "奇怪的列"), code="YZ-FORM-022", title="奇怪的列") in lines
    fix = "按“YJ+年月-顺序号”编写，如 YJ202611-0001"
    assert (
        line(cell("incoming.csv", 2, "A", "编号"), code="YZ-FORM-028", value="YJ-1", title="编号", fix=fix)
        in lines
    )
    where = cell("incoming.csv", 3, "E", "涉及事项")
    assert line(where, code="YZ-FORM-029", value=long_topic, title="涉及事项", limits="0–20") in lines
    assert line("incoming.csv", code="YZ-FORM-023", count=2) in lines


def test_import_checks_each_answer_of_a_multiple_choice(county: Path, run: Run, tmp_path: Path) -> None:
    form = (county / "forms/yijian.yml").read_text(encoding="utf-8")
    multi = "  - key: topic\n    kind: multi\n    label: 涉及事项\n    choices: [低保, 医保]\n    required: true\n"
    start = form.index("  - key: topic")
    end = form.index("  - key: ", start + 1)
    (county / "forms/yijian.yml").write_text(form[:start] + multi + form[end:], encoding="utf-8")
    code, out, _ = import_rows(county, tmp_path, run, [HEADER, [*GOOD[:4], "低保；火星", *GOOD[5:]]])
    assert code == 1
    where = cell("incoming.csv", 2, "E", "涉及事项")
    assert (
        line(where, code="YZ-FORM-027", value="火星", title="涉及事项", choices="低保、医保")
        in out.splitlines()
    )


def test_import_notes_what_it_added_and_what_it_set_aside(county: Path, run: Run, tmp_path: Path) -> None:
    code, out, _ = import_rows(county, tmp_path, run, [HEADER, GOOD])
    assert code == 0
    backup = county / "datasets/意见建议.csv.bak"
    problem, fix = messages.text("YZ-FORM-024", added=1, duplicates=0, backup=backup)
    assert f"{problem}。{fix}。" in out.splitlines()
    other = ["YJ202611-0903", *GOOD[1:]]
    code, out, _ = import_rows(
        county, tmp_path, run, [HEADER, other, [*other[:7], "139", *other[8:]]], "--skip-invalid"
    )
    assert code == 0
    rejects = next(tmp_path.glob("*.未导入.csv"))
    problem, fix = messages.text("YZ-FORM-025", count=1, rejects=rejects)
    assert f"{problem}。{fix}。" in out.splitlines()


# --- print -------------------------------------------------------------------------------------


def test_a_document_that_never_fits_one_page_is_named(tmp_path: Path) -> None:
    html = "<html><body>" + "<p>很长的内容</p>" * 400 + "</body></html>"
    job = PrintJob(
        "posters/YZ-99.pdf", html, title="公示牌", subject="驿站 YZ-99「测试驿站」", fit=("dense",)
    )
    with pytest.raises(PrintError) as error:
        render_jobs([job], tmp_path / "print", workers=1)
    values = {"subject": "驿站 YZ-99「测试驿站」", "path": "posters/YZ-99.pdf"}
    assert str(error.value) == located(
        Problem("YZ-PRINT-002", ERROR, None, *messages.text("YZ-PRINT-002", **values))
    )


def test_a_bundle_missing_a_part_is_named(tmp_path: Path) -> None:
    job = PrintJob("bundles/城关镇.pdf", "", subject="城关镇", parts=("posters/YZ-01.pdf",))
    with pytest.raises(PrintError) as error:
        bind(job, tmp_path, {})
    values = {"subject": "城关镇", "path": "bundles/城关镇.pdf", "part": "posters/YZ-01.pdf"}
    assert str(error.value) == located(
        Problem("YZ-PRINT-003", ERROR, None, *messages.text("YZ-PRINT-003", **values))
    )


def test_location_text_matches_what_validation_prints() -> None:
    where = Location("a.csv", row=3, column="B", title="驿站名称")
    assert str(where) == cell("a.csv", 3, "B", "驿站名称")
    assert re.fullmatch(r"content/county\.yml:\d+", str(Location(COUNTY, line=7)))


def test_a_notice_page_that_search_engines_could_list_is_named(tmp_path: Path) -> None:
    from yizhan.privacy.published import NOTICE_DIR, notice_pages_hidden

    page = tmp_path / NOTICE_DIR / "2026-11/YZ-01-001.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html><head><title>公示</title></head><body>名单</body></html>", encoding="utf-8")
    rel = page.relative_to(tmp_path).as_posix()
    problem, fix = messages.text("YZ-OUT-010", page=rel, problem="没有 noindex 标记（会被搜索引擎收录）")
    assert [f.what for f in notice_pages_hidden(tmp_path)] == [f"{problem}。{fix}"]
