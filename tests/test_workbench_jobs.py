"""A big upload is checked in the background: the POST answers at once and other users carry on meanwhile."""

from __future__ import annotations

import http.cookiejar
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from bs4 import BeautifulSoup

from conftest import read_rows
from workbench_files import OTHER_TOWN
from yizhan.workbench import accounts, jobs, publishing
from yizhan.workbench.accounts import TOWNSHIP, VIEWER
from yizhan.workbench.app import Workbench, create_app
from yizhan.workbench.merging import WRITING
from yizhan.workbench.store import Store

PASSWORD = "示例县2026pass"
SERVICES = "datasets/服务台账.csv"
TYPES = ["政策咨询", "代办", "走访", "宣传", "上门服务"]


def stations_of(county: Path, township: str) -> list[str]:
    return [r[0] for r in read_rows(county / "datasets/驿站名录.csv")[1:] if r[3] == township]


def service_log(county: Path, township: str, count: int) -> bytes:
    """A township's service log of `count` valid rows, all in one month, as a CSV upload."""
    stations = stations_of(county, township)
    lines = ["日期,驿站编号,服务类型,人次,备注"]
    lines += [f"2026-03-{1 + i % 28:02d},{stations[i % len(stations)]},{TYPES[i % 5]},{i % 300},第{i}条" for i in range(count)]  # fmt: skip
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


class Client:
    """A browser without JavaScript over real HTTP: keeps its cookie, never follows a redirect."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path: str, fields: dict[str, str] | None = None, file: bytes | None = None) -> Answer:
        data, headers = None, {}
        if fields is not None:
            boundary = uuid.uuid4().hex
            parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                     for k, v in fields.items()]  # fmt: skip
            if file is not None:
                head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="services.csv"\r\n'
                parts.append((head + "Content-Type: text/csv\r\n\r\n").encode() + file + b"\r\n")
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as answer:
                return Answer(answer.status, answer.read().decode(), answer.headers.get("location", ""))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode(), error.headers.get("location", ""))

    def get(self, path: str) -> Answer:
        return self.request(path)

    def page(self, path: str) -> BeautifulSoup:
        return BeautifulSoup(self.get(path).text, "html.parser")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Answer:
    status: int
    text: str
    location: str


@contextmanager
def serving(county: Path) -> Iterator[tuple[str, Workbench]]:
    """The workbench over `county` in this process (uvicorn in a thread) on a free loopback port."""
    app = create_app(county)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", app.bench  # type: ignore[attr-defined]
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def logged_in(base: str, name: str) -> tuple[Client, str]:
    """A client logged in as `name`, and the CSRF token of its session."""
    client = Client(base)
    token = client.page("/login").select_one("input[name=csrf]")["value"]  # type: ignore[index]
    answer = client.request("/login", {"csrf": str(token), "username": name, "password": PASSWORD})
    assert answer.status == 303 and answer.location == "/", answer.text
    return client, str(client.page("/").select_one("input[name=csrf]")["value"])  # type: ignore[index]


def send(client: Client, csrf: str, data: bytes) -> int:
    """Upload a service log; the number of the upload the answer leads to."""
    answer = client.request("/upload", {"csrf": csrf, "table": "services"}, data)
    assert answer.status == 303, answer.text
    return int(answer.location.rsplit("/", 1)[-1])


def finished(client: Client, number: int) -> BeautifulSoup:
    """The result page once the background check is done (the refresh link gone)."""
    for _ in range(600):
        page = client.page(f"/uploads/{number}")
        if page.select_one("#refresh") is None:
            return page
        time.sleep(0.1)
    raise AssertionError(f"upload {number} never finished")


@pytest.fixture
def county(mini: Path) -> Path:
    store = Store(mini)
    accounts.add_user(store, "cg", TOWNSHIP, "城关镇", PASSWORD)
    accounts.add_user(store, "qx", TOWNSHIP, OTHER_TOWN, PASSWORD)
    accounts.add_user(store, "v", VIEWER, "", PASSWORD)
    return mini


def test_a_big_upload_answers_at_once_and_others_carry_on(county: Path) -> None:
    big, small = service_log(county, "城关镇", 4000), service_log(county, OTHER_TOWN, 30)
    with serving(county) as (base, bench):
        cg, cg_csrf = logged_in(base, "cg")
        qx, qx_csrf = logged_in(base, "qx")
        viewer, _ = logged_in(base, "v")
        with WRITING:  # the merge of the big upload cannot even start: the POST must not wait for it
            number = send(cg, cg_csrf, big)
            working = cg.page(f"/uploads/{number}")
            assert working.select_one("#working") is not None
            assert working.select_one("#refresh")["href"] == f"/uploads/{number}"  # type: ignore[index]
            assert working.select_one("meta[http-equiv]") is None  # no automatic refresh
            # meanwhile another user's pages are served and another township's upload is taken
            home = viewer.get("/")
            assert home.status == 200 and "正在检查" in BeautifulSoup(home.text, "html.parser").get_text()
            other = send(qx, qx_csrf, small)
            stage = qx.page(f"/uploads/{other}").select_one("#working")["data-stage"]  # type: ignore[index]
            assert stage == jobs.QUEUED
            assert cg.get(f"/uploads/{number}/marked").status == 303  # no marked file before the check
            assert not bench.jobs.idle()
        done = finished(cg, number)
        assert done.select_one("#count-accepted").get_text() == "可以合并：4000 行"  # type: ignore[union-attr]
        assert "ok" in done.select_one("#outcome")["class"]  # type: ignore[index]
        accepted = finished(qx, other).select_one("#count-accepted")
        assert accepted.get_text() == "可以合并：30 行"  # type: ignore[union-attr]
    march = [r[4] for r in read_rows(county / SERVICES)[1:] if r[0].startswith("2026-03")]
    assert sorted(march) == sorted([f"第{i}条" for i in range(4000)] + [f"第{i}条" for i in range(30)])


def test_an_upload_left_unfinished_is_checked_when_the_workbench_starts_again(
    county: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(county) as (base, bench):
        cg, csrf = logged_in(base, "cg")
        monkeypatch.setattr(bench.jobs, "submit", lambda number, task: None)
        number = send(cg, csrf, service_log(county, "城关镇", 50))  # stopped before its check began
        assert cg.page(f"/uploads/{number}").select_one("#refresh") is not None
    with serving(county) as (base, _):  # as after a restart: the upload row still says it is waiting
        client, _ = logged_in(base, "cg")
        accepted = finished(client, number).select_one("#count-accepted")
        assert accepted.get_text() == "可以合并：50 行"  # type: ignore[union-attr]


def test_going_live_links_the_kept_publish_instead_of_copying_it(county: Path) -> None:
    store = Store(county)
    publishing.prepare(store)
    _, kept, live = publishing.folders(store)
    page = kept / "1" / "site" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<p>第一次发布</p>", encoding="utf-8")
    with store.connect() as db:
        db.execute("INSERT INTO publishes (id, at, user, status) VALUES (1, 0, 'county', 'done')")
    publishing.go_live(store, 1)
    served = live / "site" / "index.html"
    assert served.read_text(encoding="utf-8") == "<p>第一次发布</p>"
    assert served.stat().st_ino == page.stat().st_ino  # one file on disk, not a second copy
    assert publishing.live_number(store) == 1


def test_an_upload_whose_check_breaks_ends_unmerged_with_a_message(
    county: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from yizhan.feedback import messages

    before = (county / "datasets/服务台账.csv").read_bytes()
    with serving(county) as (base, bench):

        def broken(number: int) -> dict:
            raise RuntimeError("a fault inside the check")

        monkeypatch.setattr(bench, "_process", broken)
        cg, csrf = logged_in(base, "cg")
        number = send(cg, csrf, service_log(county, "城关镇", 20))
        page = finished(cg, number)
        assert messages.text("YZ-WEB-036", number=number)[0] in page.get_text()
    assert (county / "datasets/服务台账.csv").read_bytes() == before


def month_log(county: Path, township: str, month: str, mark: str, count: int = 40) -> bytes:
    """A township's service log of one month, each row's 备注 starting with `mark`."""
    stations = stations_of(county, township)
    lines = ["日期,驿站编号,服务类型,人次,备注"]
    lines += [f"{month}-{1 + i % 28:02d},{stations[i % len(stations)]},{TYPES[i % 5]},{i},{mark}{i}" for i in range(count)]  # fmt: skip
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def test_uploads_waiting_together_are_merged_in_one_check_each_with_its_own_result(
    county: Path, tmp_path: Path
) -> None:
    import shutil

    from yizhan.load import load
    from yizhan.workbench.intake import check_upload
    from yizhan.workbench.merging import merge_upload

    sent = [("cg", "城关镇", month_log(county, "城关镇", "2026-03", "甲")),
            ("qx", OTHER_TOWN, month_log(county, OTHER_TOWN, "2026-03", "乙")),
            ("cg", "城关镇", month_log(county, "城关镇", "2026-04", "丙")),
            ("qx", OTHER_TOWN, month_log(county, OTHER_TOWN, "2026-03", "丁", 7)),  # replaces 乙: its own turn
            ("cg", "城关镇", month_log(county, "城关镇", "2026-05", "戊").replace(b"YZ-01", b"YZ-99", 1))]  # fmt: skip
    reference = tmp_path / "one-by-one"
    shutil.copytree(county, reference)
    with serving(county) as (base, bench):
        clients = {name: logged_in(base, name) for name in ("cg", "qx")}
        with WRITING:  # they all wait behind the first
            numbers = [send(clients[name][0], clients[name][1], data) for name, _, data in sent]
        pages = [finished(clients[name][0], n) for (name, _, _), n in zip(sent, numbers, strict=True)]
        with bench.store.connect() as db:
            versions = [
                db.execute("SELECT version FROM uploads WHERE id = ?", (n,)).fetchone()[0] for n in numbers
            ]
    outcomes = [page.select_one("#outcome") for page in pages]
    assert ["ok" in o["class"] for o in outcomes] == [True, True, True, True, False]  # type: ignore[index]
    assert versions[0] == versions[1] == versions[2] and versions[3] > versions[2] and versions[4] is None
    texts = [o.get_text() for o in outcomes]  # type: ignore[union-attr]
    assert (
        "写入本次的 40 行" in texts[1] and "写入本次的 7 行，替换了原有的 40 行" in texts[3]
    )  # its own counts
    # the county's table is what merging them one by one makes, byte for byte
    store = Store(reference)
    project = load(reference)
    for i, (name, town, data) in enumerate(sent[:4]):
        path = tmp_path / f"{i}.csv"
        path.write_bytes(data)
        project = load(reference)
        user = accounts.User(name, TOWNSHIP, town)
        intake = check_upload(project, "services", path, "services.csv", user)
        assert merge_upload(store, project, "services", intake, name, {town}, i + 1).code == "YZ-WEB-019"
    assert (county / SERVICES).read_bytes() == (reference / SERVICES).read_bytes()


def test_another_tables_upload_in_between_keeps_the_order(county: Path) -> None:
    rows = read_rows(county / "datasets/意见建议.csv")
    own = [list(r) for r in rows[1:] if r[1].startswith("2026-01") and r[2].startswith("YZ-01")]
    own[0][rows[0].index("内容摘要")] = "排在中间的意见"
    opinions = ("\ufeff" + "\r\n".join(",".join(r) for r in [rows[0], *own]) + "\r\n").encode("utf-8")
    with serving(county) as (base, bench):
        (cg, cg_csrf), (qx, qx_csrf) = logged_in(base, "cg"), logged_in(base, "qx")
        with WRITING:
            first = send(cg, cg_csrf, month_log(county, "城关镇", "2026-03", "甲"))
            answer = cg.request("/upload", {"csrf": cg_csrf, "table": "feedback"}, opinions)
            middle = int(answer.location.rsplit("/", 1)[-1])
            last = send(qx, qx_csrf, month_log(county, OTHER_TOWN, "2026-03", "乙"))
        for client, number in ((cg, first), (cg, middle), (qx, last)):
            assert "ok" in finished(client, number).select_one("#outcome")["class"]  # type: ignore[index]
        with bench.store.connect() as db:
            made = [db.execute("SELECT version FROM uploads WHERE id = ?", (n,)).fetchone()[0] for n in (first, middle, last)]  # fmt: skip
    assert made[0] < made[1] < made[2]  # one after another, as they came: not the two service logs first
