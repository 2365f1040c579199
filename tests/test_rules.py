"""Single-value rules: ID numbers, phones, column letters."""

from __future__ import annotations

import pytest

from yizhan.numbers import id_check_char, id_number_problem, is_phone
from yizhan.report import column_letter


def make_id(first17: str) -> str:
    return first17 + id_check_char(first17)


def test_valid_id_numbers_pass() -> None:
    assert id_number_problem(make_id("99010119500101001")) is None
    assert id_number_problem("11010519491231002X") is None  # the GB 11643 worked example


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("9901011950010100", "应为18位，实际 16 位"),
        ("99010119500101001A", "前17位应为数字，最后一位为数字或X"),
        ("990101195002300011", "出生日期 19500230 不存在"),
    ],
)
def test_invalid_id_numbers_say_why(value: str, reason: str) -> None:
    assert id_number_problem(value) == reason


def test_one_wrong_digit_breaks_the_checksum() -> None:
    good = make_id("99010119500101001")
    bad = good[:16] + str((int(good[16]) + 1) % 10) + good[17]
    assert id_number_problem(bad) == "校验码不对（可能有数字录错）"


@pytest.mark.parametrize("phone", ["13812341234", "0369-5201234", "03695201234", "12345", "010-12345678"])
def test_phones_accepted(phone: str) -> None:
    assert is_phone(phone)


@pytest.mark.parametrize("phone", ["1380000", "23812341234", "138123412345", "0369-52", "电话"])
def test_phones_refused(phone: str) -> None:
    assert not is_phone(phone)


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (10, "K"), (25, "Z"), (26, "AA"), (701, "ZZ")])
def test_column_letters(index: int, letter: str) -> None:
    assert column_letter(index) == letter
