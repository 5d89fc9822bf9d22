"""Re-screening every open case in bulk when the ruleset (or the intake derivation) changes.

`start_rescreen_job` records one job (RescreenJob) for the current ruleset, with the ids of the
open cases it must screen split into numbered batches (RescreenBatch), and queues a few worker
steps (`screening.rescreen_job_task`, RESCREEN_WORKERS of them). Each step claims one batch with
a conditional update (pending, or claimed longer than SCREENING_STUCK_AFTER ago → claimed by
me, with a fresh token), screens its cases in the worker's own process and writes everything in
one transaction that begins by marking the batch done *only if the claim is still mine*: runs
and verdict rows with bulk inserts, the cases' latest run and queue summary, one RESCREENED
event per case whose verdicts changed (the per-product diff of screening/pipeline/rescreen.py),
a raised priority and the "newly likely" flag where a product became likely eligible, the
patient's "your case was updated" email, and the job's progress counters. Then the step queues
the next one.

Why no case is done twice and none is skipped: a batch's results and its "done" mark commit
together, so a worker killed mid-batch leaves nothing of it and the batch claimable again once
its claim is stale; a worker whose stale claim was taken over finds its finishing update
matching nothing and rolls back. The case ids are fixed when the job starts. The sweeper
(every minute) restarts the steps of a job that made no progress for SCREENING_STUCK_AFTER
seconds (its worker died, or its messages were lost).

A case whose stored profile cannot be screened gets one RESCREEN_FAILED event per ruleset and
is left out of later jobs for that ruleset; the others go on.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from screening.core.bulk_updates import update_grouped
from screening.jobs import enqueue
from screening.models import (
    Case,
    CaseEvent,
    EventKind,
    RescreenBatch,
    RescreenBatchState,
    RescreenJob,
    RescreenJobState,
    ScreeningRun,
)
from screening.notify.patient_updates import as_patient_update, notify_patients_of_updates
from screening.pipeline import runs
from screening.pipeline.assignment import ASSIGNABLE_STATUSES
from screening.pipeline.priority import priority_raise
from screening.pipeline.rescreen import mark_newly_likely, newly_likely, rescreened_event
from screening.rules.encode import results_json
from screening.rules.engine import screen_patient
from screening.rules.profile import InvalidProfile

logger = logging.getLogger(__name__)

STEP_TASK = "screening.rescreen_job_task"
TRIGGER, REDERIVE_TRIGGER = "rescreen", "rederive"
# A hook run on the locked cases of a batch before they are screened (the intake's
# re-derivation, which this stage may not import): returns case id → (after, because) for the
# cases whose screened profile it changed, for their timeline event.
Prepare = Callable[[list[Case]], dict[int, tuple[str, str]]]
NEWLY_LIKELY_FIELDS = ("newly_likely", "newly_likely_at", "priority", "priority_reason", "due_at")
CASE_FIELDS = (
    "pk",
    "status",
    "profile",
    "intake_profile",
    "derivation_version",
    "priority",
    "priority_reason",
    "due_at",
    "email",
    "language",
    "first_name",
    "reference",
    "newly_likely",
    "newly_likely_at",
    "screening_summary",
    "latest_run",
    "latest_run__verdicts",
    "latest_run__ruleset_version",
    "latest_run__profile_hash",
)


def failed_under_ruleset(version: str):
    """Cases whose stored profile could not be screened under this ruleset (said once)."""
    return CaseEvent.objects.filter(kind=EventKind.RESCREEN_FAILED, data__ruleset=version).values(
        "case_id"
    )


def cases_to_rescreen(*, all_cases: bool = False):
    """Open, screened cases not yet screened under the current ruleset (every open one with
    `all_cases`), leaving out those whose profile already failed under it."""
    cases = Case.objects.filter(status__in=ASSIGNABLE_STATUSES)
    if not all_cases:
        version = runs.RULESET_VERSION
        cases = cases.exclude(latest_run__ruleset_version=version).exclude(
            pk__in=failed_under_ruleset(version)
        )
    return cases.order_by("pk")


@dataclass
class BatchReport:
    cases: int = 0
    rescreened: int = 0  # a new latest run
    changed: int = 0  # a verdict changed
    raised: int = 0
    newly_likely: int = 0
    invalid: int = 0
    skipped: int = 0
    changes: dict[int, dict] = field(default_factory=dict)  # case id → per-product diff


def start_rescreen_job(
    *,
    reason: str,
    all_cases: bool = False,
    also: Iterable[int] = (),
    derivation_version: str = "",
    by=None,
) -> RescreenJob | None:
    """The running job for the current ruleset, started if open cases need one.

    `also` adds case ids the caller knows need it (cases derived under an older derivation).
    A job still running for another ruleset is superseded: its unfinished batches are
    cancelled and their cases belong to the new job. Returns None when nothing needs doing.
    """
    version = runs.RULESET_VERSION
    with transaction.atomic():
        running = RescreenJob.objects.select_for_update().filter(state=RescreenJobState.RUNNING)
        current = running.first()
        if current is not None:
            if current.ruleset_version == version and (
                current.derivation_version == derivation_version
            ):
                return current
            _supersede(current)
        ids = set(cases_to_rescreen(all_cases=all_cases).values_list("pk", flat=True))
        ids |= set(
            Case.objects.filter(pk__in=list(also), status__in=ASSIGNABLE_STATUSES).values_list(
                "pk", flat=True
            )
        )
        if not ids:
            return None
        try:
            with transaction.atomic():
                job = RescreenJob.objects.create(
                    ruleset_version=version,
                    derivation_version=derivation_version,
                    reason=reason[:200],
                    requested_by=by if getattr(by, "pk", None) else None,
                    total=len(ids),
                    progressed_at=timezone.now(),
                )
        except IntegrityError:
            # Another start created the running job between our read and our insert.
            return RescreenJob.objects.filter(state=RescreenJobState.RUNNING).first()
        size = settings.RESCREEN_BATCH
        ordered = sorted(ids)
        RescreenBatch.objects.bulk_create(
            RescreenBatch(job=job, number=n, case_ids=ordered[start : start + size])
            for n, start in enumerate(range(0, len(ordered), size), start=1)
        )
        start_workers(job)
    logger.info("Re-screen job %s started: %s case(s) (%s)", job.pk, job.total, reason)
    return job


def _supersede(job: RescreenJob) -> None:
    RescreenBatch.objects.filter(
        job=job, state__in=[RescreenBatchState.PENDING, RescreenBatchState.CLAIMED]
    ).update(state=RescreenBatchState.CANCELLED)
    RescreenJob.objects.filter(pk=job.pk).update(
        state=RescreenJobState.SUPERSEDED, finished_at=timezone.now()
    )


def start_workers(job: RescreenJob) -> int:
    """Queue the job's steps (on commit): one per worker process meant to work on it."""
    unfinished = RescreenBatch.objects.filter(
        job=job, state__in=[RescreenBatchState.PENDING, RescreenBatchState.CLAIMED]
    ).count()
    steps = max(1, min(settings.RESCREEN_WORKERS, unfinished))
    for _ in range(steps):
        enqueue(STEP_TASK, job.pk)
    return steps


def _claimable(now) -> Q:
    stale = now - dt.timedelta(seconds=settings.SCREENING_STUCK_AFTER)
    return Q(state=RescreenBatchState.PENDING) | Q(
        state=RescreenBatchState.CLAIMED, claimed_at__lt=stale
    )


def claim_batch(job_id: int) -> tuple[int, str] | None:
    """Claim the job's next claimable batch (committed at once): (batch id, claim token)."""
    now = timezone.now()
    candidates = (
        RescreenBatch.objects.filter(_claimable(now), job_id=job_id)
        .order_by("number")
        .values_list("pk", flat=True)[:20]
    )
    for batch_id in list(candidates):
        token = uuid.uuid4().hex
        claimed = RescreenBatch.objects.filter(_claimable(now), pk=batch_id).update(
            state=RescreenBatchState.CLAIMED,
            claim_token=token,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
        if claimed:
            return batch_id, token
    return None


def rescreen_next_batch(job_id: int, *, prepare: Prepare | None = None) -> bool:
    """One step of a job: claim a batch and re-screen it. False when the job has nothing left
    to claim (then it is marked done once no batch is unfinished), or is not running, or
    belongs to other rules than this process runs (a deploy under way)."""
    job = RescreenJob.objects.filter(pk=job_id).first()
    if job is None or job.state != RescreenJobState.RUNNING:
        return False
    if job.ruleset_version != runs.RULESET_VERSION:
        logger.warning(
            "Re-screen job %s is for ruleset %s; this worker runs %s: left to the others",
            job.pk,
            job.ruleset_version,
            runs.RULESET_VERSION,
        )
        return False
    claim = claim_batch(job.pk)
    if claim is None:
        finish_job_if_complete(job.pk)
        return False
    rescreen_batch(*claim, prepare=prepare)
    return True


def finish_job_if_complete(job_id: int) -> bool:
    unfinished = RescreenBatch.objects.filter(
        job_id=job_id, state__in=[RescreenBatchState.PENDING, RescreenBatchState.CLAIMED]
    )
    if unfinished.exists():
        return False
    return bool(
        RescreenJob.objects.filter(pk=job_id, state=RescreenJobState.RUNNING).update(
            state=RescreenJobState.DONE, finished_at=timezone.now()
        )
    )


def rescreen_batch(batch_id: int, token: str, *, prepare: Prepare | None = None):
    """Screen one claimed batch and write it all in one transaction (see module docstring).
    Returns its BatchReport, or None when the claim was no longer ours."""
    with transaction.atomic():
        _commit_without_waiting_for_the_disk()
        now = timezone.now()
        finished = RescreenBatch.objects.filter(
            pk=batch_id, state=RescreenBatchState.CLAIMED, claim_token=token
        ).update(state=RescreenBatchState.DONE, finished_at=now)
        if not finished:
            return None
        batch = RescreenBatch.objects.select_related("job").get(pk=batch_id)
        cases = list(
            Case.objects.select_for_update(of=("self",))
            .filter(pk__in=batch.case_ids)
            .select_related("latest_run")
            .only(*CASE_FIELDS)
            .order_by("pk")
        )
        reasons = prepare(cases) if prepare else {}
        report = _screen_and_store(cases, batch.job, reasons, now)
        report.cases = len(batch.case_ids)
        report.skipped += report.cases - len(cases)  # deleted since the job started
        RescreenBatch.objects.filter(pk=batch_id).update(changed=report.changed)
        RescreenJob.objects.filter(pk=batch.job_id).update(
            done=F("done") + report.cases,
            changed=F("changed") + report.changed,
            raised=F("raised") + report.raised,
            newly_likely=F("newly_likely") + report.newly_likely,
            invalid=F("invalid") + report.invalid,
            skipped=F("skipped") + report.skipped,
            progressed_at=now,
        )
    return report


def _commit_without_waiting_for_the_disk() -> None:
    """PostgreSQL: this transaction's commit does not wait for its WAL to reach the disk
    (`synchronous_commit = off`, for this transaction only). A batch writes megabytes; waiting
    for each flush was a third of a batch's time. A database crash in the fraction of a second
    after the commit can lose the batch whole (never half of it: its runs, events, emails and
    "done" mark go together), and it is then claimed and screened again."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


@dataclass
class _Screened:
    case: Case
    run: ScreeningRun
    changes: dict
    first: bool
    new: bool  # a new run (else an earlier run of this input reinstated)


def _screen_and_store(cases: list[Case], job: RescreenJob, reasons: dict, now) -> BatchReport:
    report = BatchReport()
    version = runs.RULESET_VERSION
    earlier = {
        (run.case_id, run.profile_hash): run
        for run in ScreeningRun.objects.filter(
            case_id__in=[case.pk for case in cases], ruleset_version=version
        ).only("pk", "case_id", "profile_hash", "verdicts", "ruleset_version")
    }
    screened: list[_Screened] = []
    events: list[CaseEvent] = []
    for case in cases:
        if case.status not in ASSIGNABLE_STATUSES:
            report.skipped += 1  # closed since the job started
            continue
        digest = runs.profile_hash(case.profile)
        previous = case.latest_run.verdicts if case.latest_run_id else {}
        first = case.latest_run_id is None
        run = earlier.get((case.pk, digest))
        if run is not None:
            if run.pk == case.latest_run_id:
                continue  # already screened under these rules
            changes = runs.verdict_changes(previous, run.verdicts)
            screened.append(_Screened(case, run, changes, first, new=False))
            continue
        try:
            result = screen_patient(case.profile)
        except InvalidProfile as exc:
            report.invalid += 1
            events.append(_failed_event(case, version, exc))
            continue
        verdicts = result.verdicts()
        changes = runs.verdict_changes(previous, verdicts) if previous else {}
        run = ScreeningRun(
            case_id=case.pk,
            ruleset_version=version,
            derivation_version=case.derivation_version,
            profile_hash=digest,
            trigger=REDERIVE_TRIGGER if case.pk in reasons else TRIGGER,
            results=runs.encoded_json(results_json(result)),
            verdicts=verdicts,
            changes=changes,
        )
        screened.append(_Screened(case, run, changes, first, new=True))

    ScreeningRun.objects.bulk_create([item.run for item in screened if item.new])
    runs.store_verdict_rows([item.run.pk for item in screened if item.new])
    newly, raised_cases, rescreened = [], [], {}
    for item in screened:
        case = item.case
        case.latest_run = item.run
        case.screening_summary = runs.summarise_verdicts(item.run.verdicts)[:300]
        after, because = reasons.get(case.pk, ("", ""))
        if item.changes or item.first or case.pk in reasons:
            report.changed += bool(item.changes)
            report.changes[case.pk] = item.changes
            rescreened[case.pk] = rescreened_event(
                case.pk,
                item.run,
                item.changes,
                first=item.first,
                summary=case.screening_summary,
                trigger=item.run.trigger,
                after=after,
                because=because,
            )
        likely = newly_likely(item.changes)
        if not likely:
            continue
        newly.append((case, likely, item.run.pk))
        mark_newly_likely(case, likely, now)
        raised = priority_raise(
            case.profile, item.run.verdicts, case.priority, case.due_at, now=now
        )
        if raised is not None:
            case.priority, case.priority_reason = raised.decision.priority, raised.decision.reason
            case.due_at = raised.due
            raised_cases.append(case)
            events.append(raised.event(case.pk))
    report.rescreened = len(screened)
    report.newly_likely, report.raised = len(newly), len(raised_cases)
    _store_case_changes(screened, [case for case, _likely, _run in newly], version)
    if newly:
        told = notify_patients_of_updates(newly, reread=reasons)
        for case, likely, _run in newly:
            if case.pk in told:
                as_patient_update(rescreened[case.pk], likely)
    CaseEvent.objects.bulk_create([*rescreened.values(), *events])
    # Trials match on the profile, which only a re-derivation changes here.
    for case_id in sorted(reasons):
        enqueue("screening.match_case_trials_task", case_id)
    return report


def _store_case_changes(screened: list[_Screened], newly: list[Case], version: str) -> None:
    """The cases' latest run and queue summary, then the newly likely cases' flag and
    priority: one UPDATE each, whatever the batch's size (values repeat across cases)."""
    newest = ScreeningRun.objects.filter(case=OuterRef("pk"), ruleset_version=version)
    update_grouped(
        Case,
        {i.case.pk: {"screening_summary": i.case.screening_summary} for i in screened if i.new},
        # A run just stored is its case's newest under this ruleset.
        latest_run=Subquery(newest.order_by("-pk").values("pk")[:1]),
    )
    update_grouped(  # an earlier run of the same input, the latest again (rare)
        Case,
        {
            i.case.pk: {"latest_run": i.run.pk, "screening_summary": i.case.screening_summary}
            for i in screened
            if not i.new
        },
    )
    update_grouped(
        Case,
        {case.pk: {field: getattr(case, field) for field in NEWLY_LIKELY_FIELDS} for case in newly},
    )


def _failed_event(case: Case, version: str, exc: InvalidProfile) -> CaseEvent:
    return CaseEvent(
        case_id=case.pk,
        kind=EventKind.RESCREEN_FAILED,
        message=f"Could not be re-screened under ruleset {version}: {exc}"[:500],
        data={"ruleset": version, "errors": [str(error) for error in exc.errors][:20]},
    )


def resume_stalled_jobs(now=None) -> int:
    """Queue the steps again of every running job with no progress for SCREENING_STUCK_AFTER
    seconds (its workers died or its messages were lost); returns how many jobs."""
    now = now or timezone.now()
    stalled_since = now - dt.timedelta(seconds=settings.SCREENING_STUCK_AFTER)
    resumed = 0
    for job in RescreenJob.objects.filter(
        state=RescreenJobState.RUNNING, progressed_at__lt=stalled_since
    ):
        with transaction.atomic():
            # Restart the clock so the next sweep waits a full threshold for these steps.
            if RescreenJob.objects.filter(pk=job.pk, progressed_at=job.progressed_at).update(
                progressed_at=now
            ):
                start_workers(job)
                resumed += 1
    return resumed
