import * as z from 'zod/mini';
import { loadConfig } from '../../shared/config.js';
import { processingRegister } from '../../shared/domain/processing-register.js';
import { ulidSchema } from '../../shared/domain/ids.js';
import {
  bodyOf,
  httpFunction,
  httpOptionsFrom,
  type HttpRequest,
  type RouteHandler,
} from '../../shared/http/http-function.js';
import { createObservability } from '../../shared/observability.js';
import { disclosureInputSchema, recordDisclosure } from '../../shared/services/staff/disclosures.js';
import { showLicenseeToStaff } from '../../shared/services/staff/licensee-access.js';
import {
  marketingAudienceSize,
  previewMarketing,
  marketingTemplateIds,
  startMarketingSend,
} from '../../shared/services/staff/marketing.js';
import { jobIdSchema } from '../../shared/domain/job.js';
import { showJob, startJob, type JobDeps } from '../../shared/services/jobs/jobs.js';
import { createJobDeps } from '../../shared/wiring/jobs.js';
import { requireStaff } from '../../shared/services/staff/staff-actor.js';
import type { AuditActor } from '../../shared/domain/audit.js';
import { staffRoleByRouteKey } from '../routes.js';
import {
  createStaffTokenVerifier,
  type StaffTokenVerifier,
} from '../../shared/adapters/staff-token-verifier.js';
import { requireSetting } from '../../shared/config.js';
import type { StaffDeps } from '../../shared/services/staff/staff-deps.js';
import { createAwsClients } from '../../shared/wiring/base.js';
import { createStaffDeps } from '../../shared/wiring/staff.js';
import { startStatementNotice } from '../../shared/services/statement-notice.js';
import { createBudgetReviewDeps } from '../../shared/wiring/budget-review.js';
import {
  budgetReviewRequestSchema,
  closeBudgetReview,
  readBudgetUpload,
  requestBudgetReview,
  type BudgetReviewDeps,
} from '../../shared/services/budget-review.js';
import { createPurgeDeps } from '../../shared/wiring/retention.js';
import { placeHoldInputSchema } from '../../shared/domain/retention.js';
import type { RequestDeps } from '../../shared/services/requests/request-deps.js';
import { endLicence, liftHold, placeHold, type PurgeDeps } from '../../shared/services/retention/index.js';
import { activityReport, reportPeriodSchema } from '../../shared/services/staff/report.js';
import {
  approveDeletion,
  closeRequest,
  closeRequestSchema,
  extendRequest,
  extendRequestSchema,
  rejectRequest,
  rejectRequestSchema,
  requestRefSchema,
  showRequest,
} from '../../shared/services/staff/request-actions.js';
import { bulkCloseRequests, bulkCloseSchema } from '../../shared/services/staff/request-bulk.js';
import { createRequestRepository } from '../../shared/adapters/request-repository.js';
import { createInboxRepository } from '../../shared/adapters/inbox-repository.js';
import { createRawMailStore, createS3Client } from '../../shared/adapters/raw-mail-store.js';
import {
  answerInboxItem,
  convertInboxItem,
  handleInboxItem,
  inboxAnswerSchema,
  inboxConvertSchema,
  inboxRefSchema,
  listInbox,
  showInboxItem,
  type InboxDeps,
} from '../../shared/services/staff/inbox.js';
import { createRequestNotes, type RequestNotes } from '../../shared/adapters/request-notes.js';
import { createBreachRepository, type BreachRepository } from '../../shared/adapters/breach-repository.js';
import { dashboard, dashboardCsv, dashboardQuerySchema } from '../../shared/services/staff/dashboard.js';
import {
  addNoteSchema,
  addRequestNote,
  listRequestsForConsole,
  previewRejection,
  rejectPreviewSchema,
  requestDetail,
  requestFilterSchema,
  showRequestText,
} from '../../shared/services/staff/request-console.js';
import {
  breachDecisionSchema,
  breachFieldsSchema,
  breachIdSchema,
  breachNoticeSchema,
  breachUpdateSchema,
  decideBreach,
  exportBreach,
  listBreaches,
  noticeToLicensees,
  recordBreach,
  showBreach,
  updateBreach,
} from '../../shared/services/staff/breaches.js';
import { findLicensees, licenseeFindSchema } from '../../shared/services/staff/licensee-access.js';

const licenseeIdSchema = ulidSchema;
const licenseeBodySchema = z.strictObject({ licenseeId: licenseeIdSchema });
const auditQuerySchema = z.union([
  z.strictObject({ licenseeId: licenseeIdSchema }),
  z.strictObject({ since: z.iso.date({ message: 'invalid-format' }) }),
]);
const holdBodySchema = z.extend(placeHoldInputSchema, { licenseeId: licenseeIdSchema });
const reviewBodySchema = z.strictObject({ licenseeId: licenseeIdSchema, reviewId: ulidSchema });
const marketingSendSchema = z.strictObject({
  template: z.enum(marketingTemplateIds, { message: 'invalid-format' }),
});

const jobBodySchema = z.strictObject({ jobId: jobIdSchema });
const repurgeSchema = z.strictObject({ since: z.iso.date({ message: 'invalid-format' }) });

export type AdminDeps = StaffDeps &
  BudgetReviewDeps &
  RequestDeps &
  InboxDeps &
  JobDeps & {
    purge: PurgeDeps;
    verifyStaff: StaffTokenVerifier;
    notes: RequestNotes;
    breaches: BreachRepository;
  };

type StaffRouteHandler = (actor: AuditActor, request: HttpRequest) => Promise<unknown>;

/**
 * Every route of this function demands a verified staff token and the minimum role that functions/routes.ts
 * names for it; a route missing from that table fails at start-up instead of going unguarded.
 */
function guarded(
  verifyStaff: StaffTokenVerifier,
  handlers: Record<string, StaffRouteHandler>,
): Record<string, RouteHandler> {
  return Object.fromEntries(
    Object.entries(handlers).map(([routeKey, handle]) => {
      const role = staffRoleByRouteKey.get(routeKey);
      if (!role) throw new Error(`${routeKey} has no staff role in functions/routes.ts`);
      const route: RouteHandler = async (request) => {
        const { actor } = await requireStaff(verifyStaff, request.bearerToken, role);
        return { status: 200, body: await handle(actor, request) };
      };
      return [routeKey, route];
    }),
  );
}

export function createRoutes(deps: AdminDeps): Record<string, RouteHandler> {
  const staff = (route: StaffRouteHandler) => route;
  return guarded(deps.verifyStaff, {
    'POST /api/admin/licensees/show': staff((actor, request) =>
      showLicenseeToStaff(deps, actor, bodyOf(licenseeBodySchema, request).licenseeId),
    ),
    'POST /api/admin/disclosures/record': staff((actor, request) =>
      recordDisclosure(deps, actor, bodyOf(disclosureInputSchema, request)),
    ),
    'POST /api/admin/audit': staff(async (_actor, request) => {
      const query = bodyOf(auditQuerySchema, request);
      const events =
        'licenseeId' in query
          ? await deps.audit.forLicensee(query.licenseeId)
          : await deps.audit.since(new Date(query.since));
      return { events };
    }),
    'GET /api/admin/reports/processing-register': staff(async () => processingRegister()),
    'POST /api/admin/licensees/find': staff((actor, request) =>
      findLicensees(deps, actor, bodyOf(licenseeFindSchema, request)),
    ),
    'POST /api/admin/dashboard': staff((_actor, request) =>
      dashboard(deps, bodyOf(dashboardQuerySchema, request)),
    ),
    'POST /api/admin/dashboard/csv': staff(async (_actor, request) => {
      const { months, at } = await dashboard(deps, bodyOf(dashboardQuerySchema, request));
      return {
        filename: `zorgsom-verantwoording-${at.slice(0, 10)}.csv`,
        contentType: 'text/csv; charset=utf-8',
        csv: dashboardCsv(months),
      };
    }),
    'POST /api/admin/requests/list': staff((actor, request) =>
      listRequestsForConsole(deps, actor, bodyOf(requestFilterSchema, request, { patientGuard: false })),
    ),
    'POST /api/admin/requests/bulk-close': staff((actor, request) =>
      bulkCloseRequests(deps, actor, bodyOf(bulkCloseSchema, request, { patientGuard: false })),
    ),
    'POST /api/admin/requests/detail': staff((_actor, request) =>
      requestDetail(deps, bodyOf(requestRefSchema, request).reference),
    ),
    'POST /api/admin/requests/show-text': staff((actor, request) =>
      showRequestText(deps, actor, bodyOf(requestRefSchema, request).reference),
    ),
    'POST /api/admin/requests/note': staff((actor, request) =>
      addRequestNote(deps, actor, bodyOf(addNoteSchema, request)),
    ),
    'POST /api/admin/requests/reject-preview': staff((_actor, request) =>
      previewRejection(deps, bodyOf(rejectPreviewSchema, request)),
    ),
    'POST /api/admin/breaches/record': staff((actor, request) =>
      recordBreach(deps, actor, bodyOf(breachFieldsSchema, request)),
    ),
    'POST /api/admin/breaches/update': staff((actor, request) =>
      updateBreach(deps, actor, bodyOf(breachUpdateSchema, request)),
    ),
    'POST /api/admin/breaches/decide': staff((actor, request) =>
      decideBreach(deps, actor, bodyOf(breachDecisionSchema, request)),
    ),
    'POST /api/admin/breaches/list': staff(() => listBreaches(deps)),
    'POST /api/admin/breaches/show': staff((_actor, request) =>
      showBreach(deps, bodyOf(breachIdSchema, request).breachId),
    ),
    'POST /api/admin/breaches/export': staff((_actor, request) =>
      exportBreach(deps, bodyOf(breachIdSchema, request).breachId),
    ),
    'POST /api/admin/breaches/notify-licensees': staff((actor, request) =>
      noticeToLicensees(deps, actor, bodyOf(breachNoticeSchema, request)),
    ),
    'POST /api/admin/requests/show': staff((actor, request) =>
      showRequest(deps, actor, bodyOf(requestRefSchema, request).reference),
    ),
    'POST /api/admin/requests/extend': staff((actor, request) =>
      extendRequest(deps, actor, bodyOf(extendRequestSchema, request)),
    ),
    'POST /api/admin/requests/close': staff((actor, request) =>
      closeRequest(deps, actor, bodyOf(closeRequestSchema, request)),
    ),
    'POST /api/admin/requests/reject': staff((actor, request) =>
      rejectRequest(deps, actor, bodyOf(rejectRequestSchema, request)),
    ),
    'POST /api/admin/requests/approve-deletion': staff((actor, request) =>
      approveDeletion(deps, actor, bodyOf(requestRefSchema, request).reference),
    ),
    'POST /api/admin/licences/end': staff((actor, request) =>
      endLicence(deps.purge, bodyOf(licenseeBodySchema, request).licenseeId, actor),
    ),
    'POST /api/admin/holds/place': staff((actor, request) => {
      const { licenseeId, ...hold } = bodyOf(holdBodySchema, request);
      return placeHold(deps.purge, licenseeId, actor, hold);
    }),
    'POST /api/admin/holds/lift': staff((actor, request) =>
      liftHold(deps.purge, bodyOf(licenseeBodySchema, request).licenseeId, actor),
    ),
    'POST /api/admin/reports/activity': staff(async (_actor, request) =>
      activityReport(deps, bodyOf(reportPeriodSchema, request)),
    ),
    'POST /api/admin/budget-reviews/request': staff((actor, request) =>
      requestBudgetReview(deps, actor, bodyOf(budgetReviewRequestSchema, request)),
    ),
    'POST /api/admin/budget-reviews/read': staff((actor, request) => {
      const { licenseeId, reviewId } = bodyOf(reviewBodySchema, request);
      return readBudgetUpload(deps, actor, licenseeId, reviewId);
    }),
    'POST /api/admin/budget-reviews/close': staff((actor, request) => {
      const { licenseeId, reviewId } = bodyOf(reviewBodySchema, request);
      return closeBudgetReview(deps, actor, licenseeId, reviewId);
    }),
    'POST /api/admin/marketing/audience': staff(() => marketingAudienceSize(deps)),
    // The staff inbox: general mail to info@ (every action audited with the staff member).
    'POST /api/admin/inbox/list': staff((actor) => listInbox(deps, actor)),
    'POST /api/admin/inbox/show': staff((actor, request) =>
      showInboxItem(deps, actor, bodyOf(inboxRefSchema, request).reference),
    ),
    'POST /api/admin/inbox/answer': staff((actor, request) =>
      answerInboxItem(deps, actor, bodyOf(inboxAnswerSchema, request)),
    ),
    'POST /api/admin/inbox/handle': staff((actor, request) =>
      handleInboxItem(deps, actor, bodyOf(inboxRefSchema, request).reference),
    ),
    'POST /api/admin/inbox/convert': staff((actor, request) =>
      convertInboxItem(deps, actor, bodyOf(inboxConvertSchema, request)),
    ),
    'POST /api/admin/marketing/preview': staff(async (_actor, request) =>
      previewMarketing(bodyOf(marketingSendSchema, request).template, deps.portalUrl),
    ),
    'POST /api/admin/marketing/send': staff((actor, request) =>
      startMarketingSend(deps, actor, bodyOf(marketingSendSchema, request).template),
    ),
    // Once per statement version: a second call answers with the job the first one started.
    'POST /api/admin/statement/notify': staff((actor) => startStatementNotice(deps, actor)),
    'POST /api/admin/jobs/show': staff((_actor, request) =>
      showJob(deps, bodyOf(jobBodySchema, request).jobId),
    ),
    // After a restore from backup: purge again everyone the audit trail says was purged since `since`.
    'POST /api/admin/retention/repurge': staff((actor, request) =>
      startJob(deps, actor, 'repurge', { since: bodyOf(repurgeSchema, request).since }),
    ),
  });
}

const config = loadConfig();
const observability = createObservability('admin');
const clients = createAwsClients(config);
const staffDeps = createStaffDeps(config, observability, { clients });
export const handler = httpFunction(
  createRoutes({
    ...staffDeps,
    ...createBudgetReviewDeps(config, { clients }),
    requests: createRequestRepository({
      client: clients.dynamodb,
      tableName: config.TABLE_NAME,
      clock: staffDeps.clock,
    }),
    inbox: createInboxRepository({
      client: clients.dynamodb,
      tableName: config.TABLE_NAME,
      clock: staffDeps.clock,
    }),
    // The staff inbox reads raw mail (audited); nothing here deletes it.
    rawMail: createRawMailStore({
      s3: createS3Client(config),
      bucket: requireSetting(config, 'RAW_MAIL_BUCKET'),
    }),
    // Licence end and holds; purges themselves run in the job runner.
    purge: createPurgeDeps(config, observability, { dynamodb: clients.dynamodb }),
    ...createJobDeps(config, { clients, clock: staffDeps.clock }),
    notes: createRequestNotes({ client: clients.dynamodb, tableName: config.TABLE_NAME }),
    breaches: createBreachRepository({ client: clients.dynamodb, tableName: config.TABLE_NAME }),
    verifyStaff: createStaffTokenVerifier({
      issuer: requireSetting(config, 'STAFF_ISSUER'),
      clientIds: requireSetting(config, 'STAFF_CLIENT_IDS').split(','),
      jwksUrl: config.STAFF_JWKS_URL,
    }),
  }),
  observability,
  httpOptionsFrom(config),
);
