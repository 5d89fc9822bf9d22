"""Benchmark `manage.py screen`: N random valid cases as a JSON file, screened to compact JSON.

    python bench/screen.py [--cases 20000] [--seed 7] [--repeat 3]

Prints microseconds per case (goal: 100 or less), wall clock and the process's CPU time (on a
shared machine the CPU figure is the steadier one), for
  (a) the command's work in one process: read the file, parse the JSON, validate and screen
      every case against every product, write the compact JSON output as it goes (best of
      --repeat runs, split into parse and screen-encode-write), and the same with --indent 2;
  (b) the real command end to end as a subprocess (`manage.py screen FILE > file`), which adds
      Python and Django start-up once per run.
Figures, not assertions: record them in the issue's closing note.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from rules import random_patient  # noqa: E402

from screening.rules import PRODUCT_KEYS  # noqa: E402
from screening.rules.batch import write_document  # noqa: E402


def realistic_case(rng: random.Random, number: int) -> dict:
    """bench/rules.py's random profile, with an age as the intake derives it (completed years;
    completed months / 12 under one) rather than an arbitrary fraction."""
    patient = random_patient(rng)
    if patient["age_years"] is not None:
        years = rng.randint(0, 90)
        patient["age_years"] = years if years else rng.randint(1, 11) / 12
    return {"id": f"B{number:06d}", "patient": patient}


def write_cases(path: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    cases = [realistic_case(rng, number) for number in range(count)]
    path.write_text(json.dumps(cases), encoding="utf-8")


def in_process(path: Path, indent: int | None) -> dict[str, float]:
    """One run of what the command does between reading its argument and exiting."""
    cpu = time.process_time()
    start = time.perf_counter()
    text = path.read_text(encoding="utf-8")
    document = json.loads(text)
    parsed = time.perf_counter()
    written = []

    def write(text: str) -> None:
        written.append(len(text))
        sink.write(text)

    with open(os.devnull, "w", encoding="utf-8") as sink:
        invalid, count = write_document(document, write, indent=indent)
    screened = done = time.perf_counter()
    cpu = time.process_time() - cpu
    assert invalid == 0, f"{invalid} invalid cases in the benchmark input"
    return {
        "parse": parsed - start,
        "screen": screened - parsed,
        "total": done - start,
        "cpu": cpu,
        "count": count,
        "bytes": sum(written),
    }


def end_to_end(path: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `manage.py screen FILE > file` run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "screen", str(path)],
            stdout=out,
            check=True,
            cwd=ROOT,
        )
        wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.json"
        write_cases(path, args.cases, args.seed)
        size = path.stat().st_size
        print(
            f"Python {sys.version.split()[0]}, {args.cases} random valid cases ({size / 2**20:.1f} "
            f"MiB of JSON), {len(PRODUCT_KEYS)} products, seed {args.seed}"
        )
        in_process(path, None)  # warm the caches the command also warms on its first cases
        for indent, name in ((None, "compact (default)"), (2, "--indent 2")):
            runs = [in_process(path, indent) for _ in range(args.repeat)]
            best = min(runs, key=lambda run: run["total"])
            per = {key: best[key] / best["count"] * 1e6 for key in ("parse", "screen")}
            print(
                f"in process, {name:<18} {best['total'] / best['count'] * 1e6:7.1f} us/case   "
                f"(CPU {best['cpu'] / best['count'] * 1e6:.1f}; "
                f"parse {per['parse']:.1f}, screen+encode+write {per['screen']:.1f}; output "
                f"{best['bytes'] / best['count'] / 1024:.1f} KiB/case; best of {args.repeat})"
            )
        seconds, cpu = min(end_to_end(path) for _ in range(args.repeat))
        print(
            f"manage.py screen end to end      {seconds / args.cases * 1e6:7.1f} us/case   "
            f"(CPU {cpu / args.cases * 1e6:.1f}; {seconds:.2f} s for {args.cases} cases, "
            f"start-up included; best of {args.repeat})"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
