"""Stage 6: scan everything published — personal data that must not be there, broken links.

The gate looks at the files themselves, so it catches a leak however it got there.
"""

from __future__ import annotations

import copy
import gzip
import html
import io
import posixpath
import re
import shutil
import subprocess
from bisect import bisect_right
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urlsplit

import brotli

from ..buildkit.cache import NOWHERE, Cache
from ..buildkit.environment import cores
from ..feedback import messages
from ..model.project import Model
from ..rules.numbers import find_numbers, fold
from .memory import CheckedPages, CleanFiles, FileDigests
from .secrets import UNLISTED, Finding, Secrets, collect_secrets

TEXT_SUFFIXES = {
    ".html", ".htm", ".js", ".json", ".csv", ".tsv", ".txt", ".md", ".xml", ".svg", ".css", ".yml", ".yaml",
}  # fmt: skip
MARKUP_SUFFIXES = {".html", ".htm", ".xml", ".svg"}
_CJK = "\u3400-\u9fff\uf900-\ufaff"
# A two-character name only counts where a name stands alone (a table cell, a CSV field, a PDF
# column): inside running Chinese text two characters match ordinary words far too often.
_SHORT_WORD = re.compile(f"(?<![{_CJK}])([{_CJK}]{{2}})(?![{_CJK}])")
_CJK_RUN = re.compile(f"[{_CJK}·]+")
_CODE_RUN = re.compile(r"[0-9A-Za-z][0-9A-Za-z\- ]{5,}[0-9A-Za-z]")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_DIGIT = re.compile(r"\d")
_LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"'\n]+)["']""")


def unescaped(line: str, markup: bool) -> str:
    """Undo the escapes a leak could hide behind: JSON \\uXXXX (search index), HTML entities."""
    if "\\u" in line:
        line = _JSON_ESCAPE.sub(
            lambda m: chr(int(m.group(1), 16)) if int(m.group(1), 16) >= 0x80 else m.group(0), line
        )
    if markup and "&" in line:
        line = html.unescape(line)
    return line


def decoded(line: str, markup: bool) -> str:
    """A line as the gate reads it: unescaped, then folded (fold keeps positions, one character for one)."""
    return fold(unescaped(line, markup))


class CleanLines:
    """Lines one gate run found clean, so that a line repeated across files is read once.

    Pages and documents share most of their lines (navigation, headers, a policy's text). Only lines
    without any digit are kept: a number's verdict may rest on the list of public phones, which a file's
    record must name, while a line of words is clean or not by itself.
    """

    def __init__(self) -> None:
        self.lines: tuple[set[str], set[str]] = (set(), set())  # plain text, markup

    def __call__(self, markup: bool) -> set[str]:
        return self.lines[markup]


def scan_line(line: str, secrets: Secrets, names: NameFinder | None) -> Iterator[tuple[int, str]]:
    """(column, what) for every piece of personal data in one line of text."""
    for found in find_numbers(line):
        if found.kind in ("id18", "id15"):
            label = secrets.values.get(found.number, "疑似身份证号")
            yield found.start + 1, f"{label} {found.number[:6]}…"
        elif not secrets.is_public(found.number):
            label = secrets.values.get(found.number, UNLISTED[found.kind])
            yield found.start + 1, f"{label} {found.masked}"
    if names is not None:
        for column, secret in names.finditer(line):
            yield column, f"{secrets.values[secret]}原文「{secret[0]}…」"
    if secrets.short_names:
        for match in _SHORT_WORD.finditer(line):
            if match.group(1) in secrets.short_names:
                yield match.start() + 1, f"{secrets.values[match.group(1)]}原文「{match.group(1)[0]}…」"


def scan_text(
    rel: str,
    text: str,
    secrets: Secrets,
    names: NameFinder | None,
    markup: bool = False,
    page: str = "",
    clean: CleanLines | None = None,
) -> list[Finding]:
    """Every finding in `text`, located by line and column, in line order.

    The lines (each unescaped on its own) are scanned as one string: no pattern matches across a
    line break, and one pass over a file is several times faster than one per line. Lines in `clean`
    are skipped; this file's clean lines without digits are added to it.
    """
    raw = text.splitlines()
    known = clean(markup) if clean is not None else set()
    todo = [number for number, line in enumerate(raw) if line not in known]
    lines = [unescaped(raw[number], markup) for number in todo]
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    joined = fold("\n".join(lines))
    findings = []
    for offset, what in scan_line(joined, secrets, names):
        index = bisect_right(starts, offset - 1) - 1
        lineno, column = todo[index] + 1, offset - starts[index]
        place = f"{page}第{lineno}行第{column}列" if page else f"第{column}列"
        findings.append(Finding(rel, lineno, what, place))
    if clean is not None:
        found = {finding.line - 1 for finding in findings}
        for index, number in enumerate(todo):
            end = starts[index] + len(lines[index])
            if number not in found and not _DIGIT.search(joined, starts[index], end):
                known.add(raw[number])
    return sorted(findings, key=lambda finding: finding.line)  # stable: per line, in scan order


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF (poppler's pdftotext when present, else pypdf)."""
    if shutil.which("pdftotext"):
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=False
        )
        if done.returncode == 0:
            return done.stdout.decode("utf-8", errors="replace").split("\f")
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(path).pages]


def scan_pdf(
    rel: str, path: Path, secrets: Secrets, names: NameFinder | None, clean: CleanLines | None = None
) -> list[Finding]:
    findings = []
    try:
        pages = pdf_pages(path)
    except Exception:  # pypdf raises many kinds on a file that is no PDF
        problem, fix = messages.text("YZ-OUT-011", path=rel)
        return [Finding(rel, 1, f"{problem}。{fix}")]
    for number, text in enumerate(pages, start=1):
        findings.extend(scan_text(rel, text, secrets, names, page=f"第{number}页", clean=clean))
    return findings


def scan_xlsx(rel: str, data: bytes, secrets: Secrets, names: NameFinder | None) -> list[Finding]:
    """Every cell of every sheet, located as the spreadsheet shows it (sheet name and cell)."""
    from openpyxl import load_workbook

    findings = []
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None or not hasattr(cell, "coordinate"):
                    continue
                for _, what in scan_line(str(cell.value), secrets, names):
                    findings.append(
                        Finding(rel, cell.row, what, f"工作表「{sheet.title}」{cell.coordinate}单元格")
                    )
    book.close()
    return findings


class NameFinder:
    """Finds secret names (3+ characters anywhere) and other non-numeric secrets by set look-ups.

    One regex alternation of thousands of names took minutes over a county's build; checking the
    substrings of each run of Chinese characters against a set takes seconds.
    """

    def __init__(self, secrets: Secrets) -> None:
        words = [v for v in secrets.values if not v.isdigit() and len(v) >= 3]
        self.names = {w for w in words if _CJK_RUN.fullmatch(w)}
        self.lengths = sorted({len(w) for w in self.names}, reverse=True)
        self.heads = {w[:2] for w in self.names}  # a name can only start where its first two characters are
        self.others = {_normal(w): w for w in words if w not in self.names}

    def finditer(self, line: str) -> Iterator[tuple[int, str]]:
        """(column, secret) for each secret in the line: longer names first, then from left to right."""
        shortest = self.lengths[-1] if self.lengths else 0
        for run in _CJK_RUN.finditer(line):
            text = run.group(0)
            if len(text) < shortest:
                continue
            found = [
                (-length, i)
                for i in range(len(text) - shortest + 1)
                if text[i : i + 2] in self.heads
                for length in self.lengths
                if text[i : i + length] in self.names and i + length <= len(text)
            ]
            for length, i in sorted(found):
                yield run.start() + i + 1, text[i : i - length]
        if self.others:
            for run in _CODE_RUN.finditer(line):
                found = self.others.get(_normal(run.group(0)))
                if found:
                    yield run.start() + 1, found


_NOT_CODE = re.compile(r"[^0-9A-Za-z]")


def _normal(value: str) -> str:
    return _NOT_CODE.sub("", value).upper()


def names_pattern(secrets: Secrets) -> NameFinder | None:
    """The finder for non-numeric secrets, or None when there are none."""
    finder = NameFinder(secrets)
    return finder if finder.names or finder.others else None


# Compressed copies the site carries for web servers (see website/compress.py).
DECOMPRESS = {".gz": gzip.decompress, ".br": brotli.decompress}


def scan_kind(path: Path) -> str:
    """How a published file is scanned: pdf, xlsx, text or markup (gz-/br- when compressed); "" not at all."""
    suffix = path.suffix.lower()
    if suffix in (".pdf", ".xlsx"):
        return suffix[1:]
    inner = Path(path.stem).suffix.lower() if suffix in DECOMPRESS else suffix
    if inner not in TEXT_SUFFIXES:
        return ""
    kind = "markup" if inner in MARKUP_SUFFIXES else "text"
    return f"{suffix[1:]}-{kind}" if suffix in DECOMPRESS else kind


def scan_file(
    path: Path, rel: str, secrets: Secrets, names: NameFinder | None, clean: CleanLines | None = None
) -> list[Finding]:
    """Scan one published file by its kind: text, compressed text, PDF text, XLSX cells."""
    kind = scan_kind(path)
    if kind == "pdf":
        return scan_pdf(rel, path, secrets, names, clean)
    if kind == "xlsx":
        return scan_xlsx(rel, path.read_bytes(), secrets, names)
    if not kind:
        return []
    raw = path.read_bytes()
    if path.suffix.lower() in DECOMPRESS:
        try:
            raw = DECOMPRESS[path.suffix.lower()](raw)
        except (OSError, EOFError, brotli.error):
            problem, fix = messages.text("YZ-OUT-011", path=rel)
            return [Finding(rel, 1, f"{problem}。{fix}")]
        original = path.with_suffix("")
        if original.is_file() and original.read_bytes() == raw:
            return []  # a copy of a file that is scanned itself
    text = raw.decode("utf-8-sig", errors="replace")
    return scan_text(rel, text, secrets, names, markup=kind.endswith("markup"), clean=clean)


def privacy_gate(
    out: Path, secrets: Secrets, cache: Cache = NOWHERE, digests: FileDigests | None = None
) -> list[Finding]:
    """Findings in every file under `out`, over all cores; files found clean last time are not read again."""
    names = names_pattern(secrets)
    record = CleanFiles(cache, secrets, digests)
    files = [(path, kind) for path in sorted(out.rglob("*")) if path.is_file() and (kind := scan_kind(path))]
    _ = secrets.short_names  # worked out once, before the per-file copies below
    clean = CleanLines()

    def scan(item: tuple[Path, str]) -> list[Finding]:
        digest = record.digest(*item)
        if record.still_clean(digest):
            return []
        view = copy.copy(secrets)
        view.relied_on = set()
        found = scan_file(item[0], item[0].relative_to(out).as_posix(), view, names, clean)
        if not found:
            record.add(digest, view.relied_on)
        return found

    # Threads: hashing and pdftotext run outside the interpreter's lock, so every core stays busy.
    with ThreadPoolExecutor(cores() + 1) as pool:
        findings = [finding for found in pool.map(scan, files) for finding in found]
    record.save()
    return findings


def broken_links(site: Path, prefix: str = "", record: CheckedPages | None = None) -> list[Finding]:
    """Relative href/src in HTML that point to no file; `prefix` is the site URL's path (e.g. /yizhan).

    With a `record`, a page read before with every link resolving is not read again: the files it
    points to are looked up in this build's files.
    """
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}

    def present(resolved: str) -> bool:
        return resolved in files or posixpath.join(resolved, "index.html").removeprefix("./") in files

    findings = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        digest = record.digest(page) if record is not None else ""
        known = record.recall("links", digest) if record is not None else None
        if known is not None and all(present(target) for target in known):
            record.remember("links", digest, known)  # type: ignore[union-attr]
            continue
        text = page.read_text(encoding="utf-8")
        targets, found = [], []
        for match in _LINK.finditer(text):
            target = match.group(1)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            path = parts.path
            if prefix and path.startswith(prefix + "/"):
                path = path[len(prefix) :]
            base = "" if path.startswith("/") else posixpath.dirname(rel)
            resolved = posixpath.normpath(posixpath.join(base, unquote(path).lstrip("/")))
            targets.append(resolved)
            if not present(resolved):
                lineno = text.count("\n", 0, match.start()) + 1
                found.append(Finding(rel, lineno, f"链接指向不存在的文件 {target}"))
        if record is not None and not found:
            record.remember("links", digest, sorted(set(targets)))
        findings += found
    return findings


def check_outputs(
    out: Path, model: Model, cache: Cache = NOWHERE, links: bool = True, digests: FileDigests | None = None
) -> list[Finding]:
    """The privacy gate over every file, the site's own checks and the link check; `cache` remembers clean files.

    `links=False` skips the link check: a build that kept the previous site checked its links then.
    """
    from .published import site_findings

    if digests is None:
        digests = FileDigests(cache)
    findings = privacy_gate(out, collect_secrets(model), cache, digests)
    prefix = urlsplit(model.county.site_url).path.rstrip("/") if model.county.site_url else ""
    record = CheckedPages(cache, prefix, digests)
    findings.extend(site_findings(out / "site", record))
    if links and (out / "site").exists():
        findings.extend(broken_links(out / "site", prefix, record))
    record.save()
    digests.save()
    return findings
