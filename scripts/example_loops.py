"""示例县的走访记录、回访记录、民生工程监督和问题整改台账，由 make_example_data.py 调用。

四张表读已生成的驿站名录、救助对象、民生工程项目、意见建议和申请受理登记，用自己的随机数流生成，
所以其他表逐字节不变。人名、住址都是虚构的；责任人是虚构的县、乡镇干部，其中几位列在
content/county.yml 的 public_officials 中。
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from yizhan.rules.workdays import WorkCalendar

VISIT_HEADER = ["走访日期", "驿站编号", "户主姓名", "家庭住址", "对象类别（可多选）", "在家人数", "生活状况",
                "是否有需要帮助解决的问题", "需要帮助的方面（可多选）", "问题的具体情况", "处理方式", "转办编号",
                "问题编号", "宣传讲解的政策", "提交编号", "表格版本", "审核标记"]  # fmt: skip
REVISIT_HEADER = ["回访日期", "驿站编号", "回访事项", "意见建议登记编号", "被回访人", "回访方式", "满意程度",
                  "不满意的原因和群众诉求", "是否需要再次办理", "提交编号", "表格版本", "审核标记"]  # fmt: skip
INSPECTION_HEADER = ["监督日期", "项目编号", "项目名称", "项目所处阶段", "项目公示牌是否按规定张贴",
                     "施工质量、进度是否正常", "发现的问题（可多选）", "问题描述", "问题报送至", "问题编号",
                     "现场听取群众意见（人次）", "现场照片（张）", "提交编号", "表格版本", "审核标记"]  # fmt: skip
PROBLEM_HEADER = ["问题编号", "来源", "发现日期", "所属乡镇", "驿站编号", "问题描述", "责任单位", "责任人", "整改措施",
                  "整改时限", "销号日期", "状态", "提交编号", "表格版本", "审核标记"]  # fmt: skip

SEP = "；"
PERSON_TYPES = {"低保对象": 30, "特困人员": 10, "低保边缘家庭": 10, "留守老人": 25, "留守儿童": 10, "残疾人": 12,
                "其他困难群众": 10}  # fmt: skip
HOME_SIZE = {"特困人员": (1, 1), "留守老人": (1, 2), "留守儿童": (2, 4)}
NEEDS = {"生活救助": 30, "医疗": 25, "住房安全": 15, "子女上学": 8, "照料护理": 15, "就业": 5, "其他": 2}
NEED_DETAILS = {
    "生活救助": ["家庭收入下降，生活比较困难，想了解低保申请", "主要劳动力外出受伤，近期没有收入"],
    "医疗": ["老人慢性病长期服药，医药费负担较重", "家中有人住院，自付费用较高"],
    "住房安全": ["房屋墙体出现裂缝，雨天漏水", "屋内电线老化，存在用电安全隐患"],
    "子女上学": ["孩子上学路远，想了解教育救助", "子女学费负担重"],
    "照料护理": ["独居老人行动不便，需要定期上门照料", "失能老人子女不在身边，缺少照护"],
    "就业": ["家中有劳动力，希望介绍公益性岗位"],
    "其他": ["希望驿站帮助咨询法律援助"],
}
ACTIONS = {"当场解答": 30, "驿站代办": 30, "上报乡镇": 30, "转相关部门": 10}
POLICIES_TOLD = ["城乡低保", "临时救助", "特困供养", "高龄津贴", "残疾人两项补贴", "医疗救助", "医保代缴",
                 "养老保险代缴", "农房保险", "危房改造", "留守老人关爱", "农村留守儿童关爱服务", "居家养老服务补贴"]  # fmt: skip
UNHAPPY = ["办理时间太长，希望以后快一些", "问题只解决了一部分，还有遗留", "没有当面说明处理结果",
           "整改后同样的问题又出现了"]  # fmt: skip
FINDINGS = {
    "进度滞后": "施工进度明显慢于计划，现场施工人员较少",
    "质量问题": "部分墙面抹灰开裂，需返工处理",
    "安全隐患": "施工现场未设置安全围挡，临边无防护",
    "资金公示不到位": "项目资金使用情况未在村务公开栏公示",
    "群众有意见": "周边群众对施工占道、噪声有意见",
    "其他": "施工材料堆放杂乱，影响通行",
}
PROBLEM_MEASURES = {
    "进度滞后": "已约谈施工单位，增加施工人员，按周报送进度",
    "质量问题": "已责令施工方返工，复查合格",
    "安全隐患": "已补设安全围挡和警示标志",
    "资金公示不到位": "已在村务公开栏补充公示项目资金",
    "群众有意见": "已召开群众座谈会说明情况，调整施工时间",
    "其他": "已督促施工方清理现场，规范材料堆放",
    "生活救助": "已协助申请临时救助并纳入动态监测",
    "医疗": "已协助申请医疗救助，落实医保代缴",
    "住房安全": "已安排电工和施工队入户维修，消除隐患",
    "子女上学": "已对接学校落实教育救助",
    "照料护理": "已安排网格员每周上门探访，落实居家养老服务",
    "就业": "已推荐公益性岗位",
}
ABOVE = [("市级督查发现{t}部分驿站公示栏政策信息未及时更新", "已更新全部驿站公示栏，建立每月核查制度"),
         ("省级抽查发现{t}部分低保对象动态管理台账不完整", "已逐户补齐台账，开展动态复核"),
         ("市级暗访发现{t}个别驿站服务日无人值守", "已调整值守安排，服务日公示值班人员电话"),
         ("省级反馈{t}部分临时救助审批超过时限", "已梳理在办件，明确每一步时限并每周督办"),
         ("市级督查发现{t}民生工程项目公示牌信息不全", "已补全公示牌信息并拍照存档")]  # fmt: skip
FROM_RESIDENTS = [("群众反映{v}村道路灯损坏，夜间出行不便", "已更换路灯并检查线路"),
                  ("群众反映{v}饮水管道破裂，影响正常用水", "已协调水务站抢修，恢复供水"),
                  ("群众反映{v}低保评议过程不够公开", "已重新召开评议会并公示结果"),
                  ("群众反映{v}驿站服务日经常找不到人", "已公示值班表和联系电话"),
                  ("群众反映{v}危房改造补助迟迟未到户", "已核实并拨付补助资金"),
                  ("群众反映{v}留守老人家中无人照看", "已安排网格员定期上门探访")]  # fmt: skip
# 县级责任单位及其责任人（其姓名列在 county.yml 的 public_officials 中）
COUNTY_UNITS = {"县民政局": "程立新", "县住建局": "邵文涛", "县民政局社会救助股": "韦佳宁"}
# 这几个乡镇的分管领导姓名公开（同样列在 public_officials 中）；其他乡镇的责任人不公开
PUBLIC_TOWN_HEADS = {"城关镇": "齐振华", "青溪镇": "葛明远", "枫林镇": "柯雨晴"}


def _choose(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _month_days(year: int, month: int, edition: date) -> list[date]:
    first = date(year, month, 1)
    last = min(date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1), edition)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


class Loops:
    """The four tables, built together so that their references agree."""

    def __init__(self, tables: dict[str, list[dict[str, str]]], months: list[tuple[int, int]], edition: date,
                 people: object, seed: int) -> None:  # fmt: skip
        self.rng = random.Random(seed)
        self.people = people
        self.months, self.edition = months, edition
        self.calendar = WorkCalendar()
        self.stations = tables["驿站名录.csv"]
        self.town_station = {s["所属乡镇"]: s["驿站编号"] for s in self.stations if s["层级"] == "乡镇"}
        self.village_station = {
            (s["所属乡镇"], s["所属村"]): s["驿站编号"] for s in self.stations if s["层级"] == "村"
        }
        self.groups: dict[str, list[str]] = defaultdict(list)
        for s in self.stations:
            if s["层级"] == "组":
                self.groups[self.village_station[(s["所属乡镇"], s["所属村"])]].append(s["所属组"])
        self.town_of = {s["驿站编号"]: s["所属乡镇"] for s in self.stations}
        self.village_of = {s["驿站编号"]: s["所属村"] for s in self.stations}
        self.tables = tables
        self.problems: list[dict[str, str]] = []
        self.officials: dict[str, list[str]] = {}

    # --- 问题整改台账 -------------------------------------------------------------------------------

    def official(self, town: str) -> str:
        """The township's own two responsible officials (invented), one of them public in three towns."""
        if town not in self.officials:
            names = [self.people.name(), self.people.name()]  # type: ignore[attr-defined]
            if town in PUBLIC_TOWN_HEADS:
                names[0] = PUBLIC_TOWN_HEADS[town]
            self.officials[town] = names
        return self.rng.choice(self.officials[town])

    def problem(self, source: str, found: date, town: str, station: str, summary: str, unit: str,
                measures: str) -> dict[str, str]:  # fmt: skip
        """One 问题 item; its status on the edition date follows from how long 整改 takes."""
        rng = self.rng
        responsible = COUNTY_UNITS.get(unit) or self.official(town)
        deadline = found + timedelta(days=rng.randint(10, 30))
        allowed = (deadline - found).days
        took = rng.randint(3, allowed) if rng.random() < 0.9 else allowed + rng.randint(1, 12)
        closed = found + timedelta(days=took)
        item = dict.fromkeys(PROBLEM_HEADER, "") | {
            "来源": source, "发现日期": found.isoformat(), "所属乡镇": town, "驿站编号": station,
            "问题描述": summary, "责任单位": unit, "责任人": responsible, "整改措施": "",
            "整改时限": deadline.isoformat(), "销号日期": "", "状态": "待整改",
        }  # fmt: skip
        if closed <= self.edition:
            item |= {"状态": "已销号", "整改措施": measures, "销号日期": closed.isoformat()}
        elif (self.edition - found).days >= 3:
            item |= {"状态": "整改中", "整改措施": measures if rng.random() < 0.6 else ""}
        self.problems.append(item)
        return item

    def above_and_residents(self) -> None:
        """省市反馈 to townships and 群众反映 at villages, spread over the months."""
        rng = self.rng
        towns = sorted(self.town_station)
        villages = sorted(self.village_station.items())
        for year, month in self.months:
            days = [d for d in _month_days(year, month, self.edition) if self.calendar.is_workday(d)]
            for _ in range(rng.randint(2, 4)):
                town = rng.choice(towns)
                text, measures = rng.choice(ABOVE)
                unit = rng.choice([f"{town}人民政府", f"{town}民政办", "县民政局"])
                self.problem("省市反馈", rng.choice(days), town, "", text.format(t=town), unit, measures)
            for _ in range(rng.randint(4, 7)):
                (town, village), station = rng.choice(villages)
                text, measures = rng.choice(FROM_RESIDENTS)
                unit = rng.choice([f"{town}人民政府", f"{town}民政办"])
                self.problem(
                    "群众反映", rng.choice(days), town, station, text.format(v=village), unit, measures
                )

    def numbered(self) -> list[dict[str, str]]:
        """问题编号 WT+年月-顺序号 in the order found; a few items left open past or near their 整改时限."""
        rng, edition = self.rng, self.edition
        soon = self.calendar.add(edition, 3)
        closed_late = [
            p for p in self.problems if p["状态"] == "已销号" and p["整改时限"] < edition.isoformat()
        ]
        for item in rng.sample(closed_late, 6):  # 逾期未销号
            item |= {"状态": "整改中", "销号日期": ""}
        window = [edition + timedelta(days=d) for d in range((soon - edition).days + 1)]
        recent = [p for p in self.problems if 10 <= (edition - date.fromisoformat(p["发现日期"])).days <= 20]
        for item in rng.sample(recent, min(4, len(recent))):  # 3 个工作日内到期
            deadline = rng.choice([d for d in window if self.calendar.is_workday(d)])
            item |= {"状态": "整改中", "销号日期": "", "整改时限": deadline.isoformat()}
        order = sorted(range(len(self.problems)), key=lambda i: (self.problems[i]["发现日期"], i))
        counters: dict[str, int] = defaultdict(int)
        for index in order:
            item = self.problems[index]
            month = item["发现日期"][:7].replace("-", "")
            counters[month] += 1
            item["问题编号"] = f"WT{month}-{counters[month]:04d}"
        return [self.problems[i] for i in order]

    # --- 走访记录 -----------------------------------------------------------------------------------

    def referral(self, station: str, visited: date, need: str, used: set[str]) -> str:
        """The 申请受理登记 entry or the 意见建议 item this visit's need became, if any fits."""
        town = self.town_of[station]
        window = (visited.isoformat(), (visited + timedelta(days=10)).isoformat())
        if need in ("生活救助", "医疗", "照料护理"):
            for row in self.applications_at(station, town):
                if window[0] <= row["受理日期"] <= window[1] and row["受理编号"] not in used:
                    return row["受理编号"]
        for row in self.feedback_at(station):
            if window[0] <= row["收集日期"] <= window[1] and row["编号"] not in used:
                return row["编号"]
        return ""

    def applications_at(self, station: str, town: str) -> list[dict[str, str]]:
        if not hasattr(self, "_applications"):
            self._applications: dict[str, list[dict[str, str]]] = defaultdict(list)
            for row in self.tables["申请受理登记.csv"]:
                self._applications[row["驿站编号"]].append(row)
        return self._applications[station] + self._applications[self.town_station[town]]

    def feedback_at(self, station: str) -> list[dict[str, str]]:
        """意见建议 collected at the village's station or one of its groups."""
        if not hasattr(self, "_feedback"):
            self._feedback: dict[str, list[dict[str, str]]] = defaultdict(list)
            for row in self.tables["意见建议.csv"]:
                self._feedback[row["驿站编号"][:9]].append(row)  # YZ-01-001-02 → its village YZ-01-001
        return self._feedback[station]

    def household(self, station: str) -> tuple[str, str, str, str]:
        """A 户主, the address, the categories and how many are at home."""
        rng = self.rng
        kinds = [_choose(rng, PERSON_TYPES)]
        if rng.random() < 0.2:
            other = _choose(rng, PERSON_TYPES)
            if other not in kinds:
                kinds.append(other)
        low, high = HOME_SIZE.get(kinds[0], (1, 5))
        group = rng.choice(self.groups[station]) if self.groups[station] else ""
        address = f"{self.town_of[station]}{self.village_of[station]}{group}{rng.randint(1, 60)}号"
        return self.people.name(), address, SEP.join(kinds), str(rng.randint(low, high))  # type: ignore[attr-defined]

    def visits(self) -> list[dict[str, str]]:
        """3–4 走访日 a month at each running village station, a few households each."""
        rng = self.rng
        rows: list[dict[str, str]] = []
        used: set[str] = set()
        villages = [s for s in self.stations if s["层级"] == "村" and s["状态"] == "运行"]
        for year, month in self.months:
            workdays = [d for d in _month_days(year, month, self.edition) if self.calendar.is_workday(d)]
            for station in villages:
                code = station["驿站编号"]
                count = rng.choice((3, 4)) if rng.random() > 0.04 else rng.choice((1, 2))
                for day in sorted(rng.sample(workdays, min(count, len(workdays)))):
                    for _ in range(rng.randint(3, 6)):
                        rows.append(self.visit(code, day, used))
        rows.sort(key=lambda r: (r["走访日期"], r["驿站编号"]))
        return rows

    def visit(self, station: str, day: date, used: set[str]) -> dict[str, str]:
        rng = self.rng
        person, address, kinds, size = self.household(station)
        living = rng.choices(["正常", "一般", "困难"], weights=(55, 35, 10))[0]
        row = dict.fromkeys(VISIT_HEADER, "") | {
            "走访日期": day.isoformat(), "驿站编号": station, "户主姓名": person, "家庭住址": address,
            "对象类别（可多选）": kinds, "在家人数": size, "生活状况": living, "是否有需要帮助解决的问题": "否",
        }  # fmt: skip
        if rng.random() < 0.25:
            row["宣传讲解的政策"] = SEP.join(rng.sample(POLICIES_TOLD, rng.randint(1, 2)))
        if rng.random() >= (0.3 if living == "困难" else 0.045):
            return row
        need = _choose(rng, NEEDS)
        row |= {
            "是否有需要帮助解决的问题": "是", "需要帮助的方面（可多选）": need,
            "问题的具体情况": rng.choice(NEED_DETAILS[need]), "处理方式": _choose(rng, ACTIONS),
        }  # fmt: skip
        if row["处理方式"] != "当场解答" and rng.random() < 0.5:
            referral = self.referral(station, day, need, used)
            if referral:
                used.add(referral)
                row["转办编号"] = referral
        if need in ("住房安全", "照料护理") and rng.random() < 0.12:
            town = self.town_of[station]
            summary = f"走访发现{self.village_of[station]}困难户{'住房存在安全隐患' if need == '住房安全' else '老人缺少照料'}"
            item = self.problem(
                "排查发现", day, town, station, summary, f"{town}人民政府", PROBLEM_MEASURES[need]
            )
            row["问题编号"] = item  # type: ignore[assignment]  # replaced by the number once numbered
            row["处理方式"] = "上报乡镇"
        return row

    # --- 民生工程监督 -------------------------------------------------------------------------------

    def inspections(self) -> list[dict[str, str]]:
        """Every week from 开工 to 完工 (or the edition date); late starters checked weekly too."""
        rng, edition = self.rng, self.edition
        rows: list[dict[str, str]] = []
        for project in self.tables["民生工程项目.csv"]:
            start = project["实际开工日期"]
            end = project["实际完工日期"]
            if start:
                first = date.fromisoformat(start) + timedelta(days=rng.randint(0, 6))
                last = date.fromisoformat(end) if end else edition
            elif project["计划开工日期"] < edition.isoformat():
                first = date.fromisoformat(project["计划开工日期"]) + timedelta(days=rng.randint(3, 9))
                last = edition
            else:
                continue
            day = first
            while day <= last:
                if rng.random() > 0.04:  # now and then a week is missed
                    rows.append(self.inspection(project, day, end))
                day += timedelta(days=7)
            if end and last + timedelta(days=3) <= edition:
                rows.append(self.inspection(project, last + timedelta(days=rng.randint(1, 3)), end))
        rows.sort(key=lambda r: (r["监督日期"], r["项目编号"]))
        return rows

    def inspection(self, project: dict[str, str], day: date, end: str) -> dict[str, str]:
        rng = self.rng
        if not project["实际开工日期"]:
            stage = "未开工"
        elif end and day.isoformat() >= end:
            stage = "已完工待验收"
        else:
            stage = "在建"
        row = dict.fromkeys(INSPECTION_HEADER, "") | {
            "监督日期": day.isoformat(), "项目编号": project["项目编号"], "项目名称": project["项目名称"],
            "项目所处阶段": stage, "项目公示牌是否按规定张贴": "是" if rng.random() < 0.95 else "否",
            "施工质量、进度是否正常": "是", "现场听取群众意见（人次）": str(rng.randint(0, 6)),
            "现场照片（张）": str(rng.randint(1, 6)),
        }  # fmt: skip
        late_start = stage == "未开工" and day - timedelta(days=14) > date.fromisoformat(
            project["计划开工日期"]
        )
        if not (late_start and rng.random() < 0.08) and rng.random() >= 0.022:
            return row
        kinds = ["进度滞后"] if stage == "未开工" else rng.sample(list(FINDINGS), rng.choice((1, 1, 2)))
        if row["项目公示牌是否按规定张贴"] == "否" and "资金公示不到位" not in kinds:
            kinds.append("资金公示不到位")
        row |= {
            "施工质量、进度是否正常": "否", "发现的问题（可多选）": SEP.join(kinds),
            "问题描述": "；".join(FINDINGS[k] for k in kinds),
            "问题报送至": rng.choices(["乡镇民政办", "项目主管部门", "县民政局"], weights=(60, 30, 10))[0],
        }  # fmt: skip
        if rng.random() < 0.85:
            town, village = project["所属乡镇"], project["所属村"]
            station = self.village_station.get((town, village)) or self.town_station[town]
            unit = "县住建局" if row["问题报送至"] == "项目主管部门" else f"{town}人民政府"
            summary = f"{project['项目名称']}：{FINDINGS[kinds[0]]}"
            item = self.problem("排查发现", day, town, station, summary, unit, PROBLEM_MEASURES[kinds[0]])
            row["问题编号"] = item  # type: ignore[assignment]
        return row

    # --- 回访记录 -----------------------------------------------------------------------------------

    def revisits(self) -> list[dict[str, str]]:
        """One 回访 for each closed 意见建议 item that has a 回访结果; some after 救助资金发放."""
        rng, edition = self.rng, self.edition
        rows: list[dict[str, str]] = []
        for item in self.tables["意见建议.csv"]:
            if item["办理状态"] != "已办结" or item["回访结果"] not in ("满意", "基本满意", "不满意"):
                continue
            day = min(date.fromisoformat(item["办结日期"]) + timedelta(days=rng.randint(1, 7)), edition)
            unhappy = item["回访结果"] == "不满意"
            rows.append(dict.fromkeys(REVISIT_HEADER, "") | {
                "回访日期": day.isoformat(), "驿站编号": item["驿站编号"], "回访事项": "意见建议办理",
                "意见建议登记编号": item["编号"], "被回访人": item["反映人"],
                "回访方式": rng.choices(["电话", "上门", "驿站当面"], weights=(60, 30, 10))[0],
                "满意程度": item["回访结果"], "不满意的原因和群众诉求": rng.choice(UNHAPPY) if unhappy else "",
                "是否需要再次办理": "是" if unhappy and rng.random() < 0.4 else "否",
            })  # fmt: skip
        approved = [r for r in self.tables["救助对象.csv"] if r["公示类型"] == "审批结果"]
        for recipient in rng.sample(approved, min(300, len(approved))):
            day = date.fromisoformat(recipient["起始日期"]) + timedelta(days=rng.randint(10, 40))
            station = self.village_station.get((recipient["所属乡镇"], recipient["所属村"]))
            if day > edition or station is None:
                continue
            happy = rng.choices(["满意", "基本满意", "不满意"], weights=(85, 12, 3))[0]
            rows.append(dict.fromkeys(REVISIT_HEADER, "") | {
                "回访日期": day.isoformat(), "驿站编号": station, "回访事项": "救助资金发放",
                "被回访人": recipient["户主姓名"], "回访方式": rng.choices(["电话", "上门"], weights=(50, 50))[0],
                "满意程度": happy, "不满意的原因和群众诉求": "资金到账时间比告知的晚" if happy == "不满意" else "",
                "是否需要再次办理": "否",
            })  # fmt: skip
        rows.sort(key=lambda r: (r["回访日期"], r["驿站编号"], r["意见建议登记编号"]))
        return rows


def make_loops(
    tables: dict[str, list[dict[str, str]]],
    months: list[tuple[int, int]],
    edition: date,
    people: object,
    seed: int,
) -> dict[str, list[dict[str, str]]]:
    """The four tables, from the tables already made (which they only read)."""
    loops = Loops(tables, months, edition, people, seed)
    visits = loops.visits()
    inspections = loops.inspections()
    loops.above_and_residents()
    revisits = loops.revisits()
    problems = loops.numbered()
    for row in (*visits, *inspections):
        if isinstance(row["问题编号"], dict):
            row["问题编号"] = row["问题编号"]["问题编号"]
    return {"走访记录.csv": visits, "回访记录.csv": revisits, "民生工程监督.csv": inspections,
            "问题整改台账.csv": problems}  # fmt: skip
