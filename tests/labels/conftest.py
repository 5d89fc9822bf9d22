"""Fixtures for the label watch: a local DailyMed and the saved answers it serves."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import pytest

from screening.rules.data.products import PRODUCTS
from tests.labels.dailymed_server import DailyMedServer

DATA = Path(__file__).parent / "data"


def saved(name: str) -> dict:
    """A saved DailyMed answer from tests/labels/data (a missing file fails the test)."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def history_of(set_id: str, version: int, published: str = "Jan 15, 2026") -> dict:
    """A saved history answer (tests/labels/data/history.json) for another set id, whose
    newest version is `version`."""
    document = copy.deepcopy(saved("history.json"))
    document["data"]["spl"]["setid"] = set_id
    document["data"]["history"][0].update(spl_version=version, published_date=published)
    return document


@pytest.fixture
def dailymed(settings):
    """A local DailyMed; the settings point the watch at it."""
    server = DailyMedServer()
    server.thread.start()
    settings.DAILYMED_BASE_URL = server.base_url
    settings.DAILYMED_TIMEOUT = 2.0
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def recorded_labels(monkeypatch):
    """Rule data in which every label records a set id and SPL version 3 (synthetic set ids
    where the real data has none), as it will once a lead has recorded them all."""
    for number, (key, product) in enumerate(sorted(PRODUCTS.items())):
        label = product.label
        set_id = label.set_id or f"00000000-0000-4000-8000-{number:012d}"
        monkeypatch.setitem(
            PRODUCTS,
            key,
            dataclasses.replace(
                product, label=dataclasses.replace(label, set_id=set_id, spl_version=3)
            ),
        )
    return {key: product.label for key, product in PRODUCTS.items()}


@pytest.fixture
def serving_every_label(dailymed, recorded_labels):
    """DailyMed answers version 3 for every label: nothing changed yet."""
    for label in recorded_labels.values():
        dailymed.histories[label.set_id] = history_of(label.set_id, 3)
    return dailymed
