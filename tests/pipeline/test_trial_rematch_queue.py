"""Trial re-matching through the real queue: batches published to Redis by name and matched by
a real prefork worker (a separate process on the shared test database). That a batch run twice
changes nothing is tested in-process (tests/trials/test_case_matching.py)."""

from __future__ import annotations

import pytest

from screening.models import CaseEvent, CaseStatus, EventKind, TrialMatch
from screening.trials.catalogue import import_export_text
from screening.trials.matching import catalogue_version, rematch_open_cases
from tests.factories import CaseFactory
from tests.pipeline.conftest import wait_for
from tests.rules.profiles import make_patient
from tests.trials.studies import SAMPLE_PATH

pytestmark = [pytest.mark.queue, pytest.mark.django_db(transaction=True)]

T_ALL = make_patient(diagnosis="t_all", disease_status="refractory", prior_lines=2, age_years=30)


def test_open_cases_are_rematched_in_batches_by_a_real_worker(
    start_worker,
):
    import_export_text(SAMPLE_PATH.read_text())
    cases = [
        CaseFactory(profile=T_ALL, country="CN", status=CaseStatus.IN_REVIEW) for _ in range(5)
    ]
    start_worker(concurrency=2)
    version = catalogue_version()

    assert rematch_open_cases(batch_size=2) == 5  # three batch messages

    def all_matched():
        return all(
            c.trials_matched_version == version
            for c in type(cases[0]).objects.filter(pk__in=[c.pk for c in cases])
        )

    wait_for(all_matched, 60, message="the worker did not match every case")
    assert TrialMatch.objects.count() == 10  # two CD7 trials for each T-ALL case
    events = CaseEvent.objects.filter(kind=EventKind.TRIALS_MATCHED)
    assert events.count() == 5
