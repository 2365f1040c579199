"""The weekly 预警提醒单 also lists the 问题整改台账 items past their 整改时限 and those due within 3 working days."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import weasyprint

from conftest import FIXTURES, REPO, read_rows, write_rows
from yizhan.derive import derive
from yizhan.disclosure.warnings import warning_sheets
from yizhan.load import load
from yizhan.validate import to_model, validate

# Edition 2026-11-20 (a Friday): 11-23 and 11-24 are the 1st and 2nd working days after it.
PROBLEMS = [
    {"问题编号": "WT202610-0901", "来源": "排查发现", "发现日期": "2026-10-20", "所属乡镇": "城关镇",
     "问题描述": "福塘村便民桥护栏松动，联系人电话13912345678", "责任单位": "城关镇建设办", "责任人": "王守正",
     "整改时限": "2026-11-10", "状态": "整改中", "整改措施": "已安排加固"},
    {"问题编号": "WT202611-0902", "来源": "群众反映", "发现日期": "2026-11-02", "所属乡镇": "城关镇",
     "问题描述": "驿站服务日无人值守", "责任单位": "福塘村委会", "责任人": "李守信", "整改时限": "2026-11-24",
     "状态": "待整改"},
    {"问题编号": "WT202611-0903", "来源": "省市反馈", "发现日期": "2026-11-05", "所属乡镇": "城关镇",
     "问题描述": "公示栏未按期更新", "责任单位": "城关镇民政办", "责任人": "赵守义", "整改时限": "2026-12-10",
     "状态": "待整改"},
    {"问题编号": "WT202610-0904", "来源": "排查发现", "发现日期": "2026-10-08", "所属乡镇": "城关镇",
     "问题描述": "台账缺页", "责任单位": "城关镇民政办", "责任人": "钱守礼", "整改时限": "2026-11-01",
     "状态": "已销号", "整改措施": "已补齐台账", "销号日期": "2026-10-30"},
    {"问题编号": "WT202610-0905", "来源": "排查发现", "发现日期": "2026-10-10", "所属乡镇": "青溪镇",
     "问题描述": "水毁道路未修复", "责任单位": "青溪镇建设办", "责任人": "孙守仁", "整改时限": "2026-11-05",
     "状态": "整改中", "整改措施": "已报修"},
]  # fmt: skip


def pdf_text(html: str, target: Path) -> str:
    weasyprint.HTML(string=html, base_url=str(REPO / "site_templates")).write_pdf(target)
    done = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_warning_sheet_lists_overdue_and_due_soon_problems(tmp_path: Path) -> None:
    root = tmp_path / "county"
    shutil.copytree(FIXTURES / "mini", root)
    table = root / "datasets/问题整改台账.csv"
    header, *kept = read_rows(table)  # the fixture's own items stay (its 走访 rows name them)
    write_rows(table, [header, *kept, *[[row.get(title, "") for title in header] for row in PROBLEMS]])
    project = load(root)
    assert validate(project).valid
    data = derive(to_model(project))
    jobs = warning_sheets(
        data.stats["disclosure"], data.tables["stations"], data.county, REPO / "site_templates"
    )
    town = next(j for j in jobs if j.title.startswith("城关镇"))
    text = pdf_text(town.html, tmp_path / "town.pdf")
    late, soon = text.split("五、")[1].split("六、")
    assert "WT202610-0901" in late and "排查发现" in late and "城关镇建设办" in late and "2026-11-10" in late
    assert [line.split()[-1] for line in late.splitlines() if "WT202610-0901" in line] == [
        "10"
    ]  # 11-10 → 11-20
    assert "WT202611-0902" in soon and "2026-11-24" in soon
    assert [line.split()[-1] for line in soon.splitlines() if "WT202611-0902" in line] == ["2"]
    assert "WT202611-0001" in late and "WT202611-0002" in soon  # the fixture's own open items
    for absent in ("WT202611-0903", "WT202610-0904", "WT202610-0905"):  # not due soon, 销号, other township
        assert absent not in text
    assert "护栏松动" not in text and "139" not in text  # no 问题描述: it often names a household
    assert "王守正" not in text and "李守信" not in text
    other = next(j for j in jobs if j.title.startswith("青溪镇"))
    other_text = pdf_text(other.html, tmp_path / "other.pdf")
    assert (
        "WT202610-0905" in other_text.split("五、")[1].split("六、")[0] and "WT202610-0901" not in other_text
    )


def test_warning_sheet_says_none_when_no_problem_is_open(tmp_path: Path) -> None:
    data = derive(to_model(load(FIXTURES / "mini")))
    jobs = warning_sheets(
        data.stats["disclosure"], data.tables["stations"], data.county, REPO / "site_templates"
    )
    quiet = next(j for j in jobs if j.title.startswith("青溪镇"))  # its one item is 已销号
    text = pdf_text(quiet.html, tmp_path / "none.pdf")
    flat = text.replace(" ", "")
    assert "五、已超过整改时限仍未销号的问题（0个）\n无。" in flat
    assert "六、3个工作日内到期的问题（0个）\n无。" in flat
