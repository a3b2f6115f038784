import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMailSender } from '../../../local/outbox-stream.js';
import { findFreePort } from '../../../local/ports.js';
import { readOutbox } from '../../../local/ses-emulator.js';
import { localCredentials } from '../../../shared/adapters/local-credentials.js';
import { createSesClient } from '../../../shared/adapters/ses-mailer.js';
import { addDays } from '../../../shared/domain/dates.js';
import { newLicensee, startLocalApi, type LocalApi } from '../../support/local-api.js';
import { lambdaContext } from '../../../local/lambda-context.js';

/**
 * SES down while the API keeps working: the mail-sender's SES client points at a port nobody listens on (the
 * real SDK, its own retries, a real connection refusal) until the outage ends. Twenty requests that each write
 * a mail (signups and by-email privacy requests) are answered 2xx at once and nothing reaches SES; after
 * recovery the stream's retries deliver every mail exactly once, counted in the SES emulator's outbox, and a
 * later redrive sweep finds nothing left to send. (test/integration/mail/sender.test.ts proves one mail's
 * retry states by hand; workflow.test.ts one mail through intake.)
 */
let api: LocalApi;
let env: Record<string, string>;
let sesDown = false;
let refused = 0;
const clients: SESv2Client[] = [];

/** SES as the mail-sender sees it: the emulator, or during the outage a closed port. */
function switchingSes(live: SESv2Client, dead: SESv2Client): SESv2Client {
  return new Proxy(live, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: Parameters<SESv2Client['send']>[0]) => {
        if (!sesDown) return target.send(command);
        try {
          return await dead.send(command);
        } finally {
          refused += 1;
        }
      };
    },
  });
}

function outageSes(config: { AWS_REGION: string; SES_ENDPOINT?: string }, closedPort: number) {
  const live = createSesClient(config);
  // One attempt per send: the sender's own retries (the stream's) are what is under test, not the SDK's.
  const dead = new SESv2Client({
    region: config.AWS_REGION,
    endpoint: `http://127.0.0.1:${closedPort}`,
    credentials: localCredentials,
    maxAttempts: 1,
  });
  clients.push(live, dead);
  return switchingSes(live, dead);
}

beforeAll(async () => {
  const closedPort = await findFreePort();
  api = await startLocalApi(
    {},
    {
      // Called once the table exists and process.env names it: the real sender, with the switching client.
      loadMailSender: async () => {
        env = { ...process.env } as Record<string, string>;
        return localMailSender(env, { ses: outageSes({ AWS_REGION: 'eu-west-1', ...env }, closedPort) });
      },
    },
  );
});
afterAll(async () => {
  await api?.close();
  for (const client of clients) client.destroy();
});

async function registered(): Promise<string> {
  const input = newLicensee();
  const email = String(input.email).toLowerCase();
  expect((await api.call('POST', '/api/licensees', { body: input })).status).toBeLessThan(300);
  const confirmed = await api.call('POST', '/api/licensees/confirm', {
    body: { email, code: await api.latestCode(email) },
  });
  expect(confirmed.status).toBeLessThan(300);
  return email;
}

/** Waits (bounded) until the sender has tried and failed at least `count` sends: the outage was real. */
async function untilRefused(count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (refused < count) {
    if (Date.now() > deadline) throw new Error(`only ${refused} sends reached the dead SES`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('SES down on the mail-sender', () => {
  it('20 mails written during the outage: every request 2xx at once, each mail delivered once after recovery', async () => {
    // Six licensees whose signup mail went out before the outage.
    const licensees = await Promise.all(Array.from({ length: 6 }, () => registered()));
    await api.settleMail();
    const sinceSeconds = Math.floor(Date.now() / 1000) - 1;
    // Mails from before the outage (the six signup codes) are not counted below.
    const earlier = new Set(
      (await readOutbox(api.env.SES_ENDPOINT, sinceSeconds)).map((mail) => mail.messageId),
    );
    const readNew = async () =>
      (await readOutbox(api.env.SES_ENDPOINT, sinceSeconds)).filter((mail) => !earlier.has(mail.messageId));

    sesDown = true;
    const signups = Array.from({ length: 14 }, () => newLicensee());
    const responses = await Promise.all([
      ...signups.map((input) => api.call('POST', '/api/licensees', { body: input })),
      ...licensees.map((email) =>
        api.call('POST', '/api/privacy-requests/by-email', { body: { email, type: 'overview' } }),
      ),
    ]);
    expect(responses.map((response) => response.status).filter((status) => status >= 300)).toEqual([]);
    const addresses = [...signups.map((input) => String(input.email).toLowerCase()), ...licensees];

    // The sender tried every one of them against the dead SES: nothing arrived, nothing was given up.
    await untilRefused(20);
    const during = (await readNew()).filter((mail) => addresses.some((address) => mail.to.includes(address)));
    expect(during).toEqual([]);

    sesDown = false;
    await api.settleMail(60_000);
    const after = await readNew();
    const perAddress = addresses.map((address) => after.filter((mail) => mail.to.includes(address)).length);
    expect(perAddress).toEqual(addresses.map(() => 1));

    // The mails are the right ones: each signup code confirms its licence, each request code its request.
    for (const input of signups) {
      const email = String(input.email).toLowerCase();
      const confirmed = await api.call('POST', '/api/licensees/confirm', {
        body: { email, code: await api.latestCode(email) },
      });
      expect(confirmed.status).toBeLessThan(300);
    }
    for (const email of licensees) {
      const [mail] = after.filter((sent) => sent.to.includes(email));
      const [, reference, code] =
        /confirm-request\.html#(P-[0-9A-Z]{8})\.(\d{6})/.exec(mail?.text ?? '') ?? [];
      const confirmed = await api.call('POST', '/api/privacy-requests/confirm', {
        body: { reference, code },
      });
      expect(confirmed.body).toMatchObject({ type: 'overview', status: 'completed' });
    }
    await api.settleMail(60_000);

    // A redrive sweep a day later (the schedule's event) sends nothing twice.
    const refusedBefore = refused;
    const later = localMailSender(env, {
      ses: outageSes({ AWS_REGION: 'eu-west-1', ...env }, 1),
      clock: () => addDays(new Date(), 1),
    });
    const redrive = (await later({ source: 'aws.scheduler' }, lambdaContext('mail-sender'))) as {
      outcomes: string[];
    };
    expect(redrive.outcomes.filter((outcome) => outcome === 'sent')).toEqual([]);
    expect(refused).toBe(refusedBefore);
    const final = await readNew();
    // One code each, and for the six requests their outcome once confirmed: nothing doubled.
    expect(addresses.map((address) => final.filter((mail) => mail.to.includes(address)).length)).toEqual(
      addresses.map((address) => (licensees.includes(address) ? 2 : 1)),
    );
  }, 240_000);
});
