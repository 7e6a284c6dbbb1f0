"""The one outgoing HTTP client (coop/outgoing.py) and where it is used: each way of making
coop's server read its own network is refused, before any connection; answers are capped in
size and time; the mapping page reads only on a POST with its token; the sync refuses too."""

import gzip
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from coop import jobs, outgoing
from coop.audit import acting_as
from coop.extensions import db
from coop.models import Body, OParlObject
from coop.oparl.client import Fetcher, FetchError
from tests.oparl.fake_server import CIS, serve

MiB = 1024 * 1024
BOMB = gzip.compress(b"\0" * (32 * MiB))  # 32 MiB of zeros in about 32 KiB


class Server:
    """A small HTTP server on 127.0.0.1 with the answers the attacks need; it notes each
    request and how many body bytes it managed to send."""

    def __init__(self):
        self.requests: list[str] = []
        self.sent: dict[str, int] = {}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 - http.server's name
                owner.requests.append(self.path)
                getattr(owner, "answer_" + self.path.strip("/").split("?")[0].replace("-", "_"),
                        owner.answer_json)(self)  # fmt: skip

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_port
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def _send(self, h, status=200, headers=(), body=b""):
        h.send_response(status)
        for name, value in headers:
            h.send_header(name, value)
        if not any(name == "Content-Length" for name, _v in headers):
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def answer_json(self, h):
        self._send(h, headers=[("Content-Type", "application/json")], body=b'{"ok": true}')

    def _redirect(self, h, location):
        self._send(h, 302, [("Location", location)])

    def answer_to_decimal(self, h):  # 2130706433 is 127.0.0.1, but not allowed by that name
        self._redirect(h, self.url("/json", host="2130706433"))

    def answer_to_localhost(self, h):
        self._redirect(h, self.url("/json", host="localhost"))

    def answer_to_metadata(self, h):
        self._redirect(h, "http://169.254.169.254/latest/meta-data/")

    def answer_to_json(self, h):  # a relative redirect on an allowed host
        self._redirect(h, "/json")

    def answer_loop(self, h):
        self._redirect(h, "/loop")

    def _stream(self, h, key, total, headers):
        h.send_response(200)
        for name, value in headers:
            h.send_header(name, value)
        h.end_headers()
        block = b"x" * (64 * 1024)
        self.sent[key] = 0
        try:
            while self.sent[key] < total:
                h.wfile.write(block)
                self.sent[key] += len(block)
        except OSError:
            pass
        h.close_connection = True

    def answer_big(self, h):  # no Content-Length: only reading tells the size
        self._stream(h, "big", 256 * MiB, [("Connection", "close")])

    def answer_big_declared(self, h):
        self._stream(h, "big-declared", 256 * MiB, [("Content-Length", str(256 * MiB))])

    def answer_bomb(self, h):
        self._send(h, headers=[("Content-Encoding", "gzip")], body=BOMB)

    def answer_drip(self, h):  # one byte every 0.2 s, 60 bytes in all (12 s)
        h.send_response(200)
        h.send_header("Content-Length", "60")
        h.end_headers()
        h.wfile.flush()
        self._drip(h, b"x" * 60)

    def answer_drip_headers(self, h):  # even the headers come one byte at a time
        h.close_connection = True
        self._drip(h, b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"y" * 60 + b"\r\n\r\n")

    def _drip(self, h, data):
        try:
            for byte in data:
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def connects(monkeypatch):
    """Every address a socket connects to (the real connection still happens)."""
    seen: list = []
    real = socket.socket.connect

    def spy(sock, address):
        seen.append(address)
        return real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", spy)
    return seen


def client(**kw):
    return outgoing.OutgoingClient(**{"allowed_hosts": "127.0.0.1", "deadline": 5, **kw})


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.178.1", "169.254.169.254",
     "100.64.0.1", "0.0.0.0", "224.0.0.251", "255.255.255.255", "240.0.0.1", "192.0.2.1",
     "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%lo", "fec0::1", "ff02::1",
     "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:7f00:1::1",
     "2001:db8::1"],
)  # fmt: skip
def test_internal_and_reserved_addresses_are_not_public(address):
    assert not outgoing.is_public(address)


@pytest.mark.parametrize("address", ["1.1.1.1", "193.99.144.80", "2a00:1450:4001:80b::200e"])
def test_global_addresses_are_public(address):
    assert outgoing.is_public(address)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://LOCALHOST./",
        "http://2130706433/",  # decimal 127.0.0.1
        "http://0x7f.1/",  # hex and short
        "http://127.1/",
        "http://017700000001/",  # octal
        "http://0/",
        "http://10.0.0.1/",
        "http://192.168.1.1:8080/",
        "https://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[fc00::1]/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_internal_addresses_are_refused_before_any_connection(url, connects):
    with pytest.raises(outgoing.RefusedAddress) as refused:
        outgoing.OutgoingClient(allowed_hosts="").get(url)
    assert connects == []
    assert refused.value.url == url


def test_an_allowed_host_is_read_by_its_name_only(server, connects):
    answer = client().get(server.url("/json"))
    assert (answer.status, answer.json()) == (200, {"ok": True})
    assert connects == [("127.0.0.1", server.port)]
    with pytest.raises(outgoing.RefusedAddress):
        client(allowed_hosts="").get(server.url("/json"))
    with pytest.raises(outgoing.RefusedAddress):  # the same machine, by another name
        client().get(server.url("/json", host="localhost"))
    assert server.requests == ["/json"]


def test_setting_lists_hosts_by_comma_or_space():
    hosts = outgoing.parse_hosts("ris.intern.kreis.example, 10.1.2.3  [::1] Localhost.")
    assert hosts == {"ris.intern.kreis.example", "10.1.2.3", "::1", "localhost"}
    assert outgoing.parse_hosts("") == frozenset()


@pytest.mark.parametrize("path", ["/to-decimal", "/to-localhost", "/to-metadata"])
def test_a_redirect_target_is_checked_like_the_first_address(server, connects, path):
    with pytest.raises(outgoing.RefusedAddress) as refused:
        client().get(server.url(path))
    assert server.requests == [path]  # the target, this same server, was never asked
    assert set(connects) == {("127.0.0.1", server.port)}
    assert refused.value.url == server.url(path)  # the message names what was asked for


def test_redirects_are_followed_here_up_to_the_limit(server):
    answer = client().get(server.url("/to-json"))
    assert answer.json() == {"ok": True} and answer.url == server.url("/json")
    with pytest.raises(outgoing.TooManyRedirects):
        client(max_redirects=3).get(server.url("/loop"))
    assert server.requests.count("/loop") == 4


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/", "file:///etc/passwd", "gopher://127.0.0.1:25/",
     "http://user:pw@127.0.0.1/", "http://user@127.0.0.1/", "http:///nohost",
     "http://127.0.0.1:99999999/", "javascript:alert(1)"],
)  # fmt: skip
def test_only_http_and_https_without_credentials(url, connects):
    with pytest.raises(outgoing.BadAddress):
        client().get(url)
    assert connects == []


def test_an_answer_larger_than_the_cap_is_not_read_to_its_end(server):
    with pytest.raises(outgoing.TooLarge):
        client(max_bytes=MiB).get(server.url("/big"))
    for _ in range(50):  # the server notices the closed connection when its buffers are full
        if server.sent.get("big", 0) and server.sent["big"] < 256 * MiB:
            break
        time.sleep(0.1)
    assert server.sent["big"] < 64 * MiB


def test_a_declared_length_above_the_cap_is_refused_at_once(server):
    started = time.monotonic()
    with pytest.raises(outgoing.TooLarge):
        client(max_bytes=MiB).get(server.url("/big-declared"))
    assert time.monotonic() - started < 5


def test_the_cap_counts_what_decompression_gives(server):
    with pytest.raises(outgoing.TooLarge):
        client(max_bytes=MiB).get(server.url("/bomb"))


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_slow_drip_is_cut_off_at_the_deadline(server, path):
    started = time.monotonic()
    with pytest.raises(outgoing.DeadlineExceeded):
        client(deadline=1).get(server.url(path))
    # the drip would take 12 s; a per-read time-out would never have fired
    assert time.monotonic() - started < 8


def test_connects_to_the_address_it_checked(monkeypatch, connects):
    """DNS rebinding: the name is resolved once, and the socket connects to that answer."""
    answers = iter([("93.184.215.14", 80), ("127.0.0.1", 80)])  # public first, then loopback
    lookups = []
    real = socket.getaddrinfo

    def resolver(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        ip, _port = next(answers)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    def no_network(sock, address):
        connects.append(address)
        raise ConnectionRefusedError("the test does not leave the machine")

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    with pytest.raises(outgoing.Unreachable):
        outgoing.OutgoingClient(allowed_hosts="").get("http://rebind.example/")
    assert lookups == ["rebind.example"] and connects == [("93.184.215.14", 80)]


def test_a_name_with_one_internal_address_is_refused(monkeypatch, connects):
    def resolver(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises(outgoing.RefusedAddress):
        outgoing.OutgoingClient(allowed_hosts="").get("http://mixed.example/")
    assert connects == []


# Where the client is used: the Fetcher, the sync, the mapping page.


def test_the_fetcher_says_one_thing_for_every_internal_address(sqlite_app, server):
    sqlite_app.config["OUTGOING_ALLOWED_HOSTS"] = ""
    messages = set()
    for url in ("http://127.0.0.1:22/", "http://localhost:6379/", "http://10.0.0.1:5432/",
                "http://169.254.169.254/", "http://2130706433/", server.url("/json")):  # fmt: skip
        with pytest.raises(FetchError) as failed:
            Fetcher(retries=0).get(url)
        messages.add(str(failed.value).replace(url, "URL"))
    assert messages == {"URL ist von coop aus nicht erreichbar (internes oder reserviertes Netz)."}
    assert server.requests == []


def test_the_fetcher_says_one_thing_for_every_network_error(sqlite_app):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    messages = set()
    for url in (f"http://127.0.0.1:{port}/", "http://name-that-does-not-exist.invalid/"):
        with pytest.raises(FetchError) as failed:
            Fetcher(retries=0).get(url)
        messages.add(str(failed.value).replace(url, "URL"))
    assert messages == {"URL ist nicht erreichbar."}


def test_the_fetcher_keeps_retrying_at_the_deadline_and_stops_at_the_cap(sqlite_app, server):
    sqlite_app.config["OUTGOING_MAX_BYTES"] = MiB
    with pytest.raises(FetchError, match="sendet mehr als 1 MiB"):
        Fetcher(retries=2, sleep=lambda s: None).get(server.url("/big-declared"))
    assert server.requests == ["/big-declared"]  # too large is not tried again
    with pytest.raises(FetchError, match="keine Antwort innerhalb von 0.5 s, auch nach 1"):
        Fetcher(timeout=0.5, retries=1, sleep=lambda s: None).get(server.url("/drip"))
    assert server.requests.count("/drip") == 2


@pytest.fixture
def cis():
    system = CIS(papers=5)
    server = serve(system)
    yield system
    server.shutdown()


def test_the_sync_refuses_a_loopback_address(app, seed, cis):
    app.config["OUTGOING_ALLOWED_HOSTS"] = ""
    body = seed.bodies["brakel"]
    with acting_as(None, "test"):
        body.oparl_url = cis.url("/system")
        db.session.commit()
        run, summary = jobs.sync_body(body, fetcher=Fetcher(retries=0))
    assert not run.ok and "internes oder reserviertes Netz" in " ".join(summary.errors)
    assert cis.requests == []
    assert db.session.scalar(select(func.count(OParlObject.id))) == 0


def test_the_mapping_page_reads_only_on_a_post_with_its_token(app, client, auth, seed, cis):
    auth.login(seed.users["coordinator"].email)
    district = seed.bodies["hoexter"]
    with acting_as(None, "test"):
        db.session.get(Body, district.id).oparl_url = cis.url("/system")
        db.session.commit()
    url = f"/bodies/{district.id}/oparl-system"
    page = client.get(url, query_string={"url": cis.url("/system?from=link")})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and cis.requests == []  # a link or an <img> reads nothing
    assert 'method="post"' in html and "Körperschaften lesen" in html
    assert f'value="{cis.url("/system?from=link")}"' in html
    page = client.get(url)
    assert f'value="{cis.url("/system")}"' in page.get_data(as_text=True)  # the stored one
    refused = client.post(url, data={"url": cis.url("/system"), "action": "read"})
    assert refused.status_code == 400 and cis.requests == []
    token = auth.csrf(url)
    listed = client.post(url, data={"url": cis.url("/system"), "action": "read",
                                    "csrf_token": token})  # fmt: skip
    assert listed.status_code == 200 and "Stadt Marienmünster" in listed.get_data(as_text=True)
    assert cis.requests[0] == "/system"
    app.config["OUTGOING_ALLOWED_HOSTS"] = ""
    cis.requests.clear()
    inside = client.post(url, data={"url": cis.url("/system"), "action": "read",
                                    "csrf_token": token})  # fmt: skip
    text = inside.get_data(as_text=True)
    assert inside.status_code == 422 and cis.requests == []
    assert "ist von coop aus nicht erreichbar (internes oder reserviertes Netz)" in text
