"""Print batches on a Dask cluster: `yizhan build --scheduler ADDRESS` (optional extra `dask`).

The print stage takes any concurrent.futures.Executor; this one sends each batch to the cluster's
workers, which need the same yizhan, fonts and weasyprint as this machine (one container image).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Executor

from ..feedback.errors import EXIT_USAGE, Failure

CONNECT_TIMEOUT = "20s"


class ClusterError(Failure):
    """The cluster cannot be used; the message says why and what to do."""

    prefix = "YZ-PRINT-"
    exit_code = EXIT_USAGE


def _failure(code: str, **values: object) -> ClusterError:
    return ClusterError(code, None, **values)


@contextlib.contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """An executor on the Dask scheduler at `address`, closed when the block ends."""
    try:
        from distributed import Client
    except ImportError:
        raise _failure("YZ-PRINT-004") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise _failure("YZ-PRINT-005", address=address, detail=type(error).__name__) from None
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
