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
  sendMarketing,
} from '../../shared/services/staff/marketing.js';
import { requireStaff } from '../../shared/services/staff/staff-actor.js';
import type { StaffDeps } from '../../shared/services/staff/staff-deps.js';
import { createStaffDeps } from '../../shared/wiring-staff.js';

const licenseeIdSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'invalid-format' });
const licenseeBodySchema = z.strictObject({ licenseeId: licenseeIdSchema });
const auditQuerySchema = z.union([
  z.strictObject({ licenseeId: licenseeIdSchema }),
  z.strictObject({ since: z.iso.date({ message: 'invalid-format' }) }),
]);
const marketingSendSchema = z.strictObject({
  template: z.enum(marketingTemplateIds, { message: 'invalid-format' }),
});

export function createRoutes(deps: StaffDeps): Record<string, RouteHandler> {
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
    'POST /api/admin/marketing/audience': staff(() => marketingAudienceSize(deps)),
    'POST /api/admin/marketing/send': staff((actor, request) =>
      sendMarketing(deps, actor, bodyOf(marketingSendSchema, request).template),
    ),
  };
}

const observability = createObservability('admin');
export const handler = httpFunction(
  createRoutes(createStaffDeps(loadConfig(), observability)),
  observability,
);
