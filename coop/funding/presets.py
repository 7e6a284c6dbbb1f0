"""Programmes that ship with coop, as data. A preset fills the programme form; once saved the
programme is an ordinary record that funding officers edit (next year's rules, a new window)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..core.attributes import BODY_ATTRIBUTES  # noqa: F401  (re-exported for the forms)


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    provider: str
    state: str
    legal_basis: str
    notes: str
    terms: dict
    legal_basis_url: str | None = None


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
        # "für jeden weiteren nordrhein-westfälischen Beteiligten": partners in NRW count; a
        # project with a single NRW partner (and partners across the border) gets 75.000 €
        "count_partners_in_state_only": True,
        "single_state_partner_amount": Decimal("75000.00"),
        # "vor Beginn des Vorhabens"; "15 % Einsparung ... oder deutlich bessere Leistung"
        "no_start_before_application": True,
        "savings_or_improvement": True,
    },
)

NRW_IKZ_2019 = Preset(
    key="nrw-ikz-2019",
    name="Förderung der Einrichtung neuer interkommunaler Kooperationen NRW (bis 2021)",
    provider="Land Nordrhein-Westfalen, Ministerium für Heimat, Kommunales, Bau und Gleichstellung",
    state="05",
    legal_basis=(
        "Richtlinie über die Förderung der Einrichtung neuer interkommunaler Kooperationen in "
        "Nordrhein-Westfalen (Fassung 2019; abgelöst durch die Richtlinie vom 31.08.2021)"
    ),
    legal_basis_url=(
        "https://klimaatlas.nrw.de/index.php/beratung-klimaanpassung/foerderung/"
        "richtlinie-ueber-die-foerderung-der-einrichtung-neuer"
    ),
    notes=(
        "Für Bewilligungen nach der früheren Richtlinie: 150.000 € bei zwei "
        "nordrhein-westfälischen Beteiligten, 30.000 € für jeden weiteren, 75.000 € bei nur "
        "einem nordrhein-westfälischen Beteiligten; höchstens 80 % der zuwendungsfähigen "
        "Ausgaben, 90 % bei finanzschwachen Kommunen (Stärkungspakt). Gefördert werden "
        "Anbahnung, Vorbereitung und Einrichtung; mindestens fünf Jahre, 15 % Einsparung oder "
        "Ertragssteigerung oder wesentlich bessere Leistung; Beschlüsse der Beteiligten."
    ),
    terms={
        "base_amount": Decimal("150000.00"),
        "base_partners": 2,
        "amount_per_additional_partner": Decimal("30000.00"),
        "max_funding_rate": Decimal("0.80"),
        "rate_attribute": "staerkungspakt",
        "rate_with_attribute": Decimal("0.90"),
        "min_partners": 2,
        "min_duration_years": 5,
        "min_savings_rate": Decimal("0.15"),
        "requires_all_council_resolutions": True,
        "count_partners_in_state_only": True,
        "single_state_partner_amount": Decimal("75000.00"),
        "savings_or_improvement": True,
    },
)

HESSEN_IKZ = Preset(
    key="hessen-ikz",
    name="Förderung der Interkommunalen Zusammenarbeit Hessen",
    provider="Land Hessen, Hessisches Ministerium des Innern, für Sicherheit und Heimatschutz",
    state="06",
    legal_basis=(
        "Rahmenvereinbarung zur Förderung der Interkommunalen Zusammenarbeit "
        "(verlängert im Dezember 2021, Zuweisungen aus dem Landesausgleichsstock)"
    ),
    legal_basis_url=(
        "https://beratungszentrum.hessen.de/interkommunale-zusammenarbeit/foerderung/foerderhoehe/"
    ),
    notes=(
        "Regelzuwendung: drei Kommunen 75.000 €, mehr als drei Kommunen 100.000 €; zwei "
        "Kommunen nur aus besonderem Grund 50.000 €. Gemeindeverwaltungsverband oder "
        "Verwaltungsgemeinschaft: 150.000 € je teilnehmender Gemeinde (Rechtsform des Vorhabens "
        "„Verwaltungsverband“). Vorbildliche, breit angelegte Kooperationen können mehr erhalten."
    ),
    terms={
        "amount_tiers": [
            {"min_partners": 2, "amount": Decimal("50000.00")},
            {"min_partners": 3, "amount": Decimal("75000.00")},
            {"min_partners": 4, "amount": Decimal("100000.00")},
        ],
        "amount_per_member": Decimal("150000.00"),
        "min_partners": 2,
        "justification_below_partners": 3,  # two municipalities only "aus besonderem Grund"
        "requires_all_council_resolutions": False,
    },
)

BAYERN_IKZ = Preset(
    key="bayern-ikz",
    name="Förderung der interkommunalen Zusammenarbeit Bayern",
    provider="Freistaat Bayern, Staatsministerium des Innern, für Sport und Integration",
    state="09",
    legal_basis=(
        "Richtlinie für Zuwendungen des Freistaats Bayern zur Förderung der interkommunalen "
        "Zusammenarbeit, Nr. 5.3 (gilt ab 31.12.2021)"
    ),
    legal_basis_url="https://www.gesetze-bayern.de/Content/Document/BayVV_2020_6_I_2327-11",
    notes=(
        "Festbetrag 50.000 € je Kooperationsprojekt, höchstens 85 % der zuwendungsfähigen "
        "Ausgaben; bis zu 90.000 €, wenn die Antragstellerin und die Mehrheit der Partner dem "
        "Raum mit besonderem Handlungsbedarf (LEP) angehören; unter 5.000 € zuwendungsfähigen "
        "Ausgaben keine Förderung."
    ),
    terms={
        "amount_per_project": Decimal("50000.00"),
        "max_funding_rate": Decimal("0.85"),
        "region_attribute": "lep_rbh",
        "region_amount": Decimal("90000.00"),
        "min_eligible_costs": Decimal("5000.00"),
        "requires_all_council_resolutions": False,
    },
)

RLP_IKZ = Preset(
    key="rlp-ikz",
    name="Pilotförderung Interkommunale Zusammenarbeit Rheinland-Pfalz",
    provider="Land Rheinland-Pfalz, Ministerium des Innern und für Sport; Aufsichts- und "
    "Dienstleistungsdirektion (ADD)",
    state="07",
    legal_basis="Pilotförderung IKZ (Vereinbarung mit den kommunalen Spitzenverbänden, 2024)",
    legal_basis_url="https://add.rlp.de/themen/foerderungen/ikz",
    notes=(
        "Anschubfinanzierung: drei Kommunen bis zu 210.000 €, vier Kommunen bis zu 320.000 € je "
        "gemeinsamem Projekt; darüber hinaus unter Umständen mehr, wenn nicht aneinander "
        "grenzende Kommunen zusammenarbeiten."
    ),
    terms={
        "amount_tiers": [
            {"min_partners": 3, "amount": Decimal("210000.00")},
            {"min_partners": 4, "amount": Decimal("320000.00")},
        ],
        "min_partners": 3,
        "requires_all_council_resolutions": False,
    },
)

PRESETS = {p.key: p for p in (NRW_IKZ, NRW_IKZ_2019, HESSEN_IKZ, BAYERN_IKZ, RLP_IKZ)}


def preset_values(preset: Preset) -> dict:
    """The programme's fields as the service takes them."""
    return {
        "name": preset.name,
        "provider": preset.provider,
        "state": preset.state,
        "legal_basis": preset.legal_basis,
        "legal_basis_url": preset.legal_basis_url,
        "notes": preset.notes,
        **preset.terms,
    }
