"""Composing, previewing and sending a summary through the real admin pages."""

from __future__ import annotations

import re

from django.urls import reverse

from screening.models import CaseSummary


def compose(client, case, **data):
    """POST the compose form; returns the response (a redirect to the preview when it worked)."""
    form = {"recipient": "patient", "audience": "", "language": "", "cover_note": "", **data}
    return client.post(reverse("admin:screening_case_summary_compose", args=[case.pk]), form)


def preview(client, case, **data) -> CaseSummary:
    """Compose, follow to the preview page, and return the previewed summary."""
    response = compose(client, case, **data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"])
    assert page.status_code == 200
    sid = int(re.search(r"/summary/(\d+)/$", response["Location"]).group(1))
    summary = CaseSummary.objects.get(pk=sid)
    summary.preview_page = page.content.decode()
    return summary


def send(client, case, summary):
    url = reverse("admin:screening_case_summary_send", args=[case.pk, summary.pk])
    return client.post(url, {"summary": summary.pk})


def parts(message):
    """(text, html, [(filename, bytes)]) of a received MIME message."""
    text = html = None
    files = []
    for part in message.walk():
        if part.get_content_maintype() == "multipart":
            continue
        if part.get_filename():
            files.append((part.get_filename(), part.get_payload(decode=True)))
        elif part.get_content_type() == "text/plain":
            text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        elif part.get_content_type() == "text/html":
            html = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return text, html, files
