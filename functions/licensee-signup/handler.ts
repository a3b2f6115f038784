import { loadConfig } from '../../shared/config.js';
import { emailAndCodeBodySchema } from '../../shared/domain/licensee.js';
import { bodyOf, httpFunction, httpOptionsFrom, type RouteHandler } from '../../shared/http/http-function.js';
import { createObservability } from '../../shared/observability.js';
import type { ServiceDeps } from '../../shared/services/deps.js';
import { confirmSignup, signup } from '../../shared/services/signup.js';
import { createServiceDeps } from '../../shared/wiring/encrypting.js';

/**
 * The checks of typed personal data (ibantools' IBAN and country check, the patient-text guard, the BAG
 * house-number rules) are read on the first signup in a container, not at cold init: a chunk of the bundle
 * of their own, which a cold start serving a confirmation never reads (README, Benchmarks).
 */
const typedInput = () => import('../../shared/domain/licensee-input.js');

export function createRoutes(deps: ServiceDeps): Record<string, RouteHandler> {
  return {
    'POST /api/licensees': async (request) => {
      const { signupBodySchema } = await typedInput();
      await signup(deps, bodyOf(signupBodySchema, request));
      return { status: 202, body: { status: 'confirmation-sent' } };
    },
    'POST /api/licensees/confirm': async (request) => ({
      status: 200,
      body: await confirmSignup(deps, bodyOf(emailAndCodeBodySchema, request)),
    }),
  };
}

const observability = createObservability('licensee-signup');
const config = loadConfig();
export const handler = httpFunction(
  createRoutes(createServiceDeps(config, observability)),
  observability,
  httpOptionsFrom(config),
);
