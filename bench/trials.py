"""Benchmark: trial matching. One profile against N synthetic trials; then re-matching every
open case against them in batches on W worker processes.

    python bench/trials.py [--trials 2000] [--profiles 300] [--cases 100000] [--workers 2]
    make bench-trials BENCH_ARGS="--cases 5000"            # a smaller run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trials_bench python bench/trials.py

The trials are generated in the registry's v2 shape from the structure of the 12 sample
records (tests/trials/data): their modules and eligibility text, with conditions, statuses,
ages, sites in a dozen countries and extra eligibility bullets drawn from pools, then read by
the importer's own parser. Cases are random valid profiles with a home country and sometimes
travel countries.

Part 1 (no database): per profile, p50/p95 milliseconds for the verdicts of every trial (what
re-matching computes) and for the full explained result of every trial (what `match_trials`
prints), and the memory of the compiled catalogue.

Part 2 (a bench database: SQLite at var/bench/trials.sqlite3 unless DATABASE_URL): the trials
are imported through `upsert_study`, the cases bulk-loaded, then every open case is re-matched
by `match_cases` (the function the batch task runs) in batches of 500 on W processes; printed:
wall time, cases per second, matches written, peak memory per worker; then a second run with
nothing changed, and one after a single trial changed. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import copy
import json
import multiprocessing
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE = f"sqlite:///{ROOT / 'var' / 'bench' / 'trials.sqlite3'}"
SAMPLE = ROOT / "tests" / "trials" / "data" / "ctgov-sample.json"

CONDITIONS = [
    "Relapsed/Refractory Large B Cell Lymphoma",
    "Diffuse Large B-Cell Lymphoma",
    "B-cell Acute Lymphoblastic Leukemia",
    "T-cell Acute Lymphoblastic Leukemia",
    "Acute Myeloid Leukemia",
    "Multiple Myeloma",
    "Chronic Lymphocytic Leukemia",
    "Mantle Cell Lymphoma",
    "Follicular Lymphoma",
    "Marginal Zone Lymphoma",
    "B-cell Non-Hodgkin Lymphoma",
    "B-cell Malignancy",
    "Primary Mediastinal B-cell Lymphoma",
    "Hodgkin Lymphoma",
    "Acute Lymphoblastic Leukemia",
    "Lymphoblastic Lymphoma",
    "Myelodysplastic Syndromes",
    "Primary CNS Lymphoma",
]
# (country, cities); weights roughly as cell-therapy trials run.
COUNTRIES = [
    ("United States", ["Houston", "Boston", "Philadelphia", "Seattle", "Chicago"], 30),
    ("China", ["Beijing", "Shanghai", "Wuhan", "Tianjin", "Hangzhou"], 30),
    ("France", ["Paris", "Lyon"], 5),
    ("Germany", ["Würzburg", "Munich"], 5),
    ("Spain", ["Barcelona", "Madrid"], 5),
    ("United Kingdom", ["London", "Manchester"], 5),
    ("Italy", ["Milan", "Rome"], 4),
    ("Korea, Republic of", ["Seoul"], 4),
    ("Japan", ["Tokyo"], 3),
    ("Australia", ["Melbourne"], 3),
    ("Israel", ["Tel Aviv"], 3),
    ("Canada", ["Toronto"], 3),
]
BULLETS = {
    "inclusion": [
        "ECOG performance status 0 or 1",
        "ECOG performance status 0-2",
        "At least 2 prior lines of systemic therapy",
        "At least one prior line of therapy",
        "CD19-positive disease confirmed by flow cytometry",
        "CD22 expression on leukaemic blasts",
        "BCMA-positive myeloma",
        "Relapsed or refractory disease",
        "Adequate organ function",
        "Measurable disease per Lugano 2014",
        "Life expectancy of at least 12 weeks",
        "Prior CD19-directed therapy allowed",
    ],
    "exclusion": [
        "Prior CAR-T therapy",
        "Prior BCMA-directed therapy",
        "Active central nervous system involvement",
        "Allogeneic stem cell transplant within 100 days",
        "Active or uncontrolled infection",
        "Active autoimmune disease requiring systemic treatment",
        "Pregnant or breastfeeding",
        "Prior allogeneic HSCT",
        "Hepatitis B or C infection",
    ],
}
STATUSES = ["RECRUITING"] * 17 + ["NOT_YET_RECRUITING"] * 2 + ["ACTIVE_NOT_RECRUITING"]
AGES = [
    ("18 Years", None),
    ("18 Years", "75 Years"),
    ("12 Years", None),
    ("3 Years", "25 Years"),
    ("6 Months", "21 Years"),
    (None, None),
    ("18 Years", "70 Years"),
]
HOME_COUNTRIES = ["US"] * 5 + ["CN"] * 3 + ["FR", "DE", "ES", "GB", "IT", "BR", "MX", "IN"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--profiles", type=int, default=300, help="profiles timed in part 1")
    parser.add_argument("--cases", type=int, default=100_000, help="cases re-matched in part 2")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--skip-bulk", action="store_true", help="part 1 only")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the bench database's trials and cases"
    )
    return parser.parse_args()


def synthetic_studies(count: int, rng: random.Random) -> list[dict]:
    samples = json.loads(SAMPLE.read_text(encoding="utf-8"))["studies"]
    studies = []
    for i in range(count):
        study = copy.deepcopy(samples[i % len(samples)])
        protocol = study["protocolSection"]
        protocol["identificationModule"]["nctId"] = f"NCT8{i:07d}"
        protocol["statusModule"]["overallStatus"] = rng.choice(STATUSES)
        protocol["conditionsModule"]["conditions"] = rng.sample(CONDITIONS, rng.randint(1, 3))
        eligibility = protocol["eligibilityModule"]
        low, high = rng.choice(AGES)
        for key, value in (("minimumAge", low), ("maximumAge", high)):
            eligibility.pop(key, None)
            if value:
                eligibility[key] = value
        extra_in = rng.sample(BULLETS["inclusion"], rng.randint(1, 4))
        extra_out = rng.sample(BULLETS["exclusion"], rng.randint(1, 4))
        text = eligibility["eligibilityCriteria"]
        head, _, tail = text.partition("Exclusion Criteria:")
        eligibility["eligibilityCriteria"] = (
            head.rstrip()
            + "\n"
            + "".join(f"* {b}\n" for b in extra_in)
            + "\nExclusion Criteria:"
            + tail.rstrip()
            + "\n"
            + "".join(f"* {b}\n" for b in extra_out)
        )
        sites = []
        for _ in range(rng.choice([0, 1, 1, 2, 3, 5, 8, 15])):
            country, cities, _weight = rng.choices(COUNTRIES, weights=[c[2] for c in COUNTRIES])[0]
            sites.append(
                {
                    "facility": f"Synthetic Center {len(sites) + 1}",
                    "city": rng.choice(cities),
                    "country": country,
                    "status": rng.choice(["RECRUITING", "RECRUITING", ""]) or None,
                }
            )
        for site in sites:
            if site["status"] is None:
                del site["status"]
        protocol["contactsLocationsModule"] = {"locations": sites}
        studies.append(study)
    return studies


def random_patient(rng: random.Random) -> dict:
    from screening.rules.vocabulary import (
        BIOMARKERS,
        DIAGNOSES,
        DISEASE_STATUSES,
        FLAGS,
        PRIOR_THERAPIES,
    )

    def maybe(value, unknown=0.2):
        return None if rng.random() < unknown else value

    return {
        "age_years": maybe(rng.randint(1, 85), 0.03),
        "diagnosis": maybe(rng.choice(sorted(DIAGNOSES)), 0.03),
        "disease_status": maybe(rng.choice(sorted(DISEASE_STATUSES)), 0.05),
        "prior_lines": maybe(rng.randint(0, 6), 0.1),
        "prior_therapies": maybe(rng.sample(sorted(PRIOR_THERAPIES), rng.randint(0, 5)), 0.05),
        "biomarkers": {key: maybe(rng.random() < 0.7) for key in BIOMARKERS},
        "ecog": maybe(rng.randint(0, 4)),
        "mrd_percent": None,
        **{key: maybe(rng.random() < 0.5, 0.5) for key in FLAGS},
        "active_infection": maybe(rng.random() < 0.1, 0.3),
        "cns_involvement": maybe(rng.random() < 0.1, 0.3),
    }


def random_countries(rng: random.Random) -> tuple[str, list[str]]:
    home = rng.choice(HOME_COUNTRIES)
    travel = rng.sample(["US", "CN", "FR", "DE", "ES", "GB"], rng.choice([0, 0, 0, 1, 2]))
    return home, [c for c in travel if c != home]


def setup_django():
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navigator.settings")
    os.environ["ENV_FILE"] = ""
    url = os.environ["DATABASE_URL"]
    if url.startswith(("postgres://", "postgresql://")):
        from bench.admin import create_postgres_database

        create_postgres_database(url)
    elif url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def milliseconds(timings) -> str:
    timings = sorted(timings)
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    return f"p50 {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms"


def part_one(args, studies, rng) -> None:
    from dataclasses import replace

    from screening.rules.profile import validate_patient
    from screening.rules.trials import Catalogue, MatchInput, compile_trial, parse_study
    from screening.trials.countries import country_code

    started = time.perf_counter()
    records = []
    for raw in studies:
        record = parse_study(raw)
        sites = tuple(replace(s, country_code=country_code(s.country)) for s in record.sites)
        records.append(replace(record, sites=sites))
    parsed = time.perf_counter() - started
    tracemalloc.start()
    started = time.perf_counter()
    catalogue = Catalogue(compile_trial(record) for record in records)
    compiled = time.perf_counter() - started
    _, catalogue_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{len(studies)} synthetic trials: read {parsed:.2f} s, compiled {compiled:.2f} s, "
        f"compiled catalogue peak {catalogue_peak / 2**20:.1f} MiB"
    )
    people = []
    for _ in range(args.profiles):
        home, travel = random_countries(rng)
        people.append(MatchInput(validate_patient(random_patient(rng)), home, frozenset(travel)))
    verdict_times, full_times, listed = [], [], []
    for person in people:
        start = time.perf_counter()
        verdicts = catalogue.verdicts(person)
        verdict_times.append((time.perf_counter() - start) * 1000)
        listed.append(len(verdicts))
        start = time.perf_counter()
        [result.to_dict() for result in catalogue.match(person, include_not_eligible=True)]
        full_times.append((time.perf_counter() - start) * 1000)
    known = [t for t, p in zip(verdict_times, people, strict=True) if p.profile.diagnosis]
    print(f"one profile × {len(studies)} trials, {len(people)} profiles:")
    print(f"  verdicts of every trial (re-matching):        {milliseconds(verdict_times)}")
    print(f"    profiles with a known diagnosis ({len(known)}):  {milliseconds(known)}")
    print(f"  full explained result of every trial (CLI):  {milliseconds(full_times)}")
    print(
        f"  trials kept per profile (match or review): median {statistics.median(listed):.0f}, "
        f"max {max(listed)}"
    )


def load_cases(count: int, rng: random.Random) -> None:
    from django.utils import timezone

    from screening.models import Case

    now = timezone.now()
    batch = []
    for i in range(count):
        home, travel = random_countries(rng)
        profile = random_patient(rng)
        batch.append(
            Case(
                reference=f"NAV-B{i:07d}",
                submission_key=f"bench-{i}",
                status="in_review",
                submitter_role="patient",
                first_name="Bench",
                email=f"bench{i}@example.org",
                country=home,
                travel_countries=travel,
                language="en",
                consent_version="bench",
                consented_at=now,
                disease=profile["diagnosis"] or "unsure",
                profile=profile,
            )
        )
        if len(batch) == 2000:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)


def _worker_init():
    import django
    from django.db import connections

    django.setup()
    connections.close_all()


def _match_batch(ids):
    from django.db import OperationalError

    from screening.trials.matching import match_cases

    # As the Celery task does (autoretry on OperationalError): SQLite's single writer can keep
    # the other process waiting past its busy timeout.
    cpu = time.process_time()
    for attempt in range(8):
        try:
            report = match_cases(ids)
            used = time.process_time() - cpu
            return report.matched, report.created, report.updated, report.removed, attempt, used
        except OperationalError:
            time.sleep(2**attempt)
    raise RuntimeError("a batch failed eight times")


def _peak_rss_mib(who) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def rematch(args, label: str) -> None:
    from django.db import connections

    from screening.trials.matching import cases_to_rematch, catalogue_version

    ids = list(cases_to_rematch(catalogue_version()).values_list("pk", flat=True))
    batches = [ids[i : i + args.batch] for i in range(0, len(ids), args.batch)]
    connections.close_all()
    started = time.perf_counter()
    totals = [0, 0, 0, 0, 0, 0.0]
    if batches:
        context = multiprocessing.get_context("fork")
        with context.Pool(args.workers, initializer=_worker_init, maxtasksperchild=None) as pool:
            for result in pool.imap_unordered(_match_batch, batches):
                totals = [a + b for a, b in zip(totals, result, strict=True)]
    elapsed = time.perf_counter() - started
    matched, created, updated, removed, retries, cpu = totals
    rate = matched / elapsed if elapsed else 0
    print(
        f"  {label}: {matched} cases in {elapsed:.1f} s wall ({rate:.0f} cases/s) on "
        f"{args.workers} workers; matches +{created} ~{updated} -{removed}; {retries} retries; "
        f"worker CPU {cpu:.0f} s ({cpu / max(matched, 1) * 1000:.1f} ms per case); "
        f"peak worker RSS {_peak_rss_mib(resource.RUSAGE_CHILDREN):.0f} MiB"
    )


def part_two(args, studies, rng) -> None:
    from django.core.management import call_command

    from screening.models import Case, Trial, TrialMatch
    from screening.trials.catalogue import ImportReport, upsert_study

    call_command("migrate", verbosity=0)
    if args.reuse and Case.objects.count() == args.cases and Trial.objects.count() == len(studies):
        TrialMatch.objects.all().delete()
        Case.objects.update(trials_matched_version="")
        print(f"reusing {args.cases} cases and {len(studies)} trials")
    else:
        TrialMatch.objects.all().delete()
        Case.objects.all().delete()
        started = time.perf_counter()
        report = ImportReport()
        for raw in studies:
            upsert_study(raw, report)
        print(
            f"imported {len(report.created) + len(report.updated) + len(report.unchanged)} "
            f"trials in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        load_cases(args.cases, rng)
        print(f"loaded {args.cases} open cases in {time.perf_counter() - started:.1f} s")
    print(f"re-matching {args.cases} cases against {len(studies)} trials, batches of {args.batch}:")
    rematch(args, "first match (every row written)")
    rematch(args, "nothing changed")
    changed = copy.deepcopy(studies[0])
    changed["protocolSection"]["conditionsModule"]["conditions"] = ["Multiple Myeloma"]
    upsert_study(changed, ImportReport())
    rematch(args, "one trial changed")
    print(f"{TrialMatch.objects.count()} stored matches")


def main() -> None:
    args = parse_args()
    setup_django()
    rng = random.Random(args.seed)
    studies = synthetic_studies(args.trials, rng)
    part_one(args, studies, rng)
    if not args.skip_bulk:
        part_two(args, studies, rng)
    print(f"peak RSS of this process: {_peak_rss_mib(resource.RUSAGE_SELF):.0f} MiB")


if __name__ == "__main__":
    main()
