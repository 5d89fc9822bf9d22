"""The case queue's filters. Each one's choices come from fixed vocabularies (no extra query),
except the country filter, which asks the database which countries occur (one indexed query)."""

from django.contrib import admin
from django.db import connection
from django.db.models import BooleanField, F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening.core.profile_fields import DISEASE_SHORT
from screening.models import Case, CaseStatus, ProductVerdict
from screening.rules.data.products import PRODUCTS
from screening.rules.results import ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE
from screening.rules.vocabulary import DIAGNOSES
from screening.triage.messages import unread_messages_filter

OPEN = "open"
ALL = "all"


def is_open():
    """NOT (status = 'closed') with 'closed' written into the SQL instead of bound as a
    parameter. SQLite uses the partial index case_open_queue_idx only when a query repeats the
    index's condition literally (a bound value is unknown when the plan is made); bound, page
    500 of 100,000 cases took 150 ms instead of 20."""
    quote = connection.ops.quote_name
    # Bandit B611: only constants go in, our table name and the enum's own value.
    return RawSQL(  # nosec B611
        f"NOT ({quote(Case._meta.db_table)}.{quote('status')} = '{CaseStatus.CLOSED.value}')",
        [],
        output_field=BooleanField(),
    )


class StatusFilter(admin.SimpleListFilter):
    """Open cases by default (the queue); any one status, or everything."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(ALL, _("All, including closed"))] + [
            (status.value, status.label) for status in CaseStatus
        ]

    def choices(self, changelist):
        yield {
            "selected": self.value() in (None, OPEN),
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Open (not closed)"),
        }
        for value, title in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == ALL:
            return queryset
        if value == CaseStatus.CLOSED:
            return queryset.filter(status=value)
        # Open statuses keep the "not closed" condition too: it lets the database read the
        # queue's partial index (case_open_queue_idx) instead of scanning past closed cases.
        queryset = queryset.filter(is_open())
        if value in CaseStatus.values:
            return queryset.filter(status=value)
        return queryset


def status_filter_value(request) -> str:
    value = request.GET.get(StatusFilter.parameter_name)
    return value if value in (ALL, *CaseStatus.values) else OPEN


class DiseaseFilter(admin.SimpleListFilter):
    title = _("disease")
    parameter_name = "disease"

    def lookups(self, request, model_admin):
        return [(code, DISEASE_SHORT[code]) for code in DIAGNOSES] + [
            ("unsure", _("Not sure / not known"))
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value in DIAGNOSES or value == "unsure":
            return queryset.filter(disease=value)
        return queryset


VERDICT_LABELS = {
    ELIGIBLE: _("likely eligible"),
    NEEDS_REVIEW: _("needs review"),
    NOT_ELIGIBLE: _("not eligible"),
}


class ProductVerdictFilter(admin.SimpleListFilter):
    """Cases whose latest screening gave a product a given verdict, e.g. Kymriah: likely."""

    title = _("product verdict")
    parameter_name = "verdict"

    def lookups(self, request, model_admin):
        return [
            (f"{key}:{verdict}", f"{product.brand}: {label}")
            for key, product in PRODUCTS.items()
            for verdict, label in VERDICT_LABELS.items()
        ]

    def queryset(self, request, queryset):
        value = self.value() or ""
        product, _sep, verdict = value.partition(":")
        if product not in PRODUCTS or verdict not in VERDICT_LABELS:
            return queryset
        # "latest_run_id + 0 IN (runs with this verdict)": the run ids come from one read of
        # verdict_filter_idx, and the "+ 0" keeps SQLite from looking cases up by
        # latest_run_id (and then sorting them all) instead of reading the queue's index in
        # due order and stopping at the page; its count then reads that index alone. On
        # PostgreSQL it is a plain hashed semi-join.
        runs = ProductVerdict.objects.filter(product=product, verdict=verdict).values("run_id")
        return queryset.alias(run_key=F("latest_run_id") + 0).filter(run_key__in=runs)


class AssignedFilter(admin.SimpleListFilter):
    title = _("assigned to")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Me")), ("none", _("Nobody (unassigned)")), ("others", _("Others"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assigned_to=request.user)
        if value == "none":
            return queryset.filter(assigned_to__isnull=True)
        if value == "others":
            return queryset.filter(assigned_to__isnull=False).exclude(assigned_to=request.user)
        return queryset


class NewlyLikelyFilter(admin.SimpleListFilter):
    """Cases a re-screen made likely eligible for a product, not yet acknowledged."""

    title = _("newly likely eligible")
    parameter_name = "newly_likely"

    def lookups(self, request, model_admin):
        return [("yes", _("Newly likely (not yet acknowledged)"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(newly_likely_at__isnull=False)
        return queryset


class MessagesWaitingFilter(admin.SimpleListFilter):
    """Cases with a message from the person that no coordinator has read yet."""

    title = _("messages")
    parameter_name = "messages"

    def lookups(self, request, model_admin):
        return [("waiting", _("New message from the patient"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(unread_messages_filter())
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(is_open(), due_at__lt=now)
        if self.value() == "no":
            return queryset.exclude(Q(due_at__lt=now) & ~Q(status=CaseStatus.CLOSED))
        return queryset


def country_name(code: str) -> str:
    try:
        from django_countries import countries
    except ImportError:  # pragma: no cover - django-countries is a dependency
        return code
    return str(countries.name(code)) or code


def distinct_countries() -> list[str]:
    """The countries that occur, by hopping through case_country_idx one value at a time
    (a dozen index probes) instead of reading all 100,000 entries as DISTINCT does on
    PostgreSQL (10 ms per page view)."""
    quote = connection.ops.quote_name
    table, column = quote(Case._meta.db_table), quote("country")
    # Bandit B608: only constants go in, our table and column names; nothing from a request.
    sql = (
        f"WITH RECURSIVE hop(code) AS ("  # nosec B608
        f" SELECT MIN({column}) FROM {table}"
        f" UNION ALL"
        f" SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > hop.code)"
        f" FROM hop WHERE hop.code IS NOT NULL"
        f") SELECT code FROM hop WHERE code IS NOT NULL AND code <> ''"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


class CountryFilter(admin.SimpleListFilter):
    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        return [(code, f"{country_name(code)} ({code})") for code in distinct_countries()]

    def queryset(self, request, queryset):
        value = self.value()
        if value and len(value) == 2:
            return queryset.filter(country=value.upper())
        return queryset
