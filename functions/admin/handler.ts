import * as z from 'zod/mini';
import { loadConfig } from '../../shared/config.js';
import type { AuditActor } from '../../shared/domain/audit.js';
import {
  bodyOf,
  httpFunction,
  httpOptionsFrom,
  type HttpRequest,
  type RouteHandler,
} from '../../shared/http/http-function.js';
import { createObservability } from '../../shared/observability.js';
import { requireStaff } from '../../shared/services/staff/staff-actor.js';
import { staffRoleByRouteKey } from '../routes.js';
import type { StaffTokenVerifier } from '../../shared/adapters/staff-token-verifier.js';
import { loadOnce } from '../../shared/adapters/load-once.js';
import { createAdminDeps, type AdminDeps } from '../../shared/wiring/admin.js';
import { registerStaffProblems } from '../../shared/domain/staff-problems.js';

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
/** A route group's service module and the dependencies it runs on, both loaded (and built) once per container. */
const using = <Service, Deps>(service: () => Promise<Service>, deps: () => Promise<Deps>) =>
  Promise.all([service(), deps()]);

// Body schemas of a few routes each, built on their first call: the id, retention and job domain modules
// build schemas of their own at import, which no other route needs.
const ids = () => import('../../shared/domain/ids.js');
const licenseeBodySchema = loadOnce(async () => z.strictObject({ licenseeId: (await ids()).ulidSchema }));
const auditQuerySchema = loadOnce(async () =>
  z.union([
    z.strictObject({ licenseeId: (await ids()).ulidSchema }),
    z.strictObject({ since: z.iso.date({ message: 'invalid-format' }) }),
  ]),
);
const holdBodySchema = loadOnce(async () => {
  const [{ ulidSchema }, { placeHoldInputSchema }] = await Promise.all([
    ids(),
    import('../../shared/domain/retention.js'),
  ]);
  return z.extend(placeHoldInputSchema, { licenseeId: ulidSchema });
});
const reviewBodySchema = loadOnce(async () => {
  const { ulidSchema } = await ids();
  return z.strictObject({ licenseeId: ulidSchema, reviewId: ulidSchema });
});
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

const jobBodySchema = loadOnce(async () =>
  z.strictObject({ jobId: (await import('../../shared/domain/job.js')).jobIdSchema }),
);
const repurgeSchema = loadOnce(async () =>
  z.strictObject({ since: z.iso.date({ message: 'invalid-format' }) }),
);

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
    'POST /api/admin/licensees/show': staff(async (actor, request) => {
      const [{ showLicenseeToStaff }, staffDeps] = await using(licenseeAccess, deps.staff);
      return showLicenseeToStaff(staffDeps, actor, bodyOf(await licenseeBodySchema(), request).licenseeId);
    }),
    'POST /api/admin/disclosures/record': staff(async (actor, request) => {
      const [{ recordDisclosure, disclosureInputSchema }, staffDeps] = await using(disclosures, deps.staff);
      return recordDisclosure(staffDeps, actor, bodyOf(disclosureInputSchema, request));
    }),
    'POST /api/admin/audit': staff(async (_actor, request) => {
      const query = bodyOf(await auditQuerySchema(), request);
      const audit = await deps.audit();
      const events =
        'licenseeId' in query
          ? await audit.forLicensee(query.licenseeId)
          : await audit.since(new Date(query.since));
      return { events };
    }),
    'GET /api/admin/reports/processing-register': staff(async () => (await register()).processingRegister()),
    'POST /api/admin/licensees/find': staff(async (actor, request) => {
      const [{ findLicensees, licenseeFindSchema }, staffDeps] = await using(licenseeAccess, deps.staff);
      return findLicensees(staffDeps, actor, bodyOf(licenseeFindSchema, request));
    }),
    'POST /api/admin/dashboard': staff(async (_actor, request) => {
      const [{ dashboard, dashboardQuerySchema }, reportDeps] = await using(dashboards, deps.reports);
      return dashboard(reportDeps, bodyOf(dashboardQuerySchema, request));
    }),
    'POST /api/admin/dashboard/csv': staff(async (_actor, request) => {
      const [{ dashboard, dashboardCsv, dashboardQuerySchema }, reportDeps] = await using(
        dashboards,
        deps.reports,
      );
      const { months, at } = await dashboard(reportDeps, bodyOf(dashboardQuerySchema, request));
      return {
        filename: `zorgsom-verantwoording-${at.slice(0, 10)}.csv`,
        contentType: 'text/csv; charset=utf-8',
        csv: dashboardCsv(months),
      };
    }),
    'POST /api/admin/requests/list': staff(async (actor, request) => {
      const [{ listRequestsForConsole, requestFilterSchema }, requestDeps] = await using(
        requestConsole,
        deps.requests,
      );
      return listRequestsForConsole(
        requestDeps,
        actor,
        bodyOf(requestFilterSchema, request, { patientGuard: false }),
      );
    }),
    'POST /api/admin/requests/bulk-close': staff(async (actor, request) => {
      const [{ bulkCloseRequests, bulkCloseSchema }, requestDeps] = await using(requestBulk, deps.requests);
      return bulkCloseRequests(requestDeps, actor, bodyOf(bulkCloseSchema, request, { patientGuard: false }));
    }),
    'POST /api/admin/requests/detail': staff(async (_actor, request) => {
      const [{ requestDetail }, { requestRefSchema }, requestDeps] = await Promise.all([
        requestConsole(),
        requestActions(),
        deps.requests(),
      ]);
      return requestDetail(requestDeps, bodyOf(requestRefSchema, request).reference);
    }),
    'POST /api/admin/requests/show-text': staff(async (actor, request) => {
      const [{ showRequestText }, { requestRefSchema }, requestDeps] = await Promise.all([
        requestConsole(),
        requestActions(),
        deps.requests(),
      ]);
      return showRequestText(requestDeps, actor, bodyOf(requestRefSchema, request).reference);
    }),
    'POST /api/admin/requests/note': staff(async (actor, request) => {
      const [{ addRequestNote, addNoteSchema }, requestDeps] = await using(requestConsole, deps.requests);
      return addRequestNote(requestDeps, actor, bodyOf(addNoteSchema, request));
    }),
    'POST /api/admin/requests/reject-preview': staff(async (_actor, request) => {
      const [{ previewRejection, rejectPreviewSchema }, requestDeps] = await using(
        requestConsole,
        deps.requests,
      );
      return previewRejection(requestDeps, bodyOf(rejectPreviewSchema, request));
    }),
    'POST /api/admin/breaches/record': staff(async (actor, request) => {
      const [{ recordBreach, breachFieldsSchema }, breachDeps] = await using(breaches, deps.breaches);
      return recordBreach(breachDeps, actor, bodyOf(breachFieldsSchema, request));
    }),
    'POST /api/admin/breaches/update': staff(async (actor, request) => {
      const [{ updateBreach, breachUpdateSchema }, breachDeps] = await using(breaches, deps.breaches);
      return updateBreach(breachDeps, actor, bodyOf(breachUpdateSchema, request));
    }),
    'POST /api/admin/breaches/decide': staff(async (actor, request) => {
      const [{ decideBreach, breachDecisionSchema }, breachDeps] = await using(breaches, deps.breaches);
      return decideBreach(breachDeps, actor, bodyOf(breachDecisionSchema, request));
    }),
    'POST /api/admin/breaches/list': staff(async () => {
      const [{ listBreaches }, breachDeps] = await using(breaches, deps.breaches);
      return listBreaches(breachDeps);
    }),
    'POST /api/admin/breaches/show': staff(async (_actor, request) => {
      const [{ showBreach, breachIdSchema }, breachDeps] = await using(breaches, deps.breaches);
      return showBreach(breachDeps, bodyOf(breachIdSchema, request).breachId);
    }),
    'POST /api/admin/breaches/export': staff(async (_actor, request) => {
      const [{ exportBreach, breachIdSchema }, breachDeps] = await using(breaches, deps.breaches);
      return exportBreach(breachDeps, bodyOf(breachIdSchema, request).breachId);
    }),
    'POST /api/admin/breaches/notify-licensees': staff(async (actor, request) => {
      const [{ noticeToLicensees, breachNoticeSchema }, breachDeps] = await using(breaches, deps.breaches);
      return noticeToLicensees(breachDeps, actor, bodyOf(breachNoticeSchema, request));
    }),
    'POST /api/admin/requests/show': staff(async (actor, request) => {
      const [{ showRequest, requestRefSchema }, requestDeps] = await using(requestActions, deps.requests);
      return showRequest(requestDeps, actor, bodyOf(requestRefSchema, request).reference);
    }),
    'POST /api/admin/requests/extend': staff(async (actor, request) => {
      const [{ extendRequest, extendRequestSchema }, requestDeps] = await using(
        requestActions,
        deps.requests,
      );
      return extendRequest(requestDeps, actor, bodyOf(extendRequestSchema, request));
    }),
    'POST /api/admin/requests/close': staff(async (actor, request) => {
      const [{ closeRequest, closeRequestSchema }, requestDeps] = await using(requestActions, deps.requests);
      return closeRequest(requestDeps, actor, bodyOf(closeRequestSchema, request));
    }),
    'POST /api/admin/requests/reject': staff(async (actor, request) => {
      const [{ rejectRequest, rejectRequestSchema }, requestDeps] = await using(
        requestActions,
        deps.requests,
      );
      return rejectRequest(requestDeps, actor, bodyOf(rejectRequestSchema, request));
    }),
    'POST /api/admin/requests/approve-deletion': staff(async (actor, request) => {
      const [{ approveDeletion, requestRefSchema }, requestDeps] = await using(requestActions, deps.requests);
      return approveDeletion(requestDeps, actor, bodyOf(requestRefSchema, request).reference);
    }),
    'POST /api/admin/licences/end': staff(async (actor, request) =>
      (await retention()).endLicence(
        await deps.purge(),
        bodyOf(await licenseeBodySchema(), request).licenseeId,
        actor,
      ),
    ),
    'POST /api/admin/holds/place': staff(async (actor, request) => {
      const { licenseeId, ...hold } = bodyOf(await holdBodySchema(), request);
      return (await retention()).placeHold(await deps.purge(), licenseeId, actor, hold);
    }),
    'POST /api/admin/holds/lift': staff(async (actor, request) =>
      (await retention()).liftHold(
        await deps.purge(),
        bodyOf(await licenseeBodySchema(), request).licenseeId,
        actor,
      ),
    ),
    'POST /api/admin/reports/activity': staff(async (_actor, request) => {
      const [{ activityReport, reportPeriodSchema }, reportDeps] = await using(reports, deps.reports);
      return activityReport(reportDeps, bodyOf(reportPeriodSchema, request));
    }),
    'POST /api/admin/budget-reviews/request': staff(async (actor, request) => {
      const [{ requestBudgetReview, budgetReviewRequestSchema }, reviewDeps] = await using(
        budgetReviews,
        deps.budgetReviews,
      );
      return requestBudgetReview(reviewDeps, actor, bodyOf(budgetReviewRequestSchema, request));
    }),
    'POST /api/admin/budget-reviews/read': staff(async (actor, request) => {
      const { licenseeId, reviewId } = bodyOf(await reviewBodySchema(), request);
      const [{ readBudgetUpload }, reviewDeps] = await using(budgetReviews, deps.budgetReviews);
      return readBudgetUpload(reviewDeps, actor, licenseeId, reviewId);
    }),
    'POST /api/admin/budget-reviews/close': staff(async (actor, request) => {
      const { licenseeId, reviewId } = bodyOf(await reviewBodySchema(), request);
      const [{ closeBudgetReview }, reviewDeps] = await using(budgetReviews, deps.budgetReviews);
      return closeBudgetReview(reviewDeps, actor, licenseeId, reviewId);
    }),
    'POST /api/admin/marketing/audience': staff(async () => {
      const [{ marketingAudienceSize }, staffDeps] = await using(marketing, deps.staff);
      return marketingAudienceSize(staffDeps);
    }),
    // The staff inbox: general mail to info@ (every action audited with the staff member).
    'POST /api/admin/inbox/list': staff(async (actor) => {
      const [{ listInbox }, inboxDeps] = await using(inbox, deps.inbox);
      return listInbox(inboxDeps, actor);
    }),
    'POST /api/admin/inbox/show': staff(async (actor, request) => {
      const [{ showInboxItem, inboxRefSchema }, inboxDeps] = await using(inbox, deps.inbox);
      return showInboxItem(inboxDeps, actor, bodyOf(inboxRefSchema, request).reference);
    }),
    'POST /api/admin/inbox/answer': staff(async (actor, request) => {
      const [{ answerInboxItem, inboxAnswerSchema }, inboxDeps] = await using(inbox, deps.inbox);
      return answerInboxItem(inboxDeps, actor, bodyOf(inboxAnswerSchema, request));
    }),
    'POST /api/admin/inbox/handle': staff(async (actor, request) => {
      const [{ handleInboxItem, inboxRefSchema }, inboxDeps] = await using(inbox, deps.inbox);
      return handleInboxItem(inboxDeps, actor, bodyOf(inboxRefSchema, request).reference);
    }),
    'POST /api/admin/inbox/convert': staff(async (actor, request) => {
      const [{ convertInboxItem, inboxConvertSchema }, inboxDeps] = await using(inbox, deps.inbox);
      return convertInboxItem(inboxDeps, actor, bodyOf(inboxConvertSchema, request));
    }),
    'POST /api/admin/marketing/preview': staff(async (_actor, request) => {
      const { service, template } = await marketingTemplateOf(request);
      return service.previewMarketing(template, deps.portalUrl);
    }),
    'POST /api/admin/marketing/send': staff(async (actor, request) => {
      const { service, template } = await marketingTemplateOf(request);
      return service.startMarketingSend(await deps.jobs(), actor, template);
    }),
    // Once per statement version: a second call answers with the job the first one started.
    'POST /api/admin/statement/notify': staff(async (actor) =>
      (await statementNotice()).startStatementNotice(await deps.jobs(), actor),
    ),
    'POST /api/admin/jobs/show': staff(async (_actor, request) =>
      (await jobs()).showJob(await deps.jobs(), bodyOf(await jobBodySchema(), request).jobId),
    ),
    // After a restore from backup: purge again everyone the audit trail says was purged since `since`.
    'POST /api/admin/retention/repurge': staff(async (actor, request) =>
      (await jobs()).startJob(await deps.jobs(), actor, 'repurge', {
        since: bodyOf(await repurgeSchema(), request).since,
      }),
    ),
  });
}

// The staff codes (breach-changed, request-state, …) are answered only here.
registerStaffProblems();
const config = loadConfig();
const observability = createObservability('admin');
export const handler = httpFunction(
  createRoutes(createAdminDeps(config, observability)),
  observability,
  httpOptionsFrom(config),
);
