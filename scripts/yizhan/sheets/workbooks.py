"""Workbooks yizhan writes come out byte-identical between builds: one timestamp in every archive entry."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from .cells import neutralise_workbook


def workbook_bytes(book: Any, edition: dt.date) -> bytes:
    """An openpyxl workbook as bytes: no formula in any cell, the edition date as its only timestamp."""
    neutralise_workbook(book)
    stamp = dt.datetime(edition.year, edition.month, edition.day)
    book.properties.created = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp)


def fixed_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """Rewrite the archive with one timestamp everywhere, so builds are reproducible."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + iso.encode(), content)
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()
