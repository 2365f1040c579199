"""Uploads checked and merged in the background, one after another, so the upload page answers at once.

The upload's own row in the store says how far it has come (`stage` in its result while it runs,
the outcome's message code when it is finished); the result page reads that row, so a user only
has to reload it. One worker thread per workbench: merges replace whole tables, so they run in
turn anyway, and the web server's own threads stay free for every other user's pages.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

QUEUED, CHECKING, MERGING = "queued", "checking", "merging"
STAGES = (QUEUED, CHECKING, MERGING)

log = logging.getLogger(__name__)


class Jobs:
    """A first-come, first-served queue of upload numbers and the one thread that works through it."""

    def __init__(self, failed: Callable[[int, BaseException], None]) -> None:
        self._failed = failed  # records on the upload's row that its job broke off
        self._queue: queue.Queue[tuple[int, Callable[[], object]]] = queue.Queue()
        self._waiting: list[int] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, number: int, task: Callable[[], object]) -> None:
        """Run `task` for upload `number` after every job submitted before it."""
        with self._lock:
            self._waiting.append(number)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, daemon=True, name="workbench-uploads")
                self._thread.start()
        self._queue.put((number, task))

    def ahead(self, number: int) -> int | None:
        """How many uploads wait before `number`; None when it is not waiting (running or finished)."""
        with self._lock:
            return self._waiting.index(number) if number in self._waiting else None

    def idle(self) -> bool:
        """Nothing waiting and nothing running."""
        with self._lock:
            return not self._waiting and self._queue.unfinished_tasks == 0

    def _work(self) -> None:
        while True:
            number, task = self._queue.get()
            with self._lock:
                self._waiting.remove(number)
            try:
                task()
            except Exception as error:  # the row must end finished, whatever happened
                log.exception("upload %s", number)
                self._failed(number, error)
            finally:
                self._queue.task_done()
