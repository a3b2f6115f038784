import { loadConfig } from '../../shared/config.js';
import { endLicenceBodySchema } from '../../shared/domain/retention.js';
import { codeBodySchema, marketingBodySchema } from '../../shared/domain/licensee.js';
import { bodyOf, httpFunction, httpOptionsFrom, type RouteHandler } from '../../shared/http/http-function.js';
import { createObservability } from '../../shared/observability.js';
import type { ServiceDeps } from '../../shared/services/deps.js';
import {
  exportJsonSchema,
  exportLicenseeData,
  exportLicenseePdf,
  overviewPdfName,
} from '../../shared/services/export.js';
import { getProfileView } from '../../shared/services/self-service.js';
import { requireLicensee, requireSession } from '../../shared/services/sessions.js';
import { createAwsClients } from '../../shared/wiring/base.js';
import { createServiceDeps } from '../../shared/wiring/encrypting.js';

/**
 * Read at cold init: the profile read (the first call of every portal visit) and the overview. The changes
 * and the licence's end load their code on their first call (./on-first-use.ts, a chunk of the bundle with
 * ibantools, the typed-input checks, the mails and the retention store), as the PDF (pdf-lib) and the
 * export's JSON Schema do: a cold start that serves a read does not read them (README, Benchmarks).
 */
const onFirstUse = () => import('./on-first-use.js');

export function createRoutes(
  deps: ServiceDeps,
  endOwnLicence: (licenseeId: string) => Promise<unknown>,
): Record<string, RouteHandler> {
  const signedIn =
    (route: (licenseeId: string, request: Parameters<RouteHandler>[0]) => Promise<unknown>): RouteHandler =>
    async (request) => ({
      status: 200,
      body: await route(await requireLicensee(deps, request.bearerToken), request),
    });
  return {
    'GET /api/me': signedIn((licenseeId) => getProfileView(deps, licenseeId)),
    'PATCH /api/me': signedIn(async (licenseeId, request) => {
      const { correctProfile, profilePatchSchema } = await onFirstUse();
      return correctProfile(deps, licenseeId, bodyOf(profilePatchSchema, request));
    }),
    'POST /api/me/email/confirm': async (request) => {
      const session = await requireSession(deps, request.bearerToken);
      const { code } = bodyOf(codeBodySchema, request);
      const { confirmEmailChange } = await onFirstUse();
      return { status: 200, body: await confirmEmailChange(deps, session, code) };
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
    'PUT /api/me/marketing': signedIn(async (licenseeId, request) => {
      const { optOut } = bodyOf(marketingBodySchema, request);
      const { setMarketingPreference } = await onFirstUse();
      return setMarketingPreference(deps, licenseeId, optOut);
    }),
    'GET /api/export-schema': async () => ({ status: 200, body: await exportJsonSchema() }),
    // The licensee's own termination: the purge date follows from the policy (see domain/retention.ts).
    'POST /api/me/licence/end': signedIn(async (licenseeId, request) => {
      bodyOf(endLicenceBodySchema, request);
      return endOwnLicence(licenseeId);
    }),
  };
}

const observability = createObservability('self-service');
const config = loadConfig();
const clients = createAwsClients(config);
/** The licence deps (the retention store) are made on the first licence end, once per container. */
let ending: ReturnType<Awaited<ReturnType<typeof onFirstUse>>['licenceEnd']> | undefined;
const endOwnLicence = async (licenseeId: string) => {
  ending ??= (await onFirstUse()).licenceEnd(config, observability, clients.dynamodb);
  return ending(licenseeId);
};
export const handler = httpFunction(
  createRoutes(createServiceDeps(config, observability, { clients }), endOwnLicence),
  observability,
  httpOptionsFrom(config),
);
