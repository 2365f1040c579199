"""The vocabulary and the data package agree: every value list in the schemas is the one in vocab.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO
from yizhan import vocab

ENUMS = {
    ("驿站名录", "level"): vocab.LEVELS,
    ("驿站名录", "status"): vocab.STATION_STATUSES,
    ("意见建议", "status"): vocab.FEEDBACK_STATUSES,
    ("意见建议", "category"): vocab.FEEDBACK_CATEGORIES,
    ("民生工程项目", "status"): vocab.PROJECT_STATUSES,
    ("救助对象", "category"): vocab.RECIPIENT_CATEGORIES,
}


@pytest.mark.parametrize(
    "project", [REPO, FIXTURES / "mini", FIXTURES / "urban"], ids=["example", "mini", "urban"]
)
def test_schema_value_lists_are_the_vocabulary(project: Path) -> None:
    for (table, key), words in ENUMS.items():
        schema = json.loads((project / f"datasets/schemas/{table}.schema.json").read_text(encoding="utf-8"))
        field = next(f for f in schema["fields"] if f["key"] == key)
        assert tuple(field["constraints"]["enum"]) == words, (table, key)
        assert {f.get("publication", vocab.PUBLIC) for f in schema["fields"]} <= set(vocab.PUBLICATIONS)


def test_named_townships_answer_to_their_government() -> None:
    assert vocab.government_of("城关镇") == "城关镇人民政府"
    assert vocab.government_of("城关街道") == "城关街道办事处"
