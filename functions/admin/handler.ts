import * as z from 'zod';
import { loadConfig } from '../../shared/config.js';
import { processingRegister } from '../../shared/domain/processing-register.js';
import {
  bodyOf,
  httpFunction,
  type HttpRequest,
  type RouteHandler,
} from '../../shared/http/http-function.js';
import { createObservability } from '../../shared/observability.js';
import { disclosureInputSchema, recordDisclosure } from '../../shared/services/staff/disclosures.js';
import { showLicenseeToStaff } from '../../shared/services/staff/licensee-access.js';
import {
  marketingAudienceSize,
  marketingTemplateIds,
  startMarketingSend,
} from '../../shared/services/staff/marketing.js';
import { jobIdSchema } from '../../shared/domain/job.js';
import { showJob, startJob, type JobDeps } from '../../shared/services/jobs/jobs.js';
import { createJobDeps } from '../../shared/wiring-jobs.js';
import { requireStaff } from '../../shared/services/staff/staff-actor.js';
import type { StaffDeps } from '../../shared/services/staff/staff-deps.js';
import { createAwsClients } from '../../shared/wiring.js';
import { createStaffDeps } from '../../shared/wiring-staff.js';
import { startStatementNotice } from '../../shared/services/statement-notice.js';
import { createBudgetReviewDeps } from '../../shared/wiring-budget-review.js';
import {
  budgetReviewRequestSchema,
  closeBudgetReview,
  readBudgetUpload,
  requestBudgetReview,
  type BudgetReviewDeps,
} from '../../shared/services/budget-review.js';
import { createPurgeDeps } from '../../shared/adapters/retention-wiring.js';
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
  listOpenRequests,
  rejectRequest,
  rejectRequestSchema,
  requestRefSchema,
  showRequest,
} from '../../shared/services/staff/request-actions.js';
import { createRequestRepository } from '../../shared/adapters/request-repository.js';

const licenseeIdSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'invalid-format' });
const licenseeBodySchema = z.strictObject({ licenseeId: licenseeIdSchema });
const auditQuerySchema = z.union([
  z.strictObject({ licenseeId: licenseeIdSchema }),
  z.strictObject({ since: z.iso.date({ message: 'invalid-format' }) }),
]);
const holdBodySchema = placeHoldInputSchema.extend({ licenseeId: licenseeIdSchema });
const reviewBodySchema = z.strictObject({ licenseeId: licenseeIdSchema, reviewId: z.string().min(1) });
const marketingSendSchema = z.strictObject({
  template: z.enum(marketingTemplateIds, { message: 'invalid-format' }),
});

const jobBodySchema = z.strictObject({ jobId: jobIdSchema });
const repurgeSchema = z.strictObject({ since: z.iso.date({ message: 'invalid-format' }) });

export type AdminDeps = StaffDeps & BudgetReviewDeps & RequestDeps & JobDeps & { purge: PurgeDeps };

export function createRoutes(deps: AdminDeps): Record<string, RouteHandler> {
  const staff =
    (
      route: (actor: ReturnType<typeof requireStaff>, request: HttpRequest) => Promise<unknown>,
    ): RouteHandler =>
    async (request) => ({ status: 200, body: await route(requireStaff(request.principal), request) });
  return {
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
    'POST /api/admin/requests/list': staff(() => listOpenRequests(deps)),
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
  };
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
    // Licence end and holds; purges themselves run in the job runner (no S3 client here).
    purge: createPurgeDeps(config, observability, { dynamodb: clients.dynamodb }),
    ...createJobDeps(config, { clients, clock: staffDeps.clock }),
  }),
  observability,
);
