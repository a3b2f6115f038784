/**
 * Reserved concurrency, by function (infra/constructs/functions.ts applies it to every function it makes).
 * For a function with routes it is a ceiling: a flood on public routes can use at most these, never the
 * account's whole pool. For mail intake and the sweeper it is a guarantee: their share is set aside, so they
 * run whatever the HTTP functions do. Together 152 of the account's default 1,000 (Lambda keeps at least 100
 * unreserved; an account with a lower limit must ask for the default first: runbook).
 */
export const reservedConcurrency: Readonly<Record<string, number>> = {
  // HTTP functions: ceilings. A licensee request takes tens of milliseconds, so 20 copies serve hundreds a second.
  'licensee-signup': 20,
  session: 30,
  'self-service': 40,
  'marketing-unsubscribe': 10,
  'privacy-requests': 20,
  'budget-review': 10,
  admin: 10,
  // Background: guaranteed shares. One mail is one invocation; the sweeper runs hourly, one copy at a time.
  'mail-intake': 10,
  'retention-sweeper': 2,
};
