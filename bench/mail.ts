/**
 * Mail intake (issue 10): a large mail with attachments through the deployed bundle of mail-intake, in a fresh
 * Node process of its own, its peak memory beside the function's `memorySize` (infra); and the intake latency
 * per mail over a mix of the fixture corpora (people's mail from registered and unknown senders, general mail,
 * automatic mail), through the real handler against the local stack. Prints; asserts nothing.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { mailIntakeMemoryMb } from '../infra/constructs/mail-intake.js';
import { readOutbox } from '../local/ses-emulator.js';
import type { LocalStack } from '../local/stack.js';
import { verdictsFromHeaders } from '../local/smtp-server.js';
import { invokedFunction } from '../local/invoked-function.js';
import { createRawMailStore, createS3Client } from '../shared/adapters/raw-mail-store.js';
import { rawMailKeyOf } from '../shared/domain/mail-classification.js';
import { sesEventFor } from '../shared/services/mail-intake/ses-event.js';
import { mailExpectations } from '../test/fixtures/mail/expectations.js';
import { bundle } from './bundles.js';
import type { Table } from './table.js';

const mib = 1024 * 1024;
const base64Lines = (bytes: Buffer) => bytes.toString('base64').replace(/.{76}/g, '$&\r\n');

/**
 * A mail as people send one to info@ with their papers attached: a short text and HTML body, a scanned PDF,
 * photos, a spreadsheet export (text-like: decoded for the patient-data guard) and a forwarded mail with an
 * attachment of its own; attachments grow until the raw message is `size` bytes.
 */
export function largeMail(size: number): Buffer {
  const boundary = 'bench-outer-boundary';
  const text =
    'Goedemorgen,\r\n\r\nIn de bijlagen de stukken voor de nieuwe licentie.\r\n\r\nMet vriendelijke groet,\r\nPraktijk Bench';
  const csvRow =
    'praktijk;straat;huisnummer;postcode;plaats;bedrag\r\nPraktijk Bench;Meetstraat;1;3511 AB;Utrecht;1200,00\r\n';
  const forwarded = [
    'From: Leverancier <facturen@leverancier.example>',
    'Subject: Factuur',
    'Content-Type: multipart/mixed; boundary="inner"',
    '',
    '--inner',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Zie bijlage.',
    '--inner',
    'Content-Type: application/pdf; name="factuur.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(randomBytes(300 * 1024)),
    '--inner--',
  ].join('\r\n');
  const part = (headers: string[], body: string) => [`--${boundary}`, ...headers, '', body].join('\r\n');
  const head = [
    'From: Praktijk Bench <praktijk.bench@example.nl>',
    'To: info@zorgsom.nl',
    'Subject: Stukken nieuwe licentie',
    `Message-ID: <${randomBytes(8).toString('hex')}@example.nl>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    part(
      ['Content-Type: multipart/alternative; boundary="alt"'],
      [
        '--alt',
        'Content-Type: text/plain; charset=utf-8',
        '',
        text,
        '--alt',
        'Content-Type: text/html; charset=utf-8',
        '',
        `<html><body><p>${text.replaceAll('\r\n', '<br>')}</p></body></html>`,
        '--alt--',
      ].join('\r\n'),
    ),
    part(['Content-Type: message/rfc822', 'Content-Disposition: attachment'], forwarded),
  ].join('\r\n');
  // Shares of what is left: 55 % scanned PDF, 30 % photos (three), 15 % spreadsheet; base64 grows by 4/3,
  // its line breaks by 2/76.
  const left = Math.max(0, size - head.length - 2048);
  const decoded = (share: number) => Math.floor((left * share * 3) / 4 / 1.027);
  const csvBytes = decoded(0.15);
  const attachments = [
    part(
      ['Content-Type: application/pdf; name="scan.pdf"', 'Content-Transfer-Encoding: base64'],
      base64Lines(randomBytes(decoded(0.55))),
    ),
    ...[1, 2, 3].map((n) =>
      part(
        [`Content-Type: image/jpeg; name="foto-${n}.jpg"`, 'Content-Transfer-Encoding: base64'],
        base64Lines(randomBytes(decoded(0.1))),
      ),
    ),
    part(
      ['Content-Type: text/csv; charset=utf-8; name="begroting.csv"', 'Content-Transfer-Encoding: base64'],
      base64Lines(Buffer.from(csvRow.repeat(Math.ceil(csvBytes / csvRow.length)).slice(0, csvBytes))),
    ),
  ];
  return Buffer.from([head, ...attachments, `--${boundary}--`, ''].join('\r\n'));
}

/** Runs in the child: imports the bundle, handles one event, reports time and memory as JSON. */
const childScript = `
const { handler } = await import(process.env.BENCH_BUNDLE);
const event = JSON.parse(process.env.BENCH_EVENT);
const context = { functionName: 'mail-intake', awsRequestId: 'bench', getRemainingTimeInMillis: () => 60000 };
const idle = process.memoryUsage();
let heap = idle.heapUsed, rss = idle.rss, external = idle.external + idle.arrayBuffers;
const sample = () => {
  const m = process.memoryUsage();
  heap = Math.max(heap, m.heapUsed); rss = Math.max(rss, m.rss); external = Math.max(external, m.external + m.arrayBuffers);
};
const timer = setInterval(sample, 1);
const started = performance.now();
const result = await handler(event, context);
const ms = performance.now() - started;
clearInterval(timer); sample();
const maxRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(JSON.stringify({ ms, idleRss: idle.rss, rss: Math.max(rss, maxRss), heap, external, outcome: result.outcomes[0] }));
`;

interface MemoryFigures {
  size: number;
  ms: number;
  idleRss: number;
  rss: number;
  heap: number;
  external: number;
  outcome: string;
}

async function measureLargeMail(stack: LocalStack, bundleFile: string, size: number): Promise<MemoryFigures> {
  const raw = largeMail(size);
  const messageId = `bench${randomBytes(12).toString('hex')}`;
  const s3 = createS3Client({
    AWS_REGION: stack.env.AWS_REGION ?? 'eu-west-1',
    S3_ENDPOINT: stack.env.S3_ENDPOINT,
  });
  await createRawMailStore({ s3, bucket: stack.env.RAW_MAIL_BUCKET! }).put(rawMailKeyOf(messageId), raw);
  s3.destroy();
  const event = sesEventFor({
    messageId,
    envelopeSender: 'praktijk.bench@example.nl',
    recipients: ['info@zorgsom.nl'],
    verdicts: verdictsFromHeaders(raw),
  });
  // Asynchronously: the local KMS and S3 the child talks to run in this process.
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', childScript], {
    env: {
      ...process.env,
      ...stack.env,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      BENCH_BUNDLE: pathToFileURL(bundleFile).href,
      BENCH_EVENT: JSON.stringify(event),
    },
    cwd: tmpdir(),
    maxBuffer: 16 * mib,
  });
  return { size: raw.length, ...(JSON.parse(stdout) as Omit<MemoryFigures, 'size'>) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

const groupOf = (outcome: string) =>
  outcome.startsWith('request-')
    ? 'privacy request, registered sender'
    : outcome === 'general'
      ? 'general mail (staff inbox)'
      : outcome === 'unknown-sender'
        ? 'privacy mail, unknown sender'
        : outcome.startsWith('automatic-')
          ? 'automatic mail (never answered)'
          : 'quarantined, no sender, other';

/** Signs the fixtures' licensees up through the stack's HTTP API, as the corpus test does. */
async function registerSenders(stack: LocalStack, addresses: string[]): Promise<void> {
  const post = (path: string, body: unknown) =>
    fetch(`${stack.httpUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((response) => response.arrayBuffer());
  for (const [i, email] of addresses.entries()) {
    await post('/api/licensees', {
      name: `Praktijk Bench ${i}`,
      address: { street: 'Meetstraat', houseNumber: '1', postcode: '3511 AB', city: 'Utrecht' },
      email,
      iban: 'NL91ABNA0417164300',
    });
  }
  await stack.mail.settle(60_000);
  const outbox = await readOutbox(stack.env.SES_ENDPOINT!);
  for (const email of addresses) {
    const code = /\b(\d{6})\b/.exec(outbox.filter((m) => m.to.includes(email)).at(-1)?.text ?? '')?.[1];
    await post('/api/licensees/confirm', { email, code });
  }
}

async function measureLatency(stack: LocalStack, rounds: number, progress: (line: string) => void) {
  const people = resolve('test/fixtures/mail');
  const automatic = resolve('test/fixtures/automatic-mail');
  const fixtures = [
    ...mailExpectations.map((e) => ({ raw: readFileSync(join(people, e.file)), envelope: e.envelopeSender })),
    // Every tenth of the automatic corpus: each MTA family once or twice.
    ...readdirSync(automatic)
      .filter((file) => file.endsWith('.eml'))
      .sort()
      .filter((_, i) => i % 10 === 0)
      .map((file) => ({ raw: readFileSync(join(automatic, file)), envelope: undefined })),
  ];
  const fromOf = (raw: Buffer) => /^From:.*<([^>]+)>/im.exec(raw.toString('latin1'))?.[1]?.toLowerCase();
  const licensees = [
    ...new Set(
      mailExpectations
        .filter((e) => e.sender === 'licensee')
        .map((e) => fromOf(readFileSync(join(people, e.file))))
        .filter((from): from is string => from !== undefined),
    ),
  ];
  progress(`mail: registering the corpus's ${licensees.length} licensees`);
  await registerSenders(stack, licensees);

  const { handler } = (await import(pathToFileURL(resolve('functions/mail-intake/handler.ts')).href)) as {
    handler: (event: unknown, context: Context) => Promise<{ outcomes: string[] }>;
  };
  const s3 = createS3Client({
    AWS_REGION: stack.env.AWS_REGION ?? 'eu-west-1',
    S3_ENDPOINT: stack.env.S3_ENDPOINT,
  });
  const store = createRawMailStore({ s3, bucket: stack.env.RAW_MAIL_BUCKET! });
  const samples = new Map<string, number[]>();
  try {
    for (let round = 0; round < rounds; round++) {
      progress(`mail: intake latency round ${round + 1} of ${rounds} (${fixtures.length} mails)`);
      for (const { raw, envelope } of fixtures) {
        const messageId = `bench${randomBytes(12).toString('hex')}`;
        await store.put(rawMailKeyOf(messageId), raw);
        const event = sesEventFor({
          messageId,
          envelopeSender: envelope ?? fromOf(raw) ?? '',
          recipients: ['info@zorgsom.nl'],
          verdicts: verdictsFromHeaders(raw),
        });
        const context = {
          functionName: 'mail-intake',
          awsRequestId: messageId,
          getRemainingTimeInMillis: () => 60_000,
        } as unknown as Context;
        const started = performance.now();
        const result = await invokedFunction.run('mail-intake', () => handler(event, context));
        const ms = performance.now() - started;
        for (const group of [groupOf(result.outcomes[0] ?? ''), 'all mails']) {
          samples.set(group, [...(samples.get(group) ?? []), ms]);
        }
      }
    }
  } finally {
    s3.destroy();
  }
  return samples;
}

export async function measureMail(stack: LocalStack, progress: (line: string) => void): Promise<Table[]> {
  const dir = mkdtempSync(join(tmpdir(), 'zorgsom-bench-mail-'));
  const mb = (bytes: number) => `${(bytes / mib).toFixed(0)} MB`;
  try {
    progress('mail: bundling mail-intake with the deploy options');
    const { file: bundleFile } = await bundle(
      { file: resolve('functions/mail-intake/handler.ts') },
      join(dir, 'mail-intake'),
    );
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const sizes = (process.env.BENCH_MAIL_SIZES_MB ?? '10,40').split(',').map((n) => Number(n) * mib);
    const memory: MemoryFigures[] = [];
    for (const size of sizes) {
      progress(`mail: a ${mb(size)} mail through the mail-intake bundle in a fresh process`);
      memory.push(await measureLargeMail(stack, bundleFile, size));
    }
    const rounds = Number(process.env.BENCH_MAIL_ROUNDS ?? 3);
    const latency = await measureLatency(stack, rounds, progress);
    const limit = mailIntakeMemoryMb * mib;
    return [
      {
        title:
          `A large mail with attachments (scanned PDF, photos, a CSV, a forwarded mail) through the deployed ` +
          `mail-intake bundle, one fresh Node process each; peak = max RSS of the process (code, SDK clients and ` +
          `all), vs memorySize ${mailIntakeMemoryMb} MB (infra/constructs/mail-intake.ts). Target: peak RSS ` +
          `≤ 75 % of memorySize (headroom for the runtime)`,
        header: [
          'raw mail',
          'outcome',
          'handler time',
          'RSS idle',
          'peak RSS',
          'peak heap',
          'peak buffers',
          'of memorySize',
          'target',
        ],
        rows: memory.map((m) => [
          mb(m.size),
          m.outcome,
          `${m.ms.toFixed(0)} ms`,
          mb(m.idleRss),
          mb(m.rss),
          mb(m.heap),
          mb(m.external),
          `${((100 * m.rss) / limit).toFixed(0)} %`,
          m.rss <= 0.75 * limit ? '≤ 75 % ✓' : '≤ 75 % ✗',
        ]),
      },
      {
        title:
          `Intake latency per mail (${rounds} rounds over the people's corpus and every tenth automatic mail; ` +
          `the real handler in this process against the local stack: S3 get, parse, classify, DynamoDB, KMS, ` +
          `outbox). Target: p50 ≤ 250 ms, p99 ≤ 1 s (SES invokes asynchronously; timeout 60 s)`,
        header: ['mails', 'samples', 'p50', 'p99', 'max', 'target'],
        rows: [...latency]
          // Kinds of mail first, all mails last.
          .sort(([a], [b]) => Number(a === 'all mails') - Number(b === 'all mails'))
          .map(([group, values]) => {
            const sorted = [...values].sort((a, b) => a - b);
            const p50 = percentile(sorted, 50);
            const p99 = percentile(sorted, 99);
            return [
              group,
              String(sorted.length),
              `${p50.toFixed(1)} ms`,
              `${p99.toFixed(1)} ms`,
              `${(sorted.at(-1) ?? NaN).toFixed(1)} ms`,
              p50 <= 250 && p99 <= 1000 ? 'p50 ≤ 250, p99 ≤ 1000 ✓' : 'p50 ≤ 250, p99 ≤ 1000 ✗',
            ];
          }),
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
