"""生成虚构示例县（示例县）的示例数据集（申请受理登记见 example_register.py，走访、回访、监督和问题整改台账见 example_loops.py）。

用法：python3 scripts/make_example_data.py [--out datasets]

输出 UTF-8（带 BOM）、以换行符 \\n 结尾的 CSV 文件。随机数种子固定，
重复运行得到逐字节相同的文件。文中乡镇、村组、人名、电话、身份证号均为虚构：
身份证号以“99”开头（没有真实地区使用该代码），校验位按 GB 11643 计算。
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from example_loops import INSPECTION_HEADER, PROBLEM_HEADER, REVISIT_HEADER, VISIT_HEADER, make_loops
from example_register import HEADER as REGISTER_HEADER
from example_register import make_register
from yizhan.rules.numbers import id_check_char

SEED = 20261120
EDITION = date(2026, 11, 20)
MONTHS = [(2025, 12)] + [(2026, m) for m in range(1, 12)]
COUNTY = "示例县"


def words(text: str) -> list[str]:
    """把以空白分隔的词表拆成列表（词表写成一段文字更紧凑易读）。"""
    return text.split()


def lines(text: str) -> list[str]:
    """把每行一条的文本拆成列表，忽略空行。"""
    return [line.strip() for line in text.splitlines() if line.strip()]


TOWNS = words("""
    城关镇 青溪镇 枫林镇 杏花镇 清泉镇 鹤鸣镇 莲塘镇 槐荫镇 云溪镇 柏坪镇
    石门乡 桂岭乡 竹坞乡 茶坪乡 雁田乡 松涧乡 麦溪乡 芦塘乡
""")
VILLAGE_NAMES = words("""
    桃园 柳坪 枫树坳 竹林 梅子岭 松柏 荷叶塘 桂花 石桥 沙湾 黄泥垅 白果 金竹 新屋场 大塘
    小溪 上坪 下湾 东冲 西岭 南坡 北垅 高桥 杉木 樟树坪 茶园 油坊 水口 泉塘 岩头 团山
    长冲 花桥 麻田 桑园 茅坪 牛栏冲 马鞍 凤形 鹤塘 杏林 李家坪 陈家湾 刘家冲 周家 张家垅
    谢家 彭家 罗家坪 田心 塘坎 坳上 井头 岭背 河口 洲上 垅里 坪上 溪口 枣园 栗山 槐树
    杨梅 柿子 橘园 莲花 荷塘 藕塘 菱角 芦花 稻香 禾田 麦坪 豆田 瓜园 菜园 柑子 松林 竹山
    梓木 楠木 榆树 檀木 枫香 香樟 银杏 红星 光明 胜利 和平 新民 向阳 前进 团结 联合 永兴
    永安 长兴 福塘 仁和 义和 兴隆 万福 双河 三溪 四房 五里 八角 十里 桥头 渡口 码头 石板
    青石 白石
""")
GROUP_NAMES = words("""
    上屋 下屋 新屋 老屋 枫树 竹林 大塘 茶园 石桥 井头 坳上 岭背 河边 松山 田心 塘坎 樟树
    杨柳 大屋 对门 冲口 垅上 坪里 桥头 湾里 洲尾 岭脚 山背 坡头 水井 油坊 新塘 高坎 东头
    西头
""")
NUMERALS = words("一 二 三 四 五 六 七 八 九 十 十一 十二 十三")
LONG_GROUP = "枫树湾老油坊上屋场组"

SURNAMES = words("""
    王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹
    彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 廖
""")
COMPOUND_SURNAMES = words("欧阳 司马 诸葛 上官")
GIVEN = words("""
    伟 芳 秀 英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 兰 霞 平 刚 桂 华 建 国 红 玉 梅
    文 志 春 秋 冬 海 云 清 林 松 荣 福 贵 德 顺 成 祥 凤 琴 珍 莲 淑 永 长 金 银 宝 新 兴
    安 和 喜 水 生 翠 香 菊 花 元 光 友 发 才 佳 宇 晨 欣 怡 雨 婷 浩 博 子 俊 鹏 辉
""")

MOBILE_PREFIXES = (
    [f"13{d}" for d in "0123456789"]
    + [f"15{d}" for d in "012356789"]
    + [f"17{d}" for d in "0123578"]
    + [f"18{d}" for d in "0123456789"]
    + ["191", "198", "199"]
)

RELIEF_REASONS = lines("""
    因病致贫，住院自付费用较高
    房屋失火，生活用品损毁
    突发交通事故，家庭主要劳动力受伤
    子女上学费用负担重
    家庭成员患重大疾病，长期服药
    暴雨致房屋部分倒塌
    因洪涝灾害农作物绝收
    家庭主要劳动力意外死亡
    残疾人家庭生活暂时困难
    务工受伤，暂时失去收入来源
    冰冻灾害致房屋受损
    独居老人突发疾病，医疗支出较大
""")


HEADERS = {
    "驿站名录.csv": words("""
        驿站编号 驿站名称 层级 所属乡镇 所属村 所属组 布局类型 地址 管理员 管理员电话 服务日 状态
    """),
    "救助对象.csv": words("""
        批次 救助类别 公示类型 户主姓名 身份证号 所属乡镇 所属村 家庭人口 保障金额 救助事由 起始日期
    """),
    "民生工程项目.csv": words("""
        项目编号 项目名称 政策编号 所属乡镇 所属村 计划投资(万元) 已拨付(万元)
        计划开工日期 实际开工日期 计划完工日期 实际完工日期 状态
    """),
    "意见建议.csv": words("""
        编号 收集日期 驿站编号 类别 涉及事项 内容摘要 反映人 联系电话
        办理状态 整改措施 办结日期 回访结果
    """),
    "服务台账.csv": words("日期 驿站编号 服务类型 人次 备注"),
    "申请受理登记.csv": REGISTER_HEADER,
    "走访记录.csv": VISIT_HEADER,
    "回访记录.csv": REVISIT_HEADER,
    "民生工程监督.csv": INSPECTION_HEADER,
    "问题整改台账.csv": PROBLEM_HEADER,
}
# 驿站名录中由层级决定的前 8 列（编号 … 地址）；管理员等列另行填写
STATION_FIELDS = HEADERS["驿站名录.csv"][:8]


@dataclass
class Village:
    """一个村及其下辖的组。"""

    town_no: int
    town: str
    no: int
    name: str
    groups: list[str]

    @property
    def code(self) -> str:
        return f"YZ-{self.town_no:02d}-{self.no:03d}"


class People:
    """虚构人名、手机号和身份证号的生成器（手机号、身份证号全局不重复）。"""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.phones: set[str] = set()
        self.ids: set[str] = set()

    def name(self) -> str:
        rng = self.rng
        if rng.random() < 0.03:
            return rng.choice(COMPOUND_SURNAMES) + rng.choice(GIVEN)
        surname = rng.choice(SURNAMES)
        if rng.random() < 0.10:
            return surname + rng.choice(GIVEN)
        return surname + rng.choice(GIVEN) + rng.choice(GIVEN)

    def mobile(self) -> str:
        while True:
            phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def id_number(self, town_no: int, born: date) -> str:
        while True:
            body = f"99{town_no:02d}01{born:%Y%m%d}{self.rng.randint(1, 999):03d}"
            number = body + id_check_char(body)
            if number not in self.ids:
                self.ids.add(number)
                return number


def random_date(rng: random.Random, first: date, last: date) -> date:
    last = min(last, EDITION)
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, 1), min(nxt - timedelta(days=1), EDITION)


def spread(rng: random.Random, total: int, n: int, low: int, high: int) -> list[int]:
    """把 total 分成 n 份，每份在 [low, high] 之间。"""
    counts = [low] * n
    for _ in range(total - low * n):
        counts[rng.choice([i for i in range(n) if counts[i] < high])] += 1
    return counts


def build_villages(rng: random.Random) -> list[Village]:
    per_town = spread(rng, 111, len(TOWNS), 4, 9)
    per_village = spread(rng, 1039, 111, 6, 13)
    names = iter(rng.sample(VILLAGE_NAMES, 111))
    villages: list[Village] = []
    for t, (town, n_villages) in enumerate(zip(TOWNS, per_town, strict=True), start=1):
        for v in range(1, n_villages + 1):
            n_groups = per_village[len(villages)]
            if rng.random() < 0.55:
                groups = [f"{NUMERALS[g]}组" for g in range(n_groups)]
            else:
                groups = [f"{g}组" for g in rng.sample(GROUP_NAMES, n_groups)]
            villages.append(Village(t, town, v, next(names) + "村", groups))
    natural = [v for v in villages if v.groups[0] != "一组"]
    rng.choice(natural).groups[-1] = LONG_GROUP
    return villages


def make_stations(rng: random.Random, villages: list[Village], people: People) -> list[dict[str, str]]:
    specs: list[tuple[str, ...]] = []
    for t, town in enumerate(TOWNS, start=1):
        address = f"{COUNTY}{town}人民政府便民服务中心"
        specs.append((f"YZ-{t:02d}", f"{town}民生驿站", "乡镇", town, "", "", "集镇商贸街", address))
    for v in villages:
        address = f"{COUNTY}{v.town}{v.name}" + rng.choice(["村委会一楼", "村党群服务中心"])
        specs.append((v.code, f"{v.name}民生驿站", "村", v.town, v.name, "", "中心村", address))
        for g, group in enumerate(v.groups, start=1):
            name = f"{v.name}{group}民生驿站"
            layout = "自然村" if rng.random() < 0.75 else "偏远村民组"
            address = f"{COUNTY}{v.town}{v.name}{group}{rng.randint(1, 48)}号"
            specs.append((f"{v.code}-{g:02d}", name, "组", v.town, v.name, group, layout, address))
    rows = [dict(zip(STATION_FIELDS, spec, strict=True)) for spec in sorted(specs)]
    for row in rows:
        row["管理员"], row["管理员电话"] = people.name(), people.mobile()
        row["服务日"], row["状态"] = "每周三", "运行"
    for row in rng.sample(rows[: len(TOWNS)], 3):
        row["服务日"] = "每周三、周六"
    for row in rng.sample([r for r in rows if r["层级"] == "组"], 6):
        row["状态"] = "停用"
    return rows


def birth_date(rng: random.Random, on: date, min_age: int, max_age: int) -> date:
    return on - timedelta(days=rng.randint(min_age * 366, max_age * 365 + 360))


def recipient_row(
    rng: random.Random, people: People, village: Village, kind: str, year: int, month: int
) -> dict[str, str]:
    start = random_date(rng, *month_bounds(year, month))
    reason = ""
    if kind == "临时救助":
        notice = rng.choice(["初审公示", "审批结果"])
        size, ages = rng.randint(1, 6), (18, 80)
        amount = rng.randint(10, 160) * 50
        reason = rng.choice(RELIEF_REASONS)
    else:
        notice = rng.choices(["初审公示", "审批结果", "终止名单"], weights=(45, 45, 10))[0]
        if kind == "特困供养":
            size, amount = 1, rng.randint(80, 120) * 10
            ages = (60, 95) if rng.random() < 0.85 else (18, 59)
        else:
            size = rng.choices(range(1, 7), weights=(15, 25, 25, 20, 10, 5))[0]
            amount, ages = size * rng.randint(28, 56) * 10, (18, 95)
    return {
        "批次": f"{year}-{month:02d}",
        "救助类别": kind,
        "公示类型": notice,
        "户主姓名": people.name(),
        "身份证号": people.id_number(village.town_no, birth_date(rng, start, *ages)),
        "所属乡镇": village.town,
        "所属村": village.name,
        "家庭人口": str(size),
        "保障金额": f"{amount:.2f}",
        "救助事由": reason,
        "起始日期": start.isoformat(),
    }


def make_recipients(rng: random.Random, villages: list[Village], people: People) -> list[dict[str, str]]:
    rows = []
    for year, month in MONTHS:
        for _ in range(rng.randint(400, 470)):
            kind = rng.choices(["城乡低保", "特困供养", "临时救助"], weights=(55, 15, 30))[0]
            rows.append(recipient_row(rng, people, rng.choice(villages), kind, year, month))
    rows.sort(key=lambda r: (r["批次"], r["所属乡镇"], r["所属村"], r["户主姓名"], r["身份证号"]))
    return rows


# 政策编号, 层级, 名称模板, 金额范围（分/万元，乘以数量）, 数量范围, 权重
PROJECT_KINDS = [
    ("weifang", "组", "{v}{g}危房改造（{n}户）", (200, 450), (1, 5), 30),
    ("weifang", "村", "{v}危房改造（{n}户）", (200, 450), (2, 8), 10),
    ("shilaohua", "乡镇", "{t}敬老院适老化改造", (3000, 12000), (1, 1), 4),
    ("shilaohua", "村", "{v}困难老年人家庭适老化改造（{n}户）", (30, 80), (5, 20), 12),
    ("jiating-chuangwei", "村", "{v}家庭养老床位建设（{n}张）", (30, 60), (3, 12), 10),
    ("jujia-yanglao", "乡镇", "{t}居家养老服务站建设", (4000, 15000), (1, 1), 4),
    ("jujia-yanglao", "村", "{v}居家养老服务点建设", (800, 3000), (1, 1), 8),
    ("zaihai-jiuzhu", "村", "{v}防汛物资储备点建设", (300, 1200), (1, 1), 8),
    ("zaihai-jiuzhu", "乡镇", "{t}应急避难场所提质改造", (2000, 8000), (1, 1), 3),
    ("nongfang-baoxian", "村", "{v}农村住房保险统保", (50, 300), (1, 1), 6),
    ("nongfang-baoxian", "乡镇", "{t}农村住房保险统保", (800, 3000), (1, 1), 3),
    ("liushou-laoren", "村", "{v}留守老人关爱服务点建设", (200, 800), (1, 1), 5),
    ("liushou-laoren", "乡镇", "{t}农村留守老人巡访关爱", (500, 2000), (1, 1), 3),
    ("dongchun", "乡镇", "{t}冬春困难群众生活救助", (1000, 4000), (1, 1), 3),
    ("dongchun", "村", "{v}冬春救助物资发放（{n}户）", (5, 15), (10, 40), 5),
]


def project_dates(rng: random.Random, status: str) -> tuple[date, date, date | None, date | None]:
    """计划开工、计划完工、实际开工、实际完工。"""
    if status == "未开工":
        late = rng.random() < 0.75
        start = random_date(
            rng,
            date(2026, 10, 15) if late else date(2026, 3, 1),
            date(2026, 10, 31) if late else date(2026, 9, 30),
        )
    elif status == "在建":
        start = random_date(rng, date(2026, 4, 1), date(2026, 10, 20))
    else:
        start = random_date(rng, date(2025, 11, 1), date(2026, 8, 31))
    shortest = 30
    if status == "在建" and rng.random() < 0.75:  # 多数在建项目尚未到计划完工日期
        shortest = (EDITION - start).days + 1
    plan_end = start + timedelta(days=rng.randint(shortest, 240))
    if status == "未开工":
        return start, plan_end, None, None
    actual_start = min(start + timedelta(days=rng.randint(0, 20)), EDITION)
    if status == "在建":
        return start, plan_end, actual_start, None
    actual_end = actual_start + timedelta(days=max(15, (plan_end - start).days + rng.randint(-15, 45)))
    if actual_end > EDITION:
        actual_end = random_date(rng, actual_start + timedelta(days=10), EDITION)
    return start, plan_end, actual_start, actual_end


def project_row(rng: random.Random, villages: list[Village], used: set[str]) -> dict[str, str]:
    kinds = PROJECT_KINDS
    while True:
        policy, level, template, (lo, hi), (n_lo, n_hi), _ = rng.choices(
            kinds, weights=[k[5] for k in kinds]
        )[0]
        v = rng.choice(villages)
        n = rng.randint(n_lo, n_hi)
        name = template.format(t=v.town, v=v.name, g=rng.choice(v.groups), n=n)
        if name not in used:
            used.add(name)
            break
    planned = sum(rng.randint(lo, hi) for _ in range(n))  # 以 0.01 万元为单位
    status = rng.choices(["未开工", "在建", "已完工"], weights=(15, 40, 45))[0]
    share = {
        "未开工": rng.choice([0, 0, 0, rng.randint(10, 30)]),
        "在建": rng.randint(30, 85),
        "已完工": rng.choice([100, rng.randint(85, 100)]),
    }[status]
    dates = project_dates(rng, status)
    return {
        "项目名称": name,
        "政策编号": policy,
        "所属乡镇": v.town,
        "所属村": "" if level == "乡镇" else v.name,
        "计划投资(万元)": f"{planned / 100:.2f}",
        "已拨付(万元)": f"{planned * share // 100 / 100:.2f}",
        "计划开工日期": dates[0].isoformat(),
        "实际开工日期": dates[2].isoformat() if dates[2] else "",
        "计划完工日期": dates[1].isoformat(),
        "实际完工日期": dates[3].isoformat() if dates[3] else "",
        "状态": status,
    }


def make_projects(rng: random.Random, villages: list[Village]) -> list[dict[str, str]]:
    used: set[str] = set()
    rows = [project_row(rng, villages, used) for _ in range(rng.randint(260, 300))]
    rows.sort(key=lambda r: (r["计划开工日期"], r["所属乡镇"], r["项目名称"]))
    for i, row in enumerate(rows, start=1):
        row["项目编号"] = f"XM2026-{i:03d}"
    quirk = rng.choice([r for r in rows if r["状态"] == "已完工"])  # 录入错误：拨付略超计划
    planned = round(float(quirk["计划投资(万元)"]) * 100)
    quirk["已拨付(万元)"] = f"{(planned + max(1, planned * rng.randint(1, 3) // 100)) / 100:.2f}"
    return rows


FEEDBACK_TOPICS = {
    "资金类": words("低保金发放 特困供养金发放 临时救助金 高龄津贴 残疾人两项补贴 孤儿基本生活费"),
    "建设类": words("危房改造 适老化改造 居家养老服务站 家庭养老床位 敬老院改造 防汛物资储备点"),
    "保险类": words("医保代缴 农房保险理赔 城乡居民养老保险 意外伤害保险"),
    "其他": words("驿站开放时间 政策宣传 留守老人关爱 殡葬服务 婚姻登记咨询"),
}
# 内容摘要模板（{t} 为涉及事项），由驿站工作人员记录
SUMMARIES = {
    "资金类": lines("""
        群众反映本月{t}尚未到账，询问具体发放时间和查询办法。
        村民询问{t}标准是否调整，希望驿站张贴最新标准。
        有群众反映领取{t}的存折丢失，不知道到哪里补办。
        老人行动不便，希望{t}到账后能由村里帮忙代为领取。
        村民反映{t}到账短信通知不及时，建议提前告知发放日期。
        群众询问{t}申请需要哪些材料，能否在驿站代办。
        有户主反映家庭情况发生变化，询问{t}是否需要重新核定。
        村民反映本月{t}金额与上月不一致，希望说明原因。
        群众建议{t}公示名单张贴位置再显眼一些，方便大家查看。
        外出务工家属询问{t}能否改为转入本人银行卡。
    """),
    "建设类": lines("""
        群众反映{t}项目施工进度较慢，希望早日完工投入使用。
        村民询问{t}的申请条件和补助标准，想为家里申请。
        有群众反映{t}施工期间材料堆放在路边，影响通行。
        村民希望{t}完工后及时组织验收，并把结果公示出来。
        群众反映{t}工程质量有瑕疵，墙面出现裂缝需要处理。
        老人子女询问{t}能否优先安排，家中老人年事已高。
        村民建议{t}施工尽量避开农忙时节，减少对生产的影响。
        群众询问{t}补助资金什么时候能拨付到户。
        有村民反映{t}公示名单中可能有不符合条件的户，请求核实。
        村民反映{t}项目已停工一个多月，询问停工原因。
    """),
    "保险类": lines("""
        群众询问{t}的办理时限和需要准备哪些材料。
        村民反映{t}进度较慢，提交材料两周仍无回复。
        低保户询问今年{t}政策是否有变化，个人需要缴多少钱。
        村民询问外出务工人员的{t}能否在驿站代为办理。
        群众反映不清楚{t}的具体保障范围，希望驿站上门讲解。
        有老人询问{t}到期以后如何续保，担心断保。
        村民建议驿站张贴{t}办事流程图，方便群众自己对照。
        群众对{t}的金额计算有疑问，希望有关部门核实。
        有群众询问{t}能否在手机上查询办理结果和进度。
        村民反映{t}缴费后没有收到凭证，担心没有缴成功。
    """),
    "其他": lines("""
        群众希望驿站多开展{t}方面的上门服务，照顾行动不便的老人。
        村民询问{t}有关事项应到村里还是乡镇办理。
        有群众建议把{t}相关内容做成大字版张贴在驿站门口。
        村民反映对{t}的安排不太了解，希望驿站加强宣传。
        群众对驿站在{t}方面的服务表示感谢，建议继续保持。
        村民建议{t}相关通知同时在村微信群和广播里发布。
        有老人反映{t}相关宣传资料字太小，戴老花镜也看不清楚。
        群众询问{t}方面最近有没有新的政策出台。
        村民希望驿站安排专人解答{t}方面的问题，不要来回跑。
        群众建议每月固定一天集中办理{t}相关事项。
    """),
}
MEASURES = {
    "资金类": lines("""
        已联系乡镇民政办核实，资金已补发到账
        已向群众解释发放时间，并张贴发放日程表
        已重新核对家庭人口和收入情况，按程序调整
        已协调银行为老人上门办理银行卡
        已代为收集材料并报送乡镇审核
        已在驿站公示栏张贴最新保障标准
        已协调村委会提供代领代办服务
    """),
    "建设类": lines("""
        已协调施工方加快进度，每周跟踪一次
        已督促施工方清理材料堆放，恢复道路通行
        已要求施工方返工修补，并复查质量
        已组织村民代表参与竣工验收
        已对公示名单复核，并向反映人说明情况
        已上报乡镇协调解决，明确专人负责
        已开展入户核查并建立台账
    """),
    "保险类": lines("""
        已联系保险公司现场查勘，理赔资料已受理
        已联系医保经办机构核实缴费记录
        已为群众补开缴费凭证并告知查询方式
        已印发办事流程图并张贴于驿站显眼位置
        已将意见转县民政局相关股室办理
    """),
    "其他": lines("""
        已更换大字版政策宣传资料
        已调整服务时间，赶集日增加半天值守
        已在村微信群同步发布通知
        已安排网格员定期上门探访
        已纳入下月集中宣传内容
        已安排工作人员上门讲解政策并发放告知单
    """),
}


def feedback_row(rng: random.Random, people: People, station: str, year: int, month: int) -> dict[str, str]:
    collected = random_date(rng, *month_bounds(year, month))
    category = rng.choices(list(FEEDBACK_TOPICS), weights=(35, 30, 20, 15))[0]
    topic = rng.choice(FEEDBACK_TOPICS[category])
    recent = (year, month) >= MONTHS[-2]
    status = rng.choices(["待办", "办理中", "已办结"], weights=(30, 30, 40) if recent else (2, 3, 95))[0]
    done, visit = "", "未回访"
    if status == "已办结":
        days = rng.randint(1, 14 if rng.random() < 0.9 else 30)
        done = min(collected + timedelta(days=days), EDITION).isoformat()
        visit = rng.choices(["满意", "基本满意", "不满意", "未回访"], weights=(80, 12, 3, 5))[0]
    return {
        "收集日期": collected.isoformat(),
        "驿站编号": station,
        "类别": category,
        "涉及事项": topic,
        "内容摘要": rng.choice(SUMMARIES[category]).format(t=topic),
        "反映人": people.name(),
        "联系电话": people.mobile(),
        "办理状态": status,
        "整改措施": "" if status == "待办" else rng.choice(MEASURES[category]),
        "办结日期": done,
        "回访结果": visit,
    }


def make_feedback(rng: random.Random, stations: list[dict[str, str]], people: People) -> list[dict[str, str]]:
    codes = [s["驿站编号"] for s in stations if s["状态"] == "运行"]
    rows: list[dict[str, str]] = []
    for year, month in MONTHS:
        batch = [
            feedback_row(rng, people, rng.choice(codes), year, month) for _ in range(rng.randint(65, 85))
        ]
        batch.sort(key=lambda r: (r["收集日期"], r["驿站编号"]))
        for i, row in enumerate(batch, start=1):
            row["编号"] = f"YJ{year}{month:02d}-{i:04d}"
        rows.extend(batch)
    # 故意留下的个人信息：个别摘要里录入了电话或身份证号，发布时必须打码
    picked = rng.sample(rows, 12)
    for row in picked[:9]:
        row["内容摘要"] = row["内容摘要"].rstrip("。") + f"，请尽快回电{people.mobile()}。"
    for row in picked[9:]:
        town_no = int(row["驿站编号"][3:5])
        number = people.id_number(town_no, birth_date(rng, EDITION, 30, 85))
        row["内容摘要"] = row["内容摘要"].rstrip("。") + f"，户主身份证号{number}。"
    return rows


SERVICE_TYPES = words("政策咨询 代办 走访 宣传 上门服务")
SERVICE_NOTES = {
    "政策咨询": words("解答低保申请条件 讲解高龄津贴政策"),
    "代办": words("代办医保缴费 代收临时救助申请材料"),
    "走访": words("走访特困供养对象 走访留守老人"),
    "宣传": words("集中宣传低保新标准 发放防汛减灾宣传资料"),
    "上门服务": words("为行动不便老人上门代办 为失能老人上门核实情况"),
}
LEVEL_SERVICE = {"乡镇": ((3, 4), (8, 40)), "村": ((3, 4), (3, 30)), "组": ((2, 4), (1, 15))}


def service_days(year: int, month: int, weekdays: tuple[int, ...]) -> list[date]:
    first, last = month_bounds(year, month)
    days = (first + timedelta(days=i) for i in range((last - first).days + 1))
    return [d for d in days if d.weekday() in weekdays]


def make_service_log(rng: random.Random, stations: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = []
    for station in stations:
        if station["状态"] != "运行":
            continue
        weekdays = (2, 5) if "周六" in station["服务日"] else (2,)
        (n_lo, n_hi), (p_lo, p_hi) = LEVEL_SERVICE[station["层级"]]
        for year, month in MONTHS:
            days = service_days(year, month, weekdays)
            for _ in range(rng.randint(n_lo, n_hi)):
                kind = rng.choice(SERVICE_TYPES)
                note = rng.choice(SERVICE_NOTES[kind]) if rng.random() < 0.1 else ""
                rows.append(
                    {
                        "日期": rng.choice(days).isoformat(),
                        "驿站编号": station["驿站编号"],
                        "服务类型": kind,
                        "人次": str(rng.randint(p_lo, p_hi)),
                        "备注": note,
                    }
                )
    rows.sort(key=lambda r: (r["日期"], r["驿站编号"]))
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    header = HEADERS[path.name]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([row[col] for col in header] for row in rows)


def main() -> None:
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description="生成示例县（虚构）的示例数据集")
    parser.add_argument("--out", type=Path, default=repo / "datasets", help="输出目录（默认 datasets/）")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    rng = random.Random(SEED)
    people = People(rng)
    villages = build_villages(rng)
    stations = make_stations(rng, villages, people)
    tables = {
        "驿站名录.csv": stations,
        "救助对象.csv": make_recipients(rng, villages, people),
        "民生工程项目.csv": make_projects(rng, villages),
        "意见建议.csv": make_feedback(rng, stations, people),
        "服务台账.csv": make_service_log(rng, stations),
        # 申请受理登记 uses its own random streams, so the tables above stay exactly as they were.
        "申请受理登记.csv": make_register(
            stations, MONTHS, EDITION, People(random.Random(SEED + 14)), SEED + 15
        ),
    }
    # The four loop tables read the tables above and draw from their own streams: those stay as they were.
    tables |= make_loops(tables, MONTHS, EDITION, People(random.Random(SEED + 20)), SEED + 21)
    for filename, rows in tables.items():
        write_csv(out / filename, rows)
        print(f"{filename}: {len(rows)} 行")


if __name__ == "__main__":
    main()
