"""One UPDATE for many rows whose new values repeat (a bulk re-screen's cases).

Django's `bulk_update` writes one `CASE WHEN id = … THEN …` branch per row and field, and
building those expressions costs more than the query. When the new values repeat (the same
queue summary or flag for many cases), `update_grouped` writes one branch per distinct value,
`CASE WHEN id IN (…) THEN …`, in one statement whatever the number of rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db.models import Case, Model, Value, When


def _key(value: Any):
    return (
        json.dumps(value, sort_keys=True, default=str) if isinstance(value, list | dict) else value
    )


def update_grouped(model: type[Model], rows: Mapping[int, Mapping[str, Any]], **also) -> int:
    """Set each row's fields (pk → {field name: value}, the same names for every row) in one
    UPDATE, with `also` (expressions, e.g. a Subquery) set on every row; returns the number
    of rows updated."""
    if not rows:
        return 0
    updates = dict(also)
    for name in next(iter(rows.values())):
        field = model._meta.get_field(name)
        groups: dict[Any, tuple[Any, list[int]]] = {}
        for pk, values in rows.items():
            groups.setdefault(_key(values[name]), (values[name], []))[1].append(pk)
        whens = [
            When(pk__in=pks, then=Value(value, output_field=field))
            for value, pks in groups.values()
        ]
        updates[name] = whens[0].result if len(whens) == 1 else Case(*whens, output_field=field)
    return model._default_manager.filter(pk__in=list(rows)).update(**updates)
