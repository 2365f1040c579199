"""每季评: one internal A4 scorecard per quarter, townships ranked consistently with their five printed rates."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO
from yizhan.derive import derive
from yizhan.disclosure.scorecard import FOLDER, places_of, scored_quarters
from yizhan.load import load
from yizhan.printing.engine import render_batch
from yizhan.validate import to_model

CELL = re.compile(r"(—|\d+\.\d)%?（(\d+)）")
DEFINED = ("按时办结率", "每周报按时率", "问题销号率", "回访满意率", "走访覆盖率", "综合排名")


def rendered(root: Path, folder: Path) -> dict[str, str]:
    """A county's scorecards rendered through the print engine: path → text (pdftotext -layout)."""
    from yizhan.disclosure.scorecard import scorecard_sheets

    data = derive(to_model(load(root)))
    jobs = scorecard_sheets(data.stats["disclosure"], data.county, REPO / "site_templates")
    found = {}
    for rendered in render_batch(jobs):
        assert rendered.pages == 1, rendered.path
        pdf = folder / Path(rendered.path).name
        pdf.write_bytes(rendered.pdf)
        found[rendered.path] = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    return found


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The mini county's scorecards (edition 2026-11-20)."""
    return rendered(FIXTURES / "mini", tmp_path_factory.mktemp("scorecards"))


@pytest.fixture(scope="module")
def january(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The mini county seen on 2027-01-05: its latest complete quarter, 2026Q4, holds the loop rows."""
    root = tmp_path_factory.mktemp("january") / "county"
    shutil.copytree(FIXTURES / "mini", root)
    county = root / "content/county.yml"
    county.write_text(
        county.read_text(encoding="utf-8").replace("edition: 2026-11-20", "edition: 2027-01-05")
    )
    return rendered(root, root.parent)


def test_one_internal_sheet_per_complete_quarter_of_the_edition_year(sheets: dict[str, str]) -> None:
    assert sorted(sheets) == [f"{FOLDER}/2026-11-20/2026Q{n}.pdf" for n in (1, 2, 3)]
    for text in sheets.values():
        assert "内部使用，不公开，不张贴" in text and "指标说明" in text
        for word in DEFINED:
            assert re.search(rf"^{word}\s", text, re.M), word  # each definition starts a line with its name
        assert "服务台账" in text and "最后一个工作日" in text  # how 每周报 on time is judged


@pytest.mark.parametrize("which", ["2026-11-20/2026Q3", "2027-01-05/2026Q4"])
def test_ranks_follow_the_printed_rates(sheets: dict[str, str], january: dict[str, str], which: str) -> None:
    text = {**sheets, **january}[f"{FOLDER}/{which}.pdf"]
    rows = []
    for line in text.splitlines():
        match = re.match(r"\s*(\d+)\s+(\S+镇)\s+(.*?)\s+(\d+\.\d)\s*$", line)
        if match:
            cells = CELL.findall(match[3])
            assert len(cells) == 5, line
            rows.append((int(match[1]), match[2], cells, float(match[4])))
    assert len(rows) == 2
    if which.endswith("Q4"):  # the loop rows: 问题, 回访, 走访 have figures to rank
        assert sum(c[0] != "—" for r in rows for c in r[2]) >= 6, text
    for column in range(5):
        values = {r[1]: None if r[2][column][0] == "—" else float(r[2][column][0]) for r in rows}
        assert {r[1]: int(r[2][column][1]) for r in rows} == places_of(values)
    for _rank, _, cells, average in rows:
        assert average == round(sum(int(c[1]) for c in cells) / 5, 1)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert all(a[3] <= b[3] for a, b in itertools.pairwise(rows))
    assert all((a[0] == b[0]) == (a[3] == b[3]) for a, b in itertools.pairwise(rows))


def test_places_share_ties_and_put_missing_values_last() -> None:
    assert places_of({"甲": 90.0, "乙": 95.0, "丙": 90.0, "丁": None, "戊": 80.0}) == {
        "乙": 1, "甲": 2, "丙": 2, "戊": 4, "丁": 5,
    }  # fmt: skip
    assert places_of({"甲": None, "乙": None}) == {"甲": 1, "乙": 1}


def test_quarters_scored() -> None:
    data = {"2026-02", "2026-05", "2026-08"}
    assert [q.label for q in scored_quarters(dt.date(2026, 11, 20), data)] == ["2026Q1", "2026Q2", "2026Q3"]
    assert [q.label for q in scored_quarters(dt.date(2026, 9, 30), data)] == ["2026Q1", "2026Q2", "2026Q3"]
    # Early in a year: the latest complete quarter is last year's fourth, even without data of its own.
    assert [q.label for q in scored_quarters(dt.date(2027, 2, 1), data)] == ["2026Q4"]
    assert scored_quarters(dt.date(2026, 11, 20), data)[2].months == ("2026-07", "2026-08", "2026-09")
