/**
 * Staff see personal data only through an audited read, and the audit comes first: when the audit write
 * fails, nothing is decrypted and nothing is shown. Fault injection on the audit port; everything else is the
 * real stack (DynamoDB Local, the KMS endpoint).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readOutbox } from '../../../local/ses-emulator.js';
import { createIsolatedTable, type IsolatedTable } from '../../../local/table.js';
import { loadConfig } from '../../../shared/config.js';
import { signupBodySchema } from '../../../shared/domain/licensee-input.js';
import { createRequest } from '../../../shared/services/requests/workflow.js';
import { requireLicensee } from '../../../shared/services/session.js';
import { confirmSignup, signup } from '../../../shared/services/signup.js';
import type { Envelope } from '../../../shared/services/ports.js';
import { showLicenseeToStaff } from '../../../shared/services/staff/licensee-access.js';
import { extendRequest, showRequest } from '../../../shared/services/staff/request-actions.js';
import { createRequestDeps } from '../../../shared/wiring/requests.js';
import { createStaffDeps } from '../../../shared/wiring/staff.js';
import { newLicensee } from '../../support/local-api.js';

let table: IsolatedTable;
const staff = { kind: 'staff', id: 'audited-reads-test' } as const;
const quiet = { count: () => {} };

beforeAll(async () => {
  table = await createIsolatedTable(inject('localEnv'), 'zorgsom-audited-reads');
});
afterAll(async () => {
  await table?.drop();
});

/** Counts decryptions, so a test can tell "refused before decrypting" from "decrypted, then refused". */
function counting(envelope: Envelope): Envelope & { decrypts: number } {
  const counted = {
    decrypts: 0,
    encrypt: envelope.encrypt.bind(envelope),
    decrypt: async (ciphertext: Uint8Array, expected: Parameters<Envelope['decrypt']>[1]) => {
      counted.decrypts += 1;
      return envelope.decrypt(ciphertext, expected);
    },
  };
  return counted;
}

const auditDown = {
  record: async () => {
    throw new Error('audit write failed');
  },
};

async function licenseeWithRequest() {
  const deps = createRequestDeps(loadConfig(table.env), quiet);
  const body = signupBodySchema.parse(newLicensee());
  await signup(deps, body);
  await table.mail!.settle();
  const mail = (await readOutbox(table.env.SES_ENDPOINT!)).filter((m) => m.to.includes(body.email)).at(-1)!;
  const grant = await confirmSignup(deps, {
    email: body.email,
    code: /\b(\d{6})\b/.exec(mail.text ?? '')![1]!,
  });
  const licenseeId = await requireLicensee(deps, grant.token);
  const request = await createRequest(deps, {
    licenseeId,
    type: 'question',
    channel: 'web',
    verifiedBy: 'session',
    actor: { kind: 'licensee', id: licenseeId },
    message: 'Welke gegevens hebt u van mij?',
  });
  return { licenseeId, name: body.name, reference: request.reference };
}

describe('staff reads are audited before any plaintext exists', () => {
  it('shows a licensee only when the audit write succeeded', async () => {
    const { licenseeId, name } = await licenseeWithRequest();
    const base = createStaffDeps(loadConfig(table.env), quiet);

    const refused = { ...base, envelope: counting(base.envelope), audit: { ...base.audit, ...auditDown } };
    await expect(showLicenseeToStaff(refused, staff, licenseeId)).rejects.toThrow('audit write failed');
    expect(refused.envelope.decrypts).toBe(0);

    const allowed = { ...base, envelope: counting(base.envelope) };
    expect((await showLicenseeToStaff(allowed, staff, licenseeId)).personalData.name).toBe(name);
    expect(allowed.envelope.decrypts).toBeGreaterThan(0);
  });

  it("shows a request's text only when the audit write succeeded", async () => {
    const { reference } = await licenseeWithRequest();
    const base = createRequestDeps(loadConfig(table.env), quiet);

    const refused = { ...base, envelope: counting(base.envelope), audit: { ...base.audit, ...auditDown } };
    await expect(showRequest(refused, staff, reference)).rejects.toThrow('audit write failed');
    expect(refused.envelope.decrypts).toBe(0);

    const allowed = { ...base, envelope: counting(base.envelope) };
    expect((await showRequest(allowed, staff, reference)).message).toBe('Welke gegevens hebt u van mij?');
    expect(allowed.envelope.decrypts).toBeGreaterThan(0);
  });
});

describe('a staff decision exists only with its mail to the licensee', () => {
  it('an extension whose mail cannot be written is not made at all; with the mail it is, and the mail arrives', async () => {
    const { reference } = await licenseeWithRequest();
    const base = createRequestDeps(loadConfig(table.env), quiet);
    const before = await showRequest(base, staff, reference);
    await table.mail!.settle();
    const mailsAbout = async () =>
      (await readOutbox(table.env.SES_ENDPOINT!)).filter((mail) => mail.subject.includes(reference)).length;
    const mailedBefore = await mailsAbout();
    const input = { reference, months: 1, reason: 'Navraag bij de boekhouding.' };

    const outboxDown = {
      ...base,
      mailer: {
        ...base.mailer,
        outboxItem: async () => {
          throw new Error('outbox write failed');
        },
      },
    };
    await expect(extendRequest(outboxDown, staff, input)).rejects.toThrow('outbox write failed');
    expect((await showRequest(base, staff, reference)).dueAt).toBe(before.dueAt);
    await table.mail!.settle();
    expect(await mailsAbout()).toBe(mailedBefore);

    const extended = await extendRequest(base, staff, input);
    expect(extended.dueAt).not.toBe(before.dueAt);
    await table.mail!.settle();
    expect(await mailsAbout()).toBe(mailedBefore + 1);
  });
});
