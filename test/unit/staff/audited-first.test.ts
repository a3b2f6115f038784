import { describe, expect, it, vi } from 'vitest';
import { showLicenseeToStaff } from '../../../shared/services/staff/licensee-access.js';
import { showRequest } from '../../../shared/services/staff/request-actions.js';
import { listRequestsForConsole, showRequestText } from '../../../shared/services/staff/request-console.js';

/**
 * Every staff read of personal data is audited before anything is decrypted: with the audit write failing,
 * the read fails and no plaintext was ever produced.
 */
const request = {
  requestId: 'R1',
  reference: 'P-ABCDEFGH',
  licenseeId: 'L1',
  type: 'question',
  channel: 'web',
  status: 'open',
  receivedAt: '2026-12-01T10:00:00.000Z',
  dueAt: '2027-01-01T10:00:00.000Z',
  history: [],
  message: new Uint8Array([1, 2, 3]),
  version: 1,
};

function depsWithFailingAudit() {
  const decrypt = vi.fn(async () => new TextEncoder().encode('geheim'));
  const deps = {
    audit: { record: vi.fn(async () => Promise.reject(new Error('audit write failed'))) },
    envelope: { decrypt, encrypt: vi.fn() },
    requests: {
      findByReference: async () => ({ licenseeId: 'L1', requestId: 'R1' }),
      getRequest: async () => request,
      listRequests: vi.fn(async () => [request]),
    },
    blindIndex: { of: async () => 'blind-index' },
    notes: { list: vi.fn(async () => []) },
    repo: {
      getProfile: vi.fn(async () => ({ licenseeId: 'L1', pii: new Uint8Array([9]) })),
      findEmailOwner: async () => ({ licenseeId: 'L1' }),
    },
    clock: () => new Date('2026-12-02T00:00:00Z'),
  };
  return { deps: deps as never, decrypt, deps_: deps };
}

const actor = { kind: 'staff' as const, id: 'sub-1', username: 'handler@zorgsom.local' };

describe('staff reads are audited first', () => {
  it.each([
    ['request show', (deps: never) => showRequest(deps, actor, 'P-ABCDEFGH')],
    ['request show-text', (deps: never) => showRequestText(deps, actor, 'P-ABCDEFGH')],
    ['licensee show', (deps: never) => showLicenseeToStaff(deps, actor, 'L1')],
    [
      'request list by email',
      (deps: never) => listRequestsForConsole(deps, actor, { email: 'praktijk@example.nl' }),
    ],
  ])('%s: a failing audit write shows nothing and decrypts nothing', async (_name, read) => {
    const { deps, decrypt, deps_ } = depsWithFailingAudit();
    await expect(read(deps)).rejects.toThrow('audit write failed');
    expect(deps_.audit.record).toHaveBeenCalledTimes(1);
    expect(decrypt).not.toHaveBeenCalled();
    expect(deps_.notes.list).not.toHaveBeenCalled();
    expect(deps_.requests.listRequests).not.toHaveBeenCalled();
  });
});
