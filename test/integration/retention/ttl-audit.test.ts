import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObservability } from '../../../shared/observability.js';
import { endLicence } from '../../../shared/services/retention/licence.js';
import { retentionWorld } from './world.js';

let world: Awaited<ReturnType<typeof retentionWorld>>;
let createTtlAuditHandler: typeof import('../../../functions/ttl-audit/handler.js').createTtlAuditHandler;
beforeAll(async () => {
  world = await retentionWorld('zorgsom-ttl-audit');
  // The handler module reads its configuration when it loads, as in Lambda.
  Object.assign(process.env, world.table.env);
  ({ createTtlAuditHandler } = await import('../../../functions/ttl-audit/handler.js'));
});
afterAll(async () => {
  await world?.close();
});

/** A stream record exactly as Lambda delivers one from a KEYS_ONLY stream. */
function removeRecord(pk: string, sk: string, byTtl: boolean): DynamoDBRecord {
  return {
    eventID: `${Math.random().toString(16).slice(2)}`,
    eventName: 'REMOVE',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    dynamodb: {
      ApproximateCreationDateTime: 1767225600,
      Keys: { pk: { S: pk }, sk: { S: sk } },
      SequenceNumber: '4421584500000000017450439091',
      SizeBytes: 60,
      StreamViewType: 'KEYS_ONLY',
    },
    eventSourceARN: 'arn:aws:dynamodb:eu-west-1:000000000000:table/zorgsom/stream/2026-01-01T00:00:00.000',
    ...(byTtl ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
  };
}

describe('TTL backstop audit', () => {
  it('records TTL deletions of an ended licensee (per licensee, counts per kind) and ignores the rest', async () => {
    const ended = await world.seedLicensee();
    const pending = await world.seedLicensee(); // its licence never ended: stands in for a lapsed signup
    await endLicence(world.deps, ended.licenseeId, { kind: 'staff', id: 'staff-1' });
    world.metrics.length = 0;

    const observability = createObservability('ttl-audit-test');
    const handler = createTtlAuditHandler(
      { audit: world.deps.audit, metric: world.deps.metric, log: world.deps.log },
      observability,
    );
    const event = {
      Records: [
        removeRecord(`LICENSEE#${ended.licenseeId}`, 'PROFILE', true),
        removeRecord(`LICENSEE#${ended.licenseeId}`, 'REQUEST#01JABC', true),
        removeRecord(`LICENSEE#${ended.licenseeId}`, 'REQUEST#01JABD', true),
        // Routine expiries: a session, a lapsed signup, a mail intake record.
        removeRecord(`LICENSEE#${ended.licenseeId}`, 'SESSION#ab12', true),
        removeRecord(`LICENSEE#${pending.licenseeId}`, 'PROFILE', true),
        removeRecord('MAIL#0000018f-abcd', 'INTAKE', true),
        // A user's (or the sweeper's) delete: no userIdentity.
        removeRecord(`LICENSEE#${ended.licenseeId}`, 'DISCLOSURE#01JX', false),
      ],
    };
    const report = await handler(event, {} as never);
    expect(report).toEqual({ backstop: 3, routine: 3, ignored: 1 });

    const events = await world.deps.audit.forLicensee(ended.licenseeId);
    const ttl = events.filter((e) => e.action === 'retention.ttl-deleted');
    expect(ttl).toHaveLength(1);
    expect(ttl[0]).toMatchObject({
      actor: { kind: 'system', id: 'ttl-audit' },
      details: { items: 3, 'items.profile': 1, 'items.request': 2 },
    });
    expect(JSON.stringify(ttl[0])).not.toContain(ended.emailIndex);
    expect((await world.deps.audit.forLicensee(pending.licenseeId)).map((e) => e.action)).toEqual([]);
    expect(world.metrics).toEqual([{ name: 'TtlBackstopDeletions', value: 3 }]);
  });

  it('a batch without TTL deletions records nothing and reports zero', async () => {
    const handler = createTtlAuditHandler(
      { audit: world.deps.audit, metric: world.deps.metric, log: world.deps.log },
      createObservability('ttl-audit-test'),
    );
    world.metrics.length = 0;
    const report = await handler({ Records: [removeRecord('LICENSEE#x', 'PROFILE', false)] }, {} as never);
    expect(report).toEqual({ backstop: 0, routine: 0, ignored: 1 });
    expect(world.metrics).toEqual([{ name: 'TtlBackstopDeletions', value: 0 }]);
  });
});
