"""The workbench's web pages (Starlette): routes parse and render; the pipeline and permissions decide."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from ..buildkit.cache import replace_file
from ..buildkit.paths import tool_root
from ..feedback import messages
from ..load import load
from ..model.project import Project
from . import accounts, jobs, permissions, publishing
from .accounts import ROLE_NAMES, Session
from .county import CountyPages, when
from .guard import Limits
from .intake import REJECTED, Intake, Located, check_upload, located
from .marked import marked_workbook
from .merging import WRITING, Current, Outcome, Part, accepted_townships, meet, merge_together, merge_upload
from .sniff import MAX_UPLOAD, SUFFIXES, Refused, kind_of, shown_name
from .store import Store

COOKIE = "yizhan_session"
TOGETHER = 50  # uploads of one table merged with one check of the county, at most
TEMPLATES = tool_root() / "site_templates" / "workbench"
Handler = Callable[[Request, Session], Awaitable[Response]]


class Workbench(CountyPages):
    """One project's workbench: its store, its templates and its pages."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.store = Store(self.root)
        publishing.prepare(self.store)
        env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
        self.templates = Jinja2Templates(env=env)
        self.tables = self._tables()
        self.jobs = jobs.Jobs(self._broke_off)
        self.county = Current(self.root)  # the project as the last merge left it (used under WRITING)
        self._resume()

    def _tables(self) -> dict[str, str]:
        """The project's datasets: name → Chinese title, in the data package's order."""
        project = load(self.root)
        return {name: spec.title for name, spec in project.specs.items()}

    # --- the frame every page goes through ----------------------------------------------------------

    def render(
        self, request: Request, session: Session | None, name: str, status: int = 200, **context: object
    ) -> Response:
        user = session.user if session else None
        context |= {"user": user, "csrf": session.csrf if session else "", "role_names": ROLE_NAMES,
                    "may_upload": permissions.allowed(user, permissions.UPLOAD),
                    "may_see_versions": permissions.may_see_versions(user)}  # fmt: skip
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    def message(
        self, request: Request, session: Session | None, code: str, status: int, **values: object
    ) -> Response:
        problem, fix = messages.text(code, **values)
        return self.render(request, session, "message.html", status, problem=problem, fix=fix)

    def page(self, action: str) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
        """Every page: a live session (else the login page), a role allowed `action`, a CSRF token on a POST."""

        def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
            async def endpoint(request: Request) -> Response:
                session = accounts.find_session(self.store, request.cookies.get(COOKIE, ""))
                if session is None or session.user is None:
                    return RedirectResponse("/login", status_code=303)
                if not permissions.allowed(session.user, action):
                    return self.message(request, session, "YZ-WEB-011", 403)
                if request.method == "POST":
                    form = await request.form(max_files=1, max_fields=10, max_part_size=64 * 1024)
                    if not accounts.same_token(session.csrf, str(form.get("csrf") or "")):
                        return self.message(request, session, "YZ-WEB-010", 403)
                return await handler(request, session)

            return endpoint

        return wrap

    def address(self, request: Request) -> str:
        return request.client.host if request.client else ""

    # --- logging in and out --------------------------------------------------------------------------

    async def login_page(self, request: Request) -> Response:
        session = accounts.find_session(self.store, request.cookies.get(COOKIE, ""))
        if session is not None and session.user is not None:
            return RedirectResponse("/", status_code=303)
        if session is not None:
            return self.render(request, session, "login.html")
        token, session = accounts.new_session(self.store, None)  # a session before login, for its CSRF token
        response = self.render(request, session, "login.html")
        self._set_cookie(request, response, token)
        return response

    async def login(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
        session = accounts.find_session(self.store, request.cookies.get(COOKIE, ""))
        if session is None or not accounts.same_token(session.csrf, str(form.get("csrf") or "")):
            return self.message(request, session, "YZ-WEB-010", 403)
        name, password = str(form.get("username") or "").strip(), str(form.get("password") or "")
        address = self.address(request)
        if accounts.locked_out(self.store, name, address):
            self.store.audit(name, address, "登录被限制")
            error = messages.text("YZ-WEB-009", minutes=accounts.WINDOW_SECONDS // 60)
            return self.render(request, session, "login.html", 429, error=error, username=name)
        user = await run_in_threadpool(accounts.authenticate, self.store, name, password, address)
        if user is None:
            self.store.audit(name, address, "登录失败")
            error = messages.text("YZ-WEB-008")
            return self.render(request, session, "login.html", 401, error=error, username=name)
        accounts.end_session(self.store, session.token)
        token, _ = accounts.new_session(self.store, user)
        self.store.audit(user.name, address, "登录")
        response = RedirectResponse("/", status_code=303)
        self._set_cookie(request, response, token)
        return response

    def _set_cookie(self, request: Request, response: Response, token: str) -> None:
        response.set_cookie(
            COOKIE, token, max_age=accounts.SESSION_SECONDS, path="/", httponly=True, samesite="strict",
            secure=request.url.scheme == "https",
        )  # fmt: skip

    async def logout(self, request: Request, session: Session) -> Response:
        accounts.end_session(self.store, session.token)
        assert session.user is not None
        self.store.audit(session.user.name, self.address(request), "退出")
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    # --- uploads -------------------------------------------------------------------------------------

    def _uploads(self, session: Session) -> list[dict]:
        user = session.user
        with self.store.connect() as db:
            rows = [dict(r) for r in db.execute("SELECT * FROM uploads ORDER BY id DESC LIMIT 200")]
        return [r | {"when": when(r["at"]), "title": self.tables.get(r["dataset"], r["dataset"]),
                     "working": json.loads(r["result"] or "{}").get("stage") in jobs.STAGES}
                for r in rows if permissions.may_see_upload(user, r)]  # fmt: skip

    async def home(self, request: Request, session: Session) -> Response:
        return self.render(request, session, "home.html", tables=self.tables, uploads=self._uploads(session))

    async def upload(self, request: Request, session: Session) -> Response:
        form = await request.form(max_files=1, max_fields=10, max_part_size=64 * 1024)
        user = session.user
        assert user is not None
        name, sent = str(form.get("table") or ""), form.get("file")
        if name not in self.tables:
            return self.message(request, session, "YZ-WEB-027", 400, value=name[:40])
        if not isinstance(sent, UploadFile) or not sent.filename:
            return self.message(request, session, "YZ-WEB-031", 400)
        data = await sent.read(MAX_UPLOAD + 1)
        try:
            kind = kind_of(data)
        except Refused as refused:
            status = 413 if refused.code == "YZ-WEB-012" else 400
            return self.message(request, session, refused.code, status, **refused.values)
        digest = self.store.keep(data)
        with self.store.connect() as db:
            cursor = db.execute(
                "INSERT INTO uploads (user, township, dataset, filename, sha256, kind, size, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (user.name, user.township, name, shown_name(sent.filename), digest, kind, len(data), time.time()),
            )  # fmt: skip
            number = int(cursor.lastrowid or 0)
        self.store.audit(user.name, self.address(request), "上传", f"第{number}号 {name} {len(data)} 字节")
        self._queue(number, self.address(request))
        return RedirectResponse(f"/uploads/{number}", status_code=303)

    def _queue(self, number: int, address: str) -> None:
        """Check and merge upload `number` in the background; its result page shows how far it has come."""
        self._stage(number, jobs.QUEUED)
        self.jobs.submit(number, lambda: self._process_and_audit(number, address))

    def _resume(self) -> None:
        """Uploads left unfinished when the workbench last stopped are checked again, in their order."""
        with self.store.connect() as db:
            rows = db.execute("SELECT id, result FROM uploads ORDER BY id").fetchall()
        for row in rows:
            if json.loads(row["result"] or "{}").get("stage") in jobs.STAGES:
                self._queue(int(row["id"]), "")

    def _stage(self, number: int, stage: str) -> None:
        with self.store.connect() as db:
            db.execute("UPDATE uploads SET result = ? WHERE id = ?", (json.dumps({"stage": stage}), number))

    def _broke_off(self, number: int, error: BaseException) -> None:
        """A job that failed leaves its upload finished and unmerged, with a message saying so."""
        result = {"code": "YZ-WEB-036", "values": {"number": number}, "version": None}
        with self.store.connect() as db:
            db.execute("UPDATE uploads SET result = ?, version = NULL WHERE id = ?",
                       (json.dumps(result, ensure_ascii=False), number))  # fmt: skip

    def _process_and_audit(self, number: int, address: str) -> dict:
        """The background job of one upload: check, merge, and note in the audit log what came of it."""
        result = self._process(number)
        with self.store.connect() as db:
            row = db.execute("SELECT user, dataset FROM uploads WHERE id = ?", (number,)).fetchone()
        if result.get("version"):
            detail = f"第{number}号 → {row['dataset']} 第{result['version']}版"
            self.store.audit(row["user"], address, "合并", detail)
        else:
            self.store.audit(row["user"], address, "未合并", f"第{number}号 {result['code']}")
        return result

    def _process(self, number: int) -> dict:
        """Check the upload and merge it when it can be: under the write lock, the project as last written.

        Uploads of the same table waiting behind it are checked too and merged with it in one check of
        the county when they can be (merge_together); each keeps its own result, and its own job,
        when its turn comes, finds it finished."""
        row = self._upload(number)
        finished = json.loads(row["result"] or "{}")
        if "code" in finished:  # merged together with an upload before it
            return finished
        user = accounts.User(row["user"], *self._role(row["user"]))
        self._stage(number, jobs.CHECKING)
        with WRITING, tempfile.TemporaryDirectory() as folder:
            project = self.county.project()
            intake = self._check(project, row, user, Path(folder))
            if intake.dataset is None or not intake.usable:
                rejected = sum(1 for r in intake.rows if r.status == REJECTED)
                code, values = ("YZ-WEB-020", {"count": rejected}) if rejected else ("YZ-WEB-032", {})
                return self._finish(number, intake, Outcome(code, values))
            self._stage(number, jobs.MERGING)
            part = Part(intake, accepted_townships(intake), user.name, number)
            others = self._waiting_behind(project, row, part, Path(folder))
            outcomes = merge_together(self.store, project, row["dataset"], [part, *others], self.county.valid)
            if outcomes is None:
                for other in others:
                    self._stage(other.upload, jobs.QUEUED)  # checked again in its own turn
                outcomes = [merge_upload(self.store, project, row["dataset"], intake, user.name,
                                         part.townships, number, self.county.valid)]  # fmt: skip
            self.county.written(outcomes[0])
            for other, outcome in zip(others, outcomes[1:], strict=False):
                self._finish(other.upload, other.intake, outcome)
            return self._finish(number, intake, outcomes[0])

    def _upload(self, number: int) -> dict:
        with self.store.connect() as db:
            return dict(db.execute("SELECT * FROM uploads WHERE id = ?", (number,)).fetchone())

    def _check(self, project: Project, row: dict, user: accounts.User, folder: Path) -> Intake:
        """The upload's file as it was sent, read and checked against the county."""
        path = folder / str(row["id"]) / f"upload{SUFFIXES[row['kind']]}"
        replace_file(path, self.store.file(row["sha256"]).read_bytes())
        return check_upload(project, row["dataset"], path, row["filename"], user)

    def _waiting_behind(self, project: Project, row: dict, first: Part, folder: Path) -> list[Part]:
        """Uploads of the same table queued right after `row`, checked, that can be merged together with
        it: up to the first one that cannot be (another table's, which may change what these rows
        refer to; unusable; or meeting the rows of one before it). The order of merging stays first
        come, first served."""
        with self.store.connect() as db:
            queued = [dict(r) for r in db.execute(
                "SELECT * FROM uploads WHERE id > ? ORDER BY id LIMIT ?", (row["id"], TOGETHER))]  # fmt: skip
        current = project.datasets.get(row["dataset"])
        parts: list[Part] = []
        for other in queued:
            stage = json.loads(other["result"] or "{}").get("stage")
            if current is None or other["dataset"] != row["dataset"] or stage != jobs.QUEUED:
                break
            user = accounts.User(other["user"], *self._role(other["user"]))
            self._stage(other["id"], jobs.CHECKING)
            intake = self._check(project, other, user, folder)
            part = Part(intake, accepted_townships(intake), user.name, int(other["id"]))
            if not intake.usable or any(meet(current, p, part) for p in [first, *parts]):
                self._stage(other["id"], jobs.QUEUED)
                break
            parts.append(part)
        return parts

    def _finish(self, number: int, intake: Intake, outcome: Outcome) -> dict:
        """The upload's result, as its page shows it: the rows sorted, and what came of the merge."""
        result: dict = {"intake": intake.to_dict(), "merge_problems": [asdict(located(p, "")) for p in outcome.problems],
                        "version": outcome.version, "code": outcome.code, "values": outcome.values}  # fmt: skip
        with self.store.connect() as db:
            db.execute("UPDATE uploads SET result = ?, version = ? WHERE id = ?",
                       (json.dumps(result, ensure_ascii=False), result["version"], number))  # fmt: skip
        return result

    def _role(self, name: str) -> tuple[str, str]:
        with self.store.connect() as db:
            row = db.execute("SELECT role, township FROM users WHERE name = ?", (name,)).fetchone()
        return row["role"], row["township"]

    def _visible_upload(self, request: Request, session: Session) -> dict | None:
        try:
            number = int(request.path_params["number"])
        except (KeyError, ValueError):
            return None
        with self.store.connect() as db:
            row = db.execute("SELECT * FROM uploads WHERE id = ?", (number,)).fetchone()
        if row is None or not permissions.may_see_upload(session.user, dict(row)):
            return None
        return dict(row)

    async def result(self, request: Request, session: Session) -> Response:
        row = self._visible_upload(request, session)
        if row is None:
            return self.message(request, session, "YZ-WEB-022", 404)
        result = json.loads(row["result"])
        if result.get("stage") in jobs.STAGES:
            return self.render(request, session, "working.html", upload=row, stage=result["stage"],
                               ahead=self.jobs.ahead(int(row["id"])), when=when(row["at"]),
                               title=self.tables.get(row["dataset"], row["dataset"]))  # fmt: skip
        intake = Intake.from_dict(result.get("intake", {}))
        outcome = messages.text(result["code"], **result["values"]) if "code" in result else None
        return self.render(request, session, "result.html", upload=row, intake=intake, outcome=outcome,
                           merged=bool(result.get("version")), when=when(row["at"]),
                           title=self.tables.get(row["dataset"], row["dataset"]),
                           merge_problems=[Located(**p) for p in result.get("merge_problems", [])])  # fmt: skip

    async def marked(self, request: Request, session: Session) -> Response:
        row = self._visible_upload(request, session)
        if row is None:
            return self.message(request, session, "YZ-WEB-022", 404)
        if json.loads(row["result"]).get("stage") in jobs.STAGES:
            return RedirectResponse(f"/uploads/{row['id']}", status_code=303)  # not checked yet
        intake = Intake.from_dict(json.loads(row["result"]).get("intake", {}))
        table = self.tables.get(row["dataset"], row["dataset"])

        def make() -> bytes:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"upload{SUFFIXES[row['kind']]}"
                replace_file(path, self.store.file(row["sha256"]).read_bytes())
                return marked_workbook(path, row["kind"], intake.sheet, intake.problems, table)

        data = await run_in_threadpool(make)
        stem = row["filename"].rsplit(".", 1)[0] if "." in row["filename"] else row["filename"]
        disposition = f"attachment; filename=\"marked.xlsx\"; filename*=UTF-8''{quote(stem + '-标注.xlsx')}"
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(data, media_type=media, headers={"Content-Disposition": disposition})

    async def style(self, request: Request) -> Response:
        return FileResponse(TEMPLATES / "workbench.css", media_type="text/css")

    async def not_found(self, request: Request, exc: Exception) -> Response:
        session = accounts.find_session(self.store, request.cookies.get(COOKIE, ""))
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        code = "YZ-WEB-022" if status in (404, 405) else "YZ-WEB-011"
        return self.message(request, session, code, status)


def create_app(root: Path) -> Starlette:
    """The ASGI application over one project folder."""
    bench = Workbench(root)
    routes = [
        Route("/login", bench.login_page, methods=["GET"]),
        Route("/login", bench.login, methods=["POST"]),
        Route("/logout", bench.page(permissions.READ)(bench.logout), methods=["POST"]),
        Route("/", bench.page(permissions.READ)(bench.home), methods=["GET"]),
        Route("/upload", bench.page(permissions.UPLOAD)(bench.upload), methods=["POST"]),
        Route("/uploads/{number}", bench.page(permissions.READ)(bench.result), methods=["GET"]),
        Route("/uploads/{number}/marked", bench.page(permissions.READ)(bench.marked), methods=["GET"]),
        Route("/versions", bench.page(permissions.READ)(bench.versions), methods=["GET"]),
        Route("/versions/{number}", bench.page(permissions.READ)(bench.version), methods=["GET"]),
        Route("/versions/{number}/restore", bench.page(permissions.RESTORE)(bench.restore), methods=["POST"]),
        Route("/weekly", bench.page(permissions.READ)(bench.weekly), methods=["GET"]),
        Route("/publish", bench.page(permissions.READ)(bench.publish_page), methods=["GET"]),
        Route("/publish", bench.page(permissions.PUBLISH)(bench.publish), methods=["POST"]),
        Route("/preview", bench.page(permissions.PUBLISH)(bench.publish), methods=["POST"]),
        Route(
            "/publishes/{number}/{what:str}", bench.page(permissions.READ)(bench.download), methods=["GET"]
        ),
        Route("/publishes/{number}/live", bench.page(permissions.PUBLISH)(bench.rollback), methods=["POST"]),
        Route("/style.css", bench.style, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: bench.not_found})
    app.state.workbench = bench
    return Limits(app, MAX_UPLOAD + 256 * 1024, bench)
