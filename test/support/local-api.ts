import * as z from 'zod/mini';
import { afterAll, beforeAll, inject } from 'vitest';
import { functionNames, type FunctionName } from '../../functions/routes.js';
import { startHttpServer } from '../../local/http-server.js';
import { findFreePort } from '../../local/ports.js';
import { localAsyncFunctions, localStaffAuthEnv, staffTokenSettingsOf } from '../../local/stack.js';
import { createStaffIdp, currentTotp, type StaffIdp } from '../../local/staff-idp.js';
import { createStaffTokenVerifier } from '../../shared/adapters/staff-token-verifier.js';
import type { StaffRole } from '../../shared/domain/staff-roles.js';
import { fetchConsoleConfig, signInToLocalIdp, type ConsoleConfig } from '../../cli/staff-sign-in.js';
import type { LocalStaffUser } from '../../local/staff-idp.js';
import { createIsolatedTable } from '../../local/table.js';
import { startOutboxStream } from '../../local/outbox-stream.js';
import { readOutbox } from '../../local/ses-emulator.js';
import { startLocalLambda } from '../../local/lambda-endpoint.js';
import { configSchema } from '../../shared/config.js';
import { originVerifyHeader } from '../../shared/http/origin-verify.js';

const localConfigSchema = z.required(configSchema, {
  DYNAMODB_ENDPOINT: true,
  KMS_ENDPOINT: true,
  SES_ENDPOINT: true,
  ORIGIN_VERIFY_SECRET: true,
});

/**
 * The real functions behind the local HTTP adapter, against the emulators the global setup started,
 * on a table of this test file's own.
 */
export async function startLocalApi(
  envOverrides: Record<string, string> = {},
  {
    loadHandler = async (name: FunctionName) =>
      ((await import(`../../functions/${name}/handler.ts`)) as { handler: never }).handler,
    loadMailSender,
    staffDataDir,
    idpClock,
  }: {
    /** Where each function's handler comes from: the sources by default, the deployed bundles in test/deployed. */
    loadHandler?: (name: FunctionName) => Promise<unknown>;
    /** The mail-sender that follows the table's outbox stream; default the sources' (local/outbox-stream.ts). */
    loadMailSender?: () => Promise<unknown>;
    /** Keeps the staff users in this folder, where `npm run admin -- login --as` finds them. */
    staffDataDir?: string;
    /** The staff-idp's clock (to sign in "earlier" and get an expired token). */
    idpClock?: () => number;
  } = {},
) {
  // The staff token issuer names the port, and the functions read it when they load: fix the port first.
  const port = await findFreePort();
  const table = await createIsolatedTable(
    { ...inject('localEnv'), ...localStaffAuthEnv(port), ...envOverrides },
    'zorgsom-test',
    { deliverMail: !loadMailSender },
  );
  // Jobs (marketing sends, purges) reach the runner, and by-email submissions their worker, through Lambda's
  // Invoke API, in this process. Settling the mail (`settleMail`, `mailsTo`) waits for the worker first.
  const lambda = await startLocalLambda({
    port: 0,
    functions: localAsyncFunctions,
    timeoutMs: 15 * 60_000,
    retryDelayMs: 50,
  });
  Object.assign(table.env, {
    LAMBDA_ENDPOINT: lambda.endpoint,
    JOB_RUNNER_FUNCTION: 'job-runner',
    BY_EMAIL_WORKER_FUNCTION: 'privacy-requests-by-email',
  });
  const env = localConfigSchema.parse(table.env);
  Object.assign(process.env, table.env);
  const mail =
    table.mail ?? (await startOutboxStream({ env: table.env, handler: (await loadMailSender!()) as never }));
  const dynamodb = table.client;
  const handlers = Object.fromEntries(
    await Promise.all(functionNames.map(async (name) => [name, await loadHandler(name)] as const)),
  ) as Record<FunctionName, never>;
  const staffIdp = await createStaffIdp({
    origin: `http://localhost:${port}`,
    dataDir: staffDataDir,
    clock: idpClock,
  });
  const server = await startHttpServer({
    port,
    handlers,
    staffIdp,
    verifyStaffToken: createStaffTokenVerifier(staffTokenSettingsOf(table.env)),
    // As CloudFront in AWS and `npm start` locally: the origin header on every /api call through `url`.
    edgeHeaders: { [originVerifyHeader]: env.ORIGIN_VERIFY_SECRET },
    originPort: 0,
  });
  const tokens = new Map<StaffRole, Promise<string>>();
  /** A real access token for the first user of `role`, through sign-in, TOTP and the code exchange. */
  const staffToken = (role: StaffRole = 'admin') => {
    let token = tokens.get(role);
    if (!token) {
      token = signInStaff(staffIdp, role);
      tokens.set(role, token);
    }
    return token;
  };

  async function call(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; rawBody?: string; contentType?: string; cookie?: string } = {},
  ) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.contentType ? { 'content-type': options.contentType } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        // A browser's Cookie header (name=value pairs), as the local server hands it on in `cookies`.
        ...(options.cookie ? { cookie: options.cookie } : {}),
      },
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  /** The newest six-digit code mailed to `to`, once every mail written so far has left the outbox. */
  async function latestCode(to: string): Promise<string> {
    const mails = await mailsTo(to);
    const code = /\b(\d{6})\b/.exec(mails.at(-1)?.text ?? '')?.[1];
    if (!code) throw new Error(`no code mailed to ${to}`);
    return code;
  }

  /** Mails that reached the SES emulator for `to`, after the mail-sender delivered everything written so far. */
  async function mailsTo(to: string) {
    await mail.settle();
    return (await readOutbox(env.SES_ENDPOINT)).filter((mail) => mail.to.includes(to));
  }

  return {
    env,
    url: server.url,
    /** The API's own endpoint (execute-api in AWS): calls there skip the edge and lack the origin header. */
    originUrl: server.originUrl!,
    staffIdp,
    staffToken,
    /** The staff identity (`sub`, username) an audit event names for `role`'s first user. */
    staffActor: (role: StaffRole = 'admin') => {
      const user = staffIdp.users.find((candidate) => candidate.role === role)!;
      return { kind: 'staff', id: user.sub, username: user.username };
    },
    dynamodb,
    call,
    /** A staff route, called with an admin's access token (or `role`'s). */
    staff: async (method: string, path: string, body?: unknown, role: StaffRole = 'admin') =>
      call(method, path, { body, token: await staffToken(role) }),
    latestCode,
    mailsTo,
    /** Waits until every mail written so far has been delivered (or dropped by the sending policy). */
    settleMail: (timeoutMs?: number) => mail.settle(timeoutMs),
    /** Waits until every job the runner was given (continuations included) has stopped running. */
    jobsIdle: () => lambda.idle('job-runner'),
    /**
     * Waits until every by-email submission handed off so far was worked (retries included): the requests it
     * stores and the mails it writes exist from then on (`settleMail` waits for this too).
     */
    byEmailSettled: () => lambda.idle('privacy-requests-by-email'),
    /** Events that failed every attempt: in AWS they would wait in the function's dead-letter queue. */
    deadLetters: lambda.deadLetters,
    /** Polls a job until it is no longer running; its staff view. */
    async waitForJob(jobId: string) {
      for (;;) {
        const { body } = await call('POST', '/api/admin/jobs/show', {
          body: { jobId },
          token: await staffToken('handler'),
        });
        if (body?.status !== 'running') return body;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: async () => {
      await lambda.idle();
      await lambda.close();
      await server.close();
      if (!table.mail) await mail.close();
      await table.drop();
    },
  };
}

/** Signs `role`'s first user in through the local staff-idp, as the console does (PKCE, password, TOTP). */
export async function signInStaff(
  idp: StaffIdp,
  role: StaffRole,
  now: () => number = Date.now,
): Promise<string> {
  const user = idp.users.find((candidate) => candidate.role === role);
  if (!user) throw new Error(`no local staff user with role ${role}`);
  const tokens = await signInToLocalIdp(idp.consoleConfig() as unknown as ConsoleConfig, user, () =>
    currentTotp(user, now()),
  );
  return tokens.access_token;
}

/** The same against a running local stack (`npm start`'s users, its /console/config.json). */
export async function signInToStack(
  origin: string,
  users: LocalStaffUser[],
  role: StaffRole,
): Promise<string> {
  const user = users.find((candidate) => candidate.role === role);
  if (!user) throw new Error(`no local staff user with role ${role}`);
  const config = await fetchConsoleConfig(origin);
  return (await signInToLocalIdp(config, user, () => currentTotp(user))).access_token;
}

export type LocalApi = Awaited<ReturnType<typeof startLocalApi>>;

let counter = 0;
/** A licensee with unique email, every field filled the way a Dutch practitioner would. */
export function newLicensee(overrides: Record<string, unknown> = {}) {
  counter += 1;
  const tag = `${Date.now().toString(36)}${counter}`;
  return {
    name: `Annelies de Vries-${tag}`,
    address: {
      street: 'Keizersgracht',
      houseNumber: '123',
      houseNumberAddition: 'A',
      postcode: '1015 cj',
      city: 'Amsterdam',
    },
    email: `Praktijk.${tag}@Example.NL`,
    iban: 'nl91 abna 0417 1643 00',
    ...overrides,
  };
}

/**
 * The local stack for one test file: started before its tests, closed after them. It returns a stand-in that
 * forwards to the stack once started, so a test reads `api.call(…)` as with `startLocalApi`'s own result.
 */
export function useLocalApi(...args: Parameters<typeof startLocalApi>): LocalApi {
  let started: LocalApi | undefined;
  beforeAll(async () => {
    started = await startLocalApi(...args);
  });
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as LocalApi, {
    get(_, key) {
      if (!started) throw new Error('The local stack starts in beforeAll: use it inside a test or a hook.');
      return Reflect.get(started, key);
    },
  });
}
