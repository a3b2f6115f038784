import { describe, expect, it } from 'vitest';
import { registerLicensee } from '../../support/licensees.js';
import { useLocalApi } from '../../support/local-api.js';

const api = useLocalApi();

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
const fields = (discoveredHoursAgo: number) => ({
  occurredAt: hoursAgo(discoveredHoursAgo + 2),
  discoveredAt: hoursAgo(discoveredHoursAgo),
  ongoing: false,
  endedAt: hoursAgo(discoveredHoursAgo + 1),
  nature: ['confidentiality'],
  summary: 'Export met licentiehoudersgegevens naar verkeerde ontvanger gemaild',
  description:
    'Een medewerker mailde een overzicht met namen en e-mailadressen naar een verkeerde leverancier.',
  cause: 'Menselijke fout: verkeerde ontvanger gekozen bij automatisch aanvullen.',
  dataCategories: ['name', 'email'],
  approximateRecords: 120,
  affectedGroups: ['licensees'],
  affectedMin: 100,
  affectedMax: 120,
  measuresBeforehand: 'Versleuteling in rust met KMS; het overzicht zelf was niet versleuteld.',
  dataWasEncrypted: false,
  likelyConsequences: 'Mogelijk phishing-mails aan de betrokken zorgverleners.',
  followUp:
    'Ontvanger heeft de mail verwijderd en dat schriftelijk bevestigd; automatisch aanvullen uitgezet.',
});
const audit = async (since: string) =>
  (await api.staff('POST', '/api/admin/audit', { since })).body.events as {
    action: string;
    subjectId?: string;
    actor: { username?: string };
    details: Record<string, unknown>;
  }[];

describe('breach register (AVG art. 33(5))', () => {
  it('records a breach with the AP form fields and a 72-hour clock from discovery, with warnings', async () => {
    const fresh = await api.staff('POST', '/api/admin/breaches/record', fields(1));
    expect(fresh.status).toBe(200);
    expect(fresh.body.clock.state).toBe('open');
    expect(new Date(fresh.body.clock.deadline).getTime()).toBe(
      new Date(fresh.body.discoveredAt).getTime() + 72 * 3_600_000,
    );
    expect((await api.staff('POST', '/api/admin/breaches/record', fields(60))).body.clock.state).toBe(
      'warning',
    );
    const late = await api.staff('POST', '/api/admin/breaches/record', fields(80));
    expect(late.body.clock.state).toBe('overdue');
    expect(late.body.clock.hoursLeft).toBeLessThan(0);
    const listed = await api.staff('POST', '/api/admin/breaches/list', {});
    expect(listed.body.breaches.map((b: { breachId: string }) => b.breachId)).toContain(fresh.body.breachId);
    // The decision, with its reason; taken late it says so.
    const decided = await api.staff('POST', '/api/admin/breaches/decide', {
      breachId: late.body.breachId,
      report: true,
      reason: 'Risico voor betrokkenen: phishing is waarschijnlijk.',
      authorityReference: 'AP-2026-12345',
      highRisk: false,
    });
    expect(decided.body.clock.state).toBe('decided-late');
    expect(decided.body.decision).toMatchObject({ report: true, withinDeadline: false });
    const again = await api.staff('POST', '/api/admin/breaches/decide', {
      breachId: late.body.breachId,
      report: false,
      reason: 'Tweede besluit mag niet.',
      highRisk: false,
    });
    expect(again.status).toBe(409);
  });

  it('refuses inconsistent answers: discovery before occurrence, min above max, no nature', async () => {
    const wrong = await api.staff('POST', '/api/admin/breaches/record', {
      ...fields(1),
      ongoing: true,
      endedAt: undefined,
      discoveredAt: hoursAgo(10),
      occurredAt: hoursAgo(1),
      affectedMin: 10,
      affectedMax: 5,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'affectedMax',
      'discoveredAt',
    ]);
    const noNature = await api.staff('POST', '/api/admin/breaches/record', { ...fields(1), nature: [] });
    expect(noNature.status).toBe(400);
  });

  it('exports the answers ready to paste into the AP form', async () => {
    const breach = (await api.staff('POST', '/api/admin/breaches/record', fields(5))).body;
    const exported = await api.staff('POST', '/api/admin/breaches/export', { breachId: breach.breachId });
    const questions = exported.body.answers.map((a: { question: string }) => a.question);
    for (const question of [
      'Wanneer is de inbreuk ontdekt?',
      'Aard van de inbreuk',
      'Om welke soort persoonsgegevens gaat het?',
      'Om hoeveel personen gaat het?',
      'Welke maatregelen waren vooraf getroffen?',
      'Wat zijn de mogelijke gevolgen voor de betrokkenen?',
      'Welke vervolgacties en maatregelen zijn genomen?',
    ])
      expect(questions).toContain(question);
    expect(exported.body.text).toContain('Minimaal 100, maximaal 120');
    expect(exported.body.text).toContain('Inbreuk op de vertrouwelijkheid');
  });

  it('tells affected licensees of a high-risk breach in plain language, once, through the mail pipeline', async () => {
    const licensee = await registerLicensee(api);
    const breach = (await api.staff('POST', '/api/admin/breaches/record', fields(2))).body;
    const notice = {
      breachId: breach.breachId,
      licenseeIds: [licensee.licenseeId],
      whatYouCanDo: 'Wees alert op mails die om uw wachtwoord of betaalgegevens vragen.',
      send: true,
    };
    expect((await api.staff('POST', '/api/admin/breaches/notify-licensees', notice)).status).toBe(409);
    await api.staff('POST', '/api/admin/breaches/decide', {
      breachId: breach.breachId,
      report: true,
      reason: 'Hoog risico: namen en e-mailadressen bij een onbekende ontvanger.',
      highRisk: true,
    });
    const preview = await api.staff('POST', '/api/admin/breaches/notify-licensees', {
      ...notice,
      send: false,
    });
    expect(preview.body).toMatchObject({ recipients: 1, sent: 0 });
    expect(preview.body.preview.text).toContain('Wat u zelf kunt doen: Wees alert');
    expect(await api.mailsTo(licensee.email)).toHaveLength(1); // only the signup code so far
    const sent = await api.staff('POST', '/api/admin/breaches/notify-licensees', notice);
    expect(sent.body).toMatchObject({ recipients: 1, sent: 1 });
    const mail = (await api.mailsTo(licensee.email)).at(-1)!;
    expect(mail.text).toContain(breach.description);
    expect(mail.text).toContain(breach.likelyConsequences);
    expect(mail.text).toContain('Wat u zelf kunt doen');
    expect((await api.staff('POST', '/api/admin/breaches/notify-licensees', notice)).status).toBe(409);
    expect(await api.mailsTo(licensee.email)).toHaveLength(2);
  });

  it('every change is one audit event naming the staff member; 50 parallel edits of one version: one wins, the rest 409', async () => {
    const since = new Date().toISOString().slice(0, 10);
    const breach = (await api.staff('POST', '/api/admin/breaches/record', fields(3))).body;
    const { breachId, version, clock: _clock, recordedAt: _r, recordedBy: _b, ...rest } = breach;
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.staff('POST', '/api/admin/breaches/update', {
          ...rest,
          breachId,
          version,
          followUp: `Vervolgactie versie ${i} met genoeg tekst.`,
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    const events = (await audit(since)).filter((event) => event.subjectId === breachId);
    expect(events.map((event) => event.action)).toEqual(['breach.recorded', 'breach.updated']);
    expect(events.every((event) => event.actor.username === 'admin@zorgsom.local')).toBe(true);
  });

  it('is for admins only', async () => {
    expect((await api.staff('POST', '/api/admin/breaches/list', {}, 'handler')).status).toBe(403);
  });
});
