"""`yizhan workbench` and `yizhan user …`: start the web application, manage its accounts."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from ..feedback import messages
from ..feedback.report import Report
from ..load import load_dataset, load_specs, table_files
from .accounts import (
    ROLE_NAMES,
    ROLES,
    TOWNSHIP,
    AccountError,
    add_user,
    disable_user,
    has_admin,
    list_users,
    set_password,
)
from .store import Store

EXIT_OK, EXIT_USAGE = 0, 2
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
COMMAND_LINE = "命令行"  # the address of account changes made at the shell, in the audit log


def say(code: str, **values: object) -> None:
    problem, fix = messages.text(code, **values)
    print(f"{problem}。{fix}。", file=sys.stderr, flush=True)


def townships(root: Path) -> list[str]:
    """The townships of the project's station register, read by the loader as `yizhan validate` reads it."""
    report = Report()
    specs = load_specs(root, report)
    spec = specs.get("stations")
    found = table_files(root / "datasets", spec) if spec else []
    if spec is None or len(found) != 1:
        return []
    stations = load_dataset(root, spec, found[0], report)
    if stations is None:
        return []
    return sorted(
        {str(t) for t in stations.frame["township"] if t}, key=list(stations.frame["township"]).index
    )


def read_password(confirm: bool = True) -> str:
    """Asked twice at a terminal; the first line of standard input otherwise (for scripts)."""
    if sys.stdin.isatty():
        first = getpass.getpass("密码：")
        if confirm and getpass.getpass("再输入一次：") != first:
            raise AccountError("YZ-WEB-006")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user(args: argparse.Namespace) -> int:
    root: Path = args.project.resolve()
    store = Store(root)
    try:
        if args.action == "add":
            township = ""
            if args.role == TOWNSHIP:
                known = townships(root)
                if not args.township:
                    raise AccountError("YZ-WEB-003", example=known[0] if known else "城关镇")
                if args.township not in known:
                    raise AccountError(
                        "YZ-WEB-002", value=args.township, choices="、".join(known) or "（无）"
                    )
                township = args.township
            add_user(store, args.name, args.role, township, read_password())
            store.audit(args.name, COMMAND_LINE, "新建用户", f"{args.role} {township}")
            say("YZ-WEB-029", name=args.name, role=ROLE_NAMES[args.role])
        elif args.action == "passwd":
            set_password(store, args.name, read_password())
            store.audit(args.name, COMMAND_LINE, "修改密码")
            say("YZ-WEB-030", name=args.name)
        elif args.action == "disable":
            disable_user(store, args.name)
            store.audit(args.name, COMMAND_LINE, "停用用户")
            say("YZ-WEB-028", name=args.name)
        else:
            for name, role, township, active in list_users(store):
                state = "" if active else "（已停用）"
                print(f"{name}\t{ROLE_NAMES[role]}\t{township or '—'}{state}")
    except AccountError as error:
        say(error.code, **error.values)
        return EXIT_USAGE
    return EXIT_OK


def cmd_workbench(args: argparse.Namespace) -> int:
    root: Path = args.project.resolve()
    store = Store(root)
    if args.host not in LOOPBACK and not has_admin(store):
        say("YZ-WEB-001", host=args.host)
        return EXIT_USAGE
    import uvicorn

    from .app import create_app

    app = create_app(root)
    print(f"工作台地址：http://{args.host}:{args.port}/ （按 Ctrl+C 停止）", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", proxy_headers=True)
    return EXIT_OK


def add_commands(
    sub: argparse._SubParsersAction,
    common: argparse.ArgumentParser,
    with_project: Callable[[argparse.ArgumentParser], None],
) -> None:
    """The workbench's subcommands on the main parser."""
    bench = sub.add_parser(
        "workbench", parents=[common], help="启动工作台：乡镇在浏览器里上传、检查、合并表格"
    )
    with_project(bench)
    bench.add_argument("--host", default="127.0.0.1", help="监听地址（默认只在本机 127.0.0.1）")
    bench.add_argument("--port", type=int, default=8000)
    bench.set_defaults(func=cmd_workbench)
    user = sub.add_parser("user", parents=[common], help="管理工作台的用户")
    actions = user.add_subparsers(dest="action", required=True, metavar="操作")
    add = actions.add_parser(
        "add", parents=[common], help="新建用户（密码从终端输入两次，或读标准输入的第一行）"
    )
    add.add_argument(
        "--role", choices=ROLES, required=True, help="admin 县管理员，township 乡镇，viewer 查看"
    )
    add.add_argument("--township", help="乡镇账号所属的乡镇（驿站名录里的乡镇名）")
    for name, text in (
        ("passwd", "修改密码（也重新启用停用的用户）"),
        ("list", "列出用户"),
        ("disable", "停用用户"),
    ):
        action = actions.add_parser(name, parents=[common], help=text)
        if name != "list":
            action.add_argument("name", help="用户名")
        with_project(action)
    add.add_argument("name", help="用户名")
    with_project(add)
    user.set_defaults(func=cmd_user)
