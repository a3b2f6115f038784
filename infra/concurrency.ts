import type { TableFunction } from '../functions/table-access.js';

/**
 * Reserved concurrency, by function: `zorgSomFunction` (infra/constructs/functions.ts) sets it on every function
 * it makes and refuses a function without an entry here, so a new function cannot ship without one.
 *
 * For a function with routes it is a ceiling: a flood on public routes (signup, sign-in, a by-email request)
 * can take at most these copies, never the account's whole pool. For the background functions it is also a
 * guarantee: their share is set aside, so mail intake and the retention sweeper run whatever the HTTP
 * functions do. A copy the ceiling refuses is a 5xx for that caller (API alarm; runbook "The edge").
 *
 * Together `totalReservedConcurrency` per stage. Lambda keeps at least 100 of the account's concurrency
 * unreserved, so one stage needs an account limit of at least total + 100, two stages 2 × total + 100: the
 * default 1,000 fits either; a new account's lower limit must be raised first (runbook §1).
 */
export const reservedConcurrency: Readonly<Record<TableFunction, number>> = {
  // HTTP functions: ceilings. A licensee request takes tens of milliseconds, so 20 copies serve hundreds a
  // second; each route's stage throttle (50 rps, burst 100) and the WAF's per-IP rules stop a flood earlier.
  'licensee-signup': 20,
  session: 30,
  'self-service': 40,
  'marketing-unsubscribe': 10,
  'privacy-requests': 20,
  'budget-review': 10,
  admin: 10,
  // Background: guaranteed shares. One inbound mail is one invocation (SES invokes asynchronously, so a
  // burst above 10 waits in Lambda's queue instead of failing).
  'mail-intake': 10,
  // By-email submissions (privacy-requests hands each off asynchronously): a guaranteed share, and a flood
  // above it waits in Lambda's event queue (retried for up to six hours) instead of failing.
  'privacy-requests-by-email': 5,
  // Hourly and daily schedules run one copy; the second covers a retry overlapping a slow run.
  'retention-sweeper': 2,
  'request-hygiene': 2,
  'deadline-watch': 2,
  'budget-review-cleanup': 2,
  // One copy per stream shard (a small table has a handful).
  'ttl-audit': 5,
  // One copy per running staff job (marketing send, statement notice, purge), each continuing itself.
  'job-runner': 5,
  // The one mail-sender: one copy per outbox stream shard plus the redrive schedule. Mail waits in the outbox
  // (never lost) when all are busy, so this also caps how fast a flood of triggers can reach SES.
  'mail-sender': 5,
};

export const totalReservedConcurrency = Object.values(reservedConcurrency).reduce((sum, n) => sum + n, 0);

/** What Lambda always keeps unreserved in an account and region. */
export const lambdaUnreservedMinimum = 100;

/** The reserved concurrency of a function of this stack; throws for a function that has none. */
export function reservedConcurrencyOf(name: string): number {
  const reserved = (reservedConcurrency as Readonly<Record<string, number>>)[name];
  if (reserved === undefined)
    throw new Error(`functions/${name} has no reserved concurrency: add it to infra/concurrency.ts`);
  return reserved;
}
