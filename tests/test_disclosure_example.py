"""The example county end to end: 12 months published, sheets for the current one, the gate passed."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_example_county_publishes_twelve_months(example_build: Path) -> None:
    notices = example_build / "site/disclosure/gongshi"
    assert len([p for p in notices.iterdir() if p.is_dir()]) == 12
    villages = list((notices / "2026-11").glob("YZ-??-???.html"))
    sheets = list((example_build / "print/disclosure/2026-11").rglob("*.pdf"))
    assert len(villages) == len(sheets) > 100
    assert not list((notices / "2026-10").glob("YZ-??-???.html"))
    assert not (example_build / "print/disclosure/2026-10").exists()


def test_example_pages_within_budget(example_build: Path) -> None:
    big = [p.name for p in (example_build / "site").rglob("*.html") if p.stat().st_size > 60_000]
    assert big == []
