"""Web addresses in text people wrote are links; the rest stays escaped text (issue 29)."""

from coop.main.context import linkify


def test_addresses_become_links_and_nothing_else_is_markup():
    text = 'Siehe https://www.kreis-hoexter.de/ikz?a=1&b=2. Und <b>fett</b> "zitiert"'
    html = str(linkify(text))
    assert (
        '<a class="kern-link" href="https://www.kreis-hoexter.de/ikz?a=1&amp;b=2" '
        'rel="noopener noreferrer nofollow">https://www.kreis-hoexter.de/ikz?a=1&amp;b=2</a>. '
    ) in html
    assert "&lt;b&gt;fett&lt;/b&gt;" in html and "<b>" not in html
    assert str(linkify("javascript:alert(1) und http://")) == "javascript:alert(1) und http://"
    assert str(linkify(None)) == ""
