"""The residents' search: a small index built from the policies, with the words and rules its script uses.

Residents ask whole spoken questions ("低保怎么申请"), use local names (尊老金, 五保户) and type
pinyin (dibao, db). The index is built here, at build time, with jieba's words and pypinyin; the
browser script (`assets/javascripts/yz-search.js`) only cuts the query into the words this index
knows and adds up the weights given here. Question words and fillers come from this module too.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..model.project import Policy
from ..model.public import PublicData
from .search import jieba_module

INDEX_FILE = "search/yz-search-index.js"
INDEX_GLOBAL = "YZ_SEARCH"

# Words that carry the question, not its subject: never counted.
QUESTION_WORDS = (
    "怎么", "怎样", "怎么样", "如何", "什么", "啥", "哪里", "哪儿", "哪个", "哪些", "在哪", "去哪", "多少",
    "几", "吗", "呢", "吧", "啊", "呀", "了", "的", "地", "得", "是", "不是", "有没有", "能不能", "可不可以",
    "可以", "能", "会", "要", "想", "我", "我们", "我家", "咱", "俺", "俺家", "你", "他", "她", "家里",
    "有", "没", "没有", "和", "跟", "还", "也", "都", "就", "请问", "一下", "这个", "那个", "这种", "给",
    "为什么", "是不是", "谁", "到", "去", "找", "吗？", "请", "帮", "帮忙", "问", "问问", "告诉", "知道",
    "现在", "今年", "一个", "个", "人", "上", "下", "里", "多少钱", "几个", "多大",
)  # fmt: skip
# Words common to every service: counted, at a tenth of their weight.
FILLER_WORDS = (
    "申请", "办理", "办", "领", "领取", "补贴", "补助", "政策", "手续", "材料", "条件", "需要", "国家",
    "政府", "钱", "给钱", "发", "交", "办事", "符合", "享受", "标准", "拿", "每个月", "一个月", "每月", "管",
)  # fmt: skip
# What residents say → the words the policies use (爸妈 → 父母; several words apart with a space): the
# script reads the query with these. Everyday words for family, age, illness, death, house, work, money
# and disasters, never a policy's own names (those are its `aliases:`).
SYNONYMS = {
    # family and age
    "爸妈": "父母", "爹妈": "父母", "爹娘": "父母", "爸爸": "父亲", "娃": "孩子", "娃娃": "孩子",
    "小孩": "孩子", "儿女": "子女", "闺女": "女儿", "老伴": "配偶", "没爹没妈": "孤儿",
    "老头": "老人", "老头子": "老人", "老太": "老人", "老太太": "老人", "老太婆": "老人", "老汉": "老人",
    "老大爷": "老人", "老奶奶": "老人", "老爷子": "老人", "老人家": "老人", "老娘": "老人", "老爹": "老人",
    "老父亲": "老人", "老母亲": "老人", "上了年纪": "老人", "岁数大": "老人",
    "独子": "独生子女", "独女": "独生子女", "独生子": "独生子女", "独生女": "独生子女", "独苗": "独生子女",
    "一个人住": "独居", "一个人过": "独居", "孤老": "孤寡老人", "没儿没女": "孤寡", "无儿无女": "孤寡", "没有儿女": "孤寡",
    # illness, disability and care
    "看病": "就医", "住院费": "医疗费", "癌": "大病 重病", "癌症": "大病 重病", "肿瘤": "大病 重病",
    "白血病": "大病 重病", "尿毒症": "大病 重病", "透析": "大病 重病", "化疗": "大病 重病",
    "心脏病": "大病 重病", "脑梗": "大病 重病", "脑溢血": "大病 重病", "重症": "大病 重病",
    "瘫痪": "失能", "瘫": "失能", "中风": "失能", "偏瘫": "失能", "卧床": "失能", "半身不遂": "失能",
    "痴呆": "失能", "不能自理": "失能", "自理不了": "失能", "动不了": "失能", "下不了床": "失能", "老年痴呆": "失能", "伺候": "护理", "照看": "照料",
    "聋": "听力", "耳聋": "听力", "耳背": "听力", "瞎": "视力", "失明": "视力", "瘸": "肢体",
    "疯": "精神", "神经病": "精神障碍", "傻": "智力", "傻子": "智力",
    # death and funerals
    "没了": "去世", "走了": "去世", "过世": "去世", "死": "去世", "死了": "去世", "不在了": "去世",
    "火葬": "火化", "火葬场": "殡仪馆", "白事": "丧事", "后事": "丧事", "出殡": "丧事", "下葬": "安葬",
    # house and home
    "房子": "住房", "屋": "住房", "屋子": "住房", "裂缝": "开裂", "裂了": "开裂", "塌": "倒塌",
    "塌了": "倒塌", "漏": "漏雨", "厕所": "卫生间", "茅房": "卫生间", "摔": "防滑", "摔跤": "防滑",
    "跌倒": "防滑", "做饭": "助餐", "送饭": "助餐",
    # work, money and school
    "工钱": "工资", "欠薪": "讨薪", "欠工钱": "讨薪", "拖欠工资": "讨薪", "坐牢": "服刑", "当兵": "退役军人",
    "退伍": "退役", "干不动": "劳动", "干不了": "劳动", "找活": "找工作", "找活干": "找工作", "念书": "读书",
    "穷": "低保", "贫穷": "低保", "揭不开锅": "低保", "吃不上饭": "低保",
    "光棍": "孤寡", "老光棍": "孤寡老人", "不养": "赡养", "不孝": "赡养", "告": "告状", "活": "就业",
    "干活": "劳动", "失业": "就业", "下岗": "就业", "没工作": "就业", "没活干": "就业",
    "军属": "优抚对象", "军人家属": "优抚对象",
    # disasters, farming and the road
    "淹": "洪涝", "淹了": "洪涝", "涝": "洪涝", "雹子": "冰雹", "着火": "火灾", "失火": "火灾", "起火": "火灾",
    "麦子": "小麦", "苞谷": "玉米", "苞米": "玉米", "猪瘟": "疫病", "瘟": "疫病", "牲口": "养殖",
    "要饭": "乞讨", "讨饭": "乞讨", "叫花子": "乞讨", "流浪汉": "流浪", "迷路": "走失",
}  # fmt: skip
# Spoken numbers in a question ("八十岁") become digits, as the policies write them.
NUMERALS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
            "八": 8, "九": 9, "十": 10, "百": 100}  # fmt: skip

# How much a word counts by where it stands in a policy.
NAME_WEIGHT, PART_WEIGHT, SUMMARY_WEIGHT, TEXT_WEIGHT = 60, 24, 12, 4
# An age in a question also says the word policies use for that age (八十岁 → 高龄).
AGE_WORDS = ((80, "高龄"), (60, "老年人"))
OLD_AGE, ADULT_AGE = 60, 18
MAX_TERM = 8  # the longest word the script looks for in a query
# Residents type by sound (底保 for 低保, 邻时 for 临时) and many speak a dialect that blurs zh/z, ch/c,
# sh/s, n/l and -ng/-n: names are also matched by their syllables heard that way.
BLURRED_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
BLURRED_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))
_WORDLIKE = re.compile(r"[\u4e00-\u9fff]|[a-z0-9]", re.IGNORECASE)


# The site's own pages a resident may look for: path, title, the line under it, and the words that find it.
SITE_PAGES = (
    ("guide/index.html", "政策找人", "回答几个简单问题，看看您家可能享受哪些政策",
     ["政策找人", "我能享受什么政策", "能领什么", "有哪些政策", "帮扶"]),
    ("stations/index.html", "找驿站", "按乡镇、村名查驿站的地址和电话",
     ["驿站", "找驿站", "地址", "电话", "民生员", "服务站", "管理员"]),
    ("forms/index.html", "表格下载", "申请表、告知书，打印后填写", ["表格", "申请表", "下载", "打印", "表"]),
    ("disclosure/index.html", "信息公开", "救助对象公示、民生工程进度、意见建议办理",
     ["公示", "名单", "信息公开", "工程进度", "意见建议", "反映问题"]),
    ("promises.html", "服务承诺", "首问负责、一次性告知、限时办结",
     ["服务承诺", "首问负责", "一次性告知", "限时办结", "投诉", "监督电话"]),
    ("handbook/qa.html", "便民政策一本通", "常见问题一问一答", ["一本通", "问答", "常见问题"]),
)  # fmt: skip
# Listed when nothing in a question matches (the box is never empty): answer a few questions, or ask a station.
HELP_PAGES = ("guide/index.html", "stations/index.html")


@dataclass
class SearchDoc:
    """One result the search can show: a page, its title, a line under it, and its words by field."""

    url: str
    title: str
    line: str
    names: list[str] = field(default_factory=list)  # name, short name, aliases: a match here ranks first
    summary: str = ""
    text: list[str] = field(default_factory=list)
    ages: tuple[int, int] | None = None  # the ages the policy's conditions name, if any


@cache
def tokenizer() -> Any:
    """A jieba tokenizer of our own: words added here must not change the theme's index, cut by the shared one."""
    jieba = jieba_module()
    ours = jieba.Tokenizer()
    shared = jieba.dt
    if not shared.initialized and shared.dictionary == ours.dictionary:
        # one load of the dictionary (0.7 s) for both: the shared tokenizer gets a copy before any word is added
        ours.initialize()
        shared.FREQ, shared.total, shared.initialized = dict(ours.FREQ), ours.total, True
    for word in (*QUESTION_WORDS, *FILLER_WORDS, *SYNONYMS):
        ours.add_word(word)
    return ours


def words(text: str) -> list[str]:
    """jieba's words for search (whole words and their parts), lower-case, without punctuation."""
    return [w.lower() for w in tokenizer().cut_for_search(text) if _WORDLIKE.search(w)]


def name_parts(names: Iterable[str]) -> list[str]:
    """The jieba words inside names (最低生活保障 → 最低, 生活, 保障), the names themselves left out."""
    whole = {n.lower() for n in names}
    return [w for name in names for w in words(name) if w not in whole]


def pinyin_keys(names: Iterable[str], initials: bool = True) -> list[str]:
    """Full pinyin and initials of each name: 尊老金 → zunlaojin, zlj."""
    from pypinyin import lazy_pinyin

    keys: list[str] = []
    for name in names:
        syllables = [s for s in lazy_pinyin(name, errors="ignore") if s.isalpha()]
        if len(syllables) < 2:
            continue
        keys.append("".join(syllables).lower())
        if initials:
            keys.append("".join(s[0] for s in syllables).lower())
    return list(dict.fromkeys(keys))


def blurred(syllable: str) -> str:
    """A toneless syllable as a dialect blurring zh/z, ch/c, sh/s, n/l and -ng/-n hears it."""
    start = next(
        (short + syllable[len(full) :] for full, short in BLURRED_INITIALS if syllable.startswith(full)),
        syllable,
    )
    return next(
        (start[: -len(full)] + short for full, short in BLURRED_FINALS if start.endswith(full)), start
    )


@cache
def sound_table() -> dict[str, str]:
    """Blurred syllable → the characters with that sound, for the 3,755 common characters of GB 2312 (level 1: what an input method offers first).

    A character counts under each of its readings, a question word (的, 和) under its first only: as a
    particle it is no typo, and 困难和家庭 must not become 困难户.
    """
    from pypinyin import Style, pinyin

    particles = {w for w in QUESTION_WORDS if len(w) == 1}
    table: dict[str, list[str]] = defaultdict(list)
    for first in range(0xB0, 0xD8):
        for second in range(0xA1, 0xFF):
            try:
                char = bytes([first, second]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            readings = pinyin(char, style=Style.NORMAL, heteronym=True)[0]
            for reading in dict.fromkeys(blurred(s) for s in readings[: 1 if char in particles else None]):
                table[reading].append(char)
    return {reading: "".join(chars) for reading, chars in sorted(table.items())}


def spoken_names(docs: Iterable[SearchDoc]) -> list[list[str]]:
    """[name, its blurred syllables] for every name of two or more Chinese characters and nothing else.

    The words of three characters or more inside names count too (困难残急人 → 残疾人).
    """
    from pypinyin import lazy_pinyin

    docs = list(docs)
    candidates = [n for d in docs for n in d.names if len(n) > 1]
    candidates += [w for d in docs for w in name_parts(d.names) if len(w) > 2]
    names = dict.fromkeys(n for n in candidates if re.fullmatch(r"[\u4e00-\u9fff]+", n))
    return [[name, " ".join(blurred(s) for s in lazy_pinyin(name))] for name in names]


def policy_doc(policy: Policy, url: str, title: str) -> SearchDoc:
    names = [policy.name, policy.short_name, *policy.aliases]
    text = [*policy.eligibility, *policy.benefits, *(m.name for m in policy.materials)]
    text += [f"{s.title} {s.detail}" for s in policy.steps]
    text += [f"{f.q} {f.a}" for f in policy.faq]
    ages = [
        (c.age_min or 0, 120 if c.age_max is None else c.age_max)
        for c in policy.conditions
        if c.age_min is not None or c.age_max is not None
    ]
    span = (min(a for a, _ in ages), max(b for _, b in ages)) if ages else None
    line = policy.summary
    return SearchDoc(url, title, line, [n for n in names if n], policy.summary, text, span)


def _weights(doc: SearchDoc) -> Counter[str]:
    """Each word's weight in one document: the best field it appears in, more for repeats in the text."""
    weight: Counter[str] = Counter()
    for word in set(name_parts(doc.names)):
        weight[word] = PART_WEIGHT
    for word in doc.names:
        weight[word.lower()] = NAME_WEIGHT
    for word in set(words(doc.summary)):
        weight[word] = max(weight[word], SUMMARY_WEIGHT)
    counts = Counter(w for t in doc.text for w in words(t))
    for word, count in counts.items():
        extra = round(TEXT_WEIGHT * (1 + math.log(count)))
        weight[word] = max(weight[word], extra) if weight[word] < SUMMARY_WEIGHT else weight[word] + extra
    return weight


def age_weight(low: int, high: int) -> float:
    """What an age in a question says for a policy's age band, as a share of a name's weight.

    Old age (八十多了) and childhood (五岁) tell; a working age (五十五) hardly: most adults' policies
    have no age.
    """
    return 0.5 if low >= OLD_AGE else 0.2 if high < ADULT_AGE else 0.05


def build_index(docs: list[SearchDoc]) -> dict[str, Any]:
    """The index the script reads: documents, word → [doc, weight, …], pinyin, ages and the word lists."""
    postings: dict[str, list[int]] = defaultdict(list)
    pinyin: list[list[Any]] = []
    ages: list[list[int]] = []
    stop = set(QUESTION_WORDS)
    for number, doc in enumerate(docs):
        for word, weight in sorted(_weights(doc).items()):
            if word not in stop:
                postings[word] += [number, weight]
        keys = pinyin_keys(doc.names)
        pinyin += [[number, key] for key in keys]
        parts = dict.fromkeys(w for w in name_parts(doc.names) if len(w) > 1)
        pinyin += [
            [number, key, 1] for key in pinyin_keys(parts, initials=False) if key not in keys
        ]  # zaihai: 灾害
        if doc.ages:
            ages.append([number, *doc.ages, age_weight(*doc.ages)])
    return {
        "docs": [[d.url, d.title, d.line] for d in docs],
        "terms": dict(sorted(postings.items())),
        "pinyin": pinyin,
        "ages": ages,
        "stop": sorted(stop),
        "fillers": sorted(set(FILLER_WORDS)),
        "numerals": NUMERALS,
        "synonyms": SYNONYMS,
        "maxTerm": MAX_TERM,
        "weights": {"name": NAME_WEIGHT, "part": PART_WEIGHT},
        "ageWords": [list(pair) for pair in AGE_WORDS],
        "sounds": sound_table(),
        "spoken": spoken_names(docs),
        "help": [number for number, doc in enumerate(docs) if doc.url in HELP_PAGES],
    }


def search_docs(data: PublicData) -> list[SearchDoc]:
    """Every policy page, then the site's own pages (政策找人, 找驿站, 表格下载 …)."""
    from .policies import page_title, policy_path

    docs = [
        policy_doc(p, policy_path(p.id).removesuffix(".md") + ".html", page_title(p)) for p in data.policies
    ]
    docs += [SearchDoc(url, title, line, [title], line, keys) for url, title, line, keys in SITE_PAGES]
    return docs


def render_search(data: PublicData) -> str:
    """The search index script for the site."""
    return index_script(build_index(search_docs(data)))


def index_script(index: dict[str, Any]) -> str:
    """The index as a script assigning one global, so that it also loads from file:// (no fetch there)."""
    body = json.dumps(index, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return f"window.{INDEX_GLOBAL}={body};\n"
