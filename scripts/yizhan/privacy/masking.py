"""De-identification rules, applied in one place (derive) from the schemas' publication classes."""

from __future__ import annotations

import re

COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "澹台",
        "万俟",
        "闻人",
        "申屠",
        "太史",
        "公羊",
        "赫连",
        "钟离",
        "宗政",
        "濮阳",
        "淳于",
        "单于",
        "仲孙",
        "司空",
        "亓官",
        "司寇",
        "子车",
        "颛孙",
        "壤驷",
        "公良",
        "漆雕",
        "乐正",
        "拓跋",
        "夹谷",
        "第五",
    ]
)

# An ID number (17 digits + digit or X) or a mobile number inside free text.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_ID15_IN_TEXT = re.compile(r"(?<!\d)\d{15}(?!\d)")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
_LANDLINE_IN_TEXT = re.compile(r"(?<!\d)(0\d{2,3})-?(\d{3,4})(\d{4})(?!\d)")


def mask_name(name: str) -> str:
    """张三丰 → 张*丰, 张三 → 张*, 欧阳小明 → 欧阳**明 (surname kept, given name hidden but its last character)."""
    name = name.strip()
    if len(name) <= 1:
        return "*" if name else ""
    surname_len = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    given = name[surname_len:]
    if len(given) == 1:
        return name[:surname_len] + "*"
    return name[:surname_len] + "*" * (len(given) - 1) + given[-1]


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234; landlines keep the area code and the last 4 digits."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) >= 7:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "*" * len(digits)


def mask_text(text: str) -> str:
    """Hide ID numbers (any 18- or 15-digit run) and phone numbers typed into free text."""
    text = _ID_IN_TEXT.sub(lambda m: "[身份证号已隐去]", text)
    text = _ID15_IN_TEXT.sub("[证件号已隐去]", text)
    text = _MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE_IN_TEXT.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", text)


MASKS = {"name": mask_name, "phone": mask_phone, "text": mask_text}
