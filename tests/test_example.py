"""End to end: the example county in the repository validates and builds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import REPO
from yizhan.load import load
from yizhan.validate import validate

Run = Callable[..., tuple[int, str, str]]


def test_example_county_is_valid() -> None:
    report = validate(load(REPO))
    assert report.valid, report.to_text(limit=20)
    project = load(REPO)
    assert len(project.datasets["stations"].frame) == 1168
    assert len(project.policy_docs) == 33


def test_example_county_builds(tmp_path: Path, run: Run) -> None:
    out = tmp_path / "build"
    code, stdout, stderr = run("build", "--project", str(REPO), "--out", str(out))
    assert code == 0, stdout + stderr[-2000:]
    assert (out / "site/index.html").exists()
    assert len(list((out / "site/policies").glob("*.html"))) == 34
