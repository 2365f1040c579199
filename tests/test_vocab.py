"""The vocabulary and the data package agree: every value list in the schemas is the one in vocab.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO
from yizhan.feedback.report import Report
from yizhan.load import load_specs
from yizhan.rules import vocab

ENUMS = {
    ("驿站名录", "level"): vocab.LEVELS,
    ("驿站名录", "status"): vocab.STATION_STATUSES,
    ("意见建议", "status"): vocab.FEEDBACK_STATUSES,
    ("意见建议", "category"): vocab.FEEDBACK_CATEGORIES,
    ("民生工程项目", "status"): vocab.PROJECT_STATUSES,
    ("救助对象", "category"): vocab.RECIPIENT_CATEGORIES,
    ("意见建议", "revisit"): vocab.REVISIT_RESULTS,
    ("申请受理登记", "status"): vocab.APPLICATION_STATUSES,
    ("问题整改台账", "source"): vocab.PROBLEM_SOURCES,
    ("问题整改台账", "status"): vocab.PROBLEM_STATUSES,
}


@pytest.mark.parametrize(
    "project", [REPO, FIXTURES / "mini", FIXTURES / "urban"], ids=["example", "mini", "urban"]
)
def test_schema_value_lists_are_the_vocabulary(project: Path) -> None:
    report = Report()
    specs = {spec.title: spec for spec in load_specs(project, report).values()}
    assert report.problems == []
    for (table, key), words in ENUMS.items():
        schema = specs[table].descriptor
        field = next(f for f in schema["fields"] if f["key"] == key)
        assert tuple(field["constraints"]["enum"]) == words, (table, key)
        assert {f.get("publication", vocab.PUBLIC) for f in schema["fields"]} <= set(vocab.PUBLICATIONS)


@pytest.mark.parametrize("fixture", ["mini", "urban"])
def test_fixtures_read_the_data_packages_schemas(fixture: str) -> None:
    """The fixtures keep no schema copies: every table's schema is the repository's, kind and vocab included."""
    assert not (FIXTURES / fixture / "datasets/schemas").exists()
    report = Report()
    specs = load_specs(FIXTURES / fixture, report)
    assert report.problems == []
    assert set(specs) == set(load_specs(REPO, Report()))
    for spec in specs.values():
        path = REPO / "datasets/schemas" / f"{spec.title}.schema.json"
        assert spec.descriptor == json.loads(path.read_text(encoding="utf-8")), spec.title
    assert any(c.vocab for spec in specs.values() for c in spec.columns)
    assert any(c.kind for spec in specs.values() for c in spec.columns)


def test_a_projects_own_schema_comes_first_and_a_missing_one_is_reported(tmp_path: Path) -> None:
    project = tmp_path / "county"
    (project / "datasets/schemas").mkdir(parents=True)
    package = json.loads((REPO / "datasets/datapackage.json").read_text(encoding="utf-8"))
    own = json.loads((REPO / "datasets/schemas/驿站名录.schema.json").read_text(encoding="utf-8"))
    own["fields"][1]["publication"] = vocab.PRIVATE
    (project / "datasets/schemas/驿站名录.schema.json").write_text(json.dumps(own), encoding="utf-8")
    package["resources"][-1]["schema"] = "schemas/没有这张表.schema.json"
    (project / "datasets/datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    report = Report()
    specs = load_specs(project, report)
    assert specs["stations"].column("name").publication == vocab.PRIVATE
    assert [(p.code, p.where.file if p.where else None) for p in report.problems] == [
        ("YZ-FILE-001", "datasets/schemas/没有这张表.schema.json")
    ]


def test_named_townships_answer_to_their_government() -> None:
    assert vocab.government_of("城关镇") == "城关镇人民政府"
    assert vocab.government_of("城关街道") == "城关街道办事处"


RURAL = vocab.PlaceWords()
URBAN = vocab.place_words(["街道", "社区", "网格"], "示例区")
BOTH = vocab.place_words(["乡镇", "街道", "村", "社区", "组"], "某县")


@pytest.mark.parametrize(
    ("words", "levels", "decided", "forwarded"),
    [
        (RURAL, ["村", "乡镇", "县", "组"], ["乡镇办理", "村级办理"], "转报乡镇"),
        (URBAN, ["社区", "街道", "区", "网格"], ["街道办理", "社区级办理"], "转报街道"),
        (
            BOTH,
            ["村（社区）", "乡镇（街道）", "县", "组"],
            ["乡镇（街道）办理", "村（社区）级办理"],
            "转报乡镇（街道）",
        ),
    ],
    ids=["rural", "urban", "both"],
)
def test_standard_words_are_shown_in_the_countys_words(
    words: vocab.PlaceWords, levels: list[str], decided: list[str], forwarded: str
) -> None:
    """A policy's step levels and `where`, and the register's 转报乡镇, as each kind of county reads them."""
    assert [words.of(level) for level in (*vocab.STEP_LEVELS, vocab.GROUP)] == levels
    assert [words.decided(where) for where in vocab.DECIDED_AT] == decided
    assert words.step(vocab.FORWARDED) == forwarded
    others = [s for s in vocab.APPLICATION_STATUSES if s != vocab.FORWARDED]
    assert [words.step(s) for s in others] == others
    assert words.decided("别处办理") == "别处办理" and words.of("省") == "省"
