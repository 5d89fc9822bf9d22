"""A lead's review of a label change (screening/labels/watch.py records them)."""

from django.utils import timezone

from screening.models import LabelChange


def review_label_change(change: LabelChange, *, by, note: str = "") -> bool:
    """A lead has read the new label: the change leaves the dashboard, with who, when and what
    they decided (e.g. "rule data updated to version 7" or "wording unchanged"). Returns False
    if it was already reviewed."""
    return bool(
        LabelChange.objects.filter(pk=change.pk, reviewed_at__isnull=True).update(
            reviewed_at=timezone.now(), reviewed_by=by, review_note=note.strip()[:500]
        )
    )
