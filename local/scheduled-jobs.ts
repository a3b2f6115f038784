import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { invokedFunction } from './invoked-function.js';
import { buildContext } from './http-server.js';
import { enforceTableAccess } from './table-access-guard.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface ScheduledJob {
  /** Folder under functions/. */
  name: string;
  /** How often here; in AWS an EventBridge schedule runs it (see infra/). */
  intervalMs: number;
  /** As deployed: a job that checks its remaining time stops before this. */
  timeoutMs: number;
}

/**
 * The scheduled functions on timers, in this process, through their real handlers, as EventBridge Scheduler
 * invokes them in AWS. Each runs once at start, then every `intervalMs`; a run still going when the next
 * tick comes is not doubled. Requires process.env to be the functions' env (the local stack sets it first).
 */
export async function startScheduledJobs(jobs: ScheduledJob[]): Promise<{ close(): void }> {
  enforceTableAccess();
  const timers = await Promise.all(
    jobs.map(async (job) => {
      const { handler } = (await import(
        pathToFileURL(join(repoRoot, 'functions', job.name, 'handler.ts')).href
      )) as {
        handler: (event: unknown, context: unknown) => Promise<unknown>;
      };
      let running = false;
      const run = () => {
        if (running) return;
        running = true;
        const context = buildContext(job.name, randomBytes(16).toString('hex'), job.timeoutMs);
        invokedFunction
          .run(job.name, () =>
            handler({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event' }, context),
          )
          .catch(() => console.error(`${job.name} failed; it runs again on the next tick`))
          .finally(() => {
            running = false;
          });
      };
      const timer = setInterval(run, job.intervalMs);
      timer.unref();
      run();
      return timer;
    }),
  );
  return { close: () => timers.forEach((timer) => clearInterval(timer)) };
}
