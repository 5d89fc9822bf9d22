import pytest
from django.urls import reverse

from navigator.celery import app as celery_app

PRODUCTS = [
    "Kymriah",
    "Yescarta",
    "Breyanzi",
    "Tecartus",
    "Aucatzyl",
    "Abecma",
    "Carvykti",
    "Besponsa",
    "Blincyto",
    "Revuforj",
]


@pytest.mark.django_db
def test_it_says_what_navigator_does_and_does_not_do(client):
    response = client.get(reverse("home"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Not medical advice" in html
    assert "human coordinator" in html
    assert "It does not give medical advice." in html
    for product in PRODUCTS:
        assert product in html


@pytest.mark.django_db
def test_it_serves_bootstrap_locally_not_from_a_cdn(client):
    html = client.get(reverse("home")).content.decode()

    assert "/static/vendor/bootstrap-5.3.8/bootstrap.min.css" in html
    assert "cdn" not in html.lower()


def test_it_registers_the_ping_task_on_the_celery_app():
    assert "screening.ping_task" in celery_app.tasks


@pytest.mark.django_db
def test_it_answers_an_unknown_address_with_a_404_page_carrying_the_notice(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Not medical advice" in response.content.decode()
