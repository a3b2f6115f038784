import { createLicenceDeps } from '../../shared/wiring/retention.js';
import { loadConfig } from '../../shared/config.js';
import { endLicenceBodySchema } from '../../shared/domain/retention.js';
import { codeBodySchema, marketingBodySchema, profilePatchSchema } from '../../shared/domain/licensee.js';
import { bodyOf, httpFunction, httpOptionsFrom, type RouteHandler } from '../../shared/http/http-function.js';
import { createObservability } from '../../shared/observability.js';
import type { ServiceDeps } from '../../shared/services/deps.js';
import {
  exportJsonSchema,
  exportLicenseeData,
  exportLicenseePdf,
  overviewPdfName,
} from '../../shared/services/export.js';
import {
  confirmEmailChange,
  correctProfile,
  getProfileView,
  setMarketingPreference,
} from '../../shared/services/self-service.js';
import { requireLicensee, requireSession } from '../../shared/services/session.js';
import type { LicenceDeps } from '../../shared/services/retention/deps.js';
import { endLicence } from '../../shared/services/retention/licence.js';
import { createAwsClients } from '../../shared/wiring/base.js';
import { createServiceDeps } from '../../shared/wiring/encrypting.js';

export function createRoutes(deps: ServiceDeps, licence: LicenceDeps): Record<string, RouteHandler> {
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
    'POST /api/me/email/confirm': async (request) => {
      const session = await requireSession(deps, request.bearerToken);
      return {
        status: 200,
        body: await confirmEmailChange(deps, session, bodyOf(codeBodySchema, request).code),
      };
    },
    'GET /api/me/export': signedIn((licenseeId) => exportLicenseeData(deps, licenseeId)),
    // `?lang=en` for the English letter; Dutch otherwise. The language is the only thing in the URL.
    'GET /api/me/export.pdf': async (request) => {
      const licenseeId = await requireLicensee(deps, request.bearerToken);
      const language = request.query.lang === 'en' ? 'en' : 'nl';
      const bytes = await exportLicenseePdf(deps, licenseeId, language);
      return {
        status: 200,
        file: { contentType: 'application/pdf', name: overviewPdfName(language), bytes },
      };
    },
    'PUT /api/me/marketing': signedIn((licenseeId, request) =>
      setMarketingPreference(deps, licenseeId, bodyOf(marketingBodySchema, request).optOut),
    ),
    'GET /api/export-schema': async () => ({ status: 200, body: await exportJsonSchema() }),
    // The licensee's own termination: the purge date follows from the policy (see domain/retention.ts).
    'POST /api/me/licence/end': signedIn((licenseeId, request) => {
      bodyOf(endLicenceBodySchema, request);
      return endLicence(licence, licenseeId, { kind: 'licensee', id: licenseeId });
    }),
  };
}

const observability = createObservability('self-service');
const config = loadConfig();
const clients = createAwsClients(config);
export const handler = httpFunction(
  createRoutes(
    createServiceDeps(config, observability, { clients }),
    createLicenceDeps(config, observability, { dynamodb: clients.dynamodb }),
  ),
  observability,
  httpOptionsFrom(config),
);
