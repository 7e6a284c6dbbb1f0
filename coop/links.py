"""Absolute addresses of coop's pages, from PUBLIC_URL (the address people reach coop at), never
from the request's Host or X-Forwarded-Host: a client names any host it likes, and an answer
built from it could be stored in the page cache and sent to everyone else.

Without PUBLIC_URL (development and the demo on one's own machine, never production: the
configuration refuses that), the only hosts a request may name are the loopback names, so the
request's own address is used, with its port (`PORT=5077 make run`); outside a request (a job
of the worker), http://127.0.0.1 with the PORT of the environment."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def base() -> str:
    """PUBLIC_URL without its trailing slash (it may carry a path prefix: /coop); without it,
    the request's address, else the local address `make run` serves."""
    public = current_app.config.get("PUBLIC_URL")
    if public:
        return public.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/") + request.script_root
    return f"http://127.0.0.1:{os.environ.get('PORT') or 5000}"


def external_url(endpoint: str, **values) -> str:
    """The absolute address of a page: PUBLIC_URL followed by the route's path."""
    if has_request_context():
        path = url_for(endpoint, **values)
        root = request.script_root
        if root and path.startswith(root):
            path = path[len(root) :]  # PUBLIC_URL names the prefix itself
        return base() + path
    with current_app.test_request_context("/", base_url=base() + "/"):
        return url_for(endpoint, _external=True, **values)


def trusted_hosts(public_url: str, extra: str = "") -> list[str]:
    """The host names a request may be addressed to: PUBLIC_URL's, the loopback names (the
    container's own health check asks 127.0.0.1) and those listed in `extra`."""
    hosts = [urlsplit(public_url or "").hostname or ""]
    hosts += ["127.0.0.1", "localhost", "::1"]
    hosts += [h for h in extra.replace(",", " ").split() if h]
    return list(dict.fromkeys(h.lower() for h in hosts if h))
