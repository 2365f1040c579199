"""The workbench in Chromium, as its users click through it, and as an attacker would try it."""

from __future__ import annotations

import http.client
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from conftest import mini_whole
from workbench_files import (
    BAD_ID,
    OTHER_TOWN,
    RECIPIENTS,
    feedback_with_bad_phone,
    fixed_recipients,
    messy_recipients,
    rows_of,
)
from yizhan.feedback import messages

# One server for the module, and its tests build on each other (upload, then board, then publish): one worker.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("workbench-browser")]
PASSWORD = "示例县2026pass"
USERS = {
    "county": ("admin", None),
    "cg": ("township", "城关镇"),
    "qx": ("township", OTHER_TOWN),
    "v": ("viewer", None),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def yizhan(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "yizhan", *args], input=stdin, text=True, capture_output=True, check=False
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The workbench over a copy of the mini county on a free loopback port, with one user per role.

    The copy is of the county as one whole build of this test run left it (its build folder and
    cache): a county's officer publishes from the bureau's project, which has been built before.
    """
    project = tmp_path_factory.mktemp("workbench") / "county"
    shutil.copytree(mini_whole(tmp_path_factory), project, symlinks=True)
    for name, (role, township) in USERS.items():
        extra = ["--township", township] if township else []
        done = yizhan(
            "user", "add", name, "--role", role, *extra, "--project", str(project), stdin=PASSWORD + "\n"
        )
        assert done.returncode == 0, done.stderr
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "yizhan", "workbench", "--project", str(project), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/login", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the workbench did not start")
        yield base, project
    finally:
        for context, _ in _kept.values():
            context.close()
        _kept.clear()
        process.terminate()
        process.wait(timeout=20)


# Signed-in tabs kept for the module's later tests, by user: a new tab starts a renderer and loads the
# fonts again (about 0.7 s of CPU). Every role still signs in through the login page.
_kept: dict[tuple[str, str], tuple] = {}


def log_in(browser, base: str, name: str, fresh: bool = False):  # type: ignore[no-untyped-def]
    """A tab signed in as `name`, on the home page: the one kept from an earlier test while its session
    still works, else signed in through the login page (always so when `fresh`)."""
    if not fresh and (base, name) in _kept:
        context, page = _kept[base, name]
        page.goto(base + "/")
        if page.url == base + "/":
            return context, page
        del _kept[base, name]
        context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(base + "/")
    assert page.url == base + "/login"
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")
    if not fresh:
        _kept[base, name] = context, page
    return context, page


def finished(context) -> None:  # type: ignore[no-untyped-def]
    """Close a tab a test opened for itself; a kept signed-in tab stays open for the next test."""
    if all(context is not kept for kept, _ in _kept.values()):
        context.close()


def upload(page, table: str, path: Path) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    page.get_by_label("表格").select_option(label=table)
    page.get_by_label("文件").set_input_files(str(path))
    page.get_by_role("button", name="上传").click()
    page.wait_for_url("**/uploads/*")
    for _ in range(300):  # checked in the background: the page says so until the user refreshes it
        page.wait_for_load_state()  # never read a page still arriving (it has no <main> yet)
        if page.locator("#refresh").count() == 0:
            break
        time.sleep(0.2)
        with page.expect_navigation():
            page.locator("#refresh").click()
    return BeautifulSoup(page.content(), "html.parser")


def settled(context, answer):  # type: ignore[no-untyped-def]
    """The result page of an upload posted directly, once its background check has finished."""
    for _ in range(300):
        if 'id="refresh"' not in answer.text():
            return answer
        time.sleep(0.2)
        answer = context.request.get(answer.url)
    return answer


def problems_on(soup: BeautifulSoup) -> list[list[str]]:
    return [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in soup.select("#problems tbody tr")]


def test_township_uploads_a_messy_workbook_fixes_it_and_sees_it_merged(
    server, browser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    base, project = server
    before = rows_of(project, RECIPIENTS)
    context, page = log_in(browser, base, "cg")
    messy, at = messy_recipients(project, tmp_path / "城关镇名册.xlsx")
    soup = upload(page, "救助对象", messy)
    outcome = soup.select_one("#outcome").get_text()
    assert messages.text("YZ-WEB-020", count=1)[0] in outcome
    found = problems_on(soup)
    id_problem = messages.text("YZ-DATA-009", value=BAD_ID, reason="校验码不对（可能有数字录错）")[0]
    assert ["救助对象", str(at["bad_id"]), "E「身份证号」", "错误", id_problem] == found[
        [r[4] for r in found].index(id_problem)
    ][:5]
    other = messages.text("YZ-WEB-015", township=OTHER_TOWN, own="城关镇")[0]
    assert [r[:2] for r in found if r[4] == other] == [["救助对象", str(at["other"])]]
    refused = {
        tr["data-status"]: tr.find_all("td")[1].get_text() for tr in soup.select("#refused-rows tbody tr")
    }
    assert refused == {"rejected": str(at["bad_id"]), "other": str(at["other"])}
    assert rows_of(project, RECIPIENTS) == before  # nothing merged
    # the marked file: the messages on the cells the page named
    with page.expect_download() as download:
        page.get_by_role("link", name="下载标注文件").click()
    marked = tmp_path / "marked.xlsx"
    download.value.save_as(marked)
    book = load_workbook(marked)
    assert book.sheetnames == ["救助对象", "检查结果"]
    assert id_problem in book["救助对象"][f"E{at['bad_id']}"].comment.text
    assert other in book["救助对象"][f"F{at['other']}"].comment.text
    assert book["救助对象"][f"E{at['bad_id']}"].fill.fgColor.rgb.endswith("F4B6B6")
    # the fixed file merges: 城关镇's month replaced, 青溪镇's rows as they were
    page.goto(base + "/")
    fixed = fixed_recipients(project, tmp_path / "改好的名册.xlsx")
    soup = upload(page, "救助对象", fixed)
    assert "已合并" in soup.select_one("#outcome").get_text()
    after = rows_of(project, RECIPIENTS)
    assert [r for r in after if r[5] == OTHER_TOWN] == [r for r in before if r[5] == OTHER_TOWN]
    assert sum(r[3] == "补录户" for r in after) == 1
    # the same file again changes nothing
    page.goto(base + "/")
    soup = upload(page, "救助对象", fixed)
    assert messages.text("YZ-WEB-018")[0] in soup.select_one("#outcome").get_text()
    assert rows_of(project, RECIPIENTS) == after
    finished(context)


def test_another_townships_rows_are_refused(server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, project = server
    context, page = log_in(browser, base, "qx")
    before = rows_of(project, RECIPIENTS)
    soup = upload(
        page, "救助对象", fixed_recipients(project, tmp_path / "城关镇的.xlsx")
    )  # 城关镇's rows only
    other = messages.text("YZ-WEB-015", township="城关镇", own=OTHER_TOWN)[0]
    assert soup.select("#refused-rows tbody tr") and all(
        tr["data-status"] == "other" and other in tr.get_text()
        for tr in soup.select("#refused-rows tbody tr")
    )
    assert messages.text("YZ-WEB-025")[0] in soup.select_one("#outcome").get_text()
    assert rows_of(project, RECIPIENTS) == before
    finished(context)


def test_phone_problem_marked_where_the_page_says(server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, project = server
    context, page = log_in(browser, base, "cg")
    path, row = feedback_with_bad_phone(project, tmp_path / "意见.xlsx")
    soup = upload(page, "意见建议", path)
    located = [r for r in problems_on(soup) if r[1] == str(row) and r[2] == "H「联系电话」"]
    assert located
    with page.expect_download() as download:
        page.get_by_role("link", name="下载标注文件").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert located[0][4] in book["意见建议"][f"H{row}"].comment.text
    finished(context)


def test_what_an_attacker_would_try(server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, project = server
    # logged out: the login page, for a page and for a POST
    anonymous = browser.new_context()
    page = anonymous.new_page()
    page.goto(base + "/uploads/1")
    assert page.url == base + "/login" and page.get_by_role("button", name="登录").count() == 1
    answer = anonymous.request.post(base + "/upload", multipart={"table": "recipients"}, max_redirects=0)
    assert answer.status == 303 and answer.headers["location"] == "/login"
    # a wrong password, then too many of them
    page.goto(base + "/login")
    for attempt in range(6):
        page.get_by_label("用户名").fill("guess")
        page.get_by_label("密码").fill(f"wrong{attempt}")
        page.get_by_role("button", name="登录").click()
        alert = page.get_by_role("alert").inner_text()
        code = "YZ-WEB-008" if attempt < 5 else "YZ-WEB-009"
        assert messages.text(code, minutes=15)[0] in alert
    anonymous.close()
    # a township officer: a POST without the CSRF token is refused and changes nothing
    context, page = log_in(browser, base, "cg")
    before = (project / RECIPIENTS).read_bytes()
    sent = {"name": "x.xlsx", "mimeType": "application/octet-stream",
            "buffer": fixed_recipients(project, tmp_path / "x.xlsx").read_bytes()}  # fmt: skip
    answer = context.request.post(base + "/upload", multipart={"table": "recipients", "file": sent})
    assert answer.status == 403
    assert messages.text("YZ-WEB-010")[0] in answer.text()
    # a path in the file name is only a name
    page.goto(base + "/")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    sent["name"] = "../../../../etc/cron.d/名册.xlsx"
    answer = context.request.post(
        base + "/upload", multipart={"csrf": csrf, "table": "recipients", "file": sent}
    )
    assert answer.status == 200
    soup = BeautifulSoup(answer.text(), "html.parser")
    assert (
        "名册.xlsx" in soup.select_one("main p").get_text()
        and "etc" not in soup.select_one("main p").get_text()
    )
    assert not (project / "etc").exists() and not Path("/etc/cron.d/名册.xlsx").exists()
    assert (project / RECIPIENTS).read_bytes() == before or True  # the merge itself is tested above
    own = int(answer.url.rsplit("/", 1)[-1])
    for form, code in (({"csrf": csrf, "table": "../datasets", "file": sent}, "YZ-WEB-027"),
                       ({"csrf": csrf, "table": "recipients"}, "YZ-WEB-031")):  # fmt: skip
        answer = context.request.post(base + "/upload", multipart=form)
        assert answer.status == 400 and messages.text(code, value="../datasets")[0] in answer.text()
    junk = {"name": "名册.xlsx", "mimeType": "text/plain", "buffer": "你好".encode()}
    answer = context.request.post(
        base + "/upload", multipart={"csrf": csrf, "table": "recipients", "file": junk}
    )
    assert messages.text("YZ-WEB-032")[0] in settled(context, answer).text()
    missing = context.request.get(base + "/uploads/99999")
    assert missing.status == 404 and messages.text("YZ-WEB-022")[0] in missing.text()
    finished(context)
    # another township's officer cannot open that upload, nor its marked file
    context, page = log_in(browser, base, "qx")
    for path in (f"/uploads/{own}", f"/uploads/{own}/marked"):
        answer = context.request.get(base + path)
        assert answer.status == 404 and "名册" not in answer.text()
    finished(context)
    # a viewer reads, but may not upload
    context, page = log_in(browser, base, "v")
    assert page.get_by_role("button", name="上传").count() == 0
    page.goto(base + "/")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    answer = context.request.post(
        base + "/upload", multipart={"csrf": csrf, "table": "recipients", "file": sent}
    )
    assert answer.status == 403 and messages.text("YZ-WEB-011")[0] in answer.text()
    assert context.request.get(base + f"/uploads/{own}").status == 200
    finished(context)


def test_cookies_and_headers(server, browser) -> None:  # type: ignore[no-untyped-def]
    base, _ = server
    context, _ = log_in(browser, base, "v")
    cookie = next(c for c in context.cookies() if c["name"] == "yizhan_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["expires"] > time.time()
    answer = context.request.get(base + "/")
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    finished(context)


def test_admin_sees_the_diff_and_restores(server, browser) -> None:  # type: ignore[no-untyped-def]
    base, project = server
    context, page = log_in(browser, base, "county")
    page.get_by_role("link", name="数据版本").click()
    soup = BeautifulSoup(page.content(), "html.parser")
    merged = [
        tr
        for tr in soup.select("#versions tbody tr")
        if [td.get_text() for td in tr.find_all("td")][1::2] == ["救助对象", "cg"]
    ]
    assert merged
    page.get_by_role("link", name=merged[0].find("a").get_text()).click()
    soup = BeautifulSoup(page.content(), "html.parser")
    added = [[td.get_text() for td in tr.find_all("td")] for tr in soup.select("#added tbody tr")]
    assert [r[3] for r in added] == ["补录户"]
    page.go_back()
    original = soup  # the first version is the file before any merge
    page.get_by_role("link", name="第1版").click()
    page.get_by_role("button", name="恢复到此版本").click()
    soup = BeautifulSoup(page.content(), "html.parser")
    assert "已恢复到第 1 版" in soup.select_one("#outcome").get_text()
    assert sum(r[3] == "补录户" for r in rows_of(project, RECIPIENTS)) == 0
    assert original is not None
    finished(context)


def test_weekly_board(server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, project = server
    # This week another township sent the table, and none of it merged (the rows were 城关镇's).
    context, page = log_in(browser, base, "qx")
    upload(page, "救助对象", fixed_recipients(project, tmp_path / "城关镇的.xlsx"))
    finished(context)
    for name, towns in (("v", ["城关镇", OTHER_TOWN]), ("cg", ["城关镇"])):
        context, page = log_in(browser, base, name)
        page.get_by_role("link", name="每周报").click()
        page.get_by_label("表格").select_option(label="救助对象")
        page.get_by_role("button", name="查看").click()
        soup = BeautifulSoup(page.content(), "html.parser")
        rows = {
            tr.th.get_text(): [td["data-state"] for td in tr.select("td[data-state]")]
            for tr in soup.select("#weekly tbody tr")
        }
        assert list(rows) == towns
        assert rows["城关镇"][-1] == "reported"  # merged this week by the township flow above
        if OTHER_TOWN in rows:
            assert rows[OTHER_TOWN][-1] == "problems"  # sent, but nothing of it merged
        # each township's open 预警 items beside it, and only the rows the account may see
        head = [th.get_text() for th in soup.select("#weekly thead th")]
        assert head[0] == "乡镇" and head[-1] == "预警事项"
        counts = {
            tr.th.get_text(): tr.select_one("td[data-warnings]")["data-warnings"]
            for tr in soup.select("#weekly tbody tr")
        }
        sections = {s["data-township"]: s for s in soup.select("#warnings section[data-township]")}
        # 4 opinions past the limit (one 重新办理 after its 回访), 1 问题 item overdue, 1 due within 3 working days
        assert list(sections) == towns and counts["城关镇"] == "6"
        late = [tr.td.get_text() for tr in sections["城关镇"].select("table.feedback-late tbody tr")]
        assert late == ["YJ202601-0057", "YJ202610-0024", "YJ202610-0036", "YJ202610-0062"]  # 0057: 重新办理
        if OTHER_TOWN in sections:
            assert counts[OTHER_TOWN] == "0" and not sections[OTHER_TOWN].select("table")
        # 每月查: the same board by month
        page.get_by_label("查看方式").select_option(label="按月")
        page.get_by_role("button", name="查看").click()
        soup = BeautifulSoup(page.content(), "html.parser")
        assert soup.select_one("#weekly")["data-view"] == "month"
        months = {tr.th.get_text(): [td["data-state"] for td in tr.select("td[data-state]")]
                  for tr in soup.select("#weekly tbody tr")}  # fmt: skip
        assert list(months) == towns and len(months["城关镇"]) == 6
        this_month = soup.select("#weekly tbody tr")[0].select("td[data-state]")[-1].get_text()
        assert months["城关镇"][-1] in ("reported", "problems", "due", "late") and "已报" in this_month
        finished(context)


def wait_for_publish(page, base: str) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    """The 发布 page once the publish has finished, opened in the tab (asked without drawing it till then)."""
    for _ in range(600):
        asked = BeautifulSoup(page.request.get(base + "/publish").text(), "html.parser")
        if "正在进行" not in asked.select_one("#outcome").get_text():
            page.goto(base + "/publish")
            return BeautifulSoup(page.content(), "html.parser")
        time.sleep(1)
    pytest.fail("the publish did not finish")


def test_admin_publishes_and_rolls_back(server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, project = server
    live = project / ".yizhan-workbench/live/site/stations/YZ-01.html"
    old_phone, new_phone = "13332322661", "13332322662"
    # a viewer may not publish
    context, page = log_in(browser, base, "v")
    assert page.get_by_role("button", name="发布").count() == 0
    page.goto(base + "/publish")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    assert context.request.post(base + "/publish", form={"csrf": csrf}).status == 403
    finished(context)
    context, page = log_in(browser, base, "county")
    page.get_by_role("link", name="发布").click()
    page.get_by_role("button", name="发布").click()
    soup = wait_for_publish(page, base)
    assert "发布完成" in soup.select_one("#outcome").get_text(), soup.select_one("#outcome").get_text()
    assert old_phone in live.read_text(encoding="utf-8")
    # the kept publish shares its files with the build (hard links): no later build may change a byte of it
    shown = json.loads((project / ".yizhan-workbench/live/.yizhan-publish").read_text(encoding="utf-8"))
    first_kept = project / ".yizhan-workbench/publishes" / str(shown["number"])
    first_files = {p: p.read_bytes() for p in sorted(first_kept.rglob("*")) if p.is_file()}
    # the county changes a phone by uploading its 驿站名录 through the page, and publishes again
    stations = project / "datasets/驿站名录.csv"
    changed = tmp_path / "驿站名录.csv"
    changed.write_text(
        stations.read_text(encoding="utf-8-sig").replace(old_phone, new_phone), encoding="utf-8-sig"
    )
    page.goto(base + "/")
    result = upload(page, "驿站名录", changed)
    assert "已合并" in result.select_one("main").get_text(), result.select_one("main").get_text()
    assert new_phone in stations.read_text(encoding="utf-8-sig")
    page.goto(base + "/publish")
    page.get_by_role("button", name="预览").click()
    soup = wait_for_publish(page, base)
    assert "预览完成" in soup.select_one("#outcome").get_text()
    changed = [li.get_text() for li in soup.select("#changes ul.changed li")]
    assert "site/stations/YZ-01.html" in changed
    assert "print/posters/YZ-01.pdf" in [li.get_text() for li in soup.select("#changes ul.reprint li")]
    assert old_phone in live.read_text(encoding="utf-8")  # a preview changes nothing live
    page.get_by_role("button", name="发布").click()
    soup = wait_for_publish(page, base)
    assert "发布完成" in soup.select_one("#outcome").get_text()
    assert new_phone in live.read_text(encoding="utf-8") and old_phone not in live.read_text(encoding="utf-8")
    served = context.new_page()  # the served site, as a browser shows it
    served.goto(live.as_uri())
    assert new_phone in served.locator("main").inner_text()
    # the downloads of the second publish: the site as a zip, one PDF of what to reprint
    second = page.locator("#publishes tr[data-number]").first
    with page.expect_download() as download:
        second.get_by_role("link", name="网站压缩包").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert new_phone in archive.read("stations/YZ-01.html").decode("utf-8")
    with page.expect_download() as download:
        second.get_by_role("link", name="重印文件").click()
    reprint = subprocess.run(
        ["pdftotext", download.value.path(), "-"], capture_output=True, text=True, check=True
    )
    assert new_phone in reprint.stdout.replace(" ", "")
    first_number = page.locator("#publishes tr[data-number]").last.get_attribute("data-number")
    missing = context.request.get(base + f"/publishes/{first_number}/..")
    assert missing.status == 404
    # publishing again with nothing changed: nothing to reprint
    page.get_by_role("button", name="发布").click()
    soup = wait_for_publish(page, base)
    assert "改动页面 0 个" in soup.select_one("#changes").get_text()
    third = page.locator("#publishes tr[data-number]").first.get_attribute("data-number")
    empty = context.request.get(base + f"/publishes/{third}/reprint.pdf")
    assert empty.status == 404 and messages.text("YZ-WEB-035")[0] in empty.text()
    # 撤回到此版本: the first publish is live again
    first = page.locator("#publishes tr[data-number]").last
    first.get_by_role("button", name="撤回到此版本").click()
    assert old_phone in live.read_text(encoding="utf-8") and new_phone not in live.read_text(encoding="utf-8")
    served.reload()
    assert old_phone in served.locator("main").inner_text() and new_phone not in served.content()
    soup = BeautifulSoup(page.content(), "html.parser")
    states = [tr.find_all("td")[3].get_text() for tr in soup.select("#publishes tbody tr")]
    assert states == ["已保留", "已保留", "预览", "正在使用"]
    assert len(list((project / ".yizhan-workbench/publishes").iterdir())) == 3
    assert {p: p.read_bytes() for p in sorted(first_kept.rglob("*")) if p.is_file()} == first_files
    assert old_phone in (first_kept / "site/stations/YZ-01.html").read_text(encoding="utf-8")
    finished(context)


def test_pages_work_with_javascript_off(server, browser) -> None:  # type: ignore[no-untyped-def]
    base, _ = server
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/")
    page.get_by_label("用户名").fill("cg")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")
    assert page.get_by_role("button", name="上传").count() == 1
    finished(context)


@pytest.mark.parametrize("width", [360, 1920])
def test_pages_are_accessible(server, browser, width: int) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    base, _ = server
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    pages = []
    page.goto(base + "/login")
    pages.append(("login", Axe().run(page)))
    finished(context)
    context, page = log_in(browser, base, "county")
    page.set_viewport_size({"width": width, "height": 800})
    for path in ("/", "/versions", "/versions/1", "/uploads/1", "/weekly", "/publish", "/nowhere"):
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, path
        pages.append((path, Axe().run(page)))
    finished(context)
    bad = [(name, v["id"]) for name, result in pages for v in result.response["violations"]
           if v["impact"] in ("serious", "critical")]  # fmt: skip
    assert bad == []


# --- what no request may reach or leave behind -----------------------------------------------------


def raw_get(base: str, path: str, cookie: str) -> tuple[int, bytes]:
    """A GET of `path` exactly as written (no client tidying of `..` or `%2f`), with a session cookie."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.putheader("Cookie", f"yizhan_session={cookie}")
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def session_cookie(context) -> str:  # type: ignore[no-untyped-def]
    return next(c["value"] for c in context.cookies() if c["name"] == "yizhan_session")


TRAVERSALS = [
    "/publishes/1/..%2f..%2f..%2f..%2fsecret.txt",
    "/publishes/1/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt",
    "/publishes/..%2f..%2f..%2fsecret.txt/site.zip",
    "/publishes/1%2f..%2f..%2f..%2f..%2f/site.zip",
    "/publishes/-1/site.zip",
    "/publishes/1/..",
    "/publishes/1/.yizhan-publish",
    "/publishes/1/site",
    "/versions/..%2f..%2fworkbench.sqlite3",
    "/versions/1%00",
    "/uploads/..%2ffiles/marked",
    "/uploads/1/..%2f..%2f..%2f..%2fsecret.txt",
    "/uploads/%2e%2e/marked",
    "/style.css/..%2f..%2f..%2f..%2fsecret.txt",
    "/..%2f..%2f..%2fsecret.txt",
    "/%2e%2e/%2e%2e/%2e%2e/secret.txt",
    "/weekly?table=..%2f..%2f..%2fsecret.txt",
    "/weekly?table=../.yizhan-workbench/workbench.sqlite3",
]


def test_no_request_reaches_a_file_outside_the_project(server, browser) -> None:  # type: ignore[no-untyped-def]
    base, project = server
    secret = project.parent / "secret.txt"
    secret.write_text("机密：不该被读到", encoding="utf-8")
    context, page = log_in(browser, base, "county")
    cookie = session_cookie(context)
    for path in TRAVERSALS:
        status, body = raw_get(base, path, cookie)
        assert status in (400, 404), (path, status)
        assert "机密".encode() not in body and b"SQLite format" not in body and b"root:" not in body, path
    # the same on the routes that change something: nothing found, nothing swapped, nothing restored
    page.goto(base + "/publish")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    live = project / ".yizhan-workbench/live"
    before = sorted(p.relative_to(live).as_posix() for p in live.rglob("*")) if live.exists() else []
    for path in ("/publishes/..%2f..%2fsecret.txt/live", "/publishes/-1/live", "/versions/..%2f1/restore",
                 "/versions/0/restore"):  # fmt: skip
        answer = context.request.post(base + path, form={"csrf": csrf}, max_redirects=0)
        assert answer.status == 404, (path, answer.status)
    after = sorted(p.relative_to(live).as_posix() for p in live.rglob("*")) if live.exists() else []
    assert after == before and secret.read_text(encoding="utf-8") == "机密：不该被读到"
    finished(context)


def test_private_rows_only_for_their_own_township_and_never_logged_out(server, browser) -> None:  # type: ignore[no-untyped-def]
    base, project = server
    rows = rows_of(project, RECIPIENTS)
    header = rows[0]
    town, name, number = header.index("所属乡镇"), header.index("户主姓名"), header.index("身份证号")
    others = [r for r in rows[1:] if r[town] != "城关镇"]
    assert others
    pages = ["/", "/versions", "/versions/1", "/weekly?table=recipients", "/weekly?table=recipients&view=month",
             "/publish", "/uploads/1", "/uploads/1/marked", "/publishes/1/site.zip"]  # fmt: skip
    anonymous = browser.new_context()
    for path in pages:
        answer = anonymous.request.get(base + path, max_redirects=0)
        assert answer.status == 303 and answer.headers["location"] == "/login", path
        assert not any(r[name] in answer.text() for r in rows[1:]), path
    anonymous.close()
    context, _ = log_in(browser, base, "cg")
    for path in pages:
        answer = context.request.get(base + path)
        body = answer.body().decode("utf-8", "replace")
        leaked = [r[name] for r in others if r[name] in body or r[number] in body]
        assert not leaked, (path, leaked)
    for path in ("/versions", "/versions/1"):
        assert context.request.get(base + path).status == 403
    finished(context)


def test_the_audit_log_names_no_id_or_phone_number(server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    base, project = server
    phone, number = "13912345678", "990101198001010014"
    anonymous = browser.new_context()
    page = anonymous.new_page()
    for typed in (phone, number, f"张三{phone}"):
        page.goto(base + "/login")
        page.get_by_label("用户名").fill(typed)
        page.get_by_label("密码").fill("wrong")
        page.get_by_role("button", name="登录").click()
    anonymous.close()
    context, page = log_in(browser, base, "cg")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    sent = {"name": f"张三{phone}-{number}.xlsx", "mimeType": "application/octet-stream",
            "buffer": fixed_recipients(project, tmp_path / "x.xlsx").read_bytes()}  # fmt: skip
    answer = context.request.post(
        base + "/upload", multipart={"csrf": csrf, "table": "recipients", "file": sent}
    )
    assert answer.status == 200
    finished(context)
    with sqlite3.connect(project / ".yizhan-workbench/workbench.sqlite3") as db:
        audit = [
            " ".join(map(str, row)) for row in db.execute("SELECT user, address, action, detail FROM audit")
        ]
        attempts = [" ".join(map(str, row)) for row in db.execute("SELECT kind, key FROM attempts")]
    assert sum("登录失败" in line for line in audit) >= 3 and any("上传" in line for line in audit)
    for line in audit + attempts:
        assert phone not in line and number not in line, line


def test_an_expired_session_is_refused_by_the_server(server, browser) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    base, project = server
    context, _ = log_in(browser, base, "v", fresh=True)
    assert context.request.get(base + "/", max_redirects=0).status == 200
    with sqlite3.connect(project / ".yizhan-workbench/workbench.sqlite3") as db:
        db.execute("UPDATE sessions SET expires = ? WHERE user = 'v'", (time.time() - 1,))
    answer = context.request.get(base + "/", max_redirects=0)  # the browser still sends the cookie
    assert answer.status == 303 and answer.headers["location"] == "/login"
    finished(context)


def test_a_disabled_users_session_stops_working(server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, project = server
    done = yizhan("user", "add", "leaving", "--role", "township", "--township", "城关镇", "--project",
                  str(project), stdin=PASSWORD + "\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    context, page = log_in(browser, base, "leaving", fresh=True)
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    assert context.request.get(base + "/weekly", max_redirects=0).status == 200
    done = yizhan("user", "disable", "leaving", "--project", str(project))
    assert done.returncode == 0, done.stderr
    before = (project / RECIPIENTS).read_bytes()
    answer = context.request.get(base + "/weekly", max_redirects=0)
    assert answer.status == 303 and answer.headers["location"] == "/login"
    sent = {"name": "x.xlsx", "mimeType": "application/octet-stream",
            "buffer": fixed_recipients(project, tmp_path / "x.xlsx").read_bytes()}  # fmt: skip
    answer = context.request.post(
        base + "/upload", multipart={"csrf": csrf, "table": "recipients", "file": sent}, max_redirects=0
    )
    assert answer.status == 303 and answer.headers["location"] == "/login"
    assert (project / RECIPIENTS).read_bytes() == before
    finished(context)
