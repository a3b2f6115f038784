/**
 * `npm run bench`: prints tables, each figure with its target beside it; asserts nothing.
 *
 * Cold init runs first, with no local stack (nor anything else of this bench) running. Then the local stack
 * starts and every section of `sections` runs in order. To add a bench: write `bench/<name>.ts` exporting a
 * function that returns `Table`s, and add one entry to `sections`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { measureBundles } from './bundles.js';
import { measureEnumeration } from './enumeration.js';
import { measureLatency } from './latency.js';
import { measureMail } from './mail.js';
import { node22 } from './node22.js';
import { measurePatientGuard } from './patient-guard.js';
import { measureRequestCounts } from './request-counts.js';
import { measureRetention } from './retention.js';
import { printTable, type Table } from './table.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The functions run in this process: keep their logs and metrics off the bench's output.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

export interface BenchContext {
  stack: LocalStack;
  progress: (line: string) => void;
}

const runs = Number(process.env.BENCH_RUNS ?? 200);
const coldSamples = Number(process.env.BENCH_COLD_SAMPLES ?? 25);
/** Samples per side (registered, free) and email-taking route in the enumeration-timing section. */
const enumerationSamples = Number(process.env.BENCH_ENUMERATION_SAMPLES ?? 200);
/** `BENCH_SECTIONS=cold` (or e.g. `cold,latency`): only those sections; `cold` is the cold-init table. */
const only = process.env.BENCH_SECTIONS?.split(',').map((name) => name.trim().toLowerCase());
const selected = (name: string) => !only || only.some((wanted) => name.toLowerCase().startsWith(wanted));
const progress = (line: string) => process.stderr.write(`… ${line}\n`);
const load = () => loadavg()[0]!.toFixed(1);

/** The sections that need the local stack, in order. */
const sections: { name: string; run: (context: BenchContext) => Promise<Table[]> }[] = [
  { name: 'AWS requests per flow', run: ({ stack }) => measureRequestCounts(stack.env) },
  { name: 'latency', run: ({ stack, progress }) => measureLatency(stack, runs, progress) },
  {
    name: 'enumeration',
    run: ({ stack, progress }) => measureEnumeration(stack, enumerationSamples, progress),
  },
  { name: 'retention', run: ({ stack, progress }) => measureRetention(stack.env, progress) },
  { name: 'mail', run: ({ stack, progress }) => measureMail(stack, progress) },
  {
    name: 'patient-data guard',
    run: async () => [
      {
        title: 'Patient-data guard on free text (fixture lists; targets beside each rate)',
        header: ['fixture list', 'samples', 'flagged', 'rate', 'target', 'per check'],
        rows: measurePatientGuard().map((g) => [
          g.kind,
          String(g.samples),
          String(g.flagged),
          g.rate,
          g.target,
          `${g.microsPerCheck.toFixed(1)} µs`,
        ]),
      },
    ],
  },
];

// Cold init: the functions import their configuration, nothing connects at import time.
const importEnv = {
  TABLE_NAME: 'zorgsom-bench',
  DATA_KEY_ID: 'arn:aws:kms:eu-west-1:000000000000:key/bench-data-key',
  HMAC_KEY_ID: 'arn:aws:kms:eu-west-1:000000000000:key/bench-hmac-key',
  BUDGET_KEY_ID: 'arn:aws:kms:eu-west-1:000000000000:key/bench-budget-key',
  OUTBOX_KEY_ID: 'arn:aws:kms:eu-west-1:000000000000:key/bench-outbox-key',
  BUDGET_REVIEW_BUCKET: 'bench-budget-reviews',
  RAW_MAIL_BUCKET: 'bench-raw-mail',
  STAFF_MAILBOX: 'privacy-team@zorgsom.nl',
  MAIL_FROM: 'privacy@zorgsom.nl',
  PORTAL_URL: 'https://portal.zorgsom.nl',
  STAFF_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_bench',
  STAFF_CLIENT_IDS: 'bench-console,bench-cli',
  JOB_RUNNER_FUNCTION: 'zorgsom-job-runner',
  SUBMISSION_KEY_ID: 'arn:aws:kms:eu-west-1:000000000000:key/bench-submission-key',
  BY_EMAIL_WORKER_FUNCTION: 'zorgsom-privacy-requests-by-email',
  // The HTTP functions refuse to start without CloudFront's origin secret (shared/http/origin-verify.ts).
  ORIGIN_VERIFY_SECRET: 'bench-origin-secret-of-at-least-32-characters',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_SERVICE_NAME: 'zorgsom-privacy',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
if (selected('cold')) {
  const node = node22(progress);
  const loadBefore = load();
  progress(`bundling each function and its SDK-only reference; ${coldSamples} interleaved rounds on Node 22`);
  const bundles = await measureBundles(node, importEnv, coldSamples, progress);
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  printTable({
    title:
      `Cold init on Node 22 (${node}), ${coldSamples} interleaved samples each, median [p25–p75]; ` +
      `reference = only the AWS SDK clients the bundle carries; target: init ratio ≤ 1.5 ` +
      `(load average ${loadBefore} before, ${load()} after: other work on this machine shows in the spread)`,
    header: [
      'function',
      'bundle',
      'reference',
      'cold init',
      'reference init',
      'init ratio',
      'target',
      'SDK clients',
      'biggest other packages (KB)',
    ],
    rows: bundles.map((b) => [
      b.fn,
      b.lazyBytes > 0 ? `${kb(b.bytes)} (+${kb(b.lazyBytes)} lazy)` : kb(b.bytes),
      kb(b.referenceBytes),
      `${ms(b.init.median)} [${b.init.p25.toFixed(0)}–${b.init.p75.toFixed(0)}]`,
      `${ms(b.referenceInit.median)} [${b.referenceInit.p25.toFixed(0)}–${b.referenceInit.p75.toFixed(0)}]`,
      b.ratio.toFixed(2),
      b.ratio <= 1.5 ? '≤ 1.5 ✓' : '≤ 1.5 ✗',
      b.clients.map((c) => c.replace('client-', '')).join(' '),
      b.biggest,
    ]),
  });
}

const stackSections = sections.filter((section) => selected(section.name));
if (stackSections.length > 0) await runStackSections();

async function runStackSections() {
  const dataDir = mkdtempSync(join(tmpdir(), 'zorgsom-bench-stack-'));
  progress('starting the local stack');
  const stack = await startLocalStack({
    dataDir,
    persistent: false,
    serveHttp: true,
    sweeperIntervalMs: 0,
    ports: { http: 0, dynamodb: 0, kms: 0, ses: 0 },
  });
  try {
    for (const section of stackSections) {
      progress(section.name);
      for (const table of await section.run({ stack, progress })) printTable(table);
    }
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
