import { decodeJwt } from 'jose';
import { isLocalOrigin, saveToken } from './admin-client.js';
import { fetchConsoleConfig, SignInError, signInToLocalIdp, signInWithBrowser } from './staff-sign-in.js';
import { cliRedirectUri, currentTotp, readLocalStaffUsers } from '../local/staff-idp.js';
import { staffRoles } from '../shared/domain/staff-roles.js';

/**
 * `login`: the sign-in the console uses (authorization code + PKCE, second factor), for the CLI's own
 * loopback redirect. `--as ROLE` (local stack only) signs in as the first user `npm start` made for that
 * role, through the same pages, with the user's password and current TOTP code from the data folder.
 */
export async function signIn(
  origin: string,
  as: string | undefined,
  print: (line: string) => void,
): Promise<{ username: string; role: string }> {
  const config = await fetchConsoleConfig(origin);
  let tokens;
  if (as !== undefined) {
    if (!isLocalOrigin(origin))
      throw new SignInError('--as works only against npm start (a localhost origin)');
    if (!(staffRoles as readonly string[]).includes(as))
      throw new SignInError(`--as takes one of ${staffRoles.join(', ')}`);
    const dataDir = process.env.LOCAL_DATA_DIR || '.local';
    const user = (await readLocalStaffUsers(dataDir))?.find((candidate) => candidate.role === as);
    if (!user) throw new SignInError(`No local staff users in ${dataDir}: start the system with npm start`);
    try {
      tokens = await signInToLocalIdp(config, user, () => currentTotp(user), cliRedirectUri);
    } catch (error) {
      // A code is accepted once: right after another sign-in, wait for the next one, as a person would.
      if (!(error instanceof SignInError && /second factor/.test(error.message))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 30_000 - (Date.now() % 30_000) + 500));
      tokens = await signInToLocalIdp(config, user, () => currentTotp(user), cliRedirectUri);
    }
  } else {
    tokens = await signInWithBrowser(config, cliRedirectUri, print);
  }
  await saveToken(origin, tokens.access_token);
  const claims = decodeJwt(tokens.access_token);
  return {
    username: String(claims.username),
    role: ((claims['cognito:groups'] as string[] | undefined) ?? []).join(','),
  };
}
