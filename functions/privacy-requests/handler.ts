import { loadConfig } from '../../shared/config.js';
import {
  byEmailRequestBodySchema,
  confirmRequestBodySchema,
  requestBodySchema,
} from '../../shared/domain/privacy-request.js';
import { bodyOf, httpFunction, httpOptionsFrom, type RouteHandler } from '../../shared/http/http-function.js';
import { createObservability } from '../../shared/observability.js';
import type { RequestDeps } from '../../shared/services/requests/request-deps.js';
import { acceptByEmail, type ByEmailHandOffDeps } from '../../shared/services/requests/by-email.js';
import { confirmRequest, listMyRequests, submitSignedIn } from '../../shared/services/requests/workflow.js';
import { requireLicensee } from '../../shared/services/session.js';
import { notMePage } from '../../shared/http/not-me-page.js';
import { notMePath } from '../../shared/services/not-me-link.js';
import { reportNotMe } from '../../shared/services/requests/not-me.js';
import { createAwsClients } from '../../shared/wiring/base.js';
import { createByEmailHandOff } from '../../shared/wiring/by-email.js';
import { createRequestDeps } from '../../shared/wiring/requests.js';

export function createRoutes(deps: RequestDeps, byEmail: ByEmailHandOffDeps): Record<string, RouteHandler> {
  return {
    'POST /api/privacy-requests': async (request) => {
      const licenseeId = await requireLicensee(deps, request.bearerToken);
      return {
        status: 201,
        body: await submitSignedIn(deps, licenseeId, bodyOf(requestBodySchema, request)),
      };
    },
    // Always the same answer, after the same work: the body is sealed and handed to the by-email worker
    // (functions/privacy-requests-by-email), which alone learns whether the address is registered and tells
    // only its owner, by mail.
    'POST /api/privacy-requests/by-email': async (request) => {
      await acceptByEmail(byEmail, bodyOf(byEmailRequestBodySchema, request));
      return { status: 202, body: { status: 'confirmation-sent' } };
    },
    'POST /api/privacy-requests/confirm': async (request) => ({
      status: 200,
      body: await confirmRequest(deps, bodyOf(confirmRequestBodySchema, request)),
    }),
    // The link in the notice to a previous address: a GET only shows the button (scanners follow GETs).
    [`GET ${notMePath}`]: async (request) => ({
      status: 200,
      html: notMePage('confirm', request.query.token ?? '', notMePath),
    }),
    [`POST ${notMePath}`]: async (request) => {
      await reportNotMe(deps, request.query.token ?? '');
      return { status: 200, html: notMePage('done', '', notMePath) };
    },
    'GET /api/me/privacy-requests': async (request) => ({
      status: 200,
      body: await listMyRequests(deps, await requireLicensee(deps, request.bearerToken)),
    }),
  };
}

const observability = createObservability('privacy-requests');
const config = loadConfig();
const clients = createAwsClients(config);
const deps = createRequestDeps(config, observability, { clients });
export const handler = httpFunction(
  createRoutes(
    deps,
    createByEmailHandOff(config, clients, { newId: deps.newId, count: observability.count }),
  ),
  observability,
  httpOptionsFrom(config),
);
