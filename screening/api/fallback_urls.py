"""Any address under /api/ that no API version serves answers in the API's own JSON shape.
Included by name from navigator/urls.py, so the project package imports nothing of the app."""

from django.urls import re_path

from screening.api.views.misc import not_found

urlpatterns = [re_path(r"", not_found)]
