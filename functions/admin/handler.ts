import * as z from 'zod/mini';
import { loadConfig, requireSetting } from '../../shared/config.js';
import { ulidSchema } from '../../shared/domain/ids.js';
import { jobIdSchema } from '../../shared/domain/job.js';
import { placeHoldInputSchema } from '../../shared/domain/retention.js';
import type { AuditActor } from '../../shared/domain/audit.js';
import {
  bodyOf,
  httpFunction,
  httpOptionsFrom,
  type HttpRequest,
  type RouteHandler,
} from '../../shared/http/http-function.js';
import { createObservability } from '../../shared/observability.js';
import type { JobDeps } from '../../shared/services/jobs/jobs.js';
import { createJobDeps } from '../../shared/wiring/jobs.js';
import { requireStaff } from '../../shared/services/staff/staff-actor.js';
import { staffRoleByRouteKey } from '../routes.js';
import {
  createStaffTokenVerifier,
  type StaffTokenVerifier,
} from '../../shared/adapters/staff-token-verifier.js';
import type { StaffDeps } from '../../shared/services/staff/staff-deps.js';
import { createAwsClients } from '../../shared/wiring/base.js';
import { createStaffDeps } from '../../shared/wiring/staff.js';
import { createBudgetReviewDeps } from '../../shared/wiring/budget-review.js';
import type { BudgetReviewDeps } from '../../shared/services/budget-review.js';
import { createPurgeDeps } from '../../shared/wiring/retention.js';
import type { RequestDeps } from '../../shared/services/requests/request-deps.js';
import type { PurgeDeps } from '../../shared/services/retention/index.js';
import { createRequestRepository } from '../../shared/adapters/request-repository.js';
import { createInboxRepository } from '../../shared/adapters/inbox-repository.js';
import { createRawMailStore, createS3Client } from '../../shared/adapters/raw-mail-store.js';
import type { InboxDeps } from '../../shared/services/staff/inbox.js';
import { createRequestNotes, type RequestNotes } from '../../shared/adapters/request-notes.js';
import { createBreachRepository, type BreachRepository } from '../../shared/adapters/breach-repository.js';

/**
 * The staff API serves some fifty routes and a container few of them: each group's service code (and the
 * schemas it builds) is a chunk of its own, read on that group's first call in a container instead of at
 * every cold init. The token check and the role table stay at init.
 */
const disclosures = () => import('../../shared/services/staff/disclosures.js');
const licenseeAccess = () => import('../../shared/services/staff/licensee-access.js');
const marketing = () => import('../../shared/services/staff/marketing.js');
const jobs = () => import('../../shared/services/jobs/jobs.js');
const statementNotice = () => import('../../shared/services/statement-notice.js');
const budgetReviews = () => import('../../shared/services/budget-review.js');
const retention = () => import('../../shared/services/retention/index.js');
const reports = () => import('../../shared/services/staff/report.js');
const requestActions = () => import('../../shared/services/staff/request-actions.js');
const requestBulk = () => import('../../shared/services/staff/request-bulk.js');
const inbox = () => import('../../shared/services/staff/inbox.js');
const dashboards = () => import('../../shared/services/staff/dashboard.js');
const requestConsole = () => import('../../shared/services/staff/request-console.js');
const breaches = () => import('../../shared/services/staff/breaches.js');
const register = () => import('../../shared/domain/processing-register.js');

const licenseeIdSchema = ulidSchema;
const licenseeBodySchema = z.strictObject({ licenseeId: licenseeIdSchema });
const auditQuerySchema = z.union([
  z.strictObject({ licenseeId: licenseeIdSchema }),
  z.strictObject({ since: z.iso.date({ message: 'invalid-format' }) }),
]);
const holdBodySchema = z.extend(placeHoldInputSchema, { licenseeId: licenseeIdSchema });
const reviewBodySchema = z.strictObject({ licenseeId: licenseeIdSchema, reviewId: ulidSchema });
/** Built on the first marketing call, from the templates the marketing service knows. */
let marketingSendSchema: ReturnType<typeof marketingSendSchemaOf> | undefined;
function marketingSendSchemaOf(ids: Awaited<ReturnType<typeof marketing>>['marketingTemplateIds']) {
  return z.strictObject({ template: z.enum(ids, { message: 'invalid-format' }) });
}
async function marketingTemplateOf(request: HttpRequest) {
  const service = await marketing();
  marketingSendSchema ??= marketingSendSchemaOf(service.marketingTemplateIds);
  return { service, template: bodyOf(marketingSendSchema, request).template };
}

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
    'POST /api/admin/licensees/show': staff(async (actor, request) =>
      (await licenseeAccess()).showLicenseeToStaff(
        deps,
        actor,
        bodyOf(licenseeBodySchema, request).licenseeId,
      ),
    ),
    'POST /api/admin/disclosures/record': staff(async (actor, request) => {
      const { recordDisclosure, disclosureInputSchema } = await disclosures();
      return recordDisclosure(deps, actor, bodyOf(disclosureInputSchema, request));
    }),
    'POST /api/admin/audit': staff(async (_actor, request) => {
      const query = bodyOf(auditQuerySchema, request);
      const events =
        'licenseeId' in query
          ? await deps.audit.forLicensee(query.licenseeId)
          : await deps.audit.since(new Date(query.since));
      return { events };
    }),
    'GET /api/admin/reports/processing-register': staff(async () => (await register()).processingRegister()),
    'POST /api/admin/licensees/find': staff(async (actor, request) => {
      const { findLicensees, licenseeFindSchema } = await licenseeAccess();
      return findLicensees(deps, actor, bodyOf(licenseeFindSchema, request));
    }),
    'POST /api/admin/dashboard': staff(async (_actor, request) => {
      const { dashboard, dashboardQuerySchema } = await dashboards();
      return dashboard(deps, bodyOf(dashboardQuerySchema, request));
    }),
    'POST /api/admin/dashboard/csv': staff(async (_actor, request) => {
      const { dashboard, dashboardCsv, dashboardQuerySchema } = await dashboards();
      const { months, at } = await dashboard(deps, bodyOf(dashboardQuerySchema, request));
      return {
        filename: `zorgsom-verantwoording-${at.slice(0, 10)}.csv`,
        contentType: 'text/csv; charset=utf-8',
        csv: dashboardCsv(months),
      };
    }),
    'POST /api/admin/requests/list': staff(async (actor, request) => {
      const { listRequestsForConsole, requestFilterSchema } = await requestConsole();
      return listRequestsForConsole(
        deps,
        actor,
        bodyOf(requestFilterSchema, request, { patientGuard: false }),
      );
    }),
    'POST /api/admin/requests/bulk-close': staff(async (actor, request) => {
      const { bulkCloseRequests, bulkCloseSchema } = await requestBulk();
      return bulkCloseRequests(deps, actor, bodyOf(bulkCloseSchema, request, { patientGuard: false }));
    }),
    'POST /api/admin/requests/detail': staff(async (_actor, request) => {
      const [{ requestDetail }, { requestRefSchema }] = await Promise.all([
        requestConsole(),
        requestActions(),
      ]);
      return requestDetail(deps, bodyOf(requestRefSchema, request).reference);
    }),
    'POST /api/admin/requests/show-text': staff(async (actor, request) => {
      const [{ showRequestText }, { requestRefSchema }] = await Promise.all([
        requestConsole(),
        requestActions(),
      ]);
      return showRequestText(deps, actor, bodyOf(requestRefSchema, request).reference);
    }),
    'POST /api/admin/requests/note': staff(async (actor, request) => {
      const { addRequestNote, addNoteSchema } = await requestConsole();
      return addRequestNote(deps, actor, bodyOf(addNoteSchema, request));
    }),
    'POST /api/admin/requests/reject-preview': staff(async (_actor, request) => {
      const { previewRejection, rejectPreviewSchema } = await requestConsole();
      return previewRejection(deps, bodyOf(rejectPreviewSchema, request));
    }),
    'POST /api/admin/breaches/record': staff(async (actor, request) => {
      const { recordBreach, breachFieldsSchema } = await breaches();
      return recordBreach(deps, actor, bodyOf(breachFieldsSchema, request));
    }),
    'POST /api/admin/breaches/update': staff(async (actor, request) => {
      const { updateBreach, breachUpdateSchema } = await breaches();
      return updateBreach(deps, actor, bodyOf(breachUpdateSchema, request));
    }),
    'POST /api/admin/breaches/decide': staff(async (actor, request) => {
      const { decideBreach, breachDecisionSchema } = await breaches();
      return decideBreach(deps, actor, bodyOf(breachDecisionSchema, request));
    }),
    'POST /api/admin/breaches/list': staff(async () => (await breaches()).listBreaches(deps)),
    'POST /api/admin/breaches/show': staff(async (_actor, request) => {
      const { showBreach, breachIdSchema } = await breaches();
      return showBreach(deps, bodyOf(breachIdSchema, request).breachId);
    }),
    'POST /api/admin/breaches/export': staff(async (_actor, request) => {
      const { exportBreach, breachIdSchema } = await breaches();
      return exportBreach(deps, bodyOf(breachIdSchema, request).breachId);
    }),
    'POST /api/admin/breaches/notify-licensees': staff(async (actor, request) => {
      const { noticeToLicensees, breachNoticeSchema } = await breaches();
      return noticeToLicensees(deps, actor, bodyOf(breachNoticeSchema, request));
    }),
    'POST /api/admin/requests/show': staff(async (actor, request) => {
      const { showRequest, requestRefSchema } = await requestActions();
      return showRequest(deps, actor, bodyOf(requestRefSchema, request).reference);
    }),
    'POST /api/admin/requests/extend': staff(async (actor, request) => {
      const { extendRequest, extendRequestSchema } = await requestActions();
      return extendRequest(deps, actor, bodyOf(extendRequestSchema, request));
    }),
    'POST /api/admin/requests/close': staff(async (actor, request) => {
      const { closeRequest, closeRequestSchema } = await requestActions();
      return closeRequest(deps, actor, bodyOf(closeRequestSchema, request));
    }),
    'POST /api/admin/requests/reject': staff(async (actor, request) => {
      const { rejectRequest, rejectRequestSchema } = await requestActions();
      return rejectRequest(deps, actor, bodyOf(rejectRequestSchema, request));
    }),
    'POST /api/admin/requests/approve-deletion': staff(async (actor, request) => {
      const { approveDeletion, requestRefSchema } = await requestActions();
      return approveDeletion(deps, actor, bodyOf(requestRefSchema, request).reference);
    }),
    'POST /api/admin/licences/end': staff(async (actor, request) =>
      (await retention()).endLicence(deps.purge, bodyOf(licenseeBodySchema, request).licenseeId, actor),
    ),
    'POST /api/admin/holds/place': staff(async (actor, request) => {
      const { licenseeId, ...hold } = bodyOf(holdBodySchema, request);
      return (await retention()).placeHold(deps.purge, licenseeId, actor, hold);
    }),
    'POST /api/admin/holds/lift': staff(async (actor, request) =>
      (await retention()).liftHold(deps.purge, bodyOf(licenseeBodySchema, request).licenseeId, actor),
    ),
    'POST /api/admin/reports/activity': staff(async (_actor, request) => {
      const { activityReport, reportPeriodSchema } = await reports();
      return activityReport(deps, bodyOf(reportPeriodSchema, request));
    }),
    'POST /api/admin/budget-reviews/request': staff(async (actor, request) => {
      const { requestBudgetReview, budgetReviewRequestSchema } = await budgetReviews();
      return requestBudgetReview(deps, actor, bodyOf(budgetReviewRequestSchema, request));
    }),
    'POST /api/admin/budget-reviews/read': staff(async (actor, request) => {
      const { licenseeId, reviewId } = bodyOf(reviewBodySchema, request);
      return (await budgetReviews()).readBudgetUpload(deps, actor, licenseeId, reviewId);
    }),
    'POST /api/admin/budget-reviews/close': staff(async (actor, request) => {
      const { licenseeId, reviewId } = bodyOf(reviewBodySchema, request);
      return (await budgetReviews()).closeBudgetReview(deps, actor, licenseeId, reviewId);
    }),
    'POST /api/admin/marketing/audience': staff(async () => (await marketing()).marketingAudienceSize(deps)),
    // The staff inbox: general mail to info@ (every action audited with the staff member).
    'POST /api/admin/inbox/list': staff(async (actor) => (await inbox()).listInbox(deps, actor)),
    'POST /api/admin/inbox/show': staff(async (actor, request) => {
      const { showInboxItem, inboxRefSchema } = await inbox();
      return showInboxItem(deps, actor, bodyOf(inboxRefSchema, request).reference);
    }),
    'POST /api/admin/inbox/answer': staff(async (actor, request) => {
      const { answerInboxItem, inboxAnswerSchema } = await inbox();
      return answerInboxItem(deps, actor, bodyOf(inboxAnswerSchema, request));
    }),
    'POST /api/admin/inbox/handle': staff(async (actor, request) => {
      const { handleInboxItem, inboxRefSchema } = await inbox();
      return handleInboxItem(deps, actor, bodyOf(inboxRefSchema, request).reference);
    }),
    'POST /api/admin/inbox/convert': staff(async (actor, request) => {
      const { convertInboxItem, inboxConvertSchema } = await inbox();
      return convertInboxItem(deps, actor, bodyOf(inboxConvertSchema, request));
    }),
    'POST /api/admin/marketing/preview': staff(async (_actor, request) => {
      const { service, template } = await marketingTemplateOf(request);
      return service.previewMarketing(template, deps.portalUrl);
    }),
    'POST /api/admin/marketing/send': staff(async (actor, request) => {
      const { service, template } = await marketingTemplateOf(request);
      return service.startMarketingSend(deps, actor, template);
    }),
    // Once per statement version: a second call answers with the job the first one started.
    'POST /api/admin/statement/notify': staff(async (actor) =>
      (await statementNotice()).startStatementNotice(deps, actor),
    ),
    'POST /api/admin/jobs/show': staff(async (_actor, request) =>
      (await jobs()).showJob(deps, bodyOf(jobBodySchema, request).jobId),
    ),
    // After a restore from backup: purge again everyone the audit trail says was purged since `since`.
    'POST /api/admin/retention/repurge': staff(async (actor, request) =>
      (await jobs()).startJob(deps, actor, 'repurge', { since: bodyOf(repurgeSchema, request).since }),
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
