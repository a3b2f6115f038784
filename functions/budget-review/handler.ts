import { loadConfig } from '../../shared/config.js';
import { policy } from '../../shared/domain/policy.js';
import { bodyOf, httpFunction, type RouteHandler } from '../../shared/http/http-function.js';
import { createObservability } from '../../shared/observability.js';
import {
  budgetDecisionSchema,
  decideBudgetReview,
  listBudgetReviews,
  type BudgetReviewDeps,
} from '../../shared/services/budget-review.js';
import { requireLicensee, type SessionDeps } from '../../shared/services/session.js';
import { createBaseDeps } from '../../shared/wiring.js';
import { createBudgetReviewDeps } from '../../shared/wiring-budget-review.js';

export function createRoutes(
  deps: BudgetReviewDeps & Pick<SessionDeps, 'repo'>,
): Record<string, RouteHandler> {
  return {
    'GET /api/me/budget-reviews': async (request) => ({
      status: 200,
      body: { reviews: await listBudgetReviews(deps, await requireLicensee(deps, request.bearerToken)) },
    }),
    'POST /api/me/budget-reviews/decide': async (request) => {
      const licenseeId = await requireLicensee(deps, request.bearerToken);
      // The one input where patient data is expected: the licensee chose to give it, with consent.
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
  // base64 grows an upload by a third; leave room for the JSON around it.
  { maxBodyBytes: Math.ceil((policy.budgetReview.maxUploadBytes * 4) / 3) + 4096 },
);
