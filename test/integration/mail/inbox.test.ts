import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generalMail, startMailDelivery, type MailDelivery } from '../../support/mail-delivery.js';
import { registerLicensee } from '../../support/licensees.js';
import { startLocalApi, type LocalApi } from '../../support/local-api.js';

/**
 * The staff inbox over the real staff routes: general mail to info@ is listed newest first with its sender
 * (staff only, audited), read, answered through the outgoing-mail pipeline (threaded), marked handled, or
 * turned into a privacy request that the licensee confirms with a mailed code.
 */
let api: LocalApi;
let intake: MailDelivery;
const deliver = async (raw: string, envelopeSender: string) =>
  (await intake.deliver(raw, { envelopeSender })).outcome;

beforeAll(async () => {
  api = await startLocalApi();
  intake = await startMailDelivery(api.env);
});
afterAll(async () => {
  await intake?.close();
  await api?.close();
});

type Item = { reference: string; sender: string | null; subject: string | null; status: string };

describe('the staff inbox', () => {
  it('lists, reads, answers (threaded), handles and converts general mail, each action audited once', async () => {
    const licensee = await registerLicensee(api);
    const stranger = `onbekend.${Date.now().toString(36)}@example.org`;
    expect(
      await deliver(
        generalMail(stranger, 'Vraag over de factuur', 'Waar blijft mijn factuur?', '<f1@example.org>'),
        stranger,
      ),
    ).toBe('general');
    expect(
      await deliver(
        generalMail(licensee.email, 'Mijn adres', 'Kunt u zien wat u van mij bewaart?', '<f2@example.nl>'),
        licensee.email,
      ),
    ).toBe('general');

    // Each sender got the acknowledgement with the item's reference.
    const acknowledgement = (await api.mailsTo(stranger)).at(-1);
    const reference = /M-[0-9A-Z]{8}/.exec(acknowledgement?.subject ?? '')?.[0];
    expect(reference).toBeDefined();

    const listed = await api.staff('POST', '/api/admin/inbox/list', {});
    expect(listed.status).toBe(200);
    const items = listed.body.items as Item[];
    const senders = items.map((item) => item.sender);
    // Newest first: the licensee's mail came last.
    expect(senders.indexOf(licensee.email)).toBeGreaterThanOrEqual(0);
    expect(senders.indexOf(licensee.email)).toBeLessThan(senders.indexOf(stranger));
    expect(items.map((item) => item.reference)).toContain(reference);

    const shown = await api.staff('POST', '/api/admin/inbox/show', { reference });
    expect(shown.body).toMatchObject({
      reference,
      sender: stranger,
      subject: 'Vraag over de factuur',
      messageId: '<f1@example.org>',
    });
    expect(shown.body.text).toContain('Waar blijft mijn factuur?');

    const answered = await api.staff('POST', '/api/admin/inbox/answer', {
      reference,
      text: 'Uw factuur is vandaag verstuurd. Met vriendelijke groet, ZorgSom.',
    });
    expect(answered.status).toBe(200);
    expect(answered.body.status).toBe('answered');
    const answer = (await api.mailsTo(stranger)).at(-1);
    expect(answer?.subject).toBe(`Re: Vraag over de factuur [${reference}]`);
    expect(answer?.text).toContain('Uw factuur is vandaag verstuurd.');
    expect(answer?.headers['In-Reply-To']).toBe('<f1@example.org>');
    expect(answer?.headers['Auto-Submitted']).toBeUndefined();

    // The same answer submitted again (a double click, a retried call) is not mailed twice; another text is.
    const mailsAfterAnswer = (await api.mailsTo(stranger)).length;
    const repeated = await api.staff('POST', '/api/admin/inbox/answer', {
      reference,
      text: 'Uw factuur is vandaag verstuurd. Met vriendelijke groet, ZorgSom.',
    });
    expect(repeated.status).toBe(200);
    expect(await api.mailsTo(stranger)).toHaveLength(mailsAfterAnswer);
    const second = await api.staff('POST', '/api/admin/inbox/answer', {
      reference,
      text: 'Aanvulling: de factuur staat ook in uw portaal.',
    });
    expect(second.status).toBe(200);
    expect(await api.mailsTo(stranger)).toHaveLength(mailsAfterAnswer + 1);
    expect((await api.mailsTo(stranger)).at(-1)?.text).toContain('de factuur staat ook in uw portaal');

    expect((await api.staff('POST', '/api/admin/inbox/handle', { reference })).body.status).toBe('handled');
    expect((await api.staff('POST', '/api/admin/inbox/handle', { reference })).status).toBe(409);
    const afterHandling = (await api.staff('POST', '/api/admin/inbox/list', {})).body.items as Item[];
    expect(afterHandling.map((item) => item.reference)).not.toContain(reference);

    // A stranger's mail cannot become a privacy request; a licensee's can, confirmed by a mailed code.
    const licenseeItem = afterHandling.find((item) => item.sender === licensee.email)!;
    const before = (await api.mailsTo(licensee.email)).length;
    const converted = await api.staff('POST', '/api/admin/inbox/convert', {
      reference: licenseeItem.reference,
      type: 'overview',
    });
    expect(converted.status).toBe(200);
    expect(converted.body).toMatchObject({
      status: 'converted',
      request: { type: 'overview', status: 'awaiting-confirmation' },
    });
    const code = (await api.mailsTo(licensee.email)).slice(before);
    expect(code.map((mail) => mail.subject)).toEqual([
      expect.stringMatching(`Bevestig uw privacyverzoek ${converted.body.request.reference}`),
    ]);

    // One audit event per action, naming the staff member.
    const since = new Date(Date.now() - 3_600_000).toISOString().slice(0, 10);
    const events = (await api.staff('POST', '/api/admin/audit', { since })).body.events as {
      action: string;
      actor: { kind: string; id: string };
      details: Record<string, unknown>;
    }[];
    const inboxEvents = events.filter(
      (event) => event.action.startsWith('inbox.') && event.details.reference === reference,
    );
    expect(inboxEvents.map((event) => event.action).sort()).toEqual([
      'inbox.answered',
      'inbox.answered',
      'inbox.handled',
      'inbox.read',
    ]);
    expect(events.filter((event) => event.action === 'inbox.converted')).toHaveLength(1);
    for (const event of events.filter((event) => event.action.startsWith('inbox.')))
      expect(event.actor.kind).toBe('staff');
  });

  it('refuses unknown references and bodies that are not exactly the schema', async () => {
    expect((await api.staff('POST', '/api/admin/inbox/show', { reference: 'M-00000000' })).status).toBe(404);
    expect((await api.staff('POST', '/api/admin/inbox/show', { reference: 'x' })).status).toBe(400);
    expect(
      (await api.staff('POST', '/api/admin/inbox/answer', { reference: 'M-00000000', text: 'kort' })).status,
    ).toBe(400);
    expect((await api.call('POST', '/api/admin/inbox/list', { body: {} })).status).toBeGreaterThanOrEqual(
      401,
    );
  });
});
