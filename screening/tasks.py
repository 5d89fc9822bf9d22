"""Celery tasks. Thin: check input, call a service. Messages carry primary keys only."""

from celery import shared_task


@shared_task(name="screening.ping_task")
def ping_task(nonce: str) -> dict:
    """Echo a nonce with the worker's name: proves a message made the full round trip.

    Idempotent and touches no data; used by the queue tests and by operators
    (`celery -A navigator call screening.ping_task --args='["x"]'`).
    """
    from celery import current_task

    return {"nonce": nonce, "worker": current_task.request.hostname}


@shared_task(name="screening.screen_case_task")
def screen_case_task(case_id: int) -> None:
    """Screen one case (ids only in the message); see screening.services.pipeline."""
    from screening.services.pipeline import screen_case

    screen_case(case_id)
