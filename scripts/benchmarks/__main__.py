"""`make bench`: build a synthetic county of N stations and print wall time and memory per stage.

Not a test: it prints figures for the closing notes of issues, as ratios where a baseline exists.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yizhan.buildkit.outfolder import new_work_dir, swap
from yizhan.buildkit.paths import project_file, tool_root
from yizhan.derive import derive
from yizhan.disclosure.render import render_disclosure
from yizhan.load import load
from yizhan.model.output import Output
from yizhan.printing.jobs import render_jobs
from yizhan.printing.posters import POSTER_GROUP, STATION_LIST_GROUP
from yizhan.publish import publish
from yizhan.render import render
from yizhan.rules.numbers import id_check_char
from yizhan.validate import to_model, validate
from yizhan.website.pages import render_site as site_pages

from . import intake, workbench
from .browser import browser_table
from .site_budget import budget_table, plain_mkdocs_seconds, site_budgets

EXAMPLE_STATIONS = 1168
TOWNS_IN_EXAMPLE = 18


@dataclass
class Bench:
    rows: list[tuple[str, float, float, str]] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # CPU seconds (this process and its children) per row
    notes: list[str] = field(default_factory=list)  # further tables printed after the stages

    def stage(self, label: str, work: Callable[[], Any], note: str = "") -> Any:
        start, cpu = time.perf_counter(), cpu_seconds()
        result = work()
        wall = time.perf_counter() - start
        self.rows.append((label, wall, peak_mb(), note))
        self.cpu.append(cpu_seconds() - cpu)
        print(f"  {label}: {wall:.2f} s", file=sys.stderr, flush=True)
        return result

    def table(self) -> str:
        lines = [
            "| 阶段 | 用时（秒） | CPU（秒） | 峰值内存（MB） | 说明 |",
            "|---|---:|---:|---:|---|",
        ]
        lines += [
            f"| {label} | {wall:.2f} | {cpu:.2f} | {mem:.0f} | {note} |"
            for (label, wall, mem, note), cpu in zip(self.rows, self.cpu, strict=True)
        ]
        caveat = (
            f"用时是墙上时间，机器上同时有别的负载时会变长；CPU 是本进程和子进程用掉的处理器时间之和"
            f"（{os.cpu_count()} 核并行时可以超过用时），受别的负载影响较小。"
        )
        return "\n\n".join(["\n".join(lines), caveat, *self.notes])


def cpu_seconds() -> float:
    """User and system CPU time so far of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_mb() -> float:
    """Peak resident memory so far of this process or its largest child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *rows])


def _rename(name: str, copy: int) -> str:
    """福塘村 → 福塘2村: a place name of the `copy`-th copy (the first copy keeps the name)."""
    return f"{name[:-1]}{copy + 1}{name[-1]}" if copy and name else name


def _scaled_id(station_id: str, copy: int, villages: int) -> str:
    """A village or group station's id in the `copy`-th copy: same township, village number moved on."""
    if copy == 0 or len(station_id) < 9:
        return station_id
    village = int(station_id[6:9]) + villages * copy
    return f"{station_id[:6]}{village:03d}{station_id[9:]}"


def _new_id(number: str, copy: int) -> str:
    """An 18-digit ID number of the `copy`-th copy: another sequence number, a correct check digit."""
    if not copy or len(number) != 18:
        return number
    first17 = f"{number[:14]}{(int(number[14:17]) + 7 * copy) % 1000:03d}"
    return first17 + id_check_char(first17)


def scale_datasets(folder: Path, stations: int) -> None:
    """Shrink the example to whole villages, or add copies of its villages (renamed, numbered on, in
    the same townships: township numbers have two digits) until there are about N stations.

    A city is many counties, each built as its own job; one synthetic county this big stands for
    the work of one such build machine.
    """
    tables = {
        name: _read(folder / f"{name}.csv")
        for name in ("驿站名录", "救助对象", "民生工程项目", "意见建议", "服务台账")
    }
    register = tables["驿站名录"][1]
    villages = max(int(r[0][6:9]) for r in register if len(r[0]) >= 9)
    below_township = sum(1 for r in register if len(r[0]) >= 9)
    copies = 1 + max(0, -(-(stations - len(register)) // below_township))
    kept: dict[str, list[list[str]]] = {name: [] for name in tables}
    budget = stations
    for copy in range(copies):
        for row in register:
            if copy and len(row[0]) < 9:
                continue  # one township station per township
            if budget <= 0:
                if row[2] != "组":
                    break
                continue
            new = [*row]
            new[0] = _scaled_id(row[0], copy, villages)
            new[4] = _rename(row[4], copy)
            new[1] = new[1].replace(row[4], new[4], 1) if row[4] else new[1]
            kept["驿站名录"].append(new)
            budget -= 1
        places = {(r[3], r[4]) for r in kept["驿站名录"]}
        ids = {r[0] for r in kept["驿站名录"]}
        for row in tables["救助对象"][1]:
            new = [*row]
            new[6] = _rename(row[6], copy)
            new[4] = _new_id(row[4], copy)
            if (new[5], new[6]) in places and (copy == 0 or row[6]):
                kept["救助对象"].append(new)
        for row in tables["民生工程项目"][1]:
            new = [*row]
            new[4] = _rename(row[4], copy)
            if (new[3], new[4]) in places and (copy == 0 or row[4]):
                new[0] = f"{row[0]}-{copy}" if copy else row[0]
                kept["民生工程项目"].append(new)
        for name, id_col in (("意见建议", 2), ("服务台账", 1)):
            for row in tables[name][1]:
                new = [*row]
                new[id_col] = _scaled_id(row[id_col], copy, villages)
                if new[id_col] in ids and (copy == 0 or len(row[id_col]) >= 9):
                    if name == "意见建议" and copy:
                        new[0] = f"{row[0]}-{copy}"
                    kept[name].append(new)
    for name, rows in kept.items():
        _write(folder / f"{name}.csv", tables[name][0], rows)


def make_county(target: Path, stations: int) -> None:
    source = tool_root()
    for name in ("content", "forms", "datasets"):
        if (source / name).exists():
            shutil.copytree(source / name, target / name)
    if stations != EXAMPLE_STATIONS:
        scale_datasets(target / "datasets", stations)


BASELINE_POSTERS = 50
SINGLE_POSTERS = 200  # enough for a steady per-poster figure in one process


def baseline_per_poster(output: Output) -> tuple[int, float]:
    """(posters, seconds per poster) when each of the first 50 posters is its own default
    `HTML(...).write_pdf()`, in one process."""
    from weasyprint import HTML

    from yizhan.printing.engine import base_url
    from yizhan.printing.stamp import whole

    posters = [whole(job) for job in output.print_jobs if job.group == POSTER_GROUP][:BASELINE_POSTERS]
    start = time.perf_counter()
    for job in posters:
        HTML(string=job.html, base_url=base_url()).write_pdf()
    return len(posters), (time.perf_counter() - start) / len(posters)


def command(root: Path, out: Path, *options: str) -> None:
    """`yizhan build` as a user runs it, in a new process: validation, rendering, publishing, checks."""
    done = subprocess.run(
        [sys.executable, "-m", "yizhan", "build", "--project", str(root), "--out", str(out), *options],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
        raise SystemExit(f"yizhan build 失败（退出码 {done.returncode}）")


def change_one_phone(root: Path, level: str, phone: str) -> str:
    """Give the first station of `level` (层级) in the register a new manager phone; returns its id."""
    path = root / "datasets" / "驿站名录.csv"
    header, rows = _read(path)
    row = next(r for r in rows if r[header.index("层级")] == level)
    row[header.index("管理员电话")] = phone
    _write(path, header, rows)
    return row[0]


def posters_cold(
    output: Output, folder: Path, count: int | None = None, workers: int | None = None
) -> tuple[int, float]:
    """(posters, seconds) for rendering the first `count` posters into an empty folder, as a build does."""
    posters = [job for job in output.print_jobs if job.group == POSTER_GROUP][:count]
    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    render_jobs(posters, folder, workers=workers)
    return len(posters), time.perf_counter() - start


def bench_whole(bench: Bench, root: Path, out: Path) -> None:
    """The whole `yizhan build` (site and print) as an officer runs it, a new process each time."""
    whole = "整条命令 yizhan build（网站和印刷品），新进程：读取、检查、生成、发布、隐私与链接检查"
    bench.stage("整体：冷启动", lambda: command(root, out), f"{whole}；{os.cpu_count()} 核；目标 ≤ 240 秒")
    bench.stage("整体：无改动", lambda: command(root, out), "同上；不运行 mkdocs，不重排 PDF；目标 ≤ 5 秒")
    # A station's phone shows on its own page, poster and service list (and in the finder data);
    # print tops are laid out a bucket at a time (a township's 乡镇 and 村 stations, or a village's 组
    # stations), so the bucket is printed again. Both kinds of bucket are measured.
    for level, phone, reach in (
        (
            "乡镇",
            "13900001111",
            "重建该站网页、该乡镇的乡镇和村驿站公示牌与清单（站头同批排版）、乡镇合订本",
        ),
        (
            "组",
            "13900002222",
            "重建该站网页、该站所在村各组驿站的公示牌与清单（站头同批排版）、乡镇合订本",
        ),
    ):
        station = change_one_phone(root, level, phone)
        bench.stage(
            f"整体：改一个{level}驿站的管理员电话",
            lambda: command(root, out),
            f"同上，{station}；{reach}；目标 ≤ 10 秒",
        )


def bench_posters(bench: Bench, output: Output, folder: Path) -> None:
    """Per-poster cost in one process against one default write_pdf per poster, in the same run."""
    documents = [job for job in output.print_jobs if not job.parts]
    station_docs = sum(job.group in (POSTER_GROUP, STATION_LIST_GROUP) for job in documents)
    alone, seconds = bench.stage(
        "公示牌，单进程",
        lambda: posters_cold(output, folder / "posters-one", SINGLE_POSTERS, workers=1),
    )
    single, single_cpu = seconds / alone, bench.cpu[-1] / alone
    bench.rows[-1] = (
        *bench.rows[-1][:3],
        f"前 {alone} 张，每张 {single:.3f} 秒、CPU {single_cpu:.3f} 秒（正文每个层级排一次，各站只排站头）；"
        f"全县 {len(documents)} 份 PDF，其中公示牌与驿站清单 {station_docs} 份",
    )
    count, base = bench.stage(
        f"基线：前 {BASELINE_POSTERS} 张公示牌各自 write_pdf",
        lambda: baseline_per_poster(output),
        "单进程，默认选项",
    )
    base_cpu = bench.cpu[-1] / count
    bench.rows[-1] = (
        *bench.rows[-1][:3],
        f"每张 {base:.3f} 秒、CPU {base_cpu:.3f} 秒；本工具单进程快 {base / single:.1f} 倍"
        f"（按 CPU 时间 {base_cpu / single_cpu:.1f} 倍；目标 ≥ 5 倍）",
    )


def run(stations: int) -> Bench:
    bench = Bench()
    with tempfile.TemporaryDirectory(prefix="yizhan-bench-") as tmp:
        root = Path(tmp) / "county"
        make_county(root, stations)
        bench_whole(bench, root, Path(tmp) / "build")
        project = bench.stage("load 读取", lambda: load(root))
        report = bench.stage("validate 检查", lambda: validate(project))
        if not report.valid:
            print(report.to_text(limit=20))
            raise SystemExit(1)
        model = bench.stage("to_model 类型化", lambda: to_model(project))
        data = bench.stage("derive 脱敏与统计", lambda: derive(model))
        output = bench.stage("render 生成页面", lambda: render(data, project_file(root, "site_templates")))
        out = Path(tmp) / "site-build"
        work = new_work_dir(out)
        staging = bench.stage(
            "publish 网站（冷启动，进程内）",
            lambda: publish(output, root, out, model.county, {"site"}, work),
            f"{len(output.docs)} 个页面（含表格 PDF）",
        )
        swap(staging, out, work)
        plain = bench.stage(
            "对照：直接 mkdocs build", lambda: plain_mkdocs_seconds(output, root, model.county), "同样的页面"
        )
        templates = project_file(root, "site_templates")
        bench.stage(
            "其中：网站页面的生成",
            lambda: (
                site_pages(data, templates),
                render_disclosure(data.stats["disclosure"], data.county, templates),
            ),
            "政策、驿站、信息公开页面；不含印刷品和表格 PDF",
        )
        site_seconds = sum(
            wall
            for label, wall, _, _ in bench.rows
            if label in ("其中：网站页面的生成", "publish 网站（冷启动，进程内）")
        )
        bench.notes.append(budget_table(site_budgets(out / "site"), site_seconds, plain))
        if stations == EXAMPLE_STATIONS:
            # The phone figures are per page type, the same for any size: measured on the example county.
            bench.notes.append(browser_table(out / "site", output, root, model.county))
        bench_posters(bench, output, Path(tmp))
    return bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="yizhan 基准测试")
    parser.add_argument("--stations", type=int, default=EXAMPLE_STATIONS, help="合成县的驿站数")
    parser.add_argument("--log-rows", type=int, default=intake.DEFAULT_ROWS, help="大表格检查的服务台账行数")
    parser.add_argument("--no-workbench", action="store_true", help="不测工作台（上传、发布、并发）")
    args = parser.parse_args(argv)
    print(f"合成县：约 {args.stations} 个驿站", file=sys.stderr)
    bench = run(args.stations)
    bench.notes.append(intake.table(args.log_rows))  # in its own process: its own peak memory
    if not args.no_workbench:
        print("工作台：上传、发布、并发（HTTP）", file=sys.stderr, flush=True)
        bench.notes.append(workbench.table())  # its own server process over its own copy of the county
    print(bench.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
