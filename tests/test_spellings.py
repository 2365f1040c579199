"""One table of spellings (tests/fixtures/spellings.csv) through Python and through the web form in Chromium.

Each row is a value as typed, the field it is typed into (id or phone), the verdict and the value the rules
read it as. Python must give exactly that; the offline web form, whose checks are generated from numbers.py,
must give the same verdict and the same message as Python on every row.
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO
from yizhan.forms import load_forms
from yizhan.forms.web import web_html
from yizhan.load import load
from yizhan.rules.numbers import (
    canonical_id,
    fold,
    fold_runs,
    id_number_problem,
    normalize_phone,
    parse_phone,
    phone_problem,
)
from yizhan.validate import to_model

FIELD_KEYS = {"id": "id_number", "phone": "phone"}  # the 低保 application form has both


@dataclass(frozen=True)
class Spelling:
    input: str
    kind: str
    verdict: str
    normalized: str
    note: str


def spellings() -> list[Spelling]:
    with (FIXTURES / "spellings.csv").open(encoding="utf-8", newline="") as f:
        return [Spelling(**row) for row in csv.DictReader(f)]


def python_reading(row: Spelling) -> tuple[str, str, str]:
    """(verdict, message, normalized value) as the Python rules give them."""
    if row.kind == "id":
        problem = id_number_problem(row.input)
        normalized = canonical_id(row.input) if problem is None else ""
    else:
        problem = phone_problem(row.input)
        normalized = normalize_phone(row.input) if problem is None else ""
    return ("refused" if problem else "accepted"), problem or "", normalized


def test_the_table_covers_what_people_type() -> None:
    rows = spellings()
    assert len(rows) >= 40
    assert {(r.kind, r.verdict) for r in rows} == {
        (k, v) for k in ("id", "phone") for v in ("accepted", "refused")
    }
    typed = "".join(r.input for r in rows)
    scripts = {unicodedata.name(c).split(" DIGIT")[0] for c in typed if c.isdigit() and not c.isascii()}
    assert {"FULLWIDTH", "ARABIC-INDIC", "DEVANAGARI", "EXTENDED ARABIC-INDIC"} <= scripts
    assert any(r.input.endswith("x") for r in rows) and any(len(fold(r.input)) == 15 for r in rows)


@pytest.mark.parametrize("row", spellings(), ids=lambda r: r.note)
def test_python_reads_every_spelling_as_the_table_says(row: Spelling) -> None:
    verdict, message, normalized = python_reading(row)
    assert (verdict, normalized) == (row.verdict, row.normalized)
    assert bool(message) == (row.verdict == "refused")
    if row.kind == "phone":
        assert (parse_phone(row.input) is None) == (row.verdict == "refused")


def test_fold_runs_are_fold() -> None:
    """The table the web form folds with is `fold` itself, code point by code point."""
    table = {
        code: chr(target + code - first)
        for first, last, target in fold_runs()
        for code in range(first, last + 1)
    }
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        assert fold(chr(code)) == table.get(code, chr(code)), hex(code)


@pytest.fixture(scope="module")
def form_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    model = to_model(load(REPO))
    form = next(f for f in load_forms(model.forms) if f.code == "dibao")
    path = tmp_path_factory.mktemp("form") / "dibao.html"
    path.write_text(web_html(form, model.county, REPO / "site_templates"), encoding="utf-8")
    return path


RULES = "yizhanRules(JSON.parse(document.getElementById('yz-spec').textContent).rules)"


@pytest.mark.browser
def test_the_web_form_agrees_with_python_on_every_spelling(browser, form_page: Path) -> None:
    page = browser.new_page()
    page.goto(form_page.as_uri())
    rows = spellings()
    disagreements = []
    for row in rows:
        key = FIELD_KEYS[row.kind]
        page.fill(f"#f-{key}", row.input)
        shown = page.inner_text(f"#e-{key}")
        verdict, message, normalized = python_reading(row)
        read = page.evaluate(f"v => {RULES}.{'canonicalId' if row.kind == 'id' else 'clean'}(v)", row.input)
        web_normalized = read if row.kind == "id" else normalize_phone(read)
        web = ("refused" if shown else "accepted", shown, web_normalized if not shown else "")
        if web != (row.verdict, message, row.normalized) or verdict != row.verdict:
            disagreements.append((row.note, row.input, web, (verdict, message, normalized)))
    page.close()
    assert disagreements == []


@pytest.mark.browser
def test_the_web_form_folds_every_character_as_python(browser, form_page: Path) -> None:
    """Every code point `fold` changes (all scripts' digits, full-width forms), folded in the browser."""
    text = "".join(chr(c) for first, last, _ in fold_runs() for c in range(first, last + 1))
    page = browser.new_page()
    page.goto(form_page.as_uri())
    folded = page.evaluate(f"v => {RULES}.fold(v)", text)
    page.close()
    assert folded == fold(text)
    assert len(text) > 1000 and folded != text
