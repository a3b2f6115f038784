import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { AuditActor } from '../../../shared/domain/audit.js';
import { retentionDates } from '../../../shared/domain/retention.js';
import { endLicence, liftHold, placeHold, renewLicence } from '../../../shared/services/retention/licence.js';
import { endLicenceAndPurgeNow, sweep } from '../../../shared/services/retention/sweeper.js';
import { retentionWorld } from './world.js';

const staff: AuditActor = { kind: 'staff', id: 'arn:aws:iam::000000000000:role/zorgsom-staff' };
const plenty = () => 300_000;
const hours = (n: number) => n * 3_600_000;

/**
 * A DynamoDB client whose BatchWriteItem can be told to fail once, or to leave part of a batch unprocessed
 * (what DynamoDB does under throttling), so interruption and retries are exercised against the real table.
 */
function faultyClient(inner: DynamoDBClient) {
  const faults = { failNextBatch: false, unprocessedNextBatch: false, batchCalls: 0 };
  const send = inner.send.bind(inner) as (command: unknown) => Promise<unknown>;
  const wrapped = Object.create(inner) as DynamoDBClient;
  wrapped.send = (async (command: unknown) => {
    if (command instanceof BatchWriteItemCommand) {
      faults.batchCalls++;
      if (faults.failNextBatch) {
        faults.failNextBatch = false;
        throw new ProvisionedThroughputExceededException({ message: 'injected', $metadata: {} });
      }
      if (faults.unprocessedNextBatch) {
        faults.unprocessedNextBatch = false;
        const [table, requests] = Object.entries(command.input.RequestItems!)[0]!;
        const half = Math.ceil(requests.length / 2);
        await send(new BatchWriteItemCommand({ RequestItems: { [table]: requests.slice(0, half) } }));
        return { UnprocessedItems: { [table]: requests.slice(half) }, $metadata: {} };
      }
    }
    return send(command);
  }) as DynamoDBClient['send'];
  return { wrapped, faults };
}

let world: Awaited<ReturnType<typeof retentionWorld>>;
let faults: ReturnType<typeof faultyClient>['faults'];

beforeAll(async () => {
  world = await retentionWorld('zorgsom-retention', (client) => {
    const faulty = faultyClient(client);
    faults = faulty.faults;
    return faulty.wrapped;
  });
});
afterAll(async () => {
  await world?.close();
});

const auditItems = async () =>
  (await world.everything()).filter((item) => String(item.pk).startsWith('AUDIT#'));
const certificatesOf = async (licenseeId: string) =>
  (await world.deps.audit.forLicensee(licenseeId)).filter((event) => event.action === 'retention.purged');

describe('licence end', () => {
  it('sets purgeAt from the Amsterdam date and the TTL backstop on every item, sessions keeping their own', async () => {
    world.clock.now = new Date('2024-02-29T12:00:00Z');
    const licensee = await world.seedLicensee();
    const state = await endLicence(world.deps, licensee.licenseeId, staff);
    const purgeAt = retentionDates(world.clock.now).purgeAt;
    expect(state).toMatchObject({ status: 'ended', destroyedBy: purgeAt.toISOString() });
    expect(purgeAt.toISOString()).toBe('2026-01-16T23:00:00.000Z');

    const seconds = purgeAt.getTime() / 1000;
    const items = await world.partition(licensee.licenseeId);
    const profile = items.find((item) => item.sk === 'PROFILE')!;
    expect(profile).toMatchObject({
      status: 'ended',
      purgeAt: seconds,
      expiresAt: seconds,
      purgeShard: 'PURGE',
    });
    for (const item of items.filter((i) => !/^(SESSION|SIGNIN)/.test(String(i.sk))))
      expect(item.expiresAt, String(item.sk)).toBe(seconds);
    for (const item of items.filter((i) => /^(SESSION|SIGNIN)/.test(String(i.sk))))
      expect(item.expiresAt).toBeLessThan(seconds);
    expect((await world.emailOwner(licensee.emailIndex))?.expiresAt).toBe(seconds);

    const ended = (await world.deps.audit.forLicensee(licensee.licenseeId)).find(
      (e) => e.action === 'licence.ended',
    );
    expect(ended?.details).toEqual({
      endedOn: '2024-02-29',
      purgeAt: purgeAt.toISOString(),
      promisedBy: '2026-02-27T23:00:00.000Z',
    });
    // Ending again changes nothing.
    await expect(endLicence(world.deps, licensee.licenseeId, staff)).resolves.toEqual(state);
  });

  it('renewal before the purge clears the purge date and the backstop everywhere', async () => {
    world.clock.now = new Date('2024-03-01T09:00:00Z');
    const licensee = await world.seedLicensee();
    await endLicence(world.deps, licensee.licenseeId, staff);
    world.clock.now = new Date('2024-09-01T09:00:00Z');
    const state = await renewLicence(world.deps, licensee.licenseeId, staff);
    expect(state).toMatchObject({ status: 'active', destroyedBy: null, endedAt: null });

    const items = await world.partition(licensee.licenseeId);
    const profile = items.find((item) => item.sk === 'PROFILE')!;
    expect(profile.purgeAt).toBeUndefined();
    expect(profile.purgeShard).toBeUndefined();
    expect(profile.expiresAt).toBeUndefined();
    for (const item of items.filter((i) => !/^(SESSION|SIGNIN)/.test(String(i.sk))))
      expect(item.expiresAt, String(item.sk)).toBeUndefined();
    expect((await world.emailOwner(licensee.emailIndex))?.expiresAt).toBeUndefined();

    // Long after the old purge date the sweeper leaves it alone.
    world.clock.now = new Date('2027-01-01T00:00:00Z');
    await sweep(world.deps, { remainingMs: plenty });
    expect(await world.partition(licensee.licenseeId)).toHaveLength(items.length);
  });
});

describe('the sweeper', () => {
  let early: Awaited<ReturnType<typeof world.seedLicensee>>;
  let later: Awaited<ReturnType<typeof world.seedLicensee>>;
  let active: Awaited<ReturnType<typeof world.seedLicensee>>;
  let held: Awaited<ReturnType<typeof world.seedLicensee>>;

  beforeAll(async () => {
    world.clock.now = new Date('2024-01-10T10:00:00Z');
    early = await world.seedLicensee({ requests: 2 });
    held = await world.seedLicensee();
    active = await world.seedLicensee();
    later = await world.seedLicensee();
    await endLicence(world.deps, early.licenseeId, staff);
    await endLicence(world.deps, held.licenseeId, staff);
    world.clock.now = new Date('2024-04-20T10:00:00Z');
    await endLicence(world.deps, later.licenseeId, staff);
    world.clock.now = new Date('2025-10-01T10:00:00Z');
    await placeHold(world.deps, held.licenseeId, staff, {
      reason: 'legal-claim',
      caseReference: 'RB-AMS-2024-117',
      until: '2026-03-31',
    });
  });

  it('deletes exactly the due licensees, everywhere, and nothing else', async () => {
    const before = await world.everything();
    const auditBefore = await auditItems();
    // Just past the early licensee's purge date, long before the later one's.
    world.clock.now = new Date(retentionDates(new Date('2024-01-10T10:00:00Z')).purgeAt.getTime() + hours(1));
    world.metrics.length = 0;

    const report = await sweep(world.deps, { remainingMs: plenty });
    expect(report).toMatchObject({ purged: [early.licenseeId], failed: [], incomplete: false });

    expect(await world.partition(early.licenseeId)).toEqual([]);
    expect(await world.emailOwner(early.emailIndex)).toBeUndefined();
    for (const key of early.rawMail)
      expect(await world.objectExists(world.config.RAW_MAIL_BUCKET!, key)).toBe(false);
    expect(await world.objectExists(world.config.BUDGET_REVIEW_BUCKET!, early.upload)).toBe(false);

    // Every other item is still there, unchanged; the audit trail only grew by the certificate.
    const after = await world.everything();
    const gone = (item: Record<string, unknown>) =>
      item.pk === `LICENSEE#${early.licenseeId}` || item.pk === `EMAIL#${early.emailIndex}`;
    const key = (item: Record<string, unknown>) => `${String(item.pk)}|${String(item.sk)}`;
    const kept = before.filter((item) => !gone(item));
    expect(
      after
        .filter((item) => !String(item.pk).startsWith('AUDIT#'))
        .map(key)
        .sort(),
    ).toEqual(
      kept
        .filter((item) => !String(item.pk).startsWith('AUDIT#'))
        .map(key)
        .sort(),
    );
    const auditAfter = await auditItems();
    expect(auditAfter).toHaveLength(auditBefore.length + 1);
    expect(auditAfter).toEqual(expect.arrayContaining(auditBefore));
    for (const licensee of [later, active, held])
      expect(await world.objectExists(world.config.RAW_MAIL_BUCKET!, licensee.rawMail[0]!)).toBe(true);

    const [certificate, ...more] = await certificatesOf(early.licenseeId);
    expect(more).toEqual([]);
    expect(certificate).toMatchObject({
      actor: { kind: 'system', id: 'retention-sweeper' },
      licenseeId: early.licenseeId,
      at: world.clock.now.toISOString(),
      details: {
        reason: 'retention-period',
        purgeAt: retentionDates(new Date('2024-01-10T10:00:00Z')).purgeAt.toISOString(),
        items: 8,
        objects: 3,
        resumed: false,
        'items.profile': 1,
        'items.email-owner': 1,
        'items.session': 1,
        'items.signin': 1,
        'items.request': 2,
        'items.disclosure': 1,
        'items.budgetreview': 1,
        'objects.raw-mail': 2,
        'objects.budget-upload': 1,
      },
    });
    expect(world.metrics).toEqual(
      expect.arrayContaining([
        { name: 'LicenseesPurged', value: 1 },
        { name: 'PurgedItems', value: 8 },
        { name: 'HeldPastPurgeDate', value: 1 },
      ]),
    );
  });

  it('skips and reports held licensees past their purge date, by id only', async () => {
    world.logs.length = 0;
    const report = await sweep(world.deps, { remainingMs: plenty });
    expect(report).toMatchObject({ purged: [], held: [held.licenseeId], due: 1 });
    expect(world.logs).toContainEqual({
      message: 'held licensees past their purge date, skipped',
      fields: { licenseeIds: [held.licenseeId] },
    });
    expect((await world.partition(held.licenseeId)).length).toBeGreaterThan(1);
    // The hold lifted the TTL backstop too: nothing carries the purge date as expiry.
    const profile = (await world.partition(held.licenseeId)).find((item) => item.sk === 'PROFILE')!;
    expect(profile.expiresAt).toBeUndefined();
    expect(profile.legalHold).toMatchObject({ reason: 'legal-claim', caseReference: 'RB-AMS-2024-117' });
  });

  it('a second run is a no-op', async () => {
    const auditBefore = await auditItems();
    const report = await sweep(world.deps, { remainingMs: plenty });
    expect(report.purged).toEqual([]);
    expect(await auditItems()).toHaveLength(auditBefore.length);
  });

  it('purges a held licensee once the hold is lifted (audited), and the later one on its date', async () => {
    world.clock.now = new Date('2026-03-15T00:00:00Z');
    await liftHold(world.deps, held.licenseeId, staff);
    const actions = (await world.deps.audit.forLicensee(held.licenseeId)).map((event) => event.action);
    expect(actions).toEqual(['licence.ended', 'retention.hold-placed', 'retention.hold-lifted']);
    // Lifted after the purge date: the backstop waits a day for the sweeper.
    const profile = (await world.partition(held.licenseeId)).find((item) => item.sk === 'PROFILE')!;
    expect(profile.expiresAt).toBe(world.clock.now.getTime() / 1000 + 86_400);

    const report = await sweep(world.deps, { remainingMs: plenty });
    expect(report.purged.sort()).toEqual([held.licenseeId, later.licenseeId].sort());
    expect(await world.partition(held.licenseeId)).toEqual([]);
    expect(await world.partition(later.licenseeId)).toEqual([]);
    expect((await world.partition(active.licenseeId)).length).toBeGreaterThan(1);
  });

  it('a hold that reaches its end date without being lifted stops holding', async () => {
    world.clock.now = new Date('2026-05-01T10:00:00Z');
    const licensee = await world.seedLicensee();
    await endLicence(world.deps, licensee.licenseeId, staff, { endedAt: new Date('2024-01-05T10:00:00Z') });
    await placeHold(world.deps, licensee.licenseeId, staff, {
      reason: 'fraud-investigation',
      caseReference: 'FRAUDE-77',
      until: '2026-05-31',
    });
    expect((await sweep(world.deps, { remainingMs: plenty })).held).toEqual([licensee.licenseeId]);
    world.clock.now = new Date('2026-05-31T21:59:00Z'); // 23:59 in Amsterdam: still held
    expect((await sweep(world.deps, { remainingMs: plenty })).held).toEqual([licensee.licenseeId]);
    world.clock.now = new Date('2026-05-31T22:00:00Z');
    expect((await sweep(world.deps, { remainingMs: plenty })).purged).toEqual([licensee.licenseeId]);
  });

  it('refuses a hold with a free-text reference or an unbounded end date', async () => {
    world.clock.now = new Date('2026-05-01T10:00:00Z');
    const licensee = await world.seedLicensee();
    const hold = { reason: 'legal-claim' as const, caseReference: 'RB-1', until: '2026-06-01' };
    await expect(
      placeHold(world.deps, licensee.licenseeId, staff, { ...hold, caseReference: 'Zaak tegen A. de Vries' }),
    ).rejects.toMatchObject({ status: 400, code: 'invalid-input' });
    await expect(
      placeHold(world.deps, licensee.licenseeId, staff, { ...hold, until: '2099-01-01' }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      placeHold(world.deps, licensee.licenseeId, staff, { ...hold, reason: 'curiosity' as never }),
    ).rejects.toMatchObject({ status: 400 });
  });
});

describe('interrupted runs', () => {
  it('stops at the time budget after a few batches and completes on the next run, counting everything', async () => {
    world.clock.now = new Date('2024-01-10T10:00:00Z');
    const big = await world.seedLicensee({ requests: 3, extraItems: 70 }); // 79 items + profile + owner
    await endLicence(world.deps, big.licenseeId, staff);
    world.clock.now = new Date('2026-06-01T00:00:00Z');

    // The budget runs out after two batches of 25.
    const batchesBefore = faults.batchCalls;
    const remaining = () => (faults.batchCalls - batchesBefore < 2 ? 300_000 : 1_000);
    const first = await sweep(world.deps, { remainingMs: remaining });
    expect(first).toMatchObject({ purged: [], incomplete: true });
    expect(faults.batchCalls - batchesBefore).toBe(2);
    const left = await world.partition(big.licenseeId);
    expect(left).toHaveLength(78 - 50);
    // Still findable: the profile (the purge queue entry) goes last.
    expect(left.find((item) => item.sk === 'PROFILE')?.purgeProgress).toMatchObject({
      'items.email-owner': 1,
    });
    expect(await certificatesOf(big.licenseeId)).toEqual([]);

    const second = await sweep(world.deps, { remainingMs: plenty });
    expect(second).toMatchObject({ purged: [big.licenseeId], incomplete: false });
    expect(await world.partition(big.licenseeId)).toEqual([]);
    const [certificate] = await certificatesOf(big.licenseeId);
    expect(certificate?.details).toMatchObject({
      items: 79,
      objects: 4,
      resumed: true,
      'items.disclosure': 71,
      'items.request': 3,
      'objects.raw-mail': 3,
    });
  });

  it('a DynamoDB error halfway fails that licensee only; the next run finishes it with the right counts', async () => {
    world.clock.now = new Date('2024-01-10T10:00:00Z');
    const one = await world.seedLicensee({ extraItems: 40 });
    await endLicence(world.deps, one.licenseeId, staff);
    world.clock.now = new Date('2026-06-01T00:00:00Z');

    const batchesBefore = faults.batchCalls;
    const failSecond = () => {
      if (faults.batchCalls - batchesBefore === 1) faults.failNextBatch = true;
      return 300_000;
    };
    const first = await sweep(world.deps, { remainingMs: failSecond });
    expect(first.failed).toEqual([
      { licenseeId: one.licenseeId, error: 'ProvisionedThroughputExceededException' },
    ]);
    expect(world.metrics).toContainEqual({ name: 'PurgeFailures', value: 1 });
    expect((await world.partition(one.licenseeId)).length).toBe(46 - 25);

    faults.unprocessedNextBatch = true; // and DynamoDB leaves half of the next batch unprocessed
    const second = await sweep(world.deps, { remainingMs: plenty });
    expect(second.purged).toEqual([one.licenseeId]);
    expect(await world.partition(one.licenseeId)).toEqual([]);
    const [certificate] = await certificatesOf(one.licenseeId);
    expect(certificate?.details).toMatchObject({ items: 47, 'items.disclosure': 41, resumed: true });
  });
});

describe('deletion on request', () => {
  it('an approved deletion ends the licence and purges at once, with a certificate', async () => {
    world.clock.now = new Date('2026-07-01T10:00:00Z');
    const licensee = await world.seedLicensee();
    const result = await endLicenceAndPurgeNow(world.deps, licensee.licenseeId, staff, 'deletion-request', {
      subjectId: '01JREQUEST',
    });
    expect(result).toMatchObject({ outcome: 'purged' });
    expect(await world.partition(licensee.licenseeId)).toEqual([]);
    expect(await world.emailOwner(licensee.emailIndex)).toBeUndefined();
    const events = await world.deps.audit.forLicensee(licensee.licenseeId);
    expect(events.map((e) => e.action)).toEqual(['licence.ended', 'retention.purged']);
    expect(events[1]).toMatchObject({
      actor: staff,
      subjectId: '01JREQUEST',
      details: { reason: 'deletion-request', items: 7, objects: 2 },
    });
    await expect(endLicenceAndPurgeNow(world.deps, licensee.licenseeId, staff)).resolves.toEqual({
      outcome: 'already-purged',
    });
  });

  it('under a legal hold it ends the licence and reports the hold; the purge follows the hold', async () => {
    world.clock.now = new Date('2026-07-01T10:00:00Z');
    const licensee = await world.seedLicensee();
    await placeHold(world.deps, licensee.licenseeId, staff, {
      reason: 'fraud-investigation',
      caseReference: 'FIOD-2026-9',
      until: '2026-07-31',
    });
    const result = await endLicenceAndPurgeNow(world.deps, licensee.licenseeId, staff);
    expect(result).toMatchObject({
      outcome: 'held',
      state: { status: 'ended', legalHold: { reason: 'fraud-investigation', caseReference: 'FIOD-2026-9' } },
    });
    expect((await world.partition(licensee.licenseeId)).length).toBeGreaterThan(1);
    world.clock.now = new Date('2026-08-01T00:00:00Z'); // Amsterdam: 02:00 on 1 August, the hold has ended
    const report = await sweep(world.deps, { remainingMs: plenty });
    expect(report.purged).toContain(licensee.licenseeId);
    expect(await world.partition(licensee.licenseeId)).toEqual([]);
  });
});
