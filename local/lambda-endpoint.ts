import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { invokedFunction } from './invoked-function.js';
import { buildContext } from './http-server.js';
import { enforceTableAccess } from './table-access-guard.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

type Handler = (event: unknown, context: ReturnType<typeof buildContext>) => Promise<unknown>;

export interface LocalLambda {
  endpoint: string;
  /**
   * Resolves once no invocation (of `functionName`, or of any function) is running or waiting for a retry
   * (continuations included). Also over HTTP, for a stack in another process: `POST /local/idle?function=`.
   */
  idle(functionName?: string): Promise<void>;
  /** Events that failed every attempt: in AWS they would wait in the function's dead-letter queue. */
  deadLetters: { functionName: string; event: unknown; error: string }[];
  close(): Promise<void>;
}

/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/<name>/invocations`) for the asynchronous functions of the
 * local stack, so that code which starts a job calls the same SDK command as in AWS. `Event` invocations are
 * answered 202 and run in this process afterwards, with Lambda's asynchronous retries (two) and a dead-letter
 * list instead of a queue; `RequestResponse` runs at once and answers the result. Only the named functions
 * (folders under functions/) can be invoked; the process env must be the functions' env.
 */
export async function startLocalLambda(options: {
  port: number;
  functions: readonly string[];
  /** As deployed: the handler's context reports the time left until this. */
  timeoutMs: number;
  /** Pause before a retry (Lambda waits a minute, then two). */
  retryDelayMs?: number;
}): Promise<LocalLambda> {
  enforceTableAccess();
  const handlers = new Map<string, Promise<Handler>>();
  const load = (name: string) => {
    let handler = handlers.get(name);
    if (!handler) {
      handler = import(pathToFileURL(join(repoRoot, 'functions', name, 'handler.ts')).href).then(
        (module: { handler: Handler }) => module.handler,
      );
      handlers.set(name, handler);
    }
    return handler;
  };
  const deadLetters: LocalLambda['deadLetters'] = [];
  const inFlight = new Map<string, number>();
  const running = (name?: string) =>
    name === undefined ? [...inFlight.values()].reduce((sum, n) => sum + n, 0) : (inFlight.get(name) ?? 0);
  let waiters: { name: string | undefined; resolve: () => void }[] = [];
  const settle = (name: string) => {
    inFlight.set(name, running(name) - 1);
    const ready = waiters.filter((waiter) => running(waiter.name) === 0);
    waiters = waiters.filter((waiter) => !ready.includes(waiter));
    ready.forEach((waiter) => waiter.resolve());
  };
  const idle = (name?: string) =>
    running(name) === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ name, resolve }));
  // Each invocation's table requests are judged by that function's grants (local/table-access-guard.ts).
  const invokeOnce = async (name: string, event: unknown) => {
    const handler = await load(name);
    const context = buildContext(name, randomBytes(16).toString('hex'), options.timeoutMs);
    return invokedFunction.run(name, () => handler(event, context));
  };

  const runAsync = (name: string, event: unknown) => {
    inFlight.set(name, running(name) + 1);
    void (async () => {
      for (let attempt = 0; attempt <= 2; attempt++) {
        try {
          await invokeOnce(name, event);
          return;
        } catch (error) {
          if (attempt === 2) {
            const errorName = error instanceof Error ? error.name : 'Error';
            deadLetters.push({ functionName: name, event, error: errorName });
            console.error(`${name}: an event failed three times (${errorName}); in AWS it waits in the DLQ`);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1_000));
        }
      }
    })().finally(() => settle(name));
  };

  const body = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  const server = createServer((req, res) => {
    void (async () => {
      // Not Lambda's API: lets tests (and local/outbox-stream.ts's settle) wait for asynchronous work.
      if (req.method === 'POST' && req.url?.startsWith('/local/idle')) {
        const name = new URL(req.url, 'http://local').searchParams.get('function') ?? undefined;
        await idle(name);
        res.writeHead(204);
        res.end();
        return;
      }
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url?.split('?')[0] ?? '');
      // A name or an ARN (…:function:<name>); only the functions this endpoint was given.
      const name = match ? decodeURIComponent(match[1]!).split(':function:').at(-1)!.split(':')[0]! : '';
      if (req.method !== 'POST' || !options.functions.includes(name)) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ Type: 'User', message: 'Function not found' }));
        return;
      }
      const payload = await body(req);
      const event: unknown = payload ? JSON.parse(payload) : {};
      if ((req.headers['x-amz-invocation-type'] ?? 'RequestResponse') === 'Event') {
        res.writeHead(202);
        res.end();
        runAsync(name, event);
        return;
      }
      try {
        const result = await invokeOnce(name, event);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result ?? null));
      } catch (error) {
        res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
        res.end(JSON.stringify({ errorType: error instanceof Error ? error.name : 'Error' }));
      }
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    idle,
    deadLetters,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
