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
