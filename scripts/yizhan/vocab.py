"""The project's words: station levels, statuses, categories, publication classes, and what people type for them.

Every count, label, file name and check takes these from here. The data package's schemas hold the
same value lists as enum constraints (a test keeps the two equal); the aliases are what officers type
instead (村级, 正常, 低保), accepted and normalised with a note.
"""

from __future__ import annotations

from collections.abc import Iterable

PUBLIC, MASKED, PRIVATE = "public", "masked", "private"
PUBLICATIONS = (PUBLIC, MASKED, PRIVATE)

# The three tiers of stations, and the words urban counties use for them.
TOWNSHIP, VILLAGE, GROUP = "乡镇", "村", "组"
TIERS = (TOWNSHIP, VILLAGE, GROUP)
URBAN_LEVELS = {"街道": TOWNSHIP, "社区": VILLAGE, "网格": GROUP}
LEVELS = (*TIERS, *URBAN_LEVELS)  # every word the 层级 column may hold
# How a poster or service list names a station of each level.
STATION_KINDS = {
    TOWNSHIP: "乡镇民生驿站",
    VILLAGE: "村（社区）民生驿站",
    GROUP: "村民组民生驿站",
    "街道": "街道民生驿站",
    "社区": "社区民生驿站",
    "网格": "网格民生驿站",
}

ACTIVE, CLOSED = "运行", "停用"
STATION_STATUSES = (ACTIVE, CLOSED)
FEEDBACK_STATUSES = ("待办", "办理中", "已办结")
PROJECT_STATUSES = ("未开工", "在建", "已完工")
FEEDBACK_CATEGORIES = ("资金类", "建设类", "保险类", "其他")
RECIPIENT_CATEGORIES = ("城乡低保", "特困供养", "临时救助")

# What people type → the word the data package expects, per kind of column (schema field "vocab").
ALIASES: dict[str, dict[str, str]] = {
    "level": {
        "乡镇级": TOWNSHIP, "镇": TOWNSHIP, "乡": TOWNSHIP, "镇级": TOWNSHIP, "乡级": TOWNSHIP,
        "村级": VILLAGE, "行政村": VILLAGE, "村委会": VILLAGE,
        "组级": GROUP, "村民组": GROUP, "村民小组": GROUP, "小组": GROUP,
        "街道级": "街道", "社区级": "社区", "居委会": "社区", "网格级": "网格",
    },
    "station_status": {"正常": ACTIVE, "运营": ACTIVE, "在用": ACTIVE, "开放": ACTIVE, "关闭": CLOSED, "暂停": CLOSED},
    "feedback_status": {"待办理": "待办", "未办理": "待办", "处理中": "办理中", "办结": "已办结", "已完成": "已办结"},
    "project_status": {"未动工": "未开工", "施工中": "在建", "建设中": "在建", "完工": "已完工", "已竣工": "已完工"},
    "recipient_category": {"低保": "城乡低保", "农村低保": "城乡低保", "城市低保": "城乡低保", "特困": "特困供养"},
    "feedback_category": {"资金": "资金类", "建设": "建设类", "保险": "保险类"},
}  # fmt: skip


def tier_of(level: str) -> str:
    """乡镇, 村 or 组 for any level word, urban ones included (街道 → 乡镇)."""
    return URBAN_LEVELS.get(level, level)


def station_kind(level: str) -> str:
    return STATION_KINDS.get(level, f"{level}民生驿站")


def tier_words(levels: Iterable[str]) -> dict[str, str]:
    """The word a county uses for each tier (the first it writes), e.g. {乡镇: 街道} for an urban county."""
    words = {tier: tier for tier in TIERS}
    seen: set[str] = set()
    for level in levels:
        tier = tier_of(level)
        if tier in words and tier not in seen:
            words[tier] = level
            seen.add(tier)
    return words


def canonical(kind: str, value: str) -> str:
    """The expected word for `value` in a column of `kind`: aliases resolved, other values unchanged."""
    return ALIASES.get(kind, {}).get(value.strip(), value)
