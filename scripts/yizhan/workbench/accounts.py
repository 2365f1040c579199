"""Accounts, passwords (argon2), login attempts (rate-limited) and server-side sessions."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..feedback.errors import Failure
from ..rules.numbers import find_numbers
from .store import Store

ADMIN, TOWNSHIP, VIEWER = "admin", "township", "viewer"
ROLES = (ADMIN, TOWNSHIP, VIEWER)
ROLE_NAMES = {ADMIN: "管理员（县）", TOWNSHIP: "乡镇", VIEWER: "查看（督查）"}
MIN_PASSWORD = 8
SESSION_SECONDS = 8 * 3600
WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
_NAME = re.compile(r"[\w\u4e00-\u9fff]{1,32}")
_HASHER = PasswordHasher()


class AccountError(Failure):
    """A refused account change, with its catalogue code and values."""

    prefix = "YZ-WEB-"


@dataclass(frozen=True)
class User:
    """A signed-in person: name, role and (for a township account) the township."""

    name: str
    role: str
    township: str = ""


@dataclass(frozen=True)
class Session:
    """A session row: its user (None before login) and the CSRF token of its forms."""

    token: str
    user: User | None
    csrf: str


def check_name(name: str) -> None:
    """User names appear in the audit log: word characters only, and never a phone or ID number."""
    if not _NAME.fullmatch(name) or any(find_numbers(name, True)):
        raise AccountError("YZ-WEB-023", name=name)


def add_user(store: Store, name: str, role: str, township: str, password: str) -> None:
    check_name(name)
    if len(password) < MIN_PASSWORD:
        raise AccountError("YZ-WEB-007", minimum=MIN_PASSWORD)
    with store.connect() as db:
        if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AccountError("YZ-WEB-004", name=name)
        db.execute(
            "INSERT INTO users (name, role, township, hash, active, created) VALUES (?, ?, ?, ?, 1, ?)",
            (name, role, township if role == TOWNSHIP else "", _HASHER.hash(password), time.time()),
        )


def set_password(store: Store, name: str, password: str) -> None:
    """A new password (and the account enabled again); every session of the user ends."""
    if len(password) < MIN_PASSWORD:
        raise AccountError("YZ-WEB-007", minimum=MIN_PASSWORD)
    with store.connect() as db:
        changed = db.execute(
            "UPDATE users SET hash = ?, active = 1 WHERE name = ?", (_HASHER.hash(password), name)
        ).rowcount
        if not changed:
            raise AccountError("YZ-WEB-005", name=name)
        db.execute("DELETE FROM sessions WHERE user = ?", (name,))


def disable_user(store: Store, name: str) -> None:
    with store.connect() as db:
        if not db.execute("UPDATE users SET active = 0 WHERE name = ?", (name,)).rowcount:
            raise AccountError("YZ-WEB-005", name=name)
        db.execute("DELETE FROM sessions WHERE user = ?", (name,))


def list_users(store: Store) -> list[tuple[str, str, str, bool]]:
    with store.connect() as db:
        rows = db.execute("SELECT name, role, township, active FROM users ORDER BY name").fetchall()
    return [(r["name"], r["role"], r["township"], bool(r["active"])) for r in rows]


def has_admin(store: Store) -> bool:
    with store.connect() as db:
        return bool(db.execute("SELECT 1 FROM users WHERE role = ? AND active = 1", (ADMIN,)).fetchone())


def _failures(store: Store, kind: str, key: str, now: float) -> int:
    with store.connect() as db:
        db.execute("DELETE FROM attempts WHERE at < ?", (now - WINDOW_SECONDS,))
        row = db.execute("SELECT COUNT(*) FROM attempts WHERE kind = ? AND key = ?", (kind, key)).fetchone()
    return int(row[0])


def locked_out(store: Store, name: str, address: str) -> bool:
    """Too many failed logins lately for this account or from this address."""
    now = time.time()
    return (
        _failures(store, "user", _digest(name), now) >= MAX_FAILURES_PER_ACCOUNT
        or _failures(store, "address", address, now) >= MAX_FAILURES_PER_ADDRESS
    )


def authenticate(store: Store, name: str, password: str, address: str) -> User | None:
    """The user when name and password match an active account; a failure is counted for both keys."""
    with store.connect() as db:
        row = db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    good = False
    if row is not None and row["active"]:
        try:
            good = _HASHER.verify(row["hash"], password)
        except (VerificationError, InvalidHashError):
            good = False
    else:
        _HASHER.hash(password)  # the same time spent whether or not the account exists
    now = time.time()
    with store.connect() as db:
        if good:
            db.execute("DELETE FROM attempts WHERE kind = 'user' AND key = ?", (_digest(name),))
        else:
            db.executemany(
                "INSERT INTO attempts (kind, key, at) VALUES (?, ?, ?)",
                [("user", _digest(name), now), ("address", address, now)],  # a typed name only as a hash
            )
    if not good or row is None:
        return None
    return User(row["name"], row["role"], row["township"])


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session(store: Store, user: User | None) -> tuple[str, Session]:
    """A fresh session (a new token after login: no fixation); returns the cookie value and the row."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with store.connect() as db:
        db.execute("DELETE FROM sessions WHERE expires < ?", (time.time(),))
        db.execute(
            "INSERT INTO sessions (token, user, csrf, expires) VALUES (?, ?, ?, ?)",
            (_digest(token), user.name if user else None, csrf, time.time() + SESSION_SECONDS),
        )
    return token, Session(token, user, csrf)


def find_session(store: Store, token: str) -> Session | None:
    """The unexpired session of a cookie value, with its user when still active."""
    if not token:
        return None
    with store.connect() as db:
        row = db.execute(
            "SELECT s.csrf, s.user, u.role, u.township, u.active FROM sessions s "
            "LEFT JOIN users u ON u.name = s.user WHERE s.token = ? AND s.expires > ?",
            (_digest(token), time.time()),
        ).fetchone()
    if row is None:
        return None
    user = User(row["user"], row["role"], row["township"]) if row["user"] and row["active"] else None
    return Session(token, user, row["csrf"])


def end_session(store: Store, token: str) -> None:
    with store.connect() as db:
        db.execute("DELETE FROM sessions WHERE token = ?", (_digest(token),))


def same_token(expected: str, given: str) -> bool:
    """A CSRF token compared in constant time."""
    return bool(expected) and secrets.compare_digest(expected.encode(), given.encode())
