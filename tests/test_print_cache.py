"""Print builds are exact and incremental: same bytes twice, only changed stations re-rendered, failures contained."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, edit_cell, read_rows, snapshot
from yizhan.buildkit import memo
from yizhan.feedback import messages
from yizhan.printing import engine as print_engine
from yizhan.printing import jobs as print_jobs
from yizhan.printing import stamp as print_stamp


def station_row(project: Path, station_id: str) -> int:
    """Spreadsheet row number (header = 1) of a station in the register."""
    rows = read_rows(project / "datasets" / "驿站名录.csv")
    return next(i for i, row in enumerate(rows, start=1) if row[0] == station_id)


def test_same_input_gives_byte_identical_pdfs(
    mini_print: Path, mini: Path, tmp_path: Path, run: Callable[..., tuple]
) -> None:
    # Two clean builds of the same county in two places: the run's shared one and one here, rendered
    # afresh as a new process would (nothing held from the shared build if this worker made it).
    memo.forget_held()
    assert run("build", "--project", str(mini), "--out", str(tmp_path / "b"), "--only", "print")[0] == 0
    first, second = snapshot(mini_print), snapshot(tmp_path / "b" / "print")
    assert sorted(first) == sorted(second)
    different = [path for path in first if first[path][1] != second[path][1]]
    assert different == []


def test_changing_one_station_rerenders_only_its_documents(
    mini_printed: Path, mini: Path, tmp_path: Path, run: Callable[..., tuple]
) -> None:
    out = mini_printed  # a copy of the shared print build, built again here first
    assert run("build", "--project", str(mini), "--out", str(out), "--only", "print")[0] == 0
    before = snapshot(out / "print")
    assert run("build", "--project", str(mini), "--out", str(out), "--only", "print")[0] == 0
    unchanged = snapshot(out / "print")
    assert unchanged == before  # nothing changed: the build stops at once and rewrites nothing

    edit_cell(
        mini / "datasets" / "驿站名录.csv", station_row(mini, "YZ-02-001-03"), "管理员电话", "13900001111"
    )
    assert run("build", "--project", str(mini), "--out", str(out), "--only", "print")[0] == 0
    after = snapshot(out / "print")
    rewritten = {p for p in after if after[p][0] != unchanged[p][0]}
    # The station's bucket (its village's 组 stations, whose tops are written together) and the
    # township's bundle are rendered again; nothing of the other villages or townships. Of those,
    # the files that came out as before keep their file: exactly the changed ones are rewritten.
    register = read_rows(mini / "datasets" / "驿站名录.csv")
    village = [row[0] for row in register if row[0].startswith("YZ-02-001-") and row[-1] == "运行"]
    bucket = {
        ".manifest.json",
        "bundles/YZ-02.pdf",
        *(f"posters/{station}.pdf" for station in village),
        *(f"service-lists/stations/{station}.pdf" for station in village),
    }
    assert rewritten == {p for p in after if after[p][1] != unchanged[p][1]}
    own = {"posters/YZ-02-001-03.pdf", "service-lists/stations/YZ-02-001-03.pdf"}
    assert {".manifest.json", "bundles/YZ-02.pdf", *own} <= rewritten <= bucket
    assert after["posters/YZ-02-001-03.pdf"][1] != unchanged["posters/YZ-02-001-03.pdf"][1]


def test_a_stopped_station_loses_its_poster(
    mini_printed: Path, mini: Path, tmp_path: Path, run: Callable[..., tuple]
) -> None:
    out = mini_printed  # a copy of the shared print build, built again here first
    assert run("build", "--project", str(mini), "--out", str(out), "--only", "print")[0] == 0
    edit_cell(mini / "datasets" / "驿站名录.csv", station_row(mini, "YZ-01-001-02"), "状态", "停用")
    assert run("build", "--project", str(mini), "--out", str(out), "--only", "print")[0] == 0
    assert not (out / "print" / "posters" / "YZ-01-001-02.pdf").exists()
    assert (out / "print" / "posters" / "YZ-01-001-03.pdf").exists()


def test_a_failing_document_names_the_station_and_keeps_the_previous_build(
    mini_printed: Path, mini: Path, tmp_path: Path, run: Callable[..., tuple], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = mini_printed  # a copy of the shared print build, built again here first
    assert run("build", "--project", str(mini), "--out", str(out), "--only", "print")[0] == 0
    before = snapshot(out / "print")
    layout, tops = print_engine._layout, print_stamp._tops

    def broken(jobs: list, fits: list) -> tuple:
        if any(job.path == "posters/YZ-02-001-05.pdf" for job in jobs):
            raise RuntimeError("模拟的排版故障")
        return layout(jobs, fits)

    def broken_tops(jobs: list, fits: list) -> tuple:
        if any(job.path == "posters/YZ-02-001-05.pdf" for job in jobs):
            raise RuntimeError("模拟的排版故障")
        return tops(jobs, fits)

    monkeypatch.setattr(print_engine, "_layout", broken)
    monkeypatch.setattr(print_stamp, "_tops", broken_tops)
    edit_cell(mini / "datasets" / "驿站名录.csv", station_row(mini, "YZ-02-001-05"), "管理员", "钱多多")
    code, _, err = run("build", "--project", str(mini), "--out", str(out), "--only", "print")
    assert code == 1
    problem, _ = messages.text(
        "YZ-PRINT-001",
        subject="驿站 YZ-02-001-05「银杏村坳上组民生驿站」",
        path="posters/YZ-02-001-05.pdf",
        detail="RuntimeError: 模拟的排版故障",
    )
    assert problem in err
    assert snapshot(out / "print") == before


def test_manifest_holds_no_digit_runs_the_privacy_gate_could_mistake_for_phones(mini_print: Path) -> None:
    import re

    manifest = (mini_print / ".manifest.json").read_text(encoding="utf-8")
    assert not re.search(r"\d{7,}", manifest)


def test_a_site_build_renders_only_the_blank_forms_and_keeps_the_other_print_documents(
    mini: Path, tmp_path: Path, run: Callable[..., tuple]
) -> None:
    (mini / "forms").mkdir()
    for code in ("dibao", "huifang"):
        shutil.copy(REPO / "forms" / f"{code}.yml", mini / "forms")
    out = tmp_path / "build"
    assert run("build", "--project", str(mini), "--out", str(out), "--only", "print")[0] == 0
    printed = snapshot(out / "print")
    forms = sorted(p.name for p in (out / "print" / "forms").glob("*.pdf"))
    assert forms == ["dibao.pdf", "huifang.pdf"]

    assert run("build", "--project", str(mini), "--out", str(out), "--only", "site")[0] == 0
    for name in forms:
        assert (out / "site" / "forms" / name).read_bytes() == (out / "print" / "forms" / name).read_bytes()
    after_site = snapshot(out / "print")
    assert {p for p in printed if printed[p][0] != after_site[p][0]} == {".manifest.json"}
    assert after_site[".manifest.json"][1] == printed[".manifest.json"][1]

    # A blank form that changed is rendered again for the site; the stations' own copies of it
    # (township stations, the form feeds a dataset) are print documents: left for the print build.
    form = mini / "forms" / "dibao.yml"
    form.write_text(form.read_text(encoding="utf-8").replace("title: ", "title: 新版", 1), encoding="utf-8")
    assert run("build", "--project", str(mini), "--out", str(out), "--only", "site")[0] == 0
    changed = snapshot(out / "print")
    assert {p for p in changed if changed[p][0] != after_site[p][0]} == {".manifest.json", "forms/dibao.pdf"}
    assert "新版" in pdf_text_of(out / "site" / "forms" / "dibao.pdf")
    copies = {p for p in changed if p.startswith("forms/stations/") and p.endswith("/dibao.pdf")}
    assert copies == {"forms/stations/YZ-01/dibao.pdf", "forms/stations/YZ-02/dibao.pdf"}
    assert all("新版" not in pdf_text_of(out / "print" / p) for p in copies)

    # The next print build keeps the new blank form and renders just those copies again.
    assert run("build", "--project", str(mini), "--out", str(out), "--only", "print")[0] == 0
    again = snapshot(out / "print")
    assert {p for p in again if again[p][0] != changed[p][0]} == {".manifest.json", *copies}
    assert all("新版" in pdf_text_of(out / "print" / p) for p in copies)
    assert again["forms/stations/YZ-01/huifang.pdf"] == changed["forms/stations/YZ-01/huifang.pdf"]


def pdf_text_of(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_later_build_in_the_same_process_writes_what_it_rendered_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Documents rendered once in a process are written again from memory under the same keys (into
    another output folder too); anything changed, or a process that holds nothing, renders."""
    from yizhan.model.output import PrintJob
    from yizhan.printing.jobs import render_jobs

    page = "<html><head><title>t</title></head><body><h1>{}</h1></body></html>"
    bundle = PrintJob("a/both.pdf", "", title="合订本", parts=("a/first.pdf", "a/second.pdf"))
    jobs = [
        PrintJob("a/first.pdf", page.format("第一份")),
        PrintJob("a/second.pdf", page.format("第二份")),
        bundle,
    ]
    render_jobs(jobs, tmp_path / "one", workers=1)
    made = snapshot(tmp_path / "one")
    assert "第二份" in pdf_text_of(tmp_path / "one/a/both.pdf")

    def broken(*args: object) -> tuple:
        raise RuntimeError("模拟的排版故障")

    monkeypatch.setattr(print_engine, "_layout", broken)
    monkeypatch.setattr(print_jobs, "assemble_parts", broken)
    render_jobs(jobs, tmp_path / "two", workers=1)  # nothing is laid out or bound: all three are held
    assert {rel: data for rel, (_, data) in snapshot(tmp_path / "two").items()} == {
        rel: data for rel, (_, data) in made.items()
    }
    changed = [jobs[0], PrintJob("a/second.pdf", page.format("第二份（改）"))]
    with pytest.raises(Exception, match="模拟的排版故障"):
        render_jobs(changed, tmp_path / "three", workers=1)
    memo.forget_held()  # as a new process starts
    with pytest.raises(Exception, match="模拟的排版故障"):
        render_jobs(jobs, tmp_path / "four", workers=1)


def test_a_bundle_whose_part_changed_is_bound_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bundle held in memory is keyed by its parts: one part changed, it is bound anew from the new part."""
    from yizhan.model.output import PrintJob
    from yizhan.printing.jobs import render_jobs

    page = "<html><head><title>t</title></head><body><h1>{}</h1></body></html>"
    bundle = PrintJob("a/both.pdf", "", title="合订本", parts=("a/first.pdf", "a/second.pdf"))
    render_jobs(
        [
            PrintJob("a/first.pdf", page.format("第一份")),
            PrintJob("a/second.pdf", page.format("第二份")),
            bundle,
        ],
        tmp_path / "one",
        workers=1,
    )
    bound: list[str] = []
    real = print_jobs.assemble_parts
    monkeypatch.setattr(
        print_jobs, "assemble_parts", lambda job, *rest: bound.append(job.path) or real(job, *rest)
    )
    changed = [
        PrintJob("a/first.pdf", page.format("第一份")),
        PrintJob("a/second.pdf", page.format("第二份（改）")),
        bundle,
    ]
    render_jobs(changed, tmp_path / "two", workers=1)
    assert bound == ["a/both.pdf"]
    assert "第二份（改）" in pdf_text_of(tmp_path / "two/a/both.pdf")
