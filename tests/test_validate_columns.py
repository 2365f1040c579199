"""The row rules read whole columns first: on scrambled tables they say exactly what reading every row says."""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pandas as pd
import pytest

from yizhan.buildkit.paths import tool_root
from yizhan.feedback.report import WARNING, Report
from yizhan.load import load
from yizhan.model.project import Dataset, Project
from yizhan.rules.vocab import GROUP, TOWNSHIP, VILLAGE, tier_of
from yizhan.validate import REFERRED_TO, applications, tables, validate, validate_table

SEEDS = range(4)
ROWS = 1500  # of each table: enough for every kind of fault, quick to read row by row


@pytest.fixture(scope="module")
def project() -> Project:
    return load(tool_root())


def scrambled(dataset: Dataset, seed: int, share: float = 0.15) -> Dataset:
    """The table with a share of its cells swapped for another row's value, a blank or a stray word."""
    rng = random.Random(seed)
    frame = dataset.frame.sample(n=min(ROWS, len(dataset.frame)), random_state=seed).sort_index()
    odd = ["", "", "x", "2026-13-01", "2099-01-01", "2000-01-01", "1e3", "1_000", " 7 ", "nan"]
    for key in frame.columns:
        pool = list(frame[key].unique()) + odd
        values = frame[key].to_list()
        for i in range(len(values)):
            if rng.random() < share:
                values[i] = rng.choice(pool)
        frame[key] = pd.Series(values, index=frame.index, dtype=object)
    return replace(dataset, frame=frame)


def policies(project: Project) -> set[str]:
    return {str(d.data.get("id")) for d in project.policy_docs.values() if isinstance(d.data, dict)}


def every_row(check, dataset: Dataset, *args: object) -> Report:
    report = Report()
    for row, item in dataset.frame.iterrows():
        check(dataset, row, item, *args, report)
    return report


# Each table: the share of cells scrambled, its column-wise check and row rule, whether they take the
# policy ids, and the codes the scrambled copies must raise (so the comparison is not of empty reports).
TABLES = {
    "applications": (0.15, applications.check_applications, applications._check_row, True,
                     {"YZ-RULE-004", "YZ-RULE-006", "YZ-RULE-009", "YZ-RULE-010"}),
    "projects": (0.15, tables.check_projects, tables._check_project, True,
                 {"YZ-RULE-004", "YZ-RULE-005", "YZ-RULE-006", "YZ-RULE-009", "YZ-RULE-010"}),
    "feedback": (0.3, tables.check_feedback, tables._check_opinion, False, {"YZ-RULE-006", "YZ-RULE-009"}),
}  # fmt: skip


@pytest.mark.parametrize("table", TABLES)
def test_columns_match_every_row(project: Project, table: str) -> None:
    share, check_columns, check_row, by_policy, expected = TABLES[table]
    extra = (policies(project),) if by_policy else ()
    codes = set()
    for seed in SEEDS:
        dataset = scrambled(project.datasets[table], seed, share=share)
        fast = Report()
        check_columns(dataset, *extra, fast)
        slow = every_row(check_row, dataset, *extra)
        assert fast.problems == slow.problems
        codes |= {p.code for p in fast.problems}
    assert codes >= expected


def hierarchy_row_by_row(stations: Dataset, report: Report) -> None:
    """The register's place rules as they read before, one pandas row at a time (the reference)."""
    frame = stations.frame
    levels = frame["level"].map(tier_of)
    unknown = frame[~frame["level"].isin(("乡镇", "村", "组", "街道", "社区", "网格"))]
    towns = frame[levels == TOWNSHIP]
    town_ids = dict(zip(towns["township"], towns["station_id"], strict=True))
    villages = frame[levels == VILLAGE]
    village_ids = {(t, v): s for t, v, s in zip(villages["township"], villages["village"], villages["station_id"], strict=True)}  # fmt: skip
    unsure_towns = set(unknown["township"])
    unsure_villages = set(zip(unknown["township"], unknown["village"], strict=True))
    orphans: dict[str, list] = {"YZ-RULE-001": [], "YZ-RULE-002": []}
    for row, item in frame.iterrows():
        level = levels[row]
        if level not in (VILLAGE, GROUP):
            continue
        if item["township"] not in town_ids:
            if item["township"] not in unsure_towns:
                orphans["YZ-RULE-001"].append((tables.where(stations, row, "township"), {"value": item["township"]}))  # fmt: skip
            continue
        missing = [k for k in ["village"] + (["group"] if level == GROUP else []) if not item[k]]
        for key in missing:
            title = stations.spec.column(key).title
            report.add("YZ-RULE-007", tables.where(stations, row, key), level=item["level"], title=title)
        if missing:
            continue
        if level == VILLAGE:
            parent = town_ids[item["township"]]
        elif (item["township"], item["village"]) in village_ids:
            parent = village_ids[(item["township"], item["village"])]
        else:
            if (item["township"], item["village"]) not in unsure_villages:
                values = {"value": item["village"], "township": item["township"]}
                orphans["YZ-RULE-002"].append((tables.where(stations, row, "village"), values))
            continue
        if not str(item["station_id"]).startswith(parent + "-"):
            place = tables.where(stations, row, "station_id")
            report.add("YZ-RULE-008", place, value=item["station_id"], parent=parent)
    for code, found in orphans.items():
        report.add_rows(code, found)


def test_hierarchy_columns_match_every_row(project: Project) -> None:
    codes = set()
    for seed in SEEDS:
        stations = scrambled(project.datasets["stations"], seed, share=0.03)
        fast, slow = Report(), Report()
        found = tables.check_hierarchy(stations, fast)
        hierarchy_row_by_row(stations, slow)
        assert fast.problems == slow.problems
        assert found[2] == set(stations.frame["station_id"])
        codes |= {p.code for p in fast.problems}
    assert codes >= {"YZ-RULE-001", "YZ-RULE-002", "YZ-RULE-007", "YZ-RULE-008"}


@pytest.mark.parametrize("seed", SEEDS)
def test_dates_after_the_edition_match_every_row(project: Project, seed: int) -> None:
    services = scrambled(project.datasets["services"], seed, share=0.05)
    fast, slow = Report(), Report()
    tables.check_not_after(services, ("date",), "2026-03-31", fast)
    fast.group_rows()
    for row, value in services.frame["date"].items():
        if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and value > "2026-03-31":
            slow.add("YZ-RULE-011", tables.where(services, row, "date"), severity=WARNING, title="日期",
                     value=value, edition="2026-03-31")  # fmt: skip
    slow.group_rows()  # as `validate` does after its row checks
    assert fast.problems == slow.problems and fast.problems[0].rows


def test_free_text_columns_are_skipped_only_where_no_cell_can_fail(project: Project) -> None:
    services = scrambled(project.datasets["services"], 1, share=0.2)
    skipped = 0
    for field in tables._frictionless_schema(services).fields:
        if field.type == "string" and field.format == "default" and not field.constraints:
            read = field.create_cell_reader()
            key = next(c.key for c in services.spec.columns if c.title == field.name)
            cells = [*services.frame[key].unique(), "", " ", "2026-13-01", "<b>", "\x00"]
            assert [v for v in cells if read(v)[1]] == []
            skipped += 1
    assert skipped
    found = Report()
    tables.check_types(services, found)  # the other columns are still read
    assert {p.code for p in found.problems} >= {"YZ-DATA-004"}


def test_one_tables_checks_are_what_validate_reports_in_its_file(project: Project) -> None:
    """validate_table, used by the workbench's merge check, against the whole county's validation."""
    found = set()
    before = validate(project).problems
    for seed, name in enumerate(sorted(project.datasets)):
        changed = scrambled(project.datasets[name], seed, share=0.05)
        trial = replace(project, datasets={**project.datasets, name: changed})
        whole = validate(trial)
        own = [
            p
            for p in whole.problems[len(trial.load_report.problems) :]
            if p.where and p.where.file == changed.source
        ]
        alone = validate_table(trial, name)
        assert alone.problems == own, name
        if name not in REFERRED_TO:  # everything else is in other files and the same as before the change
            others = [p for p in whole.problems if p not in own]
            assert [p for p in before if not (p.where and p.where.file == changed.source)] == others
        found |= {p.code for p in alone.errors}
    assert {"YZ-DATA-004", "YZ-RULE-003", "YZ-RULE-006"} <= found
