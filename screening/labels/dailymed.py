"""A small client for DailyMed's web services (v2): the current version of a label.

Two resources are read, in their JSON form:
- `/spls/{SETID}/history.json`: every published version of one label,
  `{"metadata": {...}, "data": {"spl": {"setid", "title"}, "history": [{"spl_version": 14,
  "published_date": "Feb 26, 2019"}, ...]}}`;
- `/spls.json?drug_name=NAME&name_type=brand`: the labels of a brand, when no set id is
  recorded, `{"metadata": {...}, "data": [{"setid", "spl_version", "title",
  "published_date"}, ...]}`.

A saved copy of either answer (e.g. from `curl`) is read by the same parsers. Anything that is
not such an answer raises `DailyMedError` saying what is wrong; a request that times out, is
refused or answers with an error status raises it too. No retries: the watch runs weekly and
reports a failure per product, and the next run asks again.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%Y-%m-%d", "%Y%m%d")


class DailyMedError(Exception):
    """DailyMed could not be read, or its answer is not what the watch expects."""


@dataclass(frozen=True)
class LabelVersion:
    set_id: str
    spl_version: int
    published: dt.date | None
    title: str = ""


def _version(value: Any, where: str) -> int:
    # The service sends numbers, and strings in its metadata; either is read, nothing else.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise DailyMedError(f"{where}: spl_version {value!r} is not a version number")
    try:
        number = int(value)
    except ValueError:
        raise DailyMedError(f"{where}: spl_version {value!r} is not a version number") from None
    if number < 1:
        raise DailyMedError(f"{where}: spl_version {value!r} is not a version number")
    return number


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, "", "null"):
        return None
    if not isinstance(value, str):
        raise DailyMedError(f"{where}: published_date {value!r} is not a date")
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise DailyMedError(f"{where}: published_date {value!r} is not a date")


def load_json(text: str | bytes, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DailyMedError(
            f"{source} is not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except UnicodeDecodeError:
        raise DailyMedError(f"{source} is not UTF-8 text") from None


def is_history(document: Any) -> bool:
    data = document.get("data") if isinstance(document, dict) else None
    return isinstance(data, dict) and "history" in data


def is_listing(document: Any) -> bool:
    return isinstance(document, dict) and isinstance(document.get("data"), list)


def history_set_id(document: Any) -> str:
    """The set id a history answer is about ("" when it names none)."""
    spl = document["data"].get("spl") if is_history(document) else None
    set_id = spl.get("setid") if isinstance(spl, dict) else None
    return set_id.strip().lower() if isinstance(set_id, str) else ""


def parse_history(document: Any, set_id: str) -> LabelVersion:
    """The newest version in a `/spls/{SETID}/history` answer about `set_id`."""
    if not is_history(document):
        raise DailyMedError("the answer has no 'data.history' list of versions")
    named = history_set_id(document)
    if named and named != set_id.lower():
        raise DailyMedError(f"the answer is about set id {named}, not {set_id}")
    entries = document["data"]["history"]
    if not isinstance(entries, list) or not entries:
        raise DailyMedError("the answer lists no version of the label")
    spl = document["data"].get("spl")
    title = spl.get("title", "") if isinstance(spl, dict) else ""
    versions = []
    for number, entry in enumerate(entries, start=1):
        where = f"version entry {number}"
        if not isinstance(entry, dict):
            raise DailyMedError(f"{where} is not an object")
        versions.append(
            LabelVersion(
                set_id=set_id.lower(),
                spl_version=_version(entry.get("spl_version"), where),
                published=_date(entry.get("published_date"), where),
                title=title if isinstance(title, str) else "",
            )
        )
    return max(versions, key=lambda version: version.spl_version)


def parse_listing(document: Any) -> list[LabelVersion]:
    """Every label in a `/spls` answer, as listed (one current version per set id)."""
    if not is_listing(document):
        raise DailyMedError("the answer has no 'data' list of labels")
    labels = []
    for number, entry in enumerate(document["data"], start=1):
        where = f"label entry {number}"
        if not isinstance(entry, dict):
            raise DailyMedError(f"{where} is not an object")
        set_id = entry.get("setid")
        if not isinstance(set_id, str) or not set_id.strip():
            raise DailyMedError(f"{where} has no setid")
        title = entry.get("title")
        labels.append(
            LabelVersion(
                set_id=set_id.strip().lower(),
                spl_version=_version(entry.get("spl_version"), where),
                published=_date(entry.get("published_date"), where),
                title=title if isinstance(title, str) else "",
            )
        )
    return labels


class DailyMedClient:
    def __init__(self, base_url: str, *, timeout: float = 10.0):
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError(f"DAILYMED_BASE_URL must be an http(s) URL, not {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def current_version(self, set_id: str) -> LabelVersion:
        path = f"/spls/{urllib.parse.quote(set_id)}/history.json"
        return parse_history(self._get_json(path, {"pagesize": "100"}), set_id)

    def brand_labels(self, brand: str) -> list[LabelVersion]:
        query = {"drug_name": brand, "name_type": "brand", "pagesize": "100"}
        return parse_listing(self._get_json("/spls.json", query))

    def _get_json(self, path: str, query: dict[str, str]) -> Any:
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(query)}"
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        try:
            # The scheme is checked to be http(s) in __init__ (no file: or custom schemes).
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # nosec B310
                body = response.read()
        except urllib.error.HTTPError as error:
            raise DailyMedError(f"DailyMed answered HTTP {error.code}") from None
        except (TimeoutError, ConnectionError, http.client.HTTPException) as error:
            raise DailyMedError(_network_problem(error, self.timeout)) from None
        except urllib.error.URLError as error:
            raise DailyMedError(_network_problem(error.reason, self.timeout)) from None
        return load_json(body, "DailyMed's answer")


def _network_problem(reason: Any, timeout: float) -> str:
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return f"DailyMed did not answer within {timeout:g} s"
    return f"DailyMed could not be reached ({reason})"
