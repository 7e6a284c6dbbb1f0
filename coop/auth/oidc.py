"""Single sign-on with OpenID Connect (Keycloak as in openDesk, or any certified provider).

Authlib does the protocol: discovery, the authorization code flow with PKCE (S256), the state
and nonce kept in the session, the ID token's signature checked against the provider's keys,
its issuer, audience, expiry and nonce. coop maps the person's groups to a role (`external`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

from ..core.enums import AuthSource
from .external import ExternalIdentity

EXTENSION = "coop_oidc"


def init_oidc(app: Flask) -> None:
    """Register the provider when OIDC_ISSUER is set (nothing is fetched here: discovery
    happens at the first sign-in)."""
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return
    oauth = OAuth(app)
    oauth.register(
        "oidc",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": app.config["OIDC_SCOPE"],
            "code_challenge_method": "S256",
            "timeout": app.config["OIDC_TIMEOUT"],
        },
    )
    app.extensions[EXTENSION] = oauth


def enabled() -> bool:
    """Whether sign-in through an OpenID Connect provider is configured."""
    return EXTENSION in current_app.extensions


def client():
    """The Authlib client of the configured provider."""
    return current_app.extensions[EXTENSION].oidc


def provider_origin(app: Flask) -> str | None:
    """scheme://host of the provider, which the page's CSP must allow as a form target (the
    sign-out form ends at the provider)."""
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return None
    parts = urlsplit(issuer)
    return f"{parts.scheme}://{parts.netloc}"


def identity_from(token: dict, userinfo: dict | None = None) -> ExternalIdentity:
    """Who the provider says the person is: the checked ID token's claims, completed by the
    userinfo answer where the ID token leaves the groups out."""
    claims = dict(token.get("userinfo") or {})
    for key, value in (userinfo or {}).items():
        claims.setdefault(key, value)
    config = current_app.config
    groups = claims.get(config["OIDC_GROUPS_CLAIM"]) or []
    if isinstance(groups, str):
        groups = [groups]
    body_claim = config.get("OIDC_BODY_CLAIM")
    ags = claims.get(body_claim) if body_claim else None
    email = claims.get("email") if claims.get("email_verified", True) is not False else None
    name = claims.get("name") or " ".join(
        p for p in (claims.get("given_name"), claims.get("family_name")) if p
    )
    return ExternalIdentity(
        source=AuthSource.OIDC,
        subject=f"{claims['iss']}|{claims['sub']}",
        email=email,
        name=name or "",
        groups=[g for g in groups if isinstance(g, str)],
        ags=str(ags) if ags else None,
    )


def logout_url(id_token: str | None, after: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), or None if it has none."""
    oidc = client()
    if not oidc.load_server_metadata().get("end_session_endpoint"):
        return None
    return oidc.create_logout_url(
        post_logout_redirect_uri=after,
        id_token_hint=id_token,
        client_id=current_app.config["OIDC_CLIENT_ID"],
    )["url"]
