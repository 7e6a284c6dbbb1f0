"""Which groups of the directory or the identity provider give which role in coop.

The operator writes one rule per group, first match counts::

    coop-admins=admin; kreis-hoexter-it=coordinator@05762000; brakel-ikz=partner_editor@05762008

A rule's group is compared with each group the person is in: with its whole name (a DN such as
``cn=brakel-ikz,ou=groups,dc=kreis-hoexter,dc=de`` or a Keycloak path ``/coop/brakel-ikz``)
and with its short name (the DN's first ``cn``, the path's last part), without regard to case.
The AGS after ``@`` binds the role to that body; without one the role is not bound, or the
body comes from the provider (a claim that carries the AGS).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..core.enums import Role


class MappingError(ValueError):
    """The operator's rules cannot be read; the message says which part."""


@dataclass(frozen=True)
class GroupRule:
    group: str
    role: Role
    ags: str | None = None


_RULE = re.compile(r"^(?P<group>[^=]+?)\s*=\s*(?P<role>[a-z_]+)\s*(?:@\s*(?P<ags>\d{5,8}))?$")


def parse_rules(text: str | None) -> list[GroupRule]:
    """The rules of SSO_GROUP_ROLES, in order; separated by ";" or new lines."""
    rules = []
    for part in re.split(r"[;\n]", text or ""):
        part = part.strip()
        if not part or part.startswith("#"):
            continue
        match = _RULE.match(part)
        if not match:
            raise MappingError(f"Rule {part!r}: write group=role or group=role@AGS.")
        try:
            role = Role(match["role"])
        except ValueError:
            raise MappingError(
                f"Rule {part!r}: unknown role {match['role']!r} "
                f"(one of {', '.join(r.value for r in Role)})."
            ) from None
        ags = match["ags"]
        if ags and len(ags) == 5:  # a district's key: its own AGS ends in 000
            ags += "000"
        if ags and len(ags) != 8:
            raise MappingError(f"Rule {part!r}: an AGS has 8 digits (or 5 for a district).")
        rules.append(GroupRule(match["group"].strip(), role, ags))
    return rules


def short_name(group: str) -> str:
    """A group's short name: the first cn= of a DN, the last part of a path, else itself."""
    value = group.strip()
    if "=" in value and "," in value or value.lower().startswith("cn="):
        first = value.split(",", 1)[0]
        return first.split("=", 1)[1].strip() if "=" in first else first
    if "/" in value:
        return value.rstrip("/").rsplit("/", 1)[-1]
    return value


def _whole(group: str) -> str:
    return re.sub(r"\s*,\s*", ",", " ".join(group.split())).lower()


def match_rule(rules: Iterable[GroupRule], groups: Iterable[str]) -> GroupRule | None:
    """The first rule whose group the person is in, or None. A rule naming a whole DN or path
    matches that group only; a rule naming a short name matches it anywhere."""
    whole: set[str] = set()
    short: set[str] = set()
    for group in groups:
        if isinstance(group, str) and group.strip():
            whole.add(_whole(group))
            short.add(short_name(group).lower())
    for rule in rules:
        if short_name(rule.group) == rule.group.strip():
            if rule.group.strip().lower() in short:
                return rule
        elif _whole(rule.group) in whole:
            return rule
    return None
