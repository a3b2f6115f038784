import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { localCredentials } from '../shared/adapters/local-credentials.js';
import { claimPort, findFreePort, PortInUseError } from './ports.js';

/** The part of s3rver 3 (CommonJS, untyped) the local stack uses. */
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  resetOnClose: boolean;
  allowMismatchedSignatures: boolean;
  configureBuckets: { name: string; configs: string[] }[];
}) => S3rverInstance;

export interface LocalS3 {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** A bucket's CORS rule, as infra/constructs/budget-reviews.ts gives S3 (one rule, exact headers). */
export interface LocalCorsRule {
  origins: readonly string[];
  methods: readonly string[];
  headers: readonly string[];
}

export interface LocalS3Options {
  port: number;
  directory: string;
  buckets: readonly string[];
  persistent: boolean;
  /** Buckets whose policy denies a PutObject without SSE-KMS under this key (as the CDK bucket policy does). */
  sseKmsKeyIds?: Readonly<Record<string, string>>;
  cors?: Readonly<Record<string, LocalCorsRule>>;
}

/**
 * An S3-compatible store on 127.0.0.1: s3rver behind a small front that does what s3rver leaves out and the
 * presigned budget-review flow depends on, so a request S3 would refuse is refused here too:
 *
 * - presigned URLs (SigV4 query signing): the signature is recomputed over method, path, query and the signed
 *   headers (403 SignatureDoesNotMatch, so a changed Content-Length or Content-Type fails), and an expired URL
 *   is refused (403 AccessDenied). s3rver itself does not check SigV4 signatures at all;
 * - `x-amz-checksum-sha256` is checked against the body (400 BadDigest);
 * - the budget bucket's policy: PutObject without SSE-KMS under its key → 403 AccessDenied;
 * - the bucket CORS rule (preflight and response headers) for the portal's browser upload.
 *
 * What stays different from S3: s3rver stores objects as plain files (no SSE-KMS is applied, HeadObject
 * reports none), Authorization-header requests of the SDK clients are not verified, no lifecycle expiry, no
 * Tagging header on PutObject (PutObjectTagging works). Objects live under `directory`; `persistent: false`
 * wipes them on close.
 */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const port = await claimPort(options.port, 's3');
  const require = createRequire(import.meta.url);
  const S3rver = require('s3rver') as S3rverConstructor;
  // s3rver knows one key pair (S3RVER); the functions sign with the local stack's dummy credentials.
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account.js') as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  };
  DUMMY_ACCOUNT.createKeyPair(localCredentials.accessKeyId, localCredentials.secretAccessKey);
  const store = new S3rver({
    address: '127.0.0.1',
    port: await findFreePort(),
    silent: true,
    directory: options.directory,
    resetOnClose: !options.persistent,
    allowMismatchedSignatures: false,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  const inner = await store.run();

  const front = createServer((req, res) => {
    handle(req, res, inner.port, options).catch(() => {
      if (!res.headersSent) s3Error(res, 500, 'InternalError', 'We encountered an internal error.');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    front.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, 's3') : error),
    );
    front.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await store.close();
    },
  };
}

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  innerPort: number,
  options: LocalS3Options,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  const method = req.method ?? 'GET';
  const [bucket = '', ...keyParts] = url.pathname.slice(1).split('/');
  const key = keyParts.join('/');
  const cors = options.cors?.[bucket];
  const origin = req.headers.origin;

  if (method === 'OPTIONS' && origin !== undefined) {
    req.resume();
    preflight(req, res, cors, origin);
    return;
  }
  const body = await readBody(req);
  const corsHeaders: Record<string, string> =
    cors && origin !== undefined && cors.origins.includes(origin) && cors.methods.includes(method)
      ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'ETag', vary: 'Origin' }
      : {};
  const refuse = (status: number, code: string, message: string) => {
    for (const [name, value] of Object.entries(corsHeaders)) res.setHeader(name, value);
    s3Error(res, status, code, message);
  };

  if (url.searchParams.has('X-Amz-Signature')) {
    const problem = presignProblem(req, url, method);
    if (problem) return refuse(403, problem.code, problem.message);
  }
  // PutObject itself, not a subresource of an existing object (tagging, ACL, a multipart part).
  const isObjectPut =
    method === 'PUT' &&
    key !== '' &&
    !['tagging', 'acl', 'uploadId', 'partNumber'].some((sub) => url.searchParams.has(sub));
  const requiredKey = options.sseKmsKeyIds?.[bucket];
  if (isObjectPut && requiredKey !== undefined) {
    const sse =
      header(req, 'x-amz-server-side-encryption') ?? url.searchParams.get('x-amz-server-side-encryption');
    const keyId =
      header(req, 'x-amz-server-side-encryption-aws-kms-key-id') ??
      url.searchParams.get('x-amz-server-side-encryption-aws-kms-key-id');
    if (sse !== 'aws:kms' || keyId !== requiredKey)
      return refuse(403, 'AccessDenied', 'Access Denied (the bucket policy requires SSE-KMS with its key)');
  }
  const checksum = header(req, 'x-amz-checksum-sha256');
  if (method === 'PUT' && checksum !== undefined) {
    if (createHash('sha256').update(body).digest('base64') !== checksum)
      return refuse(400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
  }

  await new Promise<void>((resolve, reject) => {
    const forwarded = httpRequest(
      {
        host: '127.0.0.1',
        port: innerPort,
        method,
        path: req.url,
        headers: { ...req.headers, 'content-length': String(body.length) },
      },
      (inner) => {
        res.writeHead(inner.statusCode ?? 502, { ...inner.headers, ...corsHeaders });
        inner.pipe(res);
        inner.on('end', resolve);
        inner.on('error', reject);
      },
    );
    forwarded.on('error', reject);
    forwarded.end(body);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function preflight(
  req: IncomingMessage,
  res: ServerResponse,
  rule: LocalCorsRule | undefined,
  origin: string,
) {
  const method = header(req, 'access-control-request-method') ?? '';
  const asked = (header(req, 'access-control-request-headers') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const allowed = rule?.headers.map((name) => name.toLowerCase()) ?? [];
  if (
    !rule ||
    !rule.origins.includes(origin) ||
    !rule.methods.includes(method) ||
    !asked.every((name) => allowed.includes(name))
  ) {
    s3Error(res, 403, 'AccessForbidden', 'CORSResponse: This CORS request is not allowed.');
    return;
  }
  res.writeHead(200, {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': method,
    ...(asked.length > 0 ? { 'access-control-allow-headers': asked.join(', ') } : {}),
    'access-control-max-age': '300',
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    'content-length': '0',
  });
  res.end();
}

/** RFC 3986 encoding, as SigV4 canonicalises query names and values. */
const encode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** Why S3 would refuse this presigned (SigV4 query) request; undefined when the signature holds and is current. */
function presignProblem(
  req: IncomingMessage,
  url: URL,
  method: string,
): { code: string; message: string } | undefined {
  const query = url.searchParams;
  const mismatch = {
    code: 'SignatureDoesNotMatch',
    message: 'The request signature we calculated does not match the signature you provided.',
  };
  const [accessKeyId, ...scopeParts] = (query.get('X-Amz-Credential') ?? '').split('/');
  const amzDate = query.get('X-Amz-Date') ?? '';
  const expires = Number(query.get('X-Amz-Expires'));
  const signedHeaders = query.get('X-Amz-SignedHeaders') ?? '';
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || scopeParts.length !== 4) return mismatch;
  if (accessKeyId !== localCredentials.accessKeyId)
    return { code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist.' };
  const signedAt = Date.parse(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  if (!Number.isFinite(signedAt) || !Number.isInteger(expires) || expires < 1 || expires > 604_800)
    return { code: 'AuthorizationQueryParametersError', message: 'Invalid X-Amz-Date or X-Amz-Expires.' };
  if (Date.now() > signedAt + expires * 1000) return { code: 'AccessDenied', message: 'Request has expired' };
  if (signedAt > Date.now() + 15 * 60_000)
    return { code: 'AccessDenied', message: 'Request is not valid yet' };

  const canonicalQuery = [...query.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((name) => `${name}:${(header(req, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    method,
    (req.url ?? '/').split('?')[0],
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = scopeParts.join('/');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const [date = '', region = '', service = ''] = scopeParts;
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${localCredentials.secretAccessKey}`, date), region), service),
    'aws4_request',
  );
  const expected = Buffer.from(hmac(signingKey, stringToSign).toString('hex'));
  const given = Buffer.from(query.get('X-Amz-Signature') ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given) ? undefined : mismatch;
}
