"""XLSForm parity: every constraint pyxform writes agrees with the Python rules on a table of values.

Each XLSForm is converted with pyxform; each bind's constraint is evaluated by tests/xpath.py (ODK
semantics) for good and bad values, and compared with what the validator decides for the same value.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from pyxform.xls2xform import convert

from conftest import REPO
from xpath import holds
from yizhan.forms import load_forms, with_datasets
from yizhan.forms.model import Field, Form
from yizhan.forms.xlsform import xlsform_bytes
from yizhan.load import load
from yizhan.rules.numbers import id_check_char, id_number_problem, is_phone

# one xdist worker runs this whole module, so its module-scoped builds are made once
pytestmark = pytest.mark.xdist_group("xlsform_rules")

CODES = ["yijian", "taizhang", "huifang", "jiandu", "zoufang", "dibao", "linshi", "tekun", "zhenggai"]
STATIONS = [("YZ-01", "城关镇民生驿站"), ("YZ-01-001", "福塘村民生驿站")]


def valid_id(first17: str) -> str:
    return first17 + id_check_char(first17)


TOMORROW = dt.date.today() + dt.timedelta(days=1)
PHONES = ["13912345678", "19912345678", "0369-5201000", "0369-52010001", "010-12345678", "(0369)5201000",
          "0369-5201000-123", "12345", "95588", "400-123-4567", "+86 139 1234 5678", "139 1234 5678",
          "139123", "1391234567", "23912345678", "139123456789", "0369-520", "12", "电话", "1391234567x",
          "5201000", "800-1234"]  # fmt: skip
IDS = [valid_id("99010119800101123"), valid_id("99010120000229123"), valid_id("99010119000101123"),
       valid_id("99010119991231123")[:-1] + "x" if valid_id("99010119991231123").endswith("X") else valid_id("99010119991231123"),
       valid_id("99010219040229123"), valid_id("99010119000229123"), valid_id("99010120230230123"),
       valid_id("99010120260431123"), valid_id("99010118991231123"), valid_id("990101" + TOMORROW.strftime("%Y%m%d") + "123"),
       valid_id("99010119800101123")[:-1] + ("0" if valid_id("99010119800101123")[-1] != "0" else "1"),
       "990101198001011", "99010119800101123", "9901011980010112345", "99010119800101123A", "abcdefghijklmnopqr",
       valid_id("99010119801301123"), valid_id("99010119800100123")]  # fmt: skip
TEXTS = ["YJ202611-0001", "YJ2026-1", "SQ202611-0001", "SQ20261-0001", "YZ-01-001", "YZ-01-001-02", "YZ-1",
         "XM-2026-001", "WT202611-0001", "WT2026-1", "", "一" * 20, "一" * 21, "示例"]  # fmt: skip
NUMBERS = ["-1", "0", "1", "5", "120", "121", "500", "501", "1.5", "100000"]
DATES = ["2026-11-09", "2026-11-10", "2026-11-11"]


@pytest.fixture(scope="module")
def forms() -> dict[str, Form]:
    project = load(REPO)
    raw = {s.rsplit("/", 1)[-1].removesuffix(".yml"): d.data for s, d in project.form_docs.items()}
    return {f.code: f for f in load_forms(with_datasets(raw, project.specs))}


def binds(form: Form) -> dict[str, str]:
    """Field key → the constraint in the XForm pyxform made from our XLSForm."""
    data = xlsform_bytes(form, dt.date(2026, 11, 20), STATIONS)
    xform = convert(data, validate=False, file_type=".xlsx", form_name=form.code).xform
    root = ET.fromstring(xform)
    out = {}
    for bind in root.iter("{http://www.w3.org/2002/xforms}bind"):
        if bind.get("constraint"):
            out[bind.get("nodeset", "").rsplit("/", 1)[-1]] = bind.get("constraint", "")
    return out


def python_rule(item: Field, value: str, answers: dict[str, str]) -> bool:
    """What the validator decides for this answer (numbers.py, the form's pattern and limits, date order)."""
    if item.kind == "phone":
        return is_phone(value)
    if item.kind == "id_number":
        return id_number_problem(value) is None
    ok = True
    if item.pattern:
        ok &= re.search(item.pattern, value) is not None
    if item.min is not None or item.max is not None:
        number = float(value)
        ok &= (item.min is None or number >= item.min) and (item.max is None or number <= item.max)
    if item.max_length is not None:
        ok &= len(value) <= item.max_length
    if item.min_length is not None:
        ok &= len(value) >= item.min_length
    if item.kind == "date" and answers:
        ok &= value >= min(answers.values())
    return ok


def values_for(item: Field) -> list[str]:
    if item.kind == "phone":
        return PHONES
    if item.kind == "id_number":
        return IDS
    if item.kind in ("integer", "money", "decimal"):
        return NUMBERS
    if item.kind == "date":
        return DATES
    return TEXTS


@pytest.mark.parametrize("code", CODES)
def test_constraints_agree_with_the_python_rules(forms: dict[str, Form], code: str) -> None:
    form = forms[code]
    constraints = binds(form)
    fields = {f.key: f for f in form.value_fields}
    fields |= {c.key: c for t in form.fields if t.kind == "table" for c in t.columns}  # repeat columns
    checked = 0
    for key, expression in constraints.items():
        item = fields[key]
        earlier = re.findall(r"/(\w*date)\b", expression)  # the date it must not come before
        answers = {earlier[0]: "2026-11-10"} if earlier else {}
        for value in values_for(item):
            assert holds(expression, value, answers) == python_rule(item, value, answers), (
                key,
                value,
                expression[:120],
            )
            checked += 1
    kinds = {fields[k].kind for k in constraints}
    assert checked and ("phone" in kinds or code in ("taizhang", "jiandu", "huifang", "zoufang", "zhenggai"))


def test_every_id_and_phone_field_is_constrained(forms: dict[str, Form]) -> None:
    for form in forms.values():
        constraints = binds(form)
        for item in [
            *[f for f in form.fields if f.has_value],
            *[c for t in form.fields if t.kind == "table" for c in t.columns],
        ]:
            if item.kind in ("phone", "id_number") or (item.pattern and item.key != "station_id"):
                assert item.key in constraints, (form.code, item.key)


def test_station_list_dates_and_defaults(forms: dict[str, Form]) -> None:
    data = xlsform_bytes(forms["yijian"], dt.date(2026, 11, 20), STATIONS)
    xform = convert(data, validate=False, file_type=".xlsx", form_name="yijian").xform
    assert "YZ-01-001 福塘村民生驿站" in xform  # a collector picks a real station
    constraints = binds(forms["yijian"])
    assert not holds(constraints["closed_date"], "2026-11-09", {"date": "2026-11-10"})
    root = ET.fromstring(xform)
    status = next(e for e in root.iter() if e.tag.endswith("}status") or e.tag == "status")
    assert status.text == "待办"  # the default, as on paper


def test_a_problem_is_not_due_or_written_off_before_it_was_found(forms: dict[str, Form]) -> None:
    """整改时限 and 销号日期 of the 问题整改台账 form: on or after 发现日期 (vocab.DATE_ORDER), as the validator says."""
    constraints = binds(forms["zhenggai"])
    for key in ("deadline", "closed_date"):
        assert holds(constraints[key], "2026-11-10", {"found_date": "2026-11-10"})
        assert not holds(constraints[key], "2026-11-09", {"found_date": "2026-11-10"})
    assert holds(constraints["problem_id"], "WT202611-0001") and not holds(
        constraints["problem_id"], "YJ202611-0001"
    )


def test_the_table_exercises_both_answers() -> None:
    """The value tables contain good and bad values for every rule (a table of only one kind proves nothing)."""
    assert {is_phone(v) for v in PHONES} == {True, False}
    assert {id_number_problem(v) is None for v in IDS} == {True, False}
    assert id_number_problem(IDS[5]) and id_number_problem(IDS[4]) is None  # 1900 not leap, 1904 leap
