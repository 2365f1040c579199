"""Merging collected rows into a dataset by submission identity: add, update what changed, skip repeats."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# Columns about the submission, not answers: a change in them alone is not an edit.
META_KEYS = ("submission_id", "form_version", "review_flag")


@dataclass
class Candidate:
    """One valid incoming row: where it came from and its values under dataset keys."""

    source: str
    row: int
    values: dict[str, str]
    cells: list[str] = field(default_factory=list)  # as typed, for the rejects file
    previous: str = ""  # the id this edited version replaces (Kobo without rootUuid: meta/deprecatedID)
    header: list[str] = field(default_factory=list)

    @property
    def submission_id(self) -> str:
        return self.values.get("submission_id", "")


@dataclass(frozen=True)
class Change:
    """One cell of an existing row that an edited submission changed."""

    row: int
    key: str
    old: str
    new: str


@dataclass
class Merged:
    """The dataset after the import, and what the import did to it."""

    frame: pd.DataFrame
    added: list[Candidate] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    duplicates: int = 0
    replaced: list[tuple[Candidate, Candidate]] = field(default_factory=list)  # (earlier, later) same id

    @property
    def edits(self) -> list[Change]:
        """Changed answers (not version or review flag alone): what the import prints."""
        return [c for c in self.changes if c.key not in META_KEYS]


def _answers(values: dict[str, str], keys: list[str]) -> tuple[str, ...]:
    return tuple(str(values.get(k, "")) for k in keys if k not in META_KEYS)


def _stored(frame: pd.DataFrame, keys: list[str]) -> tuple[list[int], list[str], list[tuple[str, ...]]]:
    """Each stored row's number, id and answers, read column by column (no Series built per row)."""
    rows = [int(r) for r in frame.index]
    ids = [str(v) for v in frame["submission_id"]] if "submission_id" in frame else [""] * len(rows)
    compared = [k for k in keys if k not in META_KEYS]
    cells = [[str(v) for v in frame[k]] if k in frame else [""] * len(rows) for k in compared]
    return rows, ids, list(zip(*cells, strict=True)) if cells else [()] * len(rows)


def merge(
    current: pd.DataFrame, candidates: list[Candidate], columns: list[str], answered: list[str] | None = None
) -> Merged:
    """Rows with a known id update their row; unknown ids are added; rows without id dedupe by content.

    `answered` are the columns the form fills: only they are compared and updated, so the steps a
    township has entered in the register since (办理状态, 审核日期 …) are never overwritten by a re-import.
    """
    keys = answered or columns
    frame = current.copy()
    merged = Merged(frame)
    has_id = "submission_id" in frame
    by_id: dict[str, int] = {}
    by_content: dict[tuple[str, ...], int] = {}
    for row, sid, answers in zip(*_stored(frame, keys), strict=True):
        if sid:
            by_id[sid] = row
        else:
            by_content.setdefault(answers, row)
    pending: dict[str, int] = {}  # id → position in merged.added
    superseded = {c.previous for c in candidates if c.previous}  # versions an edit in this import replaces
    seen_new: set[tuple[str, ...]] = set()
    for candidate in candidates:
        sid, answers = candidate.submission_id, _answers(candidate.values, keys)
        if sid and sid in superseded and sid not in by_id:  # an older version of a submission edited since
            merged.duplicates += 1
        elif sid and sid not in by_id and candidate.previous in by_id:  # an edit that changed the id
            row = by_id.pop(candidate.previous)
            _update(merged, row, candidate, keys)
            merged.changes.append(Change(row, "submission_id", candidate.previous, sid))
            frame.at[row, "submission_id"] = sid
            by_id[sid] = row
        elif sid and sid in by_id:
            _update(merged, by_id[sid], candidate, keys)
        elif sid and sid in pending:
            earlier = merged.added[pending[sid]]
            if _answers(earlier.values, keys) == answers:
                merged.duplicates += 1
            else:
                merged.replaced.append((earlier, candidate))
                merged.added[pending[sid]] = candidate
        elif answers in by_content:
            # The same answers already stored without an id (typed from paper, or imported before ids
            # were kept): the same record. Remember its id so the next export updates it.
            merged.duplicates += 1
            row = by_content.pop(answers)
            if sid and has_id:
                frame.loc[row, "submission_id"] = sid
                by_id[sid] = row
        elif not sid and answers in seen_new:
            merged.duplicates += 1
        else:
            seen_new.add(answers)
            if sid:
                pending[sid] = len(merged.added)
            merged.added.append(candidate)
    if merged.added:
        start = int(frame.index.max()) + 1 if len(frame) else 2
        cells = {k: [c.values.get(k, "") for c in merged.added] for k in columns}  # column by column
        index = range(start, start + len(merged.added))
        extra = pd.DataFrame(cells, index=index, columns=columns, dtype=object)
        merged.frame = pd.concat([frame, extra])
    return merged


def _update(merged: Merged, row: int, candidate: Candidate, keys: list[str]) -> None:
    frame = merged.frame
    changes = [
        Change(row, key, str(frame.at[row, key]), candidate.values.get(key, ""))
        for key in keys
        if key != "submission_id" and str(frame.at[row, key]) != candidate.values.get(key, "")
    ]
    if not [c for c in changes if c.key not in META_KEYS]:
        merged.duplicates += 1  # the same answers; a new version or review flag is still recorded
    for change in changes:
        frame.at[row, change.key] = change.new
    merged.changes.extend(changes)
