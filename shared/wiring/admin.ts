import { ulid } from 'ulid';
import { loadOnce } from '../adapters/load-once.js';
import { createStaffTokenVerifier } from '../adapters/staff-token-verifier.js';
import { createLambdaClient } from '../adapters/lambda-job-invoker.js';
import { createS3Client } from '../adapters/raw-mail-store.js';
import { requireSetting, type Config } from '../config.js';
import { systemClock, type Clock } from '../domain/dates.js';
import type { Observability } from '../observability.js';
import type { AuditLog } from '../adapters/audit-log.js';
import type { BreachDeps } from '../services/staff/breaches.js';
import type { BudgetReviewDeps } from '../services/budget-review.js';
import type { JobDeps } from '../services/jobs/jobs.js';
import type { PurgeDeps } from '../services/retention/index.js';
import type { ReportDeps } from '../services/staff/report.js';
import type { ConsoleDeps } from '../services/staff/request-console.js';
import type { InboxDeps } from '../services/staff/inbox.js';
import type { StaffDeps } from '../services/staff/staff-deps.js';
import type { ServiceDeps } from '../services/deps.js';
import { createAwsClients } from './clients.js';

/** The staff API's clients: made once per container at init, shared by every route group. */
export function createAdminClients(config: Config) {
  return { ...createAwsClients(config), s3: createS3Client(config), lambda: createLambdaClient(config) };
}
export type AdminClients = ReturnType<typeof createAdminClients>;

/**
 * The staff API's dependencies. At init only what every call needs: the clients and the staff token check.
 * Each route group's adapters (and the domain modules and schemas they carry) are built on that group's first
 * call in a container, from a module of their own that esbuild makes a chunk: a container serves few of the
 * some fifty routes, and a cold start used to build every adapter any route may use. Each getter builds once
 * per container; the licensee services (`staff`) are shared by the groups that use them.
 */
export function createAdminDeps(
  config: Config,
  observability: Pick<Observability, 'count' | 'metrics' | 'logger'>,
  {
    clock = systemClock,
    clients = createAdminClients(config),
  }: { clock?: Clock; clients?: AdminClients } = {},
) {
  // Settings a group reads when it is first built are checked here, so a misconfigured stack fails at start-up.
  for (const name of [
    'RAW_MAIL_BUCKET',
    'BUDGET_KEY_ID',
    'BUDGET_REVIEW_BUCKET',
    'JOB_RUNNER_FUNCTION',
  ] as const)
    requireSetting(config, name);
  const newId = () => ulid();
  const table = { client: clients.dynamodb, tableName: config.TABLE_NAME };

  const audit = loadOnce(async (): Promise<AuditLog> => {
    const { createAuditLog } = await import('../adapters/audit-log.js');
    return createAuditLog({ ...table, clock, newId });
  });
  const staff = loadOnce(async (): Promise<StaffDeps> => {
    const { createStaffDeps } = await import('./staff.js');
    return createStaffDeps(config, observability, { clock, clients });
  });
  const jobs = loadOnce(async (): Promise<JobDeps> => {
    const [{ createJobDeps }, auditLog] = await Promise.all([import('./jobs.js'), audit()]);
    return { ...createJobDeps(config, { clients, clock }), audit: auditLog, clock, newId };
  });
  const requestRepository = loadOnce(async () => {
    const { createRequestRepository } = await import('../adapters/request-repository.js');
    return createRequestRepository({ ...table, clock });
  });
  const requests = loadOnce(async (): Promise<ConsoleDeps & JobDeps> => {
    const [{ createRequestNotes }, staffDeps, requestStore, jobDeps] = await Promise.all([
      import('../adapters/request-notes.js'),
      staff(),
      requestRepository(),
      jobs(),
    ]);
    return { ...jobDeps, ...staffDeps, requests: requestStore, notes: createRequestNotes(table) };
  });

  return {
    verifyStaff: createStaffTokenVerifier({
      issuer: requireSetting(config, 'STAFF_ISSUER'),
      clientIds: requireSetting(config, 'STAFF_CLIENT_IDS').split(','),
      jwksUrl: config.STAFF_JWKS_URL,
    }),
    portalUrl: config.PORTAL_URL,
    /** The audit trail alone (the audit query). */
    audit,
    /** The licensee services plus audit trail, staff queries and MACs: licensee reads, disclosures, marketing. */
    staff,
    /** Starting and showing jobs (marketing sends, statement notices, repurges). */
    jobs,
    /** The request console and request actions. */
    requests,
    /** Dashboard and activity report: counted from the audit trail and the request shards. */
    reports: loadOnce(async (): Promise<ReportDeps> => {
      const [auditLog, requestStore] = await Promise.all([audit(), requestRepository()]);
      return { audit: auditLog, requests: requestStore, clock };
    }),
    inbox: loadOnce(async (): Promise<InboxDeps> => {
      const [{ createInboxRepository }, { createRawMailStore }, requestDeps] = await Promise.all([
        import('../adapters/inbox-repository.js'),
        import('../adapters/raw-mail-store.js'),
        requests(),
      ]);
      return {
        ...requestDeps,
        inbox: createInboxRepository({ ...table, clock }),
        // The staff inbox reads raw mail (audited); nothing here deletes it.
        rawMail: createRawMailStore({ s3: clients.s3, bucket: requireSetting(config, 'RAW_MAIL_BUCKET') }),
      };
    }),
    breaches: loadOnce(async (): Promise<BreachDeps> => {
      const [{ createBreachRepository }, staffDeps] = await Promise.all([
        import('../adapters/breach-repository.js'),
        staff(),
      ]);
      return { ...staffDeps, breaches: createBreachRepository(table) };
    }),
    budgetReviews: loadOnce(async (): Promise<BudgetReviewDeps & ServiceDeps> => {
      const [{ createBudgetReviewDeps }, staffDeps] = await Promise.all([
        import('./budget-review.js'),
        staff(),
      ]);
      return { ...staffDeps, ...createBudgetReviewDeps(config, { clock, clients }) };
    }),
    /** Licence end and holds; purges themselves run in the job runner. */
    purge: loadOnce(async (): Promise<PurgeDeps> => {
      const { createPurgeDeps } = await import('./retention.js');
      return createPurgeDeps(config, observability, { dynamodb: clients.dynamodb, clock });
    }),
  };
}
export type AdminDeps = ReturnType<typeof createAdminDeps>;
