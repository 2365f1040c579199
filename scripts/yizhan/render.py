"""Stage 4: public views → pages for mkdocs, HTML documents for print, files to publish."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from .buildkit.environment import cores
from .disclosure.render import render_disclosure
from .disclosure.render_notices import current_sheets
from .disclosure.render_reports import report_jobs
from .disclosure.scorecard import scorecard_sheets
from .disclosure.warnings import warning_sheets
from .forms.render import form_jobs, render_forms
from .model.output import Output
from .model.public import PublicData
from .printing.handbook import policy_jobs
from .printing.posters import station_jobs
from .website.pages import render_site

T = TypeVar("T")


_pending: tuple[Callable[..., Any], tuple[Any, ...]] | None = None  # what a forked child runs


def _run_pending() -> Any:
    assert _pending is not None
    work, args = _pending
    return work(*args)


@contextlib.contextmanager
def beside(work: Callable[..., T], *args: Any) -> Iterator[Future[T]]:
    """`work(*args)` in a forked process while the block runs (here, when the build may use one process:
    environment.cores()).

    The child is forked with `work` and its arguments already in place, so they are shared as they
    are, not pickled (they may hold whole tables); only the result travels back.
    """
    global _pending
    future: Future[T]
    if cores() < 2:
        future = Future()
        try:
            future.set_result(work(*args))
        except Exception as error:  # raised where the result is asked for, as from a process
            future.set_exception(error)
        yield future
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    _pending = (work, args)
    try:
        with ProcessPoolExecutor(1, mp_context=get_context("fork")) as pool:
            future = pool.submit(_run_pending)  # the worker is forked here, at the first task
            try:
                yield future
            finally:
                future.cancel()
    finally:
        _pending = None


def render(data: PublicData, templates: Path, parts: Collection[str] = ("site", "print")) -> Output:
    """What `parts` need: the site, whose later parts replace its stub pages (表格下载, 信息公开, 数据开放),
    and the print jobs, which are the same whether the site is rendered or not.

    The disclosure pages (a third of the work) are rendered by a second process meanwhile."""
    output = Output()
    if "site" in parts:
        with beside(render_disclosure, data.stats["disclosure"], data.county, templates) as disclosure:
            output.merge(render_site(data, templates))
            output.merge(render_forms(data, templates))
            output.merge(disclosure.result())
    else:
        output.print_jobs += form_jobs(data, templates)
        output.print_jobs += current_sheets(data.stats["disclosure"].notices, data.county, templates)
    disclosure = data.stats["disclosure"]
    output.print_jobs += warning_sheets(disclosure, data.tables.get("stations"), data.county, templates)
    output.print_jobs += report_jobs(disclosure, data.county, templates)
    output.print_jobs += scorecard_sheets(disclosure, data.county, templates)
    output.print_jobs += policy_jobs(data, templates)
    output.print_jobs += station_jobs(data, templates)
    return output
