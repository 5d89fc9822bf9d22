"""Celery tasks. Thin: check input, call one stage function. Messages carry primary keys only.

The only module that imports every stage; nothing imports it (stages enqueue by name through
screening.jobs.enqueue).
"""

import logging
import smtplib

import kombu.exceptions
import redis.exceptions
from celery import shared_task, signals
from django import db

logger = logging.getLogger(__name__)

# Retried with exponential backoff (jittered, capped); anything else fails the task, and the
# sweeper (screening/pipeline/sweeper.py) picks the case up again later from the database.
TRANSIENT_ERRORS = (
    db.OperationalError,  # database restarting, SQLite busy past its timeout
    db.InterfaceError,  # connection dropped
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,  # broker unreachable while enqueueing a follow-up
    ConnectionError,  # includes refused/reset sockets (mail server)
    TimeoutError,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
)
# The pipeline's tasks: acknowledged after they finish and requeued if the worker dies
# (idempotent, so running twice is safe), no stored results, bounded retries. The longest
# backoff (300 s) stays far below the broker's visibility timeout.
PIPELINE_TASK = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


@signals.task_postrun.connect
def close_spent_database_connections(task=None, **kwargs) -> None:
    """After a task, close the database connections Django would close after a request: broken
    ones, and those older than CONN_MAX_AGE (SQLite: 0, so every task; PostgreSQL: 60 s).
    Celery's own per-task close is relaxed by CELERY_DB_REUSE_MAX (see settings)."""
    if task is not None and getattr(task.request, "is_eager", False):
        return  # inside the caller's request or transaction
    for connection in db.connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()


@shared_task(name="screening.ping_task")
def ping_task(nonce: str) -> dict:
    """Echo a nonce with the worker's name: proves a message made the full round trip.

    Idempotent and touches no data; used by the queue tests and by operators
    (`celery -A navigator call screening.ping_task --args='["x"]'`).
    """
    from celery import current_task

    return {"nonce": nonce, "worker": current_task.request.hostname}


@shared_task(name="screening.screen_case_task", **PIPELINE_TASK)
def screen_case_task(case_id: int) -> None:
    """Screen, prioritise, assign and notify one case; see screening.pipeline.screen."""
    from screening.pipeline.screen import screen_case

    screen_case(case_id)


@shared_task(name="screening.deliver_email_task", **PIPELINE_TASK)
def deliver_email_task(email_id: int) -> None:
    """Send one outbox email unless it was sent; see screening.notify.delivery."""
    from screening.notify.delivery import deliver_email

    deliver_email(email_id)


@shared_task(name="screening.deliver_emails_task", **PIPELINE_TASK)
def deliver_emails_task(*email_ids: int) -> None:
    """Send outbox emails queued together (screening.notify.outbox.queue_emails), each unless
    it was sent; a redelivery after a worker died sends only what is left."""
    from screening.notify.delivery import deliver_email

    for email_id in email_ids:
        deliver_email(email_id)


@shared_task(name="screening.deliver_webhook_task", **PIPELINE_TASK)
def deliver_webhook_task(delivery_id: int) -> None:
    """POST one signed webhook unless it was delivered or is not due; see notify.webhooks."""
    from screening.notify.webhooks import deliver_webhook

    deliver_webhook(delivery_id)


@shared_task(name="screening.process_document_task", **PIPELINE_TASK)
def process_document_task(document_id: int) -> None:
    """Virus-scan an uploaded document and extract its text; see screening.documents.processing."""
    from screening.documents.processing import process_document

    process_document(document_id)


@shared_task(name="screening.start_rescreen_task", **PIPELINE_TASK)
def start_rescreen_task() -> int:
    """Start the bulk re-screen if open cases are not screened under the current ruleset or
    derivation (beat, hourly; one query when none are); returns its case count."""
    from screening.intake.rederive import start_rescreen

    job = start_rescreen(reason="the ruleset or the derivation changed (hourly check)")
    return job.total if job else 0


@shared_task(name="screening.rescreen_job_task", bind=True, **PIPELINE_TASK)
def rescreen_job_task(self, job_id: int) -> None:
    """One step of a bulk re-screen: claim a batch, screen it, queue the next step (behind
    whatever else is waiting); see screening.pipeline.bulk_rescreen."""
    from screening.intake.rederive import rederive_for_rescreen
    from screening.jobs import enqueue
    from screening.pipeline.bulk_rescreen import rescreen_next_batch

    while rescreen_next_batch(job_id, prepare=rederive_for_rescreen):
        if not self.request.is_eager:  # eagerly (no broker), loop instead of recursing
            enqueue("screening.rescreen_job_task", job_id)
            return


@shared_task(name="screening.check_labels_task", **PIPELINE_TASK)
def check_labels_task() -> int:
    """Ask DailyMed for every label's current version (beat, weekly); see screening.labels."""
    from screening.labels.watch import check_labels_live

    report = check_labels_live()
    for line in report.lines():
        logger.info("Label watch: %s", line)
    return len(report.new_changes)


@shared_task(name="screening.sweep_pipeline_task", acks_late=True, ignore_result=True)
def sweep_pipeline_task() -> None:
    """Re-enqueue stuck cases, emails and documents (beat); see screening.pipeline.sweeper."""
    from screening.pipeline.sweeper import sweep_pipeline

    sweep_pipeline()


@shared_task(name="screening.purge_expired_drafts_task", acks_late=True, ignore_result=True)
def purge_expired_drafts_task() -> int:
    """Delete expired intake drafts and their files (beat, hourly); see screening.intake.submit."""
    from screening.intake.submit import purge_expired_drafts

    return purge_expired_drafts().drafts


@shared_task(name="screening.purge_expired_documents_task", acks_late=True, ignore_result=True)
def purge_expired_documents_task() -> int:
    """Delete the documents of cases closed longer than DOCUMENT_RETENTION_DAYS (beat, daily);
    see screening.documents.retention."""
    from screening.documents.retention import purge_expired_documents

    return purge_expired_documents().documents


@shared_task(name="screening.purge_idempotency_records_task", acks_late=True, ignore_result=True)
def purge_idempotency_records_task() -> int:
    """Forget the API's stored first responses older than 7 days (beat, hourly)."""
    from screening.core.idempotency import purge_idempotency_records

    return purge_idempotency_records()


@shared_task(name="screening.match_trials_batch_task", **PIPELINE_TASK)
def match_trials_batch_task(*case_ids: int) -> None:
    """Match these cases against the trial catalogue; see screening.trials.matching."""
    from screening.trials.matching import match_cases

    match_cases(case_ids)


@shared_task(name="screening.match_case_trials_task", **PIPELINE_TASK)
def match_case_trials_task(case_id: int) -> None:
    """Match one case after a screening run (its profile may have changed)."""
    from screening.trials.matching import match_cases

    match_cases([case_id], force=True)


@shared_task(name="screening.rematch_trials_task", **PIPELINE_TASK)
def rematch_trials_task() -> int:
    """Enqueue batches of open cases not matched against the current catalogue (beat, hourly)."""
    from screening.trials.matching import rematch_open_cases

    return rematch_open_cases()


@shared_task(name="screening.refresh_trials_task", **PIPELINE_TASK)
def refresh_trials_task() -> None:
    """Re-read the recruiting set from ClinicalTrials.gov (beat, weekly); see trials.catalogue."""
    from screening.trials.catalogue import refresh_recruiting_trials
    from screening.trials.matching import rematch_open_cases

    report = refresh_recruiting_trials()
    for line in report.lines():
        logger.info("Trial refresh: %s", line)
    if report.changed:
        rematch_open_cases()


@shared_task(name="screening.send_daily_digests_task", **PIPELINE_TASK)
def send_daily_digests_task() -> int:
    """Queue today's digest for each coordinator and lead (beat, at DIGEST_HOUR local time);
    once per person and local day, so a retry or a second run sends nothing twice. See
    screening.triage.digest."""
    from screening.triage.digest import send_daily_digests

    return send_daily_digests().queued


@shared_task(name="screening.send_patient_summary_task", **PIPELINE_TASK)
def send_patient_summary_task(case_id: int, user_id: int, asked_at: int) -> str:
    """Email the patient their case summary for a lead's bulk request (once per request, so a
    redelivered job sends nothing twice); see screening.summaries.bulk."""
    from screening.summaries.bulk import send_patient_summary

    return send_patient_summary(case_id, user_id, asked_at)
