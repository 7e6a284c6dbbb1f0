"""Enumerations with stable English codes; people see the German labels from `labels.py`."""

import enum


class BodyKind(enum.StrEnum):
    DISTRICT = "district"
    CITY = "city"
    MUNICIPALITY = "municipality"
    COLLECTIVE_MUNICIPALITY = "collective_municipality"
    ASSOCIATION = "association"


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    PARTNER_EDITOR = "partner_editor"
    FUNDING_OFFICER = "funding_officer"
    VIEWER = "viewer"


class AuditAction(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


# The 16 federal states by their two-digit key (first two digits of the AGS).
STATES: dict[str, str] = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}
