import { settleByEmailWorker } from '../local/outbox-stream.js';
import { readOutbox } from '../local/ses-emulator.js';
import type { LocalStack } from '../local/stack.js';
import type { Table } from './table.js';

/**
 * Issue 9, Build 3: a route that takes an email address must answer a registered and a free address alike, in
 * body, status and time ("a timing probe sees no difference beyond noise"). Per route, `samples` requests with
 * a registered address and as many with a free one, interleaved (the order within each pair alternates, so
 * drift of the machine falls on both sides alike), each address used once (per-address budgets never kick in
 * on one side only). The figure is the difference of the medians beside the spread of the samples.
 *
 * Target ("within noise"): |Δp50| ≤ max(1 ms, ½ · the p25–p75 spread of both sides' samples together).
 */
export async function measureEnumeration(
  stack: LocalStack,
  samples: number,
  progress: (line: string) => void,
): Promise<Table[]> {
  const baseUrl = stack.httpUrl!;
  const stamp = Date.now().toString(36);
  let counter = 0;
  const freeEmail = () => `vrij.${stamp}.${counter++}@example.nl`;
  const call = async (method: string, path: string, body: unknown, token?: string) => {
    const start = performance.now();
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { ms: performance.now() - start, status: response.status, text };
  };
  const licensee = (email: string, i: number) => ({
    name: `Meting ${i}`,
    address: { street: 'Meetstraat', houseNumber: '1', postcode: '3511 AB', city: 'Utrecht' },
    email,
    iban: 'NL91ABNA0417164300',
  });

  // Registered addresses: one per sample of the "registered" side, and a requester per PATCH sample.
  const poolSize = samples * 3;
  progress(`enumeration: registering ${poolSize} licensees`);
  const pool = Array.from({ length: poolSize }, (_, i) => `bekend.${stamp}.${i}@example.nl`);
  await inBatches(pool, async (email, i) => {
    const answer = await call('POST', '/api/licensees', licensee(email, i));
    if (answer.status !== 202) throw new Error(`bench signup answered ${answer.status}`);
  });
  await stack.mail.settle();
  const outbox = await readOutbox(stack.env.SES_ENDPOINT!);
  const codes = new Map<string, string>();
  for (const mail of outbox) {
    const code = /\b(\d{6})\b/.exec(mail.text ?? '')?.[1];
    for (const to of mail.to) if (code) codes.set(to, code);
  }
  const tokens: string[] = [];
  await inBatches(pool, async (email, i) => {
    const answer = await call('POST', '/api/licensees/confirm', { email, code: codes.get(email) });
    if (answer.status !== 200) throw new Error(`bench confirm answered ${answer.status}`);
    tokens[i] = (JSON.parse(answer.text) as { token: string }).token;
  });
  const registered = pool.slice(0, samples);
  const requesters = tokens.slice(samples);
  // The free addresses that asked for a sign-in code in the code route's samples: the wrong-code route guesses
  // at these, so both sides guess at an address with a live code (the registered ones asked in the same
  // route). A never-seen free address has no code record to spend an attempt on, and the sample would time
  // "asked for a code" against "never asked", which anyone can make true of any address, not registration.
  const askedForCode: string[] = [];

  const routes: {
    name: string;
    request: (email: string, i: number, side: number) => ReturnType<typeof call>;
    /** The free address of sample i (default a never-seen one); `remember` keeps it for a later route. */
    free?: (i: number) => string;
    remember?: string[];
    /** Untimed, after each sample: work the answer handed to another function. */
    after?: () => Promise<void>;
  }[] = [
    {
      name: 'signup (POST /api/licensees)',
      request: (email, i) => call('POST', '/api/licensees', licensee(email, i)),
    },
    {
      name: 'sign-in code (POST /api/sign-in/code)',
      request: (email) => call('POST', '/api/sign-in/code', { email }),
      remember: askedForCode,
    },
    {
      name: 'sign-in, wrong code (POST /api/sign-in)',
      request: (email) => call('POST', '/api/sign-in', { email, code: '000000' }),
      free: (i) => askedForCode[i]!,
    },
    {
      name: 'signup confirmation, wrong code (POST /api/licensees/confirm)',
      request: (email) => call('POST', '/api/licensees/confirm', { email, code: '000000' }),
    },
    {
      name: 'request by email (POST /api/privacy-requests/by-email)',
      request: (email) =>
        call('POST', '/api/privacy-requests/by-email', {
          email,
          type: 'question',
          message: 'Welke gegevens?',
        }),
      // In AWS the by-email worker runs in containers of its own: locally it shares this process, so each
      // sample waits (untimed) for it, lest its work land in the next sample's time.
      after: () => settleByEmailWorker(stack.env, 60_000),
    },
    {
      name: 'email change (PATCH /api/me {email})',
      // Each sample from a requester of its own (the change's code budget is per record).
      request: (email, i, side) => call('PATCH', '/api/me', { email }, requesters[2 * i + side]),
    },
  ];

  const rows: string[][] = [];
  for (const route of routes) {
    progress(`enumeration: ${route.name}, ${samples} registered and ${samples} free, interleaved`);
    const known: number[] = [];
    const unknown: number[] = [];
    const statuses = { known: new Map<number, number>(), unknown: new Map<number, number>() };
    // One warm-up pair: the first call of a route loads its function.
    await route.request(registered[0]!, 0, 0);
    await route.request(freeEmail(), 0, 1);
    await route.after?.();
    for (let i = 0; i < samples; i++) {
      const free = route.free?.(i) ?? freeEmail();
      route.remember?.push(free);
      const pair: ['known' | 'unknown', string][] = [
        ['known', registered[i]!],
        ['unknown', free],
      ];
      if (i % 2 === 1) pair.reverse();
      for (const [side, email] of pair) {
        const answer = await route.request(email, i, side === 'known' ? 0 : 1);
        await route.after?.();
        (side === 'known' ? known : unknown).push(answer.ms);
        statuses[side].set(answer.status, (statuses[side].get(answer.status) ?? 0) + 1);
      }
    }
    rows.push(rowOf(route.name, known, unknown, statuses));
  }
  return [
    {
      title:
        `Enumeration by timing: registered vs free address per email-taking route (${samples} interleaved samples ` +
        'each, sequential, through the local HTTP adapter). Target: |Δp50| ≤ max(1 ms, ½ · p25–p75 spread of ' +
        'both sides together), and the same statuses on both sides',
      header: [
        'route',
        'statuses (registered / free)',
        'p50 reg',
        'p50 free',
        'p90 reg',
        'p90 free',
        'Δp50',
        'spread p25–p75',
        'target |Δp50| ≤',
        'within',
      ],
      rows,
    },
  ];
}

async function inBatches<T>(items: T[], run: (item: T, i: number) => Promise<void>, size = 10) {
  for (let start = 0; start < items.length; start += size)
    await Promise.all(items.slice(start, start + size).map((item, j) => run(item, start + j)));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function rowOf(
  name: string,
  known: number[],
  unknown: number[],
  statuses: { known: Map<number, number>; unknown: Map<number, number> },
): string[] {
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const delta = percentile(known, 50) - percentile(unknown, 50);
  const both = [...known, ...unknown];
  const spread = percentile(both, 75) - percentile(both, 25);
  const bound = Math.max(1, spread / 2);
  const counts = (map: Map<number, number>) =>
    [...map].map(([status, count]) => `${status}×${count}`).join(' ');
  const sameStatuses = counts(statuses.known) === counts(statuses.unknown);
  return [
    name,
    `${counts(statuses.known)} / ${counts(statuses.unknown)}`,
    ms(percentile(known, 50)),
    ms(percentile(unknown, 50)),
    ms(percentile(known, 90)),
    ms(percentile(unknown, 90)),
    `${delta >= 0 ? '+' : ''}${delta.toFixed(2)} ms`,
    `${ms(percentile(both, 25))}–${ms(percentile(both, 75))} (${spread.toFixed(2)})`,
    ms(bound),
    Math.abs(delta) <= bound && sameStatuses ? '✓' : '✗',
  ];
}
