"""Scale past one machine: any executor for print batches, a Dask cluster, progress lines in logs."""

from __future__ import annotations

import io
import itertools
import re
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from yizhan.buildkit.progress import Progress
from yizhan.feedback import messages
from yizhan.model.output import PrintJob


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_progress_in_a_log_is_a_chinese_line_about_every_tenth() -> None:
    log = io.StringIO()  # not a terminal, as in CI
    with Progress("印刷文件", 1168, stream=log) as bar:
        for _ in range(116):
            bar.update(10)
        bar.update(8)
    lines = log.getvalue().splitlines()
    assert 9 <= len(lines) <= 11
    found = [re.fullmatch(r"\s*印刷文件：已完成 (\d+)/1168 份（(\d+)%）", line) for line in lines]
    assert all(found), lines
    percents = [int(m.group(2)) for m in found if m]
    assert percents == sorted(percents) and percents[-1] == 100
    assert all(b - a >= 9 for a, b in itertools.pairwise(percents))


def test_progress_on_a_terminal_is_a_bar_not_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    with Progress("印刷文件", 50, stream=screen) as bar:
        bar.update(50)
    assert "已完成" not in screen.getvalue()


def print_jobs(project: Path) -> list[PrintJob]:
    """The print jobs a build of `project` renders."""
    from yizhan.buildkit.paths import project_file
    from yizhan.derive import derive
    from yizhan.load import load
    from yizhan.render import render
    from yizhan.validate import to_model

    data = derive(to_model(load(project)))
    return render(data, project_file(project, "site_templates"), ("print",)).print_jobs


def test_print_stage_takes_any_executor(mini: Path, tmp_path: Path) -> None:
    """A thread pool stands in for any concurrent.futures.Executor; the PDFs are the same bytes."""
    from yizhan.printing.jobs import render_jobs

    posters = [j for j in print_jobs(mini) if j.path.startswith("posters/YZ-01-001")]
    render_jobs(posters, tmp_path / "here", workers=1)
    with ThreadPoolExecutor(2) as pool:
        render_jobs(posters, tmp_path / "there", executor=pool)
    assert files(tmp_path / "here") == files(tmp_path / "there")


def test_one_process_and_forked_workers_make_the_same_pdfs(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """YIZHAN_JOBS changes where documents are rendered, never their bytes: stamped ones (a village's
    posters) and ones laid out together (leaflets), rendered here and in a forked worker."""
    from yizhan.buildkit import memo
    from yizhan.buildkit.environment import JOBS
    from yizhan.printing import jobs as printing

    chosen = [j for j in print_jobs(mini) if j.path.startswith(("posters/YZ-01-001", "leaflets/"))]
    assert any(j.stamp for j in chosen) and any(not j.stamp for j in chosen)
    forked = []
    real_pool = printing.local_pool

    def watched(*args: object, **kwargs: object) -> object:
        pool = real_pool(*args, **kwargs)  # type: ignore[arg-type]
        forked.append(pool)
        return pool

    monkeypatch.setattr(printing, "local_pool", watched)
    for name, count in (("one", "1"), ("two", "2")):
        memo.forget_held()  # each renders anew
        monkeypatch.setenv(JOBS, count)
        printing.render_jobs(chosen, tmp_path / name)
    assert forked[0] is None and forked[1] is not None  # rendered here, then in a forked worker
    assert files(tmp_path / "one") == files(tmp_path / "two")


def test_a_dask_cluster_renders_the_same_print_documents(
    mini: Path, mini_print: Path, tmp_path: Path, run: Callable[..., tuple]
) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        code, _, err = run(
            "build", "--project", str(mini), "--out", str(tmp_path / "dask"), "--only", "print",
            "--scheduler", cluster.scheduler_address,
        )  # fmt: skip
        assert code == 0, err
    # The same county printed here, as this run's shared print-only build did (conftest.mini_print).
    on_cluster, here = files(tmp_path / "dask" / "print"), files(mini_print)
    assert sorted(on_cluster) == sorted(here)
    assert [p for p in here if here[p] != on_cluster[p]] == []


def test_an_unreachable_scheduler_is_a_usage_error_that_says_what_to_do(
    mini: Path, tmp_path: Path, run: Callable[..., tuple], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    from yizhan.printing import cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    address = "tcp://127.0.0.1:9"  # the discard port: nothing listens there
    out = tmp_path / "build"
    code, _, err = run(
        "build", "--project", str(mini), "--out", str(out), "--only", "print", "--scheduler", address
    )
    assert code == 2
    problem, fix = messages.text("YZ-PRINT-005", address=address, detail="OSError")
    assert problem.split("（")[0] in err and fix in err
    assert not out.exists()


def test_without_dask_the_scheduler_option_says_how_to_install_it(
    mini: Path, tmp_path: Path, run: Callable[..., tuple], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now fails
    code, _, err = run(
        "build", "--project", str(mini), "--out", str(tmp_path / "b"), "--only", "print",
        "--scheduler", "tcp://127.0.0.1:8786",
    )  # fmt: skip
    assert code == 2
    problem, fix = messages.text("YZ-PRINT-004")
    assert problem in err and fix in err
