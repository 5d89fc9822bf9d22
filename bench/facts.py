"""Benchmark: reading facts from reports (make bench-facts).

    python bench/facts.py [--scans N] [--repeat N] [--skip-packaged]

On the report fixtures of tests/facts/ (the public examples and Navigator's own reports), prints:
- text PDFs: wall time per page of reading the text layer (pypdf in the capped child process)
  and of the extractor, p50/p95;
- scans (PNG, JPEG, image-only PDFs) through Tesseract in the capped child: wall time per page
  p50/p95 (the first N scans with --scans), and the peak RSS of the reader and its Tesseract;
- the extractor's own cost: first-call pipeline build, peak Python heap (tracemalloc) while
  reading every text, and this process's max RSS with spaCy/medspaCy loaded;
- precision and recall per field, for text, text-layer PDFs and OCR'd scans, and per fixture
  set (examples/, reports/, heldout/) for text: a fact counts as
  right when its field and value match truth.json; a wrong value is both a false positive and
  a false negative;
- the same on text with ConText's packaged English rules added to ours (--skip-packaged to
  leave it out): why the extractor uses only its own, report-specific rules.
Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    os.environ["ENV_FILE"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navigator.settings")
    import django

    django.setup()


def percentiles(samples: list[float]) -> str:
    if not samples:
        return "n/a"
    p95 = statistics.quantiles(samples, n=20)[18] if len(samples) >= 2 else samples[0]
    return f"p50 {statistics.median(samples):8.1f} ms   p95 {p95:8.1f} ms   (n={len(samples)})"


class Score:
    def __init__(self):
        self.counts = defaultdict(lambda: [0, 0, 0])  # field -> [true pos, false pos, false neg]

    def add(self, found: dict, expected: dict) -> None:
        for field in set(found) | set(expected):
            counts = self.counts[field]
            if field in found and field in expected and found[field] == expected[field]:
                counts[0] += 1
                continue
            if field in found:
                counts[1] += 1
            if field in expected:
                counts[2] += 1

    def lines(self, fields) -> list[str]:
        rows, total = [], [0, 0, 0]
        for field in fields:
            tp, fp, fn = self.counts[field]
            total = [a + b for a, b in zip(total, (tp, fp, fn), strict=True)]
            rows.append(_score_line(field, tp, fp, fn))
        rows.append(_score_line("all fields", *total))
        return rows


def _score_line(name: str, tp: int, fp: int, fn: int) -> str:
    precision = f"{tp / (tp + fp):.3f}" if tp + fp else "  n/a"
    recall = f"{tp / (tp + fn):.3f}" if tp + fn else "  n/a"
    return f"  {name:34} precision {precision}  recall {recall}   (tp {tp}, fp {fp}, fn {fn})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=0, help="OCR only the first N scans (0: all)")
    parser.add_argument("--repeat", type=int, default=3, help="extractor timing repeats")
    parser.add_argument("--skip-packaged", action="store_true")
    args = parser.parse_args()
    setup_django()

    from screening.documents.facts import FIELDS, extract_facts
    from screening.documents.facts.reading import build_pipeline, pipeline
    from screening.documents.text_extraction import extract_pdf_text, extract_text
    from tests.facts.corpus import content_type, reports, scans

    corpus = reports()
    print(f"Reports: {len(corpus)} ({sum(r.set == 'reports' for r in corpus)} of our own)")

    started = time.perf_counter()
    pipeline()
    print(f"Extractor pipeline build (first call): {(time.perf_counter() - started) * 1000:.0f} ms")

    def facts(text, nlp=None) -> dict:
        return {fact.field: fact.value for fact in extract_facts(text, nlp=nlp)}

    # --- Text and text-layer PDFs ---------------------------------------------------------
    text_score, pdf_score = Score(), Score()
    by_set = defaultdict(Score)
    reading_ms, extracting_ms = [], []
    for report in corpus:
        text = report.text_path.read_text(encoding="utf-8")
        text_score.add(facts(text), report.expected)
        by_set[report.set].add(facts(text), report.expected)
        started = time.perf_counter()
        result = extract_pdf_text(report.pdf_path.read_bytes())
        read = (time.perf_counter() - started) * 1000
        pages = result["pages"] or 1
        reading_ms.append(read / pages)
        for _ in range(args.repeat):
            started = time.perf_counter()
            found = facts(result["text"])
            extracting_ms.append((time.perf_counter() - started) * 1000 / pages)
        pdf_score.add(found, report.expected)
    print("\nText PDFs, per page:")
    print(f"  text layer (pypdf, child process)  {percentiles(reading_ms)}")
    print(f"  extractor (medspaCy ConText)       {percentiles(extracting_ms)}")
    tracemalloc.start()
    for report in corpus:
        extract_facts(report.text_path.read_text(encoding="utf-8"))
    heap = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  extractor peak Python heap over all texts: {heap / 2**20:.1f} MiB;"
        f" this process max RSS (Django + spaCy + medspaCy): {rss:.0f} MiB"
    )

    # --- Scans ----------------------------------------------------------------------------
    chosen = scans()[: args.scans or None]
    scan_score, ocr_ms, confidences = Score(), [], []
    for report, path in chosen:
        started = time.perf_counter()
        result = extract_text(path.read_bytes(), content_type(path))
        elapsed = (time.perf_counter() - started) * 1000
        ocr_ms.append(elapsed / (result["pages"] or 1))
        if result["confidence"] is not None:
            confidences.append(result["confidence"])
        expected = report.scan_expected if report.scan_expected is not None else report.expected
        scan_score.add(facts(result["text"]), report.expected)
        if facts(result["text"]) != expected:
            print(f"  (scan {path.name}: facts differ from its truth)")
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nOCR scans ({len(chosen)}: PNG, JPEG, image-only PDF), per page:")
    print(f"  Tesseract in the capped child      {percentiles(ocr_ms)}")
    if confidences:
        print(
            f"  mean word confidence: min {min(confidences):.1f}%, "
            f"median {statistics.median(confidences):.1f}%"
        )
    print(f"  peak RSS of a reader process (pypdf / pdftoppm / Tesseract): {child_rss:.0f} MiB")

    # --- Precision and recall -------------------------------------------------------------
    for title, score in (
        ("text", text_score),
        ("text-layer PDFs", pdf_score),
        ("OCR'd scans (against the report's full truth)", scan_score),
    ):
        print(f"\nPrecision and recall, {title}:")
        print("\n".join(score.lines(FIELDS)))

    print("\nText, by fixture set (heldout/ was written after the extractor):")
    for name, score in by_set.items():
        print(score.lines(FIELDS)[-1].replace("all fields", f"{name:10}", 1))

    if not args.skip_packaged:
        packaged = build_pipeline(packaged_rules=True)
        score = Score()
        for report in corpus:
            score.add(
                facts(report.text_path.read_text(encoding="utf-8"), packaged), report.expected
            )
        print("\nWith ConText's packaged English rules added (text):")
        print(score.lines(FIELDS)[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
