import { get as httpsGet } from 'node:https';
import { createLocalJWKSet, errors, type JWTVerifyGetKey } from 'jose';

export interface RemoteKeySetOptions {
  /** A key set older than this is fetched again before the next verification (jose's default, 10 min). */
  maxAgeMs?: number;
  /** An unknown key id fetches the set again, but at most once per this span (a token cannot force a fetch loop). */
  cooldownMs?: number;
  /** A fetch taking longer fails with jose's `JWKSTimeout`. */
  timeoutMs?: number;
}

/**
 * The issuer's JSON Web Key Set, fetched over `node:http(s)` and read by jose's `createLocalJWKSet`: the same
 * fetch-once, re-fetch-on-unknown-key behaviour as jose's `createRemoteJWKSet`, whose `new Headers()` and
 * `fetch` load Node's undici (≈ 20 ms on Node 22, measured) in a function whose AWS SDK clients already load
 * `node:https`. Errors as jose's: a timeout is `JWKSTimeout`, an answer other than 200 or a body that is no
 * key set a `JOSEError`, a network failure the socket's own error.
 */
export function createRemoteKeySet(
  url: URL,
  { maxAgeMs = 600_000, cooldownMs = 30_000, timeoutMs = 5_000 }: RemoteKeySetOptions = {},
): JWTVerifyGetKey {
  let local: JWTVerifyGetKey | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<void> | undefined;
  const reload = () => {
    // Verifications that arrive while a fetch runs wait for that one fetch.
    pending ??= fetchJson(url, timeoutMs)
      .then((json) => {
        local = createLocalJWKSet(json as Parameters<typeof createLocalJWKSet>[0]);
        fetchedAt = Date.now();
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  return async (protectedHeader, token) => {
    if (!local || Date.now() >= fetchedAt + maxAgeMs) await reload();
    try {
      return await local!(protectedHeader, token);
    } catch (error) {
      // A key the set does not hold: the issuer may have rotated its keys since the last fetch.
      if (error instanceof errors.JWKSNoMatchingKey && Date.now() >= fetchedAt + cooldownMs) {
        await reload();
        return local!(protectedHeader, token);
      }
      throw error;
    }
  };
}

async function fetchJson(url: URL, timeoutMs: number): Promise<unknown> {
  // node:http only for a plain-http URL (the local stack's staff-idp): imported as an ES module on Node 22 it
  // loads undici too (its WebSocket exports). Cognito's https URL needs only node:https, as the SDK's handler.
  const get = url.protocol === 'https:' ? httpsGet : (await import('node:http')).get;
  return new Promise((resolveWith, rejectWith) => {
    const resolve = (value: unknown) => {
      clearTimeout(timer);
      resolveWith(value);
    };
    const reject = (error: unknown) => {
      clearTimeout(timer);
      rejectWith(error);
    };
    const request = get(
      url,
      { headers: { accept: 'application/json, application/jwk-set+json' } },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new errors.JOSEError('Expected 200 OK from the JSON Web Key Set HTTP response'));
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (cause) {
            reject(
              new errors.JOSEError('Failed to parse the JSON Web Key Set HTTP response as JSON', { cause }),
            );
          }
        });
      },
    );
    // The whole exchange, as jose's AbortSignal.timeout: not only an idle socket.
    const timer = setTimeout(() => request.destroy(new errors.JWKSTimeout()), timeoutMs);
    request.on('error', reject);
  });
}
