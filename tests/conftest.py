"""Shared fixtures: small projects under tests/fixtures, copied so each test can break its own."""

from __future__ import annotations

import csv
import fcntl
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import weasyprint  # noqa: F401  (see below)
from hypothesis import settings

from yizhan.buildkit import memo
from yizhan.buildkit.environment import JOBS
from yizhan.cli import main as yizhan_main
from yizhan.workbench.publishing import build_command

# A loaded machine (or two xdist workers on two cores) can take longer than Hypothesis' 200 ms deadline
# for one example; the examples and what they check stay the same. HYPOTHESIS_PROFILE=default restores it.
settings.register_profile("ci", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# weasyprint is imported above, once per test process: every build forks print workers that would
# otherwise import it each (0.3 s of CPU, two workers per build, over a hundred builds in a run). The
# forks inherit it; what they render is the same.

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
REPO = TESTS.parent

# The xdist workers are one per core and keep every core busy already: a build in a worker (and the
# workbench's publishes, which inherit this) uses one process, as YIZHAN_JOBS=1 tells a county's server,
# instead of forking print workers that would only compete with the other worker for the same cores.
# The example county is built with every core, as `make site` builds it (see _build_example); tests
# of the worker processes themselves ask for two (the `two_jobs` fixture).
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ[JOBS] = "1"


@pytest.fixture
def two_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds in this test fork their print workers and second render process, as on a two-core machine."""
    monkeypatch.setenv(JOBS, "2")


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A fresh copy of the small fixture county (3 villages, 33 stations, 6 policies)."""
    target = tmp_path / "county"
    shutil.copytree(FIXTURES / "mini", target)
    return target


def read_rows(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as f:
        return list(csv.reader(f))


def write_rows(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> None:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def edit_cell(path: Path, row: int, title: str, value: str) -> None:
    """Set the cell at spreadsheet row `row` (header = 1) in column `title`."""
    rows = read_rows(path)
    rows[row - 1][rows[0].index(title)] = value
    write_rows(path, rows)


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under `folder`: relative path → (inode, bytes)."""
    return {
        str(p.relative_to(folder)): (p.stat().st_ino, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(autouse=True)
def _patched_code_starts_afresh(request: pytest.FixtureRequest) -> None:
    """A test that patches yizhan's functions (a failing layout, a killed worker) starts as a new process
    would: nothing an earlier test rendered is held in memory, so its builds run the patched code."""
    if "monkeypatch" in request.fixturenames:
        memo.forget_held()


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run the yizhan command line in-process; return (exit code, stdout, stderr)."""

    def invoke(*args: str) -> tuple[int, str, str]:
        try:
            code = yizhan_main(list(args))
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Tabs:
    """One open tab per screen width, shared by a module's tests, and the requests the tabs make.

    A new tab starts a renderer and loads the fonts again (about 0.7 s of CPU); a navigation starts
    from a fresh document all the same. The `tabs` fixture hands them to each test with the requests
    counted from its start and nothing left from the test before (stored reading mode, print media)."""

    def __init__(self, browser) -> None:  # type: ignore[no-untyped-def]
        self.browser, self.pages, self.requests = browser, {}, []

    def at(self, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
        """The tab for this screen width, set to `viewport`."""
        width = viewport["width"]
        if width not in self.pages:
            page = self.browser.new_page(viewport=viewport)
            page.on("request", lambda r: self.requests.append(r.url))
            self.pages[width] = page
        page = self.pages[width]
        page.set_viewport_size(viewport)
        return page

    def reset(self) -> None:
        self.requests.clear()
        for page in self.pages.values():
            page.emulate_media(media="null")
            if page.url.startswith("file:"):
                page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture(scope="module")
def module_tabs(browser) -> Iterator[Tabs]:  # type: ignore[no-untyped-def]
    opened = Tabs(browser)
    yield opened
    opened.close()


@pytest.fixture
def tabs(module_tabs: Tabs) -> Tabs:
    """The module's tabs, as fresh for this test as a new tab would be (see Tabs)."""
    module_tabs.reset()
    return module_tabs


def _groups(item: pytest.Item) -> str:
    """The test's xdist_group names joined as pytest-xdist joins them ("" for none)."""
    marks = item.iter_markers("xdist_group")
    return "_".join(sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in marks}))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `--dist loadgroup`, keep each xdist_group on one worker and start the groups first.

    pytest-xdist 3.8 tags a group's tests by setting `item._nodeid`, which pytest 9.2 no longer reads,
    so the groups were split over the workers (a module's tests that build on one server failed on the
    other); the tag is set here on the id pytest does read.

    Work is handed out in the order left here (the Makefile turns off xdist's own reordering): first
    what needs the example county's build, then the other groups (whole work units), then single tests.
    So both workers wait for that build at the start, while a process of its own makes it with every
    core, instead of running beside it: on two cores, five busy processes cost more CPU time in all
    than the wait does (measured: the run took 7% longer with the example tests handed out last).
    """
    if not getattr(config.option, "loadgroup", False):  # set on the xdist workers only
        return
    for item in items:
        group = _groups(item)
        if group and not item.nodeid.endswith(f"@{group}"):
            item._id = type(item._id).parse(f"{item.nodeid}@{group}")  # type: ignore[attr-defined]
    needs = [item for item in items if "example_build" in getattr(item, "fixturenames", ())]
    waits = {_groups(item) for item in needs} - {""}  # a group waits whole if one of its tests does
    first = {item.nodeid for item in needs} | {item.nodeid for item in items if _groups(item) in waits}
    items.sort(key=lambda item: (item.nodeid not in first, not _groups(item)))


def run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder this test run's processes share: the xdist workers' common parent, else the run's own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _once(root: Path, name: str, build: Callable[[Path], int]) -> Path:
    """`build(root/name)` unless a process of this run has already done it; waits while another one does."""
    folder, done = root / name, root / f"{name}.exit-code"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            folder.mkdir(parents=True, exist_ok=True)
            code = "an exception"
            try:
                code = str(build(folder))
            finally:
                done.write_text(code, encoding="ascii")
    assert done.read_text(encoding="ascii") == "0", (
        f"building {name} failed: see {folder} (and its .txt files)"
    )
    return folder


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], int]) -> Path:
    """`build(folder)` run by the first process of this test run that asks; the others wait and reuse `folder`.

    The exit code is kept next to the folder, so a failed build fails every asker without being redone.
    Tests must treat the folder as read-only (copy it first to change anything).
    """
    return _once(run_root(tmp_path_factory), name, build)


def _build_example(folder: Path) -> int:
    """`yizhan build` of the example county as `make site` runs it: in a new process, so jieba loads its
    dictionary during the build as it does for a user; what it prints is kept in stdout.txt and stderr.txt."""
    env = {key: value for key, value in os.environ.items() if key != JOBS}
    env["PYTHONPATH"] = str(REPO / "scripts")
    command = build_command(REPO, folder / "build")
    with (folder / "stdout.txt").open("wb") as out, (folder / "stderr.txt").open("wb") as err:
        return subprocess.run(command, stdout=out, stderr=err, env=env, check=False).returncode


_early: list[subprocess.Popen[bytes]] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    """On the xdist controller of a whole-suite run, start the example build at once in its own process.

    It takes `built_once`'s lock before any worker asks, so the build overlaps both workers' tests from the
    start instead of holding one worker while the other waits for it (the build's own output is kept
    beside it, see `_build_example`; what this process itself says, if it fails, goes to example.log).
    """
    config = session.config
    whole_suite = config.args_source == pytest.Config.ArgsSource.TESTPATHS and not (
        config.option.keyword or config.option.markexpr
    )
    if os.environ.get("PYTEST_XDIST_WORKER") or not config.getoption("numprocesses", None) or not whole_suite:
        return
    root = run_root(config._tmp_path_factory)  # type: ignore[attr-defined]
    code = (
        f"import conftest; conftest._once(conftest.Path({str(root)!r}), 'example', conftest._build_example)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(REPO / "scripts")])}
    with (root / "example.log").open("wb") as log:
        _early.append(
            subprocess.Popen(
                [sys.executable, "-c", code],
                cwd=root,
                env=env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        )


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the early example build, its print workers too, if the run ends before it does."""
    for process in _early:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole example county built once per test run, shared by all xdist workers; returns build/."""
    return built_once(tmp_path_factory, "example", _build_example) / "build"


def _build_mini_site(folder: Path) -> int:
    shutil.copytree(FIXTURES / "mini", folder / "county")
    out = folder / "county" / "build"
    return yizhan_main(["build", "--project", str(folder / "county"), "--out", str(out), "--only", "site"])


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini county's site (`--only site`) built once per test run for every module that only reads it."""
    return built_once(tmp_path_factory, "mini-site", _build_mini_site) / "county" / "build" / "site"


@pytest.fixture
def mini_built_site(mini: Path, mini_site: Path) -> Path:
    """`mini` as `build --only site` leaves it (cache included), copied from `mini_site`; returns mini/build."""
    shutil.rmtree(mini)
    shutil.copytree(mini_site.parents[1], mini, symlinks=True)
    return mini / "build"


def _build_mini_whole(folder: Path) -> int:
    shutil.copytree(FIXTURES / "mini", folder / "county")
    return yizhan_main(
        ["build", "--project", str(folder / "county"), "--out", str(folder / "county" / "build")]
    )


def mini_whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini county after one whole build of this run (site and print, cache included); read-only."""
    return built_once(tmp_path_factory, "mini-whole", _build_mini_whole) / "county"


@pytest.fixture
def mini_built(mini: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`mini` after a whole build (site and print, cache included), copied from one build per run; returns mini/build."""
    shutil.rmtree(mini)
    shutil.copytree(mini_whole(tmp_path_factory), mini, symlinks=True)
    return mini / "build"


def _build_mini_print(folder: Path) -> int:
    shutil.copytree(FIXTURES / "mini", folder / "county")
    out = folder / "build"
    return yizhan_main(["build", "--project", str(folder / "county"), "--out", str(out), "--only", "print"])


@pytest.fixture(scope="session")
def mini_print(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini county's print documents (`--only print`, out beside the project) built once per run; returns print/."""
    return built_once(tmp_path_factory, "mini-print", _build_mini_print) / "build" / "print"


@pytest.fixture
def mini_printed(mini: Path, mini_print: Path, tmp_path: Path) -> Path:
    """`mini` after `build --only print --out tmp_path/build` (cache included), copied from `mini_print`; returns build/."""
    shutil.rmtree(mini)
    shutil.copytree(mini_print.parents[1] / "county", mini, symlinks=True)
    shutil.copytree(mini_print.parent, tmp_path / "build", symlinks=True)
    return tmp_path / "build"
