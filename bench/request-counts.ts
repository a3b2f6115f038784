import { loadConfig } from '../shared/config.js';
import { signupBodySchema } from '../shared/domain/licensee.js';
import { readOutbox } from '../local/ses-emulator.js';
import { settleOutbox } from '../local/outbox-stream.js';
import { exportLicenseeData } from '../shared/services/export.js';
import { requireLicensee } from '../shared/services/session.js';
import { confirmSignup, signup } from '../shared/services/signup.js';
import { createAwsClients } from '../shared/wiring.js';
import { createServiceDeps } from '../shared/wiring-encrypting.js';

export interface RequestCounts {
  flow: string;
  kms: number;
  dynamodb: number;
  ses: number;
  detail: string;
}

type Tally = Map<string, number>;

type AnyClient = ReturnType<typeof createAwsClients>[keyof ReturnType<typeof createAwsClients>];

function countCalls(client: AnyClient, service: string, tally: Tally) {
  (client.middlewareStack as ReturnType<typeof createAwsClients>['kms']['middlewareStack']).add(
    (next, context) => async (args) => {
      const key = `${service}:${String(context.commandName).replace(/Command$/, '')}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchCallCounter' },
  );
}

/** AWS requests per flow, through the same services and adapters the functions use, each in a fresh container. */
export async function measureRequestCounts(
  env: Record<string, string>,
  licensees = 20,
): Promise<RequestCounts[]> {
  const config = loadConfig(env);
  const tally: Tally = new Map();
  const clients = createAwsClients(config);
  countCalls(clients.dynamodb, 'dynamodb', tally);
  countCalls(clients.kms, 'kms', tally);
  const deps = createServiceDeps(config, { count: () => {} }, { clients });

  const bodies = Array.from({ length: licensees }, (_, i) =>
    signupBodySchema.parse({
      name: `Bench Licensee ${i}`,
      address: { street: 'Benchstraat', houseNumber: String(i + 1), postcode: '1234 AB', city: 'Utrecht' },
      email: `bench.${Date.now()}.${i}@example.nl`,
      iban: 'NL91ABNA0417164300',
    }),
  );
  const perFlow = async (flow: string, run: () => Promise<void>): Promise<RequestCounts> => {
    tally.clear();
    await run();
    const sum = (service: string) =>
      [...tally].filter(([key]) => key.startsWith(`${service}:`)).reduce((total, [, n]) => total + n, 0) /
      licensees;
    const detail = [...tally].map(([key, n]) => `${key.split(':')[1]} ${n / licensees}`).join(', ');
    return { flow, kms: sum('kms'), dynamodb: sum('dynamodb'), ses: sum('ses'), detail };
  };

  const tokens: string[] = [];
  const results = [
    await perFlow('signup (POST /api/licensees)', async () => {
      for (const body of bodies) await signup(deps, body);
    }),
  ];
  // Mail leaves through the outbox: the local stack's mail-sender delivers it a moment later.
  await settleOutbox(env);
  const outbox = await readOutbox(config.SES_ENDPOINT!);
  results.push(
    await perFlow('confirm (POST /api/licensees/confirm)', async () => {
      for (const body of bodies) {
        const mail = outbox.filter((m) => m.to.includes(body.email)).at(-1);
        const code = /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1] ?? '';
        tokens.push((await confirmSignup(deps, { email: body.email, code })).token);
      }
    }),
    await perFlow('overview (GET /api/me/export)', async () => {
      for (const token of tokens) await exportLicenseeData(deps, await requireLicensee(deps, token));
    }),
  );
  return results;
}
