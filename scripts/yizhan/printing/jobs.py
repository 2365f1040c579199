"""Print documents: HTML → PDF with weasyprint, in batches over worker processes, with a content cache.

`render_jobs` renders only the jobs whose content hash differs from the previous build's manifest;
`out` starts as a hard-link copy of the previous build, so every file is written new and renamed
into place, never rewritten in place.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from functools import cache
from multiprocessing import get_context
from pathlib import Path

from ..errors import Failure
from ..output import PrintJob
from . import fonts
from .engine import DocumentError, Rendered, render_safely, style_key

MANIFEST = ".manifest.json"
BATCH_SIZE = 10  # documents laid out per weasyprint pass
ENGINE = "yizhan-print-3"  # bump when the engine changes what it writes
FONT_DIR = Path("/usr/share/fonts/opentype/noto")
A4_LONG, A4_SHORT = 297 / 25.4 * 72, 210 / 25.4 * 72  # points
LETTERS_ONLY = str.maketrans("0123456789", "ghijklmnop")


class PrintError(Failure):
    """A located, Chinese message for a document that could not be made."""


def _failure(code: str, **values: object) -> PrintError:
    return PrintError(code, None, **values)  # the message names the station or policy and the file


@cache
def environment_key() -> str:
    """What every document depends on besides its HTML: engine, weasyprint, font files and their cuts."""
    import weasyprint

    files = sorted(
        f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in FONT_DIR.glob("*") if p.is_file()
    )
    return "|".join([ENGINE, weasyprint.__version__, *files, fonts.key()])


def job_hash(job: PrintJob, hashes: dict[str, str]) -> str:
    """Content hash of a job: its HTML (data, template and CSS inline), fit steps, title, environment."""
    digest = hashlib.sha256(environment_key().encode())
    for piece in (job.path, job.title, "\n".join(job.fit), job.html):
        digest.update(b"\0" + piece.encode("utf-8"))
    for part in job.parts:
        digest.update(b"\0" + hashes[part].encode())
    # Letters only: the privacy gate would read long digit runs in a hex hash as phone numbers.
    return digest.hexdigest().translate(LETTERS_ONLY)


def read_manifest(folder: Path | None) -> dict[str, str]:
    if folder is None:
        return {}
    try:
        return dict(json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def replace_file(path: Path, data: bytes) -> None:
    """Write a new file and rename it over `path` (never into a hard-linked file in place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def batches(jobs: list[PrintJob]) -> Iterator[list[PrintJob]]:
    """Jobs of one group and one page style, BATCH_SIZE at a time; ungrouped jobs alone."""
    groups: dict[tuple[str, str], list[PrintJob]] = {}
    for job in jobs:
        if not job.group:
            yield [job]
            continue
        groups.setdefault((job.group, style_key(job.html)), []).append(job)
    for members in groups.values():
        for start in range(0, len(members), BATCH_SIZE):
            yield members[start : start + BATCH_SIZE]


def _progress(total: int):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm(total=total, unit="份", desc="印刷文件", file=sys.stderr, disable=None, leave=False)


def _results(work: list[list[PrintJob]], workers: int) -> Iterator[list[Rendered]]:
    """Render batches in this process (one batch or one core) or over a pool of forked workers."""
    if workers <= 1 or len(work) <= 1:
        for batch in work:
            yield render_safely(batch)
        return
    import weasyprint  # noqa: F401 (imported once here, so forked workers start warm)

    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        futures: list[Future[list[Rendered]]] = [pool.submit(render_safely, batch) for batch in work]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def _report(error: DocumentError) -> PrintError:
    code = "YZ-PRINT-002" if error.overflow else "YZ-PRINT-001"
    return _failure(
        code, subject=error.job.subject or error.job.title, path=error.job.path, detail=error.detail
    )


def bind(job: PrintJob, out: Path, titles: dict[str, str]) -> bytes:
    """A bundle: the part PDFs one after another, one bookmark per part."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    for part in job.parts:
        if not (out / part).exists():
            raise _failure("YZ-PRINT-003", subject=job.subject, path=job.path, part=part)
        writer.append(str(out / part), outline_item=titles.get(part, part), import_outline=False)
    writer.add_metadata({"/Title": job.title, "/Producer": "yizhan"})
    writer._root_object[NameObject("/Lang")] = TextStringObject("zh-CN")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def booklet_order(pages: int) -> list[tuple[int, int]]:
    """(left, right) page indexes of each printed side of a saddle-stitched booklet of `pages` pages.

    Sheets are printed front then back and nested; page numbers past the document are blank.
    """
    count = -(-pages // 4) * 4
    sides: list[tuple[int, int]] = []
    for sheet in range(count // 4):
        sides.append((count - 1 - 2 * sheet, 2 * sheet))
        sides.append((2 * sheet + 1, count - 2 - 2 * sheet))
    return sides


def impose(job: PrintJob, out: Path) -> bytes:
    """The part's pages two to a side of landscape A4 sheets, centred, in booklet order, ready to fold.

    Two A5 pages are 296 mm wide, so a millimetre of white is left at each side of the sheet.
    """
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.generic import NameObject, TextStringObject

    part = job.parts[0]
    if not (out / part).exists():
        raise _failure("YZ-PRINT-003", subject=job.subject, path=job.path, part=part)
    pages = PdfReader(out / part).pages
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    sheet_width, sheet_height = max(A4_LONG, 2 * width), max(A4_SHORT, height)
    left, bottom = (sheet_width - 2 * width) / 2, (sheet_height - height) / 2
    writer = PdfWriter()
    for side in booklet_order(len(pages)):
        sheet = writer.add_blank_page(sheet_width, sheet_height)
        for slot, number in enumerate(side):
            if number < len(pages):
                place = Transformation().translate(left + slot * width, bottom)
                sheet.merge_transformed_page(pages[number], place)
    writer.add_metadata({"/Title": job.title, "/Producer": "yizhan"})
    writer._root_object[NameObject("/Lang")] = TextStringObject("zh-CN")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def render_jobs(
    jobs: list[PrintJob],
    out: Path,
    previous: Path | None = None,
    complete: bool = True,
    workers: int | None = None,
) -> None:
    """Render every job to `out/job.path`, skipping those whose content hash has not changed.

    `complete`: the jobs are every print document, so files of the previous build that no job
    makes any more are removed. Otherwise (a site-only build renders just the blank forms) the
    previous build's other documents and their manifest entries are kept as they are.
    `workers`: processes to render with (default: one per core).
    """
    old = read_manifest(previous)
    hashes: dict[str, str] = {}
    for job in sorted(jobs, key=lambda j: bool(j.parts)):
        hashes[job.path] = job_hash(job, hashes)
    if complete:
        for stale in set(old) - set(hashes):
            (out / stale).unlink(missing_ok=True)
    kept = {} if complete else {path: value for path, value in old.items() if path not in hashes}
    todo = [j for j in jobs if hashes[j.path] != old.get(j.path) or not (out / j.path).exists()]
    pages = [j for j in todo if not j.parts]
    with _progress(len(todo)) as bar:
        try:
            for results in _results(list(batches(pages)), workers or os.cpu_count() or 1):
                for result in results:
                    replace_file(out / result.path, result.pdf)
                bar.update(len(results))
        except DocumentError as error:
            raise _report(error) from error
        titles = {j.path: j.title for j in jobs}
        for job in (j for j in todo if j.parts):
            made = impose(job, out) if job.booklet else bind(job, out, titles)
            replace_file(out / job.path, made)
            bar.update(1)
    manifest = {**kept, **hashes}
    replace_file(out / MANIFEST, json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=0).encode())
