import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createIsolatedTable, type IsolatedTable } from '../../local/table.js';
import { deliveredMails } from '../support/outbox.js';
import { loadConfig } from '../../shared/config.js';
import { addMinutes } from '../../shared/domain/dates.js';
import { signupBodySchema } from '../../shared/domain/licensee-input.js';
import { policy } from '../../shared/domain/policy.js';
import { ProblemError } from '../../shared/domain/problem-error.js';
import type { ServiceDeps } from '../../shared/services/deps.js';
import { getProfileView } from '../../shared/services/self-service.js';
import { requestSignInCode, requireLicensee, signIn } from '../../shared/services/session.js';
import { confirmSignup, signup } from '../../shared/services/signup.js';
import { createServiceDeps } from '../../shared/wiring/encrypting.js';
import { newLicensee } from '../support/local-api.js';

/** The real adapters against the emulators, with a clock the test moves. */
let table: IsolatedTable;
let now = new Date('2026-03-01T09:00:00Z');
let deps: ServiceDeps;

beforeAll(async () => {
  table = await createIsolatedTable(inject('localEnv'), 'zorgsom-expiry');
  const config = loadConfig(table.env);
  deps = createServiceDeps(config, { count: () => {} }, { clock: () => now });
});
afterAll(async () => {
  await table?.drop();
});

async function latestCode(to: string) {
  const mails = (await deliveredMails(table.env)).filter((mail) => mail.to.includes(to));
  return /\b(\d{6})\b/.exec(mails.at(-1)?.text ?? '')![1]!;
}

async function activeLicensee() {
  const body = signupBodySchema.parse(newLicensee());
  await signup(deps, body);
  const grant = await confirmSignup(deps, { email: body.email, code: await latestCode(body.email) });
  return { email: body.email, grant };
}

const refusedAsInvalidCode = { status: 400, code: 'invalid-code' };

describe('time limits', () => {
  it('a sign-in code works until it expires, and not a minute after', async () => {
    const { email } = await activeLicensee();
    await requestSignInCode(deps, email);
    const code = await latestCode(email);
    now = addMinutes(now, policy.signIn.codeTtlMinutes);
    await expect(signIn(deps, { email, code })).rejects.toMatchObject(refusedAsInvalidCode);

    await requestSignInCode(deps, email);
    const fresh = await latestCode(email);
    now = addMinutes(now, policy.signIn.codeTtlMinutes - 1);
    await expect(signIn(deps, { email, code: fresh })).resolves.toHaveProperty('token');
  });

  it('a signup confirmation code expires too', async () => {
    const body = signupBodySchema.parse(newLicensee());
    await signup(deps, body);
    const code = await latestCode(body.email);
    now = addMinutes(now, policy.signIn.codeTtlMinutes + 1);
    await expect(confirmSignup(deps, { email: body.email, code })).rejects.toMatchObject(
      refusedAsInvalidCode,
    );
  });

  it('a session ends after its lifetime', async () => {
    const { grant } = await activeLicensee();
    now = addMinutes(now, policy.signIn.sessionTtlMinutes - 1);
    const licenseeId = await requireLicensee(deps, grant.token);
    await expect(getProfileView(deps, licenseeId)).resolves.toHaveProperty('status', 'active');
    now = addMinutes(now, 2);
    await expect(requireLicensee(deps, grant.token)).rejects.toBeInstanceOf(ProblemError);
  });

  it('an unconfirmed signup lapses, and the address can register again', async () => {
    const body = signupBodySchema.parse(newLicensee());
    await signup(deps, body);
    const stale = await latestCode(body.email);
    now = addMinutes(now, policy.retention.pendingSignupHours * 60 + 1);
    await expect(confirmSignup(deps, { email: body.email, code: stale })).rejects.toMatchObject(
      refusedAsInvalidCode,
    );

    await signup(deps, body);
    const grant = await confirmSignup(deps, { email: body.email, code: await latestCode(body.email) });
    expect(grant.token).toMatch(/\./);
  });

  it('a repeated signup before confirmation keeps one pending licence and the first data', async () => {
    const body = signupBodySchema.parse(newLicensee());
    await signup(deps, body);
    await signup(deps, { ...body, name: 'Iemand Anders' });
    const grant = await confirmSignup(deps, { email: body.email, code: await latestCode(body.email) });
    const view = await getProfileView(deps, await requireLicensee(deps, grant.token));
    expect(view.personalData.name).toBe(body.name);
  });
});
