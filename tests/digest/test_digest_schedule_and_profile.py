"""When the digest runs (beat, DIGEST_HOUR local time in TIME_ZONE, both environment settings)
and the coordinator's own switch for it on their profile."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from navigator.celery import app
from screening import tasks
from screening.core.roles import sync_roles
from screening.models import CoordinatorProfile
from tests.auth import staff_login
from tests.factories import CoordinatorFactory
from tests.foundation.test_settings import run_python

SCHEDULE_OF = """
import django, json
django.setup()
from django.conf import settings
from navigator.celery import app
entry = app.conf.beat_schedule["daily-digest"]
schedule = entry["schedule"]
print(json.dumps({
    "task": entry["task"], "hour": sorted(schedule.hour), "minute": sorted(schedule.minute),
    "tz": str(schedule.tz), "app_tz": str(app.timezone), "time_zone": settings.TIME_ZONE,
}))
"""


def test_the_digest_runs_once_a_day_at_the_configured_hour_in_the_apps_time_zone():
    entry = settings.CELERY_BEAT_SCHEDULE["daily-digest"]
    schedule = entry["schedule"]

    assert entry["task"] == tasks.send_daily_digests_task.name
    assert isinstance(schedule, crontab)
    assert (schedule.hour, schedule.minute) == ({settings.DIGEST_HOUR}, {0})
    assert schedule.day_of_week == set(range(7))
    assert app.timezone == ZoneInfo(settings.TIME_ZONE) == schedule.tz
    assert tasks.send_daily_digests_task.acks_late
    assert tasks.send_daily_digests_task.ignore_result


def test_time_zone_and_digest_hour_come_from_the_environment():
    result = run_python(SCHEDULE_OF, TIME_ZONE="Europe/Madrid", DIGEST_HOUR="6")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "task": "screening.send_daily_digests_task",
        "hour": [6],
        "minute": [0],
        "tz": "Europe/Madrid",
        "app_tz": "Europe/Madrid",
        "time_zone": "Europe/Madrid",
    }


def test_an_hour_outside_the_day_is_refused_at_start_up():
    result = run_python("import django; django.setup()", DIGEST_HOUR="24")

    assert result.returncode != 0
    assert "DIGEST_HOUR must be an hour from 0 to 23, not 24." in result.stderr


@pytest.mark.django_db(transaction=True)  # the scheduler closes and reopens connections
def test_beat_writes_the_digest_into_its_database_schedule_in_local_time():
    DatabaseScheduler(app=app)  # what `celery -A navigator beat` does when it starts

    digest = PeriodicTask.objects.get(name="daily-digest")
    assert digest.task == "screening.send_daily_digests_task"
    assert (digest.crontab.hour, digest.crontab.minute) == (str(settings.DIGEST_HOUR), "0")
    assert str(digest.crontab.timezone) == settings.TIME_ZONE
    assert digest.expire_seconds == 4 * 3600


@pytest.mark.django_db
def test_a_coordinator_switches_their_own_digest_off_and_on_but_not_a_colleagues(client):
    sync_roles()
    coordinator, colleague = CoordinatorFactory(), CoordinatorFactory()
    own = CoordinatorProfile.objects.get(user=coordinator)
    theirs = CoordinatorProfile.objects.get(user=colleague)
    staff_login(client, coordinator)

    def post(profile, **data):
        url = reverse("admin:screening_coordinatorprofile_change", args=[profile.pk])
        return client.post(url, {"languages": "en", "accepting_cases": "on", **data})

    page = client.get(reverse("admin:screening_coordinatorprofile_change", args=[own.pk]))
    assert 'name="daily_digest"' in page.text
    assert post(own).status_code == 302  # the box unticked
    own.refresh_from_db()
    assert own.daily_digest is False
    assert post(own, daily_digest="on").status_code == 302
    own.refresh_from_db()
    assert own.daily_digest is True
    assert post(theirs).status_code == 403
    theirs.refresh_from_db()
    assert theirs.daily_digest is True
