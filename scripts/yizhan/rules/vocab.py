"""The project's words: station levels, statuses, categories, publication classes, and what people type for them.

Every count, label, file name and check takes these from here. The data package's schemas hold the
same value lists as enum constraints (a test keeps the two equal); the aliases are what officers type
instead (村级, 正常, 低保), accepted and normalised with a note.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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

COUNTY = "县"  # the level above the townships, in a policy's procedure

# A policy's `where`: the level that decides its applications, and the stem of that service list's page.
DECIDED_BY_TOWNSHIP, DECIDED_BY_VILLAGE = "乡镇办理", "村级办理"
DECIDED_AT = {DECIDED_BY_TOWNSHIP: "township", DECIDED_BY_VILLAGE: "village"}
STEP_LEVELS = (VILLAGE, TOWNSHIP, COUNTY)  # who carries out one step of a policy's procedure

ACTIVE, CLOSED = "运行", "停用"
STATION_STATUSES = (ACTIVE, CLOSED)
WAITING, IN_PROGRESS, HANDLED = "待办", "办理中", "已办结"
FEEDBACK_STATUSES = (WAITING, IN_PROGRESS, HANDLED)
# An opinion whose latest 回访 is 不满意 with 再次办理 是: shown so and not counted as closed (yizhan decides it).
REOPENED = "重新办理"
NOT_STARTED, BUILDING, BUILT = "未开工", "在建", "已完工"
PROJECT_STATUSES = (NOT_STARTED, BUILDING, BUILT)
# 回访结果 of an opinion: the first two count as satisfied in 回访满意率; an opinion not yet revisited.
SATISFIED = ("满意", "基本满意")
NOT_REVISITED = "未回访"
REVISIT_RESULTS = (*SATISFIED, "不满意", NOT_REVISITED)
FEEDBACK_CATEGORIES = ("资金类", "建设类", "保险类", "其他")
RECIPIENT_CATEGORIES = ("城乡低保", "特困供养", "临时救助")
# 申请受理登记: the steps of 限时办结, in order, and how an application may end.
RECEIVED, FORWARDED, REVIEWED, APPROVED, DONE, REFUSED = (
    "受理",
    "转报乡镇",
    "审核",
    "审批",
    "办结",
    "不予受理",
)
APPLICATION_STATUSES = (RECEIVED, FORWARDED, REVIEWED, APPROVED, DONE, REFUSED)
# 问题整改台账 (挂账销号): the three kinds of problem, and how far an item's 整改 has come.
FROM_ABOVE, FOUND_ON_CHECK, FROM_RESIDENTS = "省市反馈", "排查发现", "群众反映"
PROBLEM_SOURCES = (FROM_ABOVE, FOUND_ON_CHECK, FROM_RESIDENTS)
TO_RECTIFY, RECTIFYING, WRITTEN_OFF = "待整改", "整改中", "已销号"
PROBLEM_STATUSES = (TO_RECTIFY, RECTIFYING, WRITTEN_OFF)
# Where a month's recipient notice stands on the edition date (yizhan decides it, nobody types it).
ON_NOTICE, ARCHIVED, EXPIRED, NOT_YET = "公示中", "已归档", "已撤下", "未发布"
NOTICE_STATUSES = (ON_NOTICE, ARCHIVED, EXPIRED, NOT_YET)
# Dates that must not come before another date of the same record: dataset → (earlier, later) keys.
DATE_ORDER = {
    "feedback": (("date", "closed_date"),),
    "applications": (("received_date", "forwarded_date"), ("forwarded_date", "reviewed_date"),
                     ("reviewed_date", "approved_date"), ("received_date", "closed_date")),
    "problems": (("found_date", "deadline"), ("found_date", "closed_date")),
}  # fmt: skip
# Register columns the import fills itself (from the policy that lists the form, and the first status).
REGISTER_FILLED = ("policy_id", "status")

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
    "problem_source": {"省市反馈的": FROM_ABOVE, "上级反馈": FROM_ABOVE, "排查发现的": FOUND_ON_CHECK, "排查": FOUND_ON_CHECK,
                       "群众反映的": FROM_RESIDENTS, "群众反馈": FROM_RESIDENTS},
    "problem_status": {"未整改": TO_RECTIFY, "正在整改": RECTIFYING, "销号": WRITTEN_OFF, "已销号的": WRITTEN_OFF},
}  # fmt: skip


def tier_of(level: str) -> str:
    """乡镇, 村 or 组 for any level word, urban ones included (街道 → 乡镇)."""
    return URBAN_LEVELS.get(level, level)


def station_kind(level: str) -> str:
    return STATION_KINDS.get(level, f"{level}民生驿站")


def _both(words: list[str]) -> str:
    """乡镇, or 乡镇（街道） for a county that has both kinds of place."""
    return words[0] + "".join(f"（{w}）" for w in words[1:])


def _tier_levels(levels: Iterable[str]) -> dict[str, list[str]]:
    """The level words a county uses for each tier, rural words first: {乡镇: [乡镇, 街道], …}."""
    used = set(levels)
    found = {tier: [w for w in LEVELS if w in used and tier_of(w) == tier] for tier in TIERS}
    return {tier: words or [tier] for tier, words in found.items()}


def tier_words(levels: Iterable[str]) -> dict[str, str]:
    """The word for each tier: {乡镇: 街道} for an urban district, {乡镇: 乡镇（街道）} for a county with both."""
    return {tier: _both(words) for tier, words in _tier_levels(levels).items()}


# What running text calls a place, when it differs from the level word (每个村民组).
PLACE_NOUNS = {GROUP: "村民组"}
NOTICE_BOARDS = {VILLAGE: "村务公开栏", "社区": "居务公开栏"}
GOVERNMENTS = {TOWNSHIP: "乡镇人民政府", "街道": "街道办事处"}  # whom a township-level place answers to
COUNTY_WORDS = ("县", "区", "市", "旗")  # 全县 / 全区 …: the last character of the county's name


@dataclass(frozen=True)
class PlaceWords:
    """How pages name the county and its places: 乡镇/村/组, or 街道/社区/网格 in an urban district."""

    township: str = TOWNSHIP
    village: str = VILLAGE
    group: str = GROUP
    group_noun: str = "村民组"
    government: str = "乡镇人民政府"
    notice_board: str = "村务公开栏"
    county: str = "县"

    def of(self, level: str) -> str:
        """This county's word for a tier (乡镇, 村 or 组) or 县, e.g. in a policy's accept_at or steps."""
        words = {TOWNSHIP: self.township, VILLAGE: self.village, GROUP: self.group, COUNTY: self.county}
        return words.get(level, level)

    def decided(self, where: str) -> str:
        """A policy's `where` in this county's words: 乡镇办理 → 街道办理, 村级办理 → 社区级办理."""
        return {DECIDED_BY_TOWNSHIP: f"{self.township}办理", DECIDED_BY_VILLAGE: f"{self.village}级办理"}.get(
            where, where
        )

    def step(self, status: str) -> str:
        """An application status in this county's words: 转报乡镇 → 转报街道 (the register keeps 转报乡镇)."""
        return f"转报{self.township}" if status == FORWARDED else status


def government_of(township: str) -> str:
    """Whom a named township answers to: 城关镇人民政府, 城关街道办事处."""
    return township + ("办事处" if township.endswith("街道") else "人民政府")


def place_words(levels: Iterable[str], county_name: str = "") -> PlaceWords:
    """The words of a county whose stations have `levels` (the 层级 column)."""
    tiers = _tier_levels(levels)
    last = county_name[-1:]
    return PlaceWords(
        township=_both(tiers[TOWNSHIP]),
        village=_both(tiers[VILLAGE]),
        group=_both(tiers[GROUP]),
        group_noun=_both([PLACE_NOUNS.get(w, w) for w in tiers[GROUP]]),
        government="或".join(GOVERNMENTS.get(w, f"{w}人民政府") for w in tiers[TOWNSHIP]),
        notice_board=_both([NOTICE_BOARDS.get(w, f"{w}务公开栏") for w in tiers[VILLAGE]]),
        county=last if last in COUNTY_WORDS else "县",
    )


def canonical(kind: str, value: str) -> str:
    """The expected word for `value` in a column of `kind`: aliases resolved, other values unchanged."""
    return ALIASES.get(kind, {}).get(value.strip(), value)
