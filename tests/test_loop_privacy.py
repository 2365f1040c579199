"""The privacy gate covers the 工作报告 pages and PDFs and the internal 每季评 and 预警提醒单 sheets."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import REPO, read_rows

Run = Callable[..., tuple[int, str, str]]

PLANTED = {  # template → the text it is made to print after its first line of body
    "site/disclosure/report.md.j2": "# ",
    "print/disclosure/report.html.j2": "<h1>",
    "print/disclosure/scorecard.html.j2": "<h1>",
}


def test_an_id_number_printed_by_a_report_or_scorecard_template_fails_the_build(mini: Path, run: Run) -> None:
    templates = mini / "site_templates"
    shutil.copytree(REPO / "site_templates", templates)
    number = read_rows(mini / "datasets/救助对象.csv")[1][4]
    for name, anchor in PLANTED.items():
        path = templates / name
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(anchor, f"核对 {number}\n\n{anchor}", 1), encoding="utf-8")
    code, out, err = run("build", "--project", str(mini), "--out", str(mini / "build"))
    assert code == 1, out + err
    files = {line.split(":")[0] for line in out.splitlines() if "身份证号" in line}
    assert {
        "site/disclosure/baogao/2026-10.html",
        "site/disclosure/baogao/nian-2026-11.html",
        "site/disclosure/baogao/2026-10.pdf",
        "print/工作报告/2026-10.pdf",
        "print/内部-每季评/2026-11-20/2026Q3.pdf",
    } <= files, out
    assert all(re.match(r"(site|print)/", f) for f in files)
    assert not (mini / "build").exists()  # nothing published
