"""The county-wide font cuts: what they hold, how documents use them, and the fall back for rare characters."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from yizhan.printing import engine as print_engine
from yizhan.printing import fonts as print_fonts

SANS = '"Noto Sans CJK SC"'
# 堃 is in GBK but not GB 2312, 䶮 in CJK extension A, 𠀀 in extension B: none is in the cut.
RARE = "堃䶮𠀀"


def page(text: str) -> str:
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>字体</title>"
        f"<style>html {{ font-family: {SANS}, sans-serif; }} b {{ font-weight: 700; }}</style>"
        f"</head><body><p>{text}</p><p><b>加粗：{text}</b></p></body></html>"
    )


def pdf_fonts(path: Path) -> list[str]:
    result = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split()[0].split("+", 1)[-1] for line in result.stdout.splitlines()[2:]]


def pdf_text(path: Path) -> str:
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", result.stdout)


def test_every_installed_weight_is_cut_and_holds_all_of_gb2312() -> None:
    cuts = print_fonts.cuts()
    assert {(cut.family, cut.weight) for cut in cuts} >= {
        ("Noto Sans CJK SC", 400),
        ("Noto Sans CJK SC", 700),
    }
    gb2312 = []
    for code in (bytes((a, b)) for a in range(0xB0, 0xF8) for b in range(0xA1, 0xFF)):
        try:
            gb2312.append(code.decode("gb2312"))
        except UnicodeDecodeError:
            continue  # the five unused cells at the end of row 0xD7
    assert len(gb2312) == 6763
    for cut in cuts:
        font = TTFont(cut.path)
        cmap = font.getBestCmap()
        missing = [ch for ch in [*gb2312, "□", "■", "●", "—", "：", "（", "A", "1"] if ord(ch) not in cmap]
        assert missing == [], (cut.path.name, missing[:10])
        assert not any(ord(ch) in cmap for ch in RARE)
        assert len(cmap) < 9000 and font["maxp"].numGlyphs < 20000  # a cut, not the 65,000-glyph font


def test_cuts_are_deterministic_and_named_after_their_source(tmp_path: Path) -> None:
    found = print_fonts.locate("Noto Sans CJK SC", "Regular")
    assert found is not None
    source, index = found
    points = [ord(ch) for ch in "驿站民生服务"]
    assert print_fonts.cut_font(source, index, points) == print_fonts.cut_font(source, index, points)
    copy = tmp_path / source.name
    copy.write_bytes(b"not the same font")
    assert print_fonts._file_name("Noto Sans CJK SC", "Regular", source, index) != print_fonts._file_name(
        "Noto Sans CJK SC", "Regular", copy, index
    )


def test_a_file_harfbuzz_cannot_read_or_cut_gives_no_cut(tmp_path: Path) -> None:
    garbage = tmp_path / "broken.otf"
    garbage.write_bytes(b"not a font" * 10)
    assert print_fonts.cut_font(tmp_path / "missing.otf", 0, [ord("驿")]) is None
    assert print_fonts.cut_font(garbage, 0, [ord("驿")]) is None


def test_another_versions_cut_is_kept_until_unused_for_a_month(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two yizhan versions on one machine do not delete each other's cuts; one unused for long goes."""
    import os
    import time

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = print_fonts.cache_dir()
    folder.mkdir(parents=True)
    recent, old = (
        folder / "NotoSansCJKSC-Regular-0000000000000001.otf",
        folder / "NotoSansCJKSC-Regular-0.otf",
    )
    recent.write_bytes(b"a cut another version uses")
    old.write_bytes(b"a cut nobody used for long")
    long_ago = time.time() - print_fonts.STALE_AFTER - 60
    os.utime(old, (long_ago, long_ago))
    print_fonts.cuts.cache_clear()
    try:
        cuts = print_fonts.cuts()
    finally:
        print_fonts.cuts.cache_clear()
    made = {cut.path for cut in cuts}
    assert any(path.name.startswith("NotoSansCJKSC-Regular-") for path in made)
    assert recent.exists() and not old.exists()
    assert all(path.parent == folder and path.exists() for path in made)


def test_unknown_family_is_not_located() -> None:
    assert print_fonts.locate("没有这种字体 Sans", "Regular") is None


def test_only_the_style_sheet_is_rewritten() -> None:
    html = page(f"正文里写着 {SANS} 这几个字")
    changed = print_fonts.with_cuts(html)
    head, body = changed.split("</head>", 1)
    assert body == html.split("</head>", 1)[1]
    assert f'"Noto Sans CJK SC{print_fonts.SUFFIX}", {SANS}, sans-serif' in head
    assert head.count("@font-face") == len(print_fonts.cuts())


def test_documents_use_the_cut_and_fall_back_for_rare_characters(tmp_path: Path) -> None:
    path = tmp_path / "rare.pdf"
    path.write_bytes(print_engine.render_pdf(page(f"驿站管理员：王{RARE}"), "rare.pdf"))
    fonts = pdf_fonts(path)
    assert "Noto-Sans-CJK-SC-YZ" in fonts and "Noto-Sans-CJK-SC-YZ-Bold" in fonts
    # The rare characters come from the system font, in both weights, and are all in the text.
    assert "Noto-Sans-CJK-SC" in fonts and "Noto-Sans-CJK-SC-Bold" in fonts
    text = pdf_text(path)
    assert text.count(f"王{RARE}") == 2


def test_without_cuts_documents_use_the_system_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(print_fonts, "cuts", lambda: ())
    assert print_fonts.with_cuts(page("驿站")) == page("驿站")
    path = tmp_path / "plain.pdf"
    path.write_bytes(print_engine.render_pdf(page("驿站服务"), "plain.pdf"))
    assert sorted(pdf_fonts(path)) == ["Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"]
    assert pdf_text(path) == "驿站服务加粗：驿站服务"


def test_a_cut_makes_smaller_pdfs_than_the_system_font(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "民生驿站服务承诺：首问负责制、一次性告知制、限时办结制。" * 5
    with_cut = print_engine.render_pdf(page(text), "a.pdf")
    monkeypatch.setattr(print_fonts, "cuts", lambda: ())
    without = print_engine.render_pdf(page(text), "a.pdf")
    assert len(with_cut) < len(without)
