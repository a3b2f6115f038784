import * as z from 'zod';

/** Environment of every function, read once per container. Endpoints are set only by the local stack. */
export const configSchema = z.object({
  TABLE_NAME: z.string().min(1),
  DATA_KEY_ID: z.string().min(1),
  HMAC_KEY_ID: z.string().min(1),
  MAIL_FROM: z.email(),
  PORTAL_URL: z.url(),
  AWS_REGION: z.string().min(1).default('eu-west-1'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  KMS_ENDPOINT: z.url().optional(),
  SES_ENDPOINT: z.url().optional(),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    // Only variable names are reported: values may be endpoints or key ids, never personal data, but stay terse.
    const names = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`Invalid function configuration: ${names}`);
  }
  return parsed.data;
}
