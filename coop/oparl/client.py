"""Reading an OParl server: pages through `links.next`, retries with backoff, and tolerance of
what real servers send (see ../shared/DOMAIN.md): a missing `type`, seven-digit AGS, empty
strings, a single object where a list belongs, 500s that succeed on retry. A bad object is
skipped and reported; a failed list ends that list with a clear message, never the whole run."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask_babel import gettext as _

from ..outgoing import DeadlineExceeded, OutgoingClient, OutgoingError, client_from_config

OPARL_TYPES = (
    "System",
    "Body",
    "Organization",
    "Person",
    "Meeting",
    "Paper",
    "Consultation",
    "AgendaItem",
    "File",
    "Location",
    "Membership",
    "LegislativeTerm",
)
HEADERS = {"User-Agent": "coop OParl client", "Accept": "application/json"}
LIST_FIELDS = {  # fields that hold lists of objects or URLs
    "consultation",
    "agendaItem",
    "organization",
    "auxiliaryFile",
    "keyword",
    "originatorPerson",
    "underDirectionOf",
    "originatorOrganization",
    "relatedPaper",
    "membership",
    "participant",
    "legislativeTerm",
    "location",
}
LIST_FIELDS_BY_TYPE = {  # on these types the field is a URL of a list, not a list
    "Body": {"organization", "consultation", "agendaItem", "membership"},
    "Organization": {"consultation"},
    "Consultation": {"agendaItem"},
    "AgendaItem": {"consultation"},
}


class FetchError(Exception):
    """A page could not be read; the message says why, in German."""


@dataclass
class Fetcher:
    """Reads OParl pages through coop's one outgoing client (coop/outgoing.py: only public
    addresses unless the operator allows a host, a byte cap and a deadline per request).

    `timeout` is the deadline of one request in seconds (None: OUTGOING_TIMEOUT); `budget`,
    if set, bounds all requests of this fetcher together (a page people wait for)."""

    timeout: float | None = None
    retries: int = 3
    backoff: float = 0.5
    max_pages: int = 10000
    client: OutgoingClient | None = None
    sleep: Callable[[float], None] = time.sleep
    budget: float | None = None

    def __post_init__(self):
        if self.client is None:
            self.client = client_from_config(headers=HEADERS)
        self._ends = None if self.budget is None else time.monotonic() + self.budget

    def _deadline(self, url: str) -> float | None:
        """The seconds this request may take: its own deadline, within what is left of the
        budget."""
        if self._ends is None:
            return self.timeout
        left = self._ends - time.monotonic()
        if left <= 0:
            raise FetchError(
                _(
                    "%(url)s: reading the system took longer than %(seconds)s s.",
                    url=url,
                    seconds=f"{self.budget:g}",
                )
            )
        return left if self.timeout is None else min(self.timeout, left)

    def get(self, url: str, params: dict | None = None) -> dict:
        """One JSON object; retries 5xx answers and timeouts with growing pauses."""
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                r = self.client.get(url, params=params, deadline=self._deadline(url))
            except DeadlineExceeded as exc:
                last = _("no answer within %(seconds)s s", seconds=f"{exc.seconds:g}")
                continue
            except OutgoingError as exc:
                # refused, unreachable, too large, too many redirects: the same again would
                # fail the same way; the message does not tell internal services apart
                raise FetchError(exc.user_message) from None
            if r.status >= 500:
                last = _("server error %(status)d", status=r.status)
                continue
            if r.status != 200:
                raise FetchError(_("%(url)s answers %(status)d.", url=url, status=r.status))
            try:
                data = r.json()
            except ValueError:
                kind = r.headers.get("Content-Type", "?").split(";")[0]
                raise FetchError(
                    _("%(url)s sends no JSON but %(kind)s.", url=url, kind=kind)
                ) from None
            if not isinstance(data, dict):
                raise FetchError(_("%(url)s sends no JSON object.", url=url))
            return data
        raise FetchError(
            _("%(url)s: %(last)s, even after %(n)d retries.", url=url, last=last, n=self.retries)
        )

    def pages(self, url: str, params: dict | None = None) -> Iterator[list]:
        """The `data` of each page of a list, following `links.next`; stops at a loop."""
        seen: set[str] = set()
        first = True
        while url:
            if url in seen:
                raise FetchError(_("The list leads back to an earlier page (%(url)s).", url=url))
            seen.add(url)
            if len(seen) > self.max_pages:
                raise FetchError(_("The list has more than %(n)d pages.", n=self.max_pages))
            page = self.get(url, params if first else None)
            first = False
            if "data" not in page:
                raise FetchError(_("%(url)s is no OParl list (“data” is missing).", url=url))
            data = page["data"]
            yield data if isinstance(data, list) else [data]
            links = page.get("links") or {}
            url = links.get("next") if isinstance(links, dict) else None


def type_name(obj: dict, expected: str | None = None) -> str | None:
    """The OParl type of an object ("Paper"), also where the server left it out."""
    raw = obj.get("type")
    if isinstance(raw, str) and raw:
        name = raw.rstrip("/").rsplit("/", 1)[-1]
        if name in OPARL_TYPES:
            return name
    if expected:
        return expected
    if "oparlVersion" in obj:
        return "System"
    if "paper" in obj and "meeting" in obj:
        return "Body"
    return None


def clean(obj, type_hint: str | None = None):
    """Empty strings become None; a single object where a list belongs becomes a list;
    a seven-digit AGS gets its leading zero back. Embedded objects are cleaned too."""
    if isinstance(obj, list):
        return [clean(x) for x in obj]
    if not isinstance(obj, dict):
        return None if obj == "" else obj
    kind = type_name(obj, type_hint)
    url_fields = LIST_FIELDS_BY_TYPE.get(kind or "", set())
    out = {}
    for key, value in obj.items():
        if value == "":
            continue
        if key in LIST_FIELDS and key not in url_fields and not isinstance(value, list):
            value = [value]
        if key == "ags" and isinstance(value, str | int) and str(value).isdigit():
            value = str(value).zfill(8)
        out[key] = clean(value)
    return out
