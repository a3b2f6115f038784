import { invokedFunction } from './invoked-function.js';
import { enforceTableAccess } from './table-access-guard.js';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { decodeJwt } from 'jose';
import { routes, type FunctionName } from '../functions/routes.js';
import type { StaffTokenVerifier } from '../shared/adapters/staff-token-verifier.js';
import { PortInUseError } from './ports.js';
import { staffIdpPrefix, type StaffIdp } from './staff-idp.js';

/** What a function's `handler` export looks like to the local HTTP server. */
export type LocalHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2<Record<string, unknown>>>;

export interface HttpServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1 (not reachable from the network). */
  host?: string;
  handlers: Partial<Record<FunctionName, LocalHandler>>;
  /** Serves GET/HEAD requests outside /api from this folder. */
  staticDir?: string;
  /**
   * Stands in for API Gateway's JWT authorizer on staff routes: a call without a valid staff access token
   * (issuer, signature, expiry, client, scope) is refused with 401/403 before any function runs. Without it,
   * staff routes refuse everyone.
   */
  verifyStaffToken?: StaffTokenVerifier;
  /** The local staff identity provider, served under /staff-idp/, and the console's config.json. */
  staffIdp?: StaffIdp;
  /** The header CSP CloudFront sends with every page (web/src/security.ts), here with the local S3's origin. */
  contentSecurityPolicy?: string;
  /**
   * CloudFront's origin custom headers (infra/constructs/web.ts: the origin secret): added to every /api event
   * on `port`, replacing a header of the same name the client sent, as CloudFront does.
   */
  edgeHeaders?: Readonly<Record<string, string>>;
  /**
   * Also serve /api on this port as the API's own endpoint (execute-api, or api.<portal domain>, in AWS): the
   * same routes and authorizer, without the edge headers, so the functions refuse what comes this way as
   * they do in AWS. 0 picks a free port; without it there is no such endpoint.
   */
  originPort?: number;
}

export interface HttpServer {
  url: string;
  port: number;
  /** With `originPort`: the API's own endpoint, which skips the edge (its calls lack the edge headers). */
  originUrl?: string;
  close(): Promise<void>;
}

/** Served with status 404 for any unknown portal URL (web/src/pages.ts renders it). */
export const notFoundPage = '404.html';

/** API Gateway HTTP APIs accept payloads up to 10 MB. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway's integration timeout for HTTP APIs. */
const TIMEOUT_MS = 30_000;
/** Beyond this a too-large body is no longer drained but the connection is cut. */
const MAX_DRAIN_BYTES = 32 * 1024 * 1024;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.pdf': 'application/pdf',
};

function sendProblem(res: ServerResponse, status: number, extraHeaders: Record<string, string> = {}): void {
  const body = JSON.stringify({ type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status });
  res.writeHead(status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    ...extraHeaders,
  });
  res.end(body);
}

type BodyResult = { ok: true; body: Buffer } | { ok: false };

/** Reads the whole body; past the limit it keeps draining (so the client can read the 413) and reports failure. */
function readBody(req: IncomingMessage): Promise<BodyResult> {
  return new Promise((resolvePromise, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    let tooLarge = Number.isFinite(declared) && declared > MAX_BODY_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      if (size > MAX_DRAIN_BYTES) {
        req.socket.destroy();
        return;
      }
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolvePromise(tooLarge ? { ok: false } : { ok: true, body: Buffer.concat(chunks) }));
    req.on('error', reject);
  });
}

function clfTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

function sourceIpOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/**
 * What API Gateway's JWT authorizer hands a function: the token's claims and scopes beside the request (the
 * Authorization header stays, as it does in AWS). Refuses like the authorizer: 401 without a valid token,
 * 403 when the token lacks the staff scope.
 */
async function authorizeStaffCall(
  req: IncomingMessage,
  verify: StaffTokenVerifier | undefined,
): Promise<{ ok: true; claims: Record<string, unknown> } | { ok: false; status: 401 | 403 }> {
  if (!verify) return { ok: false, status: 401 };
  const header = req.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
  const verdict = await verify(token);
  if (verdict.ok || verdict.reason === 'no-role') return { ok: true, claims: decodeJwt(token!) };
  return { ok: false, status: verdict.reason === 'no-scope' ? 403 : 401 };
}

/** Builds the API Gateway HTTP API payload format 2.0 event, as API Gateway would for this request. */
export function buildEvent(
  req: IncomingMessage,
  body: Buffer,
  routeKey: string,
  requestId: string,
  localPort: number,
): APIGatewayProxyEventV2 {
  const rawUrl = req.url ?? '/';
  const queryIndex = rawUrl.indexOf('?');
  const rawPath = queryIndex === -1 ? rawUrl : rawUrl.slice(0, queryIndex);
  const rawQueryString = queryIndex === -1 ? '' : rawUrl.slice(queryIndex + 1);
  const sourceIp = sourceIpOf(req);

  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] ?? '').toLowerCase();
    const value = req.rawHeaders[i + 1] ?? '';
    if (name === 'cookie') {
      // Payload 2.0 moves cookies out of the headers into `cookies`, one entry per cookie.
      cookies.push(
        ...value
          .split(';')
          .map((part) => part.trim())
          .filter((part) => part !== ''),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${sourceIp}`
    : sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= String(localPort);
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`;

  let queryStringParameters: Record<string, string> | undefined;
  if (rawQueryString !== '') {
    queryStringParameters = {};
    for (const [name, value] of new URLSearchParams(rawQueryString)) {
      queryStringParameters[name] =
        name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
    }
  }

  const domainName = (headers.host ?? `localhost:${localPort}`).replace(/:\d+$/, '');
  const now = new Date();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: req.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (cookies.length > 0) event.cookies = cookies;
  if (queryStringParameters) event.queryStringParameters = queryStringParameters;
  if (body.length > 0) event.body = body.toString('utf8');
  return event;
}

/** A Lambda-like context for one invocation. */
export function buildContext(functionName: string, awsRequestId: string, timeoutMs = TIMEOUT_MS): Context {
  const deadline = Date.now() + timeoutMs;
  const today = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${today}/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Writes a handler result the way API Gateway interprets payload format 2.0 responses. */
function writeResult(
  res: ServerResponse,
  result: APIGatewayProxyResultV2<Record<string, unknown>>,
  requestId: string,
): void {
  const structured =
    typeof result === 'object' && result !== null && 'statusCode' in result
      ? (result as APIGatewayProxyStructuredResultV2)
      : undefined;
  if (!structured) {
    // No statusCode: API Gateway answers 200 with the result as JSON.
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    res.writeHead(200, { 'content-type': 'application/json', 'apigw-requestid': requestId });
    res.end(body);
    return;
  }
  for (const [name, value] of Object.entries(structured.headers ?? {})) res.setHeader(name, String(value));
  if (structured.cookies && structured.cookies.length > 0) res.setHeader('set-cookie', structured.cookies);
  res.setHeader('apigw-requestid', requestId);
  const body =
    structured.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  res.setHeader('content-length', body.length);
  res.writeHead(structured.statusCode ?? 200);
  res.end(body);
}

function errorClass(error: unknown): string {
  if (error instanceof Error) return error.constructor.name || error.name;
  return typeof error;
}

/** The portal's own Dutch 404 page when the folder has one (as CloudFront answers), else problem+json. */
async function sendNotFound(req: IncomingMessage, res: ServerResponse, root: string): Promise<void> {
  const page = resolve(root, notFoundPage);
  try {
    const info = await stat(page);
    res.writeHead(404, {
      'content-type': contentTypes['.html'] ?? 'text/html',
      'content-length': info.size,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(page).pipe(res);
  } catch {
    sendProblem(res, 404);
  }
}

async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string): Promise<void> {
  const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    await sendNotFound(req, res, root);
    return;
  }
  const segments = decoded.split(/[/\\]/);
  // No traversal, no hidden files, no NUL tricks: refuse before touching the file system.
  if (decoded.includes('\0') || segments.some((segment) => segment === '..' || segment.startsWith('.'))) {
    await sendNotFound(req, res, root);
    return;
  }
  let file = resolve(root, `.${decoded}`);
  try {
    const rootReal = await realpath(root);
    let info = await stat(file);
    if (info.isDirectory()) {
      file = resolve(file, 'index.html');
      info = await stat(file);
    }
    const fileReal = await realpath(file);
    if (!info.isFile() || !fileReal.startsWith(rootReal + sep)) {
      await sendNotFound(req, res, root);
      return;
    }
    res.writeHead(200, {
      'content-type': contentTypes[extname(fileReal).toLowerCase()] ?? 'application/octet-stream',
      'content-length': info.size,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(fileReal).pipe(res);
  } catch {
    await sendNotFound(req, res, root);
  }
}

/**
 * A local stand-in for API Gateway (HTTP API, payload 2.0) in front of the functions, plus an optional
 * static file server for the portal. Adds no CORS: the portal is served from the same origin.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  enforceTableAccess();
  const host = options.host ?? '127.0.0.1';
  const staticRoot = options.staticDir === undefined ? undefined : resolve(options.staticDir);
  let port = options.port;

  const handle = async (req: IncomingMessage, res: ServerResponse, viaEdge: boolean): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const isApi = path === '/api' || path.startsWith('/api/');
    if (!viaEdge && !isApi) {
      // The API's own endpoint has the API's routes only: no portal, no staff-idp.
      req.resume();
      sendProblem(res, 404);
      return;
    }

    if (options.staffIdp && (path === staffIdpPrefix || path.startsWith(`${staffIdpPrefix}/`))) {
      const read = await readBody(req);
      if (!read.ok) sendProblem(res, 413, { connection: 'close' });
      else await options.staffIdp.handle(req, res, read.body);
      return;
    }
    if (options.staffIdp && path === '/console/config.json' && (method === 'GET' || method === 'HEAD')) {
      req.resume();
      const body = JSON.stringify(options.staffIdp.consoleConfig());
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      res.end(method === 'HEAD' ? undefined : body);
      return;
    }

    if (!isApi) {
      req.resume();
      if (staticRoot !== undefined && (method === 'GET' || method === 'HEAD')) {
        if (options.contentSecurityPolicy)
          res.setHeader('content-security-policy', options.contentSecurityPolicy);
        await serveStatic(req, res, staticRoot);
      } else {
        sendProblem(res, 404);
      }
      return;
    }

    const candidates = routes.filter((route) => route.path === path);
    const route = candidates.find((candidate) => candidate.method === method);
    if (!route) {
      req.resume();
      if (candidates.length === 0) sendProblem(res, 404);
      else sendProblem(res, 405, { allow: candidates.map((candidate) => candidate.method).join(', ') });
      return;
    }

    const read = await readBody(req);
    if (!read.ok) {
      sendProblem(res, 413, { connection: 'close' });
      return;
    }

    let staffClaims: Record<string, unknown> | undefined;
    if (route.access === 'staff') {
      const authorized = await authorizeStaffCall(req, options.verifyStaffToken);
      if (!authorized.ok) {
        sendProblem(
          res,
          authorized.status,
          authorized.status === 401 ? { 'www-authenticate': 'Bearer' } : {},
        );
        return;
      }
      staffClaims = authorized.claims;
    }

    const handler = options.handlers[route.fn];
    if (!handler) {
      process.stderr.write(`[local-http] no handler loaded for function ${route.fn}\n`);
      sendProblem(res, 500);
      return;
    }
    const requestId = randomUUID();
    const routeKey = `${route.method} ${route.path}`;
    const event = buildEvent(req, read.body, routeKey, requestId, port);
    if (viaEdge) {
      for (const [name, value] of Object.entries(options.edgeHeaders ?? {}))
        event.headers[name.toLowerCase()] = value;
    }
    if (staffClaims) {
      Object.assign(event.requestContext, {
        authorizer: {
          jwt: { claims: staffClaims, scopes: String(staffClaims.scope ?? '').split(' ') },
        },
      });
    }
    const context = buildContext(route.fn, requestId);
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<'timeout'>((resolvePromise) => {
        timer = setTimeout(() => resolvePromise('timeout'), TIMEOUT_MS);
      });
      const result = await Promise.race([
        invokedFunction.run(route.fn, () => handler(event, context)),
        timeout,
      ]);
      if (result === 'timeout') {
        process.stderr.write(`[local-http] ${route.fn} timed out after ${TIMEOUT_MS} ms\n`);
        sendProblem(res, 503);
        return;
      }
      writeResult(res, result, requestId);
    } catch (error) {
      // Only the function name and the error class: messages and stacks may carry request data.
      process.stderr.write(`[local-http] ${route.fn} threw ${errorClass(error)}\n`);
      if (!res.headersSent) sendProblem(res, 500);
      else res.destroy();
    } finally {
      clearTimeout(timer);
    }
  };

  const listen = async (listenPort: number, viaEdge: boolean, what: string) => {
    const server = createServer((req, res) => {
      handle(req, res, viaEdge).catch((error: unknown) => {
        process.stderr.write(`[local-http] request failed: ${errorClass(error)}\n`);
        if (!res.headersSent) sendProblem(res, 500);
        else res.destroy();
      });
    });
    await new Promise<void>((resolvePromise, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        reject(
          error.code === 'EADDRINUSE' || error.code === 'EACCES'
            ? new PortInUseError(listenPort, what)
            : error,
        );
      };
      server.once('error', onError);
      server.listen(listenPort, host, () => {
        server.removeListener('error', onError);
        resolvePromise();
      });
    });
    const address = server.address();
    const bound = typeof address === 'object' && address !== null ? address.port : listenPort;
    const close = () =>
      new Promise<void>((resolvePromise, reject) => {
        server.close((error) => (error ? reject(error) : resolvePromise()));
        server.closeAllConnections();
      });
    return { port: bound, close };
  };

  const edge = await listen(options.port, true, 'the HTTP server');
  port = edge.port;
  let origin: Awaited<ReturnType<typeof listen>> | undefined;
  try {
    origin =
      options.originPort === undefined
        ? undefined
        : await listen(options.originPort, false, 'the API origin');
  } catch (error) {
    await edge.close();
    throw error;
  }
  const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    ...(origin ? { originUrl: `http://${urlHost}:${origin.port}` } : {}),
    close: async () => {
      await Promise.all([edge.close(), origin?.close()]);
    },
  };
}
