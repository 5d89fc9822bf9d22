"""Malformed uploads for the fuzz test, generated in memory from one seed.

Each `Sample` says what must become of it: REFUSED, KEPT (a polyglot or a PDF with scripts,
stored once cleaned) or EITHER (a mutated PDF may still open).

Names carry a unique `u0123u` tag, kept whatever the name's decoration (`../`, NUL,
backslashes, control and bidi characters), so the test can tell which stored row came from
which sample.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass

from tests.uploads.samples import ACTIVE_PDFS, JPEG_BYTES, make_active_pdf, make_pdf, make_png

# In every HTML payload: its presence in a stored file means the payload survived.
MARKER = b"NAVIGATOR-FUZZ-PAYLOAD"
HTML = b"<html><body><script>alert('" + MARKER + b"')</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert("'
    + MARKER
    + b'")</script><circle r="4"/></svg>'
)
# The largest file the fuzz test allows (it sets MAX_UPLOAD_BYTES to this, so "oversize"
# samples stay small enough to build in memory quickly).
FUZZ_MAX_UPLOAD = 64 * 1024


REFUSED, KEPT, EITHER = "refused", "kept", "either"


@dataclass(frozen=True)
class Sample:
    kind: str
    tag: str
    name: str
    content: bytes
    expect: str


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _zip_bomb() -> bytes:
    """A ZIP whose one entry inflates from about 10 KB to 10 MB (a small zip bomb)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        # A fixed date: writestr with a bare name stamps the current time (not deterministic).
        entry = zipfile.ZipInfo("report.pdf", date_time=(2026, 1, 1, 0, 0, 0))
        archive.writestr(entry, b"\0" * (10 * 1024 * 1024), zipfile.ZIP_DEFLATED)
    return out.getvalue()


class Generator:
    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.count = 0
        self.pdfs = [make_pdf(pages=n) for n in (1, 2, 5)]
        self.images = [make_png(24, 16), make_png(8, 40), JPEG_BYTES]
        self.zip_bomb = _zip_bomb()

    # --- names -------------------------------------------------------------------------------

    def name(self, extension: str) -> tuple[str, str]:
        self.count += 1
        tag = f"u{self.count:04d}u"
        prefix = self.random.choice(
            ["", "../../", "..\\..\\", "/etc/", "a\x00b/", "\x00", "..", " \u202e", "\t\n"]
        )
        suffix = self.random.choice(["", "\x00", "\x00.html", ".", " ", "\u200f", "%00"])
        return tag, f"{prefix}{tag}{suffix}{extension}"

    # --- contents ----------------------------------------------------------------------------

    def mutated_pdf(self) -> tuple[bytes, str]:
        data = bytearray(self.random.choice(self.pdfs))
        for _ in range(self.random.randint(1, 8)):
            at = self.random.randrange(len(data))
            move = self.random.random()
            if move < 0.5:
                data[at] = self.random.randrange(256)
            elif move < 0.75:
                del data[at : at + self.random.randint(1, 40)]
            else:
                data[at:at] = self.random.randbytes(self.random.randint(1, 40))
        return bytes(data), EITHER  # it may still open

    def truncated_pdf(self) -> tuple[bytes, str]:
        pdf = self.random.choice(self.pdfs)
        return pdf[: self.random.randrange(1, pdf.rfind(b"%%EOF"))], REFUSED

    def wrong_magic(self) -> tuple[bytes, str]:
        pdf, png = self.random.choice(self.pdfs), self.random.choice(self.images[:2])
        options = [
            b"%PDX" + pdf[4:],
            b"\x89PNX" + png[4:],
            b"\xff\xd8\x00" + JPEG_BYTES[3:],
            b"GIF89a" + pdf,
            b"\x00\x00" + pdf,
            self.random.randbytes(self.random.randint(1, 3000)),
        ]
        data = self.random.choice(options)
        if data[:4] in (b"%PDF", b"\x89PNG") or data[:3] == b"\xff\xd8\xff":
            data = b"\x00" + data
        return data, REFUSED

    def pdf_html_polyglot(self) -> tuple[bytes, str]:
        pdf = self.random.choice(self.pdfs)
        where = self.random.choice(["after", "comment", "before"])
        if where == "after":
            return pdf + HTML, KEPT  # kept without what followed %%EOF
        if where == "comment":
            # HTML in a comment inside the PDF: kept as a PDF, served only as an attachment.
            return pdf.replace(b"\n", b"\n%" + HTML + b"\n", 1), KEPT
        return HTML + pdf, REFUSED  # an HTML page that contains a PDF is an HTML page

    def image_html_polyglot(self) -> tuple[bytes, str]:
        image = self.random.choice(self.images)
        if image.startswith(b"\x89PNG") and self.random.random() < 0.4:
            text = _png_chunk(b"tEXt", b"Comment\x00" + HTML)
            return image[:33] + text + image[33:], KEPT
        return image + self.random.choice([HTML, SVG, b"\r\n" + HTML * 3]), KEPT

    def script_page(self) -> tuple[bytes, str]:
        return self.random.choice([HTML, SVG, b"\xef\xbb\xbf" + HTML, b"  \n" + SVG]), REFUSED

    def zip_bomb(self) -> tuple[bytes, str]:
        return self.zip_bomb, REFUSED

    def active_pdf(self) -> tuple[bytes, str]:
        return make_active_pdf(self.random.choice(sorted(ACTIVE_PDFS))), KEPT

    def oversize(self) -> tuple[bytes, str]:
        base = self.random.choice([self.pdfs[0], self.images[0], JPEG_BYTES])
        return base + b"\0" * (
            FUZZ_MAX_UPLOAD + 1 - len(base) + self.random.randint(0, 99)
        ), REFUSED

    def empty(self) -> tuple[bytes, str]:
        return b"", REFUSED

    def corrupt_image(self) -> tuple[bytes, str]:
        image = bytearray(self.random.choice(self.images))
        if self.random.random() < 0.5:
            return bytes(image[: self.random.randrange(8, len(image) * 4 // 5)]), REFUSED
        # A flipped byte inside the image data: a PNG's checksum no longer matches; a JPEG may
        # still decode (to other pixels).
        at = self.random.randrange(len(image) // 2, len(image) - 14)
        image[at] ^= 0xFF
        return bytes(image), REFUSED if image[:4] == b"\x89PNG" else EITHER

    KINDS = {
        "mutated_pdf": (mutated_pdf, ".pdf"),
        "truncated_pdf": (truncated_pdf, ".pdf"),
        "wrong_magic": (wrong_magic, ".pdf"),
        "pdf_html_polyglot": (pdf_html_polyglot, ".pdf"),
        "image_html_polyglot": (image_html_polyglot, ".png"),
        "script_page": (script_page, ".svg"),
        "zip_bomb": (zip_bomb, ".pdf"),
        "active_pdf": (active_pdf, ".pdf"),
        "oversize": (oversize, ".jpg"),
        "empty": (empty, ".pdf"),
        "corrupt_image": (corrupt_image, ".jpg"),
    }

    def sample(self, kind: str | None = None) -> Sample:
        kind = kind or self.random.choice(sorted(self.KINDS))
        make, extension = self.KINDS[kind]
        content, expect = make(self)
        tag, name = self.name(extension)
        return Sample(kind, tag, name, content, expect)


# --- multipart bodies written by hand, so names can carry NUL and backslashes ------------------

BOUNDARY = "----navigator-fuzz-boundary-7d3f"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def multipart(fields: dict[str, str], file_field: str, samples: list[Sample]) -> bytes:
    parts = []
    for key, value in fields.items():
        disposition = f'Content-Disposition: form-data; name="{key}"'
        parts.append(f"--{BOUNDARY}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    for sample in samples:
        name = sample.name.replace('"', "").replace("\r", "").replace("\n", "")
        parts.append(
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
            f'name="{file_field}"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode("utf-8", "surrogatepass")
            + sample.content
            + b"\r\n"
        )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)
