"""Checks the machine before anything is rendered: a CJK font, HarfBuzz's subsetter, and how many
processes a build may use."""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
from dataclasses import dataclass, field

from ..feedback import messages
from ..feedback.errors import located
from ..feedback.report import ERROR, WARNING, Problem

CJK_FAMILY = "Noto Sans CJK SC"
INSTALL_FONT = "sudo apt-get install -y fonts-noto-cjk"
INSTALL_HB = "sudo apt-get install -y libharfbuzz-subset0"
# How many processes a build may keep busy (print workers, the second render process, threads that
# compress and check files): every core unless this says fewer, e.g. on a server whose other work
# (the workbench, a second county) must keep a core, or where several builds run at once.
JOBS = "YIZHAN_JOBS"


@dataclass
class EnvironmentReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def has_cjk_font(family: str = CJK_FAMILY) -> bool:
    """True when fontconfig knows a font of `family` that covers Chinese."""
    if not shutil.which("fc-list"):
        return False
    result = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=False)
    return any(family in line for line in result.stdout.splitlines())


def has_hb_subset() -> bool:
    """weasyprint subsets each PDF's fonts with this library (yizhan's own cuts use uharfbuzz's copy)."""
    return ctypes.util.find_library("harfbuzz-subset") is not None


def jobs_setting() -> tuple[str, int | None]:
    """`YIZHAN_JOBS` as written and as a number of processes (None when unset, empty or not a whole
    number of at least 1)."""
    written = os.environ.get(JOBS, "").strip()
    number = int(written) if written.isascii() and written.isdigit() else 0
    return written, (number or None)


def cores() -> int:
    """How many processes a build may use: `YIZHAN_JOBS` when it is a number, else every core."""
    return jobs_setting()[1] or os.cpu_count() or 1


def _line(code: str, severity: str, **values: object) -> str:
    problem, fix = messages.text(code, **values)
    return located(Problem(code, severity, None, problem, fix))


def check_environment() -> EnvironmentReport:
    report = EnvironmentReport()
    if not has_cjk_font():
        report.errors.append(_line("YZ-ENV-001", ERROR, family=CJK_FAMILY, command=INSTALL_FONT))
    if not has_hb_subset():
        report.warnings.append(_line("YZ-ENV-002", WARNING, command=INSTALL_HB))
    written, number = jobs_setting()
    if written and number is None:
        report.errors.append(_line("YZ-ENV-003", ERROR, name=JOBS, value=written, cores=os.cpu_count() or 1))
    return report
