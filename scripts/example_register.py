"""示例县的申请受理登记：十二个月的低保、临时救助、特困供养申请，由 make_example_data.py 调用。

每月约 240 件；每件按政策的办理步骤和办结时限（工作日，按国家法定节假日和调休安排）推进到版次日期，
多数按时办结，少数逾期（卡在某一步）或不予受理。随机数种子固定，重复运行结果相同。
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from yizhan.rules.workdays import WorkCalendar

# Per policy: applications a month, working days for 村 / 乡镇 / 县 steps, and the 办结时限 (content/policies).
POLICIES = {"dibao": (110, 17, 5, 3, 30), "linshi": (90, 12, 3, 2, 20), "tekun": (40, 17, 5, 3, 30)}
HEADER = ["受理编号", "受理日期", "驿站编号", "政策编号", "申请人", "联系电话", "办理状态", "转报乡镇日期", "审核日期",
          "审批日期", "办结日期", "提交编号", "表格版本", "审核标记"]  # fmt: skip
STEPS = ("转报乡镇", "审核", "审批", "办结")
DATE_OF = {"转报乡镇": "转报乡镇日期", "审核": "审核日期", "审批": "审批日期", "办结": "办结日期"}


def _step_days(rng: random.Random, allowed: int, late: bool) -> int:
    """Working days a step takes: mostly within what it is allowed, now and then well over."""
    if late:  # most late steps a few days over; some stall for weeks
        return allowed + (rng.randint(3, 15) if rng.random() < 0.6 else rng.randint(20, 60))
    return rng.randint(max(0, allowed // 3), max(allowed, 1))


def application(
    rng: random.Random, received: date, policy: str, calendar: WorkCalendar, edition: date
) -> dict:
    """One application moved along its steps up to the edition date."""
    _, village, town, county, limit = POLICIES[policy]
    row = dict.fromkeys(HEADER, "") | {
        "受理日期": received.isoformat(),
        "政策编号": policy,
        "办理状态": "受理",
    }
    if rng.random() < 0.05:  # 材料不齐或明显不符合条件：当场或次日书面告知，不予受理
        refused = calendar.add(received, rng.randint(0, 1))
        if refused <= edition:
            row |= {"办理状态": "不予受理", "办结日期": refused.isoformat()}
        return row
    late_step = rng.choice(STEPS) if rng.random() < 0.08 else ""
    budget = {
        "转报乡镇": village,
        "审核": town,
        "审批": county,
        "办结": max(1, limit - village - town - county),
    }
    day = received
    for step in STEPS:
        day = calendar.add(day, _step_days(rng, budget[step], step == late_step))
        if day > edition:
            break
        row |= {"办理状态": step, DATE_OF[step]: day.isoformat()}
        if step == "审核" and rng.random() < 0.06:  # 审核后不符合条件
            row |= {"办理状态": "不予受理", "办结日期": day.isoformat()}
            break
    return row


def make_register(
    stations: list[dict[str, str]], months: list[tuple[int, int]], edition: date, people: object, seed: int
) -> list[dict[str, str]]:
    """Twelve months of applications at the village and township stations, numbered per month."""
    rng = random.Random(seed)
    calendar = WorkCalendar()
    codes = [s["驿站编号"] for s in stations if s["状态"] == "运行" and s["层级"] in ("乡镇", "村")]
    rows: list[dict[str, str]] = []
    for year, month in months:
        first = date(year, month, 1)
        last = min(date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1), edition)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        workdays = [d for d in days if calendar.is_workday(d)]
        batch = []
        for policy, (per_month, *_rest) in POLICIES.items():
            count = round(per_month * len(workdays) / 21 * rng.uniform(0.85, 1.15))
            for _ in range(count):
                row = application(rng, rng.choice(workdays), policy, calendar, edition)
                row |= {"驿站编号": rng.choice(codes), "申请人": people.name(), "联系电话": people.mobile()}  # type: ignore[attr-defined]
                batch.append(row)
        batch.sort(key=lambda r: (r["受理日期"], r["驿站编号"], r["政策编号"]))
        for number, row in enumerate(batch, start=1):
            row["受理编号"] = f"SQ{year}{month:02d}-{number:04d}"
        rows.extend(batch)
    return rows
