"""The rows under a CSV file's header, as columns of codes, a chunk of rows at a time.

pandas' C parser reads the common file (one row a line); the csv module reads the rest (cells
with line breaks, rows wider than the header). Either way a column is kept as its distinct texts
and a code per row: a million-row service log repeats a few thousand values, and a string per
cell would take several times the file's size.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from ..sheets.cells import unguarded

CHUNK_ROWS = 50_000  # rows parsed at a time: their cells are strings only until coded


class Columns:
    """Columns gathered a chunk of rows at a time: each distinct text kept once, and a code per row."""

    def __init__(self, width: int) -> None:
        self.seen: list[dict[str, int]] = [{} for _ in range(width)]  # per column: text → code
        self.parts: list[list[np.ndarray]] = [[] for _ in range(width)]

    def add(self, index: int, values: Sequence[str]) -> None:
        local, uniques = pd.factorize(np.asarray(values, dtype=object))
        known = self.seen[index]
        codes = np.array([known.setdefault(u, len(known)) for u in uniques], dtype=np.int32)
        self.parts[index].append(codes[local])

    def columns(self) -> list[pd.Categorical]:
        """The columns, each cell read as it was before yizhan guarded it against formulas ('=… → =…)."""
        columns = []
        for parts, known in zip(self.parts, self.seen, strict=True):
            codes = np.concatenate(parts) if parts else np.zeros(0, np.int32)
            texts = list(known)
            if any(t.startswith("'") for t in texts):
                remap, uniques = pd.factorize(np.asarray([unguarded(t) for t in texts], dtype=object))
                codes, texts = remap.astype(np.int32)[codes], list(uniques)
            columns.append(pd.Categorical.from_codes(codes, categories=pd.Index(texts, dtype=object)))
        return columns


def fast_columns(
    data: bytes, encoding: str, sep: str, found: int, width: int
) -> tuple[list[pd.Categorical], np.ndarray] | None:
    """The columns and spreadsheet row numbers under the header (row `found`, 0-based) by pandas.

    None when the file is not one row a line or a row is wider than the header.
    """
    if not width:
        return None
    gathered, count = Columns(width), 0
    try:
        chunks = pd.read_csv(
            io.BytesIO(data),
            encoding="utf-8" if encoding == "utf-8-sig" else encoding,  # the C parser skips a BOM
            sep=sep,
            header=None,
            names=list(range(width)),
            skiprows=found + 1,
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
            chunksize=CHUNK_ROWS,
        )
        for chunk in chunks:
            for i in range(width):
                gathered.add(i, chunk[i].to_numpy(dtype=object))
            count += len(chunk)
    except (pd.errors.ParserError, ValueError):
        return None
    # Line feeds are single bytes in UTF-8 and GB18030 alike (never part of a longer character).
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines != found + 1 + count:  # a quoted line break: count rows the slow, exact way
        return None
    first = found + 2
    return gathered.columns(), np.arange(first, first + count, dtype=np.int64)


def exact_columns(
    data: bytes, encoding: str, sep: str, found: int, width: int
) -> tuple[list[list[str]], list[pd.Categorical], np.ndarray, dict[int, int]]:
    """By the csv module, record by record: the rows above the header, the columns, row numbers,
    and the count of filled cells right of the header in each row that has any."""
    records = csv.reader(_lines(data, encoding), delimiter=sep)
    above = list(itertools.islice(records, found))
    next(records, None)  # the header
    gathered, extra, number = Columns(width), {}, found + 2
    with _collector_paused():
        while chunk := list(itertools.islice(records, CHUNK_ROWS)):
            cells = list(itertools.zip_longest(*chunk, fillvalue=""))  # column by column, short rows padded
            cells += [("",) * len(chunk)] * (width - len(cells))
            for i in range(width):
                gathered.add(i, cells[i])
            if len(cells) > width:  # some row is wider than the header
                extra.update(_extra(chunk, width, number))
            number += len(chunk)
    return above, gathered.columns(), np.arange(found + 2, number, dtype=np.int64), extra


def _extra(chunk: Iterable[list[str]], width: int, first: int) -> Iterator[tuple[int, int]]:
    for number, row in enumerate(chunk, start=first):
        if len(row) > width and (count := sum(1 for c in row[width:] if c.strip())):
            yield number, count


def _lines(data: bytes, encoding: str) -> Iterator[str]:
    """The file's lines, decoded as they are read (line ends kept, as the csv module needs)."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    first = next(stream, "").removeprefix("\ufeff")
    return itertools.chain([first] if first else [], stream)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Rows are lists of strings (no cycles): the garbage collector would only scan them over and over."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
