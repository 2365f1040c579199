"""Print documents: HTML → PDF with weasyprint."""

from __future__ import annotations

from pathlib import Path

from .output import PrintJob
from .paths import tool_root


def render_jobs(jobs: list[PrintJob], out: Path, previous: Path | None = None) -> None:
    """Render every job to `out/job.path`."""
    from weasyprint import HTML

    base_url = str(tool_root() / "site_templates" / "print") + "/"
    for job in jobs:
        target = out / job.path
        target.parent.mkdir(parents=True, exist_ok=True)
        HTML(string=job.html, base_url=base_url).write_pdf(target)
