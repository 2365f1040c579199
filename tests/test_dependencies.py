"""The declared dependencies and the two locks: what `make site` installs holds no test tool."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "scripts" / "yizhan"
TEST_TOOLS = {"pytest", "pytest-xdist", "hypothesis", "beautifulsoup4", "playwright", "axe-playwright-python"}
TEST_TOOLS |= {"ruff", "pyxform", "dask", "distributed"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+?)(?:\s*\\)?$")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: Path) -> dict[str, str]:
    """Package → pinned version; fails if a pin has no hash."""
    lines = lock.read_text(encoding="utf-8").splitlines()
    found: dict[str, str] = {}
    for number, line in enumerate(lines):
        match = PIN.match(line)
        if match:
            assert lines[number + 1].strip().startswith("--hash=sha256:"), f"{lock.name}: {line} has no hash"
            found[canonical(match.group(1))] = match.group(2)
    return found


def declared() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Runtime requirements and each extra's, as name → specifier."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def split(requirements: list[str]) -> dict[str, str]:
        parsed = (re.match(r"^([A-Za-z0-9._-]+)\s*(.*)$", r) for r in requirements)
        return {canonical(m.group(1)): m.group(2) for m in parsed if m}

    extras = {name: split(reqs) for name, reqs in project["optional-dependencies"].items()}
    return split(project["dependencies"]), extras


def test_the_runtime_lock_holds_no_test_tool() -> None:
    runtime = pins(REPO / "requirements.lock")
    assert len(runtime) > 40
    assert sorted(TEST_TOOLS & set(runtime)) == []


def test_the_dev_lock_adds_the_test_tools_at_the_runtime_versions() -> None:
    runtime, dev = pins(REPO / "requirements.lock"), pins(REPO / "requirements-dev.lock")
    assert set(dev) >= TEST_TOOLS
    assert {
        name: (version, dev.get(name)) for name, version in runtime.items() if dev.get(name) != version
    } == {}


def test_the_installer_lock_pins_uv_alone_at_the_version_make_lock_uses() -> None:
    version = re.search(r"^UV_VERSION := (\S+)$", (REPO / "Makefile").read_text(encoding="utf-8"), re.M)
    assert version, "Makefile names no UV_VERSION"
    assert pins(REPO / "requirements-uv.lock") == {"uv": version.group(1)}


def test_every_runtime_dependency_has_a_lower_bound_the_lock_meets() -> None:
    runtime, extras = declared()
    locked = pins(REPO / "requirements.lock")
    for name, specifier in runtime.items():
        bound = re.search(r">=\s*([0-9][0-9.]*)", specifier)
        assert bound, f"{name} has no lower bound"
        assert locked[name] == bound.group(1), (name, specifier, locked[name])
    assert set(extras) >= {"test", "dask"}
    assert "pyxform" in extras["test"] and "pyxform" not in runtime
    assert "pytest-xdist" in extras["test"]


def imported_modules(folder: Path) -> set[str]:
    """Top-level modules imported anywhere under `folder` (absolute imports only)."""
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_every_library_the_package_imports_is_declared() -> None:
    runtime, extras = declared()
    allowed = set(runtime) | set(extras["dask"])
    distributions = metadata.packages_distributions()
    third_party = imported_modules(PACKAGE) - set(sys.stdlib_module_names) - {"yizhan"}
    undeclared = {
        module: names
        for module in third_party
        if not (names := {canonical(d) for d in distributions.get(module, [])}) & allowed
    }
    assert undeclared == {}
    assert {"numpy", "markupsafe", "python_calamine", "uharfbuzz"} <= third_party
    assert "xlrd" not in third_party and "cffi" not in third_party
