"""Static files: served pre-compressed (brotli, gzip) with a year's cache lifetime under a URL
that carries a hash of their content."""

import os
import re
from pathlib import Path

import pytest

from coop import create_app

STATIC = Path(__file__).resolve().parents[1] / "static"


@pytest.fixture
def plain_client():
    if not (STATIC / "vendor" / "plotly" / "plotly.min.js.br").exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("run `make assets` first", pytrace=False)
        pytest.skip("static files not built (make assets)")
    return create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://").test_client()


def test_static_files_are_versioned_compressed_and_cached(plain_client):
    page = plain_client.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/css/coop\.css\?v=[0-9a-f]{12})"', page)
    assert css, "the stylesheet's URL carries its hash"
    for encoding, size_limit in (("br", 1_200_000), ("gzip", 1_600_000)):
        r = plain_client.get(
            "/static/vendor/plotly/plotly.min.js", headers={"Accept-Encoding": encoding}
        )
        assert r.status_code == 200 and r.headers["Content-Encoding"] == encoding
        assert int(r.headers["Content-Length"]) < size_limit  # 1.2 MB uncompressed
        assert "max-age=31536000" in r.headers["Cache-Control"]
    r = plain_client.get(css.group(1), headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"


def test_plotlys_style_rules_come_from_a_file():
    """Plotly would insert them into a <style> element, which the CSP refuses."""
    css = STATIC / "vendor" / "plotly" / "plotly.css"
    if not css.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("run `make assets` first", pytrace=False)
        pytest.skip("static files not built (make assets)")
    text = css.read_text()
    assert ".js-plotly-plot .plotly .modebar{" in text and ".plotly-notifier{" in text
    template = (STATIC.parent / "templates" / "_macros" / "charts.html").read_text()
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in template
