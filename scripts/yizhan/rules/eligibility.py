"""政策找人: the questions residents tap, the conditions a policy states, and which answers meet them.

One vocabulary serves the policy YAML (`conditions`, `situations`), its validation, the policy
page, the guided finder's script (generated as data, never re-written in JavaScript) and the
plain pages by situation (情形) that work without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass

AGE_LIMIT = 120  # the oldest age a condition may name


@dataclass(frozen=True)
class Option:
    """One answer a resident can tap; `value` is the word a policy's condition uses for it."""

    key: str
    label: str
    value: str = ""  # the condition word; empty for "none of these" and "not sure"
    low: int = 0  # for the age question: the band of years
    high: int = 0


@dataclass(frozen=True)
class Question:
    """One plain question; `condition` is the policy YAML key its answers are matched against."""

    key: str
    condition: str
    title: str
    hint: str
    multiple: bool
    options: tuple[Option, ...]


AGE_BANDS = ((0, 13), (14, 17), (18, 59), (60, 69), (70, 79), (80, 89), (90, 99), (100, AGE_LIMIT))

INCOME_BELOW, INCOME_EDGE = "低保标准以下", "低保标准1.5倍以内"
INCOME_LEVELS = (INCOME_BELOW, INCOME_EDGE)
DISABILITY_GRADES = ("一级", "二级", "三级", "四级")

QUESTIONS = (
    Question(
        "age",
        "age",
        "要办事的人多大年纪？",
        "替家里人问，就选家里人的年纪。",
        False,
        tuple(
            Option(f"age{i}", f"{lo}岁及以上" if hi == AGE_LIMIT else f"{lo}–{hi}岁", "", lo, hi)
            for i, (lo, hi) in enumerate(AGE_BANDS)
        ),
    ),
    Question(
        "household",
        "household",
        "家里是什么情况？",
        "可以选几项。",
        True,
        (
            Option("alone", "一个人过日子（独居）", "独居"),
            Option("away", "子女都在外地打工，不在身边", "子女外出"),
            Option("nobody", "没有子女，或子女没有能力养老", "无人赡养"),
            Option("onechild", "独生子女伤残或去世了", "失独伤残"),
            Option("household-none", "都不是"),
        ),
    ),
    Question(
        "income",
        "income",
        "家里每人每月的收入大约有多少？",
        "把一年的收入加起来，除以12个月，再除以家里人数。",
        False,
        (
            Option("below", "比当地低保标准还低", INCOME_BELOW),
            Option("edge", "比低保标准高一点，不到1.5倍", INCOME_EDGE),
            Option("above", "比这更高"),
            Option("unsure", "说不清"),
        ),
    ),
    Question(
        "disability",
        "disability",
        "家里有人有残疾证吗？",
        "残疾证上写着等级。",
        True,
        (
            Option("grade12", "有，一级或二级（重度）", "重度残疾"),
            Option("grade34", "有，三级或四级", "三四级残疾"),
            Option("disability-none", "没有"),
        ),
    ),
    Question(
        "children",
        "children",
        "家里孩子（未满18岁）的情况？",
        "可以选几项；没有孩子就选“没有这些情况”。",
        True,
        (
            Option("school", "孩子在上学（含幼儿园、大学）", "上学"),
            Option("sick-child", "孩子有残疾或重病", "残疾或重病"),
            Option("left", "父母都外出打工，孩子留在家", "父母外出"),
            Option("orphan", "孩子的父母都去世或失踪了", "父母双亡"),
            Option("unsupported", "父母重病、重残、服刑等，管不了孩子", "无人抚养"),
            Option("children-none", "没有这些情况"),
        ),
    ),
    Question(
        "housing",
        "housing",
        "住房怎么样？",
        "可以选几项。",
        True,
        (
            Option("unsafe", "房子破旧、漏雨、有倒塌危险", "危房"),
            Option("damaged", "房子被洪水、大风、大雪等毁坏了", "灾损"),
            Option("adapt", "老人在家行动不便，需要扶手、防滑", "适老改造"),
            Option("housing-none", "住房没有问题"),
        ),
    ),
    Question(
        "illness",
        "illness",
        "看病和照护方面？",
        "可以选几项。",
        True,
        (
            Option("big-bills", "有人得了大病，医药费花了很多", "大病"),
            Option("mental", "有人有严重精神障碍（精神病）", "精神障碍"),
            Option("bedridden", "有人卧床不起、生活不能自理", "失能"),
            Option("illness-none", "没有这些情况"),
        ),
    ),
    Question(
        "events",
        "events",
        "还有下面这些情况吗？",
        "可以选几项：当过兵、遭了灾、遇到急事等。",
        True,
        (
            Option("veteran", "家里有退役军人（当过兵）", "退役军人"),
            Option("martyr", "家里是烈士遗属、残疾军人等优抚对象", "优抚对象"),
            Option("disaster", "遭了洪涝、干旱、冰雹、地震等灾害", "自然灾害"),
            Option("sudden", "遇到火灾、车祸、急病等，一时过不下去", "突发困难"),
            Option("dispute", "遇到讨薪、赡养、工伤等纠纷，要请律师", "法律纠纷"),
            Option("job", "出不了远门，想在家门口找份活干", "就业困难"),
            Option("funeral", "家里有人去世，要办丧事", "丧事"),
            Option("events-none", "都没有"),
        ),
    ),
)

QUESTION_BY_CONDITION = {q.condition: q for q in QUESTIONS}
# The words a condition may use, per YAML key (age takes min/max instead).
CONDITION_WORDS: dict[str, tuple[str, ...]] = {
    q.condition: tuple(o.value for o in q.options if o.value) for q in QUESTIONS if q.condition != "age"
}
CONDITION_WORDS["income"] = INCOME_LEVELS
CONDITION_WORDS["disability"] = DISABILITY_GRADES
HUKOU_WORDS = ("本县",)
# Condition keys in the order a policy page lists them, with the title shown beside each.
CONDITION_TITLES = {
    "age": "年龄",
    "hukou": "户籍",
    "income": "收入",
    "disability": "残疾证",
    "household": "家庭情况",
    "children": "孩子的情况",
    "housing": "住房",
    "illness": "看病和照护",
    "events": "其他情况",
}


@dataclass(frozen=True)
class ConditionSet:
    """One group of conditions, all of which must hold; a policy may list several groups (any one fits)."""

    age_min: int | None = None
    age_max: int | None = None
    hukou: str = ""
    words: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (condition key, accepted words), in YAML order

    def get(self, key: str) -> tuple[str, ...]:
        return dict(self.words).get(key, ())


def matching_options(key: str, conditions: ConditionSet) -> tuple[str, ...]:
    """The option keys of the question for `key` that meet this condition (empty: not asked)."""
    if key == "age":
        if conditions.age_min is None and conditions.age_max is None:
            return ()
        low = conditions.age_min or 0
        high = AGE_LIMIT if conditions.age_max is None else conditions.age_max
        return tuple(o.key for o in QUESTIONS[0].options if o.low <= high and o.high >= low)
    words = conditions.get(key)
    if not words:
        return ()
    question = QUESTION_BY_CONDITION[key]
    if key == "income":
        # The line is the station's to check: "说不清" keeps every income-tested policy in view.
        keys = ["below", "unsure"] + (["edge"] if INCOME_EDGE in words else [])
        return tuple(o.key for o in question.options if o.key in keys)
    if key == "disability":
        heavy = any(g in words for g in DISABILITY_GRADES[:2])
        light = any(g in words for g in DISABILITY_GRADES[2:])
        return tuple(k for k, on in (("grade12", heavy), ("grade34", light)) if on)
    return tuple(o.key for o in question.options if o.value in words)


def requirements(conditions: ConditionSet) -> dict[str, tuple[str, ...]]:
    """Question key → the option keys that meet the group; every listed question must be met."""
    needed = {}
    for question in QUESTIONS:
        keys = matching_options(question.condition, conditions)
        if keys:
            needed[question.key] = keys
    if list(needed) == ["income"]:
        # Income alone is the whole test: "说不清" would list it for everyone, so only a stated income does.
        needed["income"] = tuple(k for k in needed["income"] if k != "unsure")
    return needed


def describe(conditions: ConditionSet) -> list[str]:
    """The group in plain words, one phrase per condition (shown on the policy page and as "why")."""
    parts = []
    if conditions.age_min is not None and conditions.age_max is not None:
        parts.append(f"{conditions.age_min}至{conditions.age_max}周岁")
    elif conditions.age_min is not None:
        parts.append(f"年满{conditions.age_min}周岁")
    elif conditions.age_max is not None:
        parts.append(f"不满{conditions.age_max + 1}周岁")
    if conditions.hukou:
        parts.append(f"{conditions.hukou}户籍")
    for key, words in conditions.words:
        if key == "income":
            parts.append(f"家庭人均收入在{'或'.join(words)}")
        elif key == "disability":
            parts.append(f"持{'、'.join(words)}残疾证")
        else:
            parts.append(f"{CONDITION_TITLES[key]}：{'或'.join(words)}")
    return parts


def situations() -> list[tuple[Question, Option]]:
    """Every answer that names a situation (not "none" or "not sure"), in question order."""
    return [
        (q, o)
        for q in QUESTIONS
        for o in q.options
        if o.value or (q.key == "age" and o.high)  # every age band is a situation
    ]


def situation_words() -> dict[str, str]:
    """Every word a policy's `situations` list may use → its option key."""
    return {o.value: o.key for q in QUESTIONS for o in q.options if o.value and q.key != "age"}
