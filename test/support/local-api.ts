import { inject } from 'vitest';
import { functionNames, type FunctionName } from '../../functions/routes.js';
import { startHttpServer } from '../../local/http-server.js';
import { createIsolatedTable } from '../../local/table.js';
import { readOutbox } from '../../local/ses-emulator.js';
import { startLocalLambda } from '../../local/lambda-endpoint.js';
import { configSchema } from '../../shared/config.js';

const localConfigSchema = configSchema.required({
  DYNAMODB_ENDPOINT: true,
  KMS_ENDPOINT: true,
  SES_ENDPOINT: true,
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
  }: {
    /** Where each function's handler comes from: the sources by default, the deployed bundles in test/deployed. */
    loadHandler?: (name: FunctionName) => Promise<unknown>;
  } = {},
) {
  const table = await createIsolatedTable({ ...inject('localEnv'), ...envOverrides }, 'zorgsom-test');
  // Jobs (marketing sends, purges) reach the runner through Lambda's Invoke API, in this process.
  const lambda = await startLocalLambda({
    port: 0,
    functions: ['job-runner'],
    timeoutMs: 15 * 60_000,
    retryDelayMs: 50,
  });
  Object.assign(table.env, { LAMBDA_ENDPOINT: lambda.endpoint, JOB_RUNNER_FUNCTION: 'job-runner' });
  const env = localConfigSchema.parse(table.env);
  Object.assign(process.env, table.env);
  const dynamodb = table.client;
  const handlers = Object.fromEntries(
    await Promise.all(functionNames.map(async (name) => [name, await loadHandler(name)] as const)),
  ) as Record<FunctionName, never>;
  const staffCredential = `test-staff-${Math.random().toString(36).slice(2)}`;
  const server = await startHttpServer({ port: 0, handlers, staffCredential });

  async function call(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; rawBody?: string; contentType?: string } = {},
  ) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.contentType ? { 'content-type': options.contentType } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  /** The newest six-digit code mailed to `to` (waits briefly: the send is synchronous, the store may lag). */
  async function latestCode(to: string): Promise<string> {
    const mails = (await readOutbox(env.SES_ENDPOINT)).filter((mail) => mail.to.includes(to));
    const code = /\b(\d{6})\b/.exec(mails.at(-1)?.text ?? '')?.[1];
    if (!code) throw new Error(`no code mailed to ${to}`);
    return code;
  }

  async function mailsTo(to: string) {
    return (await readOutbox(env.SES_ENDPOINT)).filter((mail) => mail.to.includes(to));
  }

  return {
    env,
    url: server.url,
    staffCredential,
    dynamodb,
    call,
    /** A staff route, authorised the way the local stack stands in for AWS_IAM. */
    staff: (method: string, path: string, body?: unknown) =>
      call(method, path, { body, token: staffCredential }),
    latestCode,
    mailsTo,
    /** Waits until every job the runner was given (continuations included) has stopped running. */
    jobsIdle: () => lambda.idle(),
    /** Polls a job until it is no longer running; its staff view. */
    async waitForJob(jobId: string) {
      for (;;) {
        const { body } = await call('POST', '/api/admin/jobs/show', {
          body: { jobId },
          token: staffCredential,
        });
        if (body?.status !== 'running') return body;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: async () => {
      await lambda.idle();
      await lambda.close();
      await server.close();
      await table.drop();
    },
  };
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
