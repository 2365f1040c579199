"""Print documents of the mini county: page counts, text, fonts, handbook navigation, tagging."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import FIXTURES, read_rows
from yizhan.cli import main as yizhan_main

# one xdist worker runs this whole module, so its module-scoped builds are made once
pytestmark = pytest.mark.xdist_group("print")

STATIONS = FIXTURES / "mini" / "datasets" / "驿站名录.csv"


def pdf_text(path: Path) -> str:
    """Text poppler extracts from a PDF, with all white space removed (CJK lines break anywhere)."""
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", result.stdout)


def pdf_fonts(path: Path) -> list[list[str]]:
    """Rows of `pdffonts`: name, type…, emb, sub, uni, object, id."""
    result = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split() for line in result.stdout.splitlines()[2:]]


def stations() -> list[dict[str, str]]:
    rows = read_rows(STATIONS)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def policy_names(project: Path) -> dict[str, tuple[str, list[str], list[str]]]:
    """Policy id → (name, station levels that accept it, material names), read from the YAML."""
    import yaml

    found = {}
    for file in sorted((project / "content" / "policies").glob("*.yml")):
        doc = yaml.safe_load(file.read_text(encoding="utf-8"))
        found[doc["id"]] = (doc["name"], doc["accept_at"], [m["name"] for m in doc["materials"]])
    return found


@pytest.fixture(scope="module")
def printed(mini_print: Path) -> Path:
    """The mini county's print documents, built once per run (conftest.mini_print); returns build/print."""
    return mini_print


def test_every_running_station_has_a_one_page_poster_naming_it(printed: Path) -> None:
    policies = policy_names(FIXTURES / "mini")
    running = [s for s in stations() if s["状态"] == "运行"]
    assert sorted(p.stem for p in (printed / "posters").glob("*.pdf")) == sorted(
        s["驿站编号"] for s in running
    )
    for station in running:
        poster = printed / "posters" / f"{station['驿站编号']}.pdf"
        assert len(PdfReader(poster).pages) == 1, poster.name
        text = pdf_text(poster)
        assert station["驿站名称"] in text
        assert station["管理员"] in text and station["管理员电话"] in text
        for name, levels, _ in policies.values():
            assert (name in text) == (station["层级"] in levels), (station["驿站编号"], name)


def test_poster_is_a3_and_station_list_has_the_station_header(printed: Path) -> None:
    page = PdfReader(printed / "posters" / "YZ-01.pdf").pages[0]
    assert (
        round(float(page.mediabox.width) / 72 * 25.4),
        round(float(page.mediabox.height) / 72 * 25.4),
    ) == (
        297,
        420,
    )
    text = pdf_text(printed / "service-lists" / "stations" / "YZ-01-001.pdf")
    assert "福塘村民生驿站服务事项清单" in text and "谢金海" in text


def test_leaflets_are_one_page_with_every_material(printed: Path) -> None:
    for policy_id, (name, _, materials) in policy_names(FIXTURES / "mini").items():
        leaflet = printed / "leaflets" / f"{policy_id}.pdf"
        assert len(PdfReader(leaflet).pages) == 1
        text = pdf_text(leaflet)
        assert name in text
        for material in materials:
            assert material.replace(" ", "") in text, (policy_id, material)


def test_level_lists_split_services_by_where_they_are_decided(printed: Path) -> None:
    town = pdf_text(printed / "service-lists" / "乡镇办理事项.pdf")
    village = pdf_text(printed / "service-lists" / "村级办理事项.pdf")
    assert "城乡居民最低生活保障" in town and "城乡居民最低生活保障" not in village
    assert "高龄津贴" in village and "高龄津贴" not in town


def test_fonts_are_embedded_subset_and_mapped_to_unicode(printed: Path) -> None:
    for pdf in [
        printed / "handbook" / "政策手册.pdf",
        printed / "posters" / "YZ-01.pdf",
        printed / "leaflets" / "dibao.pdf",
    ]:
        rows = pdf_fonts(pdf)
        assert rows, pdf.name
        for row in rows:
            emb, sub, uni = row[-5:-2]
            assert (emb, sub, uni) == ("yes", "yes", "yes"), (pdf.name, row)
            assert "CJK" in row[0]


def test_no_missing_glyphs_in_the_handbook(printed: Path) -> None:
    """Every character of the policies' source text is extracted back from the PDF."""
    import yaml

    text = pdf_text(printed / "handbook" / "政策手册.pdf")
    for file in (FIXTURES / "mini" / "content" / "policies").glob("*.yml"):
        doc = yaml.safe_load(file.read_text(encoding="utf-8"))
        source = "".join(
            [doc["name"], doc["summary"], *doc["eligibility"], *(m["name"] for m in doc["materials"])]
        )
        assert set(re.sub(r"\s+", "", source)) <= set(text), file.name


def assert_toc_and_bookmarks_match(handbook: Path) -> None:
    """Bookmarks and the table of contents both name the page where each policy starts."""
    reader = PdfReader(handbook)
    outline = {item.title: reader.get_destination_page_number(item) + 1 for item in reader.outline}
    names = [name for name, _, _ in policy_names(FIXTURES / "mini").values()]
    assert sorted(outline) == sorted(names)
    for name, page in outline.items():
        first_line = re.sub(r"\s+", "", reader.pages[page - 1].extract_text())
        assert name in first_line[:80], name
    toc = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", "-layout", str(handbook), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    listed = {m[1]: int(m[2]) for m in re.finditer(r"^\s*([^.\s]+)[.\s]{3,}(\d+)\s*$", toc, re.M)}
    assert listed == outline


def test_handbook_bookmarks_and_toc_point_to_where_each_policy_starts(printed: Path) -> None:
    assert_toc_and_bookmarks_match(printed / "handbook" / "政策手册.pdf")


def test_handbook_is_tagged_chinese_with_title_and_edition_dates(printed: Path) -> None:
    reader = PdfReader(printed / "handbook" / "政策手册.pdf")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "zh-CN"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title == "示例县民生政策办事手册"
    assert reader.metadata["/CreationDate"].startswith("D:20261120")
    footer = pdf_text(printed / "handbook" / "政策手册.pdf")
    assert f"第3页/共{len(reader.pages)}页" in footer


def test_bundle_binds_a_townships_posters_in_station_order(printed: Path) -> None:
    reader = PdfReader(printed / "bundles" / "YZ-01.pdf")  # the township station id names the bundle
    running = [s for s in stations() if s["状态"] == "运行" and s["所属乡镇"] == "城关镇"]
    assert len(reader.pages) == len(running)
    assert [item.title for item in reader.outline] == [f"{s['驿站名称']}公示牌" for s in running]
    first = re.sub(r"\s+", "", reader.pages[1].extract_text())
    assert running[1]["驿站名称"] in first


def mm(box: object) -> tuple[int, int]:
    return round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)  # type: ignore[attr-defined]


def test_an_a4_handbook_has_no_booklet(printed: Path) -> None:
    assert {mm(page.mediabox) for page in PdfReader(printed / "handbook" / "政策手册.pdf").pages} == {
        (210, 297)
    }
    assert sorted(p.name for p in (printed / "handbook").iterdir()) == ["政策手册.pdf"]


@pytest.fixture(scope="module")
def printed_a5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini county's print documents with `handbook_size: A5`; returns build/print."""
    root = tmp_path_factory.mktemp("mini-a5")
    shutil.copytree(FIXTURES / "mini", root / "county")
    with (root / "county" / "content" / "county.yml").open("a", encoding="utf-8") as f:
        f.write("handbook_size: A5\n")
    code = yizhan_main(
        ["build", "--project", str(root / "county"), "--out", str(root / "build"), "--only", "print"]
    )
    assert code == 0
    return root / "build" / "print"


def page_text(path: Path, page: int, crop: tuple[int, int, int, int] | None = None) -> str:
    """Text of one page (1-based), optionally only inside crop = (x, y, width, height) in points."""
    area = ["-x", str(crop[0]), "-y", str(crop[1]), "-W", str(crop[2]), "-H", str(crop[3])] if crop else []
    result = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), *area, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return re.sub(r"\s+", "", result.stdout)


def test_a5_handbook_has_a5_pages_mirrored_margins_and_a_matching_toc(printed_a5: Path) -> None:
    handbook = printed_a5 / "handbook" / "政策手册.pdf"
    reader = PdfReader(handbook)
    assert {mm(page.mediabox) for page in reader.pages} == {(148, 210)}
    assert_toc_and_bookmarks_match(handbook)
    # The running header sits nearer the outer edge: right of centre on right pages, left on left ones.
    words = {}
    for number in (3, 4):
        found = subprocess.run(
            ["pdftotext", "-bbox", "-f", str(number), "-l", str(number), str(handbook), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        words[number] = min(float(x) for x in re.findall(r'xMin="([\d.]+)"', found))
    assert words[3] > words[4]  # page 3 is a right-hand page: its inner (left) margin is the wider one


def test_a5_booklet_puts_pages_in_folding_order(printed_a5: Path) -> None:
    handbook = printed_a5 / "handbook" / "政策手册.pdf"
    booklet = printed_a5 / "handbook" / "政策手册-A5小册子拼版.pdf"
    pages = len(PdfReader(handbook).pages)
    sheets = PdfReader(booklet)
    padded = -(-pages // 4) * 4
    assert len(sheets.pages) == padded // 2
    assert {mm(page.mediabox) for page in sheets.pages} == {(297, 210)}
    assert sheets.metadata.title == "示例县民生政策办事手册（A5小册子拼版）"
    width, height = 420, 596  # one A5 page, in points (rounded up)
    left = round((297 - 296) / 2 / 25.4 * 72)  # the A5 pair is centred on the A4 sheet
    expected = []
    for sheet in range(padded // 4):
        expected += [(padded - 2 * sheet, 2 * sheet + 1), (2 * sheet + 2, padded - 1 - 2 * sheet)]
    for side, (left, right) in enumerate(expected, start=1):
        for slot, number in enumerate((left, right)):
            got = page_text(booklet, side, (left + slot * width, 0, width, height))
            want = page_text(handbook, number) if number <= pages else ""
            assert got == want, (side, slot, number)
    assert "民生政策办事手册" in page_text(booklet, 1, (left + width, 0, width, height))


@pytest.mark.slow
def test_example_county_posters_are_one_page_each(example_build: Path) -> None:
    """All 1,168 stations' posters (running ones), including the longest name, fit one A3 page."""
    rows = read_rows(Path(__file__).parents[1] / "datasets" / "驿站名录.csv")
    header, body = rows[0], rows[1:]
    running = [dict(zip(header, row, strict=True)) for row in body if row[header.index("状态")] == "运行"]
    posters = example_build / "print" / "posters"
    assert len(list(posters.glob("*.pdf"))) == len(running)
    for station in running:
        assert len(PdfReader(posters / f"{station['驿站编号']}.pdf").pages) == 1, station["驿站编号"]
    longest = max(running, key=lambda s: len(s["驿站名称"]))
    assert longest["驿站名称"] in pdf_text(posters / f"{longest['驿站编号']}.pdf")


def test_poster_qr_target_is_a_page_the_site_publishes(example_build: Path) -> None:
    from yizhan.printing.common import station_url

    url = station_url("https://example.invalid/county", "YZ-01-001")
    relative = url.removeprefix("https://example.invalid/county/")
    assert (example_build / "site" / relative).is_file()
