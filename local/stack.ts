import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import { functionNames, type FunctionName } from '../functions/routes.js';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { startHttpServer, type LocalHandler } from './http-server.js';
import { startKmsServer } from './kms-server.js';
import { claimPort, findFreePort, PortInUseError } from './ports.js';
import { claimProcessRegistry } from './process-registry.js';
import { startSesEmulator } from './ses-emulator.js';
import { startScheduledJobs } from './scheduled-jobs.js';
import { startLocalS3 } from './s3.js';
import { uploadBrowserHeaders } from '../shared/adapters/budget-review-store.js';
import { contentSecurityPolicy } from '../web/src/security.js';
import { originVerifyHeader } from '../shared/http/origin-verify.js';
import { startLocalLambda } from './lambda-endpoint.js';
import { startLocalMail } from './smtp-server.js';
import { localMailSender, startOutboxStream, type OutboxStream } from './outbox-stream.js';
import { createStaffIdp, localConsoleClientId, staffIdpPrefix, type LocalStaffUser } from './staff-idp.js';
import { createStaffTokenVerifier } from '../shared/adapters/staff-token-verifier.js';
import { ensureTable, localDynamoDbClient } from './table.js';

export const LOCAL_TABLE_NAME = 'zorgsom-local';
export const LOCAL_DATA_KEY_ID = 'arn:aws:kms:eu-west-1:000000000000:key/local-data-key';
export const LOCAL_HMAC_KEY_ID = 'arn:aws:kms:eu-west-1:000000000000:key/local-hmac-key';
export const LOCAL_OUTBOX_KEY_ID = 'arn:aws:kms:eu-west-1:000000000000:key/local-outbox-key';
export const LOCAL_BUDGET_KEY_ID = 'arn:aws:kms:eu-west-1:000000000000:key/local-budget-review-key';
export const LOCAL_SUBMISSION_KEY_ID = 'arn:aws:kms:eu-west-1:000000000000:key/local-submission-key';
/** Functions invoked asynchronously (Lambda `Event`), run in-process by local/lambda-endpoint.ts. */
export const localAsyncFunctions = ['job-runner', 'privacy-requests-by-email'] as const;
export const LOCAL_BUDGET_REVIEW_BUCKET = 'zorgsom-budget-reviews';
export const LOCAL_RAW_MAIL_BUCKET = 'zorgsom-raw-mail';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

export type StackPorts = {
  http: number;
  dynamodb: number;
  kms: number;
  ses: number;
  /** Local S3 (raw inbound mail); default 0, a free port. */
  s3?: number;
  /** Only with serveHttp: the SMTP stand-in for SES receiving; default 0, a free port. */
  smtp?: number;
};

export interface LocalStackOptions {
  dataDir: string;
  /** Keep DynamoDB data in dataDir/dynamodb; otherwise it lives in memory. */
  persistent: boolean;
  /** 0 picks a free port. A taken port throws PortInUseError whose `what` is the key here. */
  ports: StackPorts;
  /** Load the functions and serve them (and the portal) over HTTP. Sets process.env. */
  serveHttp?: boolean;
  /** Only with serveHttp: how often the retention sweeper runs in-process (default a minute); 0 runs no scheduled job at all. */
  sweeperIntervalMs?: number;
  /** The built portal to serve (local/web-build.ts); default web/dist if it exists, else web/. */
  staticDir?: string;
}

export interface LocalStack {
  /** The environment every function reads (see shared/config.ts). */
  env: Record<string, string>;
  dataDir: string;
  ports: StackPorts;
  endpoints: { dynamodb: string; kms: string; ses: string; s3: string };
  /** Only with serveHttp: the SMTP port that takes mail to info@ (stored in S3, handed to mail-intake). */
  smtpPort?: number;
  /** The SES emulator's mail viewer. */
  outboxUrl: string;
  /** The mail-sender following the table's outbox stream: `settle()` waits until every mail written is delivered. */
  mail: OutboxStream;
  /** Only with serveHttp: where the API and portal answer (CloudFront's part: it adds the origin header). */
  httpUrl?: string;
  /**
   * Only with serveHttp: the API's own endpoint, as execute-api in AWS, which skips the edge: every call there
   * lacks the origin header, so the functions refuse it (403), as they refuse a call that bypassed CloudFront.
   */
  apiOriginUrl?: string;
  /** Only with serveHttp: the first staff users, one per role (kept in dataDir/staff-idp.json). */
  staffUsers?: LocalStaffUser[];
  /** Functions whose handler file does not exist (their routes answer 500). */
  missingHandlers: FunctionName[];
  /** Processes of an earlier run on this data folder that did not stop and were ended by this start. */
  endedLeftovers: readonly string[];
  /** What runs differently from the documented set-up, and why (e.g. an emulator not bound to 127.0.0.1). */
  warnings: string[];
  /** Stops every service and child process (DynamoDB Local's JVM included). */
  stop(): Promise<void>;
}

/**
 * What the functions are told about staff tokens locally: the local staff-idp is the issuer (the browser's
 * origin), its JWKS fetched over loopback.
 */
export function localStaffAuthEnv(httpPort: number): Record<string, string> {
  return {
    STAFF_ISSUER: `http://localhost:${httpPort}${staffIdpPrefix}`,
    STAFF_JWKS_URL: `http://127.0.0.1:${httpPort}${staffIdpPrefix}/.well-known/jwks.json`,
    STAFF_CLIENT_IDS: localConsoleClientId,
  };
}

export const staffTokenSettingsOf = (env: Record<string, string | undefined>) => ({
  issuer: env.STAFF_ISSUER!,
  jwksUrl: env.STAFF_JWKS_URL,
  clientIds: (env.STAFF_CLIENT_IDS ?? '').split(','),
});

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function findStaticDir(): Promise<string | undefined> {
  for (const candidate of [join(repoRoot, 'web', 'dist'), join(repoRoot, 'web')]) {
    if (await exists(candidate)) return candidate;
  }
  return undefined;
}
async function loadHandlers(): Promise<{
  handlers: Partial<Record<FunctionName, LocalHandler>>;
  missing: FunctionName[];
}> {
  const handlers: Partial<Record<FunctionName, LocalHandler>> = {};
  const missing: FunctionName[] = [];
  await Promise.all(
    functionNames.map(async (name) => {
      const file = join(repoRoot, 'functions', name, 'handler.ts');
      if (!(await exists(file))) {
        missing.push(name);
        return;
      }
      const module = (await import(pathToFileURL(file).href)) as { handler?: unknown };
      if (typeof module.handler !== 'function')
        throw new Error(`functions/${name}/handler.ts exports no handler`);
      handlers[name] = module.handler as LocalHandler;
    }),
  );
  return { handlers, missing };
}

/**
 * Starts DynamoDB Local, the KMS stand-in and the SES emulator (in parallel), creates the table and,
 * with serveHttp, loads the functions and serves them like API Gateway would.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  // A port picked as free can be taken by another process before its service binds it (parallel test
  // files do exactly that). Only a port this stack picked itself is worth another try; one the caller
  // named stays a PortInUseError, which `npm start` explains.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLocalStackOnce(options);
    } catch (error) {
      const named = Object.values(options.ports).filter((port) => port !== 0);
      const pickedHere = error instanceof PortInUseError && !named.includes(error.port);
      if (!pickedHere || attempt >= 5) throw error;
    }
  }
}

async function startLocalStackOnce(options: LocalStackOptions): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir);
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const close of stops.reverse()) {
      try {
        await close();
      } catch (error) {
        errors.push(error);
      }
    }
    stops.length = 0;
    if (errors.length > 0) throw new AggregateError(errors, 'Some local services did not stop cleanly');
  };

  // The data folder records this stack's processes (processes.json): a stack still running on it is named
  // and refused, the leftovers of a killed one are ended, before any port is claimed.
  const registry = await claimProcessRegistry(dataDir);
  stops.push(async () => registry.release());
  const warnings: string[] = [];

  try {
    // Fix every port first: the functions' env (PORTAL_URL, endpoints) must be known before they load.
    const ports: StackPorts = {
      // Without HTTP the port only shapes PORTAL_URL (links in mails), so it need not be free.
      http: options.serveHttp
        ? await claimPort(options.ports.http, 'http')
        : options.ports.http === 0
          ? await findFreePort()
          : options.ports.http,
      dynamodb: await claimPort(options.ports.dynamodb, 'dynamodb'),
      kms: await claimPort(options.ports.kms, 'kms'),
      ses: await claimPort(options.ports.ses, 'ses'),
      s3: await claimPort(options.ports.s3 ?? 0, 's3'),
      ...(options.serveHttp ? { smtp: await claimPort(options.ports.smtp ?? 0, 'smtp') } : {}),
    };

    const endpoints = {
      dynamodb: `http://127.0.0.1:${ports.dynamodb}`,
      kms: `http://127.0.0.1:${ports.kms}`,
      ses: `http://127.0.0.1:${ports.ses}`,
      s3: `http://127.0.0.1:${ports.s3}`,
    };
    // CloudFront's origin header secret (a generated Secrets Manager secret in AWS): new on every start.
    const originSecret = randomBytes(32).toString('base64url');
    const env: Record<string, string> = {
      TABLE_NAME: LOCAL_TABLE_NAME,
      DATA_KEY_ID: LOCAL_DATA_KEY_ID,
      HMAC_KEY_ID: LOCAL_HMAC_KEY_ID,
      OUTBOX_KEY_ID: LOCAL_OUTBOX_KEY_ID,
      SUBMISSION_KEY_ID: LOCAL_SUBMISSION_KEY_ID,
      BUDGET_KEY_ID: LOCAL_BUDGET_KEY_ID,
      BUDGET_REVIEW_BUCKET: LOCAL_BUDGET_REVIEW_BUCKET,
      STAFF_MAILBOX: 'privacy-team@zorgsom.nl',
      MAIL_FROM: 'privacy@zorgsom.nl',
      PORTAL_URL: `http://localhost:${ports.http}`,
      AWS_REGION: 'eu-west-1',
      DYNAMODB_ENDPOINT: endpoints.dynamodb,
      KMS_ENDPOINT: endpoints.kms,
      SES_ENDPOINT: endpoints.ses,
      S3_ENDPOINT: endpoints.s3,
      RAW_MAIL_BUCKET: LOCAL_RAW_MAIL_BUCKET,
      // Staff jobs go to the job runner through Lambda's Invoke API (local/lambda-endpoint.ts when serving).
      JOB_RUNNER_FUNCTION: 'job-runner',
      // A by-email request is sealed and handed to its worker the same way (settled by local/outbox-stream.ts).
      BY_EMAIL_WORKER_FUNCTION: 'privacy-requests-by-email',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_SERVICE_NAME: 'zorgsom-privacy',
      POWERTOOLS_METRICS_NAMESPACE: 'ZorgSom',
      ...localStaffAuthEnv(ports.http),
      ORIGIN_VERIFY_SECRET: originSecret,
    };

    const dynamodbReady = startDynamoDbLocal({
      port: ports.dynamodb,
      dataDir: options.persistent ? join(dataDir, 'dynamodb') : undefined,
      onSpawn: (pid) => registry.record('DynamoDB Local', pid),
    }).then(async (dynamodb) => {
      stops.push(dynamodb.close);
      if (dynamodb.warning) warnings.push(dynamodb.warning);
      const client = localDynamoDbClient(env);
      try {
        await ensureTable(client, LOCAL_TABLE_NAME);
      } finally {
        client.destroy();
      }
    });
    const kmsReady = startKmsServer({ port: ports.kms, keyFile: join(dataDir, 'kms-master.key') }).then(
      (kms) => void stops.push(kms.close),
    );
    const sesReady = startSesEmulator({ port: ports.ses }).then((ses) => void stops.push(ses.close));
    const s3Ready = startLocalS3({
      port: ports.s3 ?? 0,
      directory: join(dataDir, 's3'),
      buckets: [LOCAL_RAW_MAIL_BUCKET, LOCAL_BUDGET_REVIEW_BUCKET],
      persistent: options.persistent,
      // As the CDK bucket policy and CORS rule (infra/constructs/budget-reviews.ts).
      sseKmsKeyIds: { [LOCAL_BUDGET_REVIEW_BUCKET]: LOCAL_BUDGET_KEY_ID },
      cors: {
        [LOCAL_BUDGET_REVIEW_BUCKET]: {
          origins: [`http://localhost:${ports.http}`, `http://127.0.0.1:${ports.http}`],
          methods: ['PUT'],
          headers: uploadBrowserHeaders,
        },
      },
    }).then((s3) => void stops.push(s3.close));

    let loaded: Awaited<ReturnType<typeof loadHandlers>> | undefined;
    let staticDir: string | undefined;
    const handlersReady = options.serveHttp
      ? (async () => {
          // The job runner, invoked asynchronously by the admin function (and by itself to continue), and the
          // by-email worker, by privacy-requests.
          const lambda = await startLocalLambda({
            port: 0,
            functions: localAsyncFunctions,
            timeoutMs: 15 * 60_000,
          });
          stops.push(lambda.close);
          env.LAMBDA_ENDPOINT = lambda.endpoint;
          Object.assign(process.env, env);
          loaded = await loadHandlers();
          staticDir = options.staticDir ?? (await findStaticDir());
        })()
      : Promise.resolve();

    const results = await Promise.allSettled([dynamodbReady, kmsReady, sesReady, s3Ready, handlersReady]);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;

    // Outgoing mail: the same mail-sender handler as in AWS, fed from DynamoDB Local's stream of the table.
    const senderModule = join(repoRoot, 'functions', 'mail-sender', 'handler.ts');
    const mail = await startOutboxStream({
      env,
      handler: options.serveHttp
        ? ((await import(pathToFileURL(senderModule).href)) as { handler: never }).handler
        : localMailSender(env),
    });
    stops.push(mail.close);

    let httpUrl: string | undefined;
    let apiOriginUrl: string | undefined;
    let staffUsers: LocalStaffUser[] | undefined;
    if (options.serveHttp && loaded) {
      const staffIdp = await createStaffIdp({
        origin: `http://localhost:${ports.http}`,
        dataDir: options.persistent ? dataDir : undefined,
      });
      staffUsers = staffIdp.users;
      const http = await startHttpServer({
        port: ports.http,
        handlers: loaded.handlers,
        staticDir,
        staffIdp,
        verifyStaffToken: createStaffTokenVerifier(staffTokenSettingsOf(env)),
        contentSecurityPolicy: contentSecurityPolicy(endpoints.s3),
        edgeHeaders: { [originVerifyHeader]: originSecret },
        originPort: 0,
      });
      stops.push(http.close);
      httpUrl = http.url;
      apiOriginUrl = http.originUrl;
      const mail = await startLocalMail({ smtpPort: ports.smtp ?? 0, env, dataDir });
      stops.push(mail.close);
      if (options.sweeperIntervalMs !== 0) {
        // Daily or hourly in AWS; often here, so a passed date shows its effect at once.
        const minute = 60_000;
        const jobs = await startScheduledJobs([
          {
            name: 'retention-sweeper',
            intervalMs: options.sweeperIntervalMs ?? minute,
            timeoutMs: 5 * minute,
          },
          { name: 'budget-review-cleanup', intervalMs: minute, timeoutMs: 5 * minute },
          { name: 'deadline-watch', intervalMs: 60 * minute, timeoutMs: 5 * minute },
          {
            name: 'request-hygiene',
            intervalMs: (Number(process.env.REQUEST_HYGIENE_MINUTES) || 60) * minute,
            timeoutMs: minute,
          },
        ]);
        stops.push(async () => jobs.close());
      }
    }

    return {
      env,
      dataDir,
      ports,
      endpoints,
      outboxUrl: `${endpoints.ses}/`,
      mail,
      httpUrl,
      apiOriginUrl,
      staffUsers,
      smtpPort: ports.smtp,
      missingHandlers: loaded?.missing ?? [],
      endedLeftovers: registry.ended,
      warnings,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
