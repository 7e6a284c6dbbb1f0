"""Programmes that ship with coop, as data. A preset fills the programme form; once saved the
programme is an ordinary record that funding officers edit (next year's rules, a new window)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    provider: str
    state: str
    legal_basis: str
    notes: str
    terms: dict


NRW_IKZ = Preset(
    key="nrw-ikz",
    name="Förderung interkommunaler Zusammenarbeit NRW (IKZ)",
    provider=(
        "Land Nordrhein-Westfalen, Ministerium für Heimat, Kommunales, Bau und Digitalisierung"
    ),
    state="05",
    legal_basis="Förderrichtlinie Interkommunale Zusammenarbeit NRW vom 31.08.2021",
    notes=(
        "Festbetrag 175.000 € für die ersten zwei Partner und 35.000 € für jeden weiteren, "
        "höchstens 90 % der zuwendungsfähigen Ausgaben (Eigenanteil mindestens 10 %). "
        "Voraussetzungen: Beschluss jedes beteiligten Rats bzw. Kreistags, in dem Aufgabenfeld "
        "neue Zusammenarbeit, auf mindestens fünf Jahre angelegt, mindestens 15 % Einsparung "
        "bei Personal- und Sachkosten oder deutlich bessere Leistung. Ein Partner beantragt für "
        "alle, vor Beginn des Vorhabens."
    ),
    terms={
        "base_amount": Decimal("175000.00"),
        "base_partners": 2,
        "amount_per_additional_partner": Decimal("35000.00"),
        "max_funding_rate": Decimal("0.90"),
        "min_partners": 2,
        "min_duration_years": 5,
        "min_savings_rate": Decimal("0.15"),
        "requires_all_council_resolutions": True,
        "application_from": None,
        "application_until": None,
    },
)

PRESETS = {p.key: p for p in (NRW_IKZ,)}


def preset_values(preset: Preset) -> dict:
    """The programme's fields as the service takes them."""
    return {
        "name": preset.name,
        "provider": preset.provider,
        "state": preset.state,
        "legal_basis": preset.legal_basis,
        "notes": preset.notes,
        **preset.terms,
    }


# What programmes ask of a body, each with the rule that defines it. A programme names one of
# these codes for its region bonus or its higher rate.
BODY_ATTRIBUTES = {
    "lep_rbh": (
        "Raum mit besonderem Handlungsbedarf",
        "Landesentwicklungsprogramm Bayern (LEP) 2.2.3 und Anhang 2",
    ),
    "staerkungspakt": (
        "Teilnahme am Stärkungspakt Stadtfinanzen",
        "Stärkungspaktgesetz NRW vom 9. Dezember 2011",
    ),
}
