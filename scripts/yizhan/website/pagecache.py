"""Skip what did not change on the site: every page is kept from the previous build when nothing it
depends on changed (pages in the search index only when no searched page changed: the previous
index is then kept too), and a build where nothing changed at all does not run the site engine.

A kept page's key (cache.key) covers its markdown and everything every page shares: the navigation
with the markdown of the pages in it (their titles show in every page's menu), the list of pages
(links resolve against it), mkdocs.yml, the theme and its overrides, the edition date, yizhan's own
code and the library versions. The engine still sees every page, so links to kept pages resolve;
it only skips reading and writing them (see website.engine).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..buildkit import cache

MANIFEST = ".manifest.json"  # in build/site/: the keys of the build it sits in
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_SEARCH_EXCLUDED = re.compile(r"^search:\s*\n\s+exclude:\s*true\s*$", re.M)


def theme_dir(config: Path) -> Path | None:
    """The theme overrides folder mkdocs uses: `theme.custom_dir` of mkdocs.yml, next to the file."""
    import yaml

    try:
        settings = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
        custom = settings.get("theme", {}).get("custom_dir")
    except (OSError, yaml.YAMLError, AttributeError):
        return None
    return config.parent / custom if isinstance(custom, str) else None


def nav_pages(nav: Any) -> set[str]:
    """Every page path the navigation lists."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return set().union(*(nav_pages(v) for v in nav.values())) if nav else set()
    if isinstance(nav, list):
        return set().union(*(nav_pages(v) for v in nav)) if nav else set()
    return set()


def unsearched(text: str) -> bool:
    """True when the page's front matter keeps it out of the search index."""
    front = _FRONT.match(text)
    return bool(front and _SEARCH_EXCLUDED.search(front.group(1)))


@dataclass
class SitePlan:
    """The keys of one site build: one for the whole site, one for the search index, one per page."""

    whole: str
    pages: dict[str, str] = field(default_factory=dict)  # docs-relative path → key
    search: str = ""  # the searched pages' markdown and everything they share
    searched: set[str] = field(default_factory=set)  # pages in the search index (not in the manifest)

    def manifest(self) -> bytes:
        body = {"site": self.whole, "pages": self.pages, "search": self.search}
        return json.dumps(body, ensure_ascii=False, sort_keys=True, indent=0).encode("utf-8")


def plan_site(
    docs: dict[str, str],
    nav: list[Any],
    site_files: dict[str, bytes],
    config: Path,
    theme: Path,
    settings: str,
) -> SitePlan:
    """Keys of this build. `settings`: what the build passes to mkdocs besides the files (name, URL, date)."""
    listed = nav_pages(nav)
    shared = cache.key(
        config.read_bytes(),
        theme if theme is not None and theme.is_dir() else None,
        settings,
        json.dumps(nav, ensure_ascii=False, sort_keys=True),
        sorted(docs),
        [docs[path] for path in sorted(listed) if path in docs],
    )
    pages = {path: cache.key(shared, path, text) for path, text in docs.items() if path.endswith(".md")}
    searched = {path for path in pages if not unsearched(docs[path])}
    search = cache.key(shared, [(path, docs[path]) for path in sorted(searched)])
    whole = cache.key(shared, docs, {path: cache.digest_of(data) for path, data in site_files.items()})
    return SitePlan(whole, pages, search, searched)


def read_plan(site: Path) -> SitePlan | None:
    """The keys the previous build left in its site folder, if any."""
    try:
        body = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
        return SitePlan(str(body["site"]), dict(body["pages"]), str(body.get("search", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def intact(site: Path, docs: dict[str, str], site_files: dict[str, bytes]) -> bool:
    """True when the site still has the file every page, generated file and copied file makes."""
    made = [path[:-3] + ".html" if path.endswith(".md") else path for path in docs]
    return all((site / path).is_file() for path in [*made, *site_files])


def reusable(plan: SitePlan, old: SitePlan | None, previous: Path) -> set[str]:
    """Pages whose key is unchanged and whose built HTML the previous site still has.

    A page in the search index is kept only when no searched page changed: mkdocs' search plugin
    indexes the pages it builds, so then the previous build's index is taken whole instead
    (see `keep_search_index`).
    """
    if old is None:
        return set()
    index = same_search_index(plan, old, previous)
    return {
        path
        for path, key in plan.pages.items()
        if old.pages.get(path) == key
        and (previous / (path[:-3] + ".html")).is_file()
        and (index or path not in plan.searched)
    }


def same_search_index(plan: SitePlan, old: SitePlan | None, previous: Path) -> bool:
    """Whether the previous build's search index is the one this build would write."""
    from .search import INDEX_FILES

    return (
        old is not None
        and bool(old.search)
        and old.search == plan.search
        and all((previous / name).is_file() for name in INDEX_FILES)
    )


def keep_search_index(previous: Path, site: Path) -> None:
    """Put the previous build's search index files in place of the ones mkdocs just wrote."""
    from .search import INDEX_FILES

    for name in INDEX_FILES:
        (site / name).unlink(missing_ok=True)
        os.link(previous / name, site / name)


DERIVED = ("", ".gz", ".br")  # a page's HTML and the files made from it (pre-compressed copies)


def carry_over(kept: set[str], previous: Path, site: Path) -> None:
    """Hard-link each kept page's HTML (and its pre-compressed copies, if any) into `site`.

    mkdocs has written nothing yet, so these are new files in `site` (one already there is replaced)."""
    stems = sorted(path[:-3] + ".html" for path in kept)
    for folder in sorted({os.path.dirname(stem) for stem in stems}):
        os.makedirs(site / folder, exist_ok=True)
    old, new = str(previous), str(site)
    for stem in stems:
        for suffix in DERIVED:
            source, target = f"{old}/{stem}{suffix}", f"{new}/{stem}{suffix}"
            try:
                os.link(source, target)
            except FileNotFoundError:
                if not suffix:  # the page itself must be there (checked when the plan was made)
                    raise
            except FileExistsError:
                os.unlink(target)
                os.link(source, target)
