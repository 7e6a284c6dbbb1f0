"""HTML to PDF with WeasyPrint, fetching nothing: our print pages carry their styles inline and
load no images or fonts from anywhere (public bodies must not reach out to other hosts)."""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.urls import URLFetcher


class NoFetching(URLFetcher):
    """Refuses every URL (http, file, data alike)."""

    def fetch(self, url, headers=None):
        """Refuse every fetch: a PDF is built from the page and its inlined styles only."""
        raise ValueError(f"coop fetches nothing for a PDF ({url!r})")


def html_to_pdf(html: str) -> bytes:
    """A PDF of the page (WeasyPrint), without fetching anything from anywhere."""
    return HTML(string=html, url_fetcher=NoFetching()).write_pdf()
