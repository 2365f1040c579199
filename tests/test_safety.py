"""Safety at the edges: hostile names and text stay data, no formula in open data, YAML limits, safe ids,
personal numbers in every spelling. Every test asserts on the built or reported files themselves."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from conftest import FIXTURES, REPO, edit_cell, read_rows
from yizhan.cli import main as yizhan_main
from yizhan.feedback.messages import text
from yizhan.privacy.published import notice_pages_hidden, script_urls
from yizhan.sheets.cells import FORMULA_START, safe_text

# one xdist worker runs this whole module, so its module-scoped builds are made once
pytestmark = pytest.mark.xdist_group("safety")

Run = Callable[..., tuple[int, str, str]]
STATIONS = "datasets/驿站名录.csv"
PROJECTS = "datasets/民生工程项目.csv"
RECIPIENTS = "datasets/救助对象.csv"
VILLAGE = "白石村: [公示] #1 {: .x }"  # breaks hand-written front matter and markdown alike
TOWNSHIP = "城关/../镇"  # a place name is never a path component
ATTRIBUTE = "福塘村民生驿站 { onmouseover=alert(1) }"
LINK = "[点我](javascript:alert(1))"
SUMMARY = "[点我](javascript:alert(1)) {{ 7*7 }} {% if true %}是{% endif %} **粗** <script>alert(1)</script>"
FORMULAS = ['=HYPERLINK("http://evil.example","点")', "@SUM(1)", "+1+2", "-2+3", "=2*3", "=cmd|' /C calc'!A0"]
# One number per spelling, planted into masked free text (救助事由) and public text (addresses).
SPELLINGS = {  # spelling: (words before, the number, how masking shows it)
    "full-width": ("联系", "１３９８７６５４３２１", "139****4321"),
    "spaces": ("联系", "139 8765 4322", "139****4322"),
    "dashes": ("联系", "139-8765-4323", "139****4323"),
    "dots": ("联系", "139.8765.4324", "139****4324"),
    "+86": ("联系", "+86 139 8765 4325", "139****4325"),
    "id15": ("证件", "990101700316123", "[证件号已隐去]"),
    "lowercase x": ("身份证", "99010119700316123x", "[身份证号已隐去]"),
}


def replace_everywhere(project: Path, old: str, new: str) -> None:
    for path in (project / "datasets").glob("*.csv"):
        body = path.read_text(encoding="utf-8-sig")
        path.write_text(body.replace(old, new), encoding="utf-8-sig")


def station_row(project: Path, station_id: str) -> int:
    return next(i for i, r in enumerate(read_rows(project / STATIONS), start=1) if r[0] == station_id)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini county with hostile names, text, formulas and numbers in every spelling; built (all parts)."""
    project = tmp_path_factory.mktemp("hostile") / "county"
    shutil.copytree(FIXTURES / "mini", project)
    replace_everywhere(project, "白石村", VILLAGE)
    replace_everywhere(project, "城关镇", TOWNSHIP)
    edit_cell(project / STATIONS, station_row(project, "YZ-01-001"), "驿站名称", ATTRIBUTE)
    edit_cell(project / STATIONS, station_row(project, "YZ-01-001-01"), "驿站名称", LINK)
    edit_cell(project / STATIONS, station_row(project, "YZ-01-001-02"), "驿站名称", "=1+2")
    policy = project / "content/policies/dibao.yml"
    data = policy.read_text(encoding="utf-8")
    summary = "summary: " + json.dumps(SUMMARY, ensure_ascii=False)
    policy.write_text(re.sub(r"(?m)^summary: .*$", lambda _: summary, data), encoding="utf-8")
    edit_cell(project / PROJECTS, 2, "项目名称", FORMULAS[0])
    edit_cell(project / PROJECTS, 3, "项目名称", FORMULAS[1])
    for row, formula in enumerate(FORMULAS, start=2):
        edit_cell(project / RECIPIENTS, row, "救助事由", formula)
    for row, (words, number, _) in enumerate(SPELLINGS.values(), start=2 + len(FORMULAS)):
        edit_cell(project / RECIPIENTS, row, "救助事由", f"务工受伤{words}{number}")
    out = project / "build"
    code = yizhan_main(["build", "--project", str(project), "--out", str(out)])
    assert code == 0, "the hostile county failed to build"
    return out


def pages(out: Path) -> dict[str, BeautifulSoup]:
    return {
        p.relative_to(out / "site").as_posix(): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
        for p in (out / "site").rglob("*.html")
    }


# data is data ------------------------------------------------------------------------------------------


def test_hostile_names_make_no_attribute_and_no_live_link(hostile: Path) -> None:
    built = pages(hostile)
    for rel, page in built.items():
        for tag in page.find_all(True):
            ours = (
                tag.name == "link" and tag.get("onload") == "this.media='all'"
            )  # the non-blocking sheet (#16)
            assert ours or not [a for a in tag.attrs if a.lower().startswith("on")], (rel, tag)
            for name in ("href", "src"):
                value = re.sub(r"\s", "", str(tag.get(name, ""))).lower()
                assert not value.startswith(("javascript:", "vbscript:", "data:")), (rel, tag)
        assert not page.find("script", string=re.compile("alert")), rel
    station = built["stations/YZ-01-001.html"]
    assert station.find("h1").get_text() == ATTRIBUTE  # shown as the text it is
    assert built["stations/YZ-01-001-01.html"].find("h1").get_text() == LINK
    policy = built["policies/dibao.html"]
    assert SUMMARY in policy.get_text()  # markdown, Jinja and HTML all stayed text
    assert "49" not in policy.get_text() and not policy.find("strong", string="粗")


def test_a_hostile_village_keeps_its_notice_page_out_of_search(hostile: Path) -> None:
    built = pages(hostile)
    notices = {rel: page for rel, page in built.items() if rel.startswith("disclosure/gongshi/")}
    village = [p for p in notices.values() if p.find("h1") and VILLAGE in p.find("h1").get_text()]
    assert village, "the hostile village's notice page is missing"
    for rel, page in notices.items():
        robots = page.find("meta", attrs={"name": "robots"})
        assert robots and "noindex" in robots["content"], rel
    index = json.loads((hostile / "site/search/search_index.json").read_text(encoding="utf-8"))
    assert not [d for d in index["docs"] if d["location"].startswith("disclosure/gongshi/")]
    assert not [d for d in index["docs"] if "*" in d["text"] and "户主" in d["text"]]
    assert notice_pages_hidden(hostile / "site") == []


def test_front_matter_is_serialized_not_pieced_together(hostile: Path) -> None:
    built = pages(hostile)
    assert built["stations/YZ-01-001.html"].title.get_text().startswith(ATTRIBUTE)
    from yizhan.buildkit.templating import front_matter

    written = str(front_matter(title=f"{VILLAGE}救助对象公示", search={"exclude": True}))
    meta = yaml.safe_load(written.strip().strip("-"))
    assert meta == {"title": f"{VILLAGE}救助对象公示", "search": {"exclude": True}}


def test_place_names_never_become_paths(hostile: Path) -> None:
    rows = read_rows(hostile.parent / STATIONS)
    places = {r[3] for r in rows[1:]} | {r[4] for r in rows[1:] if r[4]}
    assert TOWNSHIP in places and VILLAGE in places
    names = [p.relative_to(hostile).as_posix() for p in hostile.rglob("*")]
    assert not [n for n in names for place in places if place in n], "a place name became a path"
    assert sorted(p.name for p in hostile.parent.iterdir()) == [
        ".build.yizhan-lock", ".yizhan-cache", "build", "content", "datasets"
    ]  # fmt: skip
    bundles = sorted(p.name for p in (hostile / "print/bundles").iterdir())
    assert "YZ-01.pdf" in bundles and all(re.fullmatch(r"YZ-\d{2}\.pdf", name) for name in bundles)


def test_script_urls_put_into_a_page_by_hand_fail_the_check(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(
        '<p><a href="https://example.org/">ok</a>\n<a href=" JaVa&#x09;script:alert(1)">x</a>\n'
        "<img src='data:image/png;base64,AAAA'><a href=vbscript:msgbox>y</a></p>",
        encoding="utf-8",
    )
    findings = script_urls(site)
    assert [(f.file, f.line) for f in findings] == [
        ("site/a.html", 2),
        ("site/a.html", 3),
        ("site/a.html", 3),
    ]
    assert text("YZ-OUT-009", scheme="javascript:", url="JaVascript:alert(1)")[0] in findings[0].what


def test_a_notice_page_that_lost_noindex_fails_the_build(mini: Path, run: Run) -> None:
    templates = mini / "site_templates"
    shutil.copytree(REPO / "site_templates", templates)
    macros = templates / "site/disclosure/_macros.j2"
    macros.write_text(
        macros.read_text(encoding="utf-8").replace('"disclosure/noindex.html" if noindex else none', "none"),
        encoding="utf-8",
    )
    code, out, err = run("build", "--project", str(mini), "--out", str(mini / "build"), "--only", "site")
    assert code == 1, out + err
    lost = [line for line in out.splitlines() if "没有 noindex 标记" in line]
    assert lost and all(
        re.match(r"site/disclosure/gongshi/[\d-]+/[\w-]+\.html:1: 救助对象公示页", f) for f in lost
    )
    assert not (mini / "build").exists()


def test_notice_pages_in_the_search_index_or_sitemap_are_found(tmp_path: Path) -> None:
    site = tmp_path / "site"
    page = site / "disclosure/gongshi/2026-11/YZ-01-001.html"
    page.parent.mkdir(parents=True)
    page.write_text('<html><head><meta name="robots" content="noindex"></head></html>', encoding="utf-8")
    (site / "search").mkdir()
    docs = [{"location": "disclosure/gongshi/2026-11/YZ-01-001.html#_1", "title": "x", "text": "张*明"}]
    (site / "search/search_index.json").write_text(json.dumps({"docs": docs}), encoding="utf-8")
    (site / "sitemap.xml").write_text("<loc>https://x/disclosure/gongshi/2026-11/YZ-01-001.html</loc>")
    found = notice_pages_hidden(site)
    assert [f.place for f in found] == ["search/search_index.json", "sitemap.xml"]
    rel = "disclosure/gongshi/2026-11/YZ-01-001.html"
    problem, fix = text("YZ-OUT-010", page=rel, problem="出现在站内搜索索引 search/search_index.json 中")
    assert str(found[0]) == f"site/{rel}:1（search/search_index.json）: {problem}。{fix}"


# spreadsheet-safe open data ----------------------------------------------------------------------------


def test_published_csv_and_xlsx_carry_no_formula(hostile: Path) -> None:
    tables = sorted((hostile / "site/data").glob("*.csv"))
    package = json.loads((hostile / "site/data/datapackage.json").read_text(encoding="utf-8"))
    kinds = {r["path"]: [f["type"] for f in r["schema"]["fields"]] for r in package["resources"]}
    seen = set()
    for table in tables:
        rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
        for row in rows[1:]:
            for value, kind in zip(row, kinds[table.name], strict=True):
                if value.startswith(FORMULA_START):
                    assert kind in ("number", "integer") and float(value) < 0, (table.name, value)
                seen.add(value)
    for formula in [*FORMULAS, "=1+2"]:
        assert "'" + formula in seen, formula
    for book_path in sorted((hostile / "site").rglob("*.xlsx")):
        book = load_workbook(book_path)
        cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
        assert cells and not [c.coordinate for c in cells if c.data_type == "f"], book_path


def test_numbers_keep_their_sign_only_in_numeric_columns() -> None:
    assert safe_text("-300", "number") == "-300"
    assert safe_text("-300", "string") == "'-300"
    assert safe_text("-1+1", "number") == "'-1+1"
    assert safe_text("\r=1") == "'\r=1" and safe_text("\t=1") == "'\t=1"
    assert safe_text("福塘村") == "福塘村"


# personal numbers in every spelling --------------------------------------------------------------------


def test_numbers_in_masked_text_are_masked_in_every_spelling(hostile: Path) -> None:
    rows = read_rows(hostile / "site/data/gongshi.csv")
    reasons = [r[rows[0].index("救助事由")] for r in rows[1:]]
    for spelling, (words, _, masked) in SPELLINGS.items():
        assert f"务工受伤{words}{masked}" in reasons, spelling
    body = "".join(p.read_text(encoding="utf-8") for p in (hostile / "site").rglob("*.html"))
    body += "".join(p.read_text(encoding="utf-8-sig") for p in (hostile / "site").rglob("*.csv"))
    for _, number, _ in SPELLINGS.values():
        assert number not in body


def test_numbers_in_public_text_fail_the_build_in_every_spelling(mini: Path, run: Run) -> None:
    targets = ["YZ-01-001-03", "YZ-01-001-04", "YZ-01-001-05", "YZ-01-001-06", "YZ-01-001-07", "YZ-01-002",
               "YZ-01-002-01"]  # fmt: skip
    for station, (words, number, _) in zip(targets, SPELLINGS.values(), strict=True):
        edit_cell(mini / STATIONS, station_row(mini, station), "地址", f"示例县福塘村{words}{number}")
    code, out, err = run("build", "--project", str(mini), "--out", str(mini / "build"), "--only", "site")
    assert code == 1, out + err
    assert not (mini / "build").exists()
    findings = out.splitlines()
    for station, (spelling, (_, _, masked)) in zip(targets, SPELLINGS.items(), strict=True):
        what = f"未公开的手机号 {masked}" if masked.startswith("139") else "疑似身份证号 990101…"
        pattern = rf"site/stations/{station}\.html:\d+（第\d+列）: {re.escape(what)}"
        assert any(re.match(pattern, f) for f in findings), (spelling, findings[:20])


# YAML limits -------------------------------------------------------------------------------------------

BOMB = "\n".join(
    ["id: dibao", 'a: &a ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]" for i in range(9)]
)


def validate_limited(project: Path) -> subprocess.CompletedProcess[str]:
    """`yizhan validate` in a process that may use at most 1.5 GB of address space."""
    script = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20));"
        "from yizhan.cli import main; sys.exit(main(['validate', '--project', sys.argv[1]]))"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "scripts")}
    return subprocess.run(
        [sys.executable, "-c", script, str(project)], capture_output=True, text=True, env=env, timeout=300
    )


def test_alias_bomb_is_refused_with_its_line_under_a_memory_limit(mini: Path) -> None:
    (mini / "content/policies/dibao.yml").write_text(BOMB, encoding="utf-8")
    done = validate_limited(mini)
    assert done.returncode == 1, done.stderr
    problem, fix = text("YZ-YAML-013", mark="&a")
    assert "content/policies/dibao.yml:2" in done.stdout and problem in done.stdout and fix in done.stdout
    assert "Traceback" not in done.stderr + done.stdout and "MemoryError" not in done.stderr


@pytest.mark.parametrize(
    ("body", "code", "values", "line"),
    [
        ("id: dibao\nname: &n 低保\nshort_name: *n\n", "YZ-YAML-013", {"mark": "&n"}, 2),
        ("id: dibao\nsummary: *nothing\n", "YZ-YAML-013", {"mark": "*nothing"}, 2),
        ("id: dibao\nsummary: " + "[" * 50_000 + "]" * 50_000 + "\n", "YZ-YAML-014", {"limit": 32}, 2),
        ("id: dibao\nsummary: " + "[" * 50_000 + "\n", "YZ-YAML-014", {"limit": 32}, 2),
    ],
    ids=["anchor", "undefined-alias", "deep", "deep-unclosed"],
)
def test_yaml_limits_are_located(mini: Path, body: str, code: str, values: dict, line: int) -> None:
    (mini / "content/policies/dibao.yml").write_text(body, encoding="utf-8")
    done = validate_limited(mini)
    assert done.returncode == 1, done.stderr
    problem, _ = text(code, **values)
    assert f"content/policies/dibao.yml:{line}" in done.stdout and problem in done.stdout
    assert "Traceback" not in done.stderr + done.stdout and "RecursionError" not in done.stderr


def test_oversized_yaml_is_refused_before_reading(mini: Path, run: Run) -> None:
    (mini / "content/policies/dibao.yml").write_text("id: dibao\nsummary: '" + "字" * 400_000 + "'\n")
    code, out, _ = run("validate", "--project", str(mini))
    assert code == 1
    assert text("YZ-YAML-015", size=1171, limit=1024)[0] in out and "content/policies/dibao.yml" in out
    quoted = "id: dibao\nsummary: '*不是别名 &也不是锚点'\n"
    (mini / "content/policies/dibao.yml").write_text(quoted, encoding="utf-8")
    code, out, _ = run("validate", "--project", str(mini))
    assert "YZ-YAML-013" not in out and "锚点或别名" not in out


# identifiers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("policy_id", ["con", "Dibao", "lpt1", "a" * 65, "di_bao", "-dibao"])
def test_unsafe_policy_ids_are_refused_with_their_line(mini: Path, run: Run, policy_id: str) -> None:
    source = mini / "content/policies/dibao.yml"
    body = source.read_text(encoding="utf-8").replace("id: dibao", f"id: {policy_id}")
    source.unlink()
    (mini / f"content/policies/{policy_id}.yml").write_text(body, encoding="utf-8")
    code, out, _ = run("validate", "--project", str(mini))
    assert code == 1
    problem, fix = text("YZ-YAML-016", title="政策编号", value=policy_id, limit=64)
    line = next(i for i, t in enumerate(body.splitlines(), start=1) if t.startswith("id:"))
    assert f"content/policies/{policy_id}.yml:{line}" in out and problem in out and fix in out


def test_unsafe_form_code_is_refused_with_its_line(mini: Path, run: Run) -> None:
    shutil.copytree(REPO / "forms", mini / "forms")
    body = (mini / "forms/yijian.yml").read_text(encoding="utf-8").replace("code: yijian", "code: CON")
    (mini / "forms/yijian.yml").unlink()
    (mini / "forms/CON.yml").write_text(body, encoding="utf-8")
    code, out, _ = run("validate", "--project", str(mini))
    assert code == 1
    problem, _ = text("YZ-YAML-016", title="表格代码", value="CON", limit=64)
    assert "forms/CON.yml:2" in out and problem in out


def test_digits_of_other_scripts_are_read_as_digits() -> None:
    from yizhan.privacy.masking import mask_text
    from yizhan.rules.numbers import find_numbers

    assert mask_text("电话١٣٩٨٧٦٥٤٣٢١，请回电") == "电话139****4321，请回电"
    assert [f.kind for f in find_numbers("证件 ٩٩٠١٠١١٩٧٠٠٣١٦١٢٣x")] == ["id18"]
