"""The environment check runs before anything is rendered."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from yizhan.buildkit import environment
from yizhan.feedback import messages
from yizhan.feedback.errors import located
from yizhan.feedback.report import ERROR, WARNING, Problem

Run = Callable[..., tuple[int, str, str]]


def test_this_machine_has_the_font_and_subsetter() -> None:
    assert environment.has_cjk_font()
    assert environment.has_hb_subset()


def test_missing_cjk_font_stops_with_exit_2(mini: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(environment, "has_cjk_font", lambda family=environment.CJK_FAMILY: False)
    out = mini / "build"
    code, _, err = run("build", "--project", str(mini), "--out", str(out))
    assert code == 2
    assert "没有找到中文字体" in err and "apt-get install -y fonts-noto-cjk" in err
    values = {"family": environment.CJK_FAMILY, "command": environment.INSTALL_FONT}
    line = located(Problem("YZ-ENV-001", ERROR, None, *messages.text("YZ-ENV-001", **values)))
    assert messages.say("YZ-CLI-004", error=line) in err.splitlines()
    assert not out.exists()


def test_site_only_build_needs_the_font_too(mini: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site offers blank forms as PDFs, so it must not be built with tofu either."""
    monkeypatch.setattr(environment, "has_cjk_font", lambda family=environment.CJK_FAMILY: False)
    code, _, err = run("build", "--project", str(mini), "--out", str(mini / "build"), "--only", "site")
    assert code == 2 and "fonts-noto-cjk" in err
    assert not (mini / "build").exists()


def test_missing_subsetter_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(environment, "has_hb_subset", lambda: False)
    report = environment.check_environment()
    assert not report.errors
    assert "libharfbuzz-subset0" in report.warnings[0] and "20—40倍" in report.warnings[0]
    texts = messages.text("YZ-ENV-002", command=environment.INSTALL_HB)
    assert report.warnings == [located(Problem("YZ-ENV-002", WARNING, None, *texts))]


def test_yizhan_jobs_is_how_many_processes_a_build_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import ProcessPoolExecutor

    from yizhan import render
    from yizhan.printing.jobs import local_pool, warm_pool

    monkeypatch.delenv(environment.JOBS, raising=False)
    assert environment.cores() == (os.cpu_count() or 1)
    monkeypatch.setenv(environment.JOBS, " 3 ")
    assert environment.cores() == 3
    pool = local_pool()
    assert isinstance(pool, ProcessPoolExecutor) and pool._max_workers == 3
    pool.shutdown()
    monkeypatch.setenv(environment.JOBS, "1")
    assert environment.cores() == 1 and local_pool() is None
    with warm_pool() as executor:
        assert executor is None  # no print worker: this process renders
    with render.beside(os.getpid) as future:
        assert future.result() == os.getpid()  # the second render part runs here too


@pytest.mark.parametrize("value", ["0", "two", "２", "-1", "1.5"])
def test_a_yizhan_jobs_that_is_no_number_of_processes_stops_the_build(
    mini: Path, run: Run, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(environment.JOBS, value)
    out = mini / "build"
    code, _, err = run("build", "--project", str(mini), "--out", str(out))
    assert code == 2
    values = {"name": "YIZHAN_JOBS", "value": value, "cores": os.cpu_count() or 1}
    line = located(Problem("YZ-ENV-003", ERROR, None, *messages.text("YZ-ENV-003", **values)))
    assert messages.say("YZ-CLI-004", error=line) in err.splitlines()
    assert f"「{value}」不是进程数" in err and "正整数" in err
    assert not out.exists()
