"""The treatment step's lists (treatments, transplants) in the answers kept on the draft:
"Add another" and "Remove this" are ordinary submit buttons, so they work without JavaScript
and take effect at once."""

from __future__ import annotations

import re


def _total(stored: dict, prefix: str, default: int = 1) -> int:
    try:
        return int(stored.get(f"{prefix}-TOTAL_FORMS", [str(default)])[0])
    except (TypeError, ValueError):
        return default


def add_entry(stored: dict[str, list[str]], prefix: str, limit: int) -> int:
    """One more blank entry in the list `prefix` (e.g. "treatment-lines"), up to `limit`;
    returns the index of the entry to show."""
    total = max(0, min(_total(stored, prefix), limit - 1))
    stored[f"{prefix}-TOTAL_FORMS"] = [str(total + 1)]
    stored.setdefault(f"{prefix}-INITIAL_FORMS", ["0"])
    return total


def remove_entry(stored: dict[str, list[str]], prefix: str, index: int) -> bool:
    """Remove entry `index` of the list `prefix`, moving the later ones up; False if there is
    no such entry (a stale page)."""
    total = _total(stored, prefix, default=0)
    if not 0 <= index < total:
        return False
    entry = re.compile(rf"^{re.escape(prefix)}-(\d+)-(.+)$")
    kept = {}
    for key, values in stored.items():
        match = entry.match(key)
        if match is None:
            kept[key] = values
            continue
        position, field = int(match[1]), match[2]
        if position < index:
            kept[key] = values
        elif position > index:
            kept[f"{prefix}-{position - 1}-{field}"] = values
    kept[f"{prefix}-TOTAL_FORMS"] = [str(total - 1)]
    initial_key = f"{prefix}-INITIAL_FORMS"
    try:
        initial = int(stored.get(initial_key, ["0"])[0])
    except (TypeError, ValueError):
        initial = 0
    kept[initial_key] = [str(max(0, initial - 1) if index < initial else initial)]
    stored.clear()
    stored.update(kept)
    return True
