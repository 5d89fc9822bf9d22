"""Benchmark: how long one upload's check takes, by kind of file (screening/documents/uploads.py).

    python bench/uploads.py [--rounds 30]   (make bench-uploads)

`check_upload` end to end (type from the bytes, the capped child process over its JSON pipe,
cleaning), p50/p95 in milliseconds, for: a phone photo (JPEG, 4032 x 3024, decoded and encoded
again), a screenshot (PNG, 1170 x 2532), a one-page and a 50-page PDF (opened and walked for
active content), and a PDF with JavaScript, an embedded file and XFA (cleaned and re-checked).
No database. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))


def samples() -> dict[str, tuple[str, bytes]]:
    from PIL import Image

    from tests.uploads.samples import ACTIVE_PDFS, make_pdf

    width, height = 4032, 3024
    # A photo-like image: smooth gradients plus noise, so JPEG has real work to do.
    noise = Image.effect_noise((width, height), 40).convert("RGB")
    gradient = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    photo = Image.blend(noise, gradient, 0.6)
    jpeg = io.BytesIO()
    photo.save(jpeg, "JPEG", quality=90)
    screenshot = Image.linear_gradient("L").resize((1170, 2532)).convert("RGB")
    png = io.BytesIO()
    screenshot.save(png, "PNG")
    active = {
        "catalog": ACTIVE_PDFS["javascript_open_action"]["catalog"]
        + "/Names<</EmbeddedFiles<</Names[(page.html) 101 0 R]>>>>/AcroForm<</Fields[]/XFA(x)>>",
        "objects_extra": {
            **ACTIVE_PDFS["javascript_open_action"]["objects_extra"],
            **{101: b"<</Type/Filespec/F(a.html)/EF<</F 102 0 R>>>>"},
            **{102: b"<</Length 8>>\nstream\n<b>x</b>\nendstream"},
        },
    }
    return {
        f"JPEG photo {width}x{height} ({len(jpeg.getvalue()) // 1024} KB)": (
            "photo.jpg",
            jpeg.getvalue(),
        ),
        f"PNG screenshot 1170x2532 ({len(png.getvalue()) // 1024} KB)": (
            "shot.png",
            png.getvalue(),
        ),
        "PDF, 1 page": ("report.pdf", make_pdf()),
        "PDF, 50 pages": ("report.pdf", make_pdf(pages=50)),
        "PDF with JavaScript, file, XFA (cleaned)": ("portal.pdf", make_pdf(**active)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    os.environ["ENV_FILE"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navigator.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from screening.documents.uploads import check_upload

    print(f"check_upload per file, {args.rounds} rounds after one warm-up (ms):")
    for label, (name, content) in samples().items():
        check_upload(SimpleUploadedFile(name, content))  # starts the worker pool
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            checked = check_upload(SimpleUploadedFile(name, content))
            times.append((time.perf_counter() - started) * 1000)
        p95 = statistics.quantiles(times, n=20)[18]
        extra = f" removed={','.join(checked.removed)}" if checked.removed else ""
        print(
            f"  {label:<48} p50 {statistics.median(times):7.1f}  p95 {p95:7.1f}"
            f"  stored {checked.size // 1024} KB{extra}"
        )


if __name__ == "__main__":
    main()
