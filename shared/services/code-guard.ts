import { codeMatches, spendAttempt, type OneTimeCode } from '../domain/one-time-code.js';
import { retryOnConflict } from '../domain/problem-error.js';
import type { ServiceDeps } from './deps.js';

/** Where a mailed code lives: its record, the code state in it, and the salt it was MACed with. */
export interface GuardedCode<R> {
  record: R;
  code: OneTimeCode;
  salt: string;
}

export interface CodeStore<R> {
  /** The record holding the code, read consistently; undefined when there is none to guess at. */
  load(): Promise<GuardedCode<R> | undefined>;
  /** Writes the record with the spent attempt, conditioned on it being unchanged since `load`. */
  saveSpent(record: R, spent: OneTimeCode): Promise<R>;
}

/** Salt of the MAC computed when there is no code at all, so that path costs what a wrong guess costs. */
const noCodeSalt = 'no-code';

/**
 * Judges a guess at a mailed code the only safe way round: the attempt is spent first, by a conditional
 * write (a lost race re-reads and spends again), and only a stored spend earns a comparison. So N parallel
 * guesses get at most `policy.signIn.maxCodeAttempts` judgements, and once they are used even the right
 * code is refused. Returns the record as written with the spend when the guess was right, else undefined.
 */
export async function judgeGuess<R>(
  deps: Pick<ServiceDeps, 'codeMac' | 'clock'>,
  guess: string,
  store: CodeStore<R>,
): Promise<R | undefined> {
  return retryOnConflict(async () => {
    const now = deps.clock();
    const found = await store.load();
    if (!found) {
      await deps.codeMac.of(noCodeSalt, guess);
      return undefined;
    }
    const spend = spendAttempt(found.code, now);
    if (!spend.spent) {
      await deps.codeMac.of(noCodeSalt, guess);
      return undefined;
    }
    const written = await store.saveSpent(found.record, spend.state);
    return (await codeMatches(deps.codeMac, found.code, found.salt, guess)) ? written : undefined;
  });
}
