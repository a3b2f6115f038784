import { loadConfig } from '../shared/config.js';
import { signupBodySchema } from '../shared/domain/licensee-input.js';
import { settleOutbox } from '../local/outbox-stream.js';
import { readOutbox } from '../local/ses-emulator.js';
import { exportLicenseeData } from '../shared/services/export.js';
import { submitSignedIn } from '../shared/services/requests/workflow.js';
import { requireLicensee } from '../shared/services/session.js';
import { confirmSignup, signup } from '../shared/services/signup.js';
import { createAwsClients } from '../shared/wiring/base.js';
import { createServiceDeps } from '../shared/wiring/encrypting.js';
import { createRequestDeps } from '../shared/wiring/requests.js';
import type { Table } from './table.js';

type Tally = Map<string, number>;
type Clients = ReturnType<typeof createAwsClients>;

function countCalls(clients: Clients, tally: Tally) {
  for (const [service, client] of Object.entries(clients)) {
    (client.middlewareStack as Clients['kms']['middlewareStack']).add(
      (next, context) => async (args) => {
        const key = `${service}:${String(context.commandName).replace(/Command$/, '')}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'benchCallCounter' },
    );
  }
}

/** A fresh container: new clients (nothing cached from another flow), counted. */
function container(env: Record<string, string>, tally: Tally) {
  const config = loadConfig(env);
  const clients = createAwsClients(config);
  countCalls(clients, tally);
  return { config, clients };
}

/**
 * AWS requests per licensee and flow, through the services and adapters the functions use. Each flow runs in
 * a container of its own (new clients, empty caches), over distinct licensees.
 */
export async function measureRequestCounts(env: Record<string, string>, licensees = 20): Promise<Table[]> {
  const stamp = Date.now();
  const bodies = Array.from({ length: licensees }, (_, i) =>
    signupBodySchema.parse({
      name: `Bench Licensee ${i}`,
      address: { street: 'Benchstraat', houseNumber: String(i + 1), postcode: '1234 AB', city: 'Utrecht' },
      email: `bench.${stamp}.${i}@example.nl`,
      iban: 'NL91ABNA0417164300',
    }),
  );
  const rows: string[][] = [];
  const tokens: string[] = [];
  const perFlow = async (flow: string, target: string, run: (tally: Tally) => Promise<void>) => {
    const tally: Tally = new Map();
    await run(tally);
    const sum = (service: string) =>
      [...tally].filter(([key]) => key.startsWith(`${service}:`)).reduce((total, [, n]) => total + n, 0) /
      licensees;
    const detail = [...tally].map(([key, n]) => `${key.split(':')[1]} ${n / licensees}`).join(', ');
    rows.push([flow, String(sum('kms')), target, String(sum('dynamodb')), String(sum('ses')), detail]);
  };

  await perFlow('signup (POST /api/licensees)', '≤ 1 + blind index (GenerateMac)', async (tally) => {
    const { config, clients } = container(env, tally);
    const deps = createServiceDeps(config, { count: () => {} }, { clients });
    for (const body of bodies) await signup(deps, body);
  });
  // Mail leaves through the outbox: the local stack's mail-sender delivers it a moment later.
  await settleOutbox(env);
  const outbox = await readOutbox(loadConfig(env).SES_ENDPOINT!);
  await perFlow('confirm (POST /api/licensees/confirm)', 'blind index only', async (tally) => {
    const { config, clients } = container(env, tally);
    const deps = createServiceDeps(config, { count: () => {} }, { clients });
    for (const body of bodies) {
      const mail = outbox.filter((m) => m.to.includes(body.email)).at(-1);
      const code = /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1] ?? '';
      tokens.push((await confirmSignup(deps, { email: body.email, code })).token);
    }
  });
  await perFlow('overview (GET /api/me/export)', '≤ 1', async (tally) => {
    const { config, clients } = container(env, tally);
    const deps = createServiceDeps(config, { count: () => {} }, { clients });
    for (const token of tokens) await exportLicenseeData(deps, await requireLicensee(deps, token));
  });
  await perFlow(
    'privacy request, signed in (POST /api/privacy-requests)',
    '≤ 2 (text + address)',
    async (tally) => {
      const { config, clients } = container(env, tally);
      const deps = createRequestDeps(config, { count: () => {} }, { clients });
      for (const token of tokens)
        await submitSignedIn(deps, await requireLicensee(deps, token), {
          type: 'question',
          message: 'Hoe lang bewaren jullie mijn gegevens?',
        });
    },
  );
  return [
    {
      title:
        `AWS requests per licensee and flow (${licensees} distinct licensees; each flow in a fresh container; ` +
        'local emulators). Target: KMS at the floor; 0 KMS per repeat read within a request',
      header: ['flow', 'KMS', 'KMS target', 'DynamoDB', 'SES', 'by operation'],
      rows,
    },
  ];
}
