"""De-identification: names, phones, free text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from yizhan.privacy.masking import mask_name, mask_phone, mask_text

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


def test_names() -> None:
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧阳*明"
    assert mask_name("欧阳明") == "欧阳*"
    assert mask_name("司马") == "司*"  # a two-character name is surname + one character


@given(st.text(HAN, min_size=2, max_size=6))
def test_masked_name_never_equals_the_original(name: str) -> None:
    masked = mask_name(name)
    assert masked != name
    assert "*" in masked
    assert len(masked) == len(name)


def test_phones() -> None:
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("0369-5201234") == "0369-***1234"  # area code and last 4 digits, as documented


def test_text_hides_ids_and_phones() -> None:
    text = "户主身份证990101195001010019，电话13912345678，座机0369-5201234"
    masked = mask_text(text)
    assert "990101195001010019" not in masked
    assert "13912345678" not in masked and "139****5678" in masked
    assert "5201234" not in masked
    assert "[身份证号已隐去]" in masked
