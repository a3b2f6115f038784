import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { readOutbox } from '../local/ses-emulator.js';
import type { LocalStack } from '../local/stack.js';
import { localDynamoDbClient } from '../local/table.js';
import type { Table } from './table.js';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timed(runs: number, request: (i: number) => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await request(i);
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b);
}

async function ok(response: Promise<Response>): Promise<Response> {
  const answer = await response;
  if (!answer.ok) throw new Error(`bench request failed with ${answer.status}`);
  return answer;
}

/**
 * Sequential requests through the local HTTP adapter (the whole path, emulators included), each over a
 * distinct licensee (no warm cache for the next), beside a bare DynamoDB PutItem + GetItem of a profile-sized
 * item measured in the same run against the same DynamoDB Local: the ratio is the figure, not the milliseconds.
 */
export async function measureLatency(
  stack: LocalStack,
  runs: number,
  progress: (line: string) => void,
): Promise<Table[]> {
  const baseUrl = stack.httpUrl!;
  const json = (body: unknown, token?: string) => ({
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const stamp = Date.now();
  const email = (i: number) => `latency.${stamp}.${i}@example.nl`;

  progress(`latency: ${runs} bare DynamoDB put+get`);
  const dynamodb = localDynamoDbClient(stack.env);
  const payload = randomBytes(700);
  const bare = await timed(runs, async (i) => {
    const key = { pk: { S: `BENCH#${stamp}.${i}` }, sk: { S: 'PROFILE' } };
    await dynamodb.send(
      new PutItemCommand({ TableName: stack.env.TABLE_NAME, Item: { ...key, pii: { B: payload } } }),
    );
    await dynamodb.send(new GetItemCommand({ TableName: stack.env.TABLE_NAME, Key: key }));
  });
  dynamodb.destroy();

  progress(`latency: ${runs} signups`);
  const signups = await timed(runs, async (i) => {
    const answer = await ok(
      fetch(`${baseUrl}/api/licensees`, {
        method: 'POST',
        ...json({
          name: `Latency ${i}`,
          address: { street: 'Meetstraat', houseNumber: '1', postcode: '3511 AB', city: 'Utrecht' },
          email: email(i),
          iban: 'NL91ABNA0417164300',
        }),
      }),
    );
    await answer.arrayBuffer();
  });

  const outbox = await readOutbox(stack.env.SES_ENDPOINT!);
  const codeOf = (address: string) =>
    /\b(\d{6})\b/.exec(outbox.filter((m) => m.to.includes(address)).at(-1)?.text ?? '')?.[1] ?? '';
  progress(`latency: ${runs} confirmations`);
  const tokens: string[] = [];
  const confirms = await timed(runs, async (i) => {
    const answer = await ok(
      fetch(`${baseUrl}/api/licensees/confirm`, {
        method: 'POST',
        ...json({ email: email(i), code: codeOf(email(i)) }),
      }),
    );
    tokens.push(((await answer.json()) as { token: string }).token);
  });

  progress(`latency: ${runs} overviews, each of another licensee`);
  const overviews = await timed(runs, async (i) => {
    await (
      await ok(fetch(`${baseUrl}/api/me/export`, { headers: json({}, tokens[i]).headers }))
    ).arrayBuffer();
  });

  const reference = percentile(bare, 50);
  const row = (flow: string, samples: number[], target: string) => [
    flow,
    String(samples.length),
    `${percentile(samples, 50).toFixed(1)} ms`,
    `${percentile(samples, 99).toFixed(1)} ms`,
    (percentile(samples, 50) / reference).toFixed(1),
    target,
  ];
  return [
    {
      title:
        'Local latency through the HTTP adapter (sequential, distinct licensees; emulators on this machine). ' +
        'Ratio = p50 / p50 of a bare DynamoDB put+get in the same run',
      header: ['flow', 'runs', 'p50', 'p99', 'p50 ratio', 'target ratio'],
      rows: [
        row('bare DynamoDB PutItem + GetItem (reference)', bare, '1'),
        row('signup (POST /api/licensees)', signups, '≤ 2.5 (5 AWS requests, bare = 2)'),
        row('confirm (POST /api/licensees/confirm)', confirms, '≤ 2.5 (5 AWS requests)'),
        row('overview (GET /api/me/export)', overviews, '≤ 2.5 (5 AWS requests)'),
      ],
    },
  ];
}
