"""One cache: keys from one list, records by name, one replace-only writer, and nothing else touching mkdocs."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from conftest import REPO
from yizhan.buildkit import cache
from yizhan.buildkit.cache import Cache, replace_file

PACKAGE = REPO / "scripts" / "yizhan"


def test_replacing_a_file_never_changes_a_hard_link_to_it(tmp_path: Path) -> None:
    served = tmp_path / "build" / "a.html"
    served.parent.mkdir()
    served.write_bytes(b"old")
    staged = tmp_path / "staging.html"
    os.link(served, staged)
    replace_file(staged, "新")
    assert served.read_bytes() == b"old" and staged.read_text(encoding="utf-8") == "新"
    assert not served.samefile(staged)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "staging.html"]  # no temporary left


def test_a_record_is_read_back_only_under_its_own_key(tmp_path: Path) -> None:
    project = Cache(tmp_path)
    project.write("site-check.json", {"links": {"甲": ["a.html"]}}, "/yizhan")
    assert project.read("site-check.json", "/yizhan") == {"links": {"甲": ["a.html"]}}
    assert project.read("site-check.json", "/other") == {}
    assert Cache(None).read("site-check.json") == {}


def test_a_record_written_by_other_code_or_libraries_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = Cache(tmp_path)
    project.write("file-digests.json", {"files": {"1:2:3:4": "abc"}})
    monkeypatch.setattr(cache, "code_key", lambda: "another version of yizhan or of a library")
    assert project.read("file-digests.json") == {}


def test_the_code_key_covers_every_library_of_the_one_list(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache.code_key()
    cache.code_key.cache_clear()
    real = cache.metadata.version
    monkeypatch.setattr(cache.metadata, "version", lambda name: "0" if name == "weasyprint" else real(name))
    try:
        assert cache.code_key() != before
    finally:
        cache.code_key.cache_clear()
    assert "weasyprint" in cache.LIBRARIES and "mkdocs" in cache.LIBRARIES


def test_a_damaged_record_reads_as_empty_and_unknown_names_are_refused(tmp_path: Path) -> None:
    project = Cache(tmp_path)
    path = project.path("site-styles.json")
    assert path is not None
    path.parent.mkdir()
    path.write_text("{不是 JSON", encoding="utf-8")
    assert project.read("site-styles.json") == {}
    with pytest.raises(ValueError):
        project.write("my-own-cache.json", {})


def test_sweep_removes_what_no_record_claims(tmp_path: Path) -> None:
    project = Cache(tmp_path)
    project.write("privacy-check.json", {"clean": {}})
    memo = project.folder("memo")
    assert memo is not None
    (memo / "kind").mkdir()
    (memo / "kind" / "x").write_bytes(b"s")
    folder = tmp_path / ".yizhan-cache"
    (folder / "old-record.json").write_text("{}", encoding="utf-8")
    (folder / ".privacy-check.json.123.tmp").write_text("{", encoding="utf-8")
    (folder / "old-folder").mkdir()
    project.sweep()
    assert sorted(p.name for p in folder.iterdir()) == ["memo", "privacy-check.json"]
    assert (memo / "kind" / "x").is_file()


def test_keys_are_letters_only_and_follow_every_value() -> None:
    first = cache.key("页面", {"a", "b"}, [1, 2])
    assert first.isalpha()
    assert cache.key("页面", {"b", "a"}, [1, 2]) == first
    assert cache.key("页面", {"a"}, [1, 2]) != first


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_engine_module_imports_the_site_engine() -> None:
    engines = {"mkdocs", "material", "properdocs"}
    importers = sorted(
        path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py") if _imports(path) & engines
    )
    assert importers == ["website/engine.py"]


def test_nothing_patches_the_site_engine() -> None:
    """No attribute of the engine's objects is replaced: no `x.is_modified = ...`, no `plugin.jieba`."""
    tree = ast.parse((PACKAGE / "website" / "engine.py").read_text(encoding="utf-8"))
    assigned = [
        target.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Attribute)
    ]
    assert not {"is_modified", "jieba"} & set(assigned)
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))
    assert "monkeypatch" not in source and "setattr(" not in source


def _writes(node: ast.AST) -> bool:
    """A call that writes a file itself: Path.write_bytes/write_text, os.replace, open(..., "w…"/"a…")."""
    if not isinstance(node, ast.Call):
        return False
    name = ast.unparse(node.func)
    if isinstance(node.func, ast.Attribute) and node.func.attr in ("write_bytes", "write_text"):
        return True
    if name in ("os.replace", "os.rename"):
        return True
    modes = [a for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    modes += [k.value for k in node.keywords if k.arg == "mode" and isinstance(k.value, ast.Constant)]
    opens = name == "open" or (isinstance(node.func, ast.Attribute) and node.func.attr == "open")
    return opens and any(isinstance(m, ast.Constant) and m.value[:1] in ("w", "a", "x") for m in modes)


def test_only_the_cache_module_writes_files_itself() -> None:
    """Every file yizhan writes goes through cache.replace_file (temp file + rename), never in place."""
    found = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "cache.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if _writes(node)
    ]
    assert found == []


def test_held_bytes_keep_the_newest_within_their_size() -> None:
    from yizhan.buildkit.memo import Held

    held = Held(10, size=len)
    held.put("a", b"123456")
    held.put("b", b"abcdef")  # over 10 bytes together: the oldest goes
    assert held.get("a") is None and held.get("b") == b"abcdef"
    held.put("big", b"x" * 11)  # larger than the whole store: not held, nothing else dropped
    assert held.get("big") is None and held.get("b") == b"abcdef"
    held.put("b", b"12")
    held.put("c", b"12345678")
    assert held.get("b") == b"12" and held.get("c") == b"12345678" and held.size == 10
    held.clear()
    assert held.get("c") is None and held.size == 0


def test_a_record_by_content_is_held_for_a_fresh_copy_built_by_the_same_process(tmp_path: Path) -> None:
    """What a record says of a file's digest holds for those bytes anywhere: a project without the record
    (a fresh copy) starts from the one this process wrote last under the same key. Records keyed by
    inode or by output are the project's own; a process that holds nothing starts empty."""
    cache.forget_held()
    first, fresh = Cache(tmp_path / "first"), Cache(tmp_path / "fresh")
    first.write("privacy-check.json", {"clean": {"abchtml": []}}, "同一批个人信息")
    first.write("file-digests.json", {"files": {"1:2:3:4": "abc"}})
    first.write("last-build.json", {"out": "build"})
    assert fresh.read("privacy-check.json", "同一批个人信息") == {"clean": {"abchtml": []}}
    assert fresh.read("privacy-check.json", "另一批个人信息") == {}  # other private values: scan anew
    assert fresh.read("file-digests.json") == {} and fresh.read("last-build.json") == {}
    assert Cache(None).read("privacy-check.json", "同一批个人信息") == {}
    fresh.write("privacy-check.json", {"clean": {}}, "同一批个人信息")  # its own record counts first
    assert fresh.read("privacy-check.json", "同一批个人信息") == {"clean": {}}
    cache.forget_held()  # as a new process starts
    assert Cache(tmp_path / "third").read("privacy-check.json", "同一批个人信息") == {}


def test_a_held_clean_record_never_hides_a_leak_in_a_fresh_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from yizhan.privacy import gate
    from yizhan.privacy.secrets import Secrets

    cache.forget_held()
    page = "<p>驿站服务电话见公示牌</p>\n"
    for name in ("first", "fresh"):
        (tmp_path / name / "build/site").mkdir(parents=True)
        (tmp_path / name / "build/site/a.html").write_text(page, encoding="utf-8")
    (tmp_path / "fresh/build/site/b.html").write_text("<p>电话：13912345679</p>\n", encoding="utf-8")
    assert gate.privacy_gate(tmp_path / "first/build", Secrets(), Cache(tmp_path / "first")) == []
    scanned: list[str] = []
    real = gate.scan_file
    monkeypatch.setattr(
        gate, "scan_file", lambda path, rel, *rest: scanned.append(rel) or real(path, rel, *rest)
    )
    found = gate.privacy_gate(tmp_path / "fresh/build", Secrets(), Cache(tmp_path / "fresh"))
    assert scanned == ["site/b.html"]  # a.html: the same bytes found clean by this process before
    assert [(f.file, f.what) for f in found] == [("site/b.html", "未公开的手机号 139****5679")]
