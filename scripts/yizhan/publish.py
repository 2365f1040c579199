"""Stage 5: write everything into a staging folder; swap it into place only after checks pass."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from .buildkit.cache import Cache, holds, load_json, replace_file, save_json
from .buildkit.outfolder import inside, write_marker
from .buildkit.paths import project_file
from .buildkit.templating import mkdocs_title
from .model.output import Output
from .model.project import County
from .privacy.memory import FileDigests


def _write(base: Path, rel: str, data: bytes | str, previous: Path | None = None) -> None:
    """Write `data` to `base/rel` by replacing it; when `previous/rel` holds the same bytes, link that
    file instead (the checks and compressed copies that follow then know it without reading it)."""
    path = inside(base, rel)
    if isinstance(data, str):
        data = data.encode("utf-8")
    old = previous / rel if previous is not None else None
    if old is not None and holds(old, data):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        os.link(old, path)
    else:
        replace_file(path, data)


@contextlib.contextmanager
def source_date(day: dt.date) -> Iterator[None]:
    """Make every tool that honours SOURCE_DATE_EPOCH stamp the edition date, not the clock."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    epoch = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def site_settings(county: County) -> str:
    """What a site build takes from the county besides the pages: name, address, date stamped."""
    return f"{county.county}\0{county.site_url}\0{county.edition.isoformat()}"


def build_site(
    root: Path,
    docs: Path,
    site: Path,
    nav: list[Any],
    county: County,
    kept: dict[str, str] | None = None,
    digests: FileDigests | None = None,
) -> None:
    """Build the generated pages into `site` with the project's mkdocs.yml, through the site engine.

    `kept`: pages already in `site` from the previous build (with their markdown), left as they are;
    `digests`: the build's file digests, which spare reading kept pages again.
    """
    from .website.engine import SiteBuild
    from .website.engine import build_site as engine_build
    from .website.finish import compact_html, finish_site, links_cut_sheets
    from .website.styles import write_styles

    job = SiteBuild(
        config_file=project_file(root, "mkdocs.yml"),
        docs=docs,
        site=site,
        nav=nav,
        name=mkdocs_title(f"{county.county}民生驿站"),
        url=county.site_url + "/" if county.site_url else None,
        kept=kept or {},
        compact=compact_html,
        cut_styles=lambda folder, sources: write_styles(folder, sources, Cache(root), digests),
        links_cut_sheets=links_cut_sheets,
    )
    with source_date(county.edition):
        engine_build(job)
    finish_site(site)
    if not county.site_url:
        # Without a site URL a sitemap would list broken addresses.
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            (site / name).unlink(missing_ok=True)


def docs_folder(root: Path, out: Path) -> Path:
    """Where the pages for mkdocs are kept between builds of `out` (its lock guards the folder too)."""
    folder = Cache(root).folder("docs")
    assert folder is not None
    return folder / hashlib.sha256(str(out.resolve()).encode("utf-8")).hexdigest()[:16]


DOCS_RECORD = ".yizhan-docs.json"


def sync_docs(folder: Path, docs: dict[str, str]) -> None:
    """Make `folder` hold exactly `docs`, writing only the pages whose text changed since the last build.

    The record of what the folder holds is removed before anything is written and saved after: a
    build stopped half-way leaves no record, and the next one writes every page.
    """
    record = folder / DOCS_RECORD
    old = load_json(record).get("pages", {}) if folder.is_dir() else {}
    record.unlink(missing_ok=True)
    new = {rel: hashlib.sha256(text.encode("utf-8")).hexdigest() for rel, text in docs.items()}
    for rel in set(old) - set(new):
        inside(folder, rel).unlink(missing_ok=True)
    for rel, text in docs.items():
        if old.get(rel) != new[rel] or not (folder / rel).is_file():
            _write(folder, rel, text)
    save_json(record, {"pages": new})


def publish_site(
    output: Output,
    root: Path,
    site: Path,
    work: Path,
    county: County,
    digests: FileDigests | None = None,
    docs: Path | None = None,
) -> None:
    """Build the site into `site`, which holds the previous build's (hard links) or nothing.

    Nothing changed: the previous site stays as it is. Otherwise mkdocs builds every page but the
    ones whose keys are unchanged; those are linked from the previous build (see website.pagecache).
    `docs`: the folder the pages are kept in between builds (default: a new one in `work`).
    """
    from .website import pagecache

    config = project_file(root, "mkdocs.yml")
    plan = pagecache.plan_site(
        output.docs, output.nav, output.site_files, config, pagecache.theme_dir(config), site_settings(county)
    )
    old = pagecache.read_plan(site)
    if old is not None and old.whole == plan.whole and pagecache.intact(site, output.docs, output.site_files):
        return
    previous = work / "previous-site"
    if site.exists():
        previous.parent.mkdir(parents=True, exist_ok=True)
        site.rename(previous)
    kept = pagecache.reusable(plan, old, previous)
    docs = docs or work / "docs"
    sync_docs(docs, output.docs)
    # Kept pages are in place before the engine writes the others, so what runs after the build sees
    # every page (the cut stylesheets are named by their content and re-linked in kept pages too).
    pagecache.carry_over(kept, previous, site)
    build_site(root, docs, site, output.nav, county, {path: output.docs[path] for path in kept}, digests)
    if kept & plan.searched:
        pagecache.keep_search_index(previous, site)  # no searched page changed: nor did the index
    for rel, data in output.site_files.items():
        _write(site, rel, data, previous)
    _write(site, pagecache.MANIFEST, plan.manifest())
    shutil.rmtree(previous, ignore_errors=True)


def publish(
    output: Output,
    root: Path,
    out: Path,
    county: County,
    only: set[str],
    work: Path,
    executor: Executor | None = None,
    digests: FileDigests | None = None,
) -> Path:
    """Write all outputs into a staging folder inside this build's own `work` folder and return it.

    `executor`: where print batches are rendered (default: a local process pool); `digests`: the
    build's file digests (privacy.memory.FileDigests), shared with the checks that follow.
    """
    staging = work / "staging"
    if out.exists():
        # Keep what this build does not remake (e.g. --only print keeps the site).
        shutil.copytree(out, staging, copy_function=os.link)
    staging.mkdir(parents=True, exist_ok=True)
    # Every path is checked before anything is written: none may leave its folder.
    for job in output.print_jobs:
        inside(staging / "print", job.path)
        if job.site_path:
            inside(staging / "site", job.site_path)
    for rel in output.site_files:
        inside(staging / "site", rel)
    docs = docs_folder(root, out)
    for rel in output.docs:
        inside(docs, rel)
    # The site offers some print documents (the blank forms), so a site-only build renders those.
    jobs = output.print_jobs if "print" in only else [j for j in output.print_jobs if j.site_path]
    run = None
    if jobs:
        from .printing.jobs import PrintRun

        # The print workers start now and render while this process builds the site. They replace
        # files by rename, so the previous build's hard-linked PDFs stay intact, and unchanged
        # documents are kept without rendering them again.
        run = PrintRun(
            jobs, staging / "print", previous=out / "print", complete="print" in only, executor=executor
        )
    try:
        if "site" in only:
            publish_site(output, root, staging / "site", work, county, digests, docs)
        if run is not None:
            run.finish()
    finally:
        if run is not None:
            run.cancel()
    if "site" in only:
        for job in (j for j in jobs if j.site_path):
            data = (staging / "print" / job.path).read_bytes()
            _write(staging / "site", job.site_path, data, previous=out / "site")
        from .website.compress import precompress

        precompress(staging / "site", previous=out / "site")
    write_marker(staging)
    return staging
