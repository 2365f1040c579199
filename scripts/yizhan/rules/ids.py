"""The one rule for names that become file names: policy ids, form codes, station ids, places.

A path component is ASCII letters, digits and hyphens, starts and ends with a letter or digit, is
at most MAX_LENGTH long and is no name Windows reserves (CON, NUL, COM1…), so that the output can
be copied to any USB stick. Policy ids and form codes are lower case (content/README.md).
Township and village names are never path components: `place_slug` stands in for one.
"""

from __future__ import annotations

import hashlib
import re

MAX_LENGTH = 64
_SAFE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?", re.ASCII)
RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{kind}{n}" for kind in ("com", "lpt") for n in range(10)]
)


def is_safe_id(value: str, lowercase: bool = False) -> bool:
    """Whether `value` may name a file or folder in the output."""
    return (
        len(value) <= MAX_LENGTH
        and _SAFE.fullmatch(value) is not None
        and value.lower() not in RESERVED
        and (not lowercase or value == value.lower())
    )


def place_slug(name: str) -> str:
    """A stable, safe path component for a township or village that has no station id to use."""
    return "p-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
