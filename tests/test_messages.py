"""One catalogue: every sentence the core can say has its German translation, and renders."""

from decimal import Decimal

from coop.core.savings_model import ModelError
from coop.core.text import Text
from coop.i18n import catalogue
from coop.messages import MESSAGES, render


def test_every_core_sentence_is_in_the_german_catalogue():
    de = catalogue("de")
    untranslated = [
        key
        for key, message in MESSAGES.items()
        if (de.ngettext(*message, 2) if isinstance(message, tuple) else de.gettext(message))
        == (message[1] if isinstance(message, tuple) else message)
    ]
    assert untranslated == []


def test_a_core_message_reads_in_either_language_with_its_values_formatted():
    text = Text("reminder.tranche.subject", {"date": __import__("datetime").date(2026, 12, 1),
                "amount": Decimal("45000"), "initiative": "Digitalnetzwerk"})  # fmt: skip
    assert render(text, "de") == "Mittelabruf 01.12.2026: 45.000,00\xa0€ – Digitalnetzwerk"
    assert render(text, "en") == "Drawdown Dec 1, 2026: €45,000.00 – Digitalnetzwerk"
    one = ModelError("partners.cases", "cases_missing", n=1).text
    assert render(one, "de").endswith("(fehlt bei 1 Partner).")
    assert render(one, "en").endswith("(missing for 1 partner).")
