"""HTML to PDF with WeasyPrint, fetching nothing from the network."""

from __future__ import annotations

from weasyprint import HTML, default_url_fetcher


def _local_only(url: str, *args, **kwargs):
    """WeasyPrint may read data: URLs; anything else (http, file) is refused."""
    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"coop does not fetch {url!r} for a PDF")


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, url_fetcher=_local_only).write_pdf()
