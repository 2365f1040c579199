"""Validation of a large service log (服务台账): wall time and peak memory of `load` + `validate`.

Run alone (`PYTHONPATH=scripts python -m benchmarks.intake --rows 1000000`) so the peak memory is
this measurement's own; `python -m benchmarks` runs it in a child process and prints its table.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from yizhan.buildkit.paths import tool_root

LOG = "服务台账.csv"
DEFAULT_ROWS = 1_000_000
GOAL = "目标 ≤ 10 秒、≤ 500 MB（2 核）"


def make_log(folder: Path, rows: int) -> int:
    """Repeat the example county's service log until it has `rows` data rows; returns its size in bytes."""
    path = folder / LOG
    lines = path.read_bytes().decode("utf-8-sig").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write(header)
        written = 0
        while written < rows:
            chunk = body[: rows - written]
            out.writelines(chunk)
            written += len(chunk)
    return path.stat().st_size


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(rows: int) -> tuple[float, float, float, int, int]:
    """(seconds, CPU seconds, peak MB, problems, bytes) of load + validate with a `rows`-row log.

    CPU seconds say more than wall time on a machine shared with others.
    """
    from yizhan.load import load
    from yizhan.validate import validate

    with tempfile.TemporaryDirectory(prefix="yizhan-intake-") as tmp:
        root = Path(tmp)
        for name in ("content", "forms", "datasets"):
            shutil.copytree(tool_root() / name, root / name)
        size = make_log(root / "datasets", rows)
        reset_peak()
        start, cpu = time.perf_counter(), cpu_seconds()
        report = validate(load(root))
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    return seconds, cpu, peak_mb(), len(report.problems), size


def reset_peak() -> None:
    """Forget the peak memory so far: a process started from the big benchmark process begins with
    that process's pages counted as its own (Linux keeps the mark across fork and exec)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    """Peak resident memory since reset_peak(), in MB (VmHWM), or since start where /proc has none."""
    with contextlib.suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text().splitlines()
        return int(next(line for line in status if line.startswith("VmHWM:")).split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table(rows: int) -> str:
    """The measurement, run in a fresh process, as a markdown table."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.intake", "--rows", str(rows)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    if done.returncode != 0:
        return f"服务台账检查基准运行失败：\n```\n{done.stderr[-2000:]}\n```"
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.intake", description="大表格检查基准")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="服务台账的行数")
    args = parser.parse_args(argv)
    seconds, cpu, peak, problems, size = measure(args.rows)
    print("| 大表格检查 | 用时（秒） | 峰值内存（MB） | 说明 |\n|---|---:|---:|---|")
    print(
        f"| 读取并检查 {args.rows:,} 行服务台账 | {seconds:.2f} | {peak:.0f} | "
        f"{size / 2**20:.0f} MB，{problems} 条问题；CPU {cpu:.2f} 秒，{os.cpu_count()} 核；{GOAL} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
