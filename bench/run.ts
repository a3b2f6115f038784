/**
 * `npm run bench`: bundle size and cold init per function against an SDK-only reference bundle, AWS
 * requests per flow, and local latency. Prints tables; asserts nothing (targets are in the table).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOutbox } from '../local/ses-emulator.js';
import { startLocalStack } from '../local/stack.js';
import { measureBundles } from './bundles.js';
import { measureLatency } from './latency.js';
import { measurePatientGuard } from './patient-guard.js';
import { measureRequestCounts } from './request-counts.js';
import { measureRetention } from './retention.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The functions run in this process: keep their logs and metrics off the bench's output.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const runs = Number(process.env.BENCH_RUNS ?? 200);
const progress = (line: string) => process.stderr.write(`… ${line}\n`);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

function table(title: string, header: string[], rows: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${title}\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

const dataDir = mkdtempSync(join(tmpdir(), 'zorgsom-bench-stack-'));
progress('starting the local stack');
const stack = await startLocalStack({
  dataDir,
  persistent: false,
  serveHttp: true,
  ports: { http: 0, dynamodb: 0, kms: 0, ses: 0 },
});
try {
  progress('bundling each function and its SDK-only reference');
  const bundles = await measureBundles(stack.env);
  table(
    'Function bundles (target: size ratio ≤ 1.5 against a bundle of only the SDK clients the function uses)',
    ['function', 'bundle', 'reference', 'size ratio', 'cold init', 'reference init', 'init ratio'],
    bundles.map((b) => [
      b.fn,
      kb(b.bytes),
      kb(b.referenceBytes),
      (b.bytes / b.referenceBytes).toFixed(2),
      ms(b.initMs),
      ms(b.referenceInitMs),
      (b.initMs / b.referenceInitMs).toFixed(2),
    ]),
  );

  progress('counting AWS requests per flow');
  const counts = await measureRequestCounts(stack.env);
  table(
    'AWS requests per licensee and flow (one warm container, as in Lambda; local emulators)',
    ['flow', 'KMS', 'DynamoDB', 'SES', 'by operation'],
    counts.map((c) => [c.flow, String(c.kms), String(c.dynamodb), String(c.ses), c.detail]),
  );

  const sesEndpoint = stack.env.SES_ENDPOINT!;
  const latency = await measureLatency(
    stack.httpUrl!,
    runs,
    async (email) => {
      const mail = (await readOutbox(sesEndpoint)).filter((m) => m.to.includes(email)).at(-1);
      return /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1] ?? '';
    },
    progress,
  );
  table(
    'Local latency through the HTTP adapter (sequential; emulators on this machine)',
    ['flow', 'runs', 'p50', 'p99'],
    latency.map((l) => [l.flow, String(l.runs), ms(l.p50), ms(l.p99)]),
  );

  const retention = await measureRetention(stack.env, progress);
  table(
    'Retention sweep (one run; target: index items read per due licensee ≈ 1 at any table size; ' +
      'requests vs the floor of 1 query + ⌈items/25⌉ deletes)',
    [
      'licensees',
      'due',
      'items each',
      'index items / due',
      'requests / purged',
      'floor',
      'by operation',
      'sweep',
      'purged/s',
    ],
    retention.map((r) => [
      String(r.licensees),
      String(r.due),
      String(r.itemsPerDue),
      r.indexItemsPerDue.toFixed(2),
      r.requestsPerPurged.toFixed(2),
      String(r.minimumPerPurged),
      r.detail,
      `${r.seconds.toFixed(1)} s`,
      (r.purged / r.seconds).toFixed(0),
    ]),
  );

  table(
    'Patient-data guard on free text (fixture lists; targets beside each rate)',
    ['fixture list', 'samples', 'flagged', 'rate', 'target', 'per check'],
    measurePatientGuard().map((g) => [
      g.kind,
      String(g.samples),
      String(g.flagged),
      g.rate,
      g.target,
      `${g.microsPerCheck.toFixed(1)} µs`,
    ]),
  );
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
