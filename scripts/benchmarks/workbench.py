"""The workbench over real HTTP: uploads to their finished result, publishing, concurrent townships.

A fresh copy of the example county, users made with `yizhan user add`, the workbench served by
uvicorn on a free 127.0.0.1 port in its own process, and every measurement a real HTTP request
(urllib) as a browser without JavaScript makes it: POST, then reload the result page until it is
finished. Run alone with `PYTHONPATH=scripts python -m benchmarks.workbench`; `python -m benchmarks`
runs it in a child process and prints its table. Also times `yizhan collect import` of the same
100,000-row service log, since the workbench and the command line share the import path.
"""

from __future__ import annotations

import argparse
import csv
import http.cookiejar
import io
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from yizhan.buildkit.paths import tool_root

PASSWORD = "基准测试2026pass"
LOG = "服务台账.csv"
HEADER = ["日期", "驿站编号", "服务类型", "人次", "备注"]
TYPES = ["政策咨询", "代办", "走访", "宣传", "上门服务"]
BIG_ROWS = 100_000
BOOK_ROWS = 1_000
CONCURRENT = 20
CONCURRENT_ROWS = 200
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    text: str
    location: str


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Client:
    """One user's browser without JavaScript: its own cookie, redirects seen rather than followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
        self.csrf = ""

    def request(
        self, path: str, fields: dict[str, str] | None = None, file: tuple[str, bytes] | None = None
    ) -> Answer:
        data, headers = None, {}
        if fields is not None:
            boundary = uuid.uuid4().hex
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                for k, v in fields.items()
            ]
            if file is not None:
                name, body = file
                head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                parts.append(
                    (head + "Content-Type: application/octet-stream\r\n\r\n").encode() + body + b"\r\n"
                )
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=600) as answer:
                return Answer(answer.status, answer.read().decode(), answer.headers.get("location") or "")
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode(), error.headers.get("location") or "")

    def log_in(self, name: str) -> None:
        token = CSRF.search(self.request("/login").text)
        assert token is not None
        answer = self.request("/login", {"csrf": token[1], "username": name, "password": PASSWORD})
        if answer.status != 303:
            raise SystemExit(f"登录失败：{name} {answer.status}")
        found = CSRF.search(self.request("/").text)
        assert found is not None
        self.csrf = found[1]

    def upload(self, table: str, name: str, body: bytes) -> tuple[int | None, str]:
        """POST the file and reload its result page until the check is done: (upload number, page)."""
        answer = self.request("/upload", {"csrf": self.csrf, "table": table}, (name, body))
        if answer.status != 303 or not answer.location.startswith("/uploads/"):
            return None, answer.text
        number = int(answer.location.rsplit("/", 1)[-1])
        while True:
            page = self.request(answer.location)
            if page.status != 200 or 'id="refresh"' not in page.text:
                return number, page.text
            time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def yizhan(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "yizhan", *args], input=stdin, text=True, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"yizhan {' '.join(args)} 失败：{done.stderr[-1000:]}")
    return done


def townships(root: Path) -> dict[str, list[str]]:
    """Township → its stations, from the county's register."""
    with (root / "datasets" / "驿站名录.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    places: dict[str, list[str]] = {}
    for row in rows[1:]:
        places.setdefault(row[3], []).append(row[0])
    return places


def service_rows(stations: list[str], count: int, month: str | None, mark: str) -> list[list[str]]:
    """`count` valid service-log rows over `stations`, in `month` (YYYY-MM) or spread over 2026."""
    return [
        [f"{month or f'2026-{1 + i % 12:02d}'}-{1 + i % 28:02d}", stations[i % len(stations)], TYPES[i % 5],
         str(i % 300), f"{mark}{i}"]
        for i in range(count)
    ]  # fmt: skip


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADER, *rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "服务台账"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def merged(page: str) -> bool:
    return 'class="ok"' in page


def change_one_phone(root: Path, phone: str) -> str:
    """A new manager phone for the first township station of the register; returns its id."""
    path = root / "datasets" / "驿站名录.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    row = next(r for r in rows[1:] if r[header.index("层级")] == "乡镇")
    row[header.index("管理员电话")] = phone
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return row[0]


def publish(admin: Client, database: Path) -> tuple[int, float]:
    """Press 发布 and wait until the live folder is swapped: (publish number, seconds)."""
    start = time.perf_counter()
    answer = admin.request("/publish", {"csrf": admin.csrf})
    if answer.status != 303:
        raise SystemExit(f"发布没有开始：{answer.status}")
    number = 0
    while True:
        with sqlite3.connect(database) as db:
            row = db.execute("SELECT id, status, live_at FROM publishes ORDER BY id DESC LIMIT 1").fetchone()
        number, status, live_at = row
        if status == "failed":
            raise SystemExit(f"第{number}次发布失败")
        if status == "done" and live_at is not None:
            return number, time.perf_counter() - start
        time.sleep(0.1)


def rows_marked(root: Path, mark: str) -> int:
    with (root / "datasets" / LOG).open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for row in csv.reader(f) if len(row) > 4 and row[4].startswith(mark))


def collect_import(folder: Path, log: bytes) -> float:
    """`yizhan collect import taizhang` of the big log into its own fresh copy of the example county."""
    root = folder / "collect-county"
    for name in ("content", "forms", "datasets"):
        shutil.copytree(tool_root() / name, root / name)
    source = folder / "台账导入.csv"
    source.write_bytes(log)
    start = time.perf_counter()
    yizhan("collect", "import", "--project", str(root), "taizhang", str(source))
    return time.perf_counter() - start


def measure(folder: Path) -> list[tuple[str, str, str]]:
    """(what, figure, target) rows of the workbench benchmark."""
    root = folder / "county"
    for name in ("content", "forms", "datasets"):
        shutil.copytree(tool_root() / name, root / name)
    places = townships(root)
    towns = sorted(places)
    yizhan("user", "add", "county", "--role", "admin", "--project", str(root), stdin=PASSWORD + "\n")
    for number, town in enumerate(towns):
        yizhan("user", "add", f"t{number}", "--role", "township", "--township", town, "--project", str(root),
               stdin=PASSWORD + "\n")  # fmt: skip
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "yizhan", "workbench", "--project", str(root), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    figures: list[tuple[str, str, str]] = []
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(base + "/login", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        database = root / ".yizhan-workbench" / "workbench.sqlite3"
        admin, township = Client(base), Client(base)
        admin.log_in("county")
        township.log_in("t0")
        print("  工作台：上传 1,000 行乡镇工作簿", file=sys.stderr, flush=True)
        book = xlsx_bytes(service_rows(places[towns[0]], BOOK_ROWS, "2026-02", "工作簿"))
        start = time.perf_counter()
        _, page = township.upload("services", "服务台账.xlsx", book)
        seconds = time.perf_counter() - start
        figures.append((f"上传并检查 {BOOK_ROWS:,} 行的乡镇工作簿，到结果页", f"{seconds:.2f} 秒"
                        f"（{'已合并' if merged(page) else '未合并'}）", "≤ 2 秒"))  # fmt: skip
        print("  工作台：上传 100,000 行服务台账", file=sys.stderr, flush=True)
        everyone = [s for town in towns for s in places[town]]
        log = csv_bytes(service_rows(everyone, BIG_ROWS, None, "大表"))
        start = time.perf_counter()
        _, page = admin.upload("services", "服务台账.csv", log)
        seconds = time.perf_counter() - start
        figures.append((f"上传 {BIG_ROWS:,} 行服务台账，到检查合并完成的结果页", f"{seconds:.2f} 秒"
                        f"（{'已合并' if merged(page) else '未合并'}）", "≤ 15 秒"))  # fmt: skip
        print("  命令行：collect import 100,000 行", file=sys.stderr, flush=True)
        seconds = collect_import(folder, log)
        figures.append(
            (f"yizhan collect import taizhang，{BIG_ROWS:,} 行 CSV", f"{seconds:.2f} 秒", "≤ 15 秒")
        )
        print("  工作台：首次发布（冷启动）", file=sys.stderr, flush=True)
        _, cold = publish(admin, database)
        figures.append(("首次发布（冷启动，生成缓存），从按钮到切换上线", f"{cold:.1f} 秒", "（参考）"))
        print("  工作台：改一个驿站后发布", file=sys.stderr, flush=True)
        station = change_one_phone(root, "13900003333")
        _, warm = publish(admin, database)
        figures.append(
            (f"改一个驿站（{station} 管理员电话）后发布，从按钮到切换上线", f"{warm:.1f} 秒", "≤ 15 秒")
        )
        print("  命令行：同样改一个驿站后 yizhan build（对照）", file=sys.stderr, flush=True)
        change_one_phone(root, "13900005555")
        start = time.perf_counter()
        yizhan("build", "--project", str(root), "--out", str(root / "build"))
        plain = time.perf_counter() - start
        figures.append(
            ("同样改一个驿站后 yizhan build（增量，同一构建目录；此刻机器上的对照）", f"{plain:.1f} 秒",
             f"发布 ÷ 构建 = {warm / plain:.2f}")
        )  # fmt: skip
        print(f"  工作台：发布进行中，{CONCURRENT} 个乡镇同时上传", file=sys.stderr, flush=True)
        change_one_phone(root, "13900004444")
        figures += concurrent(base, root, database, admin, places, towns)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return figures


def concurrent(
    base: str, root: Path, database: Path, admin: Client, places: dict[str, list[str]], towns: list[str]
) -> list[tuple[str, str, str]]:
    """20 township uploads at once (distinct township and month each) while a publish runs."""
    jobs = [
        (f"t{i % len(towns)}", towns[i % len(towns)], f"2026-{4 + i // len(towns):02d}")
        for i in range(CONCURRENT)
    ]
    clients = []
    for name, _, _ in jobs:
        client = Client(base)
        client.log_in(name)
        clients.append(client)
    seconds: list[float] = [0.0] * CONCURRENT
    outcomes: list[bool] = [False] * CONCURRENT

    def one(index: int) -> None:
        _, town, month = jobs[index]
        body = csv_bytes(service_rows(places[town], CONCURRENT_ROWS, month, f"并发{index}-"))
        start = time.perf_counter()
        try:
            number, page = clients[index].upload("services", "服务台账.csv", body)
            outcomes[index] = number is not None and merged(page)
        except OSError:
            outcomes[index] = False
        seconds[index] = time.perf_counter() - start

    publishing = threading.Thread(target=publish, args=(admin, database))
    publishing.start()
    time.sleep(0.5)  # the build has started
    threads = [threading.Thread(target=one, args=(i,)) for i in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    busy = publishing.is_alive()
    publishing.join()
    errors = outcomes.count(False)
    lost = sum(max(0, CONCURRENT_ROWS - rows_marked(root, f"并发{i}-")) for i in range(CONCURRENT))
    quantiles = statistics.quantiles(seconds, n=20)
    during = "发布仍在进行" if busy else "发布已先完成"
    return [
        (f"发布进行中，{CONCURRENT} 个乡镇同时上传 {CONCURRENT_ROWS} 行：每份到结果页 p50",
         f"{statistics.median(seconds):.2f} 秒", f"（上传全部结束时{during}）"),
        ("同上 p95", f"{quantiles[18]:.2f} 秒", ""),
        ("同上：出错的上传", str(errors), "必须为 0"),
        ("同上：丢失的行", str(lost), "必须为 0"),
    ]  # fmt: skip


def table() -> str:
    """The measurement, run in a fresh process, as a markdown table."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.workbench"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    if done.returncode != 0:
        return f"工作台基准运行失败：\n```\n{done.stderr[-2000:]}\n```"
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m benchmarks.workbench", description="工作台基准").parse_args(argv)
    before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="yizhan-workbench-") as tmp:
        figures = measure(Path(tmp))
    figures.append(("机器负载（1 分钟平均，开始 → 结束；别的进程也在用这台机器）",
                    f"{before:.1f} → {os.getloadavg()[0]:.1f}", ""))  # fmt: skip
    print(f"| 工作台（HTTP，127.0.0.1，{os.cpu_count()} 核） | 结果 | 目标 |\n|---|---:|---|")
    for what, figure, goal in figures:
        print(f"| {what} | {figure} | {goal} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
