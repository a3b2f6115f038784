import { newLicensee, type LocalApi } from './local-api.js';

/** Signs a new licensee up through the API and confirms with the mailed code. */
export async function registerLicensee(api: LocalApi, overrides: Record<string, unknown> = {}) {
  const input = newLicensee(overrides);
  const email = String(input.email).toLowerCase();
  const signup = await api.call('POST', '/api/licensees', { body: input });
  if (signup.status !== 202) throw new Error(`signup answered ${signup.status}`);
  const confirm = await api.call('POST', '/api/licensees/confirm', {
    body: { email, code: await api.latestCode(email) },
  });
  if (confirm.status !== 200) throw new Error(`confirm answered ${confirm.status}`);
  const token = confirm.body.token as string;
  const me = await api.call('GET', '/api/me', { token });
  return { input, email, token, licenseeId: me.body.licenseeId as string };
}
