"""The coordinators' daily digest: one email each morning, at DIGEST_HOUR in TIME_ZONE (beat).

Each coordinator gets their open cases that are overdue, due today (local day) or new to
them (assigned in the 24 hours before the digest); a lead also gets the team's overdue list and
the number of open cases nobody is assigned to. References, first names, due times and links
only: never a diagnosis, a verdict or anything else medical (a test asserts on the bodies).

Decisions the issue left open (README "Daily digest"):
- A case is listed once, in its most pressing section: overdue, then due today, then new.
- Nothing to report means no email (an empty digest teaches people to ignore the next one).
- Each section lists at most LIST_LIMIT cases and says how many more there are, with a link to
  the queue (a lead's team list can be long).
- Who gets one: active staff in the Coordinator or Lead group with an email address, unless
  they switched `daily_digest` off on their coordinator profile (no profile: on).
- Once per person and local day: the outbox key is `daily_digest:<user id>:<local date>`, so a
  retried, duplicated or re-run task queues nothing new.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from screening.core.roles import COORDINATOR, LEAD
from screening.models import Case, CoordinatorProfile, Notification
from screening.models.case import OPEN_STATUSES
from screening.notify.outbox import queue_email

logger = logging.getLogger(__name__)

TEMPLATE = "daily_digest"
LIST_LIMIT = 50
NEW_WINDOW = dt.timedelta(hours=24)


@dataclass(frozen=True)
class DigestLine:
    """One case in a digest: nothing medical, by construction."""

    reference: str
    first_name: str
    due_at: dt.datetime | None
    url: str
    assignee: str = ""


@dataclass
class Section:
    title: str
    lines: list[DigestLine] = field(default_factory=list)
    total: int = 0
    more_url: str = ""

    @property
    def more(self) -> int:
        return self.total - len(self.lines)


@dataclass
class Digest:
    user: object
    day: dt.date
    sections: list[Section]
    unassigned: int | None = None  # leads only
    unassigned_url: str = ""
    profile_url: str = ""

    @property
    def key(self) -> str:
        return f"{TEMPLATE}:{self.user.pk}:{self.day.isoformat()}"

    @property
    def is_empty(self) -> bool:
        return not any(s.total for s in self.sections) and not self.unassigned

    def summary(self) -> str:
        """The subject's counts, e.g. "2 overdue, 1 due today, 3 new; team: 9 overdue"."""
        words = ("overdue", "due today", "new", "overdue")
        own = [f"{s.total} {w}" for s, w in zip(self.sections[:3], words, strict=False) if s.total]
        text = ", ".join(own) or "nothing of your own"
        if self.unassigned is not None:
            text += f"; team: {self.sections[3].total} overdue, {self.unassigned} unassigned"
        return text


def local_day(now: dt.datetime) -> tuple[dt.date, dt.datetime]:
    """The local date at `now` in TIME_ZONE and the moment the next local day starts."""
    zone = timezone.get_default_timezone()
    day = timezone.localtime(now, zone).date()
    return day, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)


class _Links:
    """Admin addresses, reversed once (a digest run can list thousands of cases)."""

    def __init__(self):
        marker = "000"
        self._case = settings.SITE_URL + reverse(
            "admin:screening_case_change", args=[marker]
        ).replace(f"/{marker}/", "/{}/")
        self.queue = settings.SITE_URL + reverse("admin:screening_case_changelist")
        self._profile = settings.SITE_URL + reverse(
            "admin:screening_coordinatorprofile_change", args=[marker]
        ).replace(f"/{marker}/", "/{}/")

    def case(self, pk: int) -> str:
        return self._case.format(pk)

    def profile(self, pk: int | None) -> str:
        return self._profile.format(pk) if pk else ""


def _recipients():
    """Active coordinators and leads with an address who did not switch the digest off."""
    users = get_user_model().objects
    return (
        users.filter(is_active=True, groups__name__in=(COORDINATOR, LEAD))
        .exclude(email="")
        .exclude(coordinator_profile__daily_digest=False)
        .annotate(
            is_lead=Exists(users.filter(pk=OuterRef("pk"), groups__name=LEAD)),
        )
        .distinct()
        .order_by("pk")
        .only("pk", "username", "first_name", "last_name", "email")
    )


def _section(title: str, rows: list[dict], links: _Links, names: dict, more_url: str) -> Section:
    """A titled list of (already sorted) rows, the first LIST_LIMIT of them spelled out."""
    lines = [
        DigestLine(
            reference=r["reference"],
            first_name=r["first_name"],
            due_at=r["due_at"],
            url=links.case(r["pk"]),
            assignee=names.get(r["assigned_to_id"], ""),
        )
        for r in rows[:LIST_LIMIT]
    ]
    return Section(title=title, lines=lines, total=len(rows), more_url=more_url)


def _sort(rows: list[dict]) -> None:
    rows.sort(
        key=lambda r: (
            r["due_at"] is None,
            r["due_at"] or dt.datetime.max.replace(tzinfo=dt.UTC),
            r["pk"],
        )
    )


def _assignee_names(rows: list[dict]) -> dict[int, str]:
    ids = {r["assigned_to_id"] for r in rows if r["assigned_to_id"]}
    users = get_user_model().objects.filter(pk__in=ids).only("username", "first_name", "last_name")
    return {u.pk: u.get_full_name() or u.username for u in users}


def _open_rows(now: dt.datetime, tomorrow: dt.datetime):
    """Open cases overdue, due before tomorrow or newly assigned: narrow rows, one query."""
    return (
        Case.objects.filter(status__in=OPEN_STATUSES)
        .filter(
            Q(due_at__lt=tomorrow) | Q(assigned_at__gte=now - NEW_WINDOW, assigned_to__isnull=False)
        )
        .values("pk", "reference", "first_name", "due_at", "assigned_to_id", "assigned_at")
    )


def build_digests(now: dt.datetime | None = None) -> list[Digest]:
    """Every recipient's digest at `now` (default: the present), empty ones included.

    A handful of queries whatever the number of cases: the recipients, their profiles, the
    open cases that are overdue, due today or newly assigned (a narrow row each), and for
    leads the overdue cases' assignees and the count of unassigned open cases.
    """
    now = now or timezone.now()
    day, tomorrow = local_day(now)
    new_since = now - NEW_WINDOW
    links = _Links()
    recipients = list(_recipients())
    if not recipients:
        return []
    profiles = dict(
        CoordinatorProfile.objects.filter(user__in=[u.pk for u in recipients]).values_list(
            "user_id", "pk"
        )
    )
    team_overdue: list[dict] = []
    # Per assignee: (overdue, due today, new); a case goes in its most pressing list only.
    mine: dict[int, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    for row in _open_rows(now, tomorrow):
        due, assignee = row["due_at"], row["assigned_to_id"]
        if due is not None and due < now:
            team_overdue.append(row)
            place = 0
        elif due is not None and due < tomorrow:
            place = 1
        elif row["assigned_at"] is not None and row["assigned_at"] >= new_since:
            place = 2
        else:
            continue
        if assignee is not None:
            mine[assignee][place].append(row)
    _sort(team_overdue)
    for lists in mine.values():
        for rows in lists:
            _sort(rows)

    leads = any(u.is_lead for u in recipients)
    names = _assignee_names(team_overdue[:LIST_LIMIT]) if leads else {}
    unassigned = (
        Case.objects.filter(status__in=OPEN_STATUSES, assigned_to__isnull=True).count()
        if leads
        else None
    )
    own_queue = f"{links.queue}?assigned=me"
    digests = []
    for user in recipients:
        overdue, due_today, new = mine.get(user.pk, ([], [], []))
        sections = [
            _section("Your overdue cases", overdue, links, {}, own_queue + "&overdue=yes"),
            _section("Due today", due_today, links, {}, own_queue),
            _section("New to you since yesterday", new, links, {}, own_queue),
        ]
        digest = Digest(
            user=user, day=day, sections=sections, profile_url=links.profile(profiles.get(user.pk))
        )
        if user.is_lead:
            team = _section(
                "Overdue across the team", team_overdue, links, names, f"{links.queue}?overdue=yes"
            )
            sections.append(team)
            digest.unassigned = unassigned
            digest.unassigned_url = f"{links.queue}?assigned=none"
        digests.append(digest)
    return digests


def digest_context(digest: Digest) -> dict:
    """The templates' context of one digest: lines, counts and links, nothing else."""
    return {
        "recipient": digest.user,
        "day": digest.day,
        "time_zone": settings.TIME_ZONE,
        "sections": [s for s in digest.sections if s.total],
        "is_lead": digest.unassigned is not None,
        "unassigned": digest.unassigned,
        "unassigned_url": digest.unassigned_url,
        "profile_url": digest.profile_url,
        "summary": digest.summary(),
    }


@dataclass
class DigestRun:
    day: dt.date
    queued: int = 0
    already_sent: int = 0
    empty: int = 0


def send_daily_digests(now: dt.datetime | None = None) -> DigestRun:
    """Queue today's digest for every recipient who has something to read and has not had
    today's yet (beat runs this at DIGEST_HOUR). Safe to run again: keys already on the
    outbox, including one a concurrent run just queued, are skipped."""
    now = now or timezone.now()
    digests = build_digests(now)
    run = DigestRun(day=local_day(now)[0])
    taken = set(
        Notification.objects.filter(key__in=[d.key for d in digests]).values_list("key", flat=True)
    )
    for digest in digests:
        if digest.is_empty:
            run.empty += 1
            continue
        if digest.key in taken:
            run.already_sent += 1
            continue
        try:
            with transaction.atomic():
                queue_email(
                    TEMPLATE,
                    digest.user.email,
                    language=settings.LANGUAGE_CODE,
                    context=digest_context(digest),
                    key=digest.key,
                )
        except IntegrityError:  # a concurrent run queued this key between our read and write
            run.already_sent += 1
            continue
        run.queued += 1
    logger.info(
        "Daily digest for %s: %d queued, %d already sent, %d with nothing to report",
        run.day,
        run.queued,
        run.already_sent,
        run.empty,
    )
    return run
