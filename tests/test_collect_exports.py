"""ODK Central and KoboToolbox exports: identity across exports, edits, review decisions, atomic imports."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, read_rows
from yizhan.feedback import messages
from yizhan.load import load
from yizhan.validate import validate

Run = Callable[..., tuple[int, str, str]]
EXPORTS = FIXTURES / "collect"


@pytest.fixture
def county(mini: Path) -> Path:
    shutil.copytree(REPO / "forms", mini / "forms")
    return mini


def imported(county: Path, run: Run, *names: str, skip: bool = False) -> tuple[int, str]:
    files = [str(EXPORTS / n) for n in names]
    args = ["collect", "import", "--project", str(county), "yijian", *files]
    code, out, _ = run(*args, *(["--skip-invalid"] if skip else []))
    return code, out


def by_id(county: Path) -> dict[str, dict[str, str]]:
    rows = read_rows(county / "datasets/意见建议.csv")
    return {r[0]: dict(zip(rows[0], r, strict=False)) for r in rows[1:]}


def row_of(county: Path, feedback_id: str) -> int:
    rows = read_rows(county / "datasets/意见建议.csv")
    return next(n for n, r in enumerate(rows, start=1) if r[0] == feedback_id)


@pytest.mark.parametrize(
    "first,second",
    [("central-1.csv", "central-2.csv"), ("kobo-1.csv", "kobo-2.csv"), ("kobo-1.csv", "kobo-2-old.csv")],
)
def test_overlapping_exports_edit_and_review(county: Path, run: Run, first: str, second: str) -> None:
    before = len(read_rows(county / "datasets/意见建议.csv"))
    code, out = imported(county, run, first)
    assert code == 0, out
    data = by_id(county)
    assert [k for k in data if k.startswith("YJ202611-09")] == [f"YJ202611-090{i}" for i in range(1, 5)]
    assert data["YJ202611-0903"]["提交编号"].endswith("0903") or data["YJ202611-0903"]["提交编号"].endswith(
        "0703"
    )
    row = row_of(county, "YJ202611-0903")
    code, out = imported(county, run, second)
    assert code == 0, out
    data = by_id(county)
    assert len(read_rows(county / "datasets/意见建议.csv")) == before + 5  # 0901–0905; 0906 was turned down
    assert "YJ202611-0906" not in data
    assert data["YJ202611-0903"]["办理状态"] == "已办结" and data["YJ202611-0903"]["办结日期"] == "2026-11-20"
    assert row_of(county, "YJ202611-0903") == row  # updated in place, not added again
    assert messages.text("YZ-FORM-036", count=1, backup=county / "datasets/意见建议.csv.bak")[0] in out
    change = messages.text("YZ-FORM-030", source="datasets/意见建议.csv", row=row, title="办理状态",
                           old="办理中", new="已办结")[0]  # fmt: skip
    assert change in out
    flag = "有问题" if first.startswith("central") else "暂缓"
    assert data["YJ202611-0905"]["审核标记"] == flag
    state = "hasIssues" if flag == "有问题" else "validation_status_on_hold"
    tool = "ODK Central" if flag == "有问题" else "KoboToolbox"
    listed = messages.text("YZ-FORM-032", source=second, row=4, tool=tool, state=state, flag=flag)[0]
    assert listed in out
    rejected = "rejected" if tool == "ODK Central" else "validation_status_not_approved"
    turned_down = messages.text("YZ-FORM-031", tool=tool, state=rejected, count=1, rows=f"{second} 第5行")[0]
    assert turned_down in out  # the rejected one is listed
    assert validate(load(county)).valid
    after = (county / "datasets/意见建议.csv").read_bytes()
    code, out = imported(county, run, first, second)  # everything again: nothing changes
    assert code == 0, out
    assert (county / "datasets/意见建议.csv").read_bytes() == after


def test_identical_entries_stay_apart_with_ids(county: Path, run: Run, tmp_path: Path) -> None:
    """Two 台账 submissions with the same answers are two entries; the same submission again is not."""
    header = ["SubmissionDate", "date", "station_id", "service_type", "count", "note", "meta-instanceID", "KEY",
              "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState",
              "DeviceID", "Edits", "FormVersion"]  # fmt: skip
    entry = ["2026-11-18", "YZ-01-001", "代办", "3", ""]
    rows = [header] + [
        ["2026-11-18T08:00:00.000Z", *entry, f"uuid:t{i}", f"uuid:t{i}", "7", "采集员", "0", "0", "", "", "", "0", "2026111"]
        for i in (1, 2)
    ]  # fmt: skip
    source = tmp_path / "taizhang.csv"
    source.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    services = county / "datasets/服务台账.csv"
    before = len(read_rows(services))
    for _ in range(2):
        code, out, _ = run("collect", "import", "--project", str(county), "taizhang", str(source))
        assert code == 0, out
    added = read_rows(services)[before:]
    assert [r[:5] for r in added] == [entry, entry] and [r[5] for r in added] == ["t1", "t2"]


def test_central_zip_reads_the_root_table(county: Path, run: Run) -> None:
    code, out = imported(county, run, "central-1.zip")
    assert code == 0, out
    assert "YJ202611-0904" in by_id(county)


def test_not_a_central_zip(county: Path, run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "export.zip"
    bad.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    code, out, _ = run("collect", "import", "--project", str(county), "yijian", str(bad))
    assert code == 1
    assert f"export.zip: {messages.text('YZ-FORM-034', value='export.zip')[0]}" in out


@pytest.mark.parametrize("name,tool", [("central-badphone.csv", "central"), ("kobo-labels.csv", "kobo")])
def test_bad_phone_on_known_row(county: Path, run: Run, name: str, tool: str) -> None:
    before = (county / "datasets/意见建议.csv").read_bytes()
    code, out = imported(county, run, name)
    assert code == 1
    assert f"{name} 第4行" in out and "联系电话" in out
    assert messages.text("YZ-DATA-010", value="139123")[0] in out
    assert (county / "datasets/意见建议.csv").read_bytes() == before
    code, out = imported(county, run, name, skip=True)
    assert code == 0, out
    assert "检查未通过" not in out
    data = by_id(county)
    assert "YJ202611-0901" in data and "YJ202611-0905" not in data
    rejects = read_rows(EXPORTS / f"{Path(name).stem}.未导入.csv")
    (EXPORTS / f"{Path(name).stem}.未导入.csv").unlink()
    assert len(rejects) == 2 and "139123" in rejects[1]
    if tool == "kobo":
        assert "YJ202611-0906" not in data  # "Not Approved" in the label export


def test_duplicate_key_across_two_files_writes_nothing(county: Path, run: Run, tmp_path: Path) -> None:
    """Two files of one import give the same 编号 to different submissions: caught before writing."""
    rows = read_rows(EXPORTS / "central-1.csv")
    other = [list(r) for r in rows[:2]]
    other[1][rows[0].index("KEY")] = "uuid:someone-else"
    other[1][rows[0].index("s_receive-topic")] = "别的事"
    second = tmp_path / "central-other.csv"
    second.write_text("\n".join(",".join(r) for r in other) + "\n", encoding="utf-8")
    before = (county / "datasets/意见建议.csv").read_bytes()
    code, out, _ = run(
        "collect", "import", "--project", str(county), "yijian", str(EXPORTS / "central-1.csv"), str(second)
    )
    assert code == 1, out
    duplicate = messages.text(
        "YZ-FORM-037", value="YJ202611-0901", other="本次导入的 central-1.csv 第2行", title="编号"
    )[0]
    assert f"central-other.csv 第2行 列「编号」: {duplicate}" in out
    assert (county / "datasets/意见建议.csv").read_bytes() == before
    code, out, _ = run(
        "collect",
        "import",
        "--project",
        str(county),
        "yijian",
        str(EXPORTS / "central-1.csv"),
        str(second),
        "--skip-invalid",
    )
    assert code == 0, out
    assert validate(load(county)).valid


def test_kobo_xlsx_labels_with_choice_columns_only(county: Path, run: Run, tmp_path: Path) -> None:
    """A Kobo XLSX export by label, select_multiple as one 0/1 column per choice ("details"), no summary column."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    choices = ["进度滞后", "质量问题", "安全隐患", "资金公示不到位", "群众有意见", "其他"]
    sheet.append(["start", "end", "一、项目/监督日期", "一、项目/项目编号", "一、项目/项目名称", "一、项目/项目所处阶段",
                  "二、现场查看/项目公示牌是否按规定张贴", "二、现场查看/施工质量、进度是否正常",
                  *[f"二、现场查看/发现的问题（可多选）/{c}" for c in choices],
                  "_id", "_uuid", "_submission_time", "_validation_status", "__version__", "_index"])  # fmt: skip
    sheet.append(["2026-11-18T09:00:00", "2026-11-18T09:10:00", "2026-11-18", "XM2026-125", "村道硬化", "在建",
                  "是", "否", 1, 0, 1, 0, 0, 0, 901, "7c1d-0001", "2026-11-18T01:11:00", "Approved", "v1", 1])  # fmt: skip
    source = tmp_path / "jiandu.xlsx"
    book.save(source)
    code, out, _ = run("collect", "import", "--project", str(county), "jiandu", str(source))
    assert code == 0, out
    rows = read_rows(county / "datasets/民生工程监督.csv")
    entry = dict(zip(rows[0], rows[-1], strict=False))
    assert entry["发现的问题（可多选）"] == "进度滞后；安全隐患" and entry["提交编号"] == "7c1d-0001"


def test_skip_invalid_treats_a_bad_file_like_bad_rows(county: Path, run: Run, tmp_path: Path) -> None:
    """A file whose header cannot be read is set aside whole with --skip-invalid; the other file imports."""
    rows = read_rows(EXPORTS / "central-1.csv")
    rows[0][rows[0].index("s_receive-topic")] = "s_receive-subject_typo"
    broken = tmp_path / "central-broken.csv"
    broken.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    before = (county / "datasets/意见建议.csv").read_bytes()
    code, out, _ = run(
        "collect", "import", "--project", str(county), "yijian", str(broken), str(EXPORTS / "kobo-2.csv")
    )
    assert code == 1 and "central-broken.csv 第1行" in out and "不认识的列「s_receive-subject_typo」" in out
    assert (county / "datasets/意见建议.csv").read_bytes() == before
    code, out, _ = run(
        "collect",
        "import",
        "--project",
        str(county),
        "yijian",
        str(broken),
        str(EXPORTS / "kobo-2.csv"),
        "--skip-invalid",
    )
    assert code == 0 and "检查未通过" not in out, out
    assert messages.text("YZ-FORM-025", count=4, rejects=tmp_path / "central-broken.未导入.csv")[0] in out
    data = by_id(county)
    assert "YJ202611-0903" in data and "YJ202611-0901" not in data


def test_an_edit_that_breaks_the_dataset_writes_nothing(county: Path, run: Run, tmp_path: Path) -> None:
    """An edited submission takes another record's 编号: the whole resulting dataset fails, nothing is written."""
    code, out = imported(county, run, "central-1.csv")
    assert code == 0, out
    rows = read_rows(EXPORTS / "central-1.csv")
    rows[2][rows[0].index("s_receive-feedback_id")] = "YJ202611-0901"  # 0902 edited to 0901's number
    edited = tmp_path / "central-edited.csv"
    edited.write_text("\n".join(",".join(r) for r in (rows[0], rows[2])) + "\n", encoding="utf-8")
    before = (county / "datasets/意见建议.csv").read_bytes()
    code, out, _ = run("collect", "import", "--project", str(county), "yijian", str(edited))
    assert code == 1
    assert f"datasets/意见建议.csv: {messages.text('YZ-FORM-035')[0]}" in out
    assert (county / "datasets/意见建议.csv").read_bytes() == before


def test_one_id_twice_with_different_answers_keeps_the_later(county: Path, run: Run, tmp_path: Path) -> None:
    lines = (EXPORTS / "kobo-1.csv").read_text(encoding="utf-8").splitlines()
    later = lines[1].replace("村口道路坑洼，雨天积水。", "村口道路坑洼，已修补。")
    source = tmp_path / "kobo-twice.csv"
    source.write_text("\n".join([lines[0], lines[1], later]) + "\n", encoding="utf-8")
    code, out, _ = run("collect", "import", "--project", str(county), "yijian", str(source))
    assert code == 0, out
    uuid = "6e1f3c2a-8d4b-4b1e-a1c2-000000000701"
    assert (
        f"kobo-twice.csv 第3行: （警告）{messages.text('YZ-FORM-033', value=uuid, other='kobo-twice.csv 第2行')[0]}"
        in out
    )
    assert by_id(county)["YJ202611-0901"]["内容摘要"] == "村口道路坑洼，已修补。"
