"""Benchmark: rendering a case summary PDF for a case with ten products and a dozen criteria
each (the largest summary the case file can ask for: every criterion in a table).

    make bench-summaries
    python bench/summaries.py [--products 10] [--criteria 12] [--runs 10]

Migrates a fresh SQLite file in a temporary folder, stores one case and a screening run whose
results have --products products (real ones, mixed verdicts), each with one indication of
--criteria criteria (label wording and an explanation each), missing facts and cautions, then
prints, best and median of --runs:

1. the clinical PDF (a physician's: the verdict table, then every criterion), as
   `manage.py case_summary` writes it: time, size, pages;
2. the plain PDF (the patient's, in Spanish): time, size, pages;
3. everything a preview renders for the patient (context, subject, text, HTML with its CSS
   inlined, and the PDF): time.

Figures, not assertions. Goal: the PDF in ≤ 1 s on this machine.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/queue.py would shadow the standard library's queue module: import from the root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

VERDICTS = ("eligible", "needs_review", "not_eligible")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=10)
    parser.add_argument("--criteria", type=int, default=12)
    parser.add_argument("--runs", type=int, default=10)
    return parser.parse_args()


def setup_django() -> None:
    os.environ["ENV_FILE"] = ""
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navigator.settings")
    os.environ.pop("REDIS_URL", None)  # eager mode; nothing is queued here
    folder = tempfile.mkdtemp(prefix="navigator-bench-summaries-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def criterion(n: int, outcome: str) -> dict:
    return {
        "name": f"requirement {n + 1}",
        "outcome": outcome,
        "explanation": f"Requirement {n + 1} of the label: the profile's answer is compared with "
        "the label's wording, and this sentence says why it is met, not met or unknown.",
        "label": "adult patients with relapsed or refractory disease after two or more lines "
        "of systemic therapy, including an anti-CD20 antibody",
        "basis": "label section 1.1",
    }


def results(products: int, criteria: int) -> dict:
    from screening.rules.data.products import PRODUCTS

    out = {}
    for index, key in enumerate(sorted(PRODUCTS)[:products]):
        verdict = VERDICTS[index % 3]
        outcome = {"eligible": "met", "needs_review": "unknown", "not_eligible": "not_met"}[verdict]
        rows = [criterion(n, "met" if n else outcome) for n in range(criteria)]
        out[key] = {
            "verdict": verdict,
            "indications": [
                {
                    "id": f"{key[:3].upper()}-{index}",
                    "verdict": verdict,
                    "criteria": rows,
                    "citation": "US prescribing information, section 1.1 (revised 2026-03)",
                }
            ],  # fmt: skip
            "missing": (
                [
                    {
                        "field": "cd22_positive",
                        "fact": "CD22 expression",
                        "document": "flow cytometry report",
                    }
                ]
                if verdict == "needs_review"
                else []
            ),  # fmt: skip
            "cautions": (
                [
                    {
                        "code": "car_t_center",
                        "text": "CAR-T is given at a treatment center able to "
                        "manage cytokine release syndrome and neurologic toxicity.",
                    }
                ]
                if verdict != "not_eligible"
                else []
            ),  # fmt: skip
        }
    return out


def load(args):
    from django.utils import timezone

    from screening.models import Case, ScreeningRun

    case = Case.objects.create(
        reference="NAV-BNCH-0001",
        submission_key="bench-summaries",
        status="in_review",
        submitter_role="patient",
        first_name="Amara",
        last_name="Bastian",
        email="amara@example.org",
        country="US",
        language="en",
        consent_version="bench",
        consented_at=timezone.now(),
        disease="lbcl",
    )
    data = results(args.products, args.criteria)
    run = ScreeningRun.objects.create(
        case=case, ruleset_version="2026-03-06+benchbenchben", profile_hash="0" * 64,
        results=data, verdicts={key: value["verdict"] for key, value in data.items()},
    )  # fmt: skip
    Case.objects.filter(pk=case.pk).update(latest_run=run)
    return Case.objects.select_related("latest_run").get(pk=case.pk)


def timed(function, runs: int) -> tuple[list[float], list[float], object]:
    """Wall-clock and CPU seconds of each run (the machine is shared: CPU is the steadier)."""
    walls, cpus, value = [], [], None
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        value = function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, value


def figures(walls: list[float], cpus: list[float]) -> str:
    return (
        f"wall {min(walls):5.3f} / {statistics.median(walls):5.3f} s, "
        f"CPU {min(cpus):5.3f} / {statistics.median(cpus):5.3f} s"
    )


def pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def main() -> None:
    args = parse_args()
    setup_django()
    case = load(args)

    from screening.summaries.render import render_summary, render_summary_pdf

    print(
        f"Summary PDF: {args.products} products x {args.criteria} criteria, "
        f"best / median of {args.runs} runs"
    )
    render_summary_pdf(case, "physician")  # warm: fonts, templates
    for label, function in (
        ("clinical PDF (physician, en)", lambda: render_summary_pdf(case, "physician")),
        ("plain PDF (patient, es)", lambda: render_summary_pdf(case, "patient", "es")),
    ):
        walls, cpus, pdf = timed(function, args.runs)
        print(
            f"  {label:30} {figures(walls, cpus)}  {len(pdf) / 1024:5.1f} KiB, {pages(pdf)} pages"
        )
    walls, cpus, rendered = timed(
        lambda: render_summary(case, audience="patient", language="en", delivery="attached"),
        args.runs,
    )
    print(
        f"  {'whole preview (patient, en)':30} {figures(walls, cpus)}  "
        f"HTML {len(rendered.html) / 1024:.1f} KiB"
    )
    print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print("Goal: the PDF in <= 1 s.")


if __name__ == "__main__":
    main()
