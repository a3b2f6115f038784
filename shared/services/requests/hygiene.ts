import { systemActor } from '../../domain/audit.js';
import { addMinutes } from '../../domain/dates.js';
import { openShards, type StoredPrivacyRequest } from '../../domain/privacy-request.js';
import { policy } from '../../domain/policy.js';
import type { RequestDeps } from './request-deps.js';
import { advance, closeUnconfirmed, remind } from './workflow.js';

export interface HygieneReport {
  reminded: number;
  closed: number;
  retried: number;
  /** Requests whose handling threw (storage down, a concurrent change); the next run tries again. */
  failed: number;
}

/**
 * The daily sweep over unfinished requests, reading only the sparse `openRequests` index (never a scan):
 * an unconfirmed request gets one reminder after 24 hours and is closed after 7 days; a step that failed
 * (a mail not sent, a KMS error) is retried from where it failed.
 */
export async function runRequestHygiene(deps: RequestDeps): Promise<HygieneReport> {
  const report: HygieneReport = { reminded: 0, closed: 0, retried: 0, failed: 0 };
  const actor = systemActor('request-hygiene');
  const now = deps.clock();

  const handle = async (listed: StoredPrivacyRequest) => {
    // The index is eventually consistent: decide on the item itself.
    const request = await deps.requests.getRequest(listed.licenseeId, listed.requestId);
    if (!request) return;
    if (request.status === 'awaiting-confirmation') {
      if (request.confirmBy && new Date(request.confirmBy) <= now) {
        await closeUnconfirmed(deps, request);
        report.closed += 1;
        return;
      }
      const remindAt = addMinutes(
        new Date(request.receivedAt),
        policy.requests.confirmationReminderHours * 60,
      );
      if (!request.reminderSentAt && remindAt <= now) {
        await remind(deps, request);
        report.reminded += 1;
        return;
      }
    }
    if (request.pendingStep) {
      await advance(deps, request, actor);
      report.retried += 1;
    }
  };

  for (const shard of [openShards.unconfirmed, openShards.open, openShards.retry] as const) {
    for (const request of await deps.requests.listShard(shard)) {
      try {
        await handle(request);
      } catch {
        report.failed += 1;
      }
    }
  }
  return report;
}
