"""The workbench without a browser: accounts, permissions, CSRF, sniffing, merge rules, the marked file."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from argon2 import PasswordHasher
from openpyxl import load_workbook

from conftest import write_rows
from workbench_files import (
    BAD_ID,
    BAD_PHONE,
    OTHER_TOWN,
    RECIPIENTS,
    feedback_with_bad_phone,
    fixed_recipients,
    messy_recipients,
    rows_of,
)
from yizhan.feedback import messages
from yizhan.load import load
from yizhan.validate import validate, validate_table
from yizhan.workbench import accounts, permissions
from yizhan.workbench.accounts import ADMIN, TOWNSHIP, VIEWER, AccountError, User
from yizhan.workbench.intake import ACCEPTED, OTHER, REJECTED, check_upload
from yizhan.workbench.marked import ERROR_FILL, RESULTS_SHEET, marked_workbook
from yizhan.workbench.merging import Current, accepted_townships, diff, merge_upload, restore
from yizhan.workbench.sniff import MAX_UPLOAD, OLE_MAGIC, Refused, kind_of, shown_name
from yizhan.workbench.store import Store

Run = Callable[..., tuple[int, str, str]]
CHENGGUAN = User("cg", TOWNSHIP, "城关镇")


def text(code: str, **values: object) -> str:
    return messages.text(code, **values)[0]


# --- accounts -----------------------------------------------------------------------------------


def test_password_is_stored_as_an_argon2_hash_and_checked(tmp_path: Path) -> None:
    store = Store(tmp_path)
    accounts.add_user(store, "cg", TOWNSHIP, "城关镇", "correct horse")
    with sqlite3.connect(store.path) as db:
        stored = db.execute("SELECT hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert accounts.authenticate(store, "cg", "correct horse", "127.0.0.1") == CHENGGUAN
    assert accounts.authenticate(store, "cg", "wrong horse!", "127.0.0.1") is None
    assert accounts.authenticate(store, "nobody", "correct horse", "127.0.0.1") is None


def test_login_attempts_are_limited_per_account_and_per_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    store = Store(tmp_path)
    accounts.add_user(store, "cg", TOWNSHIP, "城关镇", "correct horse")
    for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
        assert not accounts.locked_out(store, "cg", "10.9.9.9")
        accounts.authenticate(store, "cg", "wrong", "10.9.9.9")
    assert accounts.locked_out(store, "cg", "127.0.0.2")  # the account, from any address
    assert not accounts.locked_out(store, "other", "127.0.0.2")
    for number in range(accounts.MAX_FAILURES_PER_ADDRESS):
        accounts.authenticate(store, f"guess{number}", "wrong", "127.0.0.3")
    assert accounts.locked_out(store, "someone", "127.0.0.3")  # the address, for any account


def test_disabled_users_and_changed_passwords_end_sessions(tmp_path: Path) -> None:
    store = Store(tmp_path)
    accounts.add_user(store, "cg", TOWNSHIP, "城关镇", "correct horse")
    token, _ = accounts.new_session(store, CHENGGUAN)
    assert accounts.find_session(store, token).user == CHENGGUAN
    accounts.set_password(store, "cg", "new password")
    assert accounts.find_session(store, token) is None
    token, _ = accounts.new_session(store, CHENGGUAN)
    accounts.disable_user(store, "cg")
    assert accounts.find_session(store, token) is None
    assert accounts.authenticate(store, "cg", "new password", "127.0.0.1") is None


def test_sessions_expire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path)
    token, session = accounts.new_session(store, None)
    assert accounts.find_session(store, token) == session
    later = accounts.time.time() + accounts.SESSION_SECONDS + 1
    monkeypatch.setattr(accounts.time, "time", lambda: later)
    assert accounts.find_session(store, token) is None


@pytest.mark.parametrize("name", ["13800138000", "990101200703165088", "a/b", "", "x" * 33])
def test_user_names_that_are_numbers_or_paths_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(AccountError) as refused:
        accounts.add_user(Store(tmp_path), name, VIEWER, "", "long enough")
    assert refused.value.code == "YZ-WEB-023"


def test_csrf_tokens_compare_exactly() -> None:
    assert accounts.same_token("abc", "abc")
    assert not accounts.same_token("abc", "abd")
    assert not accounts.same_token("abc", "")
    assert not accounts.same_token("", "")


# --- permissions --------------------------------------------------------------------------------


def test_roles_and_what_they_may_do() -> None:
    admin, viewer = User("county", ADMIN), User("v", VIEWER)
    assert permissions.allowed(admin, permissions.RESTORE)
    assert not permissions.allowed(CHENGGUAN, permissions.RESTORE)
    assert not permissions.allowed(viewer, permissions.UPLOAD)
    assert permissions.allowed(viewer, permissions.READ)
    assert not permissions.allowed(None, permissions.READ)
    assert permissions.may_change_township(CHENGGUAN, "城关镇")
    assert not permissions.may_change_township(CHENGGUAN, OTHER_TOWN)
    assert permissions.may_change_township(admin, OTHER_TOWN)
    assert not permissions.may_change_township(viewer, "城关镇")
    own, others = {"user": "cg"}, {"user": "qx"}
    assert permissions.may_see_upload(CHENGGUAN, own) and not permissions.may_see_upload(CHENGGUAN, others)
    assert permissions.may_see_upload(viewer, others) and permissions.may_see_upload(admin, others)
    assert not permissions.may_see_versions(CHENGGUAN) and permissions.may_see_versions(viewer)


# --- what a file is -----------------------------------------------------------------------------


def test_uploads_are_judged_by_their_bytes(tmp_path: Path, mini: Path) -> None:
    book, _ = messy_recipients(mini, tmp_path / "名册.csv")  # an .xlsx under a .csv name
    assert kind_of(book.read_bytes()) == "xlsx"
    assert kind_of((mini / RECIPIENTS).read_bytes()) == "csv"
    assert kind_of(OLE_MAGIC + b"\0" * 100) == "xls"
    for junk in (b"\x89PNG\r\n\x1a\n\0\0", b"", b"PK\x03\x04broken"):
        with pytest.raises(Refused) as refused:
            kind_of(junk)
        assert refused.value.code == "YZ-WEB-013"
    with pytest.raises(Refused) as refused:
        kind_of(b"a" * (MAX_UPLOAD + 1))
    assert refused.value.code == "YZ-WEB-012"


def test_a_zip_bomb_posing_as_a_workbook_is_not_opened() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    with pytest.raises(Refused) as refused:
        kind_of(buffer.getvalue())
    assert refused.value.code == "YZ-WEB-014"


def test_a_zip_that_is_no_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(Refused):
        kind_of(buffer.getvalue())


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\张\\名册.xlsx", "名册.xlsx"),
        ("a\x00b\n.xlsx", "ab.xlsx"),
        ("", "（未命名）"),
    ],
)
def test_file_names_are_only_shown(sent: str, shown: str) -> None:
    assert shown_name(sent) == shown


# --- intake, merge, versions --------------------------------------------------------------------


def test_a_messy_workbook_is_read_as_the_command_line_reads_it(tmp_path: Path, mini: Path) -> None:
    path, at = messy_recipients(mini, tmp_path / "upload.xlsx")
    intake = check_upload(load(mini), "recipients", path, "名册.xlsx", CHENGGUAN)
    states = {r.row: r.status for r in intake.rows}
    assert states[at["bad_id"]] == REJECTED and states[at["other"]] == OTHER
    assert sum(s == ACCEPTED for s in states.values()) == len(states) - 2
    assert not intake.usable
    located = {(p.row, p.column): p for p in intake.problems}
    bad_id = located[(at["bad_id"], "E")]
    assert bad_id.sheet == "救助对象" and bad_id.title == "身份证号"
    assert bad_id.problem == text("YZ-DATA-009", value=BAD_ID, reason="校验码不对（可能有数字录错）")
    other = located[(at["other"], "F")]
    assert other.problem == text("YZ-WEB-015", township=OTHER_TOWN, own="城关镇")
    assert any(p.severity == "note" and p.row == 2 for p in intake.problems)  # the title row, said


def test_marked_file_comments_and_fills_each_problem_cell(tmp_path: Path, mini: Path) -> None:
    path, at = messy_recipients(mini, tmp_path / "upload.xlsx")
    intake = check_upload(load(mini), "recipients", path, "名册.xlsx", CHENGGUAN)
    book = load_workbook(io.BytesIO(marked_workbook(path, "xlsx", intake.sheet, intake.problems, "救助对象")))
    assert book.sheetnames == ["救助对象", RESULTS_SHEET]
    sheet = book["救助对象"]
    cell = sheet[f"E{at['bad_id']}"]
    assert cell.value == BAD_ID  # the officer's value, untouched
    assert text("YZ-DATA-009", value=BAD_ID, reason="校验码不对（可能有数字录错）") in cell.comment.text
    assert cell.fill.fgColor.rgb == ERROR_FILL.fgColor.rgb
    assert text("YZ-WEB-015", township=OTHER_TOWN, own="城关镇") in sheet[f"F{at['other']}"].comment.text
    assert sheet["E4"].comment is None and sheet["E4"].fill.fgColor.rgb != ERROR_FILL.fgColor.rgb
    results = list(book[RESULTS_SHEET].iter_rows(values_only=True))
    assert results[0] == ("工作表", "行", "列", "列标题", "级别", "问题", "改法")
    assert ("救助对象", at["bad_id"], "E", "身份证号") in {r[:4] for r in results[1:]}


def test_a_csv_comes_back_as_a_workbook_with_formulas_kept_as_text(tmp_path: Path, mini: Path) -> None:
    rows = rows_of(mini, "datasets/意见建议.csv")
    rows[1][rows[0].index("联系电话")] = BAD_PHONE
    rows[1][rows[0].index("内容摘要")] = '=HYPERLINK("http://example.invalid")'
    path = tmp_path / "upload.csv"
    path.write_text("\n".join(",".join(f'"{c}"' for c in r) for r in rows[:3]), encoding="utf-8")
    user = User("county", ADMIN)
    intake = check_upload(load(mini), "feedback", path, "意见建议.csv", user)
    book = load_workbook(io.BytesIO(marked_workbook(path, "csv", intake.sheet, intake.problems, "意见建议")))
    sheet = book["意见建议"]
    assert sheet["H2"].comment is not None and BAD_PHONE in sheet["H2"].comment.text
    assert sheet["F2"].data_type == "s" and sheet["F2"].value.startswith("=HYPERLINK")


def test_merge_replaces_the_townships_month_and_nothing_else(tmp_path: Path, mini: Path) -> None:
    store = Store(mini)
    before = rows_of(mini, RECIPIENTS)
    path = fixed_recipients(mini, tmp_path / "fixed.xlsx")
    project = load(mini)
    intake = check_upload(project, "recipients", path, "fixed.xlsx", CHENGGUAN)
    assert intake.usable and accepted_townships(intake) == {"城关镇"}
    outcome = merge_upload(store, project, "recipients", intake, "cg", {"城关镇"}, 1)
    assert outcome.code == "YZ-WEB-019", outcome.problems
    after = rows_of(mini, RECIPIENTS)
    assert len(after) == len(before) + 1
    others = [r for r in before if not (r[0] == "2025-12" and r[5] == "城关镇")]
    assert [r for r in after if not (r[0] == "2025-12" and r[5] == "城关镇")] == others
    assert sum(r[3] == "补录户" for r in after) == 1
    # the same file again changes nothing
    again = check_upload(load(mini), "recipients", path, "fixed.xlsx", CHENGGUAN)
    assert merge_upload(store, load(mini), "recipients", again, "cg", {"城关镇"}, 2).code == "YZ-WEB-018"
    assert rows_of(mini, RECIPIENTS) == after
    # the version holds who and what; its diff is the one added row
    with store.connect() as db:
        versions = [dict(r) for r in db.execute("SELECT * FROM versions ORDER BY id")]
    assert [v["user"] for v in versions] == ["", "cg"]
    change = diff(store, versions[1], set(before[0]))
    assert change.removed == [] and [r[3] for r in change.added] == ["补录户"]
    # restoring the first version is a new version, and the file is as it was
    restored = restore(store, load(mini), versions[0], "county")
    assert restored.code == "YZ-WEB-024" and restored.version == 3
    assert rows_of(mini, RECIPIENTS) == before


@pytest.mark.parametrize("county_valid", [False, True])
def test_nothing_is_written_when_the_county_would_fail_validation(
    tmp_path: Path, mini: Path, county_valid: bool
) -> None:
    store = Store(mini)
    rows = rows_of(mini, "datasets/意见建议.csv")
    header = rows[0]
    own = [list(r) for r in rows[1:] if r[1].startswith("2026-01") and r[2].startswith("YZ-01")]
    taken = next(r[0] for r in rows[1:] if r[2].startswith("YZ-02"))  # 青溪镇's number, in another month
    own[0][0] = taken
    path = tmp_path / "dup.csv"
    path.write_text("\n".join(",".join(r) for r in [header, *own]), encoding="utf-8")
    original = (mini / "datasets/意见建议.csv").read_bytes()
    project = load(mini)
    intake = check_upload(project, "feedback", path, "dup.csv", CHENGGUAN)
    assert intake.usable
    outcome = merge_upload(store, project, "feedback", intake, "cg", {"城关镇"}, 1, county_valid)
    assert outcome.code == "YZ-WEB-017" and outcome.problems
    # a county known valid is checked on the changed table first; a refusal names every problem all the same
    slow = merge_upload(store, project, "feedback", intake, "cg", {"城关镇"}, 1, False)
    assert outcome.problems == slow.problems
    assert (mini / "datasets/意见建议.csv").read_bytes() == original
    with store.connect() as db:
        assert db.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == 0


def test_the_county_as_a_merge_wrote_it_is_the_county_read_again(tmp_path: Path, mini: Path) -> None:
    store, county = Store(mini), Current(mini)
    project = county.project()
    assert county.project() is project and not county.valid  # unchanged files are not read again
    intake = check_upload(
        project, "recipients", fixed_recipients(mini, tmp_path / "f.xlsx"), "f.xlsx", CHENGGUAN
    )
    first = merge_upload(store, project, "recipients", intake, "cg", {"城关镇"}, 1, county.valid)
    county.written(first)
    assert first.code == "YZ-WEB-019" and county.valid and county.project() is first.project
    fresh = load(mini)
    for name, dataset in fresh.datasets.items():
        kept = county.project().datasets[name]
        pd.testing.assert_frame_equal(kept.frame, dataset.frame)
        assert (kept.file, kept.source, kept.header_letters, kept.reported) == (
            dataset.file,
            dataset.source,
            dataset.header_letters,
            dataset.reported,
        )
    assert sorted(map(str, county.project().load_report.problems)) == sorted(
        map(str, fresh.load_report.problems)
    )
    # a second merge on the county known valid: the quick check, the same outcome as the whole validation
    again = check_upload(county.project(), "feedback", feedback_month(mini, tmp_path), "fb.csv", CHENGGUAN)
    quick = merge_upload(store, county.project(), "feedback", again, "cg", {"城关镇"}, 2, True)
    assert quick.code == "YZ-WEB-019" and validate(load(mini)).valid
    # a file changed outside the workbench is read again
    rows = rows_of(mini, RECIPIENTS)
    rows[1][rows[0].index("救助事由")] = "外面改的"
    write_rows(mini / RECIPIENTS, rows)
    assert county.project() is not first.project and not county.valid


def feedback_month(mini: Path, folder: Path) -> Path:
    """城关镇's January opinions, one of them with a new content, as a CSV."""
    rows = rows_of(mini, "datasets/意见建议.csv")
    own = [list(r) for r in rows[1:] if r[1].startswith("2026-01") and r[2].startswith("YZ-01")]
    own[0][rows[0].index("内容摘要")] = "新写的意见"
    path = folder / "fb.csv"
    write_rows(path, [rows[0], *own])
    return path


def test_feedback_phone_problem_is_located(tmp_path: Path, mini: Path) -> None:
    path, row = feedback_with_bad_phone(mini, tmp_path / "fb.xlsx")
    intake = check_upload(load(mini), "feedback", path, "fb.xlsx", CHENGGUAN)
    located = [p for p in intake.problems if p.row == row and p.column == "H"]
    assert located and located[0].title == "联系电话"


# --- the command line ---------------------------------------------------------------------------


def test_user_commands(mini: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def with_stdin(line: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(line + "\n"))
        return run(*args, "--project", str(mini))

    code, _, err = with_stdin(
        "long enough", "user", "add", "cg", "--role", "township", "--township", "城关镇"
    )
    assert code == 0 and text("YZ-WEB-029", name="cg", role="乡镇") in err
    code, _, err = with_stdin("long enough", "user", "add", "x", "--role", "township", "--township", "火星镇")
    assert code == 2 and text("YZ-WEB-002", value="火星镇", choices="城关镇、青溪镇") in err
    code, _, err = with_stdin("long enough", "user", "add", "y", "--role", "township")
    assert code == 2 and text("YZ-WEB-003", example="城关镇") in err
    code, _, err = with_stdin("long enough", "user", "add", "cg", "--role", "viewer")
    assert code == 2 and text("YZ-WEB-004", name="cg") in err
    code, _, err = with_stdin("short", "user", "add", "z", "--role", "viewer")
    assert code == 2 and text("YZ-WEB-007", minimum=8) in err
    code, _, err = with_stdin("another one", "user", "passwd", "cg")
    assert code == 0 and text("YZ-WEB-030", name="cg") in err
    code, _, err = with_stdin("long enough", "user", "passwd", "nobody")
    assert code == 2 and text("YZ-WEB-005", name="nobody") in err
    code, _, err = run("user", "disable", "cg", "--project", str(mini))
    assert code == 0 and text("YZ-WEB-028", name="cg") in err
    code, out, _ = run("user", "list", "--project", str(mini))
    assert out.split("\n")[0].split("\t") == ["cg", "乡镇", "城关镇（已停用）"]
    assert "/.yizhan-workbench/" in (mini / ".gitignore").read_text(encoding="utf-8").splitlines()
    with sqlite3.connect(mini / ".yizhan-workbench/workbench.sqlite3") as db:
        actions = [r[0] for r in db.execute("SELECT action FROM audit ORDER BY id")]
    assert actions == ["新建用户", "修改密码", "停用用户"]


def test_password_typed_twice_must_match(mini: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["long enough", "long enougj"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _, err = run("user", "add", "cg", "--role", "viewer", "--project", str(mini))
    assert code == 2 and text("YZ-WEB-006") in err


def test_workbench_will_not_listen_beyond_this_computer_without_an_admin(mini: Path, run: Run) -> None:
    code, _, err = run("workbench", "--project", str(mini), "--host", "0.0.0.0", "--port", "9")
    assert code == 2 and text("YZ-WEB-001", host="0.0.0.0") in err


def test_a_row_whose_township_cannot_be_told_is_rejected(tmp_path: Path, mini: Path) -> None:
    header = rows_of(mini, "datasets/民生工程监督.csv")[0]
    values = {"监督日期": "2026-03-02", "项目编号": "XM-404", "项目名称": "不存在的项目", "项目所处阶段": "在建",
              "项目公示牌是否按规定张贴": "是", "施工质量、进度是否正常": "是"}  # fmt: skip
    path = tmp_path / "inspections.csv"
    path.write_text(",".join(header) + "\n" + ",".join(values.get(h, "") for h in header), encoding="utf-8")
    intake = check_upload(load(mini), "inspections", path, "x.csv", CHENGGUAN)
    assert [(r.row, r.status) for r in intake.rows] == [(2, REJECTED)]
    # The unknown project is named (YZ-LOOP-005); before the loop checks the row only said YZ-WEB-016.
    assert [(p.row, p.column, p.problem) for p in intake.problems if p.severity == "error"] == [
        (2, "B", text("YZ-LOOP-005", value="XM-404"))
    ]
    project = load(mini)
    del project.datasets["projects"]  # no register to tell the project's township by
    intake = check_upload(project, "inspections", path, "x.csv", CHENGGUAN)
    assert [(r.row, r.status) for r in intake.rows] == [(2, REJECTED)]
    assert [(p.row, p.column, p.problem) for p in intake.problems if p.severity == "error"] == [
        (2, "B", text("YZ-WEB-016"))
    ]


def test_a_table_kept_as_a_workbook_is_not_written(tmp_path: Path, mini: Path) -> None:
    from openpyxl import Workbook

    rows = rows_of(mini, RECIPIENTS)
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(mini / "datasets/救助对象.xlsx")
    (mini / RECIPIENTS).unlink()
    project = load(mini)
    intake = check_upload(project, "recipients", fixed_recipients_from(rows, tmp_path), "f.xlsx", CHENGGUAN)
    outcome = merge_upload(Store(mini), project, "recipients", intake, "cg", {"城关镇"}, 1)
    assert outcome.code == "YZ-WEB-021" and outcome.text[0] == text(
        "YZ-WEB-021", table="救助对象", kind=".xlsx"
    )


def fixed_recipients_from(rows: list[list[str]], folder: Path) -> Path:
    from workbench_files import save_book

    own = [r for r in rows[1:] if r[0] == "2025-12" and r[5] == "城关镇"]
    return save_book(folder / "f.xlsx", "救助对象", [rows[0], *own])


def test_a_version_the_county_would_fail_with_is_not_restored(mini: Path) -> None:
    from yizhan.workbench.merging import record

    store = Store(mini)
    before = (mini / RECIPIENTS).read_bytes()
    broken = before.replace(b"990101200703165088", b"990101200703165089")
    number = record(store, "recipients", store.keep(broken), "county", "")
    with store.connect() as db:
        version = dict(db.execute("SELECT * FROM versions WHERE id = ?", (number,)).fetchone())
    outcome = restore(store, load(mini), version, "county")
    assert outcome.code == "YZ-WEB-026" and outcome.problems
    assert (mini / RECIPIENTS).read_bytes() == before


# --- 每周报 --------------------------------------------------------------------------------------


def test_weeks_are_due_on_their_last_working_day() -> None:
    import datetime as dt

    from yizhan.rules.workdays import WorkCalendar
    from yizhan.workbench.board import weeks_until

    weeks = weeks_until(dt.date(2026, 10, 8), WorkCalendar(), 3)
    assert [w.monday for w in weeks] == [dt.date(2026, 9, 21), dt.date(2026, 9, 28), dt.date(2026, 10, 5)]
    # National Day: the week of 28 September ends its work on the 30th; the next one works on Saturday (调休)
    assert [w.due for w in weeks[1:]] == [dt.date(2026, 9, 30), dt.date(2026, 10, 10)]
    assert weeks[1].label == "9月28日—10月4日"
    county = WorkCalendar(holidays=frozenset(dt.date(2026, 10, 5) + dt.timedelta(days=n) for n in range(7)))
    assert weeks_until(dt.date(2026, 10, 8), county, 1)[0].due is None  # a week the county gave off


def test_board_states() -> None:
    import datetime as dt

    from yizhan.workbench.board import DUE, LATE, PROBLEMS, REPORTED, REST, Week, board

    weeks = [Week(dt.date(2026, 11, 16), dt.date(2026, 11, 20)), Week(dt.date(2026, 11, 23), dt.date(2026, 11, 27)),
             Week(dt.date(2026, 11, 30), None), Week(dt.date(2026, 12, 7), dt.date(2026, 12, 11))]  # fmt: skip
    sent = {"城关镇": [(dt.date(2026, 11, 18), False), (dt.date(2026, 11, 19), True)],
            OTHER_TOWN: [(dt.date(2026, 11, 24), False)]}  # fmt: skip
    rows = board(["城关镇", OTHER_TOWN], weeks, dt.date(2026, 12, 8), sent)
    assert rows == [("城关镇", [REPORTED, LATE, REST, DUE]), (OTHER_TOWN, [LATE, PROBLEMS, REST, DUE])]
    assert permissions.visible_townships(CHENGGUAN, ["城关镇", OTHER_TOWN]) == ["城关镇"]
    assert permissions.visible_townships(User("v", VIEWER), ["城关镇", OTHER_TOWN]) == ["城关镇", OTHER_TOWN]


def test_one_publish_at_a_time(mini: Path) -> None:
    from yizhan.workbench import publishing

    store = Store(mini)
    publishing.prepare(store)
    assert publishing.BUSY.acquire(blocking=False)  # a publish is running
    try:
        assert publishing.start(store, "county") is None
    finally:
        publishing.BUSY.release()
    assert messages.text("YZ-WEB-033")[0] == "已经有一次发布正在进行"


def test_a_failed_build_leaves_nothing_live(mini: Path) -> None:
    from yizhan.workbench import publishing

    (mini / "content/county.yml").write_text("county: [\n", encoding="utf-8")  # unreadable settings
    store = Store(mini)
    publishing.prepare(store)
    number = publishing.start(store, "county")
    assert number is not None
    for _ in range(600):
        with store.connect() as db:
            status = db.execute("SELECT status FROM publishes WHERE id = ?", (number,)).fetchone()[0]
        if status != publishing.RUNNING:
            break
        publishing.time.sleep(0.2)
    assert status == publishing.FAILED and publishing.live_number(store) is None
    assert not (store.folder / "live").exists()
    assert messages.text("YZ-WEB-034")[0].startswith("发布没有完成")


def test_no_phone_or_id_number_reaches_the_audit_log(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.audit("13800138000", "127.0.0.1", "登录失败", "用户名 990101200703165088")
    with store.connect() as db:
        user, detail = db.execute("SELECT user, detail FROM audit").fetchone()
    assert "13800138000" not in user and "990101200703165088" not in detail
    assert detail.startswith("用户名 ")


KILLED_MERGE = """
import os, signal, sys
from pathlib import Path
from yizhan.load import load
from yizhan.workbench import merging
from yizhan.workbench.accounts import TOWNSHIP, User
from yizhan.workbench.intake import check_upload
from yizhan.workbench.store import Store

project, upload, when = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
real_write = merging.replace_file

def write(path, data, durable=False):
    if not path.is_relative_to(project):  # the trial copy validated in a temporary folder
        return real_write(path, data, durable)
    if when == "before":  # half the new table written beside it, then the process dies
        path.with_name(f".{path.name}.workbench.tmp").write_bytes(data[: len(data) // 2])
        os.kill(os.getpid(), signal.SIGKILL)
    real_write(path, data, durable)
    os.kill(os.getpid(), signal.SIGKILL)  # replaced, but no version row recorded yet

merging.replace_file = write
store = Store(project)
loaded = load(project)
intake = check_upload(loaded, "recipients", upload, "f.xlsx", User("cg", TOWNSHIP, "城关镇"))
merging.merge_upload(store, loaded, "recipients", intake, "cg", {"城关镇"}, 1)
"""


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_merge_killed_midway_leaves_the_table_before_or_after(
    tmp_path: Path, mini: Path, when: str
) -> None:
    import subprocess
    import sys

    path = fixed_recipients(mini, tmp_path / "fixed.xlsx")
    before = (mini / RECIPIENTS).read_bytes()
    done = subprocess.run([sys.executable, "-c", KILLED_MERGE, str(mini), str(path), when], check=False)
    assert done.returncode == -9
    after = (mini / RECIPIENTS).read_bytes()
    if when == "before":
        assert after == before
    else:
        assert after != before and sum(r[3] == "补录户" for r in rows_of(mini, RECIPIENTS)) == 1
    # the next merge finds the table as it is and goes on: same file, so nothing changes or it completes
    store = Store(mini)
    project = load(mini)
    intake = check_upload(project, "recipients", path, "fixed.xlsx", CHENGGUAN)
    outcome = merge_upload(store, project, "recipients", intake, "cg", {"城关镇"}, 2)
    assert outcome.code == ("YZ-WEB-019" if when == "before" else "YZ-WEB-018")
    assert sum(r[3] == "补录户" for r in rows_of(mini, RECIPIENTS)) == 1
    with store.connect() as db:
        kept = [r[0] for r in db.execute("SELECT sha256 FROM versions ORDER BY id")]
    assert store.keep(before) in kept  # the table before the merge is kept as a version either way


def test_a_problem_upload_is_checked_like_the_register(tmp_path: Path, mini: Path) -> None:
    """问题整改台账 in the workbench: its rows belong to their 所属乡镇; 挂账销号 is checked row by row."""
    header = rows_of(mini, "datasets/问题整改台账.csv")[0]
    good = {"问题编号": "WT202611-0031", "来源": "排查发现", "发现日期": "2026-11-12", "所属乡镇": "城关镇",
            "问题描述": "走访发现屋顶漏雨", "责任单位": "城关镇人民政府", "责任人": "龚向晖",
            "整改时限": "2026-11-30", "状态": "整改中"}  # fmt: skip
    closed_bare = good | {"问题编号": "WT202611-0032", "状态": "已销号", "销号日期": "2026-11-18"}
    other = good | {"问题编号": "WT202611-0033", "所属乡镇": "青溪镇"}
    path = tmp_path / "problems.csv"
    lines = [",".join(header)] + [
        ",".join(row.get(h, "") for h in header) for row in (good, closed_bare, other)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    intake = check_upload(load(mini), "problems", path, "x.csv", CHENGGUAN)
    assert [(r.row, r.status) for r in intake.rows] == [(2, ACCEPTED), (3, REJECTED), (4, OTHER)]
    column = "ABCDEFGHIJKLMNOP"[header.index("整改措施")]
    assert [
        (p.row, p.column, p.problem) for p in intake.problems if p.severity == "error" and p.row != 4
    ] == [(3, column, text("YZ-LOOP-006", status="已销号", title="整改措施"))]


def quoted_first_cell(text: str) -> str:
    """The CSV text with the first cell of its first row quoted (as Excel quotes a cell with a comma)."""
    lines = text.split("\n")
    cell, rest = lines[1].split(",", 1)
    lines[1] = f'"{cell}",{rest}'
    return "\n".join(lines)


@pytest.mark.parametrize("form", ["lf", "crlf-blank-lines", "semicolons-no-last-end", "cr", "quoted"])
def test_a_file_without_quotes_is_merged_line_by_line_to_the_same_bytes(
    tmp_path: Path, mini: Path, form: str
) -> None:
    from yizhan.workbench.merging import merged_table

    upload = feedback_month(mini, tmp_path)
    table = mini / "datasets/意见建议.csv"
    text = table.read_text(encoding="utf-8-sig")
    assert '"' not in text
    text = {
        "lf": text,
        "crlf-blank-lines": text.replace("\n", "\r\n").replace("\r\n", "\r\n\r\n", 3) + " ,\r\n\r\n",
        "semicolons-no-last-end": text.replace(",", ";").rstrip("\n"),
        "cr": text.replace("\n", "\r"),
        "quoted": quoted_first_cell(text),
    }[form]
    table.write_bytes(text.encode("utf-8-sig"))
    project = load(mini)
    intake = check_upload(project, "feedback", upload, "fb.csv", CHENGGUAN)
    current = project.datasets["feedback"]
    lines = merged_table(project, current, intake, {"城关镇"})
    records = merged_table(project, current, intake, {"城关镇"}, plain=False)
    assert lines == records and lines[1] > 0 and lines[2] > 0


def test_a_change_that_breaks_another_tables_reference_is_refused(mini: Path) -> None:
    """An 意见建议 file that reopens an item a 回访 names: the merge check looks past the changed file."""
    from yizhan.workbench.merging import checked

    project = load(mini)
    assert validate(project).valid
    current = project.datasets["feedback"]
    raw = (mini / current.source).read_bytes().decode("utf-8-sig")
    revisited = "YJ202601-0002"
    lines = [
        line.replace(",已办结,", ",办理中,", 1).replace(",2026-01-07,满意", ",,未回访")
        if line.startswith(revisited + ",")
        else line
        for line in raw.split("\n")
    ]
    assert lines != raw.split("\n")
    valid, errors, trial = checked(project, current, "\n".join(lines).encode("utf-8-sig"), county_valid=True)
    assert trial is not None and validate_table(trial, "feedback").valid  # the file alone is fine
    assert not valid
    assert [(e.code, e.where.file) for e in errors if e.code == "YZ-LOOP-004"] == [
        ("YZ-LOOP-004", project.datasets["revisits"].source)
    ]
