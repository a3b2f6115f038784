import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { registerLicensee } from '../../support/licensees.js';
import { useLocalApi } from '../../support/local-api.js';

const api = useLocalApi();

/** `npm run admin -- report --json` as staff run it, against this local API. */
async function cliReport(): Promise<unknown> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'cli/admin.ts', 'report', '--json'],
    {
      env: {
        ...process.env,
        ZORGSOM_API_URL: api.url,
        ZORGSOM_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'zorgsom-dash-')),
        ZORGSOM_STAFF_TOKEN: await api.staffToken('viewer'),
      },
    },
  );
  return JSON.parse(stdout);
}

describe('the dashboard', () => {
  it('counts the queue and shows this month exactly as `npm run admin -- report` does, from the audit trail', async () => {
    const licensee = await registerLicensee(api);
    const question = await api.call('POST', '/api/privacy-requests', {
      token: licensee.token,
      body: { type: 'question', message: 'Vraag voor het dashboard.' },
    });
    await api.call('POST', '/api/privacy-requests', { token: licensee.token, body: { type: 'overview' } });
    await api.staff('POST', '/api/admin/requests/close', {
      reference: question.body.reference,
      response: 'Hierbij ons antwoord op uw vraag.',
    });
    await api.staff('POST', '/api/admin/disclosures/record', {
      licenseeId: licensee.licenseeId,
      recipient: 'Belastingdienst',
      basis: 'legal-obligation',
      categories: ['name'],
      reference: 'BD-DASH-1',
    });
    const breach = await api.staff('POST', '/api/admin/breaches/record', {
      occurredAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
      discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
      ongoing: true,
      nature: ['availability'],
      summary: 'Portaal twee uur onbereikbaar',
      description: 'Het portaal was door een storing niet bereikbaar.',
      cause: 'Storing bij een onderdeel van de hosting.',
      dataCategories: ['name'],
      approximateRecords: 0,
      affectedGroups: ['licensees'],
      affectedMin: 0,
      affectedMax: 10,
      measuresBeforehand: 'Back-ups met point-in-time recovery.',
      dataWasEncrypted: true,
      likelyConsequences: 'Geen: alleen tijdelijk geen toegang.',
      followUp: 'Storing verholpen; monitoring aangescherpt.',
    });
    await api.staff('POST', '/api/admin/breaches/decide', {
      breachId: breach.body.breachId,
      report: false,
      reason: 'Geen risico voor betrokkenen: alleen tijdelijke onbeschikbaarheid.',
      highRisk: false,
    });

    const dashboard = await api.staff('POST', '/api/admin/dashboard', { months: 3 }, 'viewer');
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.months).toHaveLength(3);
    const thisMonth = dashboard.body.months.at(-1);
    const report = await cliReport();
    expect(thisMonth).toEqual(report);
    expect(thisMonth.requests.answered).toBeGreaterThanOrEqual(2);
    expect(thisMonth.disclosures['legal-obligation']).toBeGreaterThanOrEqual(1);
    expect(thisMonth.breaches).toMatchObject({ recorded: 1, notReported: 1, decidedLate: 0 });
    const { open, onTime, dueSoon, overdue } = dashboard.body.queue;
    expect(onTime + dueSoon + overdue).toBe(open);

    const csv = await api.staff('POST', '/api/admin/dashboard/csv', { months: 3 }, 'viewer');
    const lines = csv.body.csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^month,from,to,requests_received,/);
    const header = lines[0].split(',');
    const last = Object.fromEntries(
      lines[3].split(',').map((value: string, i: number) => [header[i], value]),
    );
    expect(Number(last.requests_answered)).toBe(thisMonth.requests.answered);
    expect(Number(last.breaches_not_reported)).toBe(1);
    expect(csv.body.csv).not.toContain(licensee.email);
  });
});
