"""Progress of long work: a bar on a terminal, and a line every tenth of the way in logs (CI)."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any, TextIO

from ..feedback.messages import PROGRESS_LINE

STEPS = 10  # lines per run when the output is not a terminal


class Progress:
    """Counts done items of `total`; shows a tqdm bar on a TTY, else a Chinese line every ~10%."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label, self.total, self.done = label, total, 0
        self.stream = stream or sys.stderr
        self.bar: Any = None
        self.shown = 0  # tenths already reported
        if total and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="份", desc=label, file=self.stream, leave=False)

    def update(self, count: int) -> None:
        self.done += count
        if self.bar is not None:
            self.bar.update(count)
            return
        if not self.total:
            return
        tenth = self.done * STEPS // self.total
        if tenth > self.shown:
            self.shown = tenth
            percent = self.done * 100 // self.total
            line = PROGRESS_LINE.format(label=self.label, done=self.done, total=self.total, percent=percent)
            print(line, file=self.stream, flush=True)

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.bar is not None:
            self.bar.close()
