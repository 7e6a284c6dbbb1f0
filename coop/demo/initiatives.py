"""Demo initiatives and resolutions from the seed papers in ../shared/seeds.

What the papers say is kept as written (titles, references, organs, dates they give); dates and
outcomes the papers do not give are illustrative and marked so in SOURCE.md.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..core import clock
from ..extensions import db
from ..initiatives import services as initiatives
from ..initiatives.schemas import InitiativeCreate
from ..models import Body, BodyKind, Initiative
from ..resolutions import services as resolutions
from ..resolutions.schemas import ResolutionRecord
from .funding import DEADLINE_AFTER_LOAD

HOEXTER_TOWNS = {  # AGS: council as the town calls it
    "05762004": "Rat der Stadt Bad Driburg",
    "05762008": "Rat der Stadt Beverungen",
    "05762012": "Rat der Stadt Borgentreich",
    "05762016": "Rat der Stadt Brakel",
    "05762020": "Rat der Stadt Höxter",
    "05762024": "Rat der Stadt Marienmünster",
    "05762028": "Rat der Stadt Nieheim",
    "05762032": "Rat der Stadt Steinheim",
    "05762036": "Rat der Stadt Warburg",
    "05762040": "Rat der Stadt Willebadessen",
}

# Seed 003 does not name its town; a placeholder stands in for it.
SEED_003_TOWN = "Musterstadt (Vorlage 003)"


def _by_ags() -> dict[str, Body]:
    return {b.ags: b for b in db.session.scalars(select(Body).where(Body.ags.is_not(None)))}


def _body(name: str) -> Body | None:
    return db.session.scalar(select(Body).where(Body.name == name))


def _exists(title: str) -> bool:
    return db.session.scalar(select(Initiative.id).where(Initiative.title == title)) is not None


def _resolve(ini, body, **values):
    values.setdefault("organ", body.council_name or "Rat")
    values.setdefault("kind", "basic_decision")
    values.setdefault("outcome", "adopted")
    return resolutions.create_resolution(
        ini, ResolutionRecord.model_validate({"body_id": body.id, **values}), actor=None
    )


def _hoexter(ags: dict[str, Body]) -> None:
    title = "Digitalnetzwerk Kreis Höxter"
    if _exists(title) or "05762000" not in ags:
        return
    kreis = ags["05762000"]
    towns = [ags[a] for a in HOEXTER_TOWNS if a in ags]
    ini = initiatives.create_initiative(
        InitiativeCreate.model_validate(
            {
                "title": title,
                "description": (
                    "Der Kreis Höxter gründet mit den zehn kreisangehörigen Städten ein zentrales "
                    "Digitalnetzwerk, um die Digitalisierung in den Bereichen Smart Region und "
                    "E-Government durch interkommunale Zusammenarbeit voranzutreiben (Umsetzung der "  # noqa: E501
                    "Digitalisierungsstrategie, Projektmanagement, gemeinsame Schulungen, Shared "
                    "Services). Förderung nach der Förderrichtlinie IKZ NRW: bis zu 490.000 € für "
                    "fünf Jahre, wenn Kreistag und alle Stadträte beschließen."
                ),
                "service_area": "smart_region",
                "phase": "decision",
                "phase_changed_on": "2022-01-18",
                "legal_form": "agreement_mandate",
                "lead_body_id": kreis.id,
                "start_date": "2022-07-01",
                "end_date": "2027-06-30",
                "public": True,
                "participants": [{"body_id": kreis.id, "role": "lead"}]
                + [{"body_id": t.id, "role": "partner"} for t in towns],
                # what is still open is due from the day the demo is loaded on (as the
                # programme's deadline, coop/demo/funding.py), so that the start pages show
                # what comes next, not what was due in 2022
                "milestones": [
                    {
                        "title": "Beschlüsse von Kreistag und allen Stadträten",
                        "due_on": clock.today() + timedelta(days=14),
                    },
                    {
                        "title": "Förderantrag IKZ NRW gestellt",
                        "due_on": clock.today() + DEADLINE_AFTER_LOAD,
                    },
                    {
                        "title": "Stellen des Digitalnetzwerks besetzt",
                        "due_on": clock.today() + timedelta(days=200),
                    },
                ],
            }
        ),
        actor=None,
    )
    paper = "Gründung eines Digitalnetzwerks"
    _resolve(
        ini,
        kreis,
        organ="Kreistag",
        session_date=date(2022, 3, 24),
        reference="KT/0123",
        title=paper,
        result_text="einstimmig",
    )
    # The seed paper: Marienmünster, Drucksache 560/2022, Rat on 23.02.2022, Entscheidung.
    marienmuenster = ags.get("05762024")
    for town in towns:
        if town is marienmuenster:
            _resolve(
                ini,
                town,
                organ="Rat",
                reference="560/2022",
                title=paper,
                session_date=date(2022, 2, 23),
                result_text="einstimmig",
                resolution_text=(
                    "Der Rat beschließt, dass die Stadt Marienmünster gemeinsam mit dem Kreis "
                    "Höxter und den neun weiteren kreisangehörigen Städten ein neues zentrales "
                    "Digitalnetzwerk aufbaut, um die Digitalisierung in den Bereichen Smart City "
                    "und E-Government durch interkommunale Zusammenarbeit voranzutreiben und mit "
                    "der gemeinsamen Bearbeitung der vorgestellten Aufgaben einen Synergieeffekt "
                    "zu erzielen."
                ),
            )
        elif town.ags == "05762028":  # Nieheim: the vote is scheduled, in ten days
            _resolve(
                ini,
                town,
                organ="Rat",
                session_date=clock.today() + timedelta(days=10),
                outcome="scheduled",
                title=paper,
            )
        elif town.ags == "05762016":  # Brakel: only the committee's recommendation so far
            _resolve(
                ini,
                town,
                organ="Haupt- und Finanzausschuss",
                authoritative=False,
                session_date=date(2022, 2, 14),
                reference="BV 17/2022",
                title=paper,
            )
        elif town.ags == "05762032":  # Steinheim: deferred once, then adopted
            _resolve(
                ini,
                town,
                organ="Rat",
                reference="022/2022",
                title=paper,
                session_date=date(2022, 2, 17),
                outcome="deferred",
                result_text="vertagt",
            )
            _resolve(
                ini,
                town,
                organ="Rat",
                reference="022/2022",
                title=paper,
                session_date=date(2022, 3, 17),
                votes_yes=27,
                votes_no=0,
                votes_abstain=2,
            )
        else:
            _resolve(
                ini,
                town,
                organ="Rat",
                session_date=date(2022, 3, 3),
                title=paper,
                result_text="einstimmig",
            )


def _helmstedt(ags: dict[str, Body]) -> None:
    title = "Rats-Info-System und WLAN gemeinsam mit der Stadt Helmstedt"
    helmstedt, schoeningen = ags.get("03154028"), ags.get("03154019")
    if _exists(title) or helmstedt is None or schoeningen is None:
        return
    nord_elm = db.session.scalar(select(Body).where(Body.ars == "031545403000"))
    ini = initiatives.create_initiative(
        InitiativeCreate.model_validate(
            {
                "title": title,
                "description": (
                    "Antrag (Nico Jäkel, 1. 12. 2019): Die Verwaltung der Stadt Schöningen prüft, "
                    "die technischen Voraussetzungen der Stadt Helmstedt mitzunutzen, insbesondere "
                    "das öffentliche Rats-Info-System, und eine einheitliche WLAN-Infrastruktur "
                    "(Hotspot am Rathaus, elektronische Ratsarbeit). Anregung an Helmstedt, die "
                    "Zusammenarbeit auf weitere Kommunen des Landkreises auszuweiten; die "
                    "Samtgemeinde Nord-Elm nutzt Helmstedts Know-how schon für die E-Rechnung."
                ),
                "service_area": "council_info",
                "phase": "assessment",
                "phase_changed_on": "2020-02-13",
                "legal_form": "agreement_mandate",
                "lead_body_id": helmstedt.id,
                "public": True,
                "participants": [
                    {"body_id": helmstedt.id, "role": "lead"},
                    {"body_id": schoeningen.id, "role": "partner"},
                ]
                + ([{"body_id": nord_elm.id, "role": "prospective"}] if nord_elm else []),
                "milestones": [{"title": "Prüfergebnis der Verwaltung", "due_on": "2020-09-30"}],
            }
        ),
        actor=None,
    )
    motion = "Weiterreichende Interkommunale Zusammenarbeit im Bereich EDV"
    _resolve(
        ini,
        schoeningen,
        organ="Ausschuss für Wirtschaft und Stadtentwicklung",
        authoritative=False,
        kind="assessment_mandate",
        reference="A 2019/12",
        title=motion,
        session_date=date(2020, 1, 28),
        result_text="einstimmig empfohlen",
    )
    _resolve(
        ini,
        schoeningen,
        organ="Rat der Stadt Schöningen",
        kind="assessment_mandate",
        reference="A 2019/12",
        title=motion,
        session_date=date(2020, 2, 13),
    )


def _wolfenbuettel(ags: dict[str, Body]) -> None:
    kreis, stadt = ags.get("03158000"), ags.get("03158037")
    if kreis is None or stadt is None:
        return
    areas = [
        ("Zukunftspakt: gemeinsame IT-Gesellschaft", "it", "company"),
        ("Zukunftspakt: Personalabrechnung", "payroll", "undecided"),
        ("Zukunftspakt: Rechnungsprüfung (RPA)", "audit", "undecided"),
        ("Zukunftspakt: Vergabestelle", "procurement", "undecided"),
        ("Zukunftspakt: Schulentwicklungsplanung", "school_planning", "undecided"),
    ]
    for title, area, form in areas:
        if _exists(title):
            continue
        ini = initiatives.create_initiative(
            InitiativeCreate.model_validate(
                {
                    "title": title,
                    "description": (
                        "Gemeinsamer Antrag der SPD-Fraktionen in Kreistag und Rat vom 19.04.2023: "
                        "Die Verwaltungen prüfen, in welchen Bereichen eine Kooperation Synergien "
                        "bringt, von gemeinsamer Abstimmung über gebündelte Dienstleistungen bis zur "  # noqa: E501
                        "gemeinsamen Organschaft; offen für weitere Gebietskörperschaften."
                    ),
                    "service_area": area,
                    "phase": "assessment",
                    "phase_changed_on": "2023-06-22",
                    "legal_form": form,
                    "lead_body_id": kreis.id,
                    "public": True,
                    "participants": [
                        {"body_id": kreis.id, "role": "lead"},
                        {"body_id": stadt.id, "role": "partner"},
                    ],
                }
            ),
            actor=None,
        )
        paper = "Interkommunale Zusammenarbeit – Zukunftspakt"
        _resolve(
            ini,
            kreis,
            organ="Kreistag",
            kind="assessment_mandate",
            title=paper,
            reference="ZP/2023",
            session_date=date(2023, 6, 19),
        )
        _resolve(
            ini,
            stadt,
            organ="Rat der Stadt Wolfenbüttel",
            kind="assessment_mandate",
            title=paper,
            reference="ZP/2023",
            session_date=date(2023, 6, 22),
        )


def _dataport() -> None:
    title = "Verwaltungs-IT bei Dataport AöR"
    dataport = _body("Dataport AöR")
    if _exists(title) or dataport is None:
        return
    town = _body(SEED_003_TOWN)
    if town is None:
        town = Body(
            name=SEED_003_TOWN,
            kind=BodyKind.CITY,
            state="01",
            council_name="Stadtvertretung",
            contact="Platzhalter: die Vorlage 003 nennt ihre Stadt nicht.",
        )
        db.session.add(town)
        db.session.flush()
    ini = initiatives.create_initiative(
        InitiativeCreate.model_validate(
            {
                "title": title,
                "description": (
                    "Ausgliederung der gesamten Verwaltungs-IT einschließlich der Außenstellen zu "
                    "Dataport AöR (BV 205/2023). Offen: Gesamtkonzept für die Digitalisierung der "
                    "Verwaltungsvorgänge (OZG, Standardarbeitsplatz, E-Akte, Räume), Antrag der "
                    "Fraktion SWG vom 14.02.2024."
                ),
                "service_area": "it",
                "phase": "implementation",
                "phase_changed_on": "2023-11-02",
                "legal_form": "outsourcing",
                "lead_body_id": town.id,
                "start_date": "2024-01-01",
                # not public: the paper does not name its town, so the demo's placeholder
                # ("Musterstadt (Vorlage 003)") stays out of the public pages
                "public": False,
                "participants": [
                    {"body_id": town.id, "role": "lead"},
                    {"body_id": dataport.id, "role": "partner"},
                ],
                "milestones": [
                    {"title": "Standardarbeitsplatz im Haushalt 2024", "due_on": "2024-03-31"},
                    {"title": "Gesamtkonzept Digitalisierung vorgelegt", "due_on": "2024-09-30"},
                ],
            }
        ),
        actor=None,
    )
    _resolve(
        ini,
        town,
        organ="Stadtvertretung",
        kind="accession",
        reference="BV 205/2023",
        title="Ausgliederung der Verwaltungs-IT zu Dataport AöR",
        session_date=date(2023, 11, 2),
    )
    _resolve(
        ini,
        town,
        organ="Hauptausschuss",
        authoritative=False,
        kind="other",
        outcome="noted",
        reference="050/2024",
        title="Gesamtkonzept für die Digitalisierung der Verwaltungsvorgänge",
        session_date=date(2024, 2, 15),
    )


def _wolmirstedt(ags: dict[str, Body]) -> None:
    title = "Digitalisierungsstrategie Wolmirstedt"
    town = ags.get("15083565")
    if _exists(title) or town is None:
        return
    ini = initiatives.create_initiative(
        InitiativeCreate.model_validate(
            {
                "title": title,
                "description": (
                    "Fraktionsantrag 08/2023 (KWG-Börde/FDP): Grundsatzbeschluss zur Erarbeitung "
                    "einer Digitalisierungsstrategie für die Stadt Wolmirstedt und die Ortschaften "
                    "Elbeu, Farsleben, Glindenberg und Mose."
                ),
                "service_area": "online_services",
                "phase": "concept",
                "phase_changed_on": "2023-11-30",
                "legal_form": "undecided",
                "lead_body_id": town.id,
                "public": True,
                "participants": [{"body_id": town.id, "role": "lead"}],
                "milestones": [
                    {
                        "title": "Schritt 1: Festlegen der Ziele und Positionierung",
                        "due_on": "2024-03-31",
                        "done_on": "2024-03-21",
                    },
                    {"title": "Schritt 2: IST-Analyse", "due_on": "2024-09-30"},
                    {
                        "title": "Schritt 3: Zukunftswerkstatt „Digitalisierung“",
                        "due_on": "2025-03-31",
                    },
                    {"title": "Schritt 4: Lebensbereiche ableiten", "due_on": "2025-09-30"},
                    {
                        "title": "Schritt 5: Digitalisierungsstrategie „Wolmirstedt“",
                        "due_on": "2026-03-31",
                    },
                ],
            }
        ),
        actor=None,
    )
    paper = "Grundsatzbeschluss zur Erarbeitung einer Digitalisierungsstrategie"
    for organ, day in (
        ("Bau- und Wirtschaftsausschuss", date(2023, 11, 14)),
        ("Finanzausschuss", date(2023, 11, 16)),
        ("Hauptausschuss", date(2023, 11, 20)),
    ):
        _resolve(
            ini,
            town,
            organ=organ,
            authoritative=False,
            reference="08/2023",
            title=paper,
            session_date=day,
        )
    _resolve(
        ini,
        town,
        organ="Stadtrat",
        reference="08/2023",
        title=paper,
        session_date=date(2023, 11, 30),
    )


def load() -> None:
    """Add the demo initiatives that are not there yet (by title)."""
    ags = _by_ags()
    for ags_key, council in HOEXTER_TOWNS.items():
        if ags_key in ags and not ags[ags_key].council_name:
            ags[ags_key].council_name = council
    _hoexter(ags)
    _helmstedt(ags)
    _wolfenbuettel(ags)
    _dataport()
    _wolmirstedt(ags)
    db.session.flush()
