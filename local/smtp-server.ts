import { invokedFunction } from './invoked-function.js';
import { enforceTableAccess } from './table-access-guard.js';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { createRawMailStore, createS3Client } from '../shared/adapters/raw-mail-store.js';
import { rawMailKeyOf, type VerdictStatus } from '../shared/domain/mail-classification.js';
import { sesEventFor } from '../shared/services/mail-intake/ses-event.js';
import { lambdaContext } from './lambda-context.js';
import { claimPort } from './ports.js';

/** SES accepts messages up to 40 MB. */
const maxMessageBytes = 40 * 1024 * 1024;
const verdictNames = ['spam', 'virus', 'spf', 'dkim', 'dmarc'] as const;
const verdictValues: readonly VerdictStatus[] = ['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED'];

/**
 * The verdicts SES would give: PASS, unless the test mail carries `X-Test-Verdict-Spf: FAIL` (likewise
 * `-Dkim`, `-Dmarc`, `-Spam`, `-Virus`). Only the header block is read.
 */
export function verdictsFromHeaders(raw: Buffer): Record<(typeof verdictNames)[number], VerdictStatus> {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end === -1 ? Math.min(raw.length, 64 * 1024) : end).toString('latin1');
  const verdicts = { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' } as Record<
    (typeof verdictNames)[number],
    VerdictStatus
  >;
  for (const name of verdictNames) {
    const match = new RegExp(`^x-test-verdict-${name}:[ \\t]*([A-Za-z_]+)[ \\t]*\\r?$`, 'im').exec(head);
    const value = match?.[1]?.toUpperCase() as VerdictStatus | undefined;
    if (value && verdictValues.includes(value)) verdicts[name] = value;
  }
  return verdicts;
}

/** What SES's Lambda action would call: the mail-intake handler (async invocation; errors mean retry). */
export type IntakeInvoker = (event: unknown) => Promise<unknown>;

export interface LocalSmtpServer {
  port: number;
  close(): Promise<void>;
}

/**
 * SMTP on 127.0.0.1 standing in for SES receiving: every message is stored raw in the local S3 (the S3
 * action) and then handed to the intake handler with an SES-shaped event (the Lambda action), with Lambda's
 * async retry policy (two retries) and a dead-letter folder for events that still fail. The SMTP reply is
 * sent after intake finished, so a test's send resolves once the mail was handled.
 */
export async function startSmtpServer(options: {
  port: number;
  env: Record<string, string>;
  invoke: IntakeInvoker;
  deadLetterDir: string;
  retryDelayMs?: number;
}): Promise<LocalSmtpServer> {
  const port = await claimPort(options.port, 'smtp');
  const bucket = options.env.RAW_MAIL_BUCKET;
  if (!bucket) throw new Error('RAW_MAIL_BUCKET is not set');
  const s3 = createS3Client({ AWS_REGION: 'eu-west-1', S3_ENDPOINT: options.env.S3_ENDPOINT });
  const store = createRawMailStore({ s3, bucket });

  async function deliver(raw: Buffer, envelopeSender: string, recipients: string[]): Promise<void> {
    // SES message ids are 20-40 lowercase alphanumerics.
    const messageId = `local${randomBytes(16).toString('hex')}`;
    await store.put(rawMailKeyOf(messageId), raw);
    const event = sesEventFor({ messageId, envelopeSender, recipients, verdicts: verdictsFromHeaders(raw) });
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await options.invoke(event);
        return;
      } catch {
        if (attempt < 3)
          await new Promise((resolve) => setTimeout(resolve, (options.retryDelayMs ?? 1000) * attempt));
      }
    }
    // Lambda's DLQ: the event (ids and verdicts; the mail stays in S3) for a later redrive.
    await mkdir(options.deadLetterDir, { recursive: true });
    await writeFile(join(options.deadLetterDir, `${messageId}.json`), JSON.stringify(event, null, 2));
    console.error(`mail-intake failed 3 times for ${messageId}; event kept in ${options.deadLetterDir}`);
  }

  const server = new SMTPServer({
    name: 'localhost',
    banner: 'ZorgSom local SES receiving stand-in',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxMessageBytes,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
          return;
        }
        const envelopeSender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const recipients = session.envelope.rcptTo.map((recipient) => recipient.address);
        deliver(Buffer.concat(chunks), envelopeSender, recipients).then(
          () => callback(),
          (error: unknown) => callback(error instanceof Error ? error : new Error('delivery failed')),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * For `npm start`: the SMTP stand-in wired to the real mail-intake handler. Call after process.env holds the
 * local stack's env: the handler reads it when it loads.
 */
export async function startLocalMail(options: {
  smtpPort: number;
  env: Record<string, string>;
  dataDir: string;
}): Promise<{ smtpPort: number; close(): Promise<void> }> {
  const load = async (name: string) =>
    (
      (await import(pathToFileURL(join(repoRoot, 'functions', name, 'handler.ts')).href)) as {
        handler: (event: unknown, context: unknown) => Promise<unknown>;
      }
    ).handler;
  enforceTableAccess();
  const intake = await load('mail-intake');
  const smtp = await startSmtpServer({
    port: options.smtpPort,
    env: options.env,
    invoke: (event) => invokedFunction.run('mail-intake', () => intake(event, lambdaContext('mail-intake'))),
    deadLetterDir: join(options.dataDir, 'mail-dead-letters'),
  });
  return {
    smtpPort: smtp.port,
    close: () => smtp.close(),
  };
}
