"""Validation: every class of bad input gets its located Chinese message and exit 1."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from conftest import edit_cell, read_rows, write_rows
from yizhan.feedback import messages
from yizhan.load import load
from yizhan.validate import validate

Run = Callable[..., tuple[int, str, str]]
STATIONS = "datasets/驿站名录.csv"


def expected(where: str, code: str, **values: object) -> str:
    problem, fix = messages.text(code, **values)
    return f"{where}: {problem} —— {fix}"


def messages_of(project: Path) -> list[str]:
    return [str(p) for p in validate(load(project)).problems]


def test_fixture_is_valid(mini: Path, run: Run) -> None:
    code, out, _ = run("validate", "--project", str(mini))
    assert code == 0, out
    assert "检查通过" in out


def test_bad_phone_located(mini: Path, run: Run) -> None:
    edit_cell(mini / STATIONS, 12, "管理员电话", "1380000")
    code, out, _ = run("validate", "--project", str(mini))
    assert code == 1
    want = expected(f"{STATIONS} 第12行 J列「管理员电话」", "YZ-DATA-010", value="1380000")
    assert want in out.splitlines()


def test_bad_id_checksum_located(mini: Path) -> None:
    path = mini / "datasets/救助对象.csv"
    rows = read_rows(path)
    column = rows[0].index("身份证号")
    good = rows[4][column]
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    rows[4][column] = bad
    write_rows(path, rows)
    want = expected(
        "datasets/救助对象.csv 第5行 E列「身份证号」",
        "YZ-DATA-009",
        value=bad,
        reason="校验码不对（可能有数字录错）",
    )
    assert want in messages_of(mini)


def test_missing_column(mini: Path) -> None:
    rows = read_rows(mini / STATIONS)
    column = rows[0].index("管理员")
    write_rows(mini / STATIONS, [r[:column] + r[column + 1 :] for r in rows])
    assert expected(f"{STATIONS} 第1行", "YZ-DATA-001", title="管理员") in messages_of(mini)


def test_duplicate_key(mini: Path) -> None:
    rows = read_rows(mini / STATIONS)
    edit_cell(mini / STATIONS, 6, "驿站编号", rows[2][0])
    found = messages_of(mini)
    assert (
        expected(
            f"{STATIONS} 第6行 A列「驿站编号」", "YZ-DATA-008", value=rows[2][0], other=3, title="驿站编号"
        )
        in found
    )


def test_orphan_station(mini: Path) -> None:
    rows = read_rows(mini / STATIONS)
    row = next(i for i, r in enumerate(rows, start=1) if r[2] == "组")
    edit_cell(mini / STATIONS, row, "所属村", "不存在村")
    township = rows[row - 1][3]
    want = expected(f"{STATIONS} 第{row}行 E列「所属村」", "YZ-RULE-002", value="不存在村", township=township)
    assert want in messages_of(mini)


def test_unknown_station_reference(mini: Path) -> None:
    edit_cell(mini / "datasets/服务台账.csv", 3, "驿站编号", "YZ-99-001")
    want = expected("datasets/服务台账.csv 第3行 B列「驿站编号」", "YZ-RULE-003", value="YZ-99-001")
    assert want in messages_of(mini)


def test_gbk_file_reads_like_utf8(mini: Path) -> None:
    rows = read_rows(mini / STATIONS)
    write_rows(mini / STATIONS, rows, encoding="gbk")
    project = load(mini)
    assert project.datasets["stations"].encoding == "gb18030"
    assert validate(project).valid
    assert project.datasets["stations"].frame.loc[2, "name"] == rows[1][1]


def test_gbk_file_errors_are_still_located(mini: Path) -> None:
    rows = read_rows(mini / STATIONS)
    rows[3][rows[0].index("状态")] = "歇业"
    write_rows(mini / STATIONS, rows, encoding="gbk")
    want = expected(f"{STATIONS} 第4行 L列「状态」", "YZ-DATA-005", value="歇业", choices="运行、停用")
    assert want in messages_of(mini)


def test_bom_and_spaced_headers(mini: Path) -> None:
    rows = read_rows(mini / STATIONS)
    rows[0] = [f" {title}\u3000" for title in rows[0]]
    write_rows(mini / STATIONS, rows, encoding="utf-8-sig")
    assert (mini / STATIONS).read_bytes().startswith(b"\xef\xbb\xbf")
    assert validate(load(mini)).valid


def test_xlsx_instead_of_csv(mini: Path) -> None:
    rows = read_rows(mini / STATIONS)
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.active.cell(row=8, column=10, value="12345678")
    book.save(mini / "datasets/驿站名录.xlsx")
    (mini / STATIONS).unlink()
    stations = load(mini).datasets["stations"]
    assert stations.source == "datasets/驿站名录.xlsx"
    assert stations.frame["station_id"].tolist() == [r[0] for r in rows[1:]]
    found = messages_of(mini)
    assert (
        expected("datasets/驿站名录.xlsx 第8行 J列「管理员电话」", "YZ-DATA-010", value="12345678") in found
    )
    assert len([m for m in found if "（警告）" not in m]) == 1


def test_bad_date_and_negative_money(mini: Path) -> None:
    path = mini / "datasets/民生工程项目.csv"
    edit_cell(path, 2, "计划开工日期", "明年三月")
    edit_cell(path, 3, "计划投资(万元)", "-5")
    found = messages_of(mini)
    assert (
        expected(
            "datasets/民生工程项目.csv 第2行 H列「计划开工日期」",
            "YZ-DATA-004",
            value="明年三月",
            type_name="日期",
            fix="请按 2026-11-20 的格式填写日期",
        )
        in found
    )
    assert (
        expected(
            "datasets/民生工程项目.csv 第3行 F列「计划投资(万元)」", "YZ-DATA-007", value="-5", minimum=0
        )
        in found
    )


def test_broken_yaml_has_file_and_line(mini: Path) -> None:
    path = mini / "content/policies/gaoling.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = "name: 高龄津贴: 错误"
    path.write_text("\n".join(lines), encoding="utf-8")
    found = messages_of(mini)
    assert (
        expected(
            "content/policies/gaoling.yml:6", "YZ-YAML-001", detail="这里不能出现冒号（含冒号的文字请加引号）"
        )
        in found
    )


def test_missing_policy_field(mini: Path) -> None:
    path = mini / "content/policies/tekun.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nbasis:")
    end = text.index("\n", text.index("\n  - ", start + 1) + 1)
    while text[end + 1 : end + 5] == "  - ":
        end = text.index("\n", end + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert expected(
        "content/policies/tekun.yml", "YZ-YAML-002", title="政策依据", key="basis"
    ) in messages_of(mini)


def test_unknown_handbook_size_is_located(mini: Path, run: Run) -> None:
    path = mini / "content/county.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, "handbook_size: B5", ""]), encoding="utf-8")
    code, out, _ = run("validate", "--project", str(mini))
    assert code == 1
    want = expected(
        f"content/county.yml:{len(lines) + 1}",
        "YZ-YAML-004",
        title="手册开本",
        key="handbook_size",
        value="B5",
        choices="A4、A5",
    )
    assert want in out.splitlines()


def test_every_problem_in_one_run_and_json(mini: Path, run: Run) -> None:
    edit_cell(mini / STATIONS, 2, "层级", "县")
    edit_cell(mini / STATIONS, 3, "管理员电话", "abc")
    edit_cell(mini / "datasets/意见建议.csv", 2, "类别", "经费类")
    code, out, _ = run("validate", "--project", str(mini), "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert report["valid"] is False
    codes = [(p["code"], p["where"]["row"]) for p in report["problems"]]
    assert ("YZ-DATA-005", 2) in codes and ("YZ-DATA-010", 3) in codes
    assert any(p["where"]["file"] == "datasets/意见建议.csv" for p in report["problems"])


def test_overpaid_project_is_only_a_warning(mini: Path) -> None:
    path = mini / "datasets/民生工程项目.csv"
    rows = read_rows(path)
    planned = rows[1][rows[0].index("计划投资(万元)")]
    edit_cell(path, 2, "已拨付(万元)", f"{float(planned) + 1:.2f}")
    report = validate(load(mini))
    assert report.valid
    assert [p.code for p in report.warnings] == ["YZ-RULE-005"]
