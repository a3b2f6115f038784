import { loadConfig } from '../../shared/config.js';
import {
  emailAndCodeBodySchema,
  emailCodeBodySchema,
  signInLinkBodySchema,
} from '../../shared/domain/licensee.js';
import { bodyOf, httpFunction, httpOptionsFrom, type RouteHandler } from '../../shared/http/http-function.js';
import { createObservability } from '../../shared/observability.js';
import {
  requestSignInCode,
  requireLicensee,
  signIn,
  signInWithLink,
  signOut,
  type SessionDeps,
} from '../../shared/services/session.js';
import { createBaseDeps } from '../../shared/wiring/base.js';

export function createRoutes(deps: SessionDeps): Record<string, RouteHandler> {
  return {
    'POST /api/sign-in/code': async (request) => {
      await requestSignInCode(deps, bodyOf(emailCodeBodySchema, request).email);
      return { status: 202, body: { status: 'code-sent-if-registered' } };
    },
    'POST /api/sign-in': async (request) => ({
      status: 200,
      body: await signIn(deps, bodyOf(emailAndCodeBodySchema, request)),
    }),
    'POST /api/sign-in/link': async (request) => ({
      status: 200,
      body: await signInWithLink(deps, bodyOf(signInLinkBodySchema, request).token),
    }),
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
