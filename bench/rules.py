"""Benchmark: screen N random valid profiles against every product; print per-case figures.

    python bench/rules.py [--cases 10000] [--seed 7]

Prints the median and p95 microseconds per case for (a) verdicts only, which is what a task or
an API computes first, and (b) verdicts plus the full explained JSON-able result, which is what
the CLI prints; and the peak memory of screening every profile with the results kept.
Figures, not assertions: record them in the issue's closing note.
"""

import argparse
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screening.rules import PRODUCT_KEYS, screen, validate_patient  # noqa: E402
from screening.rules.vocabulary import (  # noqa: E402
    BIOMARKERS,
    DIAGNOSES,
    DISEASE_STATUSES,
    FLAGS,
    PRIOR_THERAPIES,
)


def random_patient(rng: random.Random) -> dict:
    def maybe(value, unknown=0.2):
        return None if rng.random() < unknown else value

    return {
        "age_years": maybe(round(rng.uniform(0, 90), 2), 0.05),
        "diagnosis": maybe(rng.choice(sorted(DIAGNOSES)), 0.02),
        "disease_status": maybe(rng.choice(sorted(DISEASE_STATUSES)), 0.05),
        "prior_lines": maybe(rng.randint(0, 6), 0.1),
        "prior_therapies": maybe(rng.sample(sorted(PRIOR_THERAPIES), rng.randint(0, 6)), 0.05),
        "biomarkers": {key: maybe(rng.random() < 0.6) for key in BIOMARKERS},
        "ecog": maybe(rng.randint(0, 4)),
        "mrd_percent": maybe(round(rng.uniform(0, 5), 3), 0.5),
        **{key: maybe(rng.random() < 0.5, 0.4) for key in FLAGS},
    }


def per_case_micros(profiles, work) -> list[float]:
    timings = []
    clock = time.perf_counter_ns
    for profile in profiles:
        start = clock()
        work(profile)
        timings.append((clock() - start) / 1000)
    return timings


def describe(name: str, timings: list[float]) -> None:
    timings = sorted(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{name:<34} median {statistics.median(timings):7.1f} us   p95 {p95:7.1f} us   "
        f"mean {statistics.fmean(timings):7.1f} us   (n={len(timings)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    raw = [random_patient(rng) for _ in range(args.cases)]
    start = time.perf_counter()
    profiles = [validate_patient(patient) for patient in raw]
    validate_us = (time.perf_counter() - start) / len(raw) * 1e6

    print(f"Python {sys.version.split()[0]}, {args.cases} random valid profiles, seed {args.seed}")
    print(f"{'validate (per case, mean)':<34} {validate_us:7.1f} us")
    for profile in profiles[:500]:  # warm-up
        screen(profile)
    describe(f"screen: verdicts, {len(PRODUCT_KEYS)} products", per_case_micros(profiles, screen))
    describe(
        "screen + full explained result",
        per_case_micros(profiles, lambda profile: screen(profile).to_dict()),
    )
    verdicts = [screen(p).verdicts() for p in profiles]
    counts = {"eligible": 0, "needs_review": 0, "not_eligible": 0}
    for product_verdicts in verdicts:
        for verdict in product_verdicts.values():
            counts[verdict] += 1
    print("verdict mix over all products:", counts)

    tracemalloc.start()
    kept = [screen(profile) for profile in profiles]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak traced memory screening {len(kept)} profiles (results kept): {peak / 2**20:.1f} MiB "
        f"({peak / len(kept) / 1024:.1f} KiB per result); process max RSS {rss_mib:.0f} MiB"
    )


if __name__ == "__main__":
    main()
