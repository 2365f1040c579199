"""A township's poster bundle: every part as it is, in order, with the objects the parts share kept once."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from PIL import Image, ImageChops
from pypdf import PdfReader
from pypdf.generic import StreamObject

from yizhan.model.output import PrintJob
from yizhan.printing.dedupe import _digests, _objects
from yizhan.printing.jobs import bind


def streams(path: Path) -> list[str]:
    """The digest of every stream object's data (font files, pictures, the shared body, page contents)."""
    reader = PdfReader(path)
    found = [reader.get_object(idnum) for idnum in reader.xref.get(0, {})]
    return [hashlib.sha256(item.get_data()).hexdigest() for item in found if isinstance(item, StreamObject)]


def text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def picture(path: Path, page: int, into: Path) -> Image.Image:
    subprocess.run(["pdftoppm", "-png", "-r", "20", "-f", str(page), "-l", str(page), "-singlefile", str(path), str(into)], check=True)  # fmt: skip
    return Image.open(into.with_suffix(".png")).convert("RGB")


def test_a_bundle_is_its_parts_in_order_with_nothing_kept_twice(mini_print: Path, tmp_path: Path) -> None:
    township = [
        p for p in mini_print.glob("posters/*.pdf") if p.stem == "YZ-01" or p.stem.startswith("YZ-01-")
    ]
    parts = sorted(p.relative_to(mini_print).as_posix() for p in township)
    assert len(parts) > 5
    job = PrintJob("bundles/test.pdf", "", title="合订本", parts=tuple(parts))
    bundle = tmp_path / "bundle.pdf"
    bundle.write_bytes(bind(job, mini_print, {}))
    for number, part in enumerate(parts, start=1):
        assert text(bundle, number) == text(mini_print / part), part
        drawn = ImageChops.difference(
            picture(bundle, number, tmp_path / "b"), picture(mini_print / part, 1, tmp_path / "p")
        )
        assert drawn.getbbox() is None, part  # the page looks exactly like its part
    assert f"Pages:           {len(parts)}" in subprocess.run(["pdfinfo", str(bundle)], capture_output=True, text=True, check=True).stdout  # fmt: skip
    # Posters of one level share a body and posters of one village their top fonts: each subset once.
    # Nothing is kept twice: no two streams (fonts, the body, page contents) carry the same bytes.
    kept = streams(bundle)
    assert len(kept) == len(set(kept)) < sum(len(streams(mini_print / part)) for part in parts) / 3
    assert sorted(streams(mini_print / "bundles/YZ-01.pdf")) == sorted(kept)  # as the build binds it


def pdf(objects: dict[int, bytes]) -> tuple[bytes, dict[int, int]]:
    """A file of numbered objects and their offsets (no header or cross-reference table needed here)."""
    data, offsets = b"", {}
    for idnum, body in objects.items():
        offsets[idnum] = len(data)
        data += b"%d 0 obj\n" % idnum + body + b"\nendobj\n"
    return data, offsets


def test_objects_are_known_by_their_content_and_what_they_refer_to_never_by_their_numbers() -> None:
    font = b"<< /Length 4 >>\nstream\n\x00\x01ab\nendstream"
    data, offsets = pdf({
        1: b"<< /Type /Font /FontFile 2 0 R >>", 2: font,  # a font and its file
        5: b"<< /Type /Font /FontFile 6 0 R >>", 6: font,  # the same, numbered otherwise
        7: b"<< /Type /Font /FontFile 8 0 R >>", 8: font.replace(b"ab", b"ac"),  # another file
        9: b"<< /Type /Page /Parent 10 0 R >>", 10: b"<< /Type /Pages /Kids [9 0 R] >>",  # a cycle
        11: b"<< /Type /Font /FontFile 12 0 R >>",  # refers to an object not in the file
        13: b"<< /Font << /F1 1 0 R /F2 5 0 R >> >>", 14: b"<< /Font << /F1 5 0 R /F2 1 0 R >> >>",
        15: b"<< /Length 10 >>\nstream\n3 0 R 4 0 R\nendstream",  # what only looks like references
    })  # fmt: skip
    spans = _objects(data, offsets)
    assert spans[2] == (b"\n<< /Length 4 >>\nstream\n", b"\x00\x01ab\nendstream\n")
    digests = _digests(spans)
    assert digests[1] == digests[5] and digests[2] == digests[6]
    assert digests[7] != digests[1] and digests[8] != digests[2]
    assert 9 not in digests and 10 not in digests and 11 not in digests  # never shared
    assert digests[13] == digests[14]  # both refer to the same font twice
    assert 15 in digests  # stream bytes are data, not references
