import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { functionNames, type FunctionName } from '../../functions/routes.js';
import {
  MAX_BODY_BYTES,
  startHttpServer,
  type HttpServer,
  type LocalHandler,
} from '../../local/http-server.js';
import { clearOutbox, readOutbox } from '../../local/ses-emulator.js';
import { createIsolatedTable, localDynamoDbClient, type IsolatedTable } from '../../local/table.js';
import { tableDefinition } from '../../shared/adapters/table-definition.js';

const env = inject('localEnv');

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Plain node:http, so paths are sent verbatim (no dot-segment normalisation) and headers may repeat. */
function send(
  url: string,
  options: { method?: string; path: string; headers?: string[]; body?: string | Buffer },
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port,
        method: options.method ?? 'GET',
        path: options.path,
        // A raw header list gets no automatic Host header; HTTP/1.1 servers require one.
        headers: ['Host', `${hostname}:${port}`, ...(options.headers ?? [])],
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('local stack env', () => {
  it('exposes the function configuration with local endpoints', () => {
    expect(env).toMatchObject({
      TABLE_NAME: 'zorgsom-local',
      DATA_KEY_ID: 'arn:aws:kms:eu-west-1:000000000000:key/local-data-key',
      HMAC_KEY_ID: 'arn:aws:kms:eu-west-1:000000000000:key/local-hmac-key',
      MAIL_FROM: 'privacy@zorgsom.nl',
      AWS_REGION: 'eu-west-1',
      POWERTOOLS_SERVICE_NAME: 'zorgsom-privacy',
    });
    expect(env.DYNAMODB_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.KMS_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.SES_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.PORTAL_URL).toMatch(/^http:\/\/localhost:\d+$/);
  });
});

describe('DynamoDB Local', () => {
  const client = localDynamoDbClient(env);
  let isolated: IsolatedTable;

  beforeAll(async () => {
    isolated = await createIsolatedTable(env);
  });
  afterAll(async () => {
    await isolated.drop();
    client.destroy();
  });

  it('has the table with every sparse GSI of the table definition (ALL projection), on demand, with TTL on expiresAt', async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: env.TABLE_NAME }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    const indexes = Object.fromEntries(
      (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index]),
    );
    for (const definition of Object.values(tableDefinition.indexes)) {
      const index = indexes[definition.name];
      expect(index?.KeySchema).toEqual([
        { AttributeName: definition.partitionKey, KeyType: 'HASH' },
        { AttributeName: definition.sortKey, KeyType: 'RANGE' },
      ]);
      expect(index?.Projection?.ProjectionType).toBe('ALL');
    }
    expect(Object.keys(indexes).sort()).toEqual(
      Object.values(tableDefinition.indexes)
        .map((index) => index.name)
        .sort(),
    );

    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: env.TABLE_NAME }));
    expect(ttl.TimeToLiveDescription).toMatchObject({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'expiresAt',
    });
  });

  it('gives a test file its own table of the same shape', async () => {
    expect(isolated.tableName).not.toBe(env.TABLE_NAME);
    expect(isolated.env.TABLE_NAME).toBe(isolated.tableName);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: isolated.tableName }));
    expect(Table?.GlobalSecondaryIndexes).toHaveLength(Object.keys(tableDefinition.indexes).length);
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: isolated.tableName }));
    expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('ENABLED');
  });

  it('supports TransactWriteItems, all or nothing', async () => {
    const TableName = isolated.tableName;
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName, Item: { pk: { S: 'LICENSEE#1' }, sk: { S: 'PROFILE' } } } },
          {
            Put: {
              TableName,
              Item: { pk: { S: 'EMAIL#x' }, sk: { S: 'LICENSEE' } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    const failing = client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName, Item: { pk: { S: 'LICENSEE#2' }, sk: { S: 'PROFILE' } } } },
          {
            Put: {
              TableName,
              Item: { pk: { S: 'EMAIL#x' }, sk: { S: 'LICENSEE' } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    await expect(failing).rejects.toBeInstanceOf(TransactionCanceledException);
    const first = await client.send(
      new GetItemCommand({ TableName, Key: { pk: { S: 'LICENSEE#1' }, sk: { S: 'PROFILE' } } }),
    );
    const second = await client.send(
      new GetItemCommand({ TableName, Key: { pk: { S: 'LICENSEE#2' }, sk: { S: 'PROFILE' } } }),
    );
    expect(first.Item).toBeDefined();
    expect(second.Item).toBeUndefined();
  });
});

describe('SES emulator', () => {
  it('receives a mail sent with the real SESv2 client and lists it in the outbox', async () => {
    const endpoint = env.SES_ENDPOINT ?? '';
    const since = Math.floor(Date.now() / 1000);
    const ses = new SESv2Client({
      endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const to = `outbox-${Date.now()}@example.nl`;
    const sent = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'privacy@zorgsom.nl',
        Destination: { ToAddresses: [to] },
        Content: {
          Simple: {
            Subject: { Data: 'Uw aanmeldcode' },
            Body: { Text: { Data: 'Code: 123456' } },
          },
        },
      }),
    );
    ses.destroy();
    expect(sent.MessageId).toBeTruthy();

    const mails = (await readOutbox(endpoint, since)).filter((mail) => mail.to.includes(to));
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      from: 'privacy@zorgsom.nl',
      to: [to],
      subject: 'Uw aanmeldcode',
      text: 'Code: 123456',
    });
    expect(mails[0]?.at).toBeGreaterThanOrEqual(since);
    expect(await readOutbox(endpoint, since + 3600)).toEqual([]);

    await clearOutbox(endpoint);
    expect(await readOutbox(endpoint)).toEqual([]);
  });
});

describe('HTTP adapter (API Gateway HTTP API, payload 2.0)', () => {
  let server: HttpServer;
  let staticServer: HttpServer;
  let dir: string;
  const calls: { event: APIGatewayProxyEventV2; context: Context; remaining: number }[] = [];

  const fake: LocalHandler = async (event, context) => {
    calls.push({ event, context, remaining: context.getRemainingTimeInMillis() });
    const behaviour = event.headers['x-behaviour'];
    if (behaviour === 'throw') throw new TypeError(`boom for ${event.body ?? ''}`);
    if (behaviour === 'base64') {
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/octet-stream' },
        body: Buffer.from([0, 1, 2, 255]).toString('base64'),
        isBase64Encoded: true,
      };
    }
    if (behaviour === 'plain') return { hello: 'world' };
    return {
      statusCode: 201,
      headers: { 'content-type': 'application/json', 'x-test': 'yes' },
      cookies: ['session=abc; HttpOnly; Secure', 'other=1'],
      body: JSON.stringify({ received: event.body ?? null }),
    };
  };
  const handlers = Object.fromEntries(functionNames.map((name) => [name, fake])) as Record<
    FunctionName,
    LocalHandler
  >;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgsom-static-'));
    await mkdir(join(dir, 'root', 'assets'), { recursive: true });
    await writeFile(join(dir, 'root', 'index.html'), '<!doctype html><title>portal</title>');
    await writeFile(join(dir, 'root', 'assets', 'app.js'), 'console.log(1);');
    await writeFile(join(dir, 'root', 'assets', 'site.css'), 'body{}');
    await writeFile(join(dir, 'root', '.env'), 'SECRET=1');
    await writeFile(join(dir, 'package.json'), '{"secret":true}');
    server = await startHttpServer({ port: 0, handlers });
    staticServer = await startHttpServer({ port: 0, handlers, staticDir: join(dir, 'root') });
  });
  afterAll(async () => {
    await server.close();
    await staticServer.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('builds a v2 event and passes status, headers, cookies and body through', async () => {
    const before = Date.now();
    const response = await send(server.url, {
      method: 'POST',
      path: '/api/licensees?lang=nl&tag=a&tag=b',
      headers: [
        'Content-Type',
        'application/json',
        'X-Custom',
        'one',
        'X-Custom',
        'two',
        'User-Agent',
        'vitest-agent',
        'Cookie',
        'a=1; b=2',
      ],
      body: '{"name":"Jantine"}',
    });
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-test']).toBe('yes');
    expect(response.headers['set-cookie']).toEqual(['session=abc; HttpOnly; Secure', 'other=1']);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(response.body)).toEqual({ received: '{"name":"Jantine"}' });

    const call = calls.at(-1);
    expect(call).toBeDefined();
    const { event, context, remaining } = call!;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /api/licensees',
      rawPath: '/api/licensees',
      rawQueryString: 'lang=nl&tag=a&tag=b',
      queryStringParameters: { lang: 'nl', tag: 'a,b' },
      cookies: ['a=1', 'b=2'],
      body: '{"name":"Jantine"}',
      isBase64Encoded: false,
    });
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.headers['x-custom']).toBe('one,two');
    expect(event.headers['X-Custom']).toBeUndefined();
    expect(event.headers['user-agent']).toBe('vitest-agent');
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.requestContext).toMatchObject({
      accountId: 'local',
      apiId: 'local',
      routeKey: 'POST /api/licensees',
      stage: '$default',
      domainName: '127.0.0.1',
      http: {
        method: 'POST',
        path: '/api/licensees',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'vitest-agent',
      },
    });
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.requestContext.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(response.headers['apigw-requestid']).toBe(event.requestContext.requestId);
    expect(context.functionName).toBe('licensee-signup');
    expect(context.awsRequestId).toBe(event.requestContext.requestId);
    expect(remaining).toBeGreaterThan(25_000);
  });

  it('omits body, query and cookies when the request has none, and routes to the right function', async () => {
    const response = await send(server.url, { path: '/api/me' });
    expect(response.status).toBe(201);
    const { event, context } = calls.at(-1)!;
    expect(event.routeKey).toBe('GET /api/me');
    expect(event.rawQueryString).toBe('');
    expect(event.body).toBeUndefined();
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.cookies).toBeUndefined();
    expect(context.functionName).toBe('self-service');
  });

  it('decodes base64 bodies and answers 200 JSON for a result without statusCode', async () => {
    const binary = await new Promise<Buffer>((resolve, reject) => {
      const { hostname, port } = new URL(server.url);
      request(
        { hostname, port, method: 'GET', path: '/api/me/export', headers: { 'x-behaviour': 'base64' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        },
      )
        .on('error', reject)
        .end();
    });
    expect([...binary]).toEqual([0, 1, 2, 255]);

    const plain = await send(server.url, { path: '/api/export-schema', headers: ['x-behaviour', 'plain'] });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('application/json');
    expect(JSON.parse(plain.body)).toEqual({ hello: 'world' });
  });

  it('answers 404 for an unknown /api path and 405 (with Allow) for a known path with another method', async () => {
    const notFound = await send(server.url, { path: '/api/nope' });
    expect(notFound.status).toBe(404);
    expect(notFound.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(notFound.body)).toEqual({ type: 'about:blank', title: 'Not Found', status: 404 });

    const wrongMethod = await send(server.url, { method: 'DELETE', path: '/api/me' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers['content-type']).toBe('application/problem+json');
    expect(wrongMethod.headers.allow).toBe('GET, PATCH');
    expect(JSON.parse(wrongMethod.body)).toEqual({
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
    });
  });

  it('answers 413 for a body over 10 MB (the API Gateway limit) without invoking the handler', async () => {
    const count = calls.length;
    const response = await send(server.url, {
      method: 'POST',
      path: '/api/licensees',
      headers: ['Content-Type', 'application/json'],
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 'a'),
    });
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({ type: 'about:blank', status: 413 });
    expect(calls.length).toBe(count);

    const atLimit = await send(server.url, {
      method: 'POST',
      path: '/api/licensees',
      body: Buffer.alloc(MAX_BODY_BYTES, 'a'),
    });
    expect(atLimit.status).toBe(201);
  });

  it('answers 500 problem+json when a handler throws, logging only the function and error class', async () => {
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      const response = await send(server.url, {
        method: 'POST',
        path: '/api/sign-in',
        headers: ['x-behaviour', 'throw'],
        body: 'jantine@example.nl',
      });
      expect(response.status).toBe(500);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(response.body)).toEqual({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
      });
    } finally {
      spy.mockRestore();
    }
    const logged = writes.join('');
    expect(logged).toContain('session');
    expect(logged).toContain('TypeError');
    expect(logged).not.toContain('jantine');
    expect(logged).not.toContain('boom');
  });

  it('plays CloudFront: the edge headers replace a client’s, and the API origin port serves /api without them', async () => {
    const edge = await startHttpServer({
      port: 0,
      handlers,
      staticDir: join(dir, 'root'),
      edgeHeaders: { 'X-Zorgsom-Origin-Verify': 'the-secret' },
      originPort: 0,
    });
    try {
      expect(edge.originUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(edge.originUrl).not.toBe(edge.url);
      const path = '/api/licensees';
      await send(edge.url, { method: 'POST', path, headers: ['X-Zorgsom-Origin-Verify', 'forged'] });
      expect(calls.at(-1)?.event.headers['x-zorgsom-origin-verify']).toBe('the-secret');
      // The API's own endpoint: what the client sent, nothing added (the functions then refuse it).
      await send(edge.originUrl!, { method: 'POST', path });
      expect(calls.at(-1)?.event.headers).not.toHaveProperty('x-zorgsom-origin-verify');
      await send(edge.originUrl!, { method: 'POST', path, headers: ['X-Zorgsom-Origin-Verify', 'forged'] });
      expect(calls.at(-1)?.event.headers['x-zorgsom-origin-verify']).toBe('forged');
      // Only the API's routes there: no portal, as execute-api has none.
      expect((await send(edge.originUrl!, { path: '/index.html' })).status).toBe(404);
      expect((await send(edge.url, { path: '/index.html' })).status).toBe(200);
    } finally {
      await edge.close();
    }
    expect(server.originUrl).toBeUndefined();
  });

  it('serves the portal from staticDir with content types, and nothing outside it', async () => {
    const index = await send(staticServer.url, { path: '/' });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('<title>portal</title>');

    const js = await send(staticServer.url, { path: '/assets/app.js?v=1' });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const css = await send(staticServer.url, { path: '/assets/site.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');

    for (const path of [
      '/../package.json',
      '/assets/../../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/.env',
      '/missing.html',
      '/assets/',
    ]) {
      const response = await send(staticServer.url, { path });
      expect(response.status, path).toBe(404);
      expect(response.body, path).not.toContain('secret');
    }

    // The API still works next to the static files, and without staticDir nothing is served.
    expect((await send(staticServer.url, { path: '/api/me' })).status).toBe(201);
    expect((await send(server.url, { path: '/' })).status).toBe(404);
  });
});
