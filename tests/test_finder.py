"""Residents' names and 政策找人 conditions: validation with located Chinese messages, rules and the search index."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from yizhan.feedback import messages
from yizhan.load import load
from yizhan.rules.eligibility import CONDITION_WORDS, QUESTIONS, ConditionSet, describe, requirements
from yizhan.validate import to_model, validate
from yizhan.website.guide import guide_data, render_guide, situation_matches
from yizhan.website.search_index import (
    INDEX_GLOBAL,
    QUESTION_WORDS,
    SYNONYMS,
    age_weight,
    blurred,
    build_index,
    render_search,
    search_docs,
)

REPO = Path(__file__).resolve().parent.parent
INDEX_BUDGET = 250 * 1024
GAOLING = "content/policies/gaoling.yml"


def expected(where: str, code: str, severity: str = "", **values: object) -> str:
    problem, fix = messages.text(code, **values)
    return f"{where}: {severity}{problem} —— {fix}"


def problems(project: Path) -> list[str]:
    return [str(p) for p in validate(load(project)).problems]


def edit_policy(project: Path, name: str, change: dict) -> Path:
    """Replace top-level keys of a policy file (a fresh YAML dump keeps line numbers predictable)."""
    path = project / "content/policies" / f"{name}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(change)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    """1-based line of the first line holding `text`."""
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_every_example_policy_has_residents_names_and_a_place_in_the_finder() -> None:
    model = to_model(load(REPO))
    assert len(model.policies) == 33
    for policy in model.policies:
        assert len(policy.aliases) >= 3, policy.id
        assert policy.conditions or policy.situations, policy.id
    names = [a for p in model.policies for a in p.aliases]
    assert len(names) == len(set(names))  # one alias, one policy
    gaoling = next(p for p in model.policies if p.id == "gaoling")
    assert "尊老金" in gaoling.aliases
    assert gaoling.conditions == (ConditionSet(80, None, "本县", ()),)


def test_a_too_long_alias_is_located_and_in_chinese(mini: Path) -> None:
    alias = "八十岁以上老年人每月领的那个钱"
    path = edit_policy(mini, "gaoling", {"aliases": ["尊老金", alias]})
    want = expected(
        f"{GAOLING}:{line_of(path, alias)}", "YZ-FIND-001", value=alias, length=len(alias), limit=12
    )
    assert want in problems(mini)


def test_an_alias_that_names_another_policy_is_refused(mini: Path) -> None:
    path = edit_policy(mini, "gaoling", {"aliases": ["尊老金", "低保"]})
    found = problems(mini)
    want = expected(
        f"{GAOLING}:{line_of(path, '- 低保')}",
        "YZ-FIND-002",
        value="低保",
        other="content/policies/dibao.yml",
    )
    assert want in found


def test_the_same_alias_in_two_policies_is_refused(mini: Path) -> None:
    edit_policy(mini, "dibao", {"aliases": ["救命钱"]})
    edit_policy(mini, "tekun", {"aliases": ["救命钱"]})
    codes = [p for p in problems(mini) if "救命钱" in p]
    assert len(codes) == 1 and "已经是 content/policies/dibao.yml 的名称或叫法" in codes[0]


def test_bad_conditions_are_located_and_say_how_to_fix(mini: Path) -> None:
    path = edit_policy(
        mini,
        "gaoling",
        {
            "conditions": [
                {"age": {"min": 90, "max": 80}},
                {},
                {"income": "很穷", "household": ["独居", "孤单"], "salary": 500},
            ],
            "situations": ["下岗"],
        },
    )
    found = problems(mini)
    age_line = line_of(path, "- age:")
    assert (
        expected(f"{GAOLING}:{age_line}", "YZ-FIND-003", detail="最小 90 岁大于最大 80 岁", limit=120)
        in found
    )
    assert expected(f"{GAOLING}:{line_of(path, '- {}')}", "YZ-FIND-004", index=2) in found
    income = expected(
        f"{GAOLING}:{line_of(path, '很穷')}",
        "YZ-YAML-004",
        title="收入",
        key="income",
        value="很穷",
        choices="低保标准以下、低保标准1.5倍以内",
    )
    assert income in found
    assert any(p.startswith(f"{GAOLING}:{line_of(path, '孤单')}: ") and "孤单" in p for p in found)
    salary = expected(f"{GAOLING}:{line_of(path, 'salary')}", "YZ-YAML-006", "（警告）", key="salary")
    assert salary in found
    assert any(p.startswith(f"{GAOLING}:{line_of(path, '下岗')}: ") and "相关情形" in p for p in found)


def test_an_age_past_the_limit_or_without_bounds_is_refused(mini: Path) -> None:
    edit_policy(mini, "gaoling", {"conditions": [{"age": {"min": 150}}, {"age": {"note": 1}}]})
    found = "\n".join(problems(mini))
    assert messages.text("YZ-FIND-003", detail="150 岁超过 120 岁", limit=120)[0] in found
    assert messages.text("YZ-FIND-003", detail="没有写 min 或 max", limit=120)[0] in found


def test_conditions_become_the_answers_that_meet_them() -> None:
    ages = {o.key: (o.low, o.high) for o in QUESTIONS[0].options}
    need = requirements(ConditionSet(80, None, "本县", (("income", ("低保标准以下",)),)))
    assert [ages[k] for k in need["age"]] == [(80, 89), (90, 99), (100, 120)]
    assert need["income"] == ("below", "unsure")  # "说不清" leaves it to the station
    assert set(requirements(ConditionSet(words=(("income", ("低保标准1.5倍以内",)),)))["income"]) == {
        "below",
        "edge",
    }  # income alone: "说不清" would list it for every visitor
    housing = (("housing", ("危房",)), ("income", ("低保标准以下",)))
    assert requirements(ConditionSet(words=housing))["income"] == ("below", "unsure")
    assert requirements(ConditionSet(words=(("disability", ("三级",)),))) == {"disability": ("grade34",)}
    assert describe(ConditionSet(16, 59)) == ["16至59周岁"]


def test_a_policy_without_conditions_still_appears_by_situation() -> None:
    model = to_model(load(REPO))
    liulang = next(p for p in model.policies if p.id == "liulang")
    assert not liulang.conditions
    events = next(q for q in QUESTIONS if q.key == "events")
    sudden = next(o for o in events.options if o.value == "突发困难")
    assert "liulang" in [m.policy.id for m in situation_matches(events, sudden, model.policies)]
    data = json.loads(guide_data(model.policies).split("=", 1)[1].rstrip(";\n"))
    rules = next(p for p in data["policies"] if p["id"] == "liulang")
    assert rules["groups"] == [] and rules["situations"] == ["sudden"]


def test_search_index_is_small_deterministic_and_knows_pinyin_and_question_words() -> None:
    model = to_model(load(REPO))
    script = render_search(model)
    assert script == render_search(model)
    assert len(script.encode("utf-8")) <= INDEX_BUDGET
    index = json.loads(script.removeprefix(f"window.{INDEX_GLOBAL}=").rstrip(";\n"))
    docs = [d[0] for d in index["docs"]]
    dibao = docs.index("policies/dibao.html")
    assert [dibao, "dibao"] in index["pinyin"] and [dibao, "db"] in index["pinyin"]
    tekun = docs.index("policies/tekun.html")
    assert tekun in index["terms"]["孤寡老人"][::2]
    assert set(QUESTION_WORDS) <= set(index["stop"])
    assert not set(index["terms"]) & set(QUESTION_WORDS)  # never matched, so never outranking
    assert build_index(search_docs(model))["docs"][0][0] == f"policies/{model.policies[0].id}.html"


def test_names_are_also_known_by_their_sound_as_dialects_blur_it() -> None:
    index = build_index(search_docs(to_model(load(REPO))))
    assert [blurred(s) for s in ("zhu", "shi", "nian", "jing", "liang", "chuang")] == [
        "zu",
        "si",
        "lian",
        "jin",
        "lian",
        "cuan",
    ]
    sounds = index["sounds"]
    assert "临" in sounds["lin"] and "邻" in sounds["lin"] and "精" in sounds["jin"]
    assert (
        "的" not in sounds["di"] and "和" not in sounds["hu"]
    )  # particles count by their first reading only
    assert sum(len(chars) for chars in sounds.values()) >= 3755  # every common character, once or more
    spoken = dict(index["spoken"])
    assert spoken["临时救助"] == "lin si jiu zu" and spoken["低保"] == "di bao"
    assert spoken["残疾人"] == "can ji ren"  # a word of three characters inside a name
    assert "D级危房" not in spoken  # letters have no syllable to compare
    docs = [d[0] for d in index["docs"]]
    assert [docs[n] for n in index["help"]] == ["guide/index.html", "stations/index.html"]


def test_everyday_words_lead_to_words_the_policies_use_never_to_a_policy_name() -> None:
    model = to_model(load(REPO))
    index = build_index(search_docs(model))
    dead = [
        (said, word)
        for said, words in SYNONYMS.items()
        for word in words.split()
        if word not in index["terms"]
    ]
    assert dead == []  # a word no policy uses would find nothing
    names = {n for p in model.policies for n in (p.name, p.short_name, *p.aliases)}
    assert not names & set(SYNONYMS)  # residents' names for a policy belong in its `aliases:`
    pinyin = {(docs, key) for docs, key, *_ in index["pinyin"]}
    zaihai = [d[0] for d in index["docs"]].index("policies/zaihai-jiuzhu.html")
    assert (zaihai, "zaihai") in pinyin  # a word inside a name, typed in pinyin
    assert age_weight(80, 120) > age_weight(0, 14) > age_weight(16, 59)  # 五十五 says little about a policy


def test_rules_and_words_live_in_python_not_in_the_scripts() -> None:
    """The browser scripts hold no condition word, question word or synonym: they read generated data."""
    scripts = REPO / "site_templates/theme/assets/javascripts"
    guide = (scripts / "yz-guide.js").read_text(encoding="utf-8")
    search = (scripts / "yz-search.js").read_text(encoding="utf-8")
    code = [
        line.split("//")[0] for line in (guide + search).splitlines() if not line.strip().startswith("/*")
    ]
    body = "\n".join(code)
    words = {w for ws in CONDITION_WORDS.values() for w in ws} | set(QUESTION_WORDS) | set(SYNONYMS)
    assert [w for w in words if len(w) > 1 and f'"{w}"' in body] == []
    assert "低保" not in body and "怎么" not in body


def test_guide_pages_are_the_same_bytes_every_time() -> None:
    model = to_model(load(REPO))
    first = render_guide(model, REPO / "site_templates").docs
    assert first == render_guide(model, REPO / "site_templates").docs
    assert "guide/index.md" in first and "guide/alone.md" in first
