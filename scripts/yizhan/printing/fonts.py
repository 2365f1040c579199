"""The CJK fonts cut once per machine to the characters Chinese print documents use.

weasyprint subsets every font again for every PDF it writes. Starting from the 65,000-glyph system
font that step costs about a third of a poster's time; starting from a 7,600-glyph cut (GB 2312,
ASCII and the punctuation and symbols of our templates) it costs a fraction of that, and the PDFs
come out smaller. A character outside the cut — a rare name, say — falls back to the system font
named after the cut in the same `font-family` list, so nothing goes missing.

The cuts are made with HarfBuzz's subsetter through uharfbuzz (a tenth of a second each) and kept in the user's cache
folder under a name derived from the source font file, so an upgraded font makes new cuts. The
folder is shared by every yizhan on the machine, so the name does not follow yizhan's whole code
(two versions would remove each other's cuts): CUT_VERSION and the HarfBuzz version name the cutting itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import subprocess
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..buildkit.cache import replace_file

# (family in our templates, CSS weight, fontconfig style)
SOURCES = (
    ("Noto Sans CJK SC", 400, "Regular"),
    ("Noto Sans CJK SC", 700, "Bold"),
    ("Noto Serif CJK SC", 400, "Regular"),
    ("Noto Serif CJK SC", 700, "Bold"),
)
SUFFIX = " YZ"  # the cut's family: the source's name plus this, so pdffonts still shows its origin
CUT_VERSION = "3"  # bump when the character set or the cutting changes
# Another yizhan (an older version, the workbench beside the command line) may still use its own cut:
# a cut with another name is removed only when it has not been made again for this long.
STALE_AFTER = 30 * 24 * 3600  # seconds

# Unicode blocks kept whole: ASCII, Latin-1, general punctuation, letterlike symbols, number forms,
# arrows, maths operators, enclosed numbers, box drawing, geometric shapes (□ ■ ●), miscellaneous
# symbols (☐ ☑ ★), CJK punctuation and the full-width forms.
BLOCKS = (
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x2000, 0x206F),
    (0x2100, 0x218F),
    (0x2190, 0x21FF),
    (0x2200, 0x22FF),
    (0x2460, 0x24FF),
    (0x2500, 0x25FF),
    (0x2600, 0x26FF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
)


@dataclass(frozen=True)
class Cut:
    family: str  # the source family, as the templates name it
    weight: int
    path: Path  # the cut font file


def charset() -> list[int]:
    """Code points of every cut: the blocks above and every character of GB 2312."""
    points = {code for low, high in BLOCKS for code in range(low, high + 1)}
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((first, second)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return sorted(points)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "yizhan" / "fonts"


def locate(family: str, style: str) -> tuple[Path, int] | None:
    """The system font file and face index fontconfig uses for `family` in `style`, if installed."""
    try:
        result = subprocess.run(
            ["fc-match", "-f", "%{family}\t%{style}\t%{file}\t%{index}", f"{family}:style={style}"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    families, styles, file, index = [*result.stdout.split("\t"), "", "", ""][:4]
    if family not in families.split(",") or style not in styles.split(","):
        return None
    return Path(file), int(index or 0)


def cut_font(source: Path, index: int, points: list[int]) -> bytes | None:
    """`source` (face `index`) reduced to `points` with HarfBuzz's default layout features; None when impossible."""
    import uharfbuzz

    request = uharfbuzz.SubsetInput()
    request.unicode_set.update(points)
    try:
        face = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(source), index)
        result = uharfbuzz.subset(face, request)
    except (uharfbuzz.HarfBuzzError, RuntimeError):  # an unreadable file; a face HarfBuzz cannot cut
        return None
    return result.blob.data or None


def _file_name(family: str, style: str, source: Path, index: int) -> str:
    """The cut's name: family and style, and a digest of the source file, the cutting and the HarfBuzz version."""
    import uharfbuzz

    stat = source.stat()
    identity = (
        f"{CUT_VERSION}|{uharfbuzz.version_string()}|{source}|{index}|{stat.st_size}|{stat.st_mtime_ns}"
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return f"{re.sub(r'[^A-Za-z]', '', family)}-{style}-{digest}.otf"


def _remove_stale(path: Path) -> None:
    """Other cuts of the same family and style (a replaced font, an older cutting) not used for STALE_AFTER."""
    for stale in path.parent.glob(f"{path.name.rsplit('-', 1)[0]}-*.otf"):
        try:
            if stale != path and time.time() - stale.stat().st_mtime > STALE_AFTER:
                stale.unlink()
        except FileNotFoundError:
            continue  # removed meanwhile by another build


@cache
def cuts() -> tuple[Cut, ...]:
    """The cut of every installed source font, made once and then read from the cache folder."""
    made: list[Cut] = []
    points: list[int] | None = None
    for family, weight, style in SOURCES:
        found = locate(family, style)
        if found is None:
            continue
        source, index = found
        path = cache_dir() / _file_name(family, style, source, index)
        if not path.exists():
            points = points or charset()
            data = cut_font(source, index, points)
            if data is None:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale(path)
            replace_file(path, data)
        else:
            # in use: its modification time tells other versions' builds to keep it (a read-only folder still serves)
            with contextlib.suppress(OSError):
                os.utime(path)
        made.append(Cut(family, weight, path))
    return tuple(made)


def font_faces() -> str:
    """@font-face rules for the cuts, each under its source's family name plus SUFFIX."""
    return "".join(
        f'@font-face {{ font-family: "{cut.family}{SUFFIX}"; src: url("{cut.path.as_uri()}"); '
        f"font-weight: {cut.weight}; }}\n"
        for cut in cuts()
    )


def with_cuts(html: str) -> str:
    """`html` with each family that has a cut preceded by its cut in every `font-family` list.

    Only the head (the style sheet) is changed; the system font stays next in line for any
    character the cut lacks.
    """
    families = sorted({cut.family for cut in cuts()})
    if not families:
        return html
    head, marker, body = html.partition("</head>")
    if not marker:
        return html
    for family in families:
        head = head.replace(f'"{family}"', f'"{family}{SUFFIX}", "{family}"')
    return f"{head}<style>\n{font_faces()}</style>\n{marker}{body}"


def key() -> str:
    """What the cuts are, for content hashes: their file names encode source and version."""
    return "|".join(f"{cut.path.name}:{cut.weight}" for cut in cuts())
