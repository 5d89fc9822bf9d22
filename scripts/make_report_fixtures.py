"""Regenerate the report fixtures of tests/facts/reports/ and tests/facts/heldout/ from their
text files.

    .venv/bin/python scripts/make_report_fixtures.py

- pdf/NAME.pdf: each text/NAME.txt printed by Debian's Chromium (Playwright) in a monospaced
  font, a form feed starting a new page: a PDF with a real text layer, like a lab portal's.
- scan/NAME.*: the reports listed in SCANS rendered to pixels by pdftoppm and degraded the way
  scanners and phone cameras degrade them (a few degrees of rotation, noise, blur, low
  resolution, JPEG compression); some are saved as PDFs without a text layer. The degradation is
  seeded, so a run reproduces the same images.

The outputs are committed: the tests read them and need no generation step. Run this only after
changing a text or SCANS, then check the tests (tests/facts/test_ocr.py) still pass.
"""

from __future__ import annotations

import html
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "tests" / "facts" / "reports"
# Written after the extractor, to measure it on reports it was not developed on (README).
HELDOUT = ROOT / "tests" / "facts" / "heldout"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# name -> how its scan is degraded. dpi: scanning resolution; rotate: degrees (a sheet fed
# askew); noise: share of random grey blended in; blur: Gaussian radius in pixels; format: png,
# jpg (quality) or pdf (an image-only PDF, as a scanner's "scan to PDF" writes).
SCANS = {
    "N01-flow-ball-signs": {"dpi": 200, "rotate": 2.0, "noise": 0.12, "format": "png"},
    "N03-flow-post-blina-normal-b": {"dpi": 200, "rotate": -3.0, "blur": 0.8, "format": "pdf"},
    "N05-flow-cd22-below-threshold-history": {"dpi": 170, "noise": 0.18, "format": "jpg"},
    "N09-mrd-ngs-unicode-log": {"dpi": 220, "rotate": 1.5, "blur": 0.6, "format": "png"},
    "N12-mrd-history-current-negative": {"dpi": 150, "noise": 0.1, "format": "jpg"},
    "N16-pcr-bcr-abl1-negative": {"dpi": 200, "rotate": 4.0, "format": "pdf"},
    "N21-fish-kmt2a-rearranged": {"dpi": 180, "blur": 1.0, "noise": 0.08, "format": "png"},
    "N24-ngs-aml-kmt2a-ptd": {"dpi": 200, "rotate": -2.0, "noise": 0.15, "format": "jpg"},
    "N30-ngs-no-variants-list": {"dpi": 160, "format": "png"},
    "N34-myeloma-bcma-ihc-negative": {"dpi": 200, "rotate": 3.0, "blur": 0.7, "format": "pdf"},
    "N38-integrated-aml": {"dpi": 220, "noise": 0.12, "rotate": -1.0, "format": "png"},
    "N39-flow-two-pages": {"dpi": 200, "rotate": 1.0, "format": "pdf"},
    "N42-flow-colon-lists": {"dpi": 140, "blur": 0.5, "format": "jpg"},
    "N50-flow-normal-b-only-cd19": {"dpi": 200, "rotate": 180.0, "format": "png"},
}


def page_html(text: str) -> str:
    pages = text.split("\f")
    body = "".join(
        f'<pre style="break-after: {"page" if i < len(pages) - 1 else "auto"}">'
        f"{html.escape(page.strip(chr(10)))}</pre>"
        for i, page in enumerate(pages)
    )
    return (
        "<!doctype html><meta charset='utf-8'><style>@page { size: letter; margin: 0.7in }"
        "pre { font: 9.5pt 'DejaVu Sans Mono', monospace; white-space: pre-wrap; margin: 0 }"
        f"</style>{body}"
    )


def make_pdfs(folder: Path, names: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    target = folder / "pdf"
    target.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        for name in names:
            text = (folder / "text" / f"{name}.txt").read_text(encoding="utf-8")
            page.set_content(page_html(text))
            page.pdf(path=str(target / f"{name}.pdf"), format="Letter", print_background=True)
        browser.close()


def _rasterise(pdf: Path, dpi: int) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)], check=True
        )
        return [Image.open(path).copy() for path in sorted(Path(folder).glob("page*.png"))]


def degrade(image: Image.Image, options: dict, seed: int) -> Image.Image:
    rng = random.Random(seed)
    image = image.convert("L")
    if options.get("rotate"):
        image = image.rotate(
            options["rotate"], expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC
        )
    if options.get("blur"):
        image = image.filter(ImageFilter.GaussianBlur(options["blur"]))
    if options.get("noise"):
        noise = Image.frombytes("L", image.size, rng.randbytes(image.width * image.height))
        image = Image.blend(image, noise, options["noise"])
    return image


def make_scans() -> None:
    target = REPORTS / "scan"
    target.mkdir(exist_ok=True)
    for old in target.iterdir():
        old.unlink()
    for index, (name, options) in enumerate(sorted(SCANS.items())):
        rendered = _rasterise(REPORTS / "pdf" / f"{name}.pdf", options["dpi"])
        pages = [
            degrade(page, options, seed=index * 100 + number)
            for number, page in enumerate(rendered)
        ]
        kind = options["format"]
        if kind == "pdf":
            pages[0].save(
                target / f"{name}.pdf",
                save_all=True,
                append_images=pages[1:],
                resolution=options["dpi"],
            )
        elif kind == "jpg":
            pages[0].save(target / f"{name}.jpg", quality=options.get("quality", 70))
        else:
            pages[0].save(target / f"{name}.png", optimize=True)


def _names(folder: Path) -> list[str] | None:
    names = sorted(path.stem for path in (folder / "text").glob("*.txt"))
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    missing = sorted({item["file"][:-4] for item in truth} ^ set(names))
    if missing:
        print(f"{folder}: truth.json and text/ disagree: {missing}", file=sys.stderr)
        return None
    return names


def main() -> int:
    names = {folder: _names(folder) for folder in (REPORTS, HELDOUT)}
    if None in names.values():
        return 1
    multi_page = [name for name in SCANS if "\f" in (REPORTS / "text" / f"{name}.txt").read_text()]
    for name in multi_page:
        if SCANS[name]["format"] != "pdf":
            print(f"{name} has several pages: scan it to PDF", file=sys.stderr)
            return 1
    for folder, folder_names in names.items():
        make_pdfs(folder, folder_names)
    make_scans()
    print(f"{sum(map(len, names.values()))} PDFs, {len(SCANS)} scans")
    return 0


if __name__ == "__main__":
    sys.exit(main())
