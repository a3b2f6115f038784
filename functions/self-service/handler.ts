import { loadConfig } from '../../shared/config.js';
import { codeBodySchema, marketingBodySchema, profilePatchSchema } from '../../shared/domain/licensee.js';
import { bodyOf, httpFunction, type RouteHandler } from '../../shared/http/http-function.js';
import { createObservability } from '../../shared/observability.js';
import type { ServiceDeps } from '../../shared/services/deps.js';
import { exportJsonSchema, exportLicenseeData } from '../../shared/services/export.js';
import {
  confirmEmailChange,
  correctProfile,
  getProfileView,
  setMarketingPreference,
} from '../../shared/services/self-service.js';
import { requireLicensee } from '../../shared/services/session.js';
import { createServiceDeps } from '../../shared/wiring-encrypting.js';

export function createRoutes(deps: ServiceDeps): Record<string, RouteHandler> {
  const signedIn =
    (route: (licenseeId: string, request: Parameters<RouteHandler>[0]) => Promise<unknown>): RouteHandler =>
    async (request) => ({
      status: 200,
      body: await route(await requireLicensee(deps, request.bearerToken), request),
    });
  return {
    'GET /api/me': signedIn((licenseeId) => getProfileView(deps, licenseeId)),
    'PATCH /api/me': signedIn((licenseeId, request) =>
      correctProfile(deps, licenseeId, bodyOf(profilePatchSchema, request)),
    ),
    'POST /api/me/email/confirm': signedIn((licenseeId, request) =>
      confirmEmailChange(deps, licenseeId, bodyOf(codeBodySchema, request).code),
    ),
    'GET /api/me/export': signedIn((licenseeId) => exportLicenseeData(deps, licenseeId)),
    'PUT /api/me/marketing': signedIn((licenseeId, request) =>
      setMarketingPreference(deps, licenseeId, bodyOf(marketingBodySchema, request).optOut),
    ),
    'GET /api/export-schema': async () => ({ status: 200, body: exportJsonSchema() }),
  };
}

const observability = createObservability('self-service');
export const handler = httpFunction(
  createRoutes(createServiceDeps(loadConfig(), observability)),
  observability,
);
