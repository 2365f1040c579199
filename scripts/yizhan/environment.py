"""Checks the machine before anything is rendered: a CJK font, and HarfBuzz's subsetter."""

from __future__ import annotations

import ctypes.util
import shutil
import subprocess
from dataclasses import dataclass, field

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


def check_environment() -> EnvironmentReport:
    report = EnvironmentReport()
    if not has_cjk_font():
        report.errors.append(
            f"没有找到中文字体「{CJK_FAMILY}」，生成的 PDF 会全是方框，因此停止。请先安装字体：{INSTALL_FONT}"
        )
    if not has_hb_subset():
        report.warnings.append(
            "没有找到 HarfBuzz 字体子集库（libharfbuzz-subset0），"
            f"PDF 仍能生成，但会慢20—40倍。建议安装：{INSTALL_HB}"
        )
    return report
