import type { z } from 'zod/mini';
import { findPatientData } from './patient-guard.js';
import { fieldErrorsFromZod, problemErrorMap, type FieldError } from './problems.js';

export type Validation<T> = { ok: true; value: T } | { ok: false; status: 400 | 422; errors: FieldError[] };

/**
 * Checks a parsed request body. Patient data is looked for first and refuses the request outright (422), before
 * any schema sees it; then the schema decides (400). Errors name fields and codes, never values. The guard is
 * off only for the one input that may carry patient data: a budget-review upload the licensee consented to.
 */
export function validateBody<T>(
  schema: z.ZodMiniType<T>,
  body: unknown,
  { patientGuard = true }: { patientGuard?: boolean } = {},
): Validation<T> {
  const findings = patientGuard ? findPatientData(body) : [];
  if (findings.length > 0) {
    const fields = [...new Set(findings.map((finding) => finding.field))];
    return { ok: false, status: 422, errors: fields.map((field) => ({ field, code: 'patient-data' })) };
  }
  const parsed = schema.safeParse(body, { error: problemErrorMap });
  if (!parsed.success) return { ok: false, status: 400, errors: fieldErrorsFromZod(parsed.error) };
  return { ok: true, value: parsed.data };
}
