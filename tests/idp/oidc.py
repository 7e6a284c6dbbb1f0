"""The OpenID Connect provider of the tests, and a person signing in at it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "coop"
CLIENT_SECRET = "coop-test-client-secret-not-secret"
APP_URL = "http://localhost"


# Accounts of the provider: login -> claims (Keycloak puts groups as names or paths).
ACCOUNTS = {
    "anna": {
        "email": "anna.schulte@kreis-hoexter.de",
        "email_verified": True,
        "name": "Anna Schulte",
        "groups": ["/kreis-hoexter/it-koordination"],
    },
    "ben": {
        "email": "ben.koch@brakel.de",
        "email_verified": True,
        "name": "Ben Koch",
        "groups": ["ikz-partner"],
        "ags": "05762016",
    },
    "clara": {
        "email": "clara@nieheim.de",
        "email_verified": True,
        "name": "Clara Vogt",
        "groups": ["kantine"],
    },
    "dora": {"email": "dora@kreis-hoexter.de", "email_verified": True, "name": "Dora Lange"},
}

GROUP_ROLES = (
    "/kreis-hoexter/it-koordination=coordinator@05762; "
    "ikz-partner=partner_editor; "
    "coop-foerderung=funding_officer"
)


def settings(issuer: str) -> dict:
    """coop's settings for the provider of the tests."""
    return {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_SCOPE": "openid email profile groups",
        "OIDC_BODY_CLAIM": "ags",
        "OIDC_DISPLAY_NAME": "Kreis-Login",
        "SSO_GROUP_ROLES": GROUP_ROLES,
    }


def available() -> str | None:
    """Why the provider cannot run here, or None."""
    if shutil.which("node") is None:
        return "Node.js"
    if not (ROOT / "node_modules" / "oidc-provider").exists():
        return "the npm package oidc-provider (npm install)"
    return None


class OidcProvider:
    """oidc-provider on 127.0.0.1 with the client coop and the given accounts."""

    def __init__(self, accounts: dict[str, dict], app_url: str = APP_URL):
        self.accounts = accounts
        self.app_url = app_url
        self.process: subprocess.Popen | None = None
        self.issuer = ""

    def start(self) -> str:
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            "REDIRECT_URIS": f"{self.app_url}/login/sso/callback",
            "POST_LOGOUT_REDIRECT_URIS": f"{self.app_url}/login",
            "ACCOUNTS": json.dumps(self.accounts),
        }
        self.process = subprocess.Popen(
            ["node", str(SCRIPT)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the OIDC provider did not start")
        self.issuer = json.loads(line)["issuer"]
        return self.issuer

    def misbehave(self, mode: str) -> None:
        """From now on hand out ID tokens that are wrong in this way (see the script)."""
        requests.post(f"{self.issuer}/_test/id-token", params={"mode": mode}, timeout=5)

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


def _form(page: str, base: str) -> tuple[str, dict]:
    action = re.search(r'<form[^>]*action="([^"]+)"', page)
    assert action, page[:500]
    fields = dict(
        re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
    )
    return urljoin(base, unescape(action.group(1))), fields


def sign_in_at_provider(authorize_url: str, login: str, password: str = "any") -> str:
    """Do what the person does at the provider (sign in, agree); the address it sends them
    back to (coop's callback with code and state)."""
    browser = requests.Session()
    url, method, data = authorize_url, "GET", None
    for _step in range(12):
        answer = browser.request(method, url, data=data, allow_redirects=False, timeout=10)
        if answer.is_redirect:
            url = urljoin(url, answer.headers["Location"])
            method, data = "GET", None
            if url.startswith(APP_URL):
                return url
            continue
        assert answer.status_code == 200, (answer.status_code, answer.text[:500])
        action, fields = _form(answer.text, url)
        if fields.get("prompt") == "login" or 'name="login"' in answer.text:
            fields.update({"prompt": "login", "login": login, "password": password})
        url, method, data = action, "POST", fields
    raise AssertionError("the provider did not send the person back")
