"""Phone and ID-number rules, and the patterns that find them in free text — the one home of both.

The validators, masking, the privacy gate, the XLSForm constraints and the offline web form all take
their rules from here, so a number is accepted, masked and caught the same way everywhere. Every
spelling people type is understood: full-width digits (１３９…), spaces, dashes and dots between
digits, `+86`/`0086` in front, brackets round an area code, a lowercase x at the end of an ID.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from ..feedback.messages import field_sentence, field_text

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"  # the check character for each remainder of the weighted sum (mod 11)
ID_LENGTH, OLD_ID_LENGTH = 18, 15
ID_BIRTH = (6, 14)  # where the birth date YYYYMMDD sits in an 18-character ID number
OLDEST_BIRTH_YEAR, LATEST_BIRTH_YEAR = 1900, 2099  # the pattern's years; "not after today" is checked too

# Hex digests in file names and records, with letters for digits: the privacy gate reads long
# digit runs as phone numbers, so a digest must not look like one.
LETTERS_ONLY = str.maketrans("0123456789", "ghijklmnop")


def _fold_table() -> dict[int, str]:
    """Every BMP character whose compatibility form (NFKC) is one ASCII character: １→1, Ｘ→X, 　→space."""
    table = {}
    for code in range(0x80, 0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        folded = unicodedata.normalize("NFKC", chr(code))
        if len(folded) == 1 and folded.isascii() and folded != chr(code):
            table[code] = folded
    for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212":
        table[ord(dash)] = "-"
    for invisible in "\u00ad\u200b\u200c\u200d\u2060\ufeff":  # zero-width marks (the search index has them)
        table[ord(invisible)] = " "
    return table


_FOLD = _fold_table()
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD)) + "]")
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # ٣, ३, 𐒠: any script's decimal digits


def fold(text: str) -> str:
    """Text as the rules read it: compatibility characters as ASCII, one character for one (positions kept)."""
    if _FOLDABLE.search(text):
        text = text.translate(_FOLD)
    if _OTHER_DIGIT.search(text):
        text = _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group())), text)
    return text


@cache
def fold_runs() -> list[tuple[int, int, int]]:
    """`fold` as data for the web form: (first, last, ASCII code of first) for each run of code points.

    Within a run, consecutive code points fold to consecutive ASCII characters (０-９ → 0-9); every code
    point that `fold` changes is in exactly one run, and the web form folds with nothing else.
    """
    changed = {
        code: ord(fold(chr(code)))
        for code in range(0x80, sys.maxunicode + 1)
        if code in _FOLD or (not 0xD800 <= code <= 0xDFFF and unicodedata.category(chr(code)) == "Nd")
    }
    runs: list[list[int]] = []
    for code in sorted(changed):
        last = runs[-1] if runs else None
        if last and last[1] == code - 1 and last[2] + code - last[0] == changed[code]:
            last[1] = code
        else:
            runs.append([code, code, changed[code]])
    return [(first, last, target) for first, last, target in runs]


@cache
def spaces() -> str:
    """What str.strip() removes: the web form trims exactly these."""
    return "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


# What may stand between the digit groups of one number: a space, a dash or a dot (spaces round it).
# Only between the groups people write (3-4-4 for a mobile, 6-8-4 for an ID), never between any two
# digits: SVG paths and stylesheets are full of digits and spaces.
_SEP = r"(?:[ \t]*[-.·][ \t]*|[ \t]+)"
MOBILE = rf"1[3-9]\d{_SEP}?\d{{4}}{_SEP}?\d{{4}}"
_AREA = r"(?:0\d{2,3}|\(0\d{2,3}\))"
_EXTENSION = r"(?:[ \t]*(?:-|转|分机|ext\.?|#)[ \t]*\d{1,5})"
LANDLINE = rf"{_AREA}{_SEP}?\d{{3,4}}{_SEP}?\d{{4}}{_EXTENSION}?"
SERVICE = rf"(?:[19]\d{{4}}|[48]00{_SEP}?\d{{3}}{_SEP}?\d{{4}})"
_COUNTRY = r"(?:(?:\+|00)[ \t]*86|\(\+?86\))[ \t-]?"
# A phone number in any accepted spelling (apply to `fold`ed text); the web form and XLSForm use it too.
PHONE_PATTERN = rf"(?:(?:{_COUNTRY})?{MOBILE}|{LANDLINE}|{SERVICE})"
_ID_LAST = r"[\dXx]"  # the check character: a digit or X, typed in either case
# An ID number: as stored (Table Schema, XLSForm) and, after `canonical_id`, the rule itself.
ID_PATTERN = rf"^\d{{{ID_LENGTH - 1}}}{_ID_LAST}$"
OLD_ID_PATTERN = rf"^\d{{{OLD_ID_LENGTH}}}$"  # the 15-digit numbers issued before 1999
ID18 = rf"\d{{6}}{_SEP}?\d{{8}}{_SEP}?\d{{3}}{_ID_LAST}"
ID15 = rf"\d{{6}}{_SEP}?\d{{6}}{_SEP}?\d{{3}}"
_PHONE_FULL = re.compile(
    rf"(?:(?:{_COUNTRY})?(?P<mobile>{MOBILE})|(?P<landline>{LANDLINE})|(?P<service>{SERVICE}))", re.ASCII
)
_IN_TEXT = re.compile(
    rf"(?<![0-9A-Za-z])(?:(?P<id18>{ID18})|(?P<id15>{ID15})|(?:{_COUNTRY})?(?P<mobile>{MOBILE})|(?P<landline>{LANDLINE}))"
    rf"(?![0-9A-Za-z])",
    re.ASCII,
)
_PHONE_IN_TEXT = re.compile(
    rf"(?<![0-9A-Za-z])(?:(?:{_COUNTRY})?(?P<mobile>{MOBILE})|(?P<landline>{LANDLINE}))(?![0-9A-Za-z])",
    re.ASCII,
)


@dataclass(frozen=True)
class Phone:
    kind: str  # mobile, landline or service
    number: str  # canonical: 13912345678, 0369-5201234(-12), 12345, 400-123-4567

    @property
    def masked(self) -> str:
        return mask_phone_number(self)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


_LANDLINE_PARTS = re.compile(
    rf"\(?(?P<area>0\d{{2,3}})\)?{_SEP}?(?P<local>\d{{3,4}}{_SEP}?\d{{4}})"
    rf"(?:[ \t]*(?:-|转|分机|ext\.?|#)[ \t]*(?P<extension>\d{{1,5}}))?",
    re.ASCII,
)


def _landline(spelled: str) -> str:
    """(0369) 520 1234 转 12 → 0369-5201234-12: 010 and 02x have 3-digit area codes, the rest 4."""
    parts = _LANDLINE_PARTS.fullmatch(spelled)
    assert parts is not None, spelled  # only called on text LANDLINE matched
    digits = parts.group("area") + _digits(parts.group("local"))
    area = 3 if digits[1] in "12" else 4
    extension = parts.group("extension")
    return f"{digits[:area]}-{digits[area:]}" + (f"-{extension}" if extension else "")


def parse_phone(value: str) -> Phone | None:
    """The phone number `value` spells, in canonical form, or None when it is not one."""
    text = fold(value).strip()
    match = _PHONE_FULL.fullmatch(text)
    if match is None:
        return None
    if match.group("mobile"):
        return Phone("mobile", _digits(match.group("mobile")))
    if match.group("landline"):
        return Phone("landline", _landline(match.group("landline")))
    digits = _digits(text)
    return Phone("service", digits if len(digits) == 5 else f"{digits[:3]}-{digits[3:6]}-{digits[6:]}")


def is_phone(value: str) -> bool:
    """A mobile, a landline with area code (and extension), a 400/800 line or a service number like 12345."""
    return parse_phone(value) is not None


def normalize_phone(value: str) -> str:
    """The canonical spelling of a phone number; other text only folded and trimmed."""
    phone = parse_phone(value)
    return phone.number if phone else fold(value).strip()


def mask_phone_number(phone: Phone) -> str:
    """138****1234 for mobiles; landlines keep the area code and the last 4 digits (0369-***1234)."""
    if phone.kind == "mobile":
        return f"{phone.number[:3]}****{phone.number[-4:]}"
    if phone.kind == "landline":
        area, local = phone.number.split("-")[:2]
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    return phone.number  # service numbers are public by nature


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % len(ID_CHECK)]


def canonical_id(value: str) -> str:
    """An ID number as stored: folded, without spaces or dashes, X in capitals."""
    return re.sub(_SEP, "", fold(value).strip()).upper()


def _number_range(first: int, last: int, width: int) -> str:
    """A pattern for the numbers first..last written with `width` digits (with leading zeros)."""
    whole, singles = [], {}
    number = first
    while number <= last:
        step = next(
            s for s in (10**k for k in range(width, -1, -1)) if number % s == 0 and number + s - 1 <= last
        )
        free = len(str(step)) - 1
        text = f"{number:0{width}d}"
        if free:
            whole.append(text[: width - free] + r"\d" * free)
        else:
            singles.setdefault(text[:-1], []).append(text[-1])
        number += step
    for prefix, digits in singles.items():
        whole.append(prefix + (digits[0] if len(digits) == 1 else f"[{digits[0]}-{digits[-1]}]"))
    return "(?:" + "|".join(whole) + ")"


def _birth_date_pattern(first: int, last: int) -> str:
    """YYYYMMDD of a real date in the years first..last, from the calendar (XPath and JavaScript have none)."""
    by_length: dict[int, list[str]] = {}
    for month in range(1, 13):
        by_length.setdefault(calendar.monthrange(2001, month)[1], []).append(f"{month:02d}")
    days = "|".join(
        f"(?:{'|'.join(months)}){_number_range(1, length, 2)}" for length, months in by_length.items()
    )
    leap = "|".join(str(y) for y in range(first, last + 1) if calendar.isleap(y))
    return rf"^(?:{_number_range(first, last, 4)}(?:{days})|(?:{leap})0229)$"


# The birth date rule: a real date from OLDEST_BIRTH_YEAR on (and, checked beside it, not after today).
# Python, the XLSForm's XPath and the web form all test this one pattern.
BIRTH_DATE_PATTERN = _birth_date_pattern(OLDEST_BIRTH_YEAR, LATEST_BIRTH_YEAR)
_BIRTH_DATE = re.compile(BIRTH_DATE_PATTERN)
_ID = re.compile(ID_PATTERN)
_OLD_ID = re.compile(OLD_ID_PATTERN)


def birth_text(value: str) -> str:
    """The YYYYMMDD inside an 18-character ID number, or inside a 15-digit one (where the year is 19YY)."""
    if len(value) == OLD_ID_LENGTH:
        return "19" + value[6:12]
    return value[slice(*ID_BIRTH)]


def birth_date(value: str, today: dt.date | None = None) -> dt.date | None:
    """The birth date inside an 18- or 15-digit ID number, when it is a real, plausible one."""
    text = birth_text(value)
    if not _BIRTH_DATE.fullmatch(text) or text > (today or dt.date.today()).strftime("%Y%m%d"):
        return None
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def id_number_problem(value: str) -> str | None:
    """Why `value` is not a valid 18-character ID number (GB 11643), or None when it is."""
    value = canonical_id(value)
    if _OLD_ID.fullmatch(value):
        return field_text("id_old")
    if len(value) != ID_LENGTH:
        return field_text("id_length", length=len(value))
    if not _ID.fullmatch(value):
        return field_text("id_characters")
    if birth_date(value) is None:
        return field_text("id_birth", birth=birth_text(value))
    if id_check_char(value[: ID_LENGTH - 1]) != value[-1]:
        return field_text("id_check")
    return None


def phone_problem(value: str) -> str | None:
    """Why `value` is not a phone number, or None when it is one."""
    return None if is_phone(value) else field_sentence("phone")


@dataclass(frozen=True)
class Found:
    """A number found in free text: where (in the text as given), what, and its canonical spelling."""

    start: int
    end: int
    kind: str  # id18, id15, mobile, landline
    number: str

    @property
    def masked(self) -> str:
        if self.kind == "id18":
            return "[身份证号已隐去]"
        if self.kind == "id15":
            return "[证件号已隐去]"
        return mask_phone_number(Phone(self.kind, self.number))


def _accepted(match: re.Match[str], every_id: bool) -> Found | None:
    kind = match.lastgroup or ""
    spelled = match.group(kind)
    if kind == "id18":
        number = canonical_id(spelled)
        if not (every_id or id_check_char(number[:17]) == number[17] or birth_date(number)):
            return None
    elif kind == "id15":
        number = _digits(spelled)
        if not (every_id or birth_date(number)):
            return None
    elif kind == "mobile":
        number = _digits(spelled)
    else:
        number = _landline(spelled)
    return Found(match.start(), match.end(), kind, number)


def find_numbers(text: str, every_id: bool = False) -> Iterator[Found]:
    """Every ID number (valid checksum or plausible birth date) and phone number inside `text`.

    An ID-shaped run that is no ID (a phone and more digits after it) is read again as phones;
    `every_id` takes every 18- or 15-digit run for an ID (masking: hiding too much does no harm).
    """
    folded, pos = fold(text), 0
    while match := _IN_TEXT.search(folded, pos):
        found = _accepted(match, every_id)
        if match.lastgroup in ("id18", "id15"):
            # 0086 and a mobile is 15 digits; a mobile and 7 more digits is 18: the phone reading wins
            phone = _PHONE_IN_TEXT.match(folded, match.start())
            if phone and (found is None or phone.end() == match.end()):
                found = _accepted(phone, every_id)
        if found is None:
            pos = match.start() + 1
            continue
        yield found
        pos = found.end


def mask_numbers(text: str, every_id: bool = False) -> str:
    """`text` with every ID and phone number in it masked."""
    pieces, last = [], 0
    for found in find_numbers(text, every_id):
        pieces += [text[last : found.start], found.masked]
        last = found.end
    return "".join([*pieces, text[last:]])


def js_rules() -> dict[str, object]:
    """The same rules as data for the offline web form, which interprets them and writes none of its own."""
    return {
        "fold": fold_runs(),
        "spaces": spaces(),
        "phone": f"^{PHONE_PATTERN}$",
        "separator": _SEP,
        "idLength": ID_LENGTH,
        "idPattern": ID_PATTERN,
        "oldIdPattern": OLD_ID_PATTERN,
        "birth": list(ID_BIRTH),
        "birthPattern": BIRTH_DATE_PATTERN,
        "idWeights": list(ID_WEIGHTS),
        "idCheck": ID_CHECK,
    }


def _xpath_literal(text: str) -> str:
    return "'" + text + "'"  # the patterns above contain no apostrophe


def xpath_rules() -> dict[str, str]:
    """The phone and ID rules as ODK XPath constraints on `.` (XLSForm), from the same patterns and weights.

    ODK's substr(s, start, end) is zero-based with an exclusive end. The ID rule: 17 digits and a digit or
    X, a real birth date (BIRTH_DATE_PATTERN, not after today) and the GB 11643 check character.
    """
    weighted = " + ".join(f"number(substr(., {i}, {i + 1})) * {w}" for i, w in enumerate(ID_WEIGHTS))
    birth = "substr(., {}, {})".format(*ID_BIRTH)
    id_rule = (
        f"regex(., {_xpath_literal(ID_PATTERN)}) and regex({birth}, {_xpath_literal(BIRTH_DATE_PATTERN)})"
        f" and {birth} <= format-date(today(), '%Y%m%d')"
        f" and substr('{ID_CHECK}', ({weighted}) mod {len(ID_CHECK)}, ({weighted}) mod {len(ID_CHECK)} + 1)"
        f" = translate(substr(., {ID_LENGTH - 1}, {ID_LENGTH}), 'x', 'X')"
    )
    return {"phone": f"regex(., {_xpath_literal('^' + PHONE_PATTERN + '$')})", "id_number": id_rule}
