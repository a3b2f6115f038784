import * as z from 'zod/mini';
import { minimumOriginSecretLength } from './http/origin-verify.js';
import { nonEmptyText } from './domain/schema.js';

// One instance per kind of setting, shared by the fields (a schema is immutable): the config is parsed at every
// cold init, and each schema built costs there.
const setting = z.optional(nonEmptyText);
const url = z.url();
const optionalUrl = z.optional(url);
const email = z.email();

/** Environment of every function, read once per container. Endpoints are set only by the local stack. */
export const configSchema = z.object({
  TABLE_NAME: nonEmptyText,
  DATA_KEY_ID: nonEmptyText,
  HMAC_KEY_ID: nonEmptyText,
  /** The outbox key: every mail-sending function may Encrypt with it, only the mail-sender may Decrypt. */
  OUTBOX_KEY_ID: nonEmptyText,
  /** Mail-sender only: the SES configuration set (bounce and complaint events feed the suppression list). */
  MAIL_CONFIGURATION_SET: setting,
  MAIL_FROM: email,
  PORTAL_URL: url,
  AWS_REGION: z._default(nonEmptyText, 'eu-west-1'),
  DYNAMODB_ENDPOINT: optionalUrl,
  KMS_ENDPOINT: optionalUrl,
  SES_ENDPOINT: optionalUrl,
  S3_ENDPOINT: optionalUrl,
  /** Deadline watch only: where staff are told about requests near their deadline. */
  STAFF_MAILBOX: z.optional(email),
  /** Budget reviews only: the key and bucket that keep patient data apart from licensee data. */
  BUDGET_KEY_ID: setting,
  BUDGET_REVIEW_BUCKET: setting,
  /** Mail intake only: the bucket SES's S3 action writes raw inbound mail to. */
  RAW_MAIL_BUCKET: setting,
  /** Staff routes only: whose access tokens are accepted (Cognito user pool, or the local staff-idp). */
  STAFF_ISSUER: optionalUrl,
  /** Comma-separated app client ids whose tokens are accepted (console, CLI). */
  STAFF_CLIENT_IDS: setting,
  /** Default `<STAFF_ISSUER>/.well-known/jwks.json`. */
  STAFF_JWKS_URL: optionalUrl,
  /** Staff functions that start jobs: the job runner's function name (locally `job-runner`). */
  JOB_RUNNER_FUNCTION: setting,
  /** HTTP functions only: the secret of CloudFront's origin header (shared/http/origin-verify.ts). */
  ORIGIN_VERIFY_SECRET: z.optional(z.string().check(z.minLength(minimumOriginSecretLength))),
  /**
   * privacy-requests and its by-email worker only: the key that seals a by-email submission on its way from the
   * route to the worker (the route may only Encrypt with it, the worker only Decrypt; purpose `by-email-submission`).
   */
  SUBMISSION_KEY_ID: setting,
  /** privacy-requests only: the by-email worker's function name (locally `privacy-requests-by-email`). */
  BY_EMAIL_WORKER_FUNCTION: setting,
  /** Local stack only: the endpoint that takes Lambda Invoke calls and runs the function in-process. */
  LAMBDA_ENDPOINT: optionalUrl,
});

export type Config = z.infer<typeof configSchema>;

/** A setting only some functions have; their wiring asks for it by name, and a missing one fails at init. */
export function requireSetting<K extends keyof Config>(config: Config, name: K): NonNullable<Config[K]> {
  const value = config[name];
  if (value === undefined) throw new Error(`Invalid function configuration: ${String(name)}`);
  return value as NonNullable<Config[K]>;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    // Only variable names are reported: values may be endpoints or key ids, never personal data, but stay terse.
    const names = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`Invalid function configuration: ${names}`);
  }
  return parsed.data;
}
