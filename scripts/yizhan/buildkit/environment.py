"""Checks the machine before anything is rendered: a CJK font, and HarfBuzz's subsetter."""

from __future__ import annotations

import ctypes.util
import shutil
import subprocess
from dataclasses import dataclass, field

from ..feedback import messages
from ..feedback.errors import located
from ..feedback.report import ERROR, WARNING, Problem

CJK_FAMILY = "Noto Sans CJK SC"
INSTALL_FONT = "sudo apt-get install -y fonts-noto-cjk"
INSTALL_HB = "sudo apt-get install -y libharfbuzz-subset0"


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


def _line(code: str, severity: str, **values: object) -> str:
    problem, fix = messages.text(code, **values)
    return located(Problem(code, severity, None, problem, fix))


def check_environment() -> EnvironmentReport:
    report = EnvironmentReport()
    if not has_cjk_font():
        report.errors.append(_line("YZ-ENV-001", ERROR, family=CJK_FAMILY, command=INSTALL_FONT))
    if not has_hb_subset():
        report.warnings.append(_line("YZ-ENV-002", WARNING, command=INSTALL_HB))
    return report
