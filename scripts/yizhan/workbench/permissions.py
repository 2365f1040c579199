"""Who may do what: the one place every request of the workbench asks."""

from __future__ import annotations

from collections.abc import Mapping

from .accounts import ADMIN, TOWNSHIP, VIEWER, User

READ = "read"  # pages, results, marked files, versions
UPLOAD = "upload"  # upload a file and merge it
RESTORE = "restore"  # restore an earlier dataset version
PUBLISH = "publish"  # build and publish the site, or bring an earlier publish back
ACTIONS: dict[str, frozenset[str]] = {
    READ: frozenset({ADMIN, TOWNSHIP, VIEWER}),
    UPLOAD: frozenset({ADMIN, TOWNSHIP}),
    RESTORE: frozenset({ADMIN}),
    PUBLISH: frozenset({ADMIN}),
}
# What a township account reads of other people's work: nothing but its own uploads.
COUNTY_WIDE = frozenset({ADMIN, VIEWER})


def allowed(user: User | None, action: str) -> bool:
    """Whether the user's role may do `action` at all."""
    return user is not None and user.role in ACTIONS.get(action, frozenset())


def may_see_upload(user: User | None, upload: Mapping[str, object]) -> bool:
    """Admins and viewers read every upload; a township officer only the ones they made."""
    if not allowed(user, READ):
        return False
    assert user is not None
    return user.role in COUNTY_WIDE or upload["user"] == user.name


def may_see_versions(user: User | None) -> bool:
    """Dataset versions and diffs hold every township's rows: the county's roles only."""
    return user is not None and user.role in COUNTY_WIDE


def may_change_township(user: User | None, township: str) -> bool:
    """A township account changes rows of its own township only; an admin those of every township."""
    if not allowed(user, UPLOAD):
        return False
    assert user is not None
    return user.role == ADMIN or (user.role == TOWNSHIP and township == user.township)


def visible_townships(user: User | None, townships: list[str]) -> list[str]:
    """The townships whose reporting a user sees: all for the county's roles, a township only its own."""
    if user is None:
        return []
    return list(townships) if user.role in COUNTY_WIDE else [t for t in townships if t == user.township]
