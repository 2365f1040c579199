"""Print documents: HTML → PDF with weasyprint, in batches over worker processes, with a content cache.

`render_jobs` renders only the jobs whose key (cache.key of what the job is made of) differs from the
previous build's manifest; `out` starts as a hard-link copy of the previous build, so every file is
written by cache.replace_file, never rewritten in place.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path

from ..buildkit import cache
from ..buildkit.cache import holds, replace_file
from ..buildkit.environment import cores
from ..buildkit.memo import held_pdfs
from ..buildkit.progress import Progress
from ..model.output import PrintJob
from ..rules.numbers import LETTERS_ONLY
from . import fonts
from .dedupe import SharedObjects
from .engine import DocumentError, PrintError, Rendered, render_safely, style_key
from .stamp import render_stamped, whole

MANIFEST = ".manifest.json"
BATCH_SIZE = 10  # documents laid out per weasyprint pass
STAMP_BATCH = 40  # stamped documents per batch: the tops of whole buckets, laid out in one pass
FONT_DIR = Path("/usr/share/fonts/opentype/noto")
A4_LONG, A4_SHORT = 297 / 25.4 * 72, 210 / 25.4 * 72  # points


def _failure(code: str, **values: object) -> PrintError:
    return PrintError(code, None, **values)  # the message names the station or policy and the file


@functools.cache
def environment_key() -> str:
    """What every document depends on besides its HTML: the font files and their cuts (yizhan's code and
    weasyprint's version are in every cache key)."""
    files = sorted(
        f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in FONT_DIR.glob("*") if p.is_file()
    )
    return "|".join([*files, fonts.key()])


def job_hash(job: PrintJob, hashes: dict[str, str]) -> str:
    """Key of a job: everything it is made of (HTML with data, template and CSS inline; fit steps, title,
    parts, shared body and bucket), the environment, yizhan's code and the library versions."""
    parts = [hashes[part] for part in job.parts]
    return cache.key(
        environment_key(), job.path, job.title, job.fit, job.html, parts, _stamp_hash(job.stamp), job.bucket,
        job.flow, job.booklet, job.group, job.subject,
    )  # fmt: skip


@functools.cache
def _stamp_hash(stamp: str) -> str:
    """Hash of a shared body (hashed once, though a thousand jobs carry it)."""
    return hashlib.sha256(stamp.encode("utf-8")).hexdigest()


def bucket_key(job: PrintJob) -> tuple[str, str] | None:
    return (job.group, job.bucket) if job.stamp else None


def content_hashes(jobs: list[PrintJob]) -> dict[str, str]:
    """Each job's key; a stamped job's also covers its bucket and an unstamped one its chunk (the jobs laid
    out with it, in order), which are always rendered whole: its bytes depend on them."""
    hashes: dict[str, str] = {}
    for job in sorted(jobs, key=lambda j: bool(j.parts)):
        hashes[job.path] = job_hash(job, hashes)
    members: dict[tuple[str, str], list[str]] = {}
    for job in jobs:
        if (key := bucket_key(job)) is not None:
            members.setdefault(key, []).append(job.path)
    together = [sorted(paths) for paths in members.values()]
    together += [
        [j.path for j in chunk] for chunk in chunks([j for j in jobs if not j.parts]) if len(chunk) > 1
    ]
    combined = {}
    for paths in together:
        digest = hashlib.sha256("\0".join(hashes[p] for p in paths).encode()).hexdigest()
        combined.update({p: digest.translate(LETTERS_ONLY) for p in paths})
    return {**hashes, **combined}


def read_manifest(folder: Path | None) -> dict[str, str]:
    if folder is None:
        return {}
    try:
        return dict(json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def chunks(jobs: list[PrintJob]) -> list[list[PrintJob]]:
    """The unstamped jobs as they are laid out together: by group and page style, BATCH_SIZE at a time
    in the order given; ungrouped ones alone.

    A document's layout depends on its place in its chunk (the first one starts below the body's
    margin, the others after a page break), so a chunk is always rendered whole, as in a clean build."""
    groups: dict[tuple[str, str], list[PrintJob]] = {}
    found: list[list[PrintJob]] = []
    for job in jobs:
        if job.stamp:
            continue
        if not job.group:
            found.append([job])
        else:
            groups.setdefault((job.group, style_key(job.html)), []).append(job)
    for members in groups.values():
        found += [members[start : start + BATCH_SIZE] for start in range(0, len(members), BATCH_SIZE)]
    return found


def batches(jobs: list[PrintJob]) -> Iterator[list[PrintJob]]:
    """Stamped jobs a bucket at a time (several buckets to a batch); the others in their chunks."""
    buckets: dict[tuple[str, str], list[PrintJob]] = {}
    for job in jobs:
        if (key := bucket_key(job)) is not None:
            buckets.setdefault(key, []).append(job)
    # Whole buckets, several to a batch (tops are laid out together, written per bucket).
    batch: list[PrintJob] = []
    for members in buckets.values():
        joins = (
            batch
            and batch[0].group == members[0].group
            and style_key(batch[0].html) == style_key(members[0].html)
        )
        if batch and (len(batch) + len(members) > STAMP_BATCH or not joins):
            yield batch
            batch = []
        batch += members
    if batch:
        yield batch
    yield from chunks(jobs)


def render_any(batch: list[PrintJob]) -> list[Rendered]:
    """Render one batch (what a worker runs): stamped if its jobs share bodies, else laid out together."""
    if not batch[0].stamp:
        return render_safely(batch)
    try:
        return render_stamped(batch)
    except DocumentError:
        raise
    except Exception:
        # Rendered whole and one by one, the failing document is named in the message.
        return render_safely([whole(job) for job in batch])


FEW_DOCUMENTS = 100  # fewer to render than this (a station or two changed): one worker is enough


class WarmPool(ProcessPoolExecutor):
    """The local pool a build starts once its data is valid: the workers import weasyprint while this
    process derives and renders, so the print stage finds them ready. A print run uses it like a pool
    of its own (bundles are bound on it: the workers see the same files); the build shuts it down."""

    def __init__(self, workers: int) -> None:
        super().__init__(workers, mp_context=get_context("fork"))
        for _ in range(workers):
            self.submit(_import_weasyprint)


def _import_weasyprint() -> None:
    import weasyprint  # noqa: F401


def warm_pool(executor: Executor | None = None) -> contextlib.AbstractContextManager[Executor | None]:
    """The build's print executor: a given one (a cluster's) as it is, else a WarmPool (none when the
    build may use one process: environment.cores())."""
    workers = cores()
    if executor is not None or workers <= 1:
        return contextlib.nullcontext(executor)
    return WarmPool(workers)


def local_pool(workers: int | None = None, few: bool = False) -> Executor | None:
    """A pool of forked processes, one per core the build may use (None for one: render here), for a
    run not given one.

    With `few` documents to render the pool has one worker, which imports weasyprint itself: this
    process builds the site meanwhile, and a second worker would only take its core. Otherwise
    weasyprint is imported here first, so that every forked worker starts with it."""
    count = workers or cores()
    if count <= 1:
        return None
    if not few:
        import weasyprint  # noqa: F401

    return ProcessPoolExecutor(1 if few else count, mp_context=get_context("fork"))


def bind(job: PrintJob, out: Path, titles: dict[str, str]) -> bytes:
    """A bundle: the part PDFs one after another, one bookmark per part."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    # The parts share much (a level's poster body and its fonts): each shared object is copied once.
    shared = SharedObjects(writer)
    for part in job.parts:
        if not (out / part).exists():
            raise _failure("YZ-PRINT-003", subject=job.subject, path=job.path, part=part)
        data = (out / part).read_bytes()
        reader = PdfReader(io.BytesIO(data), strict=False)
        shared.append(reader, data, outline_item=titles.get(part, part), import_outline=False)
    # What the parts share without the same bytes (made in another order) is kept once too.
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
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
    executor: Executor | None = None,
) -> None:
    """Render every job to `out/job.path`, skipping those whose content hash has not changed.

    `complete`: the jobs are every print document, so files of the previous build that no job
    makes any more are removed. Otherwise (a site-only build renders just the blank forms) the
    previous build's other documents and their manifest entries are kept as they are.
    `workers`: processes to render with (default: environment.cores()), unless an `executor` is given
    (any concurrent.futures.Executor, e.g. a Dask cluster's), which then renders every batch.
    """
    PrintRun(jobs, out, previous, complete, workers, executor).finish()


class PrintRun:
    """The print stage in two steps: `PrintRun(...)` hands the batches to the workers at once, so
    they render while this process does other work (the website); `finish()` writes the results as
    they come, binds the bundles and writes the manifest. `cancel()` stops it."""

    def __init__(
        self,
        jobs: list[PrintJob],
        out: Path,
        previous: Path | None = None,
        complete: bool = True,
        workers: int | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.jobs, self.out = jobs, out
        old = read_manifest(previous)
        self.hashes = content_hashes(jobs)
        if complete:
            for stale in set(old) - set(self.hashes):
                (out / stale).unlink(missing_ok=True)
        self.kept = {} if complete else {path: v for path, v in old.items() if path not in self.hashes}
        todo = [j for j in jobs if self.hashes[j.path] != old.get(j.path) or not (out / j.path).exists()]
        # A bucket or a chunk is rendered whole, so its documents come out the same as in a clean build.
        redo = {bucket_key(j) for j in todo} - {None}
        chunk_of = {
            j.path: n for n, chunk in enumerate(chunks([j for j in jobs if not j.parts])) for j in chunk
        }
        again = {chunk_of[j.path] for j in todo if j.path in chunk_of}
        chosen = {j.path for j in todo}
        self.todo = [
            j for j in jobs if j.path in chosen or bucket_key(j) in redo or chunk_of.get(j.path, -1) in again
        ]
        # Biggest batches first, so no worker is left with a long one at the end.
        work = sorted(batches([j for j in self.todo if not j.parts]), key=len, reverse=True)
        # Batches this process rendered before under the same keys are written from memory (memo.held_pdfs).
        self.bar = Progress("印刷文件", len(self.todo))
        self.work = []
        for batch in work:
            pdfs = [held_pdfs.get(self._held_key(job.path)) for job in batch]
            if all(pdf is not None for pdf in pdfs):
                self._write([Rendered(job.path, pdf, 0, "") for job, pdf in zip(batch, pdfs, strict=True)])  # type: ignore[arg-type]
            else:
                self.work.append(batch)
        self.own = executor is None and len(self.work) > 1
        # A local pool forks its workers here, at the first submit, before any other thread starts.
        # A warm one takes even a single batch: its workers are ready, and this process builds the site.
        if self.own:
            self.pool = local_pool(workers, few=len(self.todo) < FEW_DOCUMENTS)
        elif len(self.work) > 1 or (isinstance(executor, WarmPool) and self.work):
            self.pool = executor
        else:
            self.pool = None
        self.futures: list[Future[list[Rendered]]] = (
            [self.pool.submit(render_any, batch) for batch in self.work] if self.pool is not None else []
        )
        self.failure: BaseException | None = None
        self.stopping = False
        # Results are written as they come, by a thread that only waits and writes, so they are not
        # held in memory while this process builds the site.
        self.writer = threading.Thread(target=self._write_results, daemon=True) if self.futures else None
        if self.writer is not None:
            self.writer.start()

    def _held_key(self, path: str) -> str:
        return f"{path}\0{self.hashes[path]}"

    def _write(self, results: list[Rendered]) -> None:
        for result in results:
            # A chunk is rendered whole: its documents that came out as before keep their file.
            if not holds(self.out / result.path, result.pdf):
                replace_file(self.out / result.path, result.pdf)
            held_pdfs.put(self._held_key(result.path), result.pdf)
        self.bar.update(len(results))

    def _write_results(self) -> None:
        pending = set(self.futures)
        try:
            while pending and not self.stopping:
                done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in done:
                    if not future.cancelled():
                        self._write(future.result())
        except BaseException as error:  # handed to finish(), in the main thread
            self.failure = error

    def finish(self) -> None:
        """Write every rendered document, then the bundles and booklets, then the manifest."""
        out = self.out
        try:
            with self.bar:
                if self.writer is not None:
                    self.writer.join()
                    if self.failure is not None:
                        raise self.failure
                else:
                    for batch in self.work:
                        self._write(render_any(batch))
                titles = {j.path: j.title for j in self.jobs}
                made = [j for j in self.todo if j.parts]
                # A bundle's key covers its parts' keys, and so their bytes: one this process bound
                # before under the same key is written from memory, as rendered documents are.
                held = {j.path: held_pdfs.get(self._held_key(j.path)) for j in made}
                bind_now = [j for j in made if held[j.path] is None]
                # Bundles read the files just written: on the local pool's workers, which share them;
                # a cluster's workers may not, so then they are bound here.
                local = self.pool is not None and (self.own or isinstance(self.pool, WarmPool))
                binding = (
                    {j.path: self.pool.submit(assemble_parts, j, out, titles) for j in bind_now}
                    if local
                    else {}
                )
                for job in made:
                    data = held[job.path]
                    if data is None:
                        data = binding[job.path].result() if local else assemble_parts(job, out, titles)
                    self._write([Rendered(job.path, data, 0, "")])
        finally:
            self.cancel()
        manifest = {**self.kept, **self.hashes}
        replace_file(
            out / MANIFEST, json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=0).encode()
        )

    def cancel(self) -> None:
        """Stop what has not started; shut down the pool this run made (not a given executor)."""
        self.stopping = True
        for future in self.futures:
            future.cancel()
        if self.own and self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None
        if self.writer is not None and self.writer is not threading.current_thread():
            self.writer.join()


def assemble_parts(job: PrintJob, out: Path, titles: dict[str, str]) -> bytes:
    """A document made of other documents: a booklet imposed from its one part, or a bundle."""
    return impose(job, out) if job.booklet else bind(job, out, titles)
