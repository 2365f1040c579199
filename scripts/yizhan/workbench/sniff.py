"""What an uploaded file really is, from its bytes (never its name), and whether it is safe to open."""

from __future__ import annotations

import io
import zipfile

from ..feedback.errors import Failure, TableReadError
from ..intake.tabular import detect_encoding

MAX_UPLOAD = 20 * 1024 * 1024  # bytes as sent
MAX_UNPACKED = 200 * 1024 * 1024  # an XLSX's parts, uncompressed, all together
MAX_RATIO = 100  # uncompressed / compressed, for the whole archive and for any one part
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
SUFFIXES = {"xlsx": ".xlsx", "xls": ".xls", "csv": ".csv"}


class Refused(Failure):
    """An upload that is not opened at all, with its catalogue code and values."""

    prefix = "YZ-WEB-"


def kind_of(data: bytes) -> str:
    """ "xlsx", "xls" or "csv" from the content; Refused for anything else, too big, or a zip bomb."""
    if len(data) > MAX_UPLOAD:
        raise Refused("YZ-WEB-012", limit=f"{MAX_UPLOAD // (1024 * 1024)} MB")
    if data.startswith(ZIP_MAGIC):
        _check_xlsx(data)
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        return "xls"
    if not data.strip() or b"\x00" in data:
        raise Refused("YZ-WEB-013")
    try:
        detect_encoding(data)
    except TableReadError as error:
        raise Refused("YZ-WEB-013") from error
    return "csv"


def _check_xlsx(data: bytes) -> None:
    """A workbook's parts are present, and unpacking it cannot fill the disk or the memory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise Refused("YZ-WEB-013") from error
    names = {m.filename for m in members}
    if not all(part in names for part in XLSX_PARTS):
        raise Refused("YZ-WEB-013")
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(packed, 1):
        raise Refused("YZ-WEB-014")
    if any(m.file_size > MAX_RATIO * max(m.compress_size, 1) and m.file_size > 1024 * 1024 for m in members):
        raise Refused("YZ-WEB-014")


def shown_name(filename: str) -> str:
    """The file name as sent, for display only: its last part, printable characters, at most 80."""
    last = filename.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(c for c in last if c.isprintable()).strip()
    return clean[:80] or "（未命名）"
