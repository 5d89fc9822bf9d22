"""PDFs built byte by byte for the document tests: one readable report and the hostile kinds.

Written here from the PDF format (ISO 32000: objects, a cross-reference table with byte
offsets, a trailer), not taken from any parser, so they test the reader rather than mirror it.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter


def build_pdf(objects: list[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF whose object n (from 1) is objects[n-1], with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _stream(content: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def one_page_pdf(operations: bytes) -> bytes:
    """A one-page PDF whose page draws `operations` with Helvetica as font /F1."""
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            _stream(operations),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def text_pdf(*lines: str) -> bytes:
    """A one-page PDF whose text layer holds `lines` (Helvetica, one line each)."""
    ops = b"BT /F1 12 Tf 72 720 Td 14 TL "
    for line in lines:
        ops += b"(" + line.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)") + b") '"
    return one_page_pdf(ops + b" ET")


def image_only_pdf() -> bytes:
    """A valid page with nothing but a filled rectangle: a scan has no text layer either."""
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            _stream(b"0.5 g 72 72 200 200 re f"),
        ]
    )


def truncated_pdf() -> bytes:
    """A download cut off two thirds of the way: no cross-reference table, no end marker."""
    whole = text_pdf("Flow cytometry report", "CD19 positive")
    return whole[: len(whole) * 2 // 3]


def encrypted_pdf() -> bytes:
    """Password-protected (RC4-128, user password 'secret'): no empty-password opening."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf("Confidential report"))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def looping_page_tree_pdf() -> bytes:
    """The page tree node lists itself as its own kid: walking it never ends."""
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        ]
    )


def looping_xref_pdf() -> bytes:
    """The trailer's /Prev points back at the same cross-reference table, forever."""
    body = text_pdf("Pathology report")
    xref_at = int(body.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    return body.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % xref_at)


def looping_object_stream_pdf() -> bytes:
    """PDF 1.5 cross-reference stream: the catalog lives in object stream 5, and object 5 is
    itself listed as stored inside object stream 5. Finding the catalog never ends."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    head = b"1 0 "
    objstm = (
        b"<< /Type /ObjStm /N 1 /First %d /Length %d >>\nstream\n"
        % (len(head), len(head) + len(catalog))
        + head
        + catalog
        + b"\nendstream"
    )
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    bodies = {
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        5: objstm,
    }
    for number, body in bodies.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[4] = len(out)

    def entry(kind: int, field2: int, field3: int) -> bytes:
        return bytes([kind]) + field2.to_bytes(4, "big") + field3.to_bytes(2, "big")

    rows = b"".join(
        [
            entry(0, 0, 65535),
            entry(2, 5, 0),  # object 1: inside object stream 5
            entry(1, offsets[2], 0),
            entry(1, offsets[3], 0),
            entry(1, offsets[4], 0),
            entry(2, 5, 0),  # object 5: inside object stream 5, i.e. inside itself
        ]
    )
    out += (
        b"4 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(rows)
        + rows
        + b"\nendstream\nendobj\n"
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[4]
    return bytes(out)


def huge_page_tree_pdf(depth: int = 60) -> bytes:
    """Each page-tree node lists the node below it twice: 2**depth pages from depth+3 objects."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        child = 3 + level
        objects.append(
            b"<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count %d >>"
            % (child, child, 2 ** (depth - level))
        )
    objects.append(b"<< /Type /Page /MediaBox [0 0 612 792] >>")
    return build_pdf(objects)


def slow_pdf(operations: int = 300_000) -> bytes:
    """A valid 5 MB page of 300,000 one-letter text operations: pypdf takes about ten
    seconds over it on this project's machine. A denial of service well inside the upload
    size limit."""
    return one_page_pdf(b"BT /F1 1 Tf " + b"(x) Tj 0.01 0 Td " * operations + b"ET")


def not_a_pdf() -> bytes:
    """An HTML page someone renamed to .pdf."""
    return b"<!doctype html><html><body><script>alert(1)</script></body></html>\n"


HOSTILE = {
    "truncated": truncated_pdf,
    "encrypted": encrypted_pdf,
    "looping page tree": looping_page_tree_pdf,
    "looping object stream": looping_object_stream_pdf,
    "huge page count": huge_page_tree_pdf,
    "slow to parse": slow_pdf,
    "not a PDF": not_a_pdf,
}
