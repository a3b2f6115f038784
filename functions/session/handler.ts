import { loadConfig } from '../../shared/config.js';
import {
  emailAndCodeBodySchema,
  emailCodeBodySchema,
  signInLinkBodySchema,
} from '../../shared/domain/licensee.js';
import {
  bodyOf,
  httpFunction,
  httpOptionsFrom,
  type HttpResult,
  type RouteHandler,
} from '../../shared/http/http-function.js';
import { deviceCookieName } from '../../shared/domain/device-cookie.js';
import { createObservability } from '../../shared/observability.js';
import {
  requestSignInCode,
  requireLicensee,
  signIn,
  signInWithLink,
  signOut,
  type SessionDeps,
  type SignedIn,
} from '../../shared/services/session.js';
import { createBaseDeps } from '../../shared/wiring/base.js';

/** The session in the body (the portal keeps it per tab); the device cookie only as HttpOnly cookie. */
function signedIn({ deviceCookie, ...grant }: SignedIn): HttpResult {
  return { status: 200, body: grant, cookies: [deviceCookie] };
}

export function createRoutes(deps: SessionDeps): Record<string, RouteHandler> {
  return {
    // The same answer with or without the device cookie; only the owner's own browser may draw on the reserve.
    'POST /api/sign-in/code': async (request) => {
      const { email } = bodyOf(emailCodeBodySchema, request);
      await requestSignInCode(deps, email, request.cookies[deviceCookieName]);
      return { status: 202, body: { status: 'code-sent-if-registered' } };
    },
    'POST /api/sign-in': async (request) =>
      signedIn(await signIn(deps, bodyOf(emailAndCodeBodySchema, request))),
    'POST /api/sign-in/link': async (request) =>
      signedIn(await signInWithLink(deps, bodyOf(signInLinkBodySchema, request).token)),
    'POST /api/sign-out': async (request) => {
      await requireLicensee(deps, request.bearerToken);
      await signOut(deps, request.bearerToken ?? '');
      return { status: 204 };
    },
  };
}

const observability = createObservability('session');
const config = loadConfig();
export const handler = httpFunction(
  createRoutes(createBaseDeps(config, observability).deps),
  observability,
  httpOptionsFrom(config),
);
