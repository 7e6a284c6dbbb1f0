"""A council information system in the test: an HTTP server on a free port that serves OParl
pages built from the spec's examples' shapes, with the deviations real servers show.

`CIS.papers` papers (100 a page), each with one consultation in a meeting whose agenda item has
a result; three organizations. Quirks: the Body has no `type` and a seven-digit AGS; one meeting
sends its single agenda item as an object, not a list; empty strings; one paper has no id; one
page answers 500 once; one page is too slow once. `modified_since` returns what changed."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

OPARL = "https://schema.oparl.org/1.1/"
RESULTS = [
    "einstimmig",
    "13 Ja-Stimmen, 0 Enthaltungen, 0 Nein-Stimmen",
    "geändert beschlossen",
    "vertagt",
    "abgelehnt",
    "zur Kenntnis genommen",
]
ORGANS = {1: "Rat der Stadt Marienmünster", 2: "Hauptausschuss", 3: "Bauausschuss"}
PAGE = 100


class _Lazy:
    """A list whose objects are built when a page asks for them."""

    def __init__(self, numbers: list[int], build):
        self.numbers, self.build = numbers, build

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, window: slice) -> list[dict]:
        return [self.build(i) for i in self.numbers[window]]


class CIS:
    def __init__(self, papers: int = 250):
        self.papers = papers
        self.base = ""
        self.t0 = datetime(2024, 1, 1, tzinfo=UTC)
        self.modified: dict[int, datetime] = {i: self.t0 for i in range(1, papers + 1)}
        self.deleted: set[int] = set()
        self.fail_once: set[str] = set()  # paths answering 500 once
        self.slow_once: set[str] = set()  # paths answering too late once
        self.slow_always: set[str] = set()
        self.requests: list[str] = []
        self.lock = threading.Lock()
        # paper 1 heard again at meeting 2, under the same consultation id (as a real server does)
        self.second_hearing = False
        self.day0 = datetime(2022, 2, 23, 18, 0, tzinfo=UTC)  # the first meeting
        self.result_of: dict[int, str] = {}  # an agenda item's result changed in place
        self.twice: set[int] = set()  # papers sent twice on their page
        self.retyped: set[int] = set()  # papers whose id now comes with another type
        # a hosting centre's further bodies (name, AGS): body 2, 3, … with one organization each
        self.more_bodies: list[tuple[str, str | None]] = []

    # --- objects ---------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.base + path

    def paper(self, i: int) -> dict:
        if i in self.deleted:
            return {
                "id": self.url(f"/paper/{i}"),
                "type": OPARL + "Paper",
                "deleted": True,
                "modified": self.modified[i].isoformat(),
            }
        meeting = (i - 1) // 10 + 1
        reference = "560/2022" if i == 1 else f"{i:04d}/2022"
        name = "Gründung eines Digitalnetzwerks" if i in (1, 2) else f"Vorlage {i}"
        if i == 3:
            name = "Zuschuss für den Sportverein"
        return {
            "id": self.url(f"/paper/{i}"),
            "type": OPARL + "Paper",
            "body": self.url("/body/1"),
            "name": name,
            "reference": reference,
            "date": "2022-02-01",
            "paperType": "Beschlussvorlage",
            "web": f"https://ris.example/vo0050.asp?__kvonr={i}",
            "keyword": [],
            "consultation": [
                {
                    "id": self.url(f"/consultation/{i}"),
                    "type": OPARL + "Consultation",
                    "paper": self.url(f"/paper/{i}"),
                    "meeting": self.url(f"/meeting/{meeting}"),
                    "agendaItem": self.url(f"/agendaitem/{i}"),
                    "organization": [self.url(f"/organization/{1 if i % 2 else 2}")],
                    "authoritative": bool(i % 2),
                    "role": "Entscheidung" if i % 2 else "Vorberatung",
                }
            ]
            + (
                [
                    {
                        "id": self.url(f"/consultation/{i}"),  # the same id, another meeting
                        "type": OPARL + "Consultation",
                        "paper": self.url(f"/paper/{i}"),
                        "meeting": self.url("/meeting/2"),
                        "agendaItem": self.url(f"/agendaitem/{i}-2"),
                        "organization": [self.url("/organization/1")],
                        "authoritative": True,
                        "role": "Entscheidung",
                    }
                ]
                if self.second_hearing and i == 1
                else []
            ),
            "created": self.t0.isoformat(),
            "modified": self.modified[i].isoformat(),
            "license": "",  # an empty string, as some servers send
        }

    def meeting(self, m: int) -> dict:
        items = [
            {
                "id": self.url(f"/agendaitem/{i}"),
                "type": OPARL + "AgendaItem",
                "meeting": self.url(f"/meeting/{m}"),
                "order": k,
                "number": str(k),
                "name": f"TOP {k}",
                "public": True,
                "consultation": self.url(f"/consultation/{i}"),
                "result": self.result_of.get(
                    i, RESULTS[i % len(RESULTS)] if i != 2 else "einstimmig"
                ),
            }
            for k, i in enumerate(range((m - 1) * 10 + 1, min(m * 10, self.papers) + 1), start=1)
        ]
        if self.second_hearing and m == 2:
            items.append(
                {
                    "id": self.url("/agendaitem/1-2"),
                    "type": OPARL + "AgendaItem",
                    "meeting": self.url("/meeting/2"),
                    "order": len(items) + 1,
                    "number": str(len(items) + 1),
                    "name": "Gründung eines Digitalnetzwerks (zweite Lesung)",
                    "public": True,
                    "consultation": self.url("/consultation/1"),
                    "result": "vertagt",
                }
            )
        day = self.day0 + timedelta(days=7 * (m - 1))
        return {
            "id": self.url(f"/meeting/{m}"),
            "type": OPARL + "Meeting",
            "name": f"Sitzung {m}",
            "start": day.isoformat(),
            "organization": self.url(f"/organization/{1 if m % 2 else 2}"),  # not a list
            "agendaItem": items[0] if len(items) == 1 else items,
            "modified": max(
                self.modified[i] for i in range((m - 1) * 10 + 1, min(m * 10, self.papers) + 1)
            ).isoformat(),
        }

    def listing(self, path: str, objects: list[dict], page: int, query: str) -> dict:
        start = (page - 1) * PAGE
        data = objects[start : start + PAGE]
        links = {}
        if start + PAGE < len(objects):
            links["next"] = self.url(f"{path}?page={page + 1}" + (f"&{query}" if query else ""))
        return {"data": data, "links": links, "pagination": {"totalElements": len(objects)}}

    # --- HTTP ------------------------------------------------------------------------------

    def answer(self, path: str, params: dict, query: str):
        since = params.get("modified_since")
        since = datetime.fromisoformat(since) if since else None
        page = int(params.get("page", 1))
        if path == "/system":
            return {
                "id": self.url("/system"),
                "type": OPARL + "System",
                "oparlVersion": OPARL,
                "body": self.url("/bodies"),
                "name": "Ratsinformationssystem",
            }
        if path == "/bodies":
            more = [self.other_body(k) for k in range(2, len(self.more_bodies) + 2)]
            return self.listing(path, [self.body(), *more], page, query)
        if path == "/body/1":
            return self.body()
        parts = path.split("/")
        if len(parts) >= 3 and parts[1] == "body" and parts[2].isdigit() and parts[2] != "1":
            k = int(parts[2])
            if k - 2 >= len(self.more_bodies):
                return None
            if len(parts) == 3:
                return self.other_body(k)
            objects = []
            if parts[3] == "organization" and not since:
                objects = [{"id": self.url(f"/body/{k}/organization/1"),
                            "type": OPARL + "Organization", "name": f"Rat {k}",
                            "modified": self.t0.isoformat()}]  # fmt: skip
            return self.listing(path, objects, page, query)
        if path == "/body/1/organization":
            orgs = [
                {"id": self.url(f"/organization/{k}"), "type": OPARL + "Organization", "name": name,
                 "modified": self.t0.isoformat()}
                for k, name in ORGANS.items()
            ]  # fmt: skip
            if since:
                orgs = []
            return self.listing(path, orgs, page, query)
        if path.startswith("/meeting/") and path.split("/")[-1].isdigit():
            return self.meeting(int(path.split("/")[-1]))
        if path == "/body/1/meeting":
            numbers = list(range(1, (self.papers - 1) // 10 + 2))
            if not since:
                return self.listing(path, _Lazy(numbers, self.meeting), page, query)
            meetings = [self.meeting(m) for m in numbers]
            if since:
                meetings = [x for x in meetings if datetime.fromisoformat(x["modified"]) > since]
            return self.listing(path, meetings, page, query)
        if path == "/body/1/paper":
            numbers = [
                i for i in range(1, self.papers + 1) if not since or self.modified[i] > since
            ]
            if self.twice or self.retyped:
                papers = [self.paper(i) for i in numbers]
                for i in self.retyped:
                    papers[numbers.index(i)] = {
                        **papers[numbers.index(i)],
                        "type": OPARL + "Meeting",
                    }
                for i in sorted(self.twice):
                    papers.insert(numbers.index(i), papers[numbers.index(i)])
            else:  # built per page: the bench serves 16,000 papers
                papers = _Lazy(numbers, self.paper)
            out = self.listing(path, papers, page, query)
            if page == 1 and not since:
                out["data"].insert(5, {"type": OPARL + "Paper", "name": "ohne id"})
            return out
        if path == "/html":
            return "<html><body>Wartungsarbeiten</body></html>"
        if path == "/notoparl":
            return {"message": "hello"}
        if path == "/loop/body":
            return {"id": self.url("/loop/body"), "type": OPARL + "Body", "name": "Schleife",
                    "paper": self.url("/loop/paper"), "meeting": self.url("/loop/meeting"),
                    "organization": self.url("/loop/organization")}  # fmt: skip
        if path.startswith("/loop/"):
            return {"data": [], "links": {"next": self.url(path)}}
        return None

    def other_body(self, k: int) -> dict:
        name, ags = self.more_bodies[k - 2]
        return {
            "id": self.url(f"/body/{k}"),
            "type": OPARL + "Body",
            "system": self.url("/system"),
            "name": name,
            **({"ags": ags} if ags else {}),
            **{
                kind: self.url(f"/body/{k}/{kind}")
                for kind in ("organization", "meeting", "paper", "person")
            },
            "legislativeTerm": [],
        }

    def body(self) -> dict:
        return {  # no "type", as some servers send it
            "id": self.url("/body/1"),
            "name": "Stadt Marienmünster",
            "ags": "5762024",  # seven digits: the leading zero got lost
            "organization": self.url("/body/1/organization"),
            "meeting": self.url("/body/1/meeting"),
            "paper": self.url("/body/1/paper"),
            "person": self.url("/body/1/person"),
            "legislativeTerm": [],
        }


def serve(cis: CIS):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_GET(self):  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            params = {k: v[0] for k, v in parse_qs(parts.query).items()}
            key = parts.path + (f"?page={params['page']}" if "page" in params else "")
            with cis.lock:
                cis.requests.append(self.path)
                fail = key in cis.fail_once
                cis.fail_once.discard(key)
                slow = key in cis.slow_once or key in cis.slow_always
                cis.slow_once.discard(key)
            if slow:
                time.sleep(1.5)
            if fail:
                self.send_response(500)
                self.end_headers()
                self.wfile.write(b"Internal Server Error")
                return
            body = cis.answer(parts.path, params, parts.query)
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            if isinstance(body, str):
                data, kind = body.encode(), "text/html; charset=utf-8"
            else:
                data, kind = json.dumps(body).encode(), "application/json"
            try:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    cis.base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server
