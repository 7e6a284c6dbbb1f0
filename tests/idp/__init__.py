"""Real identity providers for the tests: an OpenID Connect provider (the certified npm package
`oidc-provider`, tests/idp/oidc_provider.mjs) and an OpenLDAP server (Debian's slapd)."""
