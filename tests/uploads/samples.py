"""Real file bytes for upload tests: a PDF with text built with correct offsets, a PNG built
from its chunks, and a small baseline JPEG (16x16, from CPython's imghdr test data, PSF)."""

import struct
import zlib


def make_pdf(
    text: str = "Flow cytometry report: CD19 positive.",
    pages: int = 1,
    *,
    catalog: str = "",
    page_extra: str = "",
    objects_extra: dict[int, bytes] | None = None,
) -> bytes:
    """A valid PDF (cross-reference table with exact offsets) whose pages carry `text`.

    `catalog` and `page_extra` are added to the catalog and each page dictionary; `objects_extra`
    are more objects (numbered from 100) for them to refer to."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 20 100 Td ({escaped}) Tj ET".encode("latin-1")
    page_ids = [4 + 2 * i for i in range(pages)]
    objects = {
        1: f"<</Type/Catalog/Pages 2 0 R{catalog}>>".encode(),
        2: b"<</Type/Pages/Kids["
        + b" ".join(f"{pid} 0 R".encode() for pid in page_ids)
        + f"]/Count {pages}>>".encode(),
        3: b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    }
    for pid in page_ids:
        objects[pid] = (
            f"<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]"
            f"/Resources<</Font<</F1 3 0 R>>>>/Contents {pid + 1} 0 R{page_extra}>>"
        ).encode()
        objects[pid + 1] = f"<</Length {len(stream)}>>\nstream\n".encode() + stream + b"\nendstream"
    objects.update(objects_extra or {})
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for number in range(1, size):
        if number in offsets:
            out += f"{offsets[number]:010d} 00000 n \n".encode()
        else:
            out += b"0000000000 65535 f \n"
    out += f"trailer\n<</Size {size}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_png(width: int = 8, height: int = 8) -> bytes:
    """A valid greyscale PNG (signature, IHDR, IDAT, IEND with real CRCs)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    rows = b"".join(b"\x00" + bytes((x * 30) % 256 for x in range(width)) for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


JPEG_BYTES = bytes.fromhex(
    "ffd8ffe000104a46494600010101000100010000ffdb00430003020202020203020202030303030406040404"
    "0404080606050609080a0a090809090a0c0f0c0a0b0e0b09090d110d0e0f101011100a0c12131210130f1010"
    "10ffdb00430103030304030408040408100b090b101010101010101010101010101010101010101010101010"
    "1010101010101010101010101010101010101010101010101010ffc000110800100010030122000211010311"
    "01ffc400160001010100000000000000000000000000070405ffc40024100001040104020203000000000000"
    "00000102030406050708121311220014093132ffc4001501010100000000000000000000000000000006ffc4"
    "00231100010205030500000000000000000000010211030405062100123115166181e1ffda000c0301000211"
    "0311003f0014a6d26a1b73c1e61312d4951cf31163e42565beba5aec694540b1e520b254a51fd2cab8faf220"
    "ab963d976c9335e69b77d7e66da71781a5571c7f1cea71e24b39d7e32253f21a69ded4714a38b482e84b892a"
    "71691ecd2d213bf1efb91a74aceea15a758ed548ac655b858b81857b21299867a96b94b949654fb9c8852911"
    "4b812af07ad9f23c807e55be0df662a140cce8e69a3d5cb743b3d77a6558b1d9512188bf64b8d3f1c3680429"
    "c0d0febb3c02e03c5407b4bdd97b54e627fb6edf9460148262138db8529828370589727960e432896fc3828e"
    "a7528cea208dbe78191f07ad7fffd9"
)

GIF_BYTES = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)

HTML_BYTES = (
    b"<!DOCTYPE html>\n<html><head><title>Report</title></head><body>Not a PDF</body></html>\n"
)


def _stream(body: bytes, entries: bytes = b"") -> bytes:
    return b"<<%s/Length %d>>\nstream\n%s\nendstream" % (entries, len(body), body)


_JS = b"<</S/JavaScript/JS(app.alert\\('x'\\); this.exportDataObject\\({cName: 'a'}\\);)>>"

# A PDF per kind of active content a report may carry (as hospital portals' forms do).
ACTIVE_PDFS = {
    "javascript_open_action": {"catalog": "/OpenAction 100 0 R", "objects_extra": {100: _JS}},
    "javascript_name_tree": {
        "catalog": "/Names<</JavaScript<</Names[(init) 100 0 R]>>>>",
        "objects_extra": {100: _JS},
    },
    "launch_link": {
        "page_extra": "/Annots[100 0 R]",
        "objects_extra": {
            100: b"<</Type/Annot/Subtype/Link/Rect[0 0 300 200]"
            b"/A<</S/Launch/F(cmd.exe)/Win<</F(cmd.exe)/P(/c calc)>>>>>>"
        },
    },
    "embedded_file": {
        "catalog": "/Names<</EmbeddedFiles<</Names[(page.html) 100 0 R]>>>>",
        "objects_extra": {
            100: b"<</Type/Filespec/F(page.html)/EF<</F 101 0 R>>>>",
            101: _stream(b"<script>alert(document.domain)</script>", b"/Type/EmbeddedFile"),
        },
    },
    "xfa_form": {
        "catalog": "/AcroForm<</Fields[]/XFA 100 0 R>>",
        "objects_extra": {100: _stream(b"<xdp:xdp><script>app.alert(1)</script></xdp:xdp>")},
    },
    "page_open_action_chain": {
        "page_extra": "/AA<</O<</S/GoTo/D[4 0 R/Fit]/Next 100 0 R>>>>",
        "objects_extra": {100: _JS},
    },
}


def make_active_pdf(kind: str, pages: int = 1) -> bytes:
    return make_pdf(pages=pages, **ACTIVE_PDFS[kind])
