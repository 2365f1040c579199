"""What must never be published (private values, masked values in full) and what a finding of one is."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property

from ..model.project import Model
from ..rules.numbers import canonical_id, find_numbers, normalize_phone
from ..rules.vocab import MASKED, PRIVATE

CANONICAL = {"phone": normalize_phone, "id_number": canonical_id}  # how a secret is spelled for look-ups
UNLISTED = {"mobile": "未公开的手机号", "landline": "未公开的固定电话"}


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    what: str
    place: str = ""  # where inside the file when a line number is not enough (PDF page, XLSX cell)

    def __str__(self) -> str:
        where = f"（{self.place}）" if self.place else ""
        return f"{self.file}:{self.line}{where}: {self.what}"


@dataclass
class Secrets:
    """Values that must never appear in a published file, and public phones that may."""

    values: dict[str, str] = field(default_factory=dict)  # value → what it is (Chinese)
    public_phones: set[str] = field(default_factory=set)
    relied_on: set[str] | None = None  # when a set: the public phones a scan let through are noted in it

    def is_public(self, number: str) -> bool:
        if number not in self.public_phones:
            return False
        if self.relied_on is not None:
            self.relied_on.add(number)
        return True

    @cached_property
    def short_names(self) -> set[str]:
        """Two-character secrets that are not numbers: 张明 style names."""
        return {v for v in self.values if len(v) == 2 and not v.isdigit()}


def collect_secrets(model: Model) -> Secrets:
    """Every private value, and every masked value in full, from the datasets."""
    secrets = Secrets()
    for name, frame in model.tables.items():
        spec = model.specs[name]
        for column in spec.columns:
            if column.publication not in (PRIVATE, MASKED) or column.mask == "text":
                continue
            label = f"{spec.title}「{column.title}」"
            spelled = CANONICAL.get(column.check or "", str.strip)
            for value in frame[column.key].dropna().astype(str):
                value = spelled(value)
                if len(value) >= 2:
                    secrets.values.setdefault(value, label)
    stations = model.tables.get("stations")
    if stations is not None:
        secrets.public_phones |= {normalize_phone(str(p)) for p in stations["manager_phone"]}
        # Managers' names are published on purpose; a recipient of the same name is not a leak.
        for public in stations["manager"].astype(str):
            secrets.values.pop(public, None)
    for official in model.county.public_officials:  # 责任人 the county publishes on purpose
        secrets.values.pop(official, None)
    secrets.public_phones |= authored_phones(model)
    return secrets


def authored_phones(model: Model) -> set[str]:
    """Phone numbers the bureau publishes on purpose: in the county settings, the policies and the pages."""
    texts = [*model.pages.values()]
    texts += [str(v) for v in dataclasses.asdict(model.county).values()]
    for policy in model.policies:
        texts += [str(v) for v in dataclasses.asdict(policy).values()]
    return {found.number for text in texts for found in find_numbers(text) if found.kind in UNLISTED}
