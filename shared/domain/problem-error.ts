import type { FieldError, ProblemCode } from './problems.js';

/**
 * A refusal the API reports as application/problem+json. `code` keys the bilingual message catalogue;
 * field errors name fields, never their values.
 */
export class ProblemError extends Error {
  override name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly errors: FieldError[] = [],
  ) {
    super(code);
  }
}

/** Another writer changed the record first; the caller re-reads and decides again (or answers 409). */
export class ConcurrentUpdateError extends Error {
  override name = 'ConcurrentUpdateError';
}

/** How often a lost race is re-run before the caller is told to try again (409 `conflict`). */
const maxConflictRetries = 12;

/**
 * Runs a read-decide-write until its conditional write wins. Each run re-reads, so a retry decides on the
 * state the winner left; after `maxConflictRetries` lost races the caller gets a 409, never a 500.
 */
export async function retryOnConflict<T>(run: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < maxConflictRetries; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      // A little jitter keeps 50 parallel losers from colliding again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
    }
  }
  throw new ProblemError(409, 'conflict');
}
