"""A small client for the ClinicalTrials.gov API v2 `/studies` endpoint.

Paging follows the API's rules: the first request has no `pageToken`; each later one repeats
exactly the first request's parameters plus the `nextPageToken` just received; paging stops
when a page has no `nextPageToken` (an empty page is not the end). Requests are spaced by a
polite minimum interval (the registry is said to allow about 50 a minute per address), and a
429 or 5xx answer, a timeout or a refused connection is retried with exponential backoff
(honouring `Retry-After`) before the client gives up with `RegistryError`.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

# The modules the importer reads (ctgov-v2.md section 4); the rest is never fetched.
FIELDS = "|".join(
    f"protocolSection.{module}"
    for module in (
        "identificationModule",
        "statusModule",
        "sponsorCollaboratorsModule",
        "conditionsModule",
        "designModule",
        "armsInterventionsModule",
        "eligibilityModule",
        "contactsLocationsModule",
    )
)
RECRUITING_QUERY = {
    "query.cond": "leukemia OR lymphoma OR myeloma OR lymphoblastic",
    "query.intr": (
        '"chimeric antigen receptor" OR CAR-T OR CAR-NK OR CRISPR OR "base edit" OR allogeneic'
    ),
    "filter.overallStatus": "RECRUITING|NOT_YET_RECRUITING",
}
QUERY_KEYS = frozenset(
    {
        "query.cond",
        "query.intr",
        "query.term",
        "query.titles",
        "query.locn",
        "query.spons",
        "query.lead",
        "query.id",
        "filter.overallStatus",
        "filter.ids",
        "filter.advanced",
    }
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class RegistryError(Exception):
    """The registry could not be read (after retries); the message says what happened."""


class RegistryClient:
    def __init__(
        self,
        base_url: str,
        *,
        min_interval: float = 1.2,
        retries: int = 4,
        backoff: float = 2.0,
        timeout: float = 30.0,
        page_size: int = 200,
        sleep=time.sleep,
        clock=time.monotonic,
    ):
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError(f"CTGOV_BASE_URL must be an http(s) URL, not {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.min_interval = min_interval
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.page_size = page_size
        self.requests = 0
        self._sleep = sleep
        self._clock = clock
        self._last_request: float | None = None

    def pages(self, query: dict[str, str]) -> Iterator[tuple[int, list[Any]]]:
        """(page number, studies) for every page of the query, first to last."""
        params = {
            "format": "json",
            "fields": FIELDS,
            "sort": "LastUpdatePostDate:desc",
            **query,
            "pageSize": str(self.page_size),
        }
        number = 1
        token = None
        while True:
            page = self._get_json(params if token is None else {**params, "pageToken": token})
            studies = page.get("studies") if isinstance(page, dict) else None
            if not isinstance(studies, list):
                raise RegistryError(f"page {number}: the answer has no 'studies' list")
            yield number, studies
            token = page.get("nextPageToken")
            if not token:
                return
            number += 1

    def _wait_turn(self) -> None:
        if self._last_request is not None:
            remaining = self.min_interval - (self._clock() - self._last_request)
            if remaining > 0:
                self._sleep(remaining)
        self._last_request = self._clock()

    def _get_json(self, params: dict[str, str]) -> Any:
        url = f"{self.base_url}/studies?{urllib.parse.urlencode(params)}"
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self._sleep(self._delay(attempt, problem))
            self._wait_turn()
            self.requests += 1
            try:
                request = urllib.request.Request(url, headers={"Accept": "application/json"})
                # The scheme is checked to be http(s) in __init__ (no file: or custom schemes).
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # nosec B310
                    body = response.read()
            except urllib.error.HTTPError as error:
                problem = f"HTTP {error.code}"
                retry_after = error.headers.get("Retry-After") if error.headers else None
                if error.code not in RETRY_STATUSES:
                    raise RegistryError(f"the registry refused the request: {problem}") from None
                problem = f"{problem}|{retry_after or ''}"
                continue
            except (
                urllib.error.URLError,
                http.client.HTTPException,
                TimeoutError,
                ConnectionError,
            ) as error:
                reason = getattr(error, "reason", error)
                problem = f"network error: {reason}"
                continue
            try:
                return json.loads(body)
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise RegistryError(
                    "the registry answered with something that is not JSON"
                ) from None
        shown = problem.split("|")[0]
        raise RegistryError(
            f"the registry did not answer after {self.retries + 1} attempts ({shown})"
        )

    def _delay(self, attempt: int, problem: str) -> float:
        _, _, retry_after = problem.partition("|")
        if retry_after.strip().isdigit():
            return float(retry_after.strip())
        return self.backoff * 2 ** (attempt - 1)
