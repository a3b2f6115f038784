import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildContext } from './http-server.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** As deployed (infra/constructs/retention.ts): the sweep stops a minute before this. */
const SWEEPER_TIMEOUT_MS = 5 * 60_000;

/**
 * The retention sweeper on a timer, in this process, through its real handler (as EventBridge Scheduler
 * invokes it hourly in AWS; every minute here, so a purge date that passed shows its effect at once).
 * A run that is still going when the next tick comes is not doubled. Requires process.env to be the
 * functions' env (the local stack sets it before loading handlers).
 */
export async function startSweeperTimer(options: { intervalMs?: number } = {}): Promise<{ close(): void }> {
  const module = (await import(
    pathToFileURL(join(repoRoot, 'functions', 'retention-sweeper', 'handler.ts')).href
  )) as {
    handler: (event: unknown, context: unknown) => Promise<unknown>;
  };
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    const context = buildContext('retention-sweeper', randomBytes(16).toString('hex'), SWEEPER_TIMEOUT_MS);
    module
      .handler({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event' }, context)
      .catch(() => console.error('retention-sweeper failed; it runs again on the next tick'))
      .finally(() => {
        running = false;
      });
  };
  const timer = setInterval(run, options.intervalMs ?? 60_000);
  timer.unref();
  run();
  return { close: () => clearInterval(timer) };
}
