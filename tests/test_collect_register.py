"""Every form has a home: all nine import into their datasets; applications into the 申请受理登记."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, read_rows, write_rows
from yizhan.feedback import messages
from yizhan.forms import load_forms, with_datasets
from yizhan.forms.model import Field
from yizhan.forms.schema import column_titles
from yizhan.load import load
from yizhan.rules.numbers import id_check_char
from yizhan.validate import validate

Run = Callable[..., tuple[int, str, str]]
ID17 = "99010119800101123"
# References name rows the mini county has: a closed 意见建议 item, a project, a 问题整改台账 item.
EXAMPLES = {"station_id": "YZ-01-001", "feedback_id": "YJ202512-0054", "application_id": "SQ202611-0901",
            "project_id": "XM2026-125", "referral_id": "YJ202512-0054", "problem_id": "WT202611-0001",
            "township": "城关镇"}  # fmt: skip
# Answers one form needs to be consistent: a 问题 answered in full (措施, 销号日期) is 已销号.
FORM_EXAMPLES = {
    "zhenggai": {"status": "已销号", "problem_id": "WT202611-0901"},
    "yijian": {"feedback_id": "YJ202611-0901"},
}  # a new item, not the revisited one
BY_KIND = {"date": "2026-11-18", "integer": "2", "money": "300", "decimal": "1.5", "name": "王某某",
           "id_number": ID17 + id_check_char(ID17), "phone": "13912345678", "address": "福塘村三组",
           "text": "示例", "textarea": "示例说明"}  # fmt: skip


@pytest.fixture
def county(mini: Path) -> Path:
    shutil.copytree(REPO / "forms", mini / "forms")
    return mini


def value_for(item: Field, code: str = "") -> str:
    if item.key in FORM_EXAMPLES.get(code, {}):
        return FORM_EXAMPLES[code][item.key]
    if item.key in EXAMPLES:
        return EXAMPLES[item.key]
    if item.choice_list:
        return item.choice_list[0]
    return BY_KIND.get(item.kind, "示例")


def forms_of(county: Path) -> dict[str, object]:
    project = load(county)
    raw = {code.rsplit("/", 1)[-1].removesuffix(".yml"): d.data for code, d in project.form_docs.items()}
    return {f.code: f for f in load_forms(with_datasets(raw, project.specs))}


@pytest.mark.parametrize(
    "code", ["yijian", "taizhang", "huifang", "jiandu", "zoufang", "dibao", "linshi", "tekun", "zhenggai"]
)
def test_every_form_imports_into_its_dataset(county: Path, tmp_path: Path, run: Run, code: str) -> None:
    form = forms_of(county)[code]
    assert form.dataset, f"{code} has no dataset"
    titles = column_titles(form)
    fields = [f for f in form.value_fields if f.key in form.dataset_columns]
    source = tmp_path / f"{code}.csv"
    write_rows(source, [[titles[f.key] for f in fields], [value_for(f, code) for f in fields]])
    code_, out, _ = run("collect", "import", "--project", str(county), code, str(source))
    assert code_ == 0, out
    path = county / "datasets" / f"{form.dataset_title}.csv"
    rows = read_rows(path)
    last = dict(zip(rows[0], rows[-1], strict=False))
    for item in fields:
        assert last[titles[item.key]] == value_for(item, code).replace("/", "-")
    assert validate(load(county)).valid


def test_application_register_keeps_the_townships_steps(county: Path, tmp_path: Path, run: Run) -> None:
    """A Central export of 临时救助 → 申请受理登记 under policy linshi at 受理; later steps survive re-import."""
    header = ["SubmissionDate", "s_register-application_id", "s_register-received_date", "s_register-station_id",
              "s_applicant-applicant_name", "s_applicant-id_number", "s_applicant-phone", "s_applicant-household_size",
              "meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
              "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]  # fmt: skip
    row = ["2026-09-25T02:00:00.000Z", "SQ202609-0001", "2026-09-25", "YZ-01-001", "王某某", BY_KIND["id_number"],
           "13912345678", "3", "uuid:a1", "uuid:a1", "7", "采集员", "0", "0", "", "", "", "0", "2026111"]  # fmt: skip
    source = tmp_path / "linshi.csv"
    write_rows(source, [header, row])
    code, out, _ = run("collect", "import", "--project", str(county), "linshi", str(source))
    assert code == 0, out
    register = county / "datasets/申请受理登记.csv"
    rows = read_rows(register)
    entry = dict(zip(rows[0], rows[-1], strict=False))
    assert (entry["受理编号"], entry["政策编号"], entry["办理状态"], entry["申请人"]) == (
        "SQ202609-0001",
        "linshi",
        "受理",
        "王某某",
    )
    assert "公民身份号码" not in rows[0]  # the application's other answers stay on the server
    # The township forwards it; then the applicant's phone is corrected on the server and exported again.
    rows[-1][rows[0].index("办理状态")] = "转报乡镇"
    rows[-1][rows[0].index("转报乡镇日期")] = "2026-10-19"
    write_rows(register, rows)
    row[header.index("s_applicant-phone")], row[header.index("Edits")] = "13912345670", "1"
    write_rows(source, [header, row])
    code, out, _ = run("collect", "import", "--project", str(county), "linshi", str(source))
    assert code == 0, out
    entry = dict(zip(*[read_rows(register)[i] for i in (0, -1)], strict=False))
    assert (entry["联系电话"], entry["办理状态"], entry["转报乡镇日期"]) == (
        "13912345670",
        "转报乡镇",
        "2026-10-19",
    )
    assert "「联系电话」：13912345678 → 13912345670" in out
    assert "办理状态" not in out.split("「联系电话」")[1]


def test_register_rules_are_located(county: Path) -> None:
    register = county / "datasets/申请受理登记.csv"
    rows = read_rows(register)
    blank = dict.fromkeys(rows[0], "")
    good = blank | {"受理编号": "SQ202611-0001", "受理日期": "2026-11-02", "驿站编号": "YZ-01-001", "政策编号": "dibao",
                    "申请人": "王某", "办理状态": "审核", "转报乡镇日期": "2026-11-10", "审核日期": "2026-11-12"}  # fmt: skip
    early = good | {"受理编号": "SQ202611-0002", "转报乡镇日期": "2026-11-01"}
    missing = good | {"受理编号": "SQ202611-0003", "审核日期": ""}
    unknown = good | {"受理编号": "SQ202611-0004", "政策编号": "nosuch"}
    write_rows(register, [rows[0], *[[r[t] for t in rows[0]] for r in (good, early, missing, unknown)]])
    text = validate(load(county)).to_text()
    assert (
        "datasets/申请受理登记.csv 第3行 H列「转报乡镇日期」: 转报乡镇日期 2026-11-01 早于受理日期 2026-11-02"
        in text
    )
    assert 'datasets/申请受理登记.csv 第4行 I列「审核日期」: 状态为"审核"时应填写「审核日期」' in text
    assert '第5行 D列「政策编号」: 政策编号 "nosuch" 不存在' in text
    assert "第2行" not in text


def test_deadline_in_an_unknown_year_is_a_warning_until_the_county_adds_it(county: Path) -> None:
    register = county / "datasets/申请受理登记.csv"
    rows = read_rows(register)
    entry = dict.fromkeys(rows[0], "") | {"受理编号": "SQ202612-0001", "受理日期": "2026-12-20", "驿站编号": "YZ-01-001",
                                         "政策编号": "dibao", "申请人": "王某", "办理状态": "受理"}  # fmt: skip
    write_rows(register, [rows[0], [entry[t] for t in rows[0]]])
    report = validate(load(county))
    warning = messages.text("YZ-RULE-012", years="2027")[0]
    assert report.valid and f"content/county.yml: （警告）{warning}" in report.to_text()
    settings = county / "content/county.yml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "workdays:\n  holidays: [2027-01-01]\n  workdays: []\n",
        encoding="utf-8",
    )
    assert warning not in validate(load(county)).to_text()
