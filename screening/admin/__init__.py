"""The staff side of Navigator, in the Django admin: the case page (cases.py), the queue
(queue.py) and the case page's actions (case_actions.py), documents and their download
(documents.py), the access log (access_log.py), coordinators' profiles (coordinators.py), the
leads' dashboard (dashboard.py), label changes and re-screen jobs (labels.py), and referring
organisations with their API keys and webhooks (organisations.py).

Importing the modules registers their ModelAdmins with the default admin site."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from screening.admin import (  # noqa: F401
    access_log,
    cases,
    coordinators,
    documents,
    labels,
    messages,
    organisations,
)

admin.site.site_header = _("Navigator coordination")
admin.site.site_title = _("Navigator")
admin.site.index_title = _("Coordination")
