"""End to end: the example county in the repository validates and builds."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO
from yizhan.load import load
from yizhan.validate import validate


def test_example_county_is_valid() -> None:
    report = validate(load(REPO))
    assert report.valid, report.to_text(limit=20)
    project = load(REPO)
    assert len(project.datasets["stations"].frame) == 1168
    assert len(project.policy_docs) == 33


def test_example_county_builds(example_build: Path) -> None:
    assert (example_build / "site/index.html").exists()
    assert len(list((example_build / "site/policies").glob("*.html"))) == 34
