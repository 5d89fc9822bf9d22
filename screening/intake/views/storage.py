"""Where the wizard keeps its answers: an IntakeDraft row, never the session or a file.

The session holds only the draft's key. Nothing is written for a visitor who has not answered
anything, and changes are written once per request, when the response is ready.
"""

from __future__ import annotations

import copy
import json

from django.core.serializers.json import DjangoJSONEncoder
from formtools.wizard.storage.base import BaseStorage

from screening.intake.submit import create_draft, get_live_draft, save_draft

DRAFT_SESSION_KEY = "intake_draft"

# Raw answers kept from a step that is left unfinished (Back, Save): bounded, so a draft
# cannot be used to park megabytes.
MAX_STORED_VALUE = 5000
MAX_STORED_VALUES = 50
MAX_STORED_KEYS = 400


class DraftStorage(BaseStorage):
    """formtools storage kept in an IntakeDraft row; the session holds only the draft key.

    Nothing is written for a visitor who has not answered anything yet. Changes are written
    once per request, when the response is ready (`update_response`).
    """

    def __init__(self, prefix, request=None, file_storage=None):
        super().__init__(prefix, request, file_storage)
        self.draft = get_live_draft(request.session.get(DRAFT_SESSION_KEY))
        if self.draft is not None and self.draft.data:
            self._data = copy.deepcopy(self.draft.data)
            for key, empty in ((self.step_data_key, {}), (self.extra_data_key, {})):
                self._data.setdefault(key, empty)
            self._data.setdefault(self.step_key, None)
            self._data.setdefault(self.step_files_key, {})
        else:
            self.init_data()
        self._saved = self._dump()

    def _get_data(self):
        return self._data

    def _set_data(self, value):
        self._data = value

    data = property(_get_data, _set_data)

    def _dump(self) -> str:
        return json.dumps(self._data, sort_keys=True, cls=DjangoJSONEncoder)

    def reset(self):
        super().reset()
        self.detach()

    def detach(self):
        """Forget the draft (after submit, or when starting again); it expires on its own."""
        self.draft = None
        self.request.session.pop(DRAFT_SESSION_KEY, None)

    def ensure_draft(self):
        if self.draft is None:
            self.draft = create_draft(self._data)
            self.request.session[DRAFT_SESSION_KEY] = self.draft.key
            self._saved = self._dump()
        return self.draft

    def persist(self):
        current = self._dump()
        if current == self._saved:
            return
        if self.draft is None:
            if not self._data[self.step_data_key]:
                return  # nothing answered yet: keep no row for a passing visitor or bot
            self.ensure_draft()
        elif not save_draft(self.draft, self._data):
            self.detach()  # submitted meanwhile (another tab, a double click)
        self._saved = current

    def update_response(self, response):
        super().update_response(response)
        self.persist()


def storable(data, prefix: str) -> dict:
    """A step's posted values, fit to keep in the draft: only the step's own keys, size-capped,
    and without NUL characters (PostgreSQL's JSON cannot hold them; no field accepts them)."""
    result = {}
    for key, values in data.lists():
        if len(result) >= MAX_STORED_KEYS:
            break
        if not key.startswith(prefix) or "\x00" in key:
            continue
        result[key] = [
            str(value)[:MAX_STORED_VALUE].replace("\x00", "")
            for value in values[:MAX_STORED_VALUES]
        ]
    return result
