"""Sign-in against LDAP or Active Directory (python-ldap, on OpenLDAP's client library).

The person's own credentials are checked by a bind over TLS: ``ldaps://`` or ``ldap://`` with
STARTTLS, never in the clear. A service account (LDAP_BIND_DN) finds the person's entry and
their groups; groups in groups count too (nested groups, as Active Directory practice uses
them), found level by level so that it works on OpenLDAP as on AD.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app

from ..core.enums import AuthSource
from .external import ExternalIdentity

log = logging.getLogger(__name__)
MAX_NESTING = 10  # levels of groups in groups followed


class DirectoryUnavailable(Exception):
    """The directory cannot be reached or does not answer in time."""


@dataclass(frozen=True)
class DirectorySettings:
    url: str
    ca_file: str | None
    bind_dn: str | None
    bind_password: str | None
    user_base: str
    user_filter: str
    group_base: str
    group_filter: str
    mail_attribute: str
    name_attribute: str
    timeout: float

    @classmethod
    def from_config(cls, config) -> DirectorySettings | None:
        """The settings, or None when LDAP_URL is not set."""
        if not config.get("LDAP_URL"):
            return None
        return cls(
            url=config["LDAP_URL"],
            ca_file=config.get("LDAP_CA_FILE"),
            bind_dn=config.get("LDAP_BIND_DN"),
            bind_password=config.get("LDAP_BIND_PASSWORD"),
            user_base=config["LDAP_USER_BASE"],
            user_filter=config["LDAP_USER_FILTER"],
            group_base=config.get("LDAP_GROUP_BASE") or config["LDAP_USER_BASE"],
            group_filter=config["LDAP_GROUP_FILTER"],
            mail_attribute=config["LDAP_MAIL_ATTRIBUTE"],
            name_attribute=config["LDAP_NAME_ATTRIBUTE"],
            timeout=float(config["LDAP_TIMEOUT"]),
        )


def settings() -> DirectorySettings | None:
    """The directory of this app's configuration, or None."""
    return DirectorySettings.from_config(current_app.config)


def _connect(s: DirectorySettings):
    import ldap

    conn = ldap.initialize(s.url)
    conn.set_option(ldap.OPT_PROTOCOL_VERSION, 3)
    conn.set_option(ldap.OPT_REFERRALS, 0)
    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, s.timeout)
    conn.set_option(ldap.OPT_TIMEOUT, s.timeout)
    conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
    if s.ca_file:
        conn.set_option(ldap.OPT_X_TLS_CACERTFILE, s.ca_file)
    conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)  # last: applies the TLS options above
    if s.url.lower().startswith("ldap://"):
        conn.start_tls_s()
    return conn


def _text(entry: dict, attribute: str) -> str:
    values = entry.get(attribute) or entry.get(attribute.lower()) or []
    return values[0].decode("utf-8", "replace") if values else ""


def _groups(conn, s: DirectorySettings, user_dn: str) -> list[str]:
    """The DNs of the groups the entry is in, directly or through other groups."""
    import ldap
    from ldap.filter import escape_filter_chars

    found: dict[str, str] = {}
    frontier = [user_dn]
    for _level in range(MAX_NESTING):
        if not frontier:
            break
        parts = "".join(s.group_filter.format(dn=escape_filter_chars(dn)) for dn in frontier)
        results = conn.search_st(
            s.group_base, ldap.SCOPE_SUBTREE, f"(|{parts})", ["cn"], timeout=s.timeout
        )
        frontier = []
        for dn, _attrs in results:
            if dn and dn.lower() not in found:
                found[dn.lower()] = dn
                frontier.append(dn)
    return list(found.values())


def check(login: str, password: str, s: DirectorySettings) -> ExternalIdentity | None:
    """The person, if `login` names one entry and `password` binds as it; None if the
    directory does not know them or the password is wrong. Raises DirectoryUnavailable."""
    import ldap
    from ldap.filter import escape_filter_chars

    login = (login or "").strip()
    if not login or not password:  # an empty password would be an anonymous bind, which succeeds
        return None
    try:
        conn = _connect(s)
        try:
            conn.simple_bind_s(s.bind_dn or "", s.bind_password or "")
            wanted = [s.mail_attribute, s.name_attribute, "cn", "entryUUID", "objectGUID"]
            results = conn.search_st(
                s.user_base,
                ldap.SCOPE_SUBTREE,
                s.user_filter.format(login=escape_filter_chars(login)),
                wanted,
                timeout=s.timeout,
            )
            entries = [(dn, attrs) for dn, attrs in results if dn]
            if len(entries) != 1:
                return None
            dn, attrs = entries[0]
            try:
                conn.simple_bind_s(dn, password)
            except ldap.INVALID_CREDENTIALS:
                return None
            # back to the service account: people may not read the groups themselves
            conn.simple_bind_s(s.bind_dn or "", s.bind_password or "")
            groups = _groups(conn, s, dn)
        finally:
            conn.unbind_s()
    except (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR, ldap.UNAVAILABLE, OSError) as exc:
        log.warning("LDAP directory %s unavailable: %s", s.url, exc)
        raise DirectoryUnavailable(str(exc)) from exc
    except ldap.LDAPError as exc:
        log.error("LDAP directory %s refused the service account or the search: %s", s.url, exc)
        raise DirectoryUnavailable(str(exc)) from exc
    uid = attrs.get("entryUUID") or attrs.get("objectGUID")
    subject = uid[0].hex() if uid and "objectGUID" in attrs else (_text(attrs, "entryUUID") or dn)
    return ExternalIdentity(
        source=AuthSource.LDAP,
        subject=f"ldap|{subject}",
        email=_text(attrs, s.mail_attribute) or None,
        name=_text(attrs, s.name_attribute) or _text(attrs, "cn"),
        groups=groups,
    )
