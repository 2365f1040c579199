"""Residents in Chromium from file:// at 360 px: questions typed into the search, and the guided 政策找人.

The site is the small fixture county's stations with the example county's 33 policies (site only,
about 20 s), so the whole question set and the personas run without building the example county.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page
from pypdf import PdfReader

from conftest import FIXTURES, Tabs
from yizhan.cli import main as yizhan_main

# One worker runs the module: its site (a build of about 15 s of CPU) is made once, not once per worker.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("finder-browser")]
REPO = Path(__file__).resolve().parent.parent
PHONE = {"width": 360, "height": 740}
QUESTIONS = yaml.safe_load((FIXTURES / "resident_questions.yml").read_text(encoding="utf-8"))
STATION = "YZ-01-001-01"  # 福塘村一组民生驿站, under 城关镇民生驿站
STATION_NAME, TOWNSHIP_NAME = "福塘村一组民生驿站", "城关镇民生驿站"
FOREIGN = re.compile(r"^(?!file:|data:|about:|blob:)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini county with the example county's policies (their `forms` left out: mini has no forms)."""
    project = tmp_path_factory.mktemp("county33") / "county"
    shutil.copytree(FIXTURES / "mini", project)
    shutil.rmtree(project / "content/policies")
    (project / "content/policies").mkdir()
    for source in sorted((REPO / "content/policies").glob("*.yml")):
        text = re.sub(r"^forms: \[.*\]\n", "", source.read_text(encoding="utf-8"), flags=re.M)
        (project / "content/policies" / source.name).write_text(text, encoding="utf-8")
    out = project / "build"
    assert yizhan_main(["build", "--project", str(project), "--out", str(out), "--only", "site"]) == 0
    return out / "site"


@pytest.fixture
def phone(tabs: Tabs) -> tuple[Page, list[str]]:
    """The module's phone tab and the requests it makes from this test on."""
    return tabs.at(PHONE), tabs.requests


def ask(page: Page, question: str, typed: bool = True) -> list[str]:
    """Type a question into the search box as a person does; the result pages, best first.

    `typed=False` enters the whole question at once, as a Chinese input method commits a phrase
    (one input event instead of one per character: the long question set stays quick).
    """
    field = page.locator("input.md-search__input")
    if not field.is_visible():
        page.click("label.md-header__button[for=__search]")
    field.fill("")
    if typed:
        field.press_sequentially(question, delay=15)
    else:
        field.fill(question)
    page.wait_for_function(
        """q => { const m = document.querySelector('.md-search-result__meta');
                  return document.querySelector('input.md-search__input').value === q && m &&
                         !m.textContent.includes('正在加载'); }""",
        arg=question,
    )
    hrefs = page.locator(".md-search-result__item a").evaluate_all("links => links.map(a => a.href)")
    return [re.sub(r"^.*/site/(policies/)?|\.html$", "", h) for h in hrefs]


def test_resident_questions_find_the_right_policy(site: Path, phone: tuple[Page, list[str]]) -> None:
    page, requests = phone
    page.goto((site / "index.html").as_uri())
    first = top3 = 0
    empty, misses = [], []
    for item in QUESTIONS:
        found = ask(page, item["q"], typed=False)
        if not found:
            empty.append(item["q"])
        first += found[:1] == [item["want"]]
        top3 += item["want"] in found[:3]
        if found[:1] != [item["want"]]:
            misses.append(f"{item['q']} → {found[:3]}")
    total = len(QUESTIONS)
    print(f"\n{total} questions: first {first / total:.0%}, top 3 {top3 / total:.0%}, empty {len(empty)}")
    print("\n".join(misses))
    assert total >= 120
    assert not empty
    assert top3 / total >= 0.9, misses
    assert first / total >= 0.7, misses
    assert not [u for u in requests if FOREIGN.match(u)]  # offline: nothing from another origin


def test_question_words_never_outrank_the_policy(site: Path, phone: tuple[Page, list[str]]) -> None:
    page, _ = phone
    page.goto((site / "policies/gaoling.html").as_uri())
    assert ask(page, "低保怎么申请")[0] == "dibao"
    assert ask(page, "怎么申请")  # only question words: still an answer, never an empty box
    assert ask(page, "db")[0] == "dibao"
    assert ask(page, "zunlaojin")[0] == "gaoling"
    assert ask(page, "临食救助")[0] == "linshi"  # a homophone typed by mistake
    assert ask(page, "房屋保险")[0] == "nongfang-baoxian"  # 屋保 sounds like 五保, but 房屋 is a word
    assert ask(page, "qwerty") == ["guide/index", "stations/index"]  # nothing matches: where to ask instead
    assert "没有找到" in page.locator(".md-search-result__meta").inner_text()


PERSONAS = {
    "an 82-year-old living alone on a low income": (
        {"age": ["age5"], "household": ["alone"], "income": ["below"]},
        {"dibao", "gaoling", "jujia-yanglao", "liushou-laoren", "yibao-zizhu"},
        {
            "guer",
            "canji-kangfu",
            "yanglao-daijiao",
            "gongyi-gangwei",
            "tuiyi-bangfu",
            "youfu",
            "jiaoyu-jiuzhu",
        },
    ),
    "a family with a child with a disability certificate": (
        {
            "age": ["age0"],
            "disability": ["grade12"],
            "children": ["sick-child", "school"],
            "income": ["above"],
        },
        {"canji-kangfu", "fuju", "canji-liangxiang", "kunjing"},
        {"gaoling", "dibao", "jujia-yanglao", "tuiyi-bangfu", "youfu", "liushou-laoren", "binzang"},
    ),
    "a veteran whose house was damaged in a flood": (
        {"age": ["age3"], "housing": ["damaged"], "events": ["veteran", "disaster"], "income": ["unsure"]},
        {"tuiyi-bangfu", "zaihai-jiuzhu", "nongfang-baoxian", "weifang"},
        {"gaoling", "guer", "canji-kangfu", "liushou-ertong", "jisheng-fuzhu", "jiaoyu-jiuzhu"},
    ),
    # The next ones come from a colleague who never saw the conditions (what a station officer would name).
    "a five-year-old with autism, no certificate yet, in a family on 低保": (
        {"age": ["age0"], "income": ["below"], "children": ["sick-child"]},
        {"canji-kangfu", "kunjing"},
        {
            "gaoling",
            "youfu",
            "jujia-yanglao",
            "liushou-laoren",
            "jiating-chuangwei",
            "yanglao-daijiao",
            "jisheng-fuzhu",
        },
    ),
    "an orphan of ten at school, living with the grandparents": (
        {"age": ["age0"], "income": ["unsure"], "children": ["orphan", "school"]},
        {"guer", "jiaoyu-jiuzhu"},
        {"shishi-wuren", "liulang", "youfu", "gaoling", "liushou-ertong"},
    ),
    "a family whose savings went on dialysis": (
        {"age": ["age2"], "income": ["unsure"], "illness": ["big-bills"]},
        {"yiliao"},
        {"guer", "liulang", "canji-kangfu", "nongye-baoxian", "shishi-wuren"},
    ),
    "a bedridden man of forty with a grade-1 certificate in a family on 低保": (
        {"age": ["age2"], "income": ["below"], "disability": ["grade12"], "illness": ["bedridden"]},
        {"canji-liangxiang", "yanglao-daijiao", "fuju"},
        {
            "gaoling",
            "canji-kangfu",
            "guer",
            "liushou-ertong",
            "kunjing",
            "gongyi-gangwei",
            "jiating-chuangwei",
        },
    ),
    "a girl of eight whose parents both work far away": (
        {"age": ["age0"], "income": ["unsure"], "children": ["left"]},
        {"liushou-ertong"},
        {"guer", "shishi-wuren", "gaoling", "youfu", "jisheng-fuzhu"},
    ),
    "parents of 55 whose only son died": (
        {"age": ["age2"], "income": ["unsure"], "household": ["onechild"]},
        {"jisheng-fuzhu"},
        {"guer", "kunjing", "liushou-ertong", "canji-kangfu", "gaoling", "shishi-wuren"},
    ),
}


def answer(page: Page, answers: dict[str, list[str]]) -> list[str]:
    """Tap the answers, ask for the results; the policies listed."""
    for question, options in answers.items():
        for option in options:
            page.locator(f"input[name={question}][value={option}]").check()
    page.get_by_role("button", name="看看可能享受哪些政策").click()
    page.wait_for_selector("#yz-guide-result:not([hidden])")
    return page.locator("#yz-guide-list li").evaluate_all("items => items.map(i => i.dataset.policy)")


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_personas_get_what_a_station_officer_would_name(
    site: Path, phone: tuple[Page, list[str]], persona: str
) -> None:
    page, requests = phone
    answers, expected, impossible = PERSONAS[persona]
    page.goto((site / f"stations/{STATION}.html").as_uri())
    page.get_by_role("link", name=re.compile("^政策找人：")).click()
    found = answer(page, answers)
    assert expected <= set(found), (persona, found)
    assert not impossible & set(found), (persona, found)
    items = page.locator("#yz-guide-list li")
    for i in range(items.count()):
        text = items.nth(i).inner_text()
        assert "为什么可能适合" in text and "要带的材料" in text and "到哪里办" in text
        assert STATION_NAME in text or TOWNSHIP_NAME in text
    assert "由驿站核实" in page.locator("#yz-guide-result").inner_text()
    assert not [u for u in requests if FOREIGN.match(u)]


def test_the_printed_list_is_one_a4_page_naming_the_station(
    site: Path, phone: tuple[Page, list[str]], tmp_path: Path
) -> None:
    page, _ = phone
    page.goto((site / f"stations/{STATION}.html").as_uri())
    page.get_by_role("link", name=re.compile("^政策找人：")).click()
    answers, _, _ = PERSONAS["an 82-year-old living alone on a low income"]
    found = answer(page, answers)
    printed = tmp_path / "政策找人.pdf"
    printed.write_bytes(page.pdf(format="A4"))
    assert len(PdfReader(printed).pages) == 1
    # poppler reads Chromium's glyphs as the characters shown (pypdf gives radicals such as ⺠ for 民).
    text = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, check=True, text=True).stdout
    assert STATION_NAME in text and TOWNSHIP_NAME in text
    assert "政策找人" in text and "由驿站核实" in text
    assert "要办事的人多大年纪" not in text  # the questions stay on screen
    assert len(found) >= 8  # a long list still fits the page


def test_without_javascript_the_situations_are_plain_pages(site: Path, browser: Browser) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto((site / "index.html").as_uri())
    page.locator("a.yz-tile", has_text="政策找人").click()
    assert not page.locator("#yz-guide").is_visible()
    page.get_by_role("link", name=re.compile("一个人过日子")).click()
    titles = page.locator("article h2 a").all_inner_texts()
    assert "农村留守老年人关爱服务" in titles and "居家养老服务补贴" in titles
    assert "孤儿基本生活保障" not in titles
    cards = page.locator("article dl.yz-card").all_inner_texts()
    assert all("要带的材料" in c and "到哪里办" in c and "要满足" in c for c in cards)
    page.goto((site / "guide/sudden.html").as_uri())
    assert "生活无着的流浪乞讨人员救助" in page.locator("article h2 a").all_inner_texts()
    context.close()


def test_policy_page_shows_aliases_beside_the_conditions(site: Path, phone: tuple[Page, list[str]]) -> None:
    page, _ = phone
    page.goto((site / "policies/gaoling.html").as_uri())
    assert "尊老金" in page.locator(".yz-aliases").inner_text()
    rules = page.locator(".yz-compare__rules").inner_text()
    assert "年满80周岁" in rules and "本县户籍" in rules


@pytest.mark.parametrize("mode", ["", "yz-large", "yz-contrast"])
def test_finder_and_search_have_no_serious_accessibility_problems(
    site: Path, phone: tuple[Page, list[str]], mode: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, _ = phone
    page.goto((site / "guide/index.html").as_uri())
    if mode:
        page.click(f"[data-yz-toggle={mode}]")
        assert page.evaluate(f"document.documentElement.classList.contains('{mode}')")
    answer(page, PERSONAS["a veteran whose house was damaged in a flood"][0])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    found = Axe().run(page).response["violations"]
    assert not [(v["id"], v["impact"]) for v in found if v["impact"] in ("serious", "critical")]
    ask(page, "孤寡老人有什么补助")
    found = Axe().run(page).response["violations"]
    assert not [(v["id"], v["impact"]) for v in found if v["impact"] in ("serious", "critical")]
    for rel in ("guide/alone.html", "policies/gaoling.html"):  # a situation page, conditions beside the text
        page.goto((site / rel).as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        found = Axe().run(page).response["violations"]
        assert not [(v["id"], v["impact"]) for v in found if v["impact"] in ("serious", "critical")], rel
