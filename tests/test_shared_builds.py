"""A build shared by the whole test run (all xdist workers) is made once, and a failed one is not redone."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import built_once


def test_the_first_asker_builds_and_the_others_reuse(tmp_path_factory: pytest.TempPathFactory) -> None:
    made: list[Path] = []

    def build(folder: Path) -> int:
        made.append(folder)
        (folder / "index.html").write_text("ok", encoding="utf-8")
        return 0

    first = built_once(tmp_path_factory, "shared-ok", build)
    second = built_once(tmp_path_factory, "shared-ok", build)
    assert first == second == made[0]
    assert len(made) == 1
    assert (first / "index.html").read_text(encoding="utf-8") == "ok"


def test_a_failed_build_fails_every_asker_once(tmp_path_factory: pytest.TempPathFactory) -> None:
    made: list[Path] = []

    def build(folder: Path) -> int:
        made.append(folder)
        return 1

    for _ in range(2):
        with pytest.raises(AssertionError, match="building shared-bad failed"):
            built_once(tmp_path_factory, "shared-bad", build)
    assert len(made) == 1
