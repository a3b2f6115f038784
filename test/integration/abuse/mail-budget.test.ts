import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { outboxItemSchema } from '../../../shared/adapters/outbox-store.js';
import { loadConfig } from '../../../shared/config.js';
import { policy } from '../../../shared/domain/policy.js';
import { linkableTypes, requestTypes, unfinishedStatuses } from '../../../shared/domain/privacy-request.js';
import { isEssential } from '../../../shared/domain/sending-policy.js';
import { createRequestDeps } from '../../../shared/wiring/requests.js';
import { newLicensee, useLocalApi } from '../../support/local-api.js';
import { registerLicensee } from '../../support/licensees.js';

// 50 requests at once against DynamoDB Local take seconds, more on a loaded machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

/**
 * Issue 9, "mail budget holds under 50 parallel triggers": a stranger who knows a licensee's address fires 50
 * requests at once that each make the system mail that address (privacy requests by email of every type,
 * signups with the taken address, address changes to it from their own accounts). The owner gets at most the
 * policy's daily budget of system mail; what is not sent is dropped for the budget only (a code or
 * acknowledgement is never swallowed by the one-reply-per-24h rule); no answer is a 5xx; and the requests
 * stay consistent (at most one unfinished request per linkable type, at most the cap waiting for a code).
 */
const api = useLocalApi();

async function outboxSince(iso: string) {
  const { Items = [] } = await api.dynamodb.send(
    new ScanCommand({
      TableName: api.env.TABLE_NAME,
      FilterExpression: 'begins_with(pk, :outbox) AND createdAt >= :since',
      ExpressionAttributeValues: { ':outbox': { S: 'OUTBOX#' }, ':since': { S: iso } },
    }),
  );
  return Items.map((item) => outboxItemSchema.parse(unmarshall(item)));
}

describe('the per-recipient mail budget under 50 parallel triggers', () => {
  it('at most the daily budget reaches the owner; the rest dropped for the budget only; no 5xx', async () => {
    const owner = await registerLicensee(api);
    // Ten strangers with accounts of their own, each asking to move to the owner's address.
    const strangers = [];
    for (let i = 0; i < 10; i++) strangers.push(await registerLicensee(api));
    await api.settleMail();
    const before = (await api.mailsTo(owner.email)).length; // the signup code
    const since = new Date().toISOString();

    const responses = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) =>
        api.call('POST', '/api/privacy-requests/by-email', {
          body: { email: owner.email, type: requestTypes[i % requestTypes.length] },
        }),
      ),
      ...Array.from({ length: 20 }, () =>
        api.call('POST', '/api/licensees', { body: newLicensee({ email: owner.email }) }),
      ),
      ...strangers.map(({ token }) => api.call('PATCH', '/api/me', { token, body: { email: owner.email } })),
    ]);
    expect(responses).toHaveLength(50);
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    // Every refusal is a problem+json the client can act on (a lost race is 409, a spent code limit 429).
    for (const response of responses.filter((r) => r.status >= 400)) {
      expect([409, 429]).toContain(response.status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }

    await api.settleMail(120_000);
    const budget = policy.mail.maxSystemMailsPerRecipientPerDay;
    const received = (await api.mailsTo(owner.email)).slice(before);
    expect(before + received.length).toBe(budget);

    // Every mail the flood wrote went to the owner (the strangers' own profiles did not change).
    const written = await outboxSince(since);
    expect(written.length).toBeGreaterThanOrEqual(budget);
    expect(written.filter((mail) => mail.status === 'sent')).toHaveLength(budget - before);
    const dropped = written.filter((mail) => mail.status === 'dropped');
    expect(dropped.length).toBe(written.length - (budget - before));
    expect(new Set(dropped.map((mail) => mail.dropReason))).toEqual(new Set(['over-budget']));
    // Codes and acknowledgements competed for the budget like the rest, never lost to the 24-hour rule.
    expect(written.some((mail) => isEssential(mail.kind))).toBe(true);
    expect(written.filter((mail) => mail.status === 'pending' || mail.status === 'sending')).toEqual([]);

    // The requests stay consistent: at most one unfinished request per linkable type, the repeats linked to
    // it, and no more waiting for a code than the cap (test/integration/abuse/unconfirmed-cap.test.ts).
    const deps = createRequestDeps(loadConfig(api.env), { count: () => {} });
    const requests = await deps.requests.listRequests(owner.licenseeId);
    expect(requests.filter((r) => r.status === 'awaiting-confirmation')).toHaveLength(
      policy.requests.maxUnconfirmedPerLicensee,
    );
    for (const type of linkableTypes) {
      const unfinished = requests.filter((r) => r.type === type && unfinishedStatuses.includes(r.status));
      expect(unfinished.length, type).toBeLessThanOrEqual(1);
      const linked = requests.filter((r) => r.type === type && r.status === 'linked');
      expect(linked.every((r) => r.linkedTo === unfinished[0]?.requestId)).toBe(true);
    }
    // The owner's own profile is untouched, and no stranger now holds the owner's address.
    const me = await api.call('GET', '/api/me', { token: owner.token });
    expect(me.body.personalData.email).toBe(owner.email);
    for (const stranger of strangers) {
      const theirs = await api.call('GET', '/api/me', { token: stranger.token });
      expect(theirs.body.personalData.email).toBe(stranger.email);
    }
  });
});

describe('parallel requests of one type', () => {
  it('50 by-email deletion requests at once: one unfinished request, the rest linked to it; no 5xx', async () => {
    const owner = await registerLicensee(api);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        api.call('POST', '/api/privacy-requests/by-email', {
          body: { email: owner.email, type: 'deletion' },
        }),
      ),
    );
    expect(responses.map((response) => response.status).filter((status) => status >= 500)).toEqual([]);
    await api.settleMail(120_000);
    const deps = createRequestDeps(loadConfig(api.env), { count: () => {} });
    const requests = await deps.requests.listRequests(owner.licenseeId);
    const unfinished = requests.filter((r) => unfinishedStatuses.includes(r.status));
    expect(unfinished).toHaveLength(1);
    expect(
      requests.filter((r) => r.status === 'linked').every((r) => r.linkedTo === unfinished[0]?.requestId),
    ).toBe(true);
    expect((await api.mailsTo(owner.email)).length).toBeLessThanOrEqual(
      policy.mail.maxSystemMailsPerRecipientPerDay,
    );
  });
});
