import { loadConfig } from '../../shared/config.js';
import { bodyOf, httpFunction, httpOptionsFrom, type RouteHandler } from '../../shared/http/http-function.js';
import { createObservability } from '../../shared/observability.js';
import {
  budgetDecisionSchema,
  createUploadUrl,
  decideBudgetReview,
  listBudgetReviews,
  type BudgetReviewDeps,
  uploadUrlSchema,
} from '../../shared/services/budget-review.js';
import { requireLicensee, type SessionDeps } from '../../shared/services/session.js';
import { createBaseDeps } from '../../shared/wiring/base.js';
import { createBudgetReviewDeps } from '../../shared/wiring/budget-review.js';

export function createRoutes(
  deps: BudgetReviewDeps & Pick<SessionDeps, 'repo'>,
): Record<string, RouteHandler> {
  return {
    'GET /api/me/budget-reviews': async (request) => ({
      status: 200,
      body: { reviews: await listBudgetReviews(deps, await requireLicensee(deps, request.bearerToken)) },
    }),
    // The file itself goes from the browser straight to S3 on the URL this returns.
    'POST /api/me/budget-reviews/upload-url': async (request) => {
      const licenseeId = await requireLicensee(deps, request.bearerToken);
      return {
        status: 200,
        // An enum, an integer and a base64 digest (which may by chance hold digits that look like a BSN):
        // nothing free-form for the patient-data guard to judge.
        body: await createUploadUrl(
          deps,
          licenseeId,
          bodyOf(uploadUrlSchema, request, { patientGuard: false }),
        ),
      };
    },
    'POST /api/me/budget-reviews/decide': async (request) => {
      const licenseeId = await requireLicensee(deps, request.bearerToken);
      // The guard refuses any key that names patients, and `patientConsent` is the consent attestation itself;
      // the strict schema admits nothing else (the file never travels through here).
      const decision = bodyOf(budgetDecisionSchema, request, { patientGuard: false });
      return { status: 200, body: await decideBudgetReview(deps, licenseeId, decision) };
    },
  };
}

const config = loadConfig();
const observability = createObservability('budget-review');
const { deps, clients } = createBaseDeps(config, observability);
export const handler = httpFunction(
  createRoutes({ ...createBudgetReviewDeps(config, { clients }), repo: deps.repo }),
  observability,
  httpOptionsFrom(config),
);
