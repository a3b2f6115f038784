/**
 * Issue 9, Build 3: the by-email form's work happens after the answer, in its worker
 * (functions/privacy-requests-by-email), invoked asynchronously through Lambda's Invoke API (locally
 * local/lambda-endpoint.ts, with Lambda's two retries and a dead-letter list for its queue). Nothing is lost
 * on failure and nothing of the submission is exposed: a failing worker is retried, then its still-sealed
 * event is kept and can be redriven; a failed hand-off is the same 503 for a registered and a free address.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it, vi } from 'vitest';
import { invokedFunction } from '../../local/invoked-function.js';
import { createLambdaClient } from '../../shared/adapters/lambda-job-invoker.js';
import { loadConfig } from '../../shared/config.js';
import { createRequestDeps } from '../../shared/wiring/requests.js';
import { useLocalApi } from '../support/local-api.js';
import { registerLicensee } from '../support/licensees.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const worker = 'privacy-requests-by-email';
const api = useLocalApi();

const requestsOf = (licenseeId: string) =>
  createRequestDeps(loadConfig(api.env), { count: () => {} }).requests.listRequests(licenseeId);
const free = () => `vrij.${Date.now()}.${Math.random().toString(36).slice(2)}@example.nl`;

/** Makes `Client.send` throw for `command` while `when()` holds; counts the refused calls. */
function failing(Client: typeof KMSClient | typeof LambdaClient, command: string, when: () => boolean) {
  const prototype = Client.prototype as unknown as { send: (...args: unknown[]) => Promise<unknown> };
  const original = prototype.send;
  let refused = 0;
  prototype.send = function (this: unknown, ...args: unknown[]) {
    if ((args[0] as object).constructor.name === command && when()) {
      refused += 1;
      return Promise.reject(Object.assign(new Error('injected fault'), { name: 'ServiceUnavailable' }));
    }
    return original.apply(this, args);
  };
  return {
    refused: () => refused,
    restore: () => {
      prototype.send = original;
    },
  };
}

describe('the by-email worker', () => {
  it('does the work after the answer: the request and its code exist once the worker ran', async () => {
    const owner = await registerLicensee(api);
    const answer = await api.call('POST', '/api/privacy-requests/by-email', {
      body: { email: owner.email, type: 'deletion', message: 'Mijn licentie is beëindigd.' },
    });
    expect(answer).toMatchObject({ status: 202, body: { status: 'confirmation-sent' } });
    await api.byEmailSettled();
    const [request] = await requestsOf(owner.licenseeId);
    expect(request).toMatchObject({ type: 'deletion', status: 'awaiting-confirmation', channel: 'web' });
    const mail = (await api.mailsTo(owner.email)).at(-1);
    expect(mail?.text).toContain(request!.reference);
  });

  it('a failing run is retried twice, then its event is kept sealed, and a redrive of it loses nothing', async () => {
    const owner = await registerLicensee(api);
    const message = 'Welke gegevens bewaren jullie van mij, en hoe lang?';
    // The worker cannot open the submission (KMS Decrypt fails) on any attempt.
    const fault = failing(KMSClient, 'DecryptCommand', () => invokedFunction.getStore() === worker);
    const before = api.deadLetters.length;
    try {
      const answer = await api.call('POST', '/api/privacy-requests/by-email', {
        body: { email: owner.email, type: 'question', message },
      });
      expect(answer.status).toBe(202);
      await api.byEmailSettled();
    } finally {
      fault.restore();
    }
    expect(fault.refused()).toBe(3);
    const dead = api.deadLetters.slice(before);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ functionName: worker, error: 'ServiceUnavailable' });
    // What the dead-letter queue keeps is an id and ciphertext: no address, type or text.
    const kept = JSON.stringify(dead[0]!.event);
    for (const plain of [owner.email, owner.email.split('@')[0]!, 'question', 'bewaren'])
      expect(kept).not.toContain(plain);
    expect(await requestsOf(owner.licenseeId)).toEqual([]);

    // The runbook's redrive: the same event, invoked again, now does the work.
    const lambda: LambdaClient = createLambdaClient(loadConfig(api.env));
    try {
      const { StatusCode } = await lambda.send(
        new InvokeCommand({
          FunctionName: worker,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(dead[0]!.event)),
        }),
      );
      expect(StatusCode).toBe(202);
    } finally {
      lambda.destroy();
    }
    await api.byEmailSettled();
    const stored = await requestsOf(owner.licenseeId);
    expect(stored.map((request) => [request.type, request.status])).toEqual([
      ['question', 'awaiting-confirmation'],
    ]);
    expect((await api.mailsTo(owner.email)).at(-1)?.text).toContain(stored[0]!.reference);
  });

  it('a run that fails once is retried and does the work once', async () => {
    const owner = await registerLicensee(api);
    let failures = 1;
    const fault = failing(
      KMSClient,
      'DecryptCommand',
      () => invokedFunction.getStore() === worker && failures-- > 0,
    );
    const before = api.deadLetters.length;
    try {
      expect(
        (
          await api.call('POST', '/api/privacy-requests/by-email', {
            body: { email: owner.email, type: 'overview' },
          })
        ).status,
      ).toBe(202);
      await api.byEmailSettled();
    } finally {
      fault.restore();
    }
    expect(fault.refused()).toBe(1);
    expect(api.deadLetters.length).toBe(before);
    expect((await requestsOf(owner.licenseeId)).map((request) => request.type)).toEqual(['overview']);
  });

  it('an event worked again (at-least-once delivery, a redrive): no second request, no second mail', async () => {
    const owner = await registerLicensee(api);
    // What the route hands off, as Lambda queues it.
    const prototype = LambdaClient.prototype as unknown as { send: (...args: unknown[]) => Promise<unknown> };
    const original = prototype.send;
    const handedOff: unknown[] = [];
    prototype.send = function (this: unknown, ...args: unknown[]) {
      const command = args[0] as InvokeCommand;
      if (command instanceof InvokeCommand && command.input.FunctionName === worker)
        handedOff.push(JSON.parse(new TextDecoder().decode(command.input.Payload as Uint8Array)));
      return original.apply(this, args);
    };
    try {
      for (const type of ['question', 'deletion'] as const)
        expect(
          (
            await api.call('POST', '/api/privacy-requests/by-email', {
              body: { email: owner.email, type, message: 'Eenmaal, andermaal.' },
            })
          ).status,
        ).toBe(202);
    } finally {
      prototype.send = original;
    }
    await api.byEmailSettled();
    const first = await requestsOf(owner.licenseeId);
    expect(first.map((request) => request.type).sort()).toEqual(['deletion', 'question']);
    const mails = (await api.mailsTo(owner.email)).length;

    // Both events again, three times each, at once.
    const lambda = createLambdaClient(loadConfig(api.env));
    try {
      const answers = await Promise.all(
        [...handedOff, ...handedOff, ...handedOff].map((event) =>
          lambda.send(
            new InvokeCommand({
              FunctionName: worker,
              InvocationType: 'Event',
              Payload: new TextEncoder().encode(JSON.stringify(event)),
            }),
          ),
        ),
      );
      expect(answers.map((answer) => answer.StatusCode)).toEqual(Array(6).fill(202));
    } finally {
      lambda.destroy();
    }
    await api.byEmailSettled();
    const after = await requestsOf(owner.licenseeId);
    expect(after.map((request) => [request.requestId, request.version]).sort()).toEqual(
      first.map((request) => [request.requestId, request.version]).sort(),
    );
    expect(await api.mailsTo(owner.email)).toHaveLength(mails);
  });

  it('a failed hand-off: the same 503 problem+json for a registered and a free address, nothing stored', async () => {
    const owner = await registerLicensee(api);
    await api.settleMail();
    const mailsBefore = (await api.mailsTo(owner.email)).length;
    const fault = failing(LambdaClient, 'InvokeCommand', () => true);
    let known, unknown;
    try {
      const ask = (email: string) =>
        api.call('POST', '/api/privacy-requests/by-email', { body: { email, type: 'question' } });
      known = await ask(owner.email);
      unknown = await ask(free());
    } finally {
      fault.restore();
    }
    expect(fault.refused()).toBe(2);
    expect(known.status).toBe(503);
    expect(known.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(known.body).toMatchObject({ status: 503, code: 'unavailable' });
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    await api.byEmailSettled();
    expect(await requestsOf(owner.licenseeId)).toEqual([]);
    expect(await api.mailsTo(owner.email)).toHaveLength(mailsBefore);
  });

  it('bad input is refused before anything is sealed or handed off: the same 400 as before', async () => {
    const refused = await api.call('POST', '/api/privacy-requests/by-email', {
      body: { email: 'geen-adres', type: 'vraag' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'email',
      'type',
    ]);
  });
});
