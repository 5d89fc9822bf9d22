"""Reading DailyMed's answers: the newest version of a history, the labels of a listing, and a
specific error for anything else."""

from __future__ import annotations

import datetime as dt

import pytest

from screening.labels.dailymed import (
    DailyMedClient,
    DailyMedError,
    load_json,
    parse_history,
    parse_listing,
)
from tests.labels.conftest import history_of, saved

KYMRIAH = "aad3ba54-dfd3-4cb3-9e2b-c5ef89559189"


def test_the_newest_version_of_a_history_is_read_whatever_the_order():
    document = saved("kymriah-history.json")
    document["data"]["history"].reverse()

    version = parse_history(document, KYMRIAH.upper())

    assert (version.set_id, version.spl_version) == (KYMRIAH, 4)
    assert version.published == dt.date(2026, 11, 20)
    assert version.title.startswith("KYMRIAH")


@pytest.mark.parametrize(
    "published, expected",
    [
        ("Nov 20, 2026", dt.date(2026, 11, 20)),
        ("November 20, 2026", dt.date(2026, 11, 20)),
        ("2026-11-20", dt.date(2026, 11, 20)),
        ("20261120", dt.date(2026, 11, 20)),
        ("null", None),
        (None, None),
    ],
)
def test_dates_are_read_in_the_forms_the_service_uses(published, expected):
    document = history_of(KYMRIAH, 4, published)
    assert parse_history(document, KYMRIAH).published == expected


def test_versions_sent_as_strings_are_read():
    document = history_of(KYMRIAH, 4)
    document["data"]["history"][0]["spl_version"] = "12"
    assert parse_history(document, KYMRIAH).spl_version == 12


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["data"]["history"][0].update(spl_version="seven"), "spl_version 'seven'"),
        (lambda d: d["data"]["history"][0].update(spl_version=0), "spl_version 0"),
        (lambda d: d["data"]["history"][0].update(spl_version=True), "spl_version True"),
        (lambda d: d["data"]["history"][0].update(published_date="someday"), "'someday'"),
        (lambda d: d["data"].update(history=[]), "lists no version"),
        (lambda d: d["data"].update(history=["v4"]), "version entry 1 is not an object"),
        (lambda d: d["data"].pop("history"), "no 'data.history'"),
        (lambda d: d["data"]["spl"].update(setid="0-other"), "about set id 0-other"),
    ],
)
def test_an_answer_that_is_not_a_history_of_this_label_is_refused_saying_why(change, message):
    document = history_of(KYMRIAH, 4)
    change(document)
    with pytest.raises(DailyMedError, match=message):
        parse_history(document, KYMRIAH)


def test_a_listing_gives_every_label_of_the_brand():
    labels = parse_listing(saved("lunsumio-listing.json"))
    assert [(v.spl_version, v.title.split(" (")[0]) for v in labels] == [
        (7, "LUNSUMIO"),
        (1, "LUNSUMIO VELO"),
    ]


def test_a_listing_entry_without_a_set_id_is_refused():
    document = saved("lunsumio-listing.json")
    del document["data"][1]["setid"]
    with pytest.raises(DailyMedError, match="label entry 2 has no setid"):
        parse_listing(document)


def test_text_that_is_not_json_says_where_it_broke():
    with pytest.raises(DailyMedError, match=r"answer\.json is not JSON \(line 1, column 2"):
        load_json("{oops", "answer.json")


def test_the_client_refuses_a_base_url_that_is_not_http():
    with pytest.raises(ValueError, match="must be an http"):
        DailyMedClient("file:///etc/passwd")


def test_an_unreachable_service_is_a_specific_error():
    client = DailyMedClient("http://127.0.0.1:9/dailymed/services/v2", timeout=1)
    with pytest.raises(DailyMedError, match="could not be reached"):
        client.current_version(KYMRIAH)
