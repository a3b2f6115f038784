import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeJwt } from 'jose';

/** Where the CLI sends staff requests, and the staff access token it sends. */
export interface AdminTarget {
  /** The origin (scheme, host, port) the routes `/api/admin/...` are under. */
  origin: string;
  token?: string;
}

export class AdminApiError extends Error {
  override name = 'AdminApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** `--api` as an origin, with or without `/api` (and a trailing slash): every route path starts with /api. */
export function originOf(api: string): string {
  let url: URL;
  try {
    url = new URL(api);
  } catch {
    throw new AdminApiError(0, 'invalid-api', `--api ${api} is not a URL (e.g. http://localhost:3000)`);
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api$/, '');
  return `${url.origin}${path}`;
}

export const apiOption = (api: string | undefined) =>
  originOf(api ?? process.env.ZORGSOM_API_URL ?? `http://localhost:${process.env.PORT ?? 3000}`);

export const isLocalOrigin = (origin: string) => /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(origin);

/**
 * Tokens are kept per origin, readable by this user only (like ~/.aws/credentials): for `npm start` in its
 * data folder (beside its staff users), otherwise in ~/.config/zorgsom.
 */
export const tokenStoreFile = (origin?: string) =>
  join(
    process.env.ZORGSOM_CONFIG_DIR ??
      (origin && isLocalOrigin(origin)
        ? process.env.LOCAL_DATA_DIR || '.local'
        : join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'zorgsom')),
    'staff-tokens.json',
  );

async function readStore(origin: string): Promise<Record<string, string>> {
  const text = await readFile(tokenStoreFile(origin), 'utf8').catch(() => undefined);
  return text ? (JSON.parse(text) as Record<string, string>) : {};
}

export async function saveToken(origin: string, token: string | undefined): Promise<void> {
  const store = await readStore(origin);
  if (token) store[origin] = token;
  else delete store[origin];
  const file = tokenStoreFile(origin);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(store, null, 2), { mode: 0o600 });
  await chmod(file, 0o600);
}

const signInHint = (origin: string) =>
  `sign in first: npm run admin -- login --api ${origin}` +
  (isLocalOrigin(origin) ? ' --as admin|handler|viewer' : '');

/** The token for `origin`: $ZORGSOM_STAFF_TOKEN, else the one `login` saved; an expired one is refused here. */
export async function resolveTarget(options: { api?: string }): Promise<AdminTarget> {
  const origin = apiOption(options.api);
  const token = process.env.ZORGSOM_STAFF_TOKEN || (await readStore(origin))[origin];
  if (!token)
    throw new AdminApiError(0, 'not-signed-in', `Not signed in to ${origin}: ${signInHint(origin)}`);
  let expiresAt: number | undefined;
  try {
    expiresAt = decodeJwt(token).exp;
  } catch {
    throw new AdminApiError(
      0,
      'not-signed-in',
      `The saved staff token is not a token: ${signInHint(origin)}`,
    );
  }
  if (expiresAt !== undefined && expiresAt * 1000 <= Date.now()) {
    throw new AdminApiError(0, 'token-expired', `Your staff sign-in has expired: ${signInHint(origin)}`);
  }
  return { origin, token };
}

/** Calls one staff route with the staff access token; the server checks it and the role, and audits the call. */
export async function callAdmin(
  target: AdminTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const url = `${target.origin}${path}`;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
      },
      body: payload,
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new AdminApiError(
      0,
      'unreachable',
      `Could not connect to ${url}${cause ? ` (${cause})` : ''}: is the system running there? (--api or $ZORGSOM_API_URL)`,
    );
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const problem = (parsed ?? {}) as {
      code?: string;
      detail?: string;
      message?: { en?: string };
      errors?: { field: string; message?: { en?: string } }[];
    };
    throw new AdminApiError(
      response.status,
      problem.code ?? 'http-error',
      problem.message?.en ??
        problem.detail ??
        (response.status === 401
          ? `Not signed in or the sign-in has expired: ${signInHint(target.origin)}`
          : response.status === 403
            ? 'Your role does not allow this action.'
            : `HTTP ${response.status} from ${url}`),
      (problem.errors ?? []).map((error) => ({ field: error.field, message: error.message?.en ?? '' })),
    );
  }
  return parsed;
}
