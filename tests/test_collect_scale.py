"""`yizhan collect import` of a big file: the work per row stays constant (no table rebuilt per row)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO, read_rows, write_rows
from yizhan.collect.importer import import_files
from yizhan.intake.tabular import RawTable

HEADER = ["日期", "驿站编号", "服务类型", "人次", "备注"]
TYPES = ["政策咨询", "代办", "走访", "宣传", "上门服务"]


@pytest.fixture
def county(mini: Path) -> Path:
    shutil.copytree(REPO / "forms", mini / "forms")
    return mini


def service_rows(county: Path, count: int) -> list[list[str]]:
    """`count` distinct, valid service-log rows over the county's stations."""
    stations = [r[0] for r in read_rows(county / "datasets/驿站名录.csv")[1:]]
    return [
        [f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}", stations[i % len(stations)], TYPES[i % 5], str(i % 300), f"记录{i}"]
        for i in range(count)
    ]  # fmt: skip


def work(county: Path, source: Path, count: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int, int]:
    """(rows added, whole tables rebuilt as rows, pandas Series made) by one import of `count` rows."""
    write_rows(source, [HEADER, *service_rows(county, count)])
    made = {"rows": 0, "series": 0}
    whole = RawTable.rows.fget
    series = pd.Series.__init__

    def counted_rows(self: RawTable) -> list[list[str]]:
        made["rows"] += 1
        return whole(self)  # type: ignore[misc]

    def counted_series(self: pd.Series, *args: object, **kwargs: object) -> None:
        made["series"] += 1
        series(self, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(RawTable, "rows", property(counted_rows))
        patch.setattr(pd.Series, "__init__", counted_series)
        result = import_files(county, "taizhang", [source])
    assert result.written, [p.problem for p in result.report.problems]
    return result.added, made["rows"], made["series"]


def test_import_work_does_not_grow_per_row(
    county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = work(county, tmp_path / "small.csv", 100, monkeypatch)
    shutil.copy(
        county / "datasets/服务台账.csv.bak", county / "datasets/服务台账.csv"
    )  # as before the import
    large = work(county, tmp_path / "large.csv", 1000, monkeypatch)
    assert (small[0], large[0]) == (100, 1000)
    # the typed cells of a file are built once per read, however many rows it has (was once per row)
    assert large[1] == small[1] <= 4
    # 900 more rows make no more than a few more Series: none is built per row (was several per row)
    assert large[2] - small[2] < 50, (small, large)


def test_a_big_import_keeps_every_row_in_order(county: Path, tmp_path: Path) -> None:
    log = county / "datasets/服务台账.csv"
    before = log.read_bytes()
    rows = service_rows(county, 3000)
    source = tmp_path / "big.csv"
    write_rows(source, [HEADER, *rows])
    result = import_files(county, "taizhang", [source])
    assert result.written and result.added == 3000 and result.duplicates == 0
    assert log.read_bytes().startswith(before)
    assert read_rows(log)[-3000:] == rows
