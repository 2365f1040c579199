"""Where things are: the project's own files first, the example county's as the fallback."""

from __future__ import annotations

from pathlib import Path


def tool_root() -> Path:
    """The repository root, which is itself the complete example county."""
    return Path(__file__).resolve().parents[3]


def project_file(root: Path, name: str) -> Path:
    """`root/name` when the project has its own copy (e.g. customised templates), else the tool's."""
    own = root / name
    return own if own.exists() else tool_root() / name
