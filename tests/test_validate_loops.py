"""The four loops' rules: every reference between 走访, 回访, 监督 and the 问题整改台账 exists; 挂账销号."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import edit_cell, read_rows, write_rows
from yizhan.derive import derive, public_view
from yizhan.feedback import messages
from yizhan.feedback.report import Report
from yizhan.load import load
from yizhan.privacy.secrets import collect_secrets
from yizhan.validate import to_model, validate

VISITS = "datasets/走访记录.csv"
REVISITS = "datasets/回访记录.csv"
INSPECTIONS = "datasets/民生工程监督.csv"
PROBLEMS = "datasets/问题整改台账.csv"


def expected(where: str, code: str, **values: object) -> str:
    problem, fix = messages.text(code, **values)
    return f"{where}: {problem} —— {fix}"


def found(project: Path) -> list[str]:
    return [str(p) for p in validate(load(project)).problems]


def letter(path: Path, title: str) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[read_rows(path)[0].index(title)]


def at(mini: Path, table: str, row: int, title: str) -> str:
    return f"{table} 第{row}行 {letter(mini / table, title)}列「{title}」"


def test_the_fixtures_loops_are_consistent(mini: Path) -> None:
    """The mini county's 走访, 回访, 监督 and 问题 rows point at rows that exist: no problem at all."""
    assert found(mini) == []


@pytest.mark.parametrize(
    ("table", "row", "title", "value", "code"),
    [
        (VISITS, 2, "转办编号", "SQ202611-0999", "YZ-LOOP-001"),
        (VISITS, 4, "转办编号", "YJ209901-0001", "YZ-LOOP-001"),
        (VISITS, 2, "问题编号", "WT202611-0999", "YZ-LOOP-002"),
        (INSPECTIONS, 3, "问题编号", "WT209901-0001", "YZ-LOOP-002"),
        (REVISITS, 2, "意见建议登记编号", "YJ209901-0001", "YZ-LOOP-003"),
        (INSPECTIONS, 2, "项目编号", "XM2099-001", "YZ-LOOP-005"),
        (PROBLEMS, 3, "驿站编号", "YZ-09-001", "YZ-RULE-003"),
        (PROBLEMS, 3, "所属乡镇", "福塘村", "YZ-RULE-001"),
    ],
    ids=[
        "referral-sq",
        "referral-yj",
        "visit-problem",
        "inspection-problem",
        "revisit-feedback",
        "inspection-project",
        "problem-station",
        "problem-township",
    ],
)
def test_a_reference_to_nothing_is_located(
    mini: Path, table: str, row: int, title: str, value: str, code: str
) -> None:
    edit_cell(mini / table, row, title, value)
    problems = found(mini)
    assert expected(at(mini, table, row, title), code, value=value) in problems
    assert len(problems) == 1, problems


def test_an_application_counts_as_a_referral(mini: Path) -> None:
    """A 转办编号 that is a 受理编号 of the 申请受理登记 is found there."""
    register = mini / "datasets/申请受理登记.csv"
    rows = read_rows(register)
    entry = dict.fromkeys(rows[0], "")
    entry.update({"受理编号": "SQ202611-0001", "受理日期": "2026-11-05", "驿站编号": "YZ-01-001",
                  "政策编号": "dibao", "申请人": "钱满仓", "联系电话": "13912345678", "办理状态": "受理"})  # fmt: skip
    write_rows(register, [rows[0], list(entry.values())])
    edit_cell(mini / VISITS, 2, "转办编号", "SQ202611-0001")
    assert found(mini) == []


def test_a_revisit_of_an_open_item_is_refused(mini: Path) -> None:
    """回访 comes after 办结: an 意见建议 item still 办理中 cannot be revisited."""
    feedback = mini / "datasets/意见建议.csv"
    row = next(n for n, r in enumerate(read_rows(feedback), start=1) if r[0] == "YJ202601-0002")
    edit_cell(feedback, row, "办理状态", "办理中")
    edit_cell(feedback, row, "办结日期", "")
    problems = found(mini)
    want = expected(
        at(mini, REVISITS, 3, "意见建议登记编号"), "YZ-LOOP-004", value="YJ202601-0002", status="办理中",
        done="已办结",
    )  # fmt: skip
    assert want in problems and len(problems) == 1, problems


@pytest.mark.parametrize("title", ["销号日期", "整改措施"])
def test_written_off_needs_its_date_and_its_measures(mini: Path, title: str) -> None:
    edit_cell(mini / PROBLEMS, 2, title, "")
    problems = found(mini)
    want = expected(at(mini, PROBLEMS, 2, title), "YZ-LOOP-006", status="已销号", title=title)
    assert want in problems and len(problems) == 1, problems


def test_a_written_off_date_needs_the_written_off_status(mini: Path) -> None:
    edit_cell(mini / PROBLEMS, 3, "销号日期", "2026-11-18")
    problems = found(mini)
    want = expected(
        at(mini, PROBLEMS, 3, "销号日期"), "YZ-LOOP-007", value="2026-11-18", status="整改中", done="已销号"
    )
    assert want in problems and len(problems) == 1, problems


@pytest.mark.parametrize(("title", "value"), [("整改时限", "2026-10-01"), ("销号日期", "2026-10-11")])
def test_no_date_before_the_day_it_was_found(mini: Path, title: str, value: str) -> None:
    edit_cell(mini / PROBLEMS, 2, title, value)
    problems = found(mini)
    want = expected(
        at(mini, PROBLEMS, 2, title), "YZ-RULE-006", later_title=title, later=value, earlier_title="发现日期",
        earlier="2026-10-12",
    )  # fmt: skip
    assert want in problems and len(problems) == 1, problems


def test_status_words_and_required_columns(mini: Path) -> None:
    """The enum and the required columns come from the schema: 状态 must be one of the three words."""
    edit_cell(mini / PROBLEMS, 4, "状态", "差不多了")
    edit_cell(mini / PROBLEMS, 5, "责任人", "")
    problems = found(mini)
    assert expected(at(mini, PROBLEMS, 4, "状态"), "YZ-DATA-005", value="差不多了",
                    choices="待整改、整改中、已销号") in problems  # fmt: skip
    assert expected(at(mini, PROBLEMS, 5, "责任人"), "YZ-DATA-003", title="责任人") in problems


def test_what_officers_type_is_read_as_the_word(mini: Path) -> None:
    edit_cell(mini / PROBLEMS, 4, "来源", "群众反映的")
    project = load(mini)
    assert project.datasets["problems"].frame.loc[4, "source"] == "群众反映"
    assert validate(project).valid


def test_many_bad_rows_are_one_message_and_the_checks_take_whole_columns(mini: Path) -> None:
    """300 visits pointing at nothing: one grouped message (the check compares columns, not rows)."""
    rows = read_rows(mini / VISITS)
    column = rows[0].index("问题编号")
    extra = [list(rows[2]) for _ in range(300)]
    for number, row in enumerate(extra):
        row[column] = f"WT209901-{number:04d}"
    write_rows(mini / VISITS, rows + extra)
    problems = [p for p in validate(load(mini)).problems if p.code == "YZ-LOOP-002"]
    assert len(problems) == 1 and "300" in problems[0].problem


def test_the_responsible_person_is_published_only_when_the_county_lists_the_name(mini: Path) -> None:
    """PublicData never holds a non-official 责任人; the listed official is not a secret for the gate."""
    project = load(mini)
    model = to_model(project)
    assert model.county.public_officials == ("程立新",)
    data = derive(model)
    published = data.tables["problems"].set_index("problem_id")["responsible"].to_dict()
    assert published == {"WT202610-0001": "程立新", "WT202611-0001": "", "WT202611-0002": "",
                         "WT202611-0003": "程立新"}  # fmt: skip
    for frame in data.tables.values():
        assert not frame.isin(["龚向晖"]).any().any()
    secrets = collect_secrets(model)
    assert "龚向晖" in secrets.values and "程立新" not in secrets.values


def test_a_county_without_the_list_publishes_no_responsible_person() -> None:
    spec = load(Path(__file__).parent / "fixtures/mini").specs["problems"]
    frame = pd.DataFrame({c.key: ["程立新", " 龚向晖 "] for c in spec.columns})
    assert list(public_view(frame, spec)["responsible"]) == ["", ""]
    assert list(public_view(frame, spec, frozenset({"龚向晖"}))["responsible"]) == ["", "龚向晖"]


def test_public_officials_must_be_a_list(mini: Path) -> None:
    county = mini / "content/county.yml"
    text = county.read_text(encoding="utf-8").replace(
        "public_officials:\n  - 程立新", "public_officials: 程立新"
    )
    county.write_text(text, encoding="utf-8")
    report = Report()
    report.extend(validate(load(mini)))
    assert [p.code for p in report.problems if p.where and p.where.file == "content/county.yml"]
