import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deviceCookieName, isDeviceOf, newDeviceCookie } from '../../../shared/domain/device-cookie.js';

/**
 * The device cookie's value and checks, with a local HMAC standing in for KMS's (the real one, against the KMS
 * emulator, is in test/integration/abuse/owner-reserve.test.ts).
 */
let macs = 0;
const mac = {
  of: async (salt: string, code: string) => {
    macs += 1;
    return createHmac('sha256', 'test-key').update(`${salt}\u0000${code}`).digest('base64url');
  },
};
const valueOf = (setCookie: string) => setCookie.split(';')[0]!.slice(deviceCookieName.length + 1);

describe('device cookie', () => {
  it('is a __Host- cookie: Secure, HttpOnly, SameSite=Strict, Path=/, no Domain, 90 days', async () => {
    const setCookie = await newDeviceCookie(mac, 'index-a');
    expect(setCookie.startsWith(`${deviceCookieName}=`)).toBe(true);
    expect(deviceCookieName.startsWith('__Host-')).toBe(true);
    expect(setCookie).toMatch(/; Max-Age=7776000; Path=\/; Secure; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toMatch(/domain=/i);
  });

  it('is valid for its own address only, and not once tampered with', async () => {
    const value = valueOf(await newDeviceCookie(mac, 'index-a'));
    expect(await isDeviceOf(mac, 'index-a', value)).toBe(true);
    expect(await isDeviceOf(mac, 'index-b', value)).toBe(false);
    const [id, tag] = value.split('.') as [string, string];
    const flip = (s: string) => s.slice(0, -1) + (s.endsWith('A') ? 'B' : 'A');
    expect(await isDeviceOf(mac, 'index-a', `${flip(id)}.${tag}`)).toBe(false);
    expect(await isDeviceOf(mac, 'index-a', `${id}.${flip(tag)}`)).toBe(false);
  });

  it('two sign-ins make two different cookies (a random id each)', async () => {
    const a = valueOf(await newDeviceCookie(mac, 'index-a'));
    const b = valueOf(await newDeviceCookie(mac, 'index-a'));
    expect(a).not.toBe(b);
  });

  it.each([undefined, '', 'garbage', 'a.b', `${'A'.repeat(22)}.${'A'.repeat(44)}`, '\u0000'.repeat(66)])(
    'refuses %j at the cost of exactly one MAC',
    async (value) => {
      const before = macs;
      expect(await isDeviceOf(mac, 'index-a', value)).toBe(false);
      expect(macs - before).toBe(1);
    },
  );
});
