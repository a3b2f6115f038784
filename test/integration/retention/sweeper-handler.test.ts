import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObservability } from '../../../shared/observability.js';
import { endLicence } from '../../../shared/services/retention/licence.js';
import { retentionWorld } from './world.js';

let world: Awaited<ReturnType<typeof retentionWorld>>;
let createSweeperHandler: typeof import('../../../functions/retention-sweeper/handler.js').createSweeperHandler;
beforeAll(async () => {
  world = await retentionWorld('zorgsom-sweeper-handler');
  // The handler module reads its configuration when it loads, as in Lambda.
  Object.assign(process.env, world.table.env);
  ({ createSweeperHandler } = await import('../../../functions/retention-sweeper/handler.js'));
});
afterAll(async () => {
  await world?.close();
});

describe('retention-sweeper handler', () => {
  it('takes its time budget from the Lambda context: nothing starts with under a minute left', async () => {
    const licensee = await world.seedLicensee();
    await endLicence(world.deps, licensee.licenseeId, { kind: 'staff', id: 'staff-1' });
    world.clock.now = new Date('2026-06-01T00:00:00Z');
    const handler = createSweeperHandler(world.deps, createObservability('retention-sweeper'));

    const late = await handler({}, { getRemainingTimeInMillis: () => 59_000 } as never);
    expect(late).toEqual({ due: 0, purged: 0, held: 0, failed: 0, incomplete: true });
    expect((await world.partition(licensee.licenseeId)).length).toBeGreaterThan(0);

    const onTime = await handler({}, { getRemainingTimeInMillis: () => 290_000 } as never);
    expect(onTime).toEqual({ due: 1, purged: 1, held: 0, failed: 0, incomplete: false });
    expect(await world.partition(licensee.licenseeId)).toEqual([]);
  });

  it('fails the invocation (to the dead-letter queue) when a purge fails', async () => {
    world.clock.now = new Date('2024-01-10T10:00:00Z');
    const licensee = await world.seedLicensee();
    await endLicence(world.deps, licensee.licenseeId, { kind: 'staff', id: 'staff-1' });
    world.clock.now = new Date('2026-06-01T00:00:00Z');
    const broken = {
      ...world.deps,
      objects: {
        deleteRawMails: async () => {
          throw new Error('s3 down');
        },
        deleteBudgetUploads: async () => undefined,
      },
    };
    const handler = createSweeperHandler(broken, createObservability('retention-sweeper'));
    await expect(handler({}, { getRemainingTimeInMillis: () => 290_000 } as never)).rejects.toMatchObject({
      name: 'SweepFailedError',
    });
    // The owner went first; the rest waits for the next run.
    expect(await world.emailOwner(licensee.emailIndex)).toBeUndefined();
    const handlerOk = createSweeperHandler(world.deps, createObservability('retention-sweeper'));
    await expect(handlerOk({}, { getRemainingTimeInMillis: () => 290_000 } as never)).resolves.toMatchObject({
      purged: 1,
    });
    const [certificate] = (await world.deps.audit.forLicensee(licensee.licenseeId)).filter(
      (e) => e.action === 'retention.purged',
    );
    expect(certificate?.details).toMatchObject({ 'items.email-owner': 1, items: 7, resumed: true });
  });
});
