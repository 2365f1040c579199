"""No traceback reaches a user: every failure is a located Chinese message with an exit code of 1 or 2."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO
from yizhan import cli
from yizhan.feedback import messages
from yizhan.feedback.errors import located
from yizhan.feedback.report import ERROR, Location, Problem
from yizhan.intake.yamlfile import MAX_DEPTH

Run = Callable[..., tuple[int, str, str]]


def expected(code: str, where: Location | None, **values: object) -> str:
    """The line the command line prints for a failure, built from the catalogue."""
    return located(Problem(code, ERROR, where, *messages.text(code, **values)))


def report_line(code: str, where: Location, **values: object) -> str:
    """A problem as a validation report lists it."""
    return str(Problem(code, ERROR, where, *messages.text(code, **values)))


def no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text


def command(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a new process: what a user sees on the terminal."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "scripts")}
    return subprocess.run(
        [sys.executable, "-m", "yizhan", *args], capture_output=True, text=True, env=env, check=False
    )


def test_broken_datapackage_is_located_with_its_line(mini: Path) -> None:
    package = mini / "datasets/datapackage.json"
    text = package.read_text(encoding="utf-8")
    package.write_text(text.replace('"path": "救助对象.csv",', '"path": "救助对象.csv"', 1), encoding="utf-8")
    line = text[: text.index('"path": "救助对象.csv",')].count("\n") + 2
    done = command("validate", "--project", str(mini))
    assert done.returncode == 1
    where = Location("datasets/datapackage.json", line=line)
    assert report_line("YZ-PKG-001", where, detail="缺少逗号") in done.stdout.splitlines()
    no_traceback(done.stdout, done.stderr)


def test_datapackage_without_resources_or_schema_is_named(mini: Path, run: Run) -> None:
    package = mini / "datasets/datapackage.json"
    package.write_text('{"name": "x"}', encoding="utf-8")
    code, out, _ = run("validate", "--project", str(mini))
    assert code == 1
    where = Location("datasets/datapackage.json")
    assert report_line("YZ-PKG-002", where, detail="缺少 resources（数据集列表）") in out.splitlines()
    package.write_text('{"resources": [{"name": "stations", "path": "驿站名录.csv"}]}', encoding="utf-8")
    code, out, _ = run("validate", "--project", str(mini))
    assert code == 1
    assert report_line("YZ-PKG-002", where, detail="第1个数据集缺少 schema") in out.splitlines()


def test_a_gbk_page_is_named_and_nothing_is_built(mini: Path, run: Run) -> None:
    pages = mini / "content/pages"
    pages.mkdir()
    (pages / "about.md").write_bytes("# 关于驿站\n\n驿站每周三服务。\n".encode("gbk"))
    code, out, err = run("build", "--project", str(mini), "--out", str(mini / "build"))
    assert code == 1
    assert report_line("YZ-TEXT-001", Location("content/pages/about.md")) in out.splitlines()
    assert not (mini / "build").exists()
    no_traceback(out, err)


def test_a_yaml_file_nested_thousands_deep_is_a_located_problem(mini: Path) -> None:
    deep = mini / "content/policies/deep.yml"
    deep.write_text("id: deep\nsteps: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    done = command("validate", "--project", str(mini))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    where = Location("content/policies/deep.yml", line=2)
    assert report_line("YZ-YAML-014", where, limit=MAX_DEPTH) in lines
    no_traceback(done.stdout, done.stderr)


def customised(mini: Path, name: str, old: str, new: str) -> int:
    """Copy the templates into the project, replace `old` in one; return the line it is on."""
    shutil.copytree(REPO / "site_templates", mini / "site_templates")
    path = mini / "site_templates" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_a_syntax_error_in_a_customised_template_is_located(mini: Path, run: Run) -> None:
    line = customised(mini, "site/home.md.j2", "{{ county.county }}", "{{ county.county }")
    code, out, err = run("build", "--project", str(mini), "--out", str(mini / "build"), "--only", "site")
    assert code == 1
    where = Location("site_templates/site/home.md.j2", line=line)
    message = expected("YZ-RUN-001", where, detail="unexpected '}'")
    assert f"错误：{message}" in err.splitlines()
    assert not (mini / "build").exists() and not (mini / ".build.staging").exists()
    no_traceback(out, err)


def test_an_unknown_name_in_a_customised_template_is_located(mini: Path, run: Run) -> None:
    line = customised(mini, "site/home.md.j2", "{{ county.county }}", "{{ county.country }}")
    code, out, err = run("build", "--project", str(mini), "--out", str(mini / "build"), "--only", "site")
    assert code == 1
    where = Location("site_templates/site/home.md.j2", line=line)
    detail = "'yizhan.model.project.County object' has no attribute 'country'"
    assert f"错误：{expected('YZ-RUN-002', where, detail=detail)}" in err.splitlines()
    no_traceback(out, err)


def test_a_failure_after_staging_removes_the_staging_folder(
    mini: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> list[object]:
        raise ValueError("模拟的检查故障")

    monkeypatch.setattr(cli, "check_outputs", broken)
    code, out, err = run("build", "--project", str(mini), "--out", str(mini / "build"), "--only", "site")
    assert code == 2
    message = expected("YZ-RUN-005", None, detail="ValueError: 模拟的检查故障")
    assert f"错误：{message}" in err.splitlines()
    assert "本次生成已作废，原有的 build/ 保持不变。" in err
    # the lock file stays by design (see `make clean`); no staging or work folder does
    assert sorted(p.name for p in mini.iterdir() if p.name.startswith(".build")) == [".build.yizhan-lock"]
    no_traceback(out, err)
    with pytest.raises(ValueError, match="模拟的检查故障"):
        run("build", "--project", str(mini), "--out", str(mini / "build"), "--only", "site", "--debug")
    assert not (mini / ".build.staging").exists()


def test_debug_shows_the_traceback(mini: Path) -> None:
    monkey = mini / "sitecustomize.py"  # make load itself fail in the child process
    monkey.write_text(
        "import yizhan.cli as c\ndef boom(root):\n    raise RuntimeError('模拟')\nc.load = boom\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": f"{mini}{os.pathsep}{REPO / 'scripts'}"}
    args = [sys.executable, "-m", "yizhan", "validate", "--project", str(mini)]
    quiet = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    assert quiet.returncode == 2
    no_traceback(quiet.stdout, quiet.stderr)
    assert f"错误：{expected('YZ-RUN-005', None, detail='RuntimeError: 模拟')}" in quiet.stderr.splitlines()
    loud = subprocess.run([*args, "--debug"], capture_output=True, text=True, env=env, check=False)
    assert loud.returncode == 1 and "Traceback" in loud.stderr and "RuntimeError: 模拟" in loud.stderr


def test_an_output_folder_that_cannot_be_made_is_an_environment_error(mini: Path, run: Run) -> None:
    blocker = mini.parent / "not-a-folder"  # outside the project: an out folder inside it is refused earlier
    blocker.write_text("", encoding="utf-8")
    code, out, err = run("build", "--project", str(mini), "--out", str(blocker / "build"), "--only", "site")
    assert code == 2
    errors = [line for line in err.splitlines() if line.startswith(f"错误：[YZ-RUN-004] {blocker}")]
    assert errors and errors[0].endswith(messages.text("YZ-RUN-004", detail="")[1])
    no_traceback(out, err)


def test_unbounded_recursion_anywhere_is_a_message(
    mini: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def deep(*args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(cli, "derive", deep)
    code, _, err = run("build", "--project", str(mini), "--out", str(mini / "build"), "--only", "site")
    assert code == 1
    assert f"错误：{expected('YZ-RUN-003', None)}" in err.splitlines()
    assert not (mini / "build").exists()


def test_a_site_failure_while_the_print_workers_run_stops_them_and_keeps_nothing(
    mini: Path, run: Run, monkeypatch: pytest.MonkeyPatch, two_jobs: None
) -> None:
    """The print stage starts before the site is built; when the site fails, the workers stop."""
    import multiprocessing

    from yizhan import publish

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("模拟的网站故障")

    monkeypatch.setattr(publish, "publish_site", broken)
    code, out, err = run("build", "--project", str(mini), "--out", str(mini / "build"))
    assert code == 2
    assert f"错误：{expected('YZ-RUN-005', None, detail='ValueError: 模拟的网站故障')}" in err.splitlines()
    assert "本次生成已作废，原有的 build/ 保持不变。" in err
    assert not (mini / "build").exists()
    assert sorted(p.name for p in mini.iterdir() if p.name.startswith(".build")) == [".build.yizhan-lock"]
    assert multiprocessing.active_children() == []  # no print worker left behind
    no_traceback(out, err)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("yizhan.printing.jobs", "render_stamped"),  # a print worker (posters and lists)
        ("yizhan.printing.jobs", "render_safely"),  # a print worker (handbook, leaflets, forms)
        ("yizhan.render", "render_disclosure"),  # the second render process
    ],
)
def test_a_worker_killed_for_want_of_memory_is_a_message_and_keeps_the_old_build(
    mini_built: Path,
    mini: Path,
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
    module: str,
    name: str,
    two_jobs: None,
) -> None:
    """The kernel's out-of-memory killer ends a worker process with SIGKILL: no traceback, the old
    build stays, no worker is left behind. Run in this process (one core), it is a MemoryError."""
    import importlib
    import multiprocessing
    import signal

    main_process = os.getpid()

    def killed(*args: object, **kwargs: object) -> None:
        if os.getpid() == main_process:
            raise MemoryError
        os.kill(os.getpid(), signal.SIGKILL)

    out = mini_built  # the whole mini county built (a copy of the run's shared build)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    county = mini / "content" / "county.yml"  # the supervision phone is on posters, lists and leaflets:
    county.write_text(  # all of them are printed again, so the workers are given work
        county.read_text(encoding="utf-8").replace("0369-5201111", "0369-5202222"), encoding="utf-8"
    )
    monkeypatch.setattr(importlib.import_module(module), name, killed)
    code, stdout, err = run("build", "--project", str(mini), "--out", str(out))
    assert code == 2
    details = {"一个工作进程被系统结束了", "内存不够"}
    assert any(f"错误：{expected('YZ-RUN-006', None, detail=d)}" in err.splitlines() for d in details), err
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in mini.iterdir() if p.name.startswith(".build")) == [".build.yizhan-lock"]
    assert multiprocessing.active_children() == []
    no_traceback(stdout, err)
