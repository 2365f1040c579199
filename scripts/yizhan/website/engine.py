"""The site engine behind one seam: the only module that imports mkdocs (MkDocs 1.x).

Moving to another engine is this module's work alone. Tried: ProperDocs 1.6.7, the maintained
continuation of MkDocs 1.x, builds the example county unchanged but for each page's
`<meta name="generator">` (and so its compressed copies); the build stays on MkDocs 1.6.1, the
version Material for MkDocs depends on, until a move is decided.

What yizhan needs from a site engine, and all it asks of this one:

- **pages in**: a folder of markdown pages with YAML front matter, and the project's `mkdocs.yml`
  with the site's name, address and navigation set by yizhan; strict: a warning fails the build;
- **navigation**: the given nav (handbook, forms, disclosure); pages outside it are still built and
  linkable (`not_in_nav`);
- **search index with Chinese segmentation**: Material's search plugin with jieba and a separator
  that splits on the U+200B it puts between jieba's words; pages can opt out by front matter;
- **theme overrides**: Material with the project's `custom_dir` templates, extra CSS and JS;
- **output**: every page's HTML, the theme's assets, sitemap and 404 page in the site folder, dated
  by SOURCE_DATE_EPOCH; pages kept from the previous build are left as they are, neither read nor
  written (the engine's `dirty` build, told by the sources' times which pages those are);
- **hooks**: each page's HTML before it is written (compaction), the theme's template environment
  (a compiled-template cache), the end of the build (the stylesheet cut).

Only documented plugin events (`on_env`, `on_post_page`, `on_post_build`) and configuration keys are
used; nothing of the engine is patched.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.plugins import BasePlugin
from mkdocs.utils.meta import get_data

from ..buildkit.templating import compiled_cache
from .search import check_separator, jieba_module

DIRTY_WARNING = "A 'dirty' build is being performed"
LONG_AGO = (0, 0)  # the time given to the source of a kept page: older than the page it made


@dataclass
class SiteBuild:
    """One build of the site: where the pages come from and go, and what yizhan adds to it."""

    config_file: Path
    docs: Path
    site: Path
    nav: list[Any]
    name: str
    url: str | None = None
    kept: dict[str, str] = field(default_factory=dict)  # pages already in `site` → their markdown
    compact: Callable[[str], str] | None = None  # each page's HTML before it is written
    cut_styles: Callable[[Path, list[str]], object] | None = None  # (site, the site's own sheets), at the end
    links_cut_sheets: Callable[[Path | None], bool] = lambda custom_dir: False


class _Hooks(BasePlugin):  # type: ignore[type-arg]
    """yizhan's steps inside the engine's build, on documented plugin events."""

    def __init__(self, job: SiteBuild, styles: list[str] | None) -> None:
        super().__init__()
        self.job, self.styles = job, styles

    def on_env(self, env: Any, /, *, config: Any, files: Any) -> Any:
        # Keep the theme's templates compiled between builds (a small build spends most time compiling).
        env.bytecode_cache = compiled_cache("theme")
        # Kept pages were not read: give them their front matter, which the sitemap consults.
        for file in files.documentation_pages():
            if file.src_uri in self.job.kept and file.page is not None:
                file.page.meta = get_data(self.job.kept[file.src_uri])[1]
        return env

    def on_post_page(self, output: str, /, *, page: Any, config: Any) -> str:
        return self.job.compact(output) if self.job.compact is not None else output

    def on_post_build(self, *, config: Any) -> None:
        if self.styles is not None and self.job.cut_styles is not None:
            self.job.cut_styles(Path(config["site_dir"]), self.styles)


class _HideDirtyWarning(logging.Filter):
    """The engine warns about `dirty` builds (stale menus); ours keep only pages whose keys cover the menus."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_WARNING)


def search_separator(config: Any) -> str:
    """The separator the search plugin splits words on, as configured in mkdocs.yml ("" without search)."""
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    return str(plugin.config.separator or "") if plugin is not None else ""


def build_site(job: SiteBuild) -> None:
    """Build the site of `job` into `job.site`, leaving the kept pages (already there) as they are."""
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    jieba_module()  # before the engine runs: it would build an index that finds nothing
    config = load_config(
        config_file=str(job.config_file),
        docs_dir=str(job.docs),
        site_dir=str(job.site),
        nav=job.nav,
        site_name=job.name,
        site_url=job.url,
        strict=True,
    )
    check_separator(search_separator(config))
    custom = config.theme.custom_dir
    styles = None
    if job.links_cut_sheets(Path(custom) if custom else None):
        # The site's own stylesheets are not linked one by one: they join the theme's sheet.
        styles = [str(path) for path in config.extra_css if "://" not in str(path)]
        config.extra_css = []
    config.plugins["yizhan"] = _Hooks(job, styles)
    # A dirty build rebuilds a page when its source is newer than its HTML: a kept page's source is
    # dated long ago, every other page has no HTML yet.
    for path in job.kept:
        os.utime(job.docs / path, LONG_AGO)
    hide = _HideDirtyWarning()
    logger = logging.getLogger("mkdocs.commands.build")
    logger.addFilter(hide)
    try:
        build(config, dirty=bool(job.kept))
    finally:
        logger.removeFilter(hide)
