/**
 * Issue 9, "Concurrency: 50 parallel writes on each write route → 0 responses ≥ 500, data consistent".
 *
 * Table-driven over functions/routes.ts: every route that is not a GET (and the one public write path that is
 * not HTTP, mail to info@) has an entry, either a case here or the test file that already fires 50 parallel
 * requests at it (the guard test fails for a route with neither). Each case builds what the route acts on, then
 * fires 50 identical requests at once through the local HTTP adapter against the real functions on the
 * emulators, and asserts: no answer ≥ 500; every answer 2xx or an expected refusal (409 or 429 problem+json,
 * or the route's own, named refusal such as a used code); and afterwards the data holds exactly the effect
 * meant: one where one is meant (one session per sign-in, one licence per address, one decision, one mail),
 * one per accepted request where each request is its own (a note, a disclosure), each applied action with
 * exactly one audit event, and the record's version advanced once per applied write.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routes, staffRoleByRouteKey } from '../../../functions/routes.js';
import { generalMail, startMailDelivery, type MailDelivery } from '../../support/mail-delivery.js';
import { registerLicensee } from '../../support/licensees.js';
import { newLicensee, startLocalApi, type LocalApi } from '../../support/local-api.js';
import { recordedBreach } from '../../support/breaches.js';

// 50 requests at once against DynamoDB Local take seconds, more on a loaded machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const parallel = 50;
type Licensee = Awaited<ReturnType<typeof registerLicensee>>;
interface Answer {
  status: number;
  contentType: string;
  body: Record<string, unknown> | string | undefined;
}
interface AuditEvent {
  eventId: string;
  action: string;
  licenseeId?: string;
  subjectId?: string;
  actor: { kind: string; id: string };
}

/** What one case fires 50 times, and what it checks once all 50 answered. */
interface Burst {
  /** One request; the case's 50 are identical. */
  fire: () => Promise<Answer>;
  /** The data afterwards, given every answer. */
  check: (answers: Answer[]) => Promise<void>;
  /** Refusals besides 409 and 429 that this route gives a request that lost (e.g. 400 for a used code). */
  refusals?: { status: number; code: string; why: string }[];
}
interface Case {
  /** `METHOD /path` exactly as in functions/routes.ts, or `MAIL info@` for SES inbound. */
  route: string;
  variant?: string;
  prepare: () => Promise<Burst>;
}

let api: LocalApi;
let intake: MailDelivery;
beforeAll(async () => {
  api = await startLocalApi();
  intake = await startMailDelivery(api.env);
});
afterAll(async () => {
  await intake?.close();
  await api?.close();
});

/** A request through the edge, its body parsed when JSON (HTML pages stay text). */
async function send(
  method: string,
  path: string,
  { body, token }: { body?: unknown; token?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const parsed = text && /json/.test(contentType) ? (JSON.parse(text) as Record<string, unknown>) : text;
  return { status: response.status, contentType, body: parsed || undefined };
}
/** A staff route with a real access token of the route's minimum role. */
async function staff(route: string, body: unknown): Promise<Answer> {
  const role = staffRoleByRouteKey.get(route);
  if (!role) throw new Error(`${route} is not a staff route`);
  const [method, path] = route.split(' ') as [string, string];
  return send(method, path, { body, token: await api.staffToken(role) });
}
const json = (answer: Answer) => answer.body as Record<string, unknown>;
const ok = (answers: Answer[]) => answers.filter((answer) => answer.status < 300);

const today = () => new Date().toISOString().slice(0, 10);
async function eventsOf(licenseeId: string): Promise<AuditEvent[]> {
  const answer = await staff('POST /api/admin/audit', { licenseeId });
  return json(answer).events as AuditEvent[];
}
async function eventsSince(since: string): Promise<AuditEvent[]> {
  const answer = await staff('POST /api/admin/audit', { since: since.slice(0, 10) });
  return (json(answer).events as (AuditEvent & { at?: string })[]).filter(
    (event) => !event.at || event.at >= since,
  );
}
const actionsOf = (events: AuditEvent[], action: string) => events.filter((event) => event.action === action);

/** The items of a licensee's partition whose sort key starts with `prefix`, read straight from the table. */
async function itemsOf(licenseeId: string, prefix: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await api.dynamodb.send(
    new QueryCommand({
      TableName: api.env.TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': { S: `LICENSEE#${licenseeId}` }, ':prefix': { S: prefix } },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => unmarshall(item));
}
const profileOf = async (licenseeId: string) => (await itemsOf(licenseeId, 'PROFILE'))[0]!;
const sessionsOf = (licenseeId: string) => itemsOf(licenseeId, 'SESSION#');
const requestsOf = async (licenseeId: string) =>
  (await itemsOf(licenseeId, 'REQUEST#')) as {
    requestId: string;
    type: string;
    status: string;
    linkedTo?: string;
    version: number;
    receivedAt: string;
  }[];

/** A signed-in privacy request of the licensee; its reference. */
async function requestOf(licensee: Licensee, type: string, message?: string): Promise<string> {
  const answer = await send('POST', '/api/privacy-requests', {
    token: licensee.token,
    body: { type, ...(message ? { message } : {}) },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return json(answer).reference as string;
}
/** A general mail from `from` in the staff inbox; its reference. */
async function inboxItemFrom(from: string): Promise<string> {
  const messageId = `<${randomBytes(6).toString('hex')}@example.org>`;
  const mail = generalMail(from, 'Factuur', 'Waar blijft mijn factuur?', messageId);
  expect((await intake.deliver(mail, { envelopeSender: from })).outcome).toBe('general');
  const items = json(await staff('POST /api/admin/inbox/list', {})).items as {
    reference: string;
    sender: string | null;
  }[];
  return items.find((item) => item.sender === from)!.reference;
}
const mailsSince = async (to: string, count: number) => (await api.mailsTo(to)).slice(count);

/** A decision to report the breach as high risk (needed before licensees are told). */
const decisionOf = (breachId: string) => ({
  breachId,
  report: true,
  reason: 'Risico voor de betrokkenen niet uit te sluiten.',
  highRisk: true,
  authorityReference: 'AP-2026-123',
});
/** A breach recorded and decided as high risk; its id. */
async function decidedBreach(): Promise<string> {
  const breachId = json(await staff('POST /api/admin/breaches/record', recordedBreach())).breachId as string;
  expect((await staff('POST /api/admin/breaches/decide', decisionOf(breachId))).status).toBe(200);
  return breachId;
}

const usedCode = { status: 400, code: 'invalid-code', why: 'a parallel right guess used the code up' };

/** Exactly one of the answers applied the action, and the trail has exactly one event for it. */
function exactlyOne(answers: Answer[], events: AuditEvent[], action: string) {
  expect(ok(answers).length, 'at least one request succeeds').toBeGreaterThanOrEqual(1);
  expect(actionsOf(events, action).map((event) => event.action)).toEqual([action]);
}

const cases: Case[] = [
  // First, while the marketing audience is small (every active licensee of this file's table).
  {
    route: 'POST /api/admin/marketing/send',
    variant: 'one template 50 times: one send',
    prepare: async () => {
      const licensee = await registerLicensee(api);
      const since = new Date().toISOString();
      return {
        fire: () => staff('POST /api/admin/marketing/send', { template: 'training-invitation' }),
        check: async (answers) => {
          // A double click (or 50) starts one send: every caller is shown the same job.
          const jobIds = new Set(ok(answers).map((answer) => json(answer).jobId));
          expect(jobIds.size).toBe(1);
          expect(ok(answers).filter((answer) => json(answer).started === true)).toHaveLength(1);
          await api.waitForJob([...jobIds][0] as string);
          await api.settleMail();
          const events = await eventsSince(since);
          expect(actionsOf(events, 'job.started')).toHaveLength(1);
          expect(
            actionsOf(events, 'marketing.mail-sent').filter((e) => e.licenseeId === licensee.licenseeId),
          ).toHaveLength(1);
          const marketing = (await api.mailsTo(licensee.email)).filter(
            (mail) => mail.headers['List-Unsubscribe'],
          );
          expect(marketing).toHaveLength(1);
        },
      };
    },
  },
  {
    route: 'POST /api/marketing/unsubscribe',
    variant: 'one link pressed 50 times',
    prepare: async () => {
      // The link comes from a real marketing mail: only this licensee is in the audience when it is sent.
      const licensee = await registerLicensee(api);
      const sent = await staff('POST /api/admin/marketing/send', { template: 'product-update' });
      await api.waitForJob(json(sent).jobId as string);
      const mail = (await api.mailsTo(licensee.email)).find((m) => m.headers['List-Unsubscribe']);
      const link = new URL(/^<(.+)>$/.exec(mail!.headers['List-Unsubscribe']!)![1]!);
      const version = (await profileOf(licensee.licenseeId)).version as number;
      return {
        fire: () => send('POST', `${link.pathname}${link.search}`),
        check: async (answers) => {
          expect(answers.every((answer) => answer.status === 200)).toBe(true);
          exactlyOne(answers, await eventsOf(licensee.licenseeId), 'marketing.opted-out');
          const profile = await profileOf(licensee.licenseeId);
          expect(profile.marketingOptOut).toBe(true);
          expect(profile.version).toBe(version + 1);
        },
      };
    },
  },
  {
    route: 'POST /api/licensees/confirm',
    variant: 'the right code 50 times',
    prepare: async () => {
      const input = newLicensee();
      const email = String(input.email).toLowerCase();
      expect((await send('POST', '/api/licensees', { body: input })).status).toBe(202);
      const code = await api.latestCode(email);
      return {
        fire: () => send('POST', '/api/licensees/confirm', { body: { email, code } }),
        refusals: [usedCode],
        check: async (answers) => {
          // One licence for the address, activated once, with one session: the winner's.
          expect(ok(answers)).toHaveLength(1);
          const token = json(ok(answers)[0]!).token as string;
          const me = await send('GET', '/api/me', { token });
          const licenseeId = json(me).licenseeId as string;
          const found = json(await staff('POST /api/admin/licensees/find', { email })).licensees as unknown[];
          expect(found).toHaveLength(1);
          expect(await sessionsOf(licenseeId)).toHaveLength(1);
          expect((await profileOf(licenseeId)).status).toBe('active');
        },
      };
    },
  },
  {
    route: 'POST /api/sign-out',
    prepare: async () => {
      const licensee = await registerLicensee(api);
      return {
        fire: () => send('POST', '/api/sign-out', { token: licensee.token }),
        refusals: [
          { status: 401, code: 'unauthorised', why: 'a parallel sign-out already ended the session' },
        ],
        check: async () => {
          expect((await send('GET', '/api/me', { token: licensee.token })).status).toBe(401);
          expect(await sessionsOf(licensee.licenseeId)).toEqual([]);
        },
      };
    },
  },
  {
    route: 'POST /api/me/email/confirm',
    variant: 'the right code 50 times',
    prepare: async () => {
      const licensee = await registerLicensee(api);
      const newEmail = `verhuisd.${randomBytes(4).toString('hex')}@example.nl`;
      expect(
        (await send('PATCH', '/api/me', { token: licensee.token, body: { email: newEmail } })).status,
      ).toBe(200);
      const code = await api.latestCode(newEmail);
      const before = (await api.mailsTo(licensee.email)).length;
      const version = (await profileOf(licensee.licenseeId)).version as number;
      return {
        fire: () => send('POST', '/api/me/email/confirm', { token: licensee.token, body: { code } }),
        refusals: [usedCode],
        check: async (answers) => {
          expect(ok(answers)).toHaveLength(1);
          const me = json(await send('GET', '/api/me', { token: licensee.token }));
          expect((me.personalData as { email: string }).email).toBe(newEmail);
          // The old address is told once; the change wrote the profile once after the code was spent.
          const notices = (await mailsSince(licensee.email, before)).filter(
            (mail) => mail.subject === 'Uw e-mailadres is gewijzigd',
          );
          expect(notices).toHaveLength(1);
          const profile = await profileOf(licensee.licenseeId);
          expect(profile.emailChange).toBeUndefined();
          expect(profile.version as number).toBeGreaterThan(version);
          expect(await sessionsOf(licensee.licenseeId)).toHaveLength(1);
        },
      };
    },
  },
  {
    route: 'PUT /api/me/marketing',
    variant: 'the same opt-out 50 times',
    prepare: async () => {
      const licensee = await registerLicensee(api);
      const before = (await api.mailsTo(licensee.email)).length;
      const version = (await profileOf(licensee.licenseeId)).version as number;
      return {
        fire: () => send('PUT', '/api/me/marketing', { token: licensee.token, body: { optOut: true } }),
        check: async (answers) => {
          expect(answers.every((answer) => answer.status === 200)).toBe(true);
          const profile = await profileOf(licensee.licenseeId);
          expect(profile.marketingOptOut).toBe(true);
          // One change, one confirmation mail; the other 49 found it already made.
          expect(profile.version).toBe(version + 1);
          const confirmations = await mailsSince(licensee.email, before);
          expect(confirmations).toHaveLength(1);
        },
      };
    },
  },
  {
    route: 'POST /api/me/licence/end',
    prepare: async () => {
      const licensee = await registerLicensee(api);
      const version = (await profileOf(licensee.licenseeId)).version as number;
      return {
        fire: () => send('POST', '/api/me/licence/end', { token: licensee.token, body: { confirm: true } }),
        check: async (answers) => {
          exactlyOne(answers, await eventsOf(licensee.licenseeId), 'licence.ended');
          const profile = await profileOf(licensee.licenseeId);
          expect(profile.status).toBe('ended');
          expect(profile.version).toBe(version + 1);
          expect(new Set(ok(answers).map((answer) => json(answer).purgeAt)).size).toBe(1);
        },
      };
    },
  },
  {
    route: 'POST /api/privacy-requests',
    variant: 'one overview request 50 times',
    prepare: async () => {
      const licensee = await registerLicensee(api);
      return {
        fire: () =>
          send('POST', '/api/privacy-requests', { token: licensee.token, body: { type: 'overview' } }),
        check: async (answers) => {
          // An overview is answered at once, which frees the slot for the type: a request arriving after that
          // is worked again. So none is left unfinished, and every repeat is linked to a worked one.
          const requests = await requestsOf(licensee.licenseeId);
          const worked = new Map(
            requests.filter((r) => r.status !== 'linked').map((r) => [r.requestId, r] as const),
          );
          expect([...worked.values()].map((r) => r.status)).toEqual(Array(worked.size).fill('completed'));
          for (const repeat of requests.filter((r) => r.status === 'linked'))
            expect(worked.has(repeat.linkedTo!)).toBe(true);
          expect(requests).toHaveLength(ok(answers).length);
          const received = actionsOf(await eventsOf(licensee.licenseeId), 'privacy-request.received');
          expect(received).toHaveLength(requests.length);
        },
      };
    },
  },
  {
    route: 'POST /api/privacy-requests/confirm',
    variant: 'the right code 50 times',
    prepare: async () => {
      const licensee = await registerLicensee(api);
      expect(
        (
          await send('POST', '/api/privacy-requests/by-email', {
            body: { email: licensee.email, type: 'question', message: 'Hoe lang bewaren jullie mijn IBAN?' },
          })
        ).status,
      ).toBe(202);
      const mail = (await api.mailsTo(licensee.email)).at(-1);
      const [, reference, code] = /#(P-[0-9A-Z]{8})\.(\d{6})/.exec(mail?.text ?? '') ?? [];
      expect(reference).toBeDefined();
      return {
        fire: () => send('POST', '/api/privacy-requests/confirm', { body: { reference, code } }),
        refusals: [usedCode],
        check: async (answers) => {
          exactlyOne(answers, await eventsOf(licensee.licenseeId), 'privacy-request.confirmed');
          const requests = await requestsOf(licensee.licenseeId);
          expect(requests.map((request) => request.status)).toEqual(['open']);
          for (const answer of ok(answers)) expect(json(answer).reference).toBe(reference);
        },
      };
    },
  },
  {
    route: 'POST /api/account/not-me',
    prepare: async () => {
      const licensee = await registerLicensee(api);
      const newEmail = `overgenomen.${randomBytes(4).toString('hex')}@example.nl`;
      await send('PATCH', '/api/me', { token: licensee.token, body: { email: newEmail } });
      const code = await api.latestCode(newEmail);
      expect(
        (await send('POST', '/api/me/email/confirm', { token: licensee.token, body: { code } })).status,
      ).toBe(200);
      const text = (await api.mailsTo(licensee.email)).at(-1)?.text ?? '';
      const link = new URL(/(https?:\/\/\S+\/api\/account\/not-me\?token=[A-Za-z0-9._-]+)/.exec(text)![1]!);
      return {
        fire: () => send('POST', `${link.pathname}${link.search}`),
        check: async (answers) => {
          expect(answers.every((answer) => answer.status === 200)).toBe(true);
          expect(await sessionsOf(licensee.licenseeId)).toEqual([]);
          // One link, one request for staff, however often it is pressed at once.
          const complaints = (await requestsOf(licensee.licenseeId)).filter((r) => r.type === 'complaint');
          expect(complaints).toHaveLength(1);
          const received = actionsOf(await eventsOf(licensee.licenseeId), 'privacy-request.received');
          expect(received).toHaveLength(1);
        },
      };
    },
  },
  // Staff routes.
  ...(
    [
      ['POST /api/admin/requests/note', 'privacy-request.note-added'],
      ['POST /api/admin/disclosures/record', 'disclosure.recorded'],
    ] as const
  ).map(([route, action]): Case => ({
    route,
    variant: 'each request its own record',
    prepare: async () => {
      const licensee = await registerLicensee(api);
      const reference = await requestOf(licensee, 'question', 'Hoe lang bewaren jullie mijn IBAN?');
      const body =
        route === 'POST /api/admin/requests/note'
          ? { reference, note: 'Boekhouding gevraagd naar de bewaartermijn.' }
          : {
              licenseeId: licensee.licenseeId,
              recipient: 'Belastingdienst',
              basis: 'legal-obligation',
              categories: ['name'],
              reference: 'BD-1',
            };
      return {
        fire: () => staff(route, body),
        check: async (answers) => {
          expect(ok(answers)).toHaveLength(parallel);
          expect(actionsOf(await eventsOf(licensee.licenseeId), action)).toHaveLength(parallel);
          if (route === 'POST /api/admin/disclosures/record')
            expect(await itemsOf(licensee.licenseeId, 'DISCLOSURE#')).toHaveLength(parallel);
        },
      };
    },
  })),
  {
    route: 'POST /api/admin/requests/extend',
    prepare: async () => {
      const licensee = await registerLicensee(api);
      const reference = await requestOf(licensee, 'question', 'Hoe lang bewaren jullie mijn IBAN?');
      const [before] = await requestsOf(licensee.licenseeId);
      return {
        fire: () =>
          staff('POST /api/admin/requests/extend', {
            reference,
            months: 1,
            reason: 'Navraag bij de boekhouding.',
          }),
        check: async (answers) => {
          exactlyOne(answers, await eventsOf(licensee.licenseeId), 'privacy-request.extended');
          const [after] = await requestsOf(licensee.licenseeId);
          expect(after!.version).toBe(before!.version + 1);
        },
      };
    },
  },
  ...(
    [
      [
        'POST /api/admin/requests/close',
        'question',
        (reference: string) => ({ reference, response: 'Dit is ons antwoord op uw vraag.' }),
        'privacy-request.completed',
      ],
      [
        'POST /api/admin/requests/reject',
        'complaint',
        (reference: string) => ({ reference, reason: 'Geen verwerking door ZorgSom.' }),
        'privacy-request.rejected',
      ],
      [
        'POST /api/admin/requests/approve-deletion',
        'deletion',
        (reference: string) => ({ reference }),
        'privacy-request.deletion-approved',
      ],
    ] as const
  ).map(([route, type, body, action]): Case => ({
    route,
    prepare: async () => {
      const licensee = await registerLicensee(api);
      const reference = await requestOf(licensee, type, type === 'deletion' ? undefined : 'Een echte vraag.');
      const before = (await api.mailsTo(licensee.email)).length;
      return {
        fire: () => staff(route, body(reference)),
        check: async (answers) => {
          await api.jobsIdle();
          const events = await eventsOf(licensee.licenseeId);
          exactlyOne(answers, events, action);
          // The licensee is told once.
          expect(await mailsSince(licensee.email, before)).toHaveLength(1);
          if (type === 'deletion') {
            expect(actionsOf(events, 'job.started')).toHaveLength(1);
            expect(actionsOf(events, 'retention.purged')).toHaveLength(1);
          }
        },
      };
    },
  })),
  {
    route: 'POST /api/admin/licences/end',
    prepare: async () => {
      const licensee = await registerLicensee(api);
      const version = (await profileOf(licensee.licenseeId)).version as number;
      return {
        fire: () => staff('POST /api/admin/licences/end', { licenseeId: licensee.licenseeId }),
        check: async (answers) => {
          exactlyOne(answers, await eventsOf(licensee.licenseeId), 'licence.ended');
          expect((await profileOf(licensee.licenseeId)).version).toBe(version + 1);
        },
      };
    },
  },
  {
    route: 'POST /api/admin/holds/place',
    variant: 'the same hold 50 times',
    prepare: async () => {
      const licensee = await registerLicensee(api);
      const version = (await profileOf(licensee.licenseeId)).version as number;
      const hold = {
        licenseeId: licensee.licenseeId,
        reason: 'legal-claim',
        caseReference: 'CLAIM-9',
        until: '2027-01-31',
      };
      return {
        fire: () => staff('POST /api/admin/holds/place', hold),
        check: async (answers) => {
          // Each accepted placement is one write of the profile and one event: nothing applied unrecorded.
          const placed = actionsOf(await eventsOf(licensee.licenseeId), 'retention.hold-placed');
          expect(placed.length).toBeGreaterThanOrEqual(1);
          expect(placed).toHaveLength(ok(answers).length);
          const profile = await profileOf(licensee.licenseeId);
          expect(profile.version).toBe(version + placed.length);
          expect(profile.legalHold).toMatchObject({ caseReference: 'CLAIM-9' });
        },
      };
    },
  },
  {
    route: 'POST /api/admin/holds/lift',
    prepare: async () => {
      const licensee = await registerLicensee(api);
      const hold = {
        licenseeId: licensee.licenseeId,
        reason: 'legal-claim',
        caseReference: 'CLAIM-10',
        until: '2027-01-31',
      };
      expect((await staff('POST /api/admin/holds/place', hold)).status).toBe(200);
      const version = (await profileOf(licensee.licenseeId)).version as number;
      return {
        fire: () => staff('POST /api/admin/holds/lift', { licenseeId: licensee.licenseeId }),
        check: async (answers) => {
          exactlyOne(answers, await eventsOf(licensee.licenseeId), 'retention.hold-lifted');
          const profile = await profileOf(licensee.licenseeId);
          expect(profile.legalHold).toBeUndefined();
          expect(profile.version).toBe(version + 1);
        },
      };
    },
  },
  {
    route: 'POST /api/admin/budget-reviews/request',
    variant: 'each request its own review',
    prepare: async () => {
      const licensee = await registerLicensee(api);
      return {
        fire: () =>
          staff('POST /api/admin/budget-reviews/request', {
            licenseeId: licensee.licenseeId,
            reason: 'Controle begroting 2027',
          }),
        check: async (answers) => {
          const reviews = await itemsOf(licensee.licenseeId, 'BUDGETREVIEW#');
          expect(reviews).toHaveLength(ok(answers).length);
          expect(actionsOf(await eventsOf(licensee.licenseeId), 'budget-review.requested')).toHaveLength(
            reviews.length,
          );
        },
      };
    },
  },
  {
    route: 'POST /api/admin/budget-reviews/close',
    prepare: async () => {
      const licensee = await registerLicensee(api);
      const requested = await staff('POST /api/admin/budget-reviews/request', {
        licenseeId: licensee.licenseeId,
        reason: 'Controle begroting 2027',
      });
      const reviewId = json(requested).reviewId as string;
      await uploadAndAccept(licensee, reviewId);
      return {
        fire: () =>
          staff('POST /api/admin/budget-reviews/close', { licenseeId: licensee.licenseeId, reviewId }),
        check: async (answers) => {
          exactlyOne(answers, await eventsOf(licensee.licenseeId), 'budget-review.closed');
        },
      };
    },
  },
  {
    route: 'POST /api/admin/breaches/record',
    variant: 'each request its own breach',
    prepare: async () => {
      const since = new Date().toISOString();
      const description = `Overzicht ${randomBytes(4).toString('hex')} naar een verkeerd adres gemaild.`;
      return {
        fire: () => staff('POST /api/admin/breaches/record', { ...recordedBreach(), description }),
        check: async (answers) => {
          const ids = new Set(ok(answers).map((answer) => json(answer).breachId));
          expect(ids.size).toBe(ok(answers).length);
          const recorded = actionsOf(await eventsSince(since), 'breach.recorded').filter((event) =>
            ids.has(event.subjectId),
          );
          expect(recorded).toHaveLength(ids.size);
        },
      };
    },
  },
  {
    route: 'POST /api/admin/breaches/decide',
    prepare: async () => {
      const since = new Date().toISOString();
      const breachId = json(await staff('POST /api/admin/breaches/record', recordedBreach()))
        .breachId as string;
      const decision = decisionOf(breachId);
      return {
        fire: () => staff('POST /api/admin/breaches/decide', decision),
        check: async (answers) => {
          const events = (await eventsSince(since)).filter((event) => event.subjectId === breachId);
          exactlyOne(answers, events, 'breach.decided');
        },
      };
    },
  },
  {
    route: 'POST /api/admin/breaches/notify-licensees',
    variant: 'send',
    prepare: async () => {
      const since = new Date().toISOString();
      const licensee = await registerLicensee(api);
      const breachId = await decidedBreach();
      const before = (await api.mailsTo(licensee.email)).length;
      const notice = {
        breachId,
        licenseeIds: [licensee.licenseeId],
        whatYouCanDo: 'Wees alert op mail die om uw gegevens vraagt.',
        send: true,
      };
      return {
        fire: () => staff('POST /api/admin/breaches/notify-licensees', notice),
        check: async (answers) => {
          const events = (await eventsSince(since)).filter((event) => event.subjectId === breachId);
          exactlyOne(answers, events, 'breach.licensees-notified');
          expect(await mailsSince(licensee.email, before)).toHaveLength(1);
        },
      };
    },
  },
  ...(
    [
      ['POST /api/admin/inbox/answer', 'inbox.answered'],
      ['POST /api/admin/inbox/handle', 'inbox.handled'],
      ['POST /api/admin/inbox/convert', 'inbox.converted'],
    ] as const
  ).map(([route, action]): Case => ({
    route,
    prepare: async () => {
      const since = new Date().toISOString();
      const owner = await registerLicensee(api);
      const reference = await inboxItemFrom(owner.email);
      const before = (await api.mailsTo(owner.email)).length;
      const body =
        route === 'POST /api/admin/inbox/answer'
          ? { reference, text: 'Uw factuur is onderweg.' }
          : route === 'POST /api/admin/inbox/convert'
            ? { reference, type: 'overview' }
            : { reference };
      return {
        fire: () => staff(route, body),
        check: async (answers) => {
          const events = (await eventsSince(since)).filter((event) => event.action === action);
          exactlyOne(answers, events, action);
          if (route === 'POST /api/admin/inbox/answer')
            expect(await mailsSince(owner.email, before)).toHaveLength(1);
          if (route === 'POST /api/admin/inbox/convert')
            expect(await requestsOf(owner.licenseeId)).toHaveLength(1);
        },
      };
    },
  })),
  {
    route: 'POST /api/admin/retention/repurge',
    variant: 'each request its own job',
    prepare: async () => {
      const since = new Date().toISOString();
      return {
        fire: () => staff('POST /api/admin/retention/repurge', { since: today() }),
        check: async (answers) => {
          await api.jobsIdle();
          const jobIds = new Set(ok(answers).map((answer) => json(answer).jobId));
          expect(jobIds.size).toBe(ok(answers).length);
          const finished = actionsOf(await eventsSince(since), 'job.finished');
          expect(finished.length).toBeGreaterThanOrEqual(jobIds.size);
        },
      };
    },
  },
  {
    route: 'MAIL info@',
    variant: '50 privacy mails from one sender at once',
    prepare: async () => {
      const owner = await registerLicensee(api);
      const mail = () =>
        [
          `From: Test Licentiehouder <${owner.email}>`,
          'To: info@zorgsom.nl',
          'Subject: Privacy',
          `Message-ID: <${randomBytes(8).toString('hex')}@example.nl>`,
          'Date: Tue, 1 Dec 2026 09:00:00 +0100',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Graag inzage in mijn gegevens.',
          '',
        ].join('\n');
      return {
        fire: async () => {
          try {
            const { outcome } = await intake.deliver(mail(), { envelopeSender: owner.email });
            return { status: 200, contentType: 'text/plain', body: outcome };
          } catch (error) {
            // A failed invocation is SES's retry: Lambda's asynchronous invoke would run it again.
            return { status: 500, contentType: 'text/plain', body: (error as Error).name };
          }
        },
        check: async (answers) => {
          expect(new Set(answers.map((answer) => answer.body))).toEqual(new Set(['request-overview']));
          const requests = await requestsOf(owner.licenseeId);
          const worked = requests.filter((request) => request.status !== 'linked');
          expect(worked).toHaveLength(1);
          expect(requests).toHaveLength(parallel);
        },
      };
    },
  },
];

/** Write routes that already have a 50-parallel test elsewhere: the file, which must name the route. */
const coveredElsewhere: Record<string, string> = {
  'POST /api/licensees': 'test/integration/abuse/parallel-guesses.test.ts',
  'POST /api/sign-in/code': 'test/integration/abuse/parallel-guesses.test.ts',
  'POST /api/sign-in': 'test/integration/abuse/parallel-guesses.test.ts',
  'POST /api/sign-in/link': 'test/integration/abuse/lockout.test.ts',
  'PATCH /api/me': 'test/integration/abuse/parallel-guesses.test.ts',
  'POST /api/me/budget-reviews/upload-url': 'test/integration/staff/budget-review.test.ts',
  'POST /api/me/budget-reviews/decide': 'test/integration/abuse/budget-review-race.test.ts',
  'POST /api/privacy-requests/by-email': 'test/integration/abuse/mail-budget.test.ts',
  'POST /api/admin/requests/bulk-close': 'test/integration/staff/bulk-close.test.ts',
  'POST /api/admin/breaches/update': 'test/integration/staff/breaches.test.ts',
  'POST /api/admin/statement/notify': 'test/integration/staff/statement-notice.test.ts',
};

/**
 * POST routes that read (API Gateway's JWT routes take the query in a body): 50 at once must answer 200 and
 * leave exactly one audit event per answer where the read shows personal values, none where it does not.
 */
interface ReadCase {
  route: string;
  body: () => unknown;
  /** The audit event each read leaves; none for a read of counts, codes or staff's own text. */
  audited?: string;
}
const readWorld = {} as {
  owner: Licensee;
  reference: string;
  breachId: string;
  jobId: string;
  inbox: string;
  reviewId: string;
};
const readCases: ReadCase[] = [
  {
    route: 'POST /api/admin/licensees/show',
    body: () => ({ licenseeId: readWorld.owner.licenseeId }),
    audited: 'licensee.read-by-staff',
  },
  {
    route: 'POST /api/admin/licensees/find',
    body: () => ({ email: readWorld.owner.email }),
    audited: 'licensee.searched-by-staff',
  },
  { route: 'POST /api/admin/dashboard', body: () => ({}) },
  { route: 'POST /api/admin/dashboard/csv', body: () => ({}) },
  { route: 'POST /api/admin/requests/list', body: () => ({}) },
  { route: 'POST /api/admin/requests/detail', body: () => ({ reference: readWorld.reference }) },
  {
    route: 'POST /api/admin/requests/show-text',
    body: () => ({ reference: readWorld.reference }),
    audited: 'privacy-request.read-by-staff',
  },
  {
    route: 'POST /api/admin/requests/show',
    body: () => ({ reference: readWorld.reference }),
    audited: 'privacy-request.read-by-staff',
  },
  {
    route: 'POST /api/admin/requests/reject-preview',
    body: () => ({ reference: readWorld.reference, reason: 'De mail kwam van een andere partij.' }),
  },
  { route: 'POST /api/admin/breaches/list', body: () => ({}) },
  { route: 'POST /api/admin/breaches/show', body: () => ({ breachId: readWorld.breachId }) },
  { route: 'POST /api/admin/breaches/export', body: () => ({ breachId: readWorld.breachId }) },
  {
    route: 'POST /api/admin/breaches/notify-licensees',
    body: () => ({
      breachId: readWorld.breachId,
      licenseeIds: [readWorld.owner.licenseeId],
      whatYouCanDo: 'Wees alert op mail die om uw gegevens vraagt.',
      send: false,
    }),
  },
  { route: 'POST /api/admin/reports/activity', body: () => ({ from: today(), to: today() }) },
  { route: 'POST /api/admin/audit', body: () => ({ licenseeId: readWorld.owner.licenseeId }) },
  {
    route: 'POST /api/admin/budget-reviews/read',
    body: () => ({ licenseeId: readWorld.owner.licenseeId, reviewId: readWorld.reviewId }),
    audited: 'budget-review.upload-read-by-staff',
  },
  { route: 'POST /api/admin/marketing/audience', body: () => ({}) },
  { route: 'POST /api/admin/inbox/list', body: () => ({}), audited: 'inbox.listed' },
  {
    route: 'POST /api/admin/inbox/show',
    body: () => ({ reference: readWorld.inbox }),
    audited: 'inbox.read',
  },
  { route: 'POST /api/admin/marketing/preview', body: () => ({ template: 'product-update' }) },
  { route: 'POST /api/admin/jobs/show', body: () => ({ jobId: readWorld.jobId }) },
];

const keyOf = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

describe('every write route has a 50-parallel test', () => {
  it('each non-GET route of functions/routes.ts is a case here, a read case, or named with the file that tests it', () => {
    const here = new Set([...cases.map((entry) => entry.route), ...readCases.map((entry) => entry.route)]);
    const writeRoutes = routes.filter((route) => route.method !== 'GET').map(keyOf);
    expect(writeRoutes.filter((route) => !here.has(route) && !coveredElsewhere[route])).toEqual([]);
    // Nothing listed that is not a route (a renamed route must be renamed here too).
    const known = new Set([...writeRoutes, 'MAIL info@']);
    expect([...here, ...Object.keys(coveredElsewhere)].filter((route) => !known.has(route))).toEqual([]);
    // The file named for a route exists and fires 50 requests at that route.
    for (const [route, file] of Object.entries(coveredElsewhere)) {
      expect(existsSync(file), file).toBe(true);
      const text = readFileSync(file, 'utf8');
      expect(text, `${file} names ${route}`).toContain(`'${route.split(' ')[1]}'`);
      expect(text, `${file} fires 50 at once`).toMatch(/length: (50|parallel)\b/);
    }
  });
});

function expectOnlyExpected(answers: Answer[], refusals: Burst['refusals'] = []) {
  expect(answers).toHaveLength(parallel);
  const described = answers.map(
    (answer) => `${answer.status} ${String(JSON.stringify(answer.body)).slice(0, 120)}`,
  );
  expect(
    answers.filter((answer) => answer.status >= 500).map((answer) => answer.body),
    'no 5xx',
  ).toEqual([]);
  for (const [i, answer] of answers.entries()) {
    if (answer.status < 300) continue;
    const named = refusals.find((refusal) => refusal.status === answer.status);
    const expected = [409, 429].includes(answer.status) || named !== undefined;
    expect(expected, described[i]).toBe(true);
    expect(answer.contentType, described[i]).toMatch(/^application\/problem\+json/);
    if (named) expect(json(answer).code, `${named.why}: ${described[i]}`).toBe(named.code);
  }
}

describe('50 identical parallel requests on each write route: no 5xx, the data consistent', () => {
  it.each(
    cases.map((entry) => [`${entry.route}${entry.variant ? ` (${entry.variant})` : ''}`, entry] as const),
  )('%s', async (_name, entry) => {
    const burst = await entry.prepare();
    const answers = await Promise.all(Array.from({ length: parallel }, () => burst.fire()));
    expectOnlyExpected(answers, burst.refusals);
    await api.settleMail(120_000);
    await burst.check(answers);
  });
});

describe('50 parallel staff reads sent as POST: all answered, audited once each where they show personal values', () => {
  beforeAll(async () => {
    readWorld.owner = await registerLicensee(api);
    readWorld.reference = await requestOf(readWorld.owner, 'question', 'Hoe lang bewaren jullie mijn IBAN?');
    readWorld.breachId = await decidedBreach();
    readWorld.inbox = await inboxItemFrom(`lezer.${randomBytes(4).toString('hex')}@example.org`);
    const requested = await staff('POST /api/admin/budget-reviews/request', {
      licenseeId: readWorld.owner.licenseeId,
      reason: 'Controle begroting 2027',
    });
    readWorld.reviewId = json(requested).reviewId as string;
    await uploadAndAccept(readWorld.owner, readWorld.reviewId);
    const job = await staff('POST /api/admin/retention/repurge', { since: today() });
    readWorld.jobId = json(job).jobId as string;
    await api.waitForJob(readWorld.jobId);
  });

  it.each(readCases.map((entry) => [entry.route, entry] as const))('%s', async (_name, entry) => {
    const since = new Date().toISOString();
    const answers = await Promise.all(
      Array.from({ length: parallel }, () => staff(entry.route, entry.body())),
    );
    expectOnlyExpected(answers);
    expect(answers.map((answer) => answer.status)).toEqual(Array(parallel).fill(200));
    const events = (await eventsSince(since)).filter((event) => event.action !== 'job.finished');
    if (entry.audited) {
      expect(actionsOf(events, entry.audited)).toHaveLength(parallel);
    }
    const others = events.filter((event) => event.action !== entry.audited);
    expect(others.map((event) => event.action)).toEqual([]);
  });
});

/** The licensee's side of a budget review: upload on the presigned URL, then accept with consent. */
async function uploadAndAccept(licensee: Licensee, reviewId: string) {
  const { createHash } = await import('node:crypto');
  const file = Buffer.from('Begroting 2027\n12 behandelingen à € 95\n');
  const target = await send('POST', '/api/me/budget-reviews/upload-url', {
    token: licensee.token,
    body: {
      reviewId,
      contentType: 'text/csv',
      bytes: file.length,
      sha256: createHash('sha256').update(file).digest('base64'),
    },
  });
  expect(target.status).toBe(200);
  const { url, headers } = json(target) as { url: string; headers: Record<string, string> };
  expect((await fetch(url, { method: 'PUT', headers, body: file })).status).toBe(200);
  const accepted = await send('POST', '/api/me/budget-reviews/decide', {
    token: licensee.token,
    body: { reviewId, decision: 'accept', patientConsent: true },
  });
  expect(accepted.status).toBe(200);
}
