"""Deploying the rules as they stood before 4 Apr 2024, for the re-screen tests: the Abecma
myeloma indication as it read until then (four or more prior lines instead of two; see the
indication's notes) and none of the indications approved since (Tecvayli with daratumumab,
Blenrep, ...), with the ruleset version computed from that data, exactly as a deploy of older
rules would.
"""

import dataclasses

from screening.intake.rederive import run_rescreen_here, start_rescreen
from screening.models import Case, RescreenJob
from screening.pipeline import runs as screening_service
from screening.pipeline.screen import screen_case
from screening.rules import engine, ruleset
from screening.rules.criteria import LinesAtLeast
from screening.rules.data import INDICATIONS
from tests.factories import CaseFactory, CoordinatorFactory
from tests.rules.profiles import rr_myeloma_triple_exposed

APRIL_2024 = "2024-04-04"
# A two-line, triple-exposed myeloma that is not lenalidomide-refractory, screened today.
NEWLY_LIKELY = {
    "abecma": ["not_eligible", "eligible"],
    "tecvayli": ["not_eligible", "eligible"],
    "blenrep": ["not_eligible", "eligible"],
}


def use_rules_as_of(monkeypatch, day: str, replaced=None) -> str:
    """Deploy the rule data as it stood before `day`: only the indications approved earlier,
    each replaced by `replaced.get(id)` if given (an older wording); returns its version."""
    replaced = replaced or {}

    def as_then(indications):
        return tuple(
            replaced.get(i.id, i) for i in indications if i.id in replaced or i.approved < day
        )

    plan = tuple((product, as_then(indications)) for product, indications in engine._PLAN)
    data = ruleset.rule_data()
    data["indications"] = [i.to_dict() for i in as_then(INDICATIONS)]
    version = ruleset.ruleset_version(data)
    assert version != ruleset.RULESET_VERSION
    monkeypatch.setattr(engine, "_PLAN", plan)
    monkeypatch.setattr(engine, "RULESET_VERSION", version)
    monkeypatch.setattr(screening_service, "RULESET_VERSION", version)
    return version


def use_abecma_rules_before_april_2024(monkeypatch) -> str:
    """Deploy the rule data as it stood before 4 Apr 2024; returns its version."""
    current = next(i for i in INDICATIONS if i.id == "ABE-MM")
    old = dataclasses.replace(
        current,
        criteria=tuple(
            LinesAtLeast(4, "after four or more prior lines of therapy", basis="label; C3")
            if isinstance(c, LinesAtLeast)
            else c
            for c in current.criteria
        ),
    )
    return use_rules_as_of(monkeypatch, APRIL_2024, {"ABE-MM": old})


def myeloma_after_two_lines():
    # Two prior lines, not lenalidomide-refractory: Carvykti's label needs that, Abecma's
    # current label does not (two lines), its pre-2024 label did (four lines).
    return rr_myeloma_triple_exposed(lenalidomide_refractory=False)


def screened_cases(monkeypatch, profiles, **fields) -> list[Case]:
    """Cases screened under the rules before April 2024, then today's rules deployed (the
    monkeypatch is undone: use it for nothing else before)."""
    CoordinatorFactory()
    use_abecma_rules_before_april_2024(monkeypatch)
    cases = [CaseFactory(profile=profile, **fields) for profile in profiles]
    for case in cases:
        screen_case(case.pk)
    monkeypatch.undo()
    return list(Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("pk"))


def run_job(**options) -> RescreenJob:
    """The bulk re-screen the hourly check starts, worked through in this process."""
    job = start_rescreen(reason="test", **options)
    run_rescreen_here(job.pk)
    job.refresh_from_db()
    return job
