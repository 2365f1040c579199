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

from .buildkit import uptodate
from .buildkit.cache import Cache
from .buildkit.environment import check_environment
from .buildkit.memo import remembering
from .buildkit.outfolder import check_out, locked, new_work_dir, swap
from .buildkit.paths import project_file, tool_root
from .derive import derive
from .feedback.errors import EXIT_INVALID, EXIT_USAGE, Failure, explain
from .feedback.messages import HELP, PARTS, STEPS, listing, say
from .feedback.report import Location
from .load import load
from .model.output import Output
from .model.project import Model
from .printing.cluster import dask_executor
from .printing.jobs import warm_pool
from .privacy.gate import check_outputs
from .privacy.memory import FileDigests
from .publish import publish
from .render import render
from .validate import to_model, validate

EXIT_OK = 0
EXIT_INTERRUPTED = 130  # what shells report for Ctrl+C
# What `yizhan init` copies from the example county.
PROJECT_FILES = ("mkdocs.yml", "content", "forms", "datasets", "site_templates")
T = TypeVar("T")


def tell(code: str, **values: object) -> None:
    """Print one line of the catalogue's SAY on stderr (what the command is doing, and its outcome)."""
    print(say(code, **values), file=sys.stderr, flush=True)


def timed(step: str, work: Callable[[], T]) -> T:
    start = time.perf_counter()
    tell("YZ-CLI-001", step=STEPS[step])
    result = work()
    tell("YZ-CLI-002", step=STEPS[step], seconds=time.perf_counter() - start)
    return result


def load_valid(root: Path, report_format: str = "text", shown: list[str] | None = None) -> Model | None:
    """Load and validate; print the report (and add it to `shown`); return the typed model when valid."""
    project = timed("load", lambda: load(root))
    report = timed("validate", lambda: validate(project))
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
        tell("YZ-CLI-003", warning=warning)
    if env.errors:
        for error in env.errors:
            tell("YZ-CLI-004", error=error)
        return EXIT_USAGE
    with contextlib.ExitStack() as stack:
        # A cluster that cannot be used is said at once, before any work (ClusterError, exit code 2).
        executor = stack.enter_context(dask_executor(args.scheduler)) if args.scheduler else None
        return build(args, only, executor)


def build(args: argparse.Namespace, only: set[str], executor: Executor | None) -> int:
    """The build itself: up to date already, or load → validate → derive → render → publish → check."""
    root: Path = args.project.resolve()
    out = check_out(args.out, root)  # an output folder that is not yizhan's: OutFolderError, exit code 2
    with locked(out):
        check_out(args.out, root)  # again: another build may have written it meanwhile
        return build_into(root, out, only, executor)


def build_into(root: Path, out: Path, only: set[str], executor: Executor | None = None) -> int:
    """The build proper, holding the output's lock: nothing to do, or stage, check, then swap into place."""
    report = uptodate.previous_report(root, out, only)
    if report is not None:
        if report:
            print(report)
        tell("YZ-CLI-005", out=out)
        return EXIT_OK
    shown: list[str] = []
    model = load_valid(root, shown=shown)
    if model is None:
        tell("YZ-CLI-006")
        return EXIT_INVALID
    # The print workers start now and import weasyprint while this process derives and renders.
    with warm_pool(executor) as pool:
        data = timed("derive", lambda: derive(model))
        with remembering(Cache(root)):  # workbooks and notice pages made from the same input
            output = timed("render", lambda: render(data, project_file(root, "site_templates"), only))
        work = new_work_dir(out)
        try:
            return _publish_and_check(output, model, root, out, only, work, pool, shown)
        except BaseException:
            # Whatever stops the build once staging has started: no half-built folder is left behind.
            shutil.rmtree(work, ignore_errors=True)
            tell("YZ-CLI-007", name=out.name)
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
    digests = FileDigests(Cache(root))
    staging = timed(
        "publish", lambda: publish(output, root, out, model.county, only, work, executor, digests)
    )
    findings = timed(
        "check",
        lambda: check_outputs(staging, model, Cache(root), "site" in only, digests),
    )
    if findings:
        for finding in findings[:200]:
            print(finding)
        tell("YZ-CLI-008", count=len(findings), name=out.name)
        kept = [
            part
            for part in PARTS
            if part not in only and any(f.file.startswith(f"{part}/") for f in findings)
        ]
        if kept:
            tell("YZ-CLI-009", parts=listing(PARTS[part] for part in kept))
        shutil.rmtree(work, ignore_errors=True)
        return EXIT_INVALID
    swap(staging, out, work)
    uptodate.remember(root, out, only, "\n".join(shown or []))
    Cache(root).sweep()
    tell("YZ-CLI-010", out=out)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    root: Path = args.project.resolve()
    model = load_valid(root)
    if model is None:
        return EXIT_INVALID
    findings = check_outputs(args.out.resolve(), model, Cache(root))
    for finding in findings:
        print(finding)
    tell("YZ-CLI-011", count=len(findings))
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
    tell("YZ-CLI-012", port=args.port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    target: Path = args.dir
    if target.exists() and any(target.iterdir()):
        raise Failure("YZ-RUN-007", None, EXIT_USAGE, target=target)
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
        tell("YZ-CLI-013", target=target, tables=listing(tables), settings=listing(COUNTY_SETTINGS))
        return EXIT_OK
    tell("YZ-CLI-014", target=target)
    return EXIT_OK


def cmd_collect_import(args: argparse.Namespace) -> int:
    from .collect.importer import import_files

    missing = [str(p) for p in args.files if not p.exists()]
    if missing:
        raise Failure("YZ-FILE-001", Location(listing(missing)), EXIT_USAGE)
    result = import_files(args.project.resolve(), args.form, args.files, skip_invalid=args.skip_invalid)
    if result.report.problems:
        print(result.report.to_text(limit=200))
    for note in result.notes:
        print(note)
    return EXIT_OK if result.report.valid or (args.skip_invalid and result.rejects) else EXIT_INVALID


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="yizhan", description=HELP["prog"])
    main.add_argument("--debug", action="store_true", help=HELP["debug"])
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's default must not overwrite `yizhan --debug build`.
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=HELP["debug_short"])
    sub = main.add_subparsers(dest="command", required=True, metavar=HELP["commands"])

    def with_project(p: argparse.ArgumentParser) -> None:
        p.add_argument("--project", type=Path, default=Path("."), help=HELP["project"])

    build = sub.add_parser("build", parents=[common], help=HELP["build"])
    with_project(build)
    build.add_argument("--out", default="build", help=HELP["out"])
    build.add_argument("--only", action="append", choices=tuple(PARTS), help=HELP["only"])
    build.add_argument("--scheduler", metavar=HELP["scheduler_name"], help=HELP["scheduler"])
    build.set_defaults(func=cmd_build)

    check = sub.add_parser("validate", parents=[common], help=HELP["validate"])
    with_project(check)
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(func=cmd_validate)

    gate = sub.add_parser("check", parents=[common], help=HELP["check"])
    with_project(gate)
    gate.add_argument("--out", type=Path, default=Path("build"))
    gate.set_defaults(func=cmd_check)

    serve = sub.add_parser("serve", parents=[common], help=HELP["serve"])
    with_project(serve)
    serve.add_argument("--out", default="build")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=cmd_serve, only=None, scheduler=None)

    collect = sub.add_parser("collect", parents=[common], help=HELP["collect"])
    actions = collect.add_subparsers(dest="action", required=True, metavar=HELP["actions"])
    do_import = actions.add_parser("import", parents=[common], help=HELP["import"])
    with_project(do_import)
    do_import.add_argument("form", help=HELP["form"])
    do_import.add_argument("files", type=Path, nargs="+", help=HELP["files"])
    do_import.add_argument("--skip-invalid", action="store_true", help=HELP["skip_invalid"])
    do_import.set_defaults(func=cmd_collect_import)

    init = sub.add_parser("init", parents=[common], help=HELP["init"])
    init.add_argument("dir", type=Path)
    init.add_argument("--empty", action="store_true", help=HELP["empty"])
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
        tell("YZ-CLI-015")
        return EXIT_INTERRUPTED
    except Exception as error:
        if getattr(args, "debug", False):
            raise
        roots = tuple(p.resolve() for p in (getattr(args, "project", Path(".")), tool_root()))
        explained = explain(error, roots)
        tell("YZ-CLI-004", error=explained.message)
        return explained.exit_code


if __name__ == "__main__":
    sys.exit(main())
