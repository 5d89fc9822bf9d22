"""Cases referred by an organisation through the API: the same `submit_case` as the wizard,
plus who referred it.

`submit_referral` runs `submit_case` (case, status token, "received" event, screening
requested; after commit the screening task and the confirmation email to the contact) and
records the referring organisation in the same transaction, so a case is never without its
owner. The submission key comes from the organisation and its Idempotency-Key when it sent
one: two identical requests racing each other still make one case.
"""

from __future__ import annotations

import hashlib

from django.db import transaction

from screening.core.references import new_token
from screening.intake.submit import submit_case
from screening.models import ApiKey, ApiSubmission, Case, Organisation


def referral_submission_key(organisation: Organisation, idempotency_key: str | None) -> str:
    if not idempotency_key:
        return new_token()
    return hashlib.sha256(f"api:{organisation.pk}:{idempotency_key}".encode()).hexdigest()


def submit_referral(
    organisation: Organisation,
    answers: dict,
    *,
    api_key: ApiKey | None,
    idempotency_key: str | None = None,
    source: str = ApiSubmission.Source.JSON,
    mapping: dict | None = None,
) -> Case:
    """Create (or, for a repeated idempotency key, find) the organisation's case.

    Must run inside the caller's transaction when the caller stores more with it (the API
    stores its idempotent response). Raises InvalidProfile like submit_case; then nothing is
    stored. The case's `raw_status_token` is set only when this call created it.
    """
    key = referral_submission_key(organisation, idempotency_key)
    with transaction.atomic():
        case = submit_case(answers, submission_key=key)
        ApiSubmission.objects.get_or_create(
            case=case,
            defaults={
                "organisation": organisation,
                "api_key": api_key,
                "source": source,
                "mapping": mapping or {},
            },
        )
        if not case.referring_hospital:
            Case.objects.filter(pk=case.pk).update(referring_hospital=organisation.name[:200])
            case.referring_hospital = organisation.name[:200]
    return case
