"""The offline web form in a real browser, from file://, round-tripped into the dataset."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO
from yizhan.derive import derive
from yizhan.forms import load_forms
from yizhan.forms.web import web_html
from yizhan.load import load
from yizhan.validate import to_model, validate

Run = Callable[..., tuple[int, str, str]]


def feedback_count(root: Path) -> int:
    project = load(root)
    assert validate(project).valid
    return len(derive(to_model(project)).tables["feedback"])


@pytest.mark.browser
def test_offline_form_round_trip(browser, mini: Path, tmp_path: Path, run: Run) -> None:
    project = load(REPO)
    model = to_model(project)
    form = next(f for f in load_forms(model.forms) if f.code == "yijian")
    page_path = tmp_path / "site/forms/yijian.html"
    page_path.parent.mkdir(parents=True)
    page_path.write_text(web_html(form, model.county, REPO / "site_templates"), encoding="utf-8")

    context = browser.new_context(accept_downloads=True, viewport={"width": 360, "height": 740})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_path.as_uri())

    page.fill("#f-phone", "139123")
    page.press("#f-phone", "Tab")
    assert "电话号码格式不对" in page.inner_text("#e-phone")
    page.click("#save")
    assert page.is_visible("#summary")
    summary = page.inner_text("#summary-list")
    assert "请填写「登记编号」" in summary and "联系电话" in summary
    assert page.inner_text("#entry-count") == "0"

    page.fill("#f-feedback_id", "YJ202611-0950")
    page.fill("#f-date", "2026-11-18")
    page.fill("#f-station_id", "YZ-01-001")
    page.fill("#f-person", "周某某")
    page.fill("#f-phone", "13912345678")
    page.check("input[name=category][value=建设类]")
    page.fill("#f-topic", "村道修缮")
    assert page.is_hidden("#f-closed_date")  # shown only when 办理状态 is 已办结
    page.check("input[name=status][value=已办结]")
    assert page.is_visible("#f-closed_date")
    page.click("#save")
    assert "请填写「办结日期」" in page.inner_text("#e-closed_date")
    page.fill("#f-closed_date", "2026-11-19")
    page.fill("#f-summary", "村口道路坑洼，雨天积水，已联系乡镇修补。")
    page.reload()  # the draft survives a reload
    assert page.input_value("#f-summary").startswith("村口道路坑洼")
    page.click("#save")
    assert page.is_hidden("#summary")
    assert page.is_visible("#review") and page.is_hidden("#yz-form")  # 核对 before saving
    review = page.inner_text("#review-list")
    assert "登记编号\nYJ202611-0950" in review and "办结日期\n2026-11-19" in review
    assert page.inner_text("#entry-count") == "0"
    page.click("#back")  # back to change something: the answers are still there
    assert page.input_value("#f-topic") == "村道修缮"
    page.click("#save")
    page.click("#confirm")
    assert page.is_visible("#done")
    record = page.inner_text("#record-id")
    assert re.fullmatch(r"YIJIAN-\d{8}-[2-9A-HJ-NP-Z]{4}", record), record
    assert page.inner_text("#entry-count") == "1"
    page.click("#next")
    assert page.is_visible("#yz-form") and page.input_value("#f-topic") == ""

    page.reload()
    assert page.inner_text("#entry-count") == "1"
    assert "YJ202611-0950" in page.inner_text("#entries tbody") and record in page.inner_text(
        "#entries tbody"
    )
    with page.expect_download() as download:
        page.click("#export")
    exported = tmp_path / "export.csv"
    download.value.save_as(exported)
    context.close()
    assert all(url.startswith("file://") for url in requests), requests

    data = exported.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["编号", "收集日期", "驿站编号"]
    exported_row = dict(zip(rows[0], rows[1], strict=True))
    assert exported_row["办结日期"] == "2026-11-19"
    assert (exported_row["提交编号"], exported_row["表格版本"]) == (record, "2026.1")

    shutil.copytree(REPO / "forms", mini / "forms")
    before = feedback_count(mini)
    code, out, _ = run("collect", "import", "--project", str(mini), "yijian", str(exported))
    assert code == 0, out
    assert feedback_count(mini) == before + 1
    stored = list(csv.reader((mini / "datasets/意见建议.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert dict(zip(stored[0], stored[-1], strict=False))["提交编号"] == record
    code, out, _ = run("collect", "import", "--project", str(mini), "yijian", str(exported))
    assert code == 0 and feedback_count(mini) == before + 1  # the same record again: not doubled


@pytest.mark.browser
def test_problem_form_round_trip(browser, mini: Path, tmp_path: Path, run: Run) -> None:
    """问题整改台账 in the offline web form: 销号日期 only for 已销号, not before 发现日期; export → import."""
    model = to_model(load(REPO))
    form = next(f for f in load_forms(model.forms) if f.code == "zhenggai")
    page_path = tmp_path / "site/forms/zhenggai.html"
    page_path.parent.mkdir(parents=True)
    page_path.write_text(web_html(form, model.county, REPO / "site_templates"), encoding="utf-8")
    context = browser.new_context(accept_downloads=True, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(page_path.as_uri())

    page.fill("#f-problem_id", "WT2026-1")
    page.press("#f-problem_id", "Tab")
    assert page.inner_text("#e-problem_id")  # the pattern's message
    page.fill("#f-problem_id", "WT202611-0950")
    page.check("input[name=source][value=排查发现]")
    page.fill("#f-found_date", "2026-11-10")
    page.fill("#f-township", "城关镇")
    page.fill("#f-station_id", "YZ-01-001")
    page.fill("#f-summary", "走访发现独居老人家中灶台漏气。")
    page.fill("#f-unit", "城关镇人民政府")
    page.fill("#f-responsible", "程立新")
    page.fill("#f-deadline", "2026-11-24")
    assert page.is_hidden("#f-closed_date")
    page.check("input[name=status][value=已销号]")
    assert page.is_visible("#f-closed_date")
    page.fill("#f-measures", "已更换燃气软管并入户检查")
    page.fill("#f-closed_date", "2026-11-09")
    page.click("#save")
    assert "不能早于「发现日期」" in page.inner_text("#e-closed_date")
    page.fill("#f-closed_date", "2026-11-18")
    page.click("#save")
    page.click("#confirm")
    assert page.is_visible("#done")
    with page.expect_download() as download:
        page.click("#export")
    exported = tmp_path / "zhenggai.csv"
    download.value.save_as(exported)
    context.close()

    rows = list(csv.reader(exported.read_bytes().decode("utf-8-sig").splitlines()))
    entry = dict(zip(rows[0], rows[1], strict=True))
    assert (entry["问题编号"], entry["状态"], entry["销号日期"]) == ("WT202611-0950", "已销号", "2026-11-18")
    shutil.copytree(REPO / "forms", mini / "forms")
    code, out, _ = run("collect", "import", "--project", str(mini), "zhenggai", str(exported))
    assert code == 0, out
    stored = list(
        csv.reader((mini / "datasets/问题整改台账.csv").read_text(encoding="utf-8-sig").splitlines())
    )
    last = dict(zip(stored[0], stored[-1], strict=True))
    assert last["问题编号"] == "WT202611-0950" and last["整改措施"] == "已更换燃气软管并入户检查"
    assert validate(load(mini)).valid
