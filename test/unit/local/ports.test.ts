import { createServer, type Server } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Fault injection: the first free port handed out for S3 is taken by "another process" before S3 binds it,
// which is what parallel test files did to each other.
const taken: Server[] = [];
let stealNextS3Port = false;
vi.mock('../../../local/ports.js', async (importActual) => {
  const actual = await importActual<typeof import('../../../local/ports.js')>();
  return {
    ...actual,
    claimPort: async (port: number, what: string) => {
      const claimed = await actual.claimPort(port, what);
      if (port === 0 && what === 's3' && stealNextS3Port) {
        stealNextS3Port = false;
        const thief = createServer();
        await new Promise<void>((resolve) => thief.listen(claimed, '127.0.0.1', resolve));
        taken.push(thief);
      }
      return claimed;
    },
  };
});

const { findFreePort, PortInUseError } = await import('../../../local/ports.js');
const { startLocalStack } = await import('../../../local/stack.js');

afterEach(async () => {
  await Promise.all(taken.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('local ports', () => {
  it('never hands out the same free port twice in one process', async () => {
    const ports = [];
    for (let i = 0; i < 300; i++) ports.push(await findFreePort());
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('starts anyway when a port it picked is taken before its service binds it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'zorgsom-ports-'));
    stealNextS3Port = true;
    const stack = await startLocalStack({
      dataDir,
      persistent: false,
      ports: { http: 0, dynamodb: 0, kms: 0, ses: 0, s3: 0 },
    });
    try {
      expect(stealNextS3Port).toBe(false);
      const stolen = (taken[0]?.address() as { port: number }).port;
      expect(stack.ports.s3).not.toBe(stolen);
      expect((await fetch(`${stack.endpoints.s3}/`)).status).toBeLessThan(500);
    } finally {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('keeps a port the caller named, and says it is taken', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, resolve));
    taken.push(busy);
    const port = (busy.address() as { port: number }).port;
    const dataDir = await mkdtemp(join(tmpdir(), 'zorgsom-ports-'));
    try {
      await expect(
        startLocalStack({ dataDir, persistent: false, ports: { http: 0, dynamodb: 0, kms: port, ses: 0 } }),
      ).rejects.toBeInstanceOf(PortInUseError);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
