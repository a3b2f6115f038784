import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';

/** Where the CLI sends staff requests, and how it proves who is asking. */
export interface AdminTarget {
  baseUrl: string;
  /** Local stack only: the credential `npm start` printed (also read from its data folder). */
  localCredential?: string;
  region: string;
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

const isLocal = (url: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

export async function resolveTarget(options: { api?: string; region?: string }): Promise<AdminTarget> {
  const baseUrl = (
    options.api ??
    process.env.ZORGSOM_API_URL ??
    `http://localhost:${process.env.PORT ?? 3000}`
  ).replace(/\/$/, '');
  const url = new URL(baseUrl);
  const region =
    options.region ??
    process.env.AWS_REGION ??
    /execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1] ??
    'eu-west-1';
  if (!isLocal(url)) return { baseUrl, region };
  const localCredential =
    process.env.ZORGSOM_ADMIN_CREDENTIAL ??
    (
      await readFile(join(process.env.LOCAL_DATA_DIR ?? '.local', 'admin-credential'), 'utf8').catch(
        () => undefined,
      )
    )?.trim();
  if (!localCredential) {
    throw new AdminApiError(
      0,
      'no-credential',
      'No local staff credential: start the system with `npm start` (it prints one) or set ZORGSOM_ADMIN_CREDENTIAL.',
    );
  }
  return { baseUrl, region, localCredential };
}

/** Calls one staff route; against AWS the request is SigV4-signed with the caller's own AWS credentials. */
export async function callAdmin(
  target: AdminTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const url = new URL(`${target.baseUrl}${path}`);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  let headers: Record<string, string> = {
    host: url.host,
    ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
  };
  if (target.localCredential) {
    headers.authorization = `Bearer ${target.localCredential}`;
  } else {
    const signer = new SignatureV4({
      service: 'execute-api',
      region: target.region,
      credentials: fromNodeProviderChain(),
      sha256: Sha256,
    });
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: payload,
    });
    headers = signed.headers as Record<string, string>;
  }
  const response = await fetch(url, { method, headers, body: payload });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
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
        (response.status === 403 ? 'Not authorised for staff routes.' : `HTTP ${response.status}`),
      (problem.errors ?? []).map((error) => ({ field: error.field, message: error.message?.en ?? '' })),
    );
  }
  return parsed;
}
