// A real OpenID Connect provider for the tests: the certified `oidc-provider` package (npm),
// on 127.0.0.1, with one confidential client (coop) and the accounts the test passes in.
//
// Environment: CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS and POST_LOGOUT_REDIRECT_URIS
// (space-separated), ACCOUNTS (JSON: login -> claims). Prints one JSON line {"issuer": ...}
// when it listens. Its sign-in page (the package's development interactions) takes any
// password for an account in ACCOUNTS.
//
// To test how coop treats a provider that misbehaves, POST /_test/id-token?mode=... changes
// the ID tokens the token endpoint hands out from then on: bad-signature (signed with another
// key), wrong-audience, wrong-issuer, expired, wrong-nonce; mode=honest restores them.
import http from 'node:http';

import Provider from 'oidc-provider';
import * as jose from 'jose';

const accounts = JSON.parse(process.env.ACCOUNTS || '{}');
const split = (value) => (value || '').split(' ').filter(Boolean);

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await jose.exportJWK(privateKey)), kid: 'coop-test', alg: 'RS256', use: 'sig' };
const { privateKey: strangerKey } = await jose.generateKeyPair('RS256');

const server = http.createServer();
await new Promise((resolve) => { server.listen(Number(process.env.PORT || 0), '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: split(process.env.REDIRECT_URIS),
    post_logout_redirect_uris: split(process.env.POST_LOGOUT_REDIRECT_URIS),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingKey] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    groups: ['groups', 'ags'],
  },
  // the claims in the ID token itself, as Keycloak puts them there by default
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    if (!accounts[id]) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
  },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ['coop-test-only'] },
});

let mode = 'honest';

async function tamper(idToken) {
  const claims = jose.decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', kid: 'coop-test', typ: 'JWT' };
  switch (mode) {
    case 'bad-signature':
      return new jose.SignJWT(claims).setProtectedHeader(header).sign(strangerKey);
    case 'wrong-audience':
      return new jose.SignJWT({ ...claims, aud: 'someone-else' }).setProtectedHeader(header).sign(privateKey);
    case 'wrong-issuer':
      return new jose.SignJWT({ ...claims, iss: 'https://idp.example.org' }).setProtectedHeader(header).sign(privateKey);
    case 'expired':
      return new jose.SignJWT({ ...claims, iat: now - 7200, exp: now - 3600 }).setProtectedHeader(header).sign(privateKey);
    case 'wrong-nonce':
      return new jose.SignJWT({ ...claims, nonce: 'not-the-one-coop-sent' }).setProtectedHeader(header).sign(privateKey);
    default:
      return idToken;
  }
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/_test/id-token' && ctx.method === 'POST') {
    mode = ctx.query.mode || 'honest';
    ctx.body = { mode };
    return;
  }
  await next();
  if (ctx.path === '/token' && ctx.status === 200 && ctx.body && ctx.body.id_token && mode !== 'honest') {
    ctx.body = { ...ctx.body, id_token: await tamper(ctx.body.id_token) };
  }
});

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
