import { describe, expect, it } from 'vitest';
import { registerLicensee } from '../../support/licensees.js';
import { useLocalApi } from '../../support/local-api.js';

const api = useLocalApi();

const auditOf = async (licenseeId: string) =>
  (await api.staff('POST', '/api/admin/audit', { licenseeId })).body.events as {
    action: string;
    actor: { kind: string; id: string };
  }[];

describe('staff routes are never reachable without authorisation', () => {
  it('refuses no credential, a wrong one and a licensee session token, before any function runs', async () => {
    const licensee = await registerLicensee(api);
    for (const token of [undefined, 'wrong-credential', licensee.token]) {
      const response = await api.call('POST', '/api/admin/licensees/show', {
        token,
        body: { licenseeId: licensee.licenseeId },
      });
      expect(response.status).toBe(401);
      expect(JSON.stringify(response.body)).not.toContain(licensee.email);
    }
    expect(await auditOf(licensee.licenseeId)).toEqual([]);
  });
});

describe('licensee show', () => {
  it('decrypts for staff and audits exactly one read with the staff principal', async () => {
    const licensee = await registerLicensee(api);
    const shown = await api.staff('POST', '/api/admin/licensees/show', { licenseeId: licensee.licenseeId });
    expect(shown.status).toBe(200);
    expect(shown.body.personalData.email).toBe(licensee.email);
    const events = await auditOf(licensee.licenseeId);
    expect(events.filter((event) => event.action === 'licensee.read-by-staff')).toEqual([
      expect.objectContaining({ actor: api.staffActor('admin') }),
    ]);
  });

  it('answers 404 for an unknown licensee and 400 for a malformed id', async () => {
    expect(
      (await api.staff('POST', '/api/admin/licensees/show', { licenseeId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }))
        .status,
    ).toBe(404);
    expect((await api.staff('POST', '/api/admin/licensees/show', { licenseeId: 'x' })).status).toBe(400);
  });
});

describe('disclosures', () => {
  it('records a disclosure with a lawful basis, audited and visible in the licensee export', async () => {
    const licensee = await registerLicensee(api);
    const recorded = await api.staff('POST', '/api/admin/disclosures/record', {
      licenseeId: licensee.licenseeId,
      recipient: 'Belastingdienst',
      basis: 'legal-obligation',
      categories: ['name', 'iban'],
      reference: 'BD-2026-0042',
    });
    expect(recorded.status).toBe(200);
    const exported = await api.call('GET', '/api/me/export', { token: licensee.token });
    expect(exported.body.disclosures).toEqual([
      expect.objectContaining({
        recipient: 'Belastingdienst',
        basis: 'legal-obligation',
        categories: ['name', 'iban'],
        reference: 'BD-2026-0042',
      }),
    ]);
    expect((await auditOf(licensee.licenseeId)).map((event) => event.action)).toContain(
      'disclosure.recorded',
    );
  });

  it('refuses any other basis, unknown categories and unknown licensees, recording nothing', async () => {
    const licensee = await registerLicensee(api);
    const base = {
      licenseeId: licensee.licenseeId,
      recipient: 'Partner BV',
      categories: ['name'],
      reference: 'REF-1',
    };
    const gossip = await api.staff('POST', '/api/admin/disclosures/record', { ...base, basis: 'curiosity' });
    expect(gossip.status).toBe(400);
    expect(gossip.body.errors).toContainEqual(expect.objectContaining({ field: 'basis' }));
    const category = await api.staff('POST', '/api/admin/disclosures/record', {
      ...base,
      basis: 'fraud',
      categories: ['bsn-of-patient'],
    });
    expect(category.status).toBe(400);
    expect(category.body.errors).toContainEqual(expect.objectContaining({ field: 'categories[0]' }));
    const unknown = await api.staff('POST', '/api/admin/disclosures/record', {
      ...base,
      basis: 'fraud',
      licenseeId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    });
    expect(unknown.status).toBe(404);
    expect((await api.call('GET', '/api/me/export', { token: licensee.token })).body.disclosures).toEqual([]);
    expect((await auditOf(licensee.licenseeId)).map((event) => event.action)).not.toContain(
      'disclosure.recorded',
    );
  });
});

describe('processing register', () => {
  it('is generated from the policy file', async () => {
    const register = await api.staff('GET', '/api/admin/reports/processing-register');
    expect(register.status).toBe(200);
    expect(register.body.categories.map((category: { id: string }) => category.id)).toEqual([
      'name',
      'address',
      'email',
      'iban',
    ]);
    expect(register.body.recipients.thirdParties.bases).toEqual([
      'legal-obligation',
      'business-necessity',
      'fraud',
    ]);
    expect(register.body.retention.afterLicenceEndMonths).toBe(24);
  });

  it('lists every processing the system does, each with its own basis and retention, patient files included', async () => {
    const register = (await api.staff('GET', '/api/admin/reports/processing-register', undefined, 'viewer'))
      .body;
    const byId = Object.fromEntries(
      register.processings.map((processing: { id: string }) => [processing.id, processing]),
    );
    expect(Object.keys(byId)).toEqual([
      'licensee-records',
      'request-and-mail-texts',
      'budget-review-uploads',
      'audit-trail',
      'staff-accounts',
      'breach-register',
    ]);
    expect(byId['budget-review-uploads']).toMatchObject({
      dataSubjects: 'patients',
      categories: ['patient-data'],
      legalBasis: 'consent',
    });
    expect(byId['budget-review-uploads'].retention.en).toContain('14 days');
    expect(byId['licensee-records'].retention.en).toContain('24 months');
    // No longer the untrue "no patient data": it says where patient data is, and only there.
    expect(JSON.stringify(register)).not.toContain('No patient data');
    expect(register.patientData.en).toContain('budget review');
  });
});
