"""Lay out once, stamp many: stamped posters and lists look like whole ones and stay proper PDFs."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import FIXTURES
from yizhan.buildkit.paths import project_file
from yizhan.derive import derive
from yizhan.load import load
from yizhan.model.output import PrintJob
from yizhan.printing.engine import render_batch, split
from yizhan.printing.posters import POSTER_GROUP, STATION_LIST_GROUP
from yizhan.printing.stamp import render_stamped, whole
from yizhan.render import render
from yizhan.validate import to_model, validate

# one xdist worker runs this whole module, so its module-scoped builds are made once
pytestmark = pytest.mark.xdist_group("print_stamp")


@pytest.fixture(scope="module")
def station_jobs() -> list[PrintJob]:
    """The mini county's stamped print jobs (posters and station service lists)."""
    root = FIXTURES / "mini"
    project = load(root)
    assert validate(project).valid
    output = render(derive(to_model(project)), project_file(root, "site_templates"), ("print",))
    return [job for job in output.print_jobs if job.stamp]


def bucket_of(jobs: list[PrintJob], group: str, path: str) -> list[PrintJob]:
    job = next(j for j in jobs if j.path == path)
    return [j for j in jobs if j.group == group and j.bucket == job.bucket]


def pixels(pdf: bytes, tmp_path: Path, name: str) -> bytes:
    """The PDF's first page as a 40 dpi greyscale raster (poppler), raw bytes."""
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "40", "-singlefile", str(source), str(tmp_path / name)], check=True
    )
    return (tmp_path / f"{name}.pgm").read_bytes()


def extracted(pdf: bytes) -> str:
    """Text in content-stream order (what a screen reader or copy-paste gets), spaces removed."""
    return re.sub(r"\s+", "", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())


@pytest.mark.parametrize(
    ("group", "path"),
    [
        (POSTER_GROUP, "posters/YZ-01-001-02.pdf"),  # a 组 station
        (POSTER_GROUP, "posters/YZ-01.pdf"),  # a 乡镇 station
        (STATION_LIST_GROUP, "service-lists/stations/YZ-02-001-04.pdf"),
    ],
)
def test_a_stamped_document_looks_exactly_like_the_whole_one(
    station_jobs: list[PrintJob], tmp_path: Path, group: str, path: str
) -> None:
    bucket = bucket_of(station_jobs, group, path)
    assert path in {job.path for job in bucket}
    stamped = {r.path: r for r in render_stamped(bucket)}[path]
    job = next(j for j in bucket if j.path == path)
    alone = render_batch([whole(job)])[0]
    assert stamped.pages == alone.pages == 1
    assert stamped.fit == alone.fit
    assert pixels(stamped.pdf, tmp_path, "stamped") == pixels(alone.pdf, tmp_path, "whole")


def test_a_stamped_poster_is_one_a3_page_titled_chinese_with_subset_fonts_in_reading_order(
    station_jobs: list[PrintJob], tmp_path: Path
) -> None:
    path = "posters/YZ-02-001-04.pdf"
    bucket = bucket_of(station_jobs, POSTER_GROUP, path)
    result = {r.path: r for r in render_stamped(bucket)}[path]
    reader = PdfReader(io.BytesIO(result.pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    size = (round(float(page.mediabox.width) / 72 * 25.4), round(float(page.mediabox.height) / 72 * 25.4))
    assert size == (297, 420)
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    assert reader.metadata.title == "银杏村石桥组民生驿站公示牌"
    text = extracted(result.pdf)
    order = ["银杏村石桥组民生驿站", "驿站管理员", "本站受理的服务事项", "服务承诺", "监督电话"]
    positions = [text.find(word) for word in order]
    assert -1 not in positions and positions == sorted(positions), positions
    (tmp_path / "p.pdf").write_bytes(result.pdf)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "p.pdf")], capture_output=True, text=True, check=True)
    rows = [line.split() for line in fonts.stdout.splitlines()[2:]]
    assert rows
    for row in rows:
        assert row[-5:-2] == ["yes", "yes", "yes"], row
        assert "CJK" in row[0]


def test_a_stamped_poster_carries_no_neighbour_s_drawing(station_jobs: list[PrintJob]) -> None:
    """Tops of one bucket are written together; each poster keeps only the resources its page uses."""
    path = "posters/YZ-02-001-04.pdf"
    bucket = bucket_of(station_jobs, POSTER_GROUP, path)
    results = render_stamped(bucket)
    one = next(r for r in results if r.path == path)
    neighbour = next(j for j in bucket if j.path != path)
    name = neighbour.title.removesuffix("公示牌")
    assert name not in extracted(one.pdf)
    raw = PdfReader(io.BytesIO(one.pdf)).pages[0]["/Resources"]
    assert len(raw["/Font"]) <= 2  # regular and bold of the top; the body's fonts live in its form


def test_a_bucket_renders_the_same_bytes_whatever_order_it_comes_in(station_jobs: list[PrintJob]) -> None:
    bucket = bucket_of(station_jobs, STATION_LIST_GROUP, "service-lists/stations/YZ-01-001-03.pdf")
    first = {r.path: r.pdf for r in render_stamped(bucket)}
    second = {r.path: r.pdf for r in render_stamped(list(reversed(bucket)))}
    assert first == second


def test_a_bucket_renders_the_same_bytes_alone_as_laid_out_with_other_buckets(
    station_jobs: list[PrintJob],
) -> None:
    posters = [job for job in station_jobs if job.group == POSTER_GROUP]
    assert len({job.bucket for job in posters}) > 2
    together = {r.path: r.pdf for r in render_stamped(posters)}
    bucket = bucket_of(station_jobs, POSTER_GROUP, "posters/YZ-02-001-04.pdf")
    alone = {r.path: r.pdf for r in render_stamped(bucket)}
    assert alone == {path: together[path] for path in alone}


def test_a_poster_that_cannot_fit_names_its_station(station_jobs: list[PrintJob]) -> None:
    from yizhan.printing.engine import DocumentError

    job = next(j for j in station_jobs if j.path == "posters/YZ-01-001-02.pdf")
    huge = job.html.replace("</header>", "<div style='height: 2000mm'></div></header>")
    with pytest.raises(DocumentError) as caught:
        render_stamped(
            [PrintJob(job.path, huge, job.group, job.title, job.subject, job.fit, stamp=job.stamp)]
        )
    assert caught.value.overflow and caught.value.job.subject == job.subject


def long_list(job: PrintJob, copies: int = 4) -> PrintJob:
    """The station service list with its shared body repeated: a list that runs over several pages."""
    head, content = split(job.stamp)
    stamp = f"{head}{content * copies}</body></html>"
    return PrintJob(
        job.path, job.html, job.group, job.title, job.subject, stamp=stamp, bucket=job.bucket, flow=job.flow
    )


def test_a_list_longer_than_a_page_is_stamped_page_for_page_like_the_whole_one(
    station_jobs: list[PrintJob], tmp_path: Path
) -> None:
    bucket = [
        long_list(j)
        for j in bucket_of(station_jobs, STATION_LIST_GROUP, "service-lists/stations/YZ-02-001-04.pdf")
    ]
    assert all(job.flow for job in bucket)
    results = {r.path: r for r in render_stamped(bucket)}
    job = next(j for j in bucket if j.path == "service-lists/stations/YZ-02-001-04.pdf")
    stamped, alone = results[job.path], render_batch([whole(job)])[0]
    assert stamped.pages == alone.pages >= 2
    for name, pdf in (("stamped", stamped.pdf), ("whole", alone.pdf)):
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-gray", "-r", "40", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True
        )
    pages = {name: sorted(tmp_path.glob(f"{name}-*.pgm")) for name in ("stamped", "whole")}
    assert len(pages["stamped"]) == stamped.pages
    for mine, theirs in zip(pages["stamped"], pages["whole"], strict=True):
        assert mine.read_bytes() == theirs.read_bytes(), mine.name

    reader = PdfReader(io.BytesIO(stamped.pdf))
    assert reader.metadata.title == job.title
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    texts = [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]
    # The top comes first on page one; every page carries the footer exactly once (from the body).
    name = job.title.removesuffix("服务事项清单")
    assert texts[0].find(name) < texts[0].find("驿站管理员") < texts[0].find("本站受理的服务事项")
    footer = re.sub(r"\s+", "", pdf_text(tmp_path / "whole.pdf").split("\f")[0].strip().splitlines()[-1])
    assert footer and all(text.count(footer) == 1 for text in texts), footer
    # A neighbour's top never shows on another station's pages.
    neighbour = next(j for j in bucket if j.path != job.path).title.removesuffix("服务事项清单")
    assert all(neighbour not in text for text in texts)


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
