"""`yizhan collect import`: collected rows → the county's dataset, validated, appended, never lost."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..buildkit.cache import replace_file
from ..feedback import messages
from ..feedback.report import ERROR, WARNING, Location, Report
from ..forms import with_datasets
from ..forms.model import Form, to_form
from ..load import load
from ..model.project import Dataset, Project
from ..rules.vocab import RECEIVED
from ..sheets.cells import safe_text
from ..validate import validate
from .checks import check_incoming
from .incoming import read_collected, review_decision
from .merge import META_KEYS, Candidate, Merged, merge
from .store import save, unwritable

ERRORS_TITLE = "错误说明"


@dataclass
class ImportResult:
    """What an import did: rows added, duplicates skipped, rows rejected, files written."""

    report: Report = field(default_factory=Report)
    added: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejected_by_review: int = 0
    updated: int = 0
    written: bool = False
    backup: Path | None = None
    rejects: Path | None = None
    notes: list[str] = field(default_factory=list)  # what was done, in Chinese

    def note(self, code: str, **values: object) -> None:
        problem, fix = messages.text(code, **values)
        self.notes.append(f"{problem}。{fix}。")


@dataclass
class Rejected:
    """A row set aside: its file, its cells as typed, why, and the header of its file."""

    path: Path
    cells: list[str]
    errors: str
    header: list[str] = field(default_factory=list)


def find_form(project: Project, code: str, report: Report) -> Form | None:
    docs = {s.rsplit("/", 1)[-1].removesuffix(".yml"): d for s, d in project.form_docs.items()}
    if code not in docs:
        report.add("YZ-FORM-020", Location("forms/"), value=code, choices="、".join(sorted(docs)) or "（无）")
        return None
    raw = with_datasets({code: docs[code].data}, project.specs)[code]
    form = to_form(raw, f"forms/{code}.yml")
    if not form.dataset:
        report.add("YZ-FORM-021", Location(form.source), value=code)
        return None
    return form


def answered(form: Form, keys: list[str]) -> list[str]:
    """Dataset columns the form fills, plus the submission's own columns."""
    fields = {f.key for f in form.value_fields}
    return [k for k in keys if k in fields or k in META_KEYS]


def policy_of(project: Project, code: str) -> str:
    """The policy whose `forms:` lists this application form, else the policy of the same id ("" if none)."""
    policies = [d.data for d in project.policy_docs.values() if isinstance(d.data, dict)]
    for data in policies:
        if code in [str(f) for f in data.get("forms") or []]:
            return str(data.get("id") or "")
    return code if any(str(d.get("id")) == code for d in policies) else ""


def fill_register(incoming: Dataset, policy_id: str) -> None:
    """An application enters the register under its policy, at the first step (受理)."""
    frame = incoming.frame
    if "policy_id" in frame:
        frame["policy_id"] = [v or policy_id for v in frame["policy_id"]]
    if "status" in frame:
        frame["status"] = [v or RECEIVED for v in frame["status"]]


def drop_superseded(incoming: Dataset, source: str, report: Report) -> int:
    """One submission twice in one file: keep the later row (a warning when the answers differ)."""
    frame = incoming.frame
    if "submission_id" not in frame:
        return 0
    ids = frame["submission_id"]
    earlier = frame[(ids != "") & ids.duplicated(keep="last")]
    if earlier.empty:
        return 0
    last = {sid: row for sid, row in zip(ids, frame.index, strict=True)}  # the last row of each id
    answers = [k for k in frame.columns if k not in META_KEYS]
    same = 0
    for row, values in earlier.iterrows():
        later = last[values["submission_id"]]
        if list(frame.loc[later, answers]) == list(values[answers]):
            same += 1
        else:
            other = f"{source} 第{row}行"
            report.add("YZ-FORM-033", Location(source, row=int(later)), severity=WARNING,
                       value=values["submission_id"], other=other)  # fmt: skip
    incoming.frame = frame.drop(index=earlier.index)
    return same


def _by_row(problems: Report) -> dict[int, list[str]]:
    rows: dict[int, list[str]] = {}
    for problem in problems.errors:
        for row in problem.rows or (problem.where.row or 1,):  # row 1: the header, so every row
            rows.setdefault(row, []).append(f"{problem.problem}（{problem.fix}）")
    return rows


def _read_candidates(
    project: Project, form: Form, paths: list[Path], result: ImportResult, bad: list[Rejected]
) -> list[Candidate]:
    """Every row of every file, checked; bad rows set aside with their reasons, review decisions applied."""
    spec = project.specs[form.dataset]
    keys = [c.key for c in spec.columns]
    candidates: list[Candidate] = []
    for path in paths:
        problems = Report(each_row=True)  # each bad row is set aside with its own reasons
        collected = read_collected(path, form, spec, problems)
        if collected is None:
            result.report.extend(problems)
            bad.append(Rejected(path, [], "；".join(p.problem for p in problems.errors)))
            continue
        incoming = collected.dataset
        if form.register:
            fill_register(incoming, policy_of(project, form.code))
        result.duplicates += drop_superseded(incoming, path.name, problems)
        check_incoming(project, incoming, form, problems)
        errors = _by_row(problems)
        problems.group_rows()  # shown as `yizhan validate` shows them
        result.report.extend(problems)
        if 1 in errors:  # a header problem makes every row of the file unusable
            errors = {row: errors[1] for row in incoming.frame.index} | errors
        rejected: list[str] = []
        raw = collected.raw
        typed = raw.rows  # the cells as typed, built once for the whole file
        frame = incoming.frame
        columns = {k: [str(v) for v in frame[k]] for k in keys}  # one pass per column, not a Series per row
        for position, row in enumerate(int(r) for r in frame.index):
            decision, flag = review_decision(collected.review.get(row, ""))
            if decision == "reject":
                rejected.append(f"第{row}行")
                continue
            if row in errors:
                cells = typed[row - 2] if row - 2 < len(typed) else []
                bad.append(Rejected(path, cells, "；".join(errors[row]), raw.header))
                continue
            values = {k: columns[k][position] for k in keys}
            if flag and "review_flag" in values:
                values["review_flag"] = flag
                result.note("YZ-FORM-032", source=path.name, row=row, tool=collected.tool,
                            state=collected.review[row], flag=flag)  # fmt: skip
            previous = collected.previous.get(row, "")
            candidates.append(
                Candidate(path.name, row, values, typed[row - 2], previous=previous, header=raw.header)
            )
        if rejected:
            result.rejected_by_review += len(rejected)
            states = "、".join(sorted({collected.review[int(r[1:-1])] for r in rejected}))
            result.note("YZ-FORM-031", tool=collected.tool, state=states, count=len(rejected), rows=f"{path.name} {'、'.join(rejected)}")  # fmt: skip
    return candidates


def _check_keys(current: Dataset, merged: Merged, form: Form, report: Report) -> set[int]:
    """Primary keys across the existing rows and every file of the import; offending new rows by position."""
    offending: set[int] = set()
    frame = merged.frame
    start = int(current.frame.index.max()) + 1 if len(current.frame) else 2  # the first added row
    for key in form.primary_key:
        title = current.spec.column(key).title
        holders: dict[str, int] = {}
        for row, value in frame[key].items():
            if not value:
                continue
            if value in holders:
                position = int(row) - start
                if position >= 0:
                    candidate = merged.added[position]
                    first = holders[value]
                    if first in current.frame.index:
                        other = f"数据集 {current.source} 第{first}行"
                    else:
                        earlier = merged.added[first - (int(row) - position)]
                        other = f"本次导入的 {earlier.source} 第{earlier.row}行"
                    where = Location(candidate.source, row=candidate.row, title=title)
                    report.add("YZ-FORM-037", where, value=value, other=other, title=title)
                    offending.add(position)
            else:
                holders[value] = int(row)
    return offending


def import_files(root: Path, code: str, files: list[Path], skip_invalid: bool = False) -> ImportResult:
    """Check every row of every file and the dataset they make together; write it only if it is valid."""
    result = ImportResult()
    report = result.report
    project = load(root)
    before = validate(project)
    if not before.valid:
        report.extend(before)
        return result
    form = find_form(project, code, report)
    if form is None:
        return result
    current = project.datasets[form.dataset]
    keys = [c.key for c in current.spec.columns]
    bad: list[Rejected] = []
    candidates = _read_candidates(project, form, files, result, bad)
    merged = merge(current.frame, candidates, keys, answered(form, keys))
    for earlier, later in merged.replaced:
        where = Location(later.source, row=later.row)
        report.add("YZ-FORM-033", where, severity="warning", value=later.submission_id,
                   other=f"{earlier.source} 第{earlier.row}行")  # fmt: skip
    offending = _check_keys(current, merged, form, report)
    if offending:
        dropped = {id(merged.added[position]) for position in offending}
        reasons: dict[tuple[str | None, int | None], str] = {}
        for p in report.problems:
            if p.code == "YZ-FORM-037":
                reasons.setdefault((p.where.file, p.where.row), f"{p.problem}（{p.fix}）")
        for position in sorted(offending):
            candidate = merged.added[position]
            reason = reasons[(candidate.source, candidate.row)]
            bad.append(Rejected(Path(candidate.source), candidate.cells, reason, candidate.header))
        merged = merge(
            current.frame, [c for c in candidates if id(c) not in dropped], keys, answered(form, keys)
        )
    result.rejected = len(bad)
    if bad and not skip_invalid:
        report.add("YZ-FORM-023", Location(files[0].name), count=len(bad))
        return result
    after = _validate_after(project, current, merged)
    if not after.valid:
        report.extend(after)
        report.add("YZ-FORM-035", Location(current.source))
        return result
    if bad:
        _demote(report)
        result.rejects = write_rejects(files[0], bad)
        result.note("YZ-FORM-025", count=len(bad), rejects=result.rejects)
    result.added, result.duplicates = len(merged.added), result.duplicates + merged.duplicates
    for change in merged.edits:
        title = current.spec.column(change.key).title
        result.note("YZ-FORM-030", source=current.source, row=change.row, title=title,
                    old=change.old or "（空）", new=change.new or "（空）")  # fmt: skip
    if (merged.added or merged.changes) and (kind := unwritable(current)):
        report.add("YZ-FORM-038", Location(current.source), kind=kind)
        return result
    if merged.added or merged.changes:
        result.backup = save(current, merged)
        result.written = True
        result.updated = len({c.row for c in merged.edits})
        result.note("YZ-FORM-024", added=result.added, duplicates=result.duplicates, backup=result.backup)
        if result.updated:
            result.note("YZ-FORM-036", count=result.updated, backup=result.backup)
    else:
        result.note("YZ-FORM-026", duplicates=result.duplicates)
    return result


def _validate_after(project: Project, current: Dataset, merged: Merged) -> Report:
    """`yizhan validate` on the project as it would be after the import."""
    dataset = replace(current, frame=merged.frame)
    return validate(replace(project, datasets={**project.datasets, current.spec.name: dataset}))


def _demote(report: Report) -> None:
    """With --skip-invalid the rows set aside are reported as warnings: the import itself succeeded."""
    report.problems[:] = [replace(p, severity=WARNING) if p.severity == ERROR else p for p in report.problems]


def write_rejects(first: Path, bad: list[Rejected]) -> Path:
    """Rejected rows as they were typed, with their errors, next to the first imported file."""
    target = first.with_name(f"{first.stem}.未导入.csv")
    header = next((r.header for r in bad if r.header), [])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # Rows from outside submissions, opened by officers in Excel: no cell may run as a formula.
    writer.writerow([safe_text(c) for c in ["来源文件", *header, ERRORS_TITLE]])
    for rejected in bad:
        writer.writerow([safe_text(c) for c in [rejected.path.name, *rejected.cells, rejected.errors]])
    replace_file(target, ("\ufeff" + buffer.getvalue()).encode("utf-8"), durable=True)
    return target
