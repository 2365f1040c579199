"""The yizhan command: load → validate → derive → render → publish → check."""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path
from typing import TypeVar

from . import uptodate
from .derive import derive
from .environment import check_environment
from .errors import EXIT_INVALID, EXIT_USAGE, explain
from .load import load
from .memo import remembering
from .model import Model
from .outfolder import OutFolderError, check_out, locked, new_work_dir, swap
from .output import Output
from .paths import cache_file, project_file, tool_root
from .printing.cluster import ClusterError, dask_executor
from .printing.jobs import warm_pool
from .privacy.gate import check_outputs
from .privacy.memory import DIGESTS_FILE, MEMORY_FILE, FileDigests
from .publish import publish
from .render import render
from .validate import to_model, validate

EXIT_OK = 0
EXIT_INTERRUPTED = 130  # what shells report for Ctrl+C
# The website (with its forms, disclosure pages and open data) and the print documents.
PARTS = ("site", "print")
PART_NAMES = {"site": "网站", "print": "印刷品"}
# What `yizhan init` copies from the example county.
PROJECT_FILES = ("mkdocs.yml", "content", "forms", "datasets", "site_templates")
T = TypeVar("T")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(label: str, work: Callable[[], T]) -> T:
    start = time.perf_counter()
    say(f"· {label}……")
    result = work()
    say(f"  {label}完成（{time.perf_counter() - start:.1f} 秒）")
    return result


def load_valid(root: Path, report_format: str = "text", shown: list[str] | None = None) -> Model | None:
    """Load and validate; print the report (and add it to `shown`); return the typed model when valid."""
    project = timed("读取项目", lambda: load(root))
    report = timed("检查数据", lambda: validate(project))
    if report_format == "json":
        print(report.to_json())
    elif report.problems or not report.valid:
        print(report.to_text(limit=200))
        if shown is not None:
            shown.append(report.to_text(limit=200))
    if not report.valid:
        return None
    return to_model(project)


def cmd_validate(args: argparse.Namespace) -> int:
    project = load(args.project)
    report = validate(project)
    print(report.to_json() if args.format == "json" else report.to_text())
    return EXIT_OK if report.valid else EXIT_INVALID


def cmd_build(args: argparse.Namespace) -> int:
    only = set(args.only) if args.only else set(PARTS)
    # Even a site-only build renders PDFs: the blank forms offered on the 表格下载 page.
    env = check_environment()
    for warning in env.warnings:
        say(f"注意：{warning}")
    if env.errors:
        for error in env.errors:
            say(f"错误：{error}")
        return EXIT_USAGE
    try:
        with contextlib.ExitStack() as stack:
            # A cluster that cannot be used is said at once, before any work.
            executor = stack.enter_context(dask_executor(args.scheduler)) if args.scheduler else None
            return build(args, only, executor)
    except ClusterError as error:
        say(f"错误：{error}")
        return EXIT_USAGE


def build(args: argparse.Namespace, only: set[str], executor: Executor | None) -> int:
    """The build itself: up to date already, or load → validate → derive → render → publish → check."""
    root: Path = args.project.resolve()
    try:
        out = check_out(args.out, root)
        with locked(out):
            check_out(args.out, root)  # again: another build may have written it meanwhile
            return build_into(root, out, only, executor)
    except OutFolderError as error:
        say(f"错误：{error}")
        return EXIT_USAGE


def build_into(root: Path, out: Path, only: set[str], executor: Executor | None = None) -> int:
    """The build proper, holding the output's lock: nothing to do, or stage, check, then swap into place."""
    report = uptodate.previous_report(root, out, only)
    if report is not None:
        if report:
            print(report)
        say(f"没有改动：数据、内容、模板和工具都和上次生成时一样，{out} 保持不变。")
        return EXIT_OK
    shown: list[str] = []
    model = load_valid(root, shown=shown)
    if model is None:
        say("数据有错误，没有生成任何文件（原有的 build 保持不变）。请按上面的提示修改后重试。")
        return EXIT_INVALID
    # The print workers start now and import weasyprint while this process derives and renders.
    with warm_pool(executor) as pool:
        data = timed("整理公开数据", lambda: derive(model))
        with remembering(cache_file(root, "memo")):  # workbooks and notice pages made from the same input
            output = timed("生成页面", lambda: render(data, project_file(root, "site_templates"), only))
        work = new_work_dir(out)
        try:
            return _publish_and_check(output, model, root, out, only, work, pool, shown)
        except BaseException:
            # Whatever stops the build once staging has started: no half-built folder is left behind.
            shutil.rmtree(work, ignore_errors=True)
            say(f"本次生成已作废，原有的 {out.name}/ 保持不变。")
            raise


def _publish_and_check(
    output: Output,
    model: Model,
    root: Path,
    out: Path,
    only: set[str],
    work: Path,
    executor: Executor | None = None,
    shown: list[str] | None = None,
) -> int:
    """Write into the staging folder, check it, and swap it into place only when the check passed."""
    # What the files of this build hash to, remembered by their inode and time: the site's styles and
    # the checks both read it, and files kept from the previous build are not read again to know it.
    digests = FileDigests(cache_file(root, DIGESTS_FILE))
    staging = timed("发布", lambda: publish(output, root, out, model.county, only, work, executor, digests))
    findings = timed(
        "隐私与链接检查",
        lambda: check_outputs(staging, model, cache_file(root, MEMORY_FILE), "site" in only, digests),
    )
    if findings:
        for finding in findings[:200]:
            print(finding)
        say(f"检查发现 {len(findings)} 处问题，本次生成已作废，原有的 {out.name}/ 保持不变。")
        kept = [
            part
            for part in PARTS
            if part not in only and any(f.file.startswith(f"{part}/") for f in findings)
        ]
        if kept:
            names = "、".join(PART_NAMES[part] for part in kept)
            say(
                f"其中有问题出在本次没有重新生成的{names}部分：它是按上次的数据生成的"
                f"（例如刚改过的电话号码还留在上面）。请去掉 --only，全部重新生成。"
            )
        shutil.rmtree(work, ignore_errors=True)
        return EXIT_INVALID
    swap(staging, out, work)
    uptodate.remember(root, out, only, "\n".join(shown or []))
    say(f"完成：{out}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    root: Path = args.project.resolve()
    model = load_valid(root)
    if model is None:
        return EXIT_INVALID
    findings = check_outputs(args.out.resolve(), model, cache_file(root, MEMORY_FILE))
    for finding in findings:
        print(finding)
    say(f"检查完成：{len(findings)} 处问题。")
    return EXIT_INVALID if findings else EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    import functools
    import http.server

    args.only = ["site"]
    code = cmd_build(args)
    if code:
        return code
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(Path(args.out) / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    say(f"预览地址：http://127.0.0.1:{args.port}/ （按 Ctrl+C 停止）")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    target: Path = args.dir
    if target.exists() and any(target.iterdir()):
        say(f"错误：目录 {target} 已存在且不是空的。请换一个新目录名。")
        return EXIT_USAGE
    source = tool_root()
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        item = source / name
        if item.is_dir():
            shutil.copytree(item, target / name)
        elif item.exists():
            shutil.copy2(item, target / name)
    if args.empty:
        from .newcounty import COUNTY_SETTINGS, start_empty

        tables = start_empty(source, target)
        say(f"已在 {target} 新建空白县项目：datasets/ 中是空白表格模板（{'、'.join(tables)}），")
        say(f"请在 content/county.yml 中填写本县的 {'、'.join(COUNTY_SETTINGS)}，")
        say("再按 content/README.md 修改政策内容；yizhan validate 会列出尚未填写的项目。")
        return EXIT_OK
    say(f"已在 {target} 新建县项目（内容为示例县，请按 content/README.md 修改）。")
    return EXIT_OK


def cmd_collect_import(args: argparse.Namespace) -> int:
    from .collect.importer import import_files

    missing = [str(p) for p in args.files if not p.exists()]
    if missing:
        say(f"错误：找不到文件 {'、'.join(missing)}")
        return EXIT_USAGE
    result = import_files(args.project.resolve(), args.form, args.files, skip_invalid=args.skip_invalid)
    if result.report.problems:
        print(result.report.to_text(limit=200))
    for note in result.notes:
        print(note)
    return EXIT_OK if result.report.valid or (args.skip_invalid and result.rejects) else EXIT_INVALID


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="yizhan", description="民生驿站发布工具：政策手册、公示牌、表格、信息公开"
    )
    main.add_argument("--debug", action="store_true", help="出错时显示程序内部的调用过程（供技术人员排查）")
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's default must not overwrite `yizhan --debug build`.
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="出错时显示调用过程")
    sub = main.add_subparsers(dest="command", required=True, metavar="命令")

    def with_project(p: argparse.ArgumentParser) -> None:
        p.add_argument("--project", type=Path, default=Path("."), help="县项目目录（默认当前目录）")

    build = sub.add_parser("build", parents=[common], help="检查数据并生成网站、印刷品、表格和开放数据")
    with_project(build)
    build.add_argument("--out", default="build", help="输出目录（默认 build；只归 yizhan 使用）")
    build.add_argument(
        "--only",
        action="append",
        choices=PARTS,
        help="只生成网站（含表格下载、信息公开、开放数据）或只生成印刷品，可重复",
    )
    build.add_argument(
        "--scheduler",
        metavar="地址",
        help="在 Dask 集群上生成印刷品，给出调度器地址，如 tcp://10.0.0.5:8786（需安装可选组件 dask）",
    )
    build.set_defaults(func=cmd_build)

    check = sub.add_parser("validate", parents=[common], help="检查 content/ 和 datasets/，列出所有问题")
    with_project(check)
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(func=cmd_validate)

    gate = sub.add_parser("check", parents=[common], help="检查已生成的文件：个人信息泄露、失效链接")
    with_project(gate)
    gate.add_argument("--out", type=Path, default=Path("build"))
    gate.set_defaults(func=cmd_check)

    serve = sub.add_parser("serve", parents=[common], help="生成网站并在本机预览")
    with_project(serve)
    serve.add_argument("--out", default="build")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=cmd_serve, only=None, scheduler=None)

    collect = sub.add_parser("collect", parents=[common], help="把驿站收集的表格数据汇入县数据集")
    actions = collect.add_subparsers(dest="action", required=True, metavar="操作")
    do_import = actions.add_parser(
        "import", parents=[common], help="校验并追加导入网页表格、Excel 或 Kobo/ODK 导出的数据"
    )
    with_project(do_import)
    do_import.add_argument("form", help="表格代码，如 yijian")
    do_import.add_argument("files", type=Path, nargs="+", help="CSV 或 XLSX 文件")
    do_import.add_argument("--skip-invalid", action="store_true", help="跳过有错误的行，另存到 *.未导入.csv")
    do_import.set_defaults(func=cmd_collect_import)

    init = sub.add_parser("init", parents=[common], help="以示例县为模板新建一个县项目")
    init.add_argument("dir", type=Path)
    init.add_argument(
        "--empty",
        action="store_true",
        help="不复制示例县的数据：datasets/ 中放空白表格模板，县级设置留空待填",
    )
    init.set_defaults(func=cmd_init)

    from .workbench.commands import add_commands

    add_commands(sub, common, with_project)
    return main


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure becomes a located Chinese message (a traceback only with --debug)."""
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        say("已中断。")
        return EXIT_INTERRUPTED
    except Exception as error:
        if getattr(args, "debug", False):
            raise
        roots = tuple(p.resolve() for p in (getattr(args, "project", Path(".")), tool_root()))
        explained = explain(error, roots)
        say(f"错误：{explained.message}")
        return explained.exit_code


if __name__ == "__main__":
    sys.exit(main())
