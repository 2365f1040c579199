"""The output folder is yizhan's alone: refused folders, files it did not write, two builds at once."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO
from yizhan.buildkit.outfolder import MARKER, OutFolderError, inside, lock_file, locked, written_files
from yizhan.feedback.errors import located
from yizhan.feedback.messages import text
from yizhan.feedback.report import ERROR, Problem
from yizhan.model.output import Output, PrintJob
from yizhan.publish import publish

Run = Callable[..., tuple[int, str, str]]


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones too) with its content digest."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def refused(run: Run, mini: Path, where: str, code: str, **values: object) -> str:
    status, stdout, err = run("build", "--project", str(mini), "--out", where, "--only", "site")
    assert status == 2, stdout + err
    assert f"错误：{located(Problem(code, ERROR, None, *text(code, **values)))}" in err.splitlines()
    assert "Traceback" not in err
    return err


def test_empty_out_is_refused(mini: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(mini)
    before = tree(mini)
    refused(run, mini, "", "YZ-OUT-001")
    refused(run, mini, "  ", "YZ-OUT-001")
    assert tree(mini) == before


@pytest.mark.parametrize("where", ["project", "parent"])
def test_out_that_is_or_contains_the_project_is_refused(mini: Path, run: Run, where: str) -> None:
    out = mini if where == "project" else mini.parent
    before = tree(mini.parent)
    refused(run, mini, str(out), "YZ-OUT-002", out=out, root=mini)
    assert tree(mini.parent) == before


@pytest.mark.parametrize("inner", ["datasets", "content/policies", "build/site", "output"])
def test_out_inside_the_project_is_refused_except_build(mini: Path, run: Run, inner: str) -> None:
    before = tree(mini)
    refused(run, mini, str(mini / inner), "YZ-OUT-003", out=mini / inner, root=mini)
    assert tree(mini) == before


def test_folder_of_unrelated_files_is_refused_and_untouched(mini: Path, run: Run, tmp_path: Path) -> None:
    photos = tmp_path / "相册"
    (photos / "site").mkdir(parents=True)
    (photos / "site/照片.jpg").write_bytes(b"\xff\xd8 a photo")
    (photos / "print").mkdir()
    (photos / "print/说明.docx").write_bytes(b"PK not ours")
    (photos / ".hidden").write_text("x", encoding="utf-8")
    before = tree(photos)
    refused(run, mini, str(photos), "YZ-OUT-005", out=photos, marker=MARKER)
    assert tree(photos) == before
    # A file where the folder should be is refused too.
    (tmp_path / "out.txt").write_text("keep me", encoding="utf-8")
    refused(run, mini, str(tmp_path / "out.txt"), "YZ-OUT-004", out=tmp_path / "out.txt")
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county", "out.txt", "相册"]


def test_files_added_to_a_build_are_never_deleted_or_mixed(mini: Path, run: Run, tmp_path: Path) -> None:
    out = tmp_path / "build"
    code, stdout, err = run("build", "--project", str(mini), "--out", str(out), "--only", "site")
    assert code == 0, stdout + err
    written = written_files(out)
    assert written and "site/index.html" in written and MARKER not in written
    assert written == {p for p in tree(out) if p != MARKER}
    # Someone drops a photo into the site and a note (no PDF) into the print folder.
    (out / "site/照片.jpg").write_bytes(b"\xff\xd8 a photo")
    (out / "print").mkdir(exist_ok=True)
    (out / "print/说明.txt").write_text("交印刷厂前先核对", encoding="utf-8")
    before = tree(out)
    refused(run, mini, str(out), "YZ-OUT-006", out=out, count=2, files="print/说明.txt、site/照片.jpg")
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.yizhan-lock", "build", "county"]
    # Moved away, the next build runs, and nothing is left beside the output but the lock file.
    (out / "site/照片.jpg").unlink()
    (out / "print/说明.txt").unlink()
    code, stdout, err = run("build", "--project", str(mini), "--out", str(out), "--only", "site")
    assert code == 0, stdout + err
    # nothing else changed, so the build is up to date and keeps the folder as it was (issue #15)
    assert {p for p in tree(out) if p != MARKER} == written
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.yizhan-lock", "build", "county"]


def test_a_second_build_of_the_same_output_stops_with_a_clear_message(
    mini: Path, run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "build"
    env = {**os.environ, "PYTHONPATH": str(REPO / "scripts")}
    first = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "yizhan",
            "build",
            "--project",
            str(mini),
            "--out",
            str(out),
            "--only",
            "site",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        lock = lock_file(out)
        deadline = time.monotonic() + 60
        while not (lock.exists() and lock.read_text(encoding="ascii").strip() == str(first.pid)):
            assert time.monotonic() < deadline and first.poll() is None, "the first build never took the lock"
            time.sleep(0.05)
        refused(run, mini, str(out), "YZ-OUT-007", out=out, pid=first.pid)
    finally:
        _, err = first.communicate(timeout=600)
    assert first.returncode == 0, err.decode()
    assert (out / "site/index.html").exists()
    # The two never shared a staging folder: the refused build made none, the first left none.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.yizhan-lock", "build", "county"]


def test_lock_is_released_when_a_build_ends(tmp_path: Path) -> None:
    import fcntl

    out = tmp_path / "build"
    with locked(out):
        assert lock_file(out).read_text(encoding="ascii") == str(os.getpid())
        with pytest.raises(OutFolderError) as caught, locked(out):
            pass  # held: a second build of the same output is refused
        assert caught.value.code == "YZ-OUT-007"
    # released: anyone can take the lock again, and the file left behind (a stale holder) does not block
    with lock_file(out).open("rb") as probe:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(probe, fcntl.LOCK_UN)
    lock_file(out).write_text("99999999", encoding="ascii")
    taken = False
    with locked(out):
        taken = True
        assert lock_file(out).read_text(encoding="ascii") == str(os.getpid())
    assert taken


@pytest.mark.parametrize("rel", ["../escaped.html", "/tmp/escaped.html", "a/../../escaped.html", ".."])
def test_paths_outside_the_staging_folder_are_refused(tmp_path: Path, rel: str) -> None:
    with pytest.raises(OutFolderError) as caught:
        inside(tmp_path / "staging", rel)
    assert caught.value.code == "YZ-OUT-008"
    (tmp_path / "staging").mkdir()
    (tmp_path / "staging/link").symlink_to(tmp_path)
    with pytest.raises(OutFolderError):
        inside(tmp_path / "staging", "link/escaped.html")
    assert inside(tmp_path / "staging", "site/a.html") == tmp_path / "staging/site/a.html"


def test_publish_writes_nothing_outside_the_staging_folder(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    output = Output(print_jobs=[PrintJob("../../escaped.pdf", "<p>x</p>")])
    with pytest.raises(OutFolderError):
        publish(output, REPO, tmp_path / "build", None, {"print"}, work)  # type: ignore[arg-type]
    output = Output(site_files={"../escaped.js": b"x"})
    with pytest.raises(OutFolderError):
        publish(output, REPO, tmp_path / "build", None, {"print"}, work)  # type: ignore[arg-type]
    assert not list(tmp_path.rglob("escaped*"))


def test_a_file_named_pdf_that_is_no_pdf_is_a_finding_not_a_traceback(tmp_path: Path) -> None:
    from yizhan.privacy.gate import Secrets, privacy_gate

    (tmp_path / "print/posters").mkdir(parents=True)
    (tmp_path / "print/posters/YZ-01.pdf").write_text("这不是 PDF", encoding="utf-8")
    findings = privacy_gate(tmp_path, Secrets())
    problem, fix = text("YZ-OUT-011", path="print/posters/YZ-01.pdf")
    assert [str(f) for f in findings] == [f"print/posters/YZ-01.pdf:1: {problem}。{fix}"]
