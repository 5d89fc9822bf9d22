"""Nulls in FHIR JSON, which fhir.resources does not refuse everywhere.

FHIR's JSON has no null values, except in the value array of a repeating primitive as the
placeholder of a position whose `_name` twin carries that position's extension
(`"given": [null], "_given": [{"extension": [...]}]`), and the other way round. fhir.resources
lets any null in such an array through, which once left a Patient's name made of None for the
mapping to trip on (a 500). The bundle is checked before it is parsed, so every misplaced null
is refused with its place and nothing downstream ever sees one.
"""

from __future__ import annotations

from typing import Any

Location = tuple[str | int, ...]


def _message(location: Location) -> str:
    if len(location) > 1 and isinstance(location[-1], int) and isinstance(location[-2], str):
        name = location[-2].lstrip("_")
        return (
            f"Not valid FHIR R4: a null in {name} only holds the place of an extension at the "
            f"same position of _{name}; leave the value out instead."
        )
    return "Not valid FHIR R4: null is not a value; leave the element out instead."


def misplaced_nulls(raw: Any, *, limit: int) -> list[tuple[Location, str]]:
    """Where the document has a null FHIR does not allow (at most `limit`), with why; sorted
    by place. Iterative, so a deeply nested document cannot exhaust the stack."""
    found: list[tuple[Location, str]] = []
    # (where, value, the object holding it)
    stack: list[tuple[Location, Any, dict | None]] = [((), raw, None)]
    while stack and len(found) < limit:
        location, value, owner = stack.pop()
        twin = None
        if isinstance(value, dict):
            items = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
            if owner is not None and isinstance(location[-1], str):
                name = location[-1]
                twin = owner.get(name[1:] if name.startswith("_") else f"_{name}")
        else:
            continue
        for key, item in items:
            here = (*location, key)
            if item is not None:
                stack.append((here, item, value if isinstance(value, dict) else None))
            elif not (isinstance(twin, list) and key < len(twin) and twin[key] is not None):
                found.append((here, _message(here)))
    return sorted(found[:limit], key=lambda pair: [str(part) for part in pair[0]])
