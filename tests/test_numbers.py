"""Phone and ID rules: one table of spellings, and the validator, masking and the gate agree on each."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from conftest import read_rows, write_rows
from yizhan.feedback.report import column_letter
from yizhan.load import load
from yizhan.privacy.gate import Secrets, scan_text
from yizhan.privacy.masking import mask_phone, mask_text
from yizhan.rules.numbers import (
    BIRTH_DATE_PATTERN,
    LATEST_BIRTH_YEAR,
    OLDEST_BIRTH_YEAR,
    find_numbers,
    fold,
    id_check_char,
    id_number_problem,
    is_phone,
    mask_numbers,
    parse_phone,
)
from yizhan.validate import validate

VALID_ID = "99010119800101002" + id_check_char("99010119800101002")
OLD_ID = "990101800101002"  # 15 digits: region, YYMMDD, sequence

# Every way people type one mobile number, and what it is.
MOBILE_SPELLINGS = [
    "13912345678",
    "139 1234 5678",
    "139-1234-5678",
    "139.1234.5678",
    "139 - 1234 - 5678",
    "１３９１２３４５６７８",  # full-width digits
    "１３９－１２３４－５６７８",
    "139\u30001234\u30005678",  # ideographic spaces
    "+86 139 1234 5678",
    "+8613912345678",
    "0086 13912345678",
    "(+86)139-1234-5678",
    "139—1234—5678",  # em dashes typed by a Chinese input method
]
LANDLINE_SPELLINGS = {
    "0369-5201234": "0369-5201234",
    "03695201234": "0369-5201234",
    "(0369)5201234": "0369-5201234",
    "（0369）520 1234": "0369-5201234",
    "0369 520 1234": "0369-5201234",
    "０３６９－５２０１２３４": "0369-5201234",
    "010-12345678": "010-12345678",
    "0369-5201234转12": "0369-5201234-12",
    "0369-5201234-12": "0369-5201234-12",
}
SERVICE_SPELLINGS = {
    "12345": "12345",
    "95598": "95598",
    "400-123-4567": "400-123-4567",
    "4001234567": "400-123-4567",
}
NOT_PHONES = [
    "1380000",
    "23812341234",
    "138123412345",
    "0369-52",
    "电话",
    "3695201234",
    "2026-11-20",
    "1,200.00",
]
ID_SPELLINGS = [
    VALID_ID,
    VALID_ID[:6] + " " + VALID_ID[6:14] + " " + VALID_ID[14:],
    VALID_ID[:6] + "-" + VALID_ID[6:14] + "-" + VALID_ID[14:],
    fold(VALID_ID).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
]


def make_id(first17: str) -> str:
    return first17 + id_check_char(first17)


@pytest.mark.parametrize("spelling", MOBILE_SPELLINGS)
def test_every_mobile_spelling_is_one_number(spelling: str) -> None:
    phone = parse_phone(spelling)
    assert phone is not None and phone.kind == "mobile" and phone.number == "13912345678"


@pytest.mark.parametrize(("spelling", "number"), LANDLINE_SPELLINGS.items())
def test_every_landline_spelling_is_one_number(spelling: str, number: str) -> None:
    phone = parse_phone(spelling)
    assert phone is not None and (phone.kind, phone.number) == ("landline", number)


@pytest.mark.parametrize(("spelling", "number"), SERVICE_SPELLINGS.items())
def test_service_numbers(spelling: str, number: str) -> None:
    phone = parse_phone(spelling)
    assert phone is not None and (phone.kind, phone.number) == ("service", number)


@pytest.mark.parametrize("value", NOT_PHONES)
def test_not_phones(value: str) -> None:
    assert not is_phone(value)
    assert [f for f in find_numbers(f"见{value}。") if f.kind in ("mobile", "landline")] == []


@pytest.mark.parametrize("spelling", MOBILE_SPELLINGS)
def test_masking_and_gate_agree_on_mobiles(spelling: str) -> None:
    """What masking hides in a column and in free text is exactly what the gate refuses unmasked."""
    text = f"反映人电话{spelling}，已回访。"
    assert mask_phone(spelling) == "139****5678"
    assert mask_text(text) == "反映人电话139****5678，已回访。"
    found = scan_text("page.html", text, Secrets(), None)
    assert [(f.line, f.place, f.what) for f in found] == [(1, "第6列", "未公开的手机号 139****5678")]
    # the same number listed as public (a station manager's) passes in every spelling
    assert scan_text("page.html", text, Secrets(public_phones={"13912345678"}), None) == []
    # and once masked, nothing is left for the gate to find
    assert scan_text("page.html", mask_text(text), Secrets(), None) == []


@pytest.mark.parametrize(("spelling", "number"), LANDLINE_SPELLINGS.items())
def test_masking_and_gate_agree_on_landlines(spelling: str, number: str) -> None:
    area, local = number.split("-")[:2]
    masked = f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    assert mask_phone(spelling) == masked
    assert mask_text(f"座机{spelling}。") == f"座机{masked}。"
    found = scan_text("a.csv", f"座机{spelling}。", Secrets(), None)
    assert [f.what for f in found] == [f"未公开的固定电话 {masked}"]
    assert scan_text("a.csv", f"座机{spelling}。", Secrets(public_phones={number}), None) == []


@pytest.mark.parametrize("spelling", ID_SPELLINGS)
def test_id_spellings_agree(spelling: str) -> None:
    assert id_number_problem(spelling) is None
    assert mask_text(f"身份证{spelling}。") == "身份证[身份证号已隐去]。"
    found = scan_text("a.txt", f"身份证{spelling}。", Secrets(), None)
    assert [f.what for f in found] == ["疑似身份证号 990101…"]


def test_lowercase_x_and_old_ids_are_found() -> None:
    with_x = next(
        make_id(f"990101198001010{n:02d}")
        for n in range(100)
        if make_id(f"990101198001010{n:02d}")[-1] == "X"
    )
    text = f"证号{with_x.lower()}，旧证{OLD_ID}。"
    assert [f.kind for f in find_numbers(text)] == ["id18", "id15"]
    assert mask_text(text) == "证号[身份证号已隐去]，旧证[证件号已隐去]。"
    assert len(scan_text("a.txt", text, Secrets(), None)) == 2


def test_a_phone_followed_by_digits_is_still_found() -> None:
    """An 18-digit run that is no ID (a mobile, a space, 7 more digits) is read again as a phone."""
    text = "电话13912345678 1234567"
    assert [(f.kind, f.number) for f in find_numbers(text)] == [("mobile", "13912345678")]
    assert mask_numbers(text) == "电话139****5678 1234567"


def test_gate_locates_full_width_numbers_in_the_original_line() -> None:
    line = "第一行\n联系：１３９ １２３４ ５６７８"
    [finding] = scan_text("x.md", line, Secrets(), None)
    assert (finding.line, finding.place) == (2, "第4列")


def test_validator_accepts_every_spelling_and_refuses_the_rest(mini: Path) -> None:
    """The validator takes the same spellings: each good one on its own row passes, each bad one is located."""
    path = mini / "datasets/驿站名录.csv"
    rows = read_rows(path)
    column = rows[0].index("管理员电话")
    spellings = [*MOBILE_SPELLINGS, *LANDLINE_SPELLINGS, *SERVICE_SPELLINGS, *NOT_PHONES]
    for row, spelling in zip(rows[1:], spellings, strict=False):
        row[column] = spelling
    write_rows(path, rows)
    # a number that is a phone with a 0 in front is refused as one whose 0 Excel dropped (YZ-DATA-015)
    problems = [p for p in validate(load(mini)).problems if p.code in ("YZ-DATA-010", "YZ-DATA-015")]
    flagged = {row for p in problems for row in (p.rows or (p.where.row,))}  # many rows: one message
    used = spellings[: len(rows) - 1]
    assert flagged == {i + 2 for i, v in enumerate(used) if v in NOT_PHONES}


def test_valid_id_numbers_pass() -> None:
    assert id_number_problem(make_id("99010119500101001")) is None
    assert id_number_problem("11010519491231002X") is None  # the GB 11643 worked example


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("9901011950010100", "应为18位，实际 16 位"),
        ("99010119500101001A", "前17位应为数字，最后一位为数字或X"),
        ("990101195002300011", "出生日期 19500230 不存在"),
        ("990101185001010011", "出生日期 18500101 不存在"),  # not a plausible birth year
        ("990101299901010011", "出生日期 29990101 不存在"),  # in the future
        (OLD_ID, "这是停用的15位旧号码，请换成18位身份证号"),
    ],
)
def test_invalid_id_numbers_say_why(value: str, reason: str) -> None:
    assert id_number_problem(value) == reason


def test_one_wrong_digit_breaks_the_checksum() -> None:
    good = make_id("99010119500101001")
    bad = good[:16] + str((int(good[16]) + 1) % 10) + good[17]
    assert id_number_problem(bad) == "校验码不对（可能有数字录错）"


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (10, "K"), (25, "Z"), (26, "AA"), (701, "ZZ")])
def test_column_letters(index: int, letter: str) -> None:
    assert column_letter(index) == letter


def test_the_birth_date_pattern_is_the_calendar() -> None:
    """The one birth-date pattern (used by Python, XPath and the web form) matches exactly the real dates."""
    pattern = re.compile(BIRTH_DATE_PATTERN)
    for year in range(OLDEST_BIRTH_YEAR - 5, LATEST_BIRTH_YEAR + 5):
        for month in range(14):
            for day in range(33):
                text = f"{year:04d}{month:02d}{day:02d}"
                try:
                    real = OLDEST_BIRTH_YEAR <= dt.date(year, month, day).year <= LATEST_BIRTH_YEAR
                except ValueError:
                    real = False
                assert bool(pattern.fullmatch(text)) == real, text
