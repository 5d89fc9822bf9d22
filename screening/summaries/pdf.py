"""The summary as a PDF (WeasyPrint): A4 pages with the case reference and the page number on
every one, fonts from Debian's packages (DejaVu, Noto CJK through fontconfig), and a URL fetcher
that loads nothing from outside the app: only files under static/summaries/."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
# WeasyPrint logs each rendering step at INFO; only its warnings matter here.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

STATIC_SUMMARIES = Path(settings.BASE_DIR) / "static" / "summaries"
TEMPLATE = "summaries/pdf.html"


class SummaryRenderError(Exception):
    """The PDF could not be made; nothing is sent (the message says why)."""


def _local_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFilesOnly(URLFetcher):
        """Serves our own summary stylesheet and nothing else: no network, no other file."""

        def fetch(self, url, headers=None):
            root = STATIC_SUMMARIES.resolve()
            if url.startswith("file://"):
                path = Path(url.removeprefix("file://").split("?")[0]).resolve()
                if path.is_relative_to(root) and path.is_file():
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "text/css"})
            logger.warning("Summary PDF: refused to load %s (only our own files)", url[:200])
            raise ValueError(f"not loaded: {url[:200]} (summaries load only their own files)")

    return LocalFilesOnly


def html_to_pdf(html: str) -> bytes:
    """The PDF of a summary page's HTML; SummaryRenderError if WeasyPrint fails."""
    try:
        from weasyprint import HTML

        document = HTML(
            string=html,
            base_url=STATIC_SUMMARIES.as_uri() + "/",
            url_fetcher=_local_fetcher_class()(),
        )
        return document.write_pdf()
    except Exception as exc:  # noqa: BLE001 - any failure of the renderer fails the summary
        logger.exception("Summary PDF could not be rendered")
        raise SummaryRenderError(
            f"The PDF could not be made ({type(exc).__name__}: {exc})"
        ) from exc


def render_pdf(context: dict) -> bytes:
    """The summary's PDF from the same context as its email (rendered in the active language)."""
    return html_to_pdf(render_to_string(TEMPLATE, context))
