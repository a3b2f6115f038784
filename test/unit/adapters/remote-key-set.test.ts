/**
 * The staff token's key set, fetched over node:http(s) instead of jose's fetch-based `createRemoteJWKSet`
 * (whose `Headers` and `fetch` load Node's undici at the admin function's cold start). Against a real HTTP
 * server on loopback: the same fetch-once, re-fetch-on-rotation and error behaviour as jose's.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { errors, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createRemoteKeySet } from '../../../shared/adapters/remote-key-set.js';

async function signingKey(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const token = () =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer('https://issuer.test')
      .setExpirationTime('5m')
      .sign(privateKey as CryptoKey);
  return { jwk, token };
}

/** A JWKS endpoint that counts its requests and answers whatever `answer` says at the time. */
async function jwksServer(answer: () => { status: number; body: string } | 'hang') {
  let requests = 0;
  const server: Server = createServer((_request, response) => {
    requests += 1;
    const reply = answer();
    if (reply === 'hang') return;
    response.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const { port } = server.address() as { port: number };
  return { url: new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`), requests: () => requests };
}
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
const keySet = (...keys: JWK[]) => ({ status: 200, body: JSON.stringify({ keys }) });

describe('remote key set', () => {
  it('fetches the set once for many verifications, also when the first ones arrive together', async () => {
    const key = await signingKey('k1');
    const jwks = await jwksServer(() => keySet(key.jwk));
    const getKey = createRemoteKeySet(jwks.url);
    const token = await key.token();
    const verified = await Promise.all(Array.from({ length: 20 }, () => jwtVerify(token, getKey)));
    expect(verified.map((result) => result.payload.iss)).toEqual(Array(20).fill('https://issuer.test'));
    await jwtVerify(token, getKey);
    expect(jwks.requests()).toBe(1);
  });

  it('fetches again for a key it does not hold (a rotation), but at most once per cooldown', async () => {
    const [first, second, unknown] = await Promise.all([
      signingKey('k1'),
      signingKey('k2'),
      signingKey('k3'),
    ]);
    let published = [first.jwk];
    const jwks = await jwksServer(() => keySet(...published));
    const patient = createRemoteKeySet(jwks.url, { cooldownMs: 0 });
    await jwtVerify(await first.token(), patient);
    published = [first.jwk, second.jwk];
    await expect(jwtVerify(await second.token(), patient)).resolves.toBeDefined();
    expect(jwks.requests()).toBe(2);

    const cooling = createRemoteKeySet(jwks.url, { cooldownMs: 60_000 });
    await jwtVerify(await first.token(), cooling);
    const before = jwks.requests();
    // Within the cooldown an unknown key id is refused without a fetch: a stream of made-up kids costs nothing.
    for (let i = 0; i < 5; i++) {
      await expect(jwtVerify(await unknown.token(), cooling)).rejects.toBeInstanceOf(
        errors.JWKSNoMatchingKey,
      );
    }
    expect(jwks.requests()).toBe(before);
  });

  it('fetches again once the set is older than its maximum age', async () => {
    const key = await signingKey('k1');
    const jwks = await jwksServer(() => keySet(key.jwk));
    const getKey = createRemoteKeySet(jwks.url, { maxAgeMs: 0 });
    await jwtVerify(await key.token(), getKey);
    await jwtVerify(await key.token(), getKey);
    expect(jwks.requests()).toBe(2);
  });

  it('fails as jose does: JOSEError for a non-200 answer or a body that is no key set, JWKSTimeout for a hang', async () => {
    const key = await signingKey('k1');
    const token = await key.token();
    const down = await jwksServer(() => ({ status: 503, body: '{}' }));
    await expect(jwtVerify(token, createRemoteKeySet(down.url))).rejects.toBeInstanceOf(errors.JOSEError);
    const garbled = await jwksServer(() => ({ status: 200, body: '<html>' }));
    await expect(jwtVerify(token, createRemoteKeySet(garbled.url))).rejects.toBeInstanceOf(errors.JOSEError);
    const noSet = await jwksServer(() => ({ status: 200, body: '{"keys": 1}' }));
    await expect(jwtVerify(token, createRemoteKeySet(noSet.url))).rejects.toBeInstanceOf(errors.JWKSInvalid);
    const hanging = await jwksServer(() => 'hang');
    await expect(
      jwtVerify(token, createRemoteKeySet(hanging.url, { timeoutMs: 100 })),
    ).rejects.toBeInstanceOf(errors.JWKSTimeout);
    // A failed fetch is not remembered: the set is fetched on the next verification.
    let up = false;
    const flaky = await jwksServer(() => (up ? keySet(key.jwk) : { status: 503, body: '' }));
    const getKey = createRemoteKeySet(flaky.url);
    await expect(jwtVerify(token, getKey)).rejects.toBeInstanceOf(errors.JOSEError);
    up = true;
    await expect(jwtVerify(token, getKey)).resolves.toBeDefined();
  });

  it('verifies a staff token in a fresh Node process, loading neither undici (fetch) nor node:http for https', () => {
    // The admin function's cold start: the verifier built, its key set fetched, one token judged. Cognito's
    // URL is https: that fetch (here to a socket that hangs up) needs only node:https, which the SDK loads too;
    // node:http, imported as an ES module, brings undici on Node 22. The local staff-idp's http URL then works.
    const script = `
      import { createServer as createTcpServer } from 'node:net';
      import { exportJWK, generateKeyPair, SignJWT } from 'jose';
      import { createStaffTokenVerifier } from './shared/adapters/staff-token-verifier.ts';
      import { staffScope } from './shared/domain/staff-roles.ts';
      const loaded = () => process.moduleLoadList.filter((m) => /undici|NativeModule http$/.test(m));
      const { publicKey, privateKey } = await generateKeyPair('RS256');
      const token = await new SignJWT({ username: 'u', client_id: 'console', token_use: 'access',
        scope: staffScope, 'cognito:groups': ['admin'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('s').setIssuer('https://issuer.test')
        .setExpirationTime('5m').sign(privateKey);
      const settings = (jwksUrl) => ({ issuer: 'https://issuer.test', clientIds: ['console'], jwksUrl });
      const hangUp = createTcpServer((socket) => socket.destroy());
      await new Promise((resolve) => hangUp.listen(0, '127.0.0.1', resolve));
      const overHttps = await createStaffTokenVerifier(settings('https://127.0.0.1:' + hangUp.address().port + '/jwks.json'))(token)
        .then(() => 'verified', (error) => (error.name === 'JOSEError' ? 'refused' : 'thrown'));
      hangUp.close();
      const loadedForHttps = loaded();
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
      const { createServer } = await import('node:http');
      const server = createServer((_q, r) => r.end(JSON.stringify({ keys: [jwk] })));
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      const verdict = await createStaffTokenVerifier(settings('http://127.0.0.1:' + server.address().port + '/jwks.json'))(token);
      server.close();
      process.stdout.write(JSON.stringify({ overHttps, loadedForHttps, verdict }));
    `;
    // The script's own node:http server starts only after the https attempt was judged.
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({
      overHttps: 'thrown',
      loadedForHttps: [],
      verdict: { ok: true, identity: { sub: 's', username: 'u', role: 'admin' } },
    });
  });
});
