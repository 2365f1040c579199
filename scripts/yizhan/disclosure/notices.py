"""救助对象公示: the masked recipient lists grouped per edition, township, village, category and notice type."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..rules.ids import place_slug
from ..rules.vocab import NOT_YET, ON_NOTICE, RECIPIENT_CATEGORIES, TOWNSHIP, VILLAGE, tier_of
from ..rules.workdays import WorkCalendar
from .lifecycle import Edition, editions

CATEGORIES = dict(zip(RECIPIENT_CATEGORIES, ("dibao", "tekun", "linshi"), strict=True))  # slugs in paths
NOTICE_TYPES = {"初审公示": "chushen", "审批结果": "shenpi", "终止名单": "zhongzhi"}


@dataclass
class Section:
    """One list on a notice: a category and a notice type, with its masked rows."""

    category: str
    notice_type: str
    rows: list[dict[str, Any]]

    @property
    def slug(self) -> str:
        return f"{CATEGORIES[self.category]}-{NOTICE_TYPES[self.notice_type]}"

    @property
    def amount(self) -> float:
        return round(sum(r["amount"] for r in self.rows), 2)


@dataclass
class VillageNotice:
    township: str
    village: str
    slug: str  # the village station's id, used in paths
    sections: list[Section]
    manager: str = ""
    manager_phone: str = ""

    @property
    def households(self) -> int:
        return sum(len(s.rows) for s in self.sections)


@dataclass
class TownshipNotice:
    township: str
    slug: str
    villages: list[VillageNotice]

    @property
    def households(self) -> int:
        return sum(v.households for v in self.villages)


@dataclass
class EditionNotices:
    """Everything published for one batch."""

    edition: Edition
    townships: list[TownshipNotice]
    sections: list[Section]  # county-wide lists per category and notice type

    @property
    def current(self) -> bool:
        return self.edition.status == ON_NOTICE

    @property
    def households(self) -> int:
        return sum(t.households for t in self.townships)


@dataclass
class NoticeBook:
    """All editions in the lifecycle: the ones on the site, and the ones that left it."""

    on_site: list[EditionNotices]
    withdrawn: list[Edition] = field(default_factory=list)

    @property
    def current(self) -> EditionNotices | None:
        return next((e for e in self.on_site if e.current), None)


def row_of(item: dict[str, Any]) -> dict[str, Any]:
    """The published columns of one recipient (already masked by derive)."""
    reason = item.get("reason")
    return {
        "name": item["name"],
        "township": item["township"],
        "village": item["village"],
        "household_size": int(item["household_size"]),
        "amount": float(item["amount"]),
        "category": item["category"],
        "notice_type": item["notice_type"],
        "reason": reason if isinstance(reason, str) else "",
        "start_date": item["start_date"].date() if pd.notna(item["start_date"]) else None,
    }


def sections_of(rows: list[dict[str, Any]]) -> list[Section]:
    """Lists in the fixed order 城乡低保, 特困供养, 临时救助 × 初审公示, 审批结果, 终止名单."""
    found = []
    for category in CATEGORIES:
        for notice_type in NOTICE_TYPES:
            part = [r for r in rows if r["category"] == category and r["notice_type"] == notice_type]
            if part:
                found.append(Section(category, notice_type, part))
    return found


def grouped(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    """Rows by the value of `key`, keys sorted, row order kept inside each group."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return dict(sorted(groups.items()))


def place_slugs(stations: pd.DataFrame) -> tuple[dict[str, str], dict[tuple[str, str], dict[str, str]]]:
    """Township → station id; (township, village) → id, manager and phone of the village station."""
    townships: dict[str, str] = {}
    villages: dict[tuple[str, str], dict[str, str]] = {}
    for item in stations.to_dict("records"):
        if tier_of(item["level"]) == TOWNSHIP:
            townships.setdefault(item["township"], item["station_id"])
        elif tier_of(item["level"]) == VILLAGE:
            villages.setdefault(
                (item["township"], item["village"]),
                {"slug": item["station_id"], "manager": item["manager"], "phone": item["manager_phone"]},
            )
    return townships, villages


def notice_book(
    recipients: pd.DataFrame,
    stations: pd.DataFrame,
    day: dt.date,
    days: int,
    retention: int,
    workdays: WorkCalendar | None = None,
) -> NoticeBook:
    """Group the masked recipient view into editions as the lifecycle decides."""
    town_slugs, village_info = place_slugs(stations)
    rows = [row_of(item) | {"batch": item["batch"]} for item in recipients.to_dict("records")]
    by_batch = grouped(rows, "batch")
    book = NoticeBook([])
    for edition in editions(list(by_batch), day, days, retention, workdays):
        if not edition.on_site:
            if edition.status != NOT_YET:
                book.withdrawn.append(edition)
            continue
        batch = by_batch[edition.batch]
        townships = []
        for township, group in grouped(batch, "township").items():
            villages = []
            for village, village_rows in grouped(group, "village").items():
                info = village_info.get((township, village), {})
                villages.append(
                    VillageNotice(
                        township,
                        village,
                        info.get("slug") or place_slug(f"{township}/{village}"),
                        sections_of(village_rows),
                        info.get("manager", ""),
                        info.get("phone", ""),
                    )
                )
            townships.append(
                TownshipNotice(township, town_slugs.get(township) or place_slug(township), villages)
            )
        book.on_site.append(EditionNotices(edition, townships, sections_of(batch)))
    return book
