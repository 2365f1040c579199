"""The 问题整改台账 form round trip: XLSForm → ODK Central / KoboToolbox export → `yizhan collect import`.

The exports are written here as the two tools write them (see tests/fixtures/collect/README.md for the
sources): Central with `SubmissionDate` first, answers by XML name (the form's sections are notes, so no
group path), `meta-instanceID`, `KEY` and the review columns; Kobo with `;`, XML names, `_uuid` and
`_validation_status`. Notes (s_problem, s_fix) are in Central's export as empty columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from conftest import REPO, read_rows
from yizhan.feedback import messages
from yizhan.forms import load_forms, with_datasets
from yizhan.forms.model import Form
from yizhan.forms.xlsform import xlsform_bytes
from yizhan.load import load
from yizhan.validate import validate

Run = Callable[..., tuple[int, str, str]]
PROBLEMS = "datasets/问题整改台账.csv"
ANSWERS = ["problem_id", "source", "found_date", "township", "station_id", "summary", "unit", "responsible",
           "deadline", "status", "measures", "closed_date"]  # fmt: skip
CENTRAL_TAIL = ["meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent",
                "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]  # fmt: skip
KOBO_TAIL = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
             "__version__", "_tags", "_index"]  # fmt: skip
ITEMS = {
    "0901": ["WT202611-0901", "排查发现", "2026-11-03", "城关镇", "YZ-01-001", "走访发现老人家中屋顶漏雨。",
             "城关镇人民政府", "龚向晖", "2026-11-17", "待整改", "", ""],
    "0902": ["WT202611-0902", "群众反映", "2026-11-04", "城关镇", "YZ-01-002", "村民反映驿站服务日无人值守。",
             "城关镇民政办", "程立新", "2026-11-14", "已销号", "已调整值守安排并公示", "2026-11-10"],
    "0903": ["WT202611-0903", "省市反馈", "2026-11-05", "青溪镇", "", "市级抽查发现公示栏信息未更新。",
             "青溪镇民政办", "程立新", "2026-11-19", "整改中", "已安排专人更新", ""],
    "0904": ["WT202611-0904", "排查发现", "2026-11-06", "青溪镇", "YZ-02-001", "监督发现工地围挡缺失。",
             "青溪镇住建办", "龚向晖", "2026-11-20", "待整改", "", ""],
}  # fmt: skip


@pytest.fixture
def county(mini: Path) -> Path:
    shutil.copytree(REPO / "forms", mini / "forms")
    return mini


@pytest.fixture(scope="module")
def form() -> Form:
    project = load(REPO)
    raw = {s.rsplit("/", 1)[-1].removesuffix(".yml"): d.data for s, d in project.form_docs.items()}
    return next(f for f in load_forms(with_datasets(raw, project.specs)) if f.code == "zhenggai")


def central_row(item: str, review: str = "", edits: int = 0, answers: list[str] | None = None) -> list[str]:
    key = f"uuid:0d5c7e4a-2f1b-4c8e-9b3a-00000000{item}"
    instance = key if not edits else f"uuid:0d5c7e4a-2f1b-4c8e-9b3a-0000000{edits}{item}"
    values = answers or ITEMS[item]
    return ["2026-11-18T02:00:00.000Z", "", *values[:8], "", *values[8:], instance, key, "9", "城关镇民政办",
            "0", "0", "", review, "collect:Qm2xP7rT", str(edits), "2026.1"]  # fmt: skip


def write_central(path: Path, rows: list[list[str]]) -> Path:
    header = ["SubmissionDate", "s_problem", *ANSWERS[:8], "s_fix", *ANSWERS[8:], *CENTRAL_TAIL]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    return path


def write_kobo(path: Path, rows: list[tuple[str, list[str], str]]) -> Path:
    header = ["start", "end", *ANSWERS, *KOBO_TAIL]
    lines = [header]
    for index, (uuid, answers, state) in enumerate(rows, start=1):
        lines.append(["2026-11-18T09:00:00.000+08:00", "2026-11-18T09:05:00.000+08:00", *answers, str(4100 + index),
                      uuid, "2026-11-18T01:05:00", state, "", "submitted_via_web", "", "vZg2026", "", str(index)])  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\n").writerows(lines)
    return path


def stored(county: Path) -> dict[str, dict[str, str]]:
    rows = read_rows(county / PROBLEMS)
    return {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


def test_the_xlsform_converts_and_asks_for_every_column(form: Form) -> None:
    """pyxform reads the XLSForm: every 问题整改台账 column is a question; 销号日期 only when 已销号."""
    data = xlsform_bytes(form, dt.date(2026, 11, 20), [("YZ-01-001", "福塘村民生驿站")])
    xform = convert(data, validate=False, file_type=".xlsx", form_name="zhenggai").xform
    root = ET.fromstring(xform)
    binds = {
        b.get("nodeset", "").rsplit("/", 1)[-1]: b for b in root.iter("{http://www.w3.org/2002/xforms}bind")
    }
    assert set(ANSWERS) <= set(binds)
    assert binds["closed_date"].get("relevant").split() == ["/zhenggai/status", "=", "'已销号'"]
    for key in (
        "problem_id",
        "source",
        "found_date",
        "township",
        "summary",
        "unit",
        "responsible",
        "deadline",
    ):
        assert binds[key].get("required") == "true()", key
    assert binds["station_id"].get("required") in (None, "false()")
    assert "found_date" in binds["deadline"].get("constraint", "")
    assert "<h:title>问题整改台账登记表</h:title>" in xform
    for word in ("省市反馈", "排查发现", "群众反映", "待整改", "整改中", "已销号"):
        assert word in xform


def test_central_exports_import_edit_and_review(county: Path, run: Run, tmp_path: Path) -> None:
    first = write_central(tmp_path / "zhenggai-1.csv", [central_row("0901"), central_row("0902"),
                                                        central_row("0903", review="hasIssues")])  # fmt: skip
    code, out, _ = run("collect", "import", "--project", str(county), "zhenggai", str(first))
    assert code == 0, out
    items = stored(county)
    assert items["WT202611-0902"]["状态"] == "已销号" and items["WT202611-0902"]["销号日期"] == "2026-11-10"
    assert items["WT202611-0903"]["审核标记"] == "有问题"
    assert items["WT202611-0901"]["提交编号"] == "0d5c7e4a-2f1b-4c8e-9b3a-000000000901"
    assert items["WT202611-0901"]["表格版本"] == "2026.1"
    row = list(stored(county)).index("WT202611-0901") + 2
    closed = [*ITEMS["0901"][:9], "已销号", "已请施工队修补屋顶", "2026-11-16"]
    second = write_central(
        tmp_path / "zhenggai-2.csv",
        [central_row("0901", edits=1, answers=closed), central_row("0904", review="rejected")],
    )
    code, out, _ = run("collect", "import", "--project", str(county), "zhenggai", str(second))
    assert code == 0, out
    items = stored(county)
    assert (
        items["WT202611-0901"]["状态"] == "已销号"
        and items["WT202611-0901"]["整改措施"] == "已请施工队修补屋顶"
    )
    assert list(items).index("WT202611-0901") + 2 == row  # the edit updated its row, not a new one
    change = messages.text("YZ-FORM-030", source=PROBLEMS, row=row, title="状态", old="待整改", new="已销号")[
        0
    ]
    assert change in out
    assert "WT202611-0904" not in items  # rejected on the server
    assert validate(load(county)).valid
    after = (county / PROBLEMS).read_bytes()
    code, out, _ = run("collect", "import", "--project", str(county), "zhenggai", str(first), str(second))
    assert code == 0, out
    assert (county / PROBLEMS).read_bytes() == after  # both again: nothing changes


def test_kobo_export_and_its_bad_rows(county: Path, run: Run, tmp_path: Path) -> None:
    """A 销号 without 整改措施 and a 驿站 that does not exist stop the import; --skip-invalid sets them aside."""
    no_measures = [*ITEMS["0902"][:10], "", "2026-11-10"]
    nowhere = [*ITEMS["0904"][:4], "YZ-09-001", *ITEMS["0904"][5:]]
    source = write_kobo(
        tmp_path / "zhenggai-kobo.csv",
        [
            ("7a3e-0001", ITEMS["0901"], "validation_status_approved"),
            ("7a3e-0002", no_measures, "validation_status_approved"),
            ("7a3e-0003", ITEMS["0903"], "validation_status_on_hold"),
            ("7a3e-0004", nowhere, "validation_status_approved"),
        ],
    )
    before = (county / PROBLEMS).read_bytes()
    code, out, _ = run("collect", "import", "--project", str(county), "zhenggai", str(source))
    assert code == 1
    measures = messages.text("YZ-LOOP-006", status="已销号", title="整改措施")[0]
    assert "zhenggai-kobo.csv 第3行" in out and measures in out
    assert messages.text("YZ-RULE-003", value="YZ-09-001")[0] in out
    assert (county / PROBLEMS).read_bytes() == before  # all or nothing
    code, out, _ = run(
        "collect", "import", "--project", str(county), "zhenggai", str(source), "--skip-invalid"
    )
    assert code == 0, out
    items = stored(county)
    assert {"WT202611-0901", "WT202611-0903"} <= set(items)
    assert "WT202611-0902" not in items and "WT202611-0904" not in items
    assert items["WT202611-0903"]["审核标记"] == "暂缓" and items["WT202611-0901"]["提交编号"] == "7a3e-0001"
    rejects = read_rows(tmp_path / "zhenggai-kobo.未导入.csv")
    assert len(rejects) == 3
    assert validate(load(county)).valid


def test_a_visit_can_point_at_an_imported_problem(county: Path, run: Run, tmp_path: Path) -> None:
    """The loop closes: after the import, a 走访 row may name the new 问题编号; before it, it may not."""
    visits = county / "datasets/走访记录.csv"
    rows = read_rows(visits)
    rows[3][rows[0].index("问题编号")] = "WT202611-0901"
    with visits.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    assert [p.code for p in validate(load(county)).problems] == ["YZ-LOOP-002"]
    rows[3][rows[0].index("问题编号")] = ""
    with visits.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    source = write_central(tmp_path / "zhenggai.csv", [central_row("0901")])
    code, out, _ = run("collect", "import", "--project", str(county), "zhenggai", str(source))
    assert code == 0, out
    rows[3][rows[0].index("问题编号")] = "WT202611-0901"
    with visits.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    assert validate(load(county)).valid
