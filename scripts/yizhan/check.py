"""Stage 6: scan everything published — personal data that must not be there, broken links.

The gate looks at the files themselves, so it catches a leak however it got there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .model import MASKED, PRIVATE, Model
from .rules import ID_CHECK, ID_WEIGHTS, MOBILE, normalize_phone

TEXT_SUFFIXES = {".html", ".htm", ".js", ".json", ".csv", ".txt", ".md", ".xml", ".svg", ".css"}
_ID_RUN = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_MOBILE_RUN = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
_LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""")


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what}"


@dataclass
class Secrets:
    """Values that must never appear in a published file, and public phones that may."""

    values: dict[str, str] = field(default_factory=dict)  # value → what it is (Chinese)
    public_phones: set[str] = field(default_factory=set)


def collect_secrets(model: Model) -> Secrets:
    """Every private value, and every masked value in full, from the datasets."""
    secrets = Secrets()
    for name, frame in model.tables.items():
        spec = model.specs[name]
        for column in spec.columns:
            if column.publication not in (PRIVATE, MASKED) or column.mask == "text":
                continue
            label = f"{spec.title}「{column.title}」"
            for value in frame[column.key].dropna().astype(str):
                value = value.strip()
                if len(value) >= 2:
                    secrets.values.setdefault(value, label)
    stations = model.tables.get("stations")
    if stations is not None:
        secrets.public_phones |= {normalize_phone(str(p)) for p in stations["manager_phone"]}
        # Managers' names are published on purpose; a recipient of the same name is not a leak.
        for public in stations["manager"].astype(str):
            secrets.values.pop(public, None)
    county = model.county
    for phone in (county.hotline, county.consult_phone, county.supervision_phone):
        secrets.public_phones.add(normalize_phone(phone))
    return secrets


def id_checksum_ok(candidate: str) -> bool:
    total = sum(int(d) * w for d, w in zip(candidate[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == candidate[17].upper()


def scan_text(rel: str, text: str, secrets: Secrets, names: re.Pattern[str] | None) -> list[Finding]:
    findings = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        for match in _ID_RUN.finditer(line):
            if id_checksum_ok(match.group(1)):
                findings.append(Finding(rel, lineno, f"疑似身份证号 {match.group(1)[:6]}…"))
        for match in _MOBILE_RUN.finditer(line):
            number = match.group(1)
            if number not in secrets.public_phones and MOBILE.match(number):
                label = secrets.values.get(number, "未公开的手机号")
                findings.append(Finding(rel, lineno, f"{label} {number[:3]}****{number[-4:]}"))
        if names is not None:
            for match in names.finditer(line):
                label = secrets.values[match.group(0)]
                findings.append(Finding(rel, lineno, f"{label}原文「{match.group(0)[0]}…」"))
    return findings


def names_pattern(secrets: Secrets) -> re.Pattern[str] | None:
    """Non-numeric secrets (names) as one alternation, longest first."""
    words = sorted((v for v in secrets.values if not v.isdigit() and len(v) >= 3), key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(map(re.escape, words)))


def privacy_gate(out: Path, secrets: Secrets) -> list[Finding]:
    names = names_pattern(secrets)
    findings: list[Finding] = []
    for path in sorted(out.rglob("*")):
        if path.suffix.lower() not in TEXT_SUFFIXES or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        findings.extend(scan_text(path.relative_to(out).as_posix(), text, secrets, names))
    return findings


def broken_links(site: Path) -> list[Finding]:
    """Relative href/src in HTML that point to no file."""
    findings = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for lineno, line in enumerate(text.splitlines(), start=1):
            for target in _LINK.findall(line):
                parts = urlsplit(target)
                if parts.scheme or parts.netloc or not parts.path:
                    continue
                base = site if parts.path.startswith("/") else page.parent
                resolved = (base / unquote(parts.path).lstrip("/")).resolve()
                if resolved.is_dir():
                    resolved = resolved / "index.html"
                if not resolved.exists():
                    findings.append(
                        Finding(page.relative_to(site).as_posix(), lineno, f"链接指向不存在的文件 {target}")
                    )
    return findings


def check_outputs(out: Path, model: Model) -> list[Finding]:
    findings = privacy_gate(out, collect_secrets(model))
    if (out / "site").exists():
        findings.extend(broken_links(out / "site"))
    return findings
