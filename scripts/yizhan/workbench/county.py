"""The county's pages of the workbench: dataset versions and restores, 每周报, 发布 and 撤回."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from ..derive import derive
from ..disclosure.timeliness import SOON
from ..disclosure.warnings import TownshipWarnings, township_warnings
from ..feedback import messages
from ..load import load
from ..model.project import Project
from ..rules.vocab import PlaceWords, place_words
from ..rules.workdays import calendar_from
from ..validate import to_model, validate
from . import permissions, publishing
from .accounts import Session
from .board import STATES, board, month_board, months_until, weeks_until
from .commands import townships
from .intake import Located, located
from .merging import WRITING, Current, diff, restore
from .store import Store


def when(at: float) -> str:
    """A stored time as the officer reads it."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(at))


class CountyPages:
    """Pages for the county's roles; mixed into the workbench, which supplies store, render and message."""

    root: Path
    store: Store
    county: Current
    tables: dict[str, str]
    render: Callable[..., Response]
    message: Callable[..., Response]
    address: Callable[[Request], str]

    # --- versions ------------------------------------------------------------------------------------

    async def versions(self, request: Request, session: Session) -> Response:
        if not permissions.may_see_versions(session.user):
            return self.message(request, session, "YZ-WEB-011", 403)
        with self.store.connect() as db:
            rows = [dict(r) for r in db.execute("SELECT * FROM versions ORDER BY id DESC LIMIT 500")]
        for r in rows:
            r |= {"when": when(r["at"]), "title": self.tables.get(r["dataset"], r["dataset"])}
        return self.render(request, session, "versions.html", versions=rows)

    def _version(self, request: Request) -> dict | None:
        try:
            number = int(request.path_params["number"])
        except (KeyError, ValueError):
            return None
        with self.store.connect() as db:
            row = db.execute("SELECT * FROM versions WHERE id = ?", (number,)).fetchone()
        return dict(row) if row else None

    async def version(self, request: Request, session: Session) -> Response:
        if not permissions.may_see_versions(session.user):
            return self.message(request, session, "YZ-WEB-011", 403)
        row = self._version(request)
        if row is None:
            return self.message(request, session, "YZ-WEB-022", 404)
        project = load(self.root)
        titles = {c.title for c in project.specs[row["dataset"]].columns}
        changes = await run_in_threadpool(diff, self.store, row, titles)
        return self.render(request, session, "version.html", version=row, diff=changes, when=when(row["at"]),
                           title=self.tables.get(row["dataset"], row["dataset"]),
                           may_restore=permissions.allowed(session.user, permissions.RESTORE))  # fmt: skip

    async def restore(self, request: Request, session: Session) -> Response:
        row = self._version(request)
        if row is None:
            return self.message(request, session, "YZ-WEB-022", 404)
        assert session.user is not None

        def work() -> tuple[tuple[str, str], list[Located], int | None]:
            with WRITING:
                project = self.county.project()
                outcome = restore(self.store, project, row, session.user.name, self.county.valid)  # type: ignore[union-attr]
                self.county.written(outcome)
            problems = [located(p, "") for p in outcome.problems]
            return outcome.text, problems, outcome.version

        text, problems, new = await run_in_threadpool(work)
        self.store.audit(
            session.user.name, self.address(request), "恢复版本", f"{row['dataset']} 第{row['id']}版 → {new}"
        )
        return self.render(request, session, "restored.html", outcome=text, problems=problems, new=new)

    def _warnings(
        self, project: Project, towns: list[str]
    ) -> tuple[dict[str, TownshipWarnings] | None, PlaceWords, dt.date | None]:
        """Each visible township's open 预警 items, as its 预警提醒单 lists them; None when the county is invalid."""
        if not validate(project).valid:
            levels = (
                project.datasets["stations"].frame.get("level") if "stations" in project.datasets else None
            )
            return None, place_words(levels if levels is not None else []), None
        model = to_model(project)
        data = derive(model).stats["disclosure"]
        found = {town: township_warnings(data, model.county, town) for town in towns}
        return found, model.county.places, model.county.edition

    async def weekly(self, request: Request, session: Session) -> Response:
        """每周报 (by week) and 每月查 (by month): townships × periods for one table, with each township's 预警."""
        project = load(self.root)
        name = request.query_params.get("table") or next(iter(self.tables), "")
        if name not in self.tables:
            return self.message(request, session, "YZ-WEB-027", 400, value=name[:40])
        by_month = request.query_params.get("view") == "month"
        county = (
            project.county_doc.data
            if project.county_doc and isinstance(project.county_doc.data, dict)
            else {}
        )
        today = dt.date.today()
        calendar = calendar_from(county.get("workdays"))
        towns = permissions.visible_townships(session.user, townships(self.root))
        sent: dict[str, list[tuple[dt.date, bool]]] = {}
        with self.store.connect() as db:
            for row in db.execute(
                "SELECT township, at, version FROM uploads WHERE dataset = ? AND township != ''", (name,)
            ):
                day = dt.datetime.fromtimestamp(row["at"]).date()
                sent.setdefault(row["township"], []).append((day, row["version"] is not None))
        warnings, places, edition = await run_in_threadpool(self._warnings, project, towns)
        if by_month:
            periods: list = months_until(today, calendar)
            rows: list = month_board(towns, periods, today, sent)
        else:
            periods = weeks_until(today, calendar)
            rows = board(towns, periods, today, sent)
        return self.render(request, session, "weekly.html", tables=self.tables, table=name, periods=periods,
                           rows=rows, states=STATES, by_month=by_month, warnings=warnings, places=places,
                           edition=edition, soon_days=SOON)  # fmt: skip

    async def publish_page(self, request: Request, session: Session) -> Response:
        if not permissions.may_see_versions(session.user):
            return self.message(request, session, "YZ-WEB-011", 403)
        with self.store.connect() as db:
            rows = [dict(r) for r in db.execute("SELECT * FROM publishes ORDER BY id DESC LIMIT 50")]
        for r in rows:
            r |= {"when": when(r["at"]), "changes": json.loads(r["changes"])}
        latest = rows[0] if rows else None
        failed = messages.text("YZ-WEB-034") if latest and latest["status"] == publishing.FAILED else None
        return self.render(request, session, "publish.html", publishes=rows, latest=latest, failed=failed,
                           live=publishing.live_number(self.store),
                           may_publish=permissions.allowed(session.user, permissions.PUBLISH))  # fmt: skip

    async def publish(self, request: Request, session: Session) -> Response:
        assert session.user is not None
        preview = request.url.path == "/preview"
        number = publishing.start(self.store, session.user.name, preview)
        if number is None:
            return self.message(request, session, "YZ-WEB-033", 409)
        self.store.audit(
            session.user.name, self.address(request), "预览" if preview else "发布", f"第{number}次"
        )
        return RedirectResponse("/publish", status_code=303)

    async def download(self, request: Request, session: Session) -> Response:
        """网站压缩包 or 重印文件 of a finished publish."""
        if not permissions.may_see_versions(session.user):
            return self.message(request, session, "YZ-WEB-011", 403)
        try:
            number = int(request.path_params["number"])
        except ValueError:
            number = 0
        with self.store.connect() as db:
            row = db.execute("SELECT status, changes FROM publishes WHERE id = ?", (number,)).fetchone()
        what = request.path_params["what"]
        if row is None or row["status"] != publishing.DONE or what not in ("site.zip", "reprint.pdf"):
            return self.message(request, session, "YZ-WEB-022", 404)
        reprint = json.loads(row["changes"]).get("reprint", [])
        if what == "reprint.pdf" and not reprint:
            return self.message(request, session, "YZ-WEB-035", 404)
        folder = Path(tempfile.mkdtemp(prefix="yizhan-download-"))
        target = folder / what
        if what == "site.zip":
            await run_in_threadpool(publishing.site_zip, self.store, number, target)
            name, media = f"网站-第{number}次发布.zip", "application/zip"
        else:
            await run_in_threadpool(publishing.reprint_pdf, self.store, number, reprint, target)
            name, media = f"重印-第{number}次发布.pdf", "application/pdf"
        cleanup = BackgroundTask(shutil.rmtree, folder, ignore_errors=True)
        disposition = f"attachment; filename=\"{what}\"; filename*=UTF-8''{quote(name)}"
        return FileResponse(
            target, media_type=media, headers={"Content-Disposition": disposition}, background=cleanup
        )

    async def rollback(self, request: Request, session: Session) -> Response:
        assert session.user is not None
        try:
            number = int(request.path_params["number"])
        except ValueError:
            number = 0
        with self.store.connect() as db:
            row = db.execute("SELECT status FROM publishes WHERE id = ?", (number,)).fetchone()
        if row is None or row["status"] != publishing.DONE:
            return self.message(request, session, "YZ-WEB-022", 404)
        if not publishing.BUSY.acquire(blocking=False):
            return self.message(request, session, "YZ-WEB-033", 409)
        try:
            await run_in_threadpool(publishing.go_live, self.store, number)
        finally:
            publishing.BUSY.release()
        self.store.audit(session.user.name, self.address(request), "撤回发布", f"回到第{number}次")
        return RedirectResponse("/publish", status_code=303)
