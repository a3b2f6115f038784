/**
 * Issue 12, Tests: each console action writes exactly one audit event naming the staff member. Table-driven
 * over functions/routes.ts: every staff route has an entry here (a route added without one fails the first
 * test), called with a real access token of the route's minimum role (local staff-idp: password, TOTP, code
 * exchange) against the real functions on the local emulators. After each call the events the table did not
 * have before must be exactly the ones listed, in kind and number, each naming that staff member by `sub` and
 * username. A route that changes nothing and shows no personal value lists none and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffRoleByRouteKey, staffRoutes } from '../../../functions/routes.js';
import { staffRoles, type StaffRole } from '../../../shared/domain/staff-roles.js';
import { generalMail, startMailDelivery } from '../../support/mail-delivery.js';
import { uploaded } from '../../support/budget-reviews.js';
import { registerLicensee } from '../../support/licensees.js';
import { startLocalApi, type LocalApi } from '../../support/local-api.js';
import { recordedBreach } from '../../support/breaches.js';

type Licensee = Awaited<ReturnType<typeof registerLicensee>>;
interface Event {
  eventId: string;
  action: string;
  actor: { kind: string; id: string; username?: string };
  details: Record<string, unknown>;
}
type Answer = { status: number; body: Record<string, unknown> };

let api: LocalApi;
/** What the cases act on, made before any case runs (its own events are not the cases' business). */
const world = {} as {
  owner: Licensee;
  question: string;
  complaint: string;
  deletion: string;
  unconfirmedOwner: Licensee;
  ending: Licensee;
  reviewer: Licensee;
  reviewId: string;
  breachId: string;
  jobId: string;
  /** Staff-inbox items: general mail from a stranger (answered, handled) and from the owner (converted). */
  strangersMail: string;
  ownersMail: string;
};

const createRequest = async (licensee: Licensee, type: string, message?: string) => {
  const answer = await api.call('POST', '/api/privacy-requests', {
    token: licensee.token,
    body: { type, ...(message ? { message } : {}) },
  });
  expect(answer.status).toBeLessThan(300);
  return answer.body.reference as string;
};

const today = new Date().toISOString().slice(0, 10);
const allEvents = async (): Promise<Event[]> =>
  (await api.staff('POST', '/api/admin/audit', { since: today }, 'viewer')).body.events as Event[];

beforeAll(async () => {
  api = await startLocalApi();
  world.owner = await registerLicensee(api);
  world.question = await createRequest(world.owner, 'question', 'Hoe lang bewaren jullie mijn IBAN?');
  world.complaint = await createRequest(world.owner, 'complaint', 'Ik kreeg reclame na mijn afmelding.');
  world.unconfirmedOwner = await registerLicensee(api);
  const unconfirmed = await api.call('POST', '/api/privacy-requests/by-email', {
    body: { email: world.unconfirmedOwner.email, type: 'complaint', message: 'Nooit bevestigd.' },
  });
  expect(unconfirmed.status).toBeLessThan(300);
  // Stored by the by-email worker, after the answer.
  await api.byEmailSettled();
  const leaving = await registerLicensee(api);
  world.deletion = await createRequest(leaving, 'deletion');
  world.ending = await registerLicensee(api);
  world.reviewer = await registerLicensee(api);
  const intake = await startMailDelivery(api.env);
  const inboxReference = async (from: string, subject: string, messageId: string) => {
    const mail = generalMail(from, subject, 'Waar blijft mijn factuur?', messageId);
    expect((await intake.deliver(mail, { envelopeSender: from })).outcome).toBe('general');
    const listed = await api.staff('POST', '/api/admin/inbox/list', {}, 'handler');
    const items = listed.body.items as { reference: string; sender: string | null }[];
    return items.find((item) => item.sender === from)!.reference;
  };
  const stranger = `onbekend.${Date.now().toString(36)}@example.org`;
  world.strangersMail = await inboxReference(stranger, 'Factuur', '<audit-f1@example.org>');
  world.ownersMail = await inboxReference(world.owner.email, 'Factuur', '<audit-f2@example.nl>');
  await intake.close();
});
afterAll(async () => {
  await api?.close();
});

/** The licensee's side of a budget review: upload on the presigned URL, then accept with consent. */
async function uploadAndAccept(licensee: Licensee, reviewId: string) {
  await uploaded(api, licensee.token, reviewId, Buffer.from('Begroting 2027\n12 behandelingen à € 95\n'));
  const accepted = await api.call('POST', '/api/me/budget-reviews/decide', {
    token: licensee.token,
    body: { reviewId, decision: 'accept', patientConsent: true },
  });
  expect(accepted.status).toBe(200);
}

interface Case {
  /** `METHOD /path` as in functions/routes.ts. */
  route: string;
  /** When a route has more than one case. */
  variant?: string;
  /** Set-up between cases (its own events are not counted). */
  before?: () => Promise<void>;
  body?: () => unknown;
  status?: number;
  /** The events the call must leave, in kind and number (order free); none for a route that needs none. */
  audit: string[] | ((answer: Answer) => string[]);
  /** Why a route writes nothing: it changes nothing and shows no personal value. */
  nothingBecause?: string;
  /** Called after the answer, e.g. to keep an id for a later case. */
  after?: (answer: Answer) => void | Promise<void>;
}

const cases: Case[] = [
  {
    route: 'GET /api/admin/reports/processing-register',
    audit: [],
    nothingBecause: 'the register is the policy file: no personal value',
  },
  { route: 'POST /api/admin/dashboard', body: () => ({}), audit: [], nothingBecause: 'counts only' },
  { route: 'POST /api/admin/dashboard/csv', body: () => ({}), audit: [], nothingBecause: 'counts only' },
  {
    route: 'POST /api/admin/reports/activity',
    body: () => ({ from: today, to: today }),
    audit: [],
    nothingBecause: 'counts only',
  },
  {
    route: 'POST /api/admin/audit',
    body: () => ({ licenseeId: world.owner.licenseeId }),
    audit: [],
    nothingBecause: 'the trail holds ids, codes and counts, never a personal value',
  },
  {
    route: 'POST /api/admin/requests/list',
    body: () => ({}),
    audit: [],
    nothingBecause: 'references, types, statuses and dates only',
  },
  {
    route: 'POST /api/admin/requests/list',
    variant: 'by email',
    body: () => ({ email: world.owner.email }),
    audit: ['privacy-request.searched-by-staff'],
  },
  {
    route: 'POST /api/admin/requests/detail',
    body: () => ({ reference: world.question }),
    audit: [],
    nothingBecause: 'the timeline of codes, without the text',
  },
  {
    route: 'POST /api/admin/requests/show-text',
    body: () => ({ reference: world.question }),
    audit: ['privacy-request.read-by-staff'],
  },
  {
    route: 'POST /api/admin/requests/show',
    body: () => ({ reference: world.question }),
    audit: ['privacy-request.read-by-staff'],
  },
  {
    route: 'POST /api/admin/requests/note',
    body: () => ({ reference: world.question, note: 'Boekhouding gevraagd naar de bewaartermijn.' }),
    audit: ['privacy-request.note-added'],
  },
  {
    route: 'POST /api/admin/requests/reject-preview',
    body: () => ({ reference: world.complaint, reason: 'De mail kwam van een andere partij.' }),
    audit: [],
    nothingBecause: "staff's own reason in the template: nothing stored, sent or decrypted",
  },
  {
    route: 'POST /api/admin/requests/extend',
    body: () => ({ reference: world.question, months: 1, reason: 'Navraag bij de boekhouding.' }),
    audit: ['privacy-request.extended'],
  },
  {
    route: 'POST /api/admin/requests/close',
    body: () => ({ reference: world.question, response: 'Dit is ons antwoord op uw vraag.' }),
    audit: ['privacy-request.completed'],
  },
  {
    route: 'POST /api/admin/requests/close',
    variant: 'refused: already answered',
    body: () => ({ reference: world.question, response: 'Een tweede antwoord.' }),
    status: 409,
    audit: [],
  },
  {
    route: 'POST /api/admin/requests/reject',
    body: () => ({ reference: world.complaint, reason: 'Geen verwerking door ZorgSom.' }),
    audit: ['privacy-request.rejected'],
  },
  {
    route: 'POST /api/admin/requests/bulk-close',
    body: () => ({ filter: { status: ['awaiting-confirmation'] }, as: 'spam', expectedCount: 1 }),
    audit: ['privacy-request.closed-as-spam'],
  },
  {
    route: 'POST /api/admin/requests/approve-deletion',
    body: () => ({ reference: world.deletion }),
    // The approval, then the purge it starts as a job, done in the staff member's name.
    audit: [
      'privacy-request.deletion-approved',
      'job.started',
      'licence.ended',
      'retention.purged',
      'job.finished',
    ],
  },
  {
    route: 'POST /api/admin/licensees/find',
    body: () => ({ email: world.owner.email }),
    audit: ['licensee.searched-by-staff'],
  },
  {
    route: 'POST /api/admin/licensees/show',
    body: () => ({ licenseeId: world.owner.licenseeId }),
    audit: ['licensee.read-by-staff'],
  },
  {
    route: 'POST /api/admin/disclosures/record',
    body: () => ({
      licenseeId: world.owner.licenseeId,
      recipient: 'Belastingdienst',
      basis: 'legal-obligation',
      categories: ['name'],
      reference: 'BD-1',
    }),
    audit: ['disclosure.recorded'],
  },
  {
    route: 'POST /api/admin/holds/place',
    body: () => ({
      licenseeId: world.ending.licenseeId,
      reason: 'legal-claim',
      caseReference: 'CLAIM-9',
      until: '2027-01-31',
    }),
    audit: ['retention.hold-placed'],
  },
  {
    route: 'POST /api/admin/holds/lift',
    body: () => ({ licenseeId: world.ending.licenseeId }),
    audit: ['retention.hold-lifted'],
  },
  {
    route: 'POST /api/admin/licences/end',
    body: () => ({ licenseeId: world.ending.licenseeId }),
    audit: ['licence.ended'],
  },
  {
    route: 'POST /api/admin/budget-reviews/request',
    body: () => ({ licenseeId: world.reviewer.licenseeId, reason: 'Controle begroting 2027' }),
    audit: ['budget-review.requested'],
    after: (answer) => {
      world.reviewId = answer.body.reviewId as string;
    },
  },
  {
    route: 'POST /api/admin/budget-reviews/read',
    before: () => uploadAndAccept(world.reviewer, world.reviewId),
    body: () => ({ licenseeId: world.reviewer.licenseeId, reviewId: world.reviewId }),
    audit: ['budget-review.upload-read-by-staff'],
  },
  {
    route: 'POST /api/admin/budget-reviews/close',
    body: () => ({ licenseeId: world.reviewer.licenseeId, reviewId: world.reviewId }),
    audit: ['budget-review.closed'],
  },
  {
    route: 'POST /api/admin/breaches/record',
    body: recordedBreach,
    audit: ['breach.recorded'],
    after: (answer) => {
      world.breachId = answer.body.breachId as string;
    },
  },
  {
    route: 'POST /api/admin/breaches/list',
    body: () => ({}),
    audit: [],
    nothingBecause: "staff's own descriptions, codes and counts",
  },
  {
    route: 'POST /api/admin/breaches/show',
    body: () => ({ breachId: world.breachId }),
    audit: [],
    nothingBecause: "staff's own descriptions, codes and counts",
  },
  {
    route: 'POST /api/admin/breaches/export',
    body: () => ({ breachId: world.breachId }),
    audit: [],
    nothingBecause: 'the same answers as breaches/show, as text for the AP form',
  },
  {
    route: 'POST /api/admin/breaches/update',
    body: () => ({ ...recordedBreach(), breachId: world.breachId, version: 1, approximateRecords: 14 }),
    audit: ['breach.updated'],
  },
  {
    route: 'POST /api/admin/breaches/decide',
    body: () => ({
      breachId: world.breachId,
      report: true,
      reason: 'Risico voor de betrokkenen niet uit te sluiten.',
      highRisk: true,
      authorityReference: 'AP-2026-123',
    }),
    audit: ['breach.decided'],
  },
  {
    route: 'POST /api/admin/breaches/notify-licensees',
    variant: 'preview',
    body: () => ({
      breachId: world.breachId,
      licenseeIds: [world.owner.licenseeId],
      whatYouCanDo: 'Wees alert op mail die om uw gegevens vraagt.',
      send: false,
    }),
    audit: [],
    nothingBecause: 'a preview with placeholders: nothing sent or decrypted',
  },
  {
    route: 'POST /api/admin/breaches/notify-licensees',
    variant: 'send',
    body: () => ({
      breachId: world.breachId,
      licenseeIds: [world.owner.licenseeId],
      whatYouCanDo: 'Wees alert op mail die om uw gegevens vraagt.',
      send: true,
    }),
    audit: ['breach.licensees-notified'],
  },
  {
    route: 'POST /api/admin/marketing/audience',
    body: () => ({}),
    audit: [],
    nothingBecause: 'a count',
  },
  {
    route: 'POST /api/admin/marketing/preview',
    body: () => ({ template: marketingTemplate }),
    audit: [],
    nothingBecause: 'the template with placeholders',
  },
  {
    route: 'POST /api/admin/marketing/send',
    body: () => ({ template: marketingTemplate }),
    // The start, one event per mail that left (in each recipient's trail), the end: all in the staff member's name.
    audit: () => [
      'job.started',
      ...Array<string>(marketingAudience).fill('marketing.mail-sent'),
      'marketing.sent',
    ],
    after: (answer) => {
      world.jobId = answer.body.jobId as string;
    },
  },
  {
    route: 'POST /api/admin/jobs/show',
    body: () => ({ jobId: world.jobId }),
    audit: [],
    nothingBecause: "a job's kind, progress and counts",
  },
  {
    route: 'POST /api/admin/statement/notify',
    body: () => ({}),
    audit: () => [
      'job.started',
      ...Array<string>(noticeRecipients).fill('statement.notice-sent'),
      'statement.notice-finished',
    ],
  },
  {
    route: 'POST /api/admin/inbox/list',
    body: () => ({}),
    // The list names each mail's sender: a read of personal values.
    audit: ['inbox.listed'],
  },
  {
    route: 'POST /api/admin/inbox/show',
    body: () => ({ reference: world.strangersMail }),
    audit: ['inbox.read'],
  },
  {
    route: 'POST /api/admin/inbox/answer',
    body: () => ({ reference: world.strangersMail, text: 'Uw factuur is onderweg.' }),
    audit: ['inbox.answered'],
  },
  {
    route: 'POST /api/admin/inbox/handle',
    body: () => ({ reference: world.strangersMail }),
    audit: ['inbox.handled'],
  },
  {
    route: 'POST /api/admin/inbox/convert',
    body: () => ({ reference: world.ownersMail, type: 'overview' }),
    audit: ['inbox.converted', 'privacy-request.received'],
  },
  {
    route: 'POST /api/admin/retention/repurge',
    body: () => ({ since: today }),
    // The deletion purged above is checked again and found still gone: no re-purge, so no certificate.
    audit: ['job.started', 'job.finished'],
  },
];

const marketingTemplate = 'product-update';
/** Active, opted-in licensees when marketing is sent: owner, the unconfirmed request's owner and the reviewer. */
const marketingAudience = 3;
/** Everyone not pending and not purged: owner, the unconfirmed request's owner, the ended and the reviewer. */
const noticeRecipients = 4;

const keyOf = (entry: Case) => entry.route;
const roleOf = (entry: Case): StaffRole => {
  const role = staffRoleByRouteKey.get(keyOf(entry));
  if (!role) throw new Error(`${entry.route} is not a staff route in functions/routes.ts`);
  return role;
};

describe('audit completeness', () => {
  it('has a case for every staff route, and a reason for every route that writes nothing', () => {
    const covered = new Set(cases.map(keyOf));
    const routes = staffRoutes.map((route) => `${route.method} ${route.path}`);
    expect(routes.filter((route) => !covered.has(route))).toEqual([]);
    for (const entry of cases) roleOf(entry);
    const silent = cases.filter(
      (entry) => Array.isArray(entry.audit) && entry.audit.length === 0 && (entry.status ?? 200) === 200,
    );
    expect(silent.filter((entry) => !entry.nothingBecause).map(keyOf)).toEqual([]);
  });

  it.each(
    cases.map((entry) => [`${entry.route}${entry.variant ? ` (${entry.variant})` : ''}`, entry] as const),
  )('%s', async (_name, entry) => {
    await entry.before?.();
    const seen = new Set((await allEvents()).map((event) => event.eventId));
    const [method, path] = entry.route.split(' ') as [string, string];
    const role = roleOf(entry);
    // A role below the route's is refused and leaves no trace.
    const below = staffRoles[staffRoles.indexOf(role) - 1];
    if (below) {
      expect((await api.staff(method, path, entry.body?.(), below)).status).toBe(403);
      expect((await allEvents()).filter((event) => !seen.has(event.eventId))).toEqual([]);
    }
    const answer = (await api.staff(method, path, entry.body?.(), role)) as Answer;
    expect(answer.status, JSON.stringify(answer.body)).toBe(entry.status ?? 200);
    const jobId = answer.body?.jobId;
    if (typeof jobId === 'string') await api.waitForJob(jobId);
    await api.jobsIdle();
    const added = (await allEvents()).filter((event) => !seen.has(event.eventId));
    const expected = typeof entry.audit === 'function' ? entry.audit(answer) : entry.audit;
    expect(added.map((event) => event.action).sort()).toEqual([...expected].sort());
    for (const event of added) expect(event.actor, event.action).toEqual(api.staffActor(role));
    await entry.after?.(answer);
  });
});
